"""Notifications to the chat channels operators watch: incident notices, approval requests (with
buttons), step results, expiries. Each configured channel (SLACK_NOTIFY_CHANNEL, TELEGRAM_NOTIFY_CHAT_ID)
gets one task per notice, enqueued after commit; an adapter that is not configured is skipped."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from chat.messages import Button


def notify_chat(text: str, *, buttons: Iterable[Button] = (), monospace: bool = False,
                reply_to: dict[str, str] | None = None, channels: bool = True) -> None:
    """Send `text` to every notification channel (unless `channels` is false), and to `reply_to` (the
    conversation that asked for what this reports)."""
    from chat import tasks

    configured = (("slack", settings.SLACK_NOTIFY_CHANNEL), ("telegram", settings.TELEGRAM_NOTIFY_CHAT_ID))
    targets = {(kind, str(target)) for kind, target in configured if target and channels}
    if reply_to and reply_to.get("channel_type") and reply_to.get("conversation_id"):
        targets.add((reply_to["channel_type"], str(reply_to["conversation_id"])))
    encoded = [[b.label, b.value, b.style] for b in buttons]
    for channel_type, conversation_id in sorted(targets):
        transaction.on_commit(lambda c=channel_type, t=conversation_id: tasks.send_notification.delay(
            c, t, text, encoded, monospace))
