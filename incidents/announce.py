"""Alertmanager alerts told to the operators as Alertmanager groups them: one message per notification, listing the
alerts of its group that started firing and those that resolved, not one message per alert.

While the intake records a notification (`collecting`), the rules' notify action (`incidents.routing`) hands each
Alertmanager event it would have told about here instead; a resolved alert joins when a notify rule matches it as
its firing would. Inside the recording's transaction the batch writes one outbox row (`enqueue`): the task is sent
after commit, or by the outbox's drain if the broker is away, so a committed alert is told even if the web process
dies right after. The worker (`announce`) reads the events, writes the audit entry, and publishes one notice, which
the chat sink posts to each notification channel.

Only what changed is told: a notification redelivered unchanged (Alertmanager's repeat_interval, a retry) records
nothing, so it tells nothing again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiops_project import outbox
from aiops_project.notices import Notice, publish
from incidents.audit import audit
from incidents.models import ClusterEvent, EventSource, EventStatus, Incident

# Alerts listed by name in one message (upstream's shipped Alertmanager config sends at most 20 per notification);
# the rest of a storm is counted by alert name. Every alert is stored and on the console either way.
LISTED = 20
COUNTED_NAMES = 8
TITLE_LABELS = ("alertname", "cluster", "namespace", "severity")
LINE_CHARACTERS = 200
MESSAGE_CHARACTERS = 2500  # for the listed alerts; the title and the counts fit in what is left of one message


@dataclass
class AlertBatch:
    """The Alertmanager events of one notification that a notify rule tells about, as recorded and routed."""

    firing_in_notification: int = 0
    firing: list[int] = field(default_factory=list)  # event ids, the first LISTED of each status
    resolved: list[int] = field(default_factory=list)
    more: Counter[tuple[str, str]] = field(default_factory=Counter)  # (status, alert name) past LISTED
    seen: set[int] = field(default_factory=set)
    shared: dict[str, str] | None = None  # the TITLE_LABELS every alert told has, with one value

    def take(self, event: ClusterEvent) -> None:
        if event.pk in self.seen:  # two notify rules matched it: told once
            return
        self.seen.add(event.pk)
        labels = {key: str(event.labels.get(key) or "") for key in TITLE_LABELS}
        self.shared = {k: v for k, v in (labels if self.shared is None else self.shared).items()
                       if v and labels[k] == v}
        listed = self.resolved if event.status == EventStatus.RESOLVED else self.firing
        if len(listed) < LISTED:
            listed.append(event.pk)
        else:
            self.more[(event.status, event.reason)] += 1

    def enqueue(self, recorded: Sequence[ClusterEvent]) -> None:
        """Inside the recording's transaction: one outbox row for the whole notification, if it tells anything."""
        if not self.seen:
            return
        from incidents import tasks

        unchanged = self.firing_in_notification - sum(e.status == EventStatus.FIRING for e in recorded)
        more = [[status, name, count] for (status, name), count in self.more.most_common()]
        outbox.enqueue(tasks.announce_alerts, self.firing, self.resolved, more, max(unchanged, 0), self.shared or {})


_batch: ContextVar[AlertBatch | None] = ContextVar("alert_batch", default=None)


@contextmanager
def collecting(firing_in_notification: int) -> Iterator[AlertBatch]:
    """Within the block, notify actions on Alertmanager events gather into one batch (see the module)."""
    batch = AlertBatch(firing_in_notification=firing_in_notification)
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)


def alert_batch_open() -> bool:
    return _batch.get() is not None


def collected(event: ClusterEvent) -> bool:
    """Whether a notification's batch takes this event's notice (an Alertmanager event while one is collecting)."""
    batch = _batch.get()
    if batch is None or event.source != EventSource.ALERTMANAGER:
        return False
    batch.take(event)
    return True


def announce(firing: list[int], resolved: list[int], more: list[list[Any]], unchanged: int,
             shared: dict[str, str]) -> None:
    """The worker's half: one notice (and audit entry) for a notification's alerts."""
    events = ClusterEvent.objects.in_bulk(firing + resolved)
    told = [events[pk] for pk in firing + resolved if pk in events]
    if not told and not more:
        return
    text = alerts_text(told, more, unchanged, shared)
    # The audit trail: one entry per incident the alerts joined (its timeline), one for the alerts of none.
    by_incident: dict[int | None, list[int]] = {}
    for event in told:
        by_incident.setdefault(event.incident_id, []).append(event.pk)
    incidents = Incident.objects.in_bulk([pk for pk in by_incident if pk is not None])
    for incident_id, event_ids in by_incident.items():
        incident = incidents.get(incident_id) if incident_id is not None else None
        audit("operators.notified", incident=incident, target=incident, message=text[:500], via="chat",
              event_ids=event_ids)
    only = next(iter(by_incident)) if len(by_incident) == 1 else None
    publish(Notice("alerts.notified", text, incident_id=only))


def alerts_text(events: Sequence[ClusterEvent], more: list[list[Any]], unchanged: int,
                shared: dict[str, str]) -> str:
    """Alertmanager's notification in words: a title with the labels all its alerts share, the alerts that started
    firing, those that resolved, then what did not fit, counted by alert name. Short enough to be one message on
    Slack (3,000 characters a section) and Telegram (4,096)."""
    left: Counter[tuple[str, str]] = Counter({(status, name): count for status, name, count in more})
    listed: list[str] = []
    budget = MESSAGE_CHARACTERS
    for mark, status in (("🔥", "firing"), ("✅", "resolved")):
        for event in (e for e in events if e.status == status):
            line = _line(mark, event)
            if budget - len(line) - 1 < 0:
                left[(status, event.reason)] += 1
                continue
            budget -= len(line) + 1
            listed.append(line)
    totals = Counter(str(e.status) for e in events)
    for status, _, count in more:
        totals[status] += count
    counts = ", ".join(f"{totals[status]} {status}" for status in ("firing", "resolved") if totals[status])
    title = ", ".join(f"{key}={shared[key]}" for key in TITLE_LABELS if shared.get(key))
    lines = [f"Alertmanager: {counts}" + (f" ({title})" if title else ""), *listed]
    for status in ("firing", "resolved"):
        names = sorted(((name, count) for (s, name), count in left.items() if s == status), key=lambda x: -x[1])
        if names:
            shown = ", ".join(f"{name} ({count})" for name, count in names[:COUNTED_NAMES])
            others = sum(count for _, count in names[COUNTED_NAMES:])
            lines.append(f"… and {sum(c for _, c in names)} more {status}: {shown}"
                         + (f", others ({others})" if others else ""))
    if unchanged:
        lines.append(f"({unchanged} more of this notification still firing, told before)")
    return "\n".join(lines)


def _line(mark: str, event: ClusterEvent) -> str:
    where = "/".join(part for part in (event.namespace, event.object_name) if part)
    severity = f"[{event.labels.get('severity') or event.severity}] " if event.status == EventStatus.FIRING else ""
    line = f"{mark} {severity}{event.reason}" + (f" · {where}" if where else "")
    if event.message:
        line += f" — {event.message}"
    annotations = event.payload.get("annotations") if isinstance(event.payload, dict) else None
    description = annotations.get("description") if isinstance(annotations, dict) else None
    if isinstance(description, str) and description and description != event.message:
        line += f" ({description})"
    if event.incident_id:
        line += f" · incident #{event.incident_id}"
    return line if len(line) <= LINE_CHARACTERS else line[: LINE_CHARACTERS - 1] + "…"
