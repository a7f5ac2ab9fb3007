"""The notifications port: what the domain tells people, as data, delivered after commit to every sink.

Incidents and remediation say *what* happened (`publish(Notice(...))`); they do not know who listens.
Sinks register themselves once, in their app's `AppConfig.ready()`: the console's sink is registered
here (it lives underneath every app), chat registers one per process in `ChatConfig.ready()`.

A notice goes out only once the transaction that made it commits (a rolled-back change tells nobody),
and a sink that fails is logged and skipped: a lost notice never undoes or fails the change it reports,
nor keeps it from the other sinks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import structlog
from django.db import transaction

from aiops_project.live import notify_console
from aiops_project.redaction import redact

log = structlog.get_logger(__name__)

Audience = Literal["operators", "requester"]


@dataclass(frozen=True)
class Notice:
    """One thing worth telling people.

    `kind` names the event ("incident.notified", "approval.requested", "approval.expired", "step.finished",
    "rca.completed"); sinks may present kinds differently (chat adds Approve/Reject buttons to an
    "approval.requested" notice). `audience`: "operators" is everyone on call (every notification channel
    and console) and the requester too; "requester" is only the conversation in `reply_to`, if any.
    `reply_to` names the conversation that asked for what this reports: {"channel_type", "conversation_id"}.
    `detail`: what a tool answered (a step's output), for the channels of the people who approved or asked;
    a console shows the notice to anyone signed in, so it leaves the detail out (the run's page shows it to
    those allowed to read step output).
    """

    kind: str
    text: str
    incident_id: int | None = None
    approval_id: int | None = None
    audience: Audience = "operators"
    reply_to: Mapping[str, str] | None = None
    detail: str = ""


Sink = Callable[[Notice], None]
_sinks: dict[str, Sink] = {}


def register_sink(name: str, sink: Sink) -> None:
    """Add (or replace, by name) a sink; called from an `AppConfig.ready()`."""
    _sinks[name] = sink


def unregister_sink(name: str) -> None:
    _sinks.pop(name, None)


def sinks() -> dict[str, Sink]:
    return dict(_sinks)


def publish(notice: Notice) -> None:
    """Deliver `notice` to every registered sink once the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: deliver(notice))


def deliver(notice: Notice) -> None:
    """Hand `notice` to every sink, its text redacted: a step's result or an incident's message goes to Slack and
    Telegram too."""
    notice = replace(notice, text=redact(notice.text), detail=redact(notice.detail))
    for name, sink in list(_sinks.items()):
        try:
            sink(notice)
        except Exception:
            log.warning("notice_sink_failed", sink=name, kind=notice.kind, incident_id=notice.incident_id,
                        exc_info=True)


def console_sink(notice: Notice) -> None:
    """Open consoles show operators' notices as they come (their pages re-render on their own topics)."""
    if notice.audience == "operators":
        notify_console("notification", id=notice.incident_id, text=notice.text, kind=notice.kind)


register_sink("console", console_sink)
