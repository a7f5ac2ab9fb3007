"""The incident page's timeline chart: on one time axis, a row per signal with its firing → resolved spans,
a row per playbook run (start → end, coloured by outcome) and a row of approval decisions.

Drawn as server-rendered SVG (templates/console/incident_chart.html) from the geometry computed here, for
the reasons in remediation/svg.py. It stays bounded whatever the incident's size: the MAX_SIGNALS signals
with the most events get a row each (the others are counted in one "n more" row), at most MAX_EVENTS of the
latest events are read, spans closer than a pixel are merged, and at most MAX_RUNS runs and MAX_APPROVALS
decisions are drawn. A still-firing signal, a running run and a pending approval run to now.

A signal is an event fingerprint (its reason and object): a firing event opens a span, the next resolved
event closes it; events are placed by when they happened in the cluster (`occurred_at`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from incidents.models import ClusterEvent, EventStatus, Incident
from remediation.models import Approval, PlaybookRun
from remediation.svg import ACCENT, BAD, MUTED, OK, OUTCOME_COLOURS, WARN, Tick, TimeScale, duration, exact, shorten

MAX_SIGNALS, MAX_EVENTS, MAX_RUNS, MAX_APPROVALS, MAX_LISTED = 12, 5000, 10, 50, 20
WIDTH, LABEL_WIDTH, ROW_HEIGHT, TOP, BOTTOM = 960, 250, 24, 8, 26


@dataclass
class Span:
    start: datetime
    end: datetime | None  # None: still going (drawn to now)
    colour: str
    title: str
    text: str
    x: float = 0.0
    width: float = 0.0


@dataclass
class Marker:
    at: datetime
    colour: str
    title: str
    text: str
    x: float = 0.0


@dataclass
class Row:
    kind: str  # signal, run, approvals, more
    label: str
    title: str
    spans: list[Span] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    y: float = 0.0
    more: int = 0  # spans or markers not listed in the text alternative
    listed: list[Span] = field(default_factory=list)  # the spans the text alternative lists (before merging)

    @property
    def label_short(self) -> str:
        return shorten(self.label, 34)

    @property
    def text_y(self) -> float:
        return self.y + 16

    @property
    def bar_y(self) -> float:
        return self.y + 5

    @property
    def mid_y(self) -> float:
        return self.y + 12


@dataclass
class Chart:
    rows: list[Row]
    ticks: list[Tick]
    start: datetime
    end: datetime
    now: datetime
    width: int
    height: int
    plot_x0: float
    plot_x1: float
    now_x: float
    axis_y: float
    guides: list[Marker]
    description: str
    legend: tuple[tuple[str, str], ...] = (
        (BAD, "firing or failed"), (OK, "succeeded or approved"), (OUTCOME_COLOURS["rejected"], "rejected"),
        (WARN, "waiting for approval"), (OUTCOME_COLOURS["expired"], "expired"), (ACCENT, "running"))


def _signal_rows(incident: Incident) -> tuple[list[Row], Row | None]:
    events = ClusterEvent.objects.filter(incident=incident)
    counts = list(events.values("fingerprint").annotate(n=Count("id"), first=Min("occurred_at"))
                  .order_by("-n", "first")[: MAX_SIGNALS + 1])
    shown = sorted(counts[:MAX_SIGNALS], key=lambda c: c["first"])
    more: Row | None = None
    if len(counts) > MAX_SIGNALS:
        total = events.values("fingerprint").distinct().count()
        hidden_events = events.count() - sum(c["n"] for c in shown)
        more = Row(kind="more", label=f"{total - MAX_SIGNALS} more signals",
                   title=f"{total - MAX_SIGNALS} more signals ({hidden_events} events): see the events table")
    latest = list(events.filter(fingerprint__in=[c["fingerprint"] for c in shown])
                  .order_by("-occurred_at", "-id")
                  .values("fingerprint", "reason", "status", "occurred_at", "namespace", "object_kind",
                          "object_name", "message")[:MAX_EVENTS])
    latest.reverse()
    rows: dict[str, Row] = {}
    opened: dict[str, datetime] = {}
    for count in shown:
        rows[count["fingerprint"]] = Row(kind="signal", label="", title="")
    for event in latest:
        row = rows[event["fingerprint"]]
        if not row.label:
            where = "/".join(p for p in (event["namespace"], event["object_name"]) if p)
            row.label = f"{event['reason']} {where}".strip()
            parts = (event["reason"], f"{event['object_kind']} {where}".strip(), event["message"][:200])
            row.title = " · ".join(p for p in parts if p)
        if event["status"] == EventStatus.FIRING:
            opened.setdefault(event["fingerprint"], event["occurred_at"])
        elif (start := opened.pop(event["fingerprint"], None)) is not None:
            row.spans.append(_firing(row.label, start, event["occurred_at"]))
    for fingerprint, start in opened.items():
        rows[fingerprint].spans.append(_firing(rows[fingerprint].label, start, None))
    for count in shown:
        row = rows[count["fingerprint"]]
        row.label = row.label or f"signal {count['fingerprint'][:12]}"  # its events all older than MAX_EVENTS
        row.title = f"{row.title or row.label} ({count['n']} events)"
    return list(rows.values()), more


def _firing(label: str, start: datetime, end: datetime | None) -> Span:
    if end is None:
        return Span(start, None, BAD, f"{label}: firing since {exact(start)}, still firing",
                    f"firing {exact(start)} → still firing")
    return Span(start, end, BAD, f"{label}: firing {exact(start)} → resolved {exact(end)} "
                f"({duration((end - start).total_seconds())})", f"firing {exact(start)} → resolved {exact(end)}")


def _run_rows(incident: Incident) -> tuple[list[Row], Row | None]:
    runs = list(PlaybookRun.objects.filter(incident=incident).order_by("created_at", "id")
                .values("id", "playbook__name", "status", "created_at", "finished_at",
                        "requested_by__username")[: MAX_RUNS + 1])
    rows = []
    for run in runs[:MAX_RUNS]:
        status = PlaybookRun.Status(run["status"])
        who = f", started by {run['requested_by__username']}" if run["requested_by__username"] else ""
        end = run["finished_at"] if status in PlaybookRun.FINISHED else None
        until = f"ended {exact(end)}" if end else "still going"
        label = f"run #{run['id']} {run['playbook__name']}"
        text = f"{status.label}: started {exact(run['created_at'])} → {until}{who}"
        rows.append(Row(kind="run", label=label, title=f"Playbook run #{run['id']} of {run['playbook__name']}",
                        spans=[Span(run["created_at"], end, OUTCOME_COLOURS.get(status, MUTED),
                                    f"{label}: {text}", text)]))
    more = None
    if len(runs) > MAX_RUNS:
        total = PlaybookRun.objects.filter(incident=incident).count()
        more = Row(kind="more", label=f"{total - MAX_RUNS} more runs",
                   title=f"{total - MAX_RUNS} more playbook runs: see the playbook runs below")
    return rows, more


def _approval_row(incident: Incident) -> Row | None:
    approvals = Approval.objects.filter(step_run__run__incident=incident)
    total = approvals.count()
    if not total:
        return None
    row = Row(kind="approvals", label="Approvals", title=f"{total} approval requests of this incident's steps")
    for approval in approvals.order_by("-requested_at", "-id").values(
            "id", "status", "requested_at", "decided_at", "decided_by__username", "decided_via",
            "step_run__name", "step_run__run_id", "first_approved_at", "first_approved_by__username"
    )[:MAX_APPROVALS]:
        what = f"approval #{approval['id']} of {approval['step_run__name']} (run #{approval['step_run__run_id']})"
        asked = f"asked {exact(approval['requested_at'])}"
        if first_at := approval["first_approved_at"]:  # the first of a two-person approval: a decision too
            who = approval["first_approved_by__username"] or "someone since deleted"
            first = f"{what}: first of two approvals by {who} at {exact(first_at)} ({asked})"
            row.markers.append(Marker(first_at, OK, first, first))
        if approval["status"] == Approval.Status.PENDING:
            row.spans.append(Span(approval["requested_at"], None, WARN, f"{what}: {asked}, still pending",
                                  f"{what}: {asked}, still pending"))
            continue
        if approval["status"] == Approval.Status.EXPIRED:
            outcome = "expired"
        else:
            via = f" via {approval['decided_via']}" if approval["decided_via"] else ""
            who = approval["decided_by__username"] or "someone since deleted"
            outcome = f"{approval['status']} by {who}{via}"
        decided = approval["decided_at"] or approval["requested_at"]
        text = f"{what}: {outcome} at {exact(decided)} ({asked})"
        row.markers.append(Marker(decided, OUTCOME_COLOURS.get(approval["status"], MUTED), text, text))
    row.markers.sort(key=lambda marker: marker.at)
    row.spans.reverse()
    row.more = max(total - MAX_APPROVALS, 0)
    return row


def _bounds(incident: Incident, rows: list[Row], now: datetime) -> tuple[datetime, datetime]:
    starts = [incident.opened_at, *(s.start for r in rows for s in r.spans), *(m.at for r in rows for m in r.markers)]
    ends = [incident.resolved_at or now, *(s.end or now for r in rows for s in r.spans),
            *(m.at for r in rows for m in r.markers)]
    start, end = min(starts), max(ends)
    pad = max((end - start) * 0.02, timedelta(seconds=1))
    return start - pad, end + pad


def _merge(spans: list[Span], scale: TimeScale, now: datetime) -> list[Span]:
    """Spans less than a pixel apart become one drawn span (the text alternative keeps them all)."""
    merged: list[Span] = []
    for span in spans:
        span.x, span.width = scale.span(span.start, span.end or now)
        last = merged[-1] if merged else None
        if last is not None and span.x <= last.x + last.width + 1 and span.colour == last.colour:
            right = max(last.x + last.width, span.x + span.width)
            last.width, last.end = round(right - last.x, 1), span.end
            last.title = f"{last.title}; {span.title}"[:600]
        else:
            merged.append(Span(span.start, span.end, span.colour, span.title, span.text, span.x, span.width))
    return merged


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def incident_chart(incident: Incident, now: datetime | None = None) -> Chart:
    now = now or timezone.now()
    signals, more_signals = _signal_rows(incident)
    runs, more_runs = _run_rows(incident)
    approvals = _approval_row(incident)
    rows = [*signals, *([more_signals] if more_signals else []), *runs, *([more_runs] if more_runs else []),
            *([approvals] if approvals else [])]
    start, end = _bounds(incident, rows, now)
    scale = TimeScale(start, end, LABEL_WIDTH, WIDTH - 12)
    for index, row in enumerate(rows):
        row.y = TOP + index * ROW_HEIGHT
        for marker in row.markers:
            marker.x = scale.x(marker.at)
        drawn = _merge(row.spans, scale, now)
        row.more += max(len(row.spans) - MAX_LISTED, 0)
        row.spans, row.listed = drawn, row.spans[-MAX_LISTED:]
    axis_y = TOP + len(rows) * ROW_HEIGHT + 4
    guides = [Marker(incident.opened_at, WARN, f"Incident opened {exact(incident.opened_at)}", "opened")]
    if incident.resolved_at:
        guides.append(Marker(incident.resolved_at, OK, f"Incident resolved {exact(incident.resolved_at)}",
                             "resolved"))
    if end >= now:
        guides.append(Marker(now, MUTED, f"Now: {exact(now)}", "now"))
    for guide in guides:
        guide.x = scale.x(guide.at)
    firing = sum(1 for r in signals if r.spans and r.spans[-1].end is None)
    decisions = len(approvals.markers) if approvals else 0
    description = (f"Incident #{incident.pk} from {exact(start)} to {exact(end)}: {_count(len(signals), 'signal')} "
                   f"({firing} still firing), {_count(len(runs), 'playbook run')}, "
                   f"{_count(decisions, 'approval decision')}.")
    return Chart(rows=rows, ticks=scale.ticks, start=start, end=end, now=now, width=WIDTH,
                 height=int(axis_y + BOTTOM), plot_x0=scale.x0, plot_x1=scale.x1, now_x=scale.x(now), axis_y=axis_y,
                 guides=guides, description=description)
