"""Chat's sink of the notifications port: incident notices, approval requests (with buttons), step
results, expiries, root causes. Each configured channel (SLACK_NOTIFY_CHANNEL, TELEGRAM_NOTIFY_CHAT_ID)
and the conversation that asked get one task per notice; an adapter that is not configured is skipped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings

from aiops_project import outbox
from aiops_project.notices import Notice
from chat.messages import Button, approval_buttons


def chat_sink(notice: Notice) -> None:
    """Registered in ChatConfig.ready(): called after commit with every published notice."""
    buttons = approval_buttons(notice.approval_id) if (
        notice.kind == "approval.requested" and notice.approval_id is not None) else ()
    text = f"{notice.text}:\n{notice.detail}" if notice.detail else notice.text
    if notice.kind == "incident.notified" and notice.incident_id is not None:  # where to read more, in chat
        text += f"\nIncident #{notice.incident_id}: /incident show {notice.incident_id}"
    notify_chat(text, buttons=buttons, reply_to=notice.reply_to,
                channels=notice.audience == "operators")


def notify_chat(text: str, *, buttons: Iterable[Button] = (),
                reply_to: Mapping[str, str] | None = None, channels: bool = True) -> None:
    """Send `text` to every notification channel (unless `channels` is false), and to `reply_to` (the
    conversation that asked for what this reports), once the current transaction commits."""
    from chat import tasks  # tasks imports the handler, which sends notices: imported when sending

    configured = (("slack", settings.SLACK_NOTIFY_CHANNEL), ("telegram", settings.TELEGRAM_NOTIFY_CHAT_ID))
    targets = {(kind, str(target)) for kind, target in configured if target and channels}
    if reply_to and reply_to.get("channel_type") and reply_to.get("conversation_id"):
        targets.add((reply_to["channel_type"], str(reply_to["conversation_id"])))
    encoded = [[b.label, b.value, b.style] for b in buttons]
    for channel_type, conversation_id in sorted(targets):
        outbox.enqueue(tasks.send_notification, channel_type, conversation_id, text, encoded)
