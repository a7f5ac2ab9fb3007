"""The console's overview (/console/overview/): how the last 7, 30 or 90 days went, in a few pictures.

Every figure is aggregated by the database (GROUP BY, AVG, a LIMIT/OFFSET for the median) with Django's
database functions, so that SQLite and PostgreSQL give the same answers (their date truncation differs);
Python receives only what a chart draws: a row per day and severity, per outcome, per playbook and outcome,
and the ten noisiest workloads. The charts are SVG written by templates, for the reasons in remediation/svg.py.

Definitions:
- An incident belongs to the day (UTC) it opened; the period is the last N whole days, today included.
  The figures are about the incidents opened, the approvals asked and the runs started in the period.
- Time to acknowledge: from the incident's opening to the first sign that a person is on it, the earliest of
  its acknowledgement (`Incident.acknowledged_at`, from the API or a chat command), a person's decision on
  one of its approvals (either approval of a two-person one), or a playbook run a person started for it.
  Runs a rule started and approvals that expired are the machine's doing, not a person's: they do not count.
  The mean is over the incidents of the period that a person acknowledged.
- Time to resolve: from opening to `resolved_at`, over the incidents of the period that are resolved.
- Time to decide: from an approval's request to a person's approval or rejection (expired ones are counted
  as an outcome, not as a time).
- A playbook's success rate: succeeded runs over its finished runs, skipped runs (not for this root cause)
  left out; runs still going are shown but not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, NullIf, TruncDate
from django.utils import timezone

from incidents.models import ClusterEvent, Incident, Severity
from remediation.models import Approval, PlaybookRun
from remediation.svg import MUTED, OUTCOME_COLOURS, SEVERITY_COLOURS, duration, nice_maximum, shorten, value_ticks

PERIODS = (7, 30, 90)
NOISIEST = 10
# Stands for "never" inside the database's LEAST(), whose treatment of NULL differs between engines.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
WIDTH = 960


@dataclass
class Segment:
    name: str
    count: int
    colour: str
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    title: str = ""


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    note: str = ""
    x: float = 0.0
    y: float = 0.0
    show_label: bool = True

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)

    @property
    def label_short(self) -> str:
        return shorten(self.label, 38)

    @property
    def text_y(self) -> float:
        return self.y + 16


@dataclass
class BarChart:
    """Bars of stacked segments: `columns` (a bar per day, upwards) or rows (a bar per item, rightwards)."""

    bars: list[Bar]
    series: list[tuple[str, str]]  # (name, colour), the legend and the text alternative's columns
    columns: bool = False
    width: int = WIDTH
    height: int = 0
    maximum: int = 1
    ticks: list[tuple[int, float]] = field(default_factory=list)  # (value, x or y)
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)  # x0, y0, x1, y1

    @property
    def min_width(self) -> int:
        """The narrowest the chart is drawn (a narrower screen scrolls it sideways): its text stays readable."""
        return min(640, int(self.width * 0.75))

    def table(self) -> list[tuple[str, list[int], int, str]]:
        names = [name for name, _ in self.series]
        return [(bar.label, [next((s.count for s in bar.segments if s.name == n), 0) for n in names], bar.total,
                 bar.note) for bar in self.bars]


def column_chart(bars: list[Bar], series: list[tuple[str, str]]) -> BarChart:
    x0, y0, x1, y1 = 44.0, 10.0, WIDTH - 8.0, 190.0
    chart = BarChart(bars, series, columns=True, height=int(y1 + 30), plot=(x0, y0, x1, y1))
    chart.maximum = nice_maximum(max((b.total for b in bars), default=0))
    chart.ticks = [(v, round(y1 - v / chart.maximum * (y1 - y0), 1)) for v in value_ticks(chart.maximum)]
    slot = (x1 - x0) / max(len(bars), 1)
    every = -(-len(bars) // 10)  # at most ten labels under the bars
    for index, bar in enumerate(bars):
        bar.x, bar.y, bar.show_label = round(x0 + index * slot + slot / 2, 1), y1 + 16, index % every == 0
        bottom = y1
        for segment in bar.segments:
            segment.height = round(segment.count / chart.maximum * (y1 - y0), 1)
            segment.width, segment.x = round(slot * 0.8, 1), round(x0 + index * slot + slot * 0.1, 1)
            bottom -= segment.height
            segment.y = round(bottom, 1)
            segment.title = f"{bar.label}: {segment.count} {segment.name}"
    return chart


def row_chart(bars: list[Bar], series: list[tuple[str, str]], width: int = WIDTH, labels: float = 270.0) -> BarChart:
    """`labels`: the width left of the bars for their names; 140 to their right for the totals."""
    x0, x1, row = labels, width - 140.0, 24
    chart = BarChart(bars, series, width=width, height=len(bars) * row + 30,
                     plot=(x0, 4.0, x1, len(bars) * row + 6.0))
    chart.maximum = nice_maximum(max((b.total for b in bars), default=0))
    chart.ticks = [(v, round(x0 + v / chart.maximum * (x1 - x0), 1)) for v in value_ticks(chart.maximum)]
    for index, bar in enumerate(bars):
        bar.x, bar.y, left = 4.0, 4.0 + index * row, x0
        for segment in bar.segments:
            segment.width = round(segment.count / chart.maximum * (x1 - x0), 1)
            segment.x, segment.y, segment.height = round(left, 1), bar.y + 4, 14.0
            left += segment.width
            segment.title = f"{bar.label}: {segment.count} {segment.name}"
    return chart


def period_of(value: str | None) -> int:
    try:
        days = int(value or PERIODS[0])
    except ValueError:
        return PERIODS[0]
    return days if days in PERIODS else PERIODS[0]


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def incidents_by_day(incidents: QuerySet[Incident], first_day: date, days: int) -> BarChart:
    counts: dict[tuple[date, str], int] = {}
    for row in (incidents.annotate(day=TruncDate("opened_at", tzinfo=UTC)).order_by()
                .values("day", "severity").annotate(n=Count("id"))):
        counts[row["day"], row["severity"]] = counts.get((row["day"], row["severity"]), 0) + row["n"]
    severities = [Severity.CRITICAL, Severity.WARNING, Severity.INFO]
    bars = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        bars.append(Bar(label=day.strftime("%b %d"), segments=[
            Segment(str(s.label).lower(), counts.get((day, s.value), 0), SEVERITY_COLOURS[s.value])
            for s in severities]))
    return column_chart(bars, [(str(s.label).lower(), SEVERITY_COLOURS[s.value]) for s in severities])


def acknowledged_at() -> Any:
    """The first time a person acted on the incident (see the module's definition), as one SQL expression."""
    never = Value(NEVER, output_field=DateTimeField())

    def first(queryset: QuerySet[Any], column: str) -> Subquery:
        return Subquery(queryset.order_by().values(column)[:1], output_field=DateTimeField())

    # A person's decision, or the first of a two-person approval: one subquery for both.
    by_person = Least(Case(When(decided_by__isnull=False, then=F("decided_at")), default=never),
                      Coalesce(F("first_approved_at"), never, output_field=DateTimeField()))
    decision = (Approval.objects.filter(step_run__run__incident=OuterRef("pk"))
                .filter(Q(decided_by__isnull=False) | Q(first_approved_at__isnull=False))
                .values("step_run__run__incident").annotate(at=Min(by_person)))
    human_run = (PlaybookRun.objects.filter(incident=OuterRef("pk"), requested_by__isnull=False)
                 .values("incident").annotate(at=Min("created_at")))
    candidates = [F("acknowledged_at"), first(decision, "at"), first(human_run, "at")]
    return NullIf(Least(*(Coalesce(c, never, output_field=DateTimeField()) for c in candidates)), never)


def response_times(incidents: QuerySet[Incident]) -> dict[str, Any]:
    since_open = {"output_field": DurationField()}
    # No filter on the acknowledgement (it would be computed twice): AVG and COUNT leave its NULLs out.
    ack = incidents.annotate(ack=acknowledged_at()).aggregate(
        mean=Avg(ExpressionWrapper(F("ack") - F("opened_at"), **since_open)), n=Count("ack"))
    resolved = incidents.filter(resolved_at__isnull=False).aggregate(
        mean=Avg(ExpressionWrapper(F("resolved_at") - F("opened_at"), **since_open)), n=Count("id"))
    return {"ack_mean": _seconds(ack["mean"]), "ack_count": ack["n"],
            "resolve_mean": _seconds(resolved["mean"]), "resolve_count": resolved["n"]}


def approval_figures(since: datetime) -> dict[str, Any]:
    approvals = Approval.objects.filter(requested_at__gte=since)
    by_status = dict(approvals.order_by().values_list("status").annotate(n=Count("id")))
    order = [Approval.Status.APPROVED, Approval.Status.REJECTED, Approval.Status.EXPIRED, Approval.Status.PENDING]
    bar = Bar("Approvals", [Segment(str(s.label).lower(), by_status.get(s.value, 0),
                                    OUTCOME_COLOURS.get(s.value, MUTED)) for s in order])
    decided = approvals.filter(decided_by__isnull=False, decided_at__isnull=False).annotate(
        took=ExpressionWrapper(F("decided_at") - F("requested_at"), output_field=DurationField()))
    totals = decided.aggregate(mean=Avg("took"), n=Count("id"))
    count = totals["n"]
    # The median without a percentile function (SQLite has none): the middle one or two, by OFFSET.
    middle = list(decided.order_by("took").values_list("took", flat=True)[(count - 1) // 2: count // 2 + 1]
                  if count else [])
    median = sum((m.total_seconds() for m in middle), 0.0) / len(middle) if middle else None
    return {"chart": row_chart([bar], [(s.name, s.colour) for s in bar.segments], width=480, labels=76.0),
            "total": bar.total, "decided": count, "mean": duration(_seconds(totals["mean"])),
            "median": duration(median)}


def noisiest_workloads(incidents: QuerySet[Incident]) -> BarChart:
    keys = ("cluster__name", "namespace", "object_kind", "object_name")
    top = list(incidents.order_by().values(*keys).annotate(n=Count("id")).order_by("-n", *keys)[:NOISIEST])
    events: dict[tuple[Any, ...], int] = {}
    if top:
        which = reduce(or_, (Q(**{f"incident__{k}": row[k] for k in keys}) for row in top))
        for row in (ClusterEvent.objects.filter(incident__in=incidents).filter(which).order_by()
                    .values(*(f"incident__{k}" for k in keys)).annotate(n=Count("id"))):
            events[tuple(row[f"incident__{k}"] for k in keys)] = row["n"]
    bars = []
    for row in top:
        where = "/".join(p for p in (row["namespace"], row["object_name"]) if p)
        label = " ".join(p for p in (row["object_kind"], where, row["cluster__name"] and f"({row['cluster__name']})")
                         if p) or "(no object)"
        n = events.get(tuple(row[k] for k in keys), 0)
        bars.append(Bar(label, [Segment("incidents", row["n"], OUTCOME_COLOURS["firing"])],
                        note=f"{n} event{'' if n == 1 else 's'}"))
    return row_chart(bars, [("incidents", OUTCOME_COLOURS["firing"])])


def playbook_outcomes(since: datetime) -> BarChart:
    statuses = [PlaybookRun.Status(s) for s in ("succeeded", "failed", "rejected", "expired", "skipped",
                                                "waiting_approval", "running")]
    counts: dict[str, dict[str, int]] = {}
    for row in (PlaybookRun.objects.filter(created_at__gte=since).order_by()
                .values("playbook__name", "status").annotate(n=Count("id"))):
        counts.setdefault(row["playbook__name"], {})[row["status"]] = row["n"]
    bars = []
    for name, by_status in sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0])):
        finished = sum(n for s, n in by_status.items() if s in PlaybookRun.FINISHED and s != "skipped")
        rate = f"{round(100 * by_status.get('succeeded', 0) / finished)}% succeeded" if finished else "none finished"
        bars.append(Bar(name, [Segment(str(s.label).lower(), by_status.get(s.value, 0),
                                       OUTCOME_COLOURS.get(s.value, MUTED)) for s in statuses], note=rate))
    return row_chart(bars, [(str(s.label).lower(), OUTCOME_COLOURS.get(s.value, MUTED)) for s in statuses])


def figures(days: int, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    first_day = now.astimezone(UTC).date() - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    incidents = Incident.objects.filter(opened_at__gte=since)
    total = incidents.count()
    times = response_times(incidents) if total else {}
    return {
        "days": days, "periods": PERIODS, "since": since, "now": now, "total": total,
        "by_day": incidents_by_day(incidents, first_day, days) if total else None,
        "ack_mean": duration(times.get("ack_mean")), "ack_count": times.get("ack_count", 0),
        "resolve_mean": duration(times.get("resolve_mean")), "resolve_count": times.get("resolve_count", 0),
        "approvals": approval_figures(since),
        "workloads": noisiest_workloads(incidents) if total else None,
        "playbooks": playbook_outcomes(since),
    }
