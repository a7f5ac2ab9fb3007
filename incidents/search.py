"""Finding incidents: the one filter behind the console's incident history (/console/incidents/) and
`GET /api/v1/incidents/`, so both read the same query parameters the same way.

`IncidentSearch` checks the parameters (a form: each bad value gets a message under its name, which the API
answers as 400 and the page shows); `search_incidents` turns valid ones into a queryset, newest first. Text
is matched literally (the ORM escapes LIKE's `%`, `_` and `\\`), case-insensitively: SQLite's LIKE folds ASCII
letters only, PostgreSQL's UPPER those of the database's locale (every script in a UTF-8 one).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from incidents.models import AuditEntry, ClusterEvent, Incident, RootCauseReport, Severity

STATUSES = [("open", "Open (not resolved)"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")]
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
MAX_TEXT = 200  # longer search words find nothing an incident would hold in a title; refused instead
PAGE_SIZE, MAX_PAGE_SIZE = 50, 500  # incidents a page, in the console and the API (`page_size`, up to the most)
DATE_HELP = "Use an ISO 8601 date-time, e.g. 2026-11-28T10:00:00Z (UTC when no offset is given)."


class _Moment(forms.CharField):
    """An ISO 8601 date-time (what `parse_datetime` reads, as `since` always took); naive ones are UTC. A
    `datetime-local` input sends 2026-11-28T10:00."""

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        for check in self.validators:  # NUL: Python's date parser reads past one, PostgreSQL refuses it
            check(text)
        try:
            moment = parse_datetime(text)
        except ValueError:  # well formed but no such moment (February 30th)
            moment = None
        if moment is None:
            raise forms.ValidationError(DATE_HELP, code="invalid")
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _text(label: str, max_length: int, help_text: str) -> forms.CharField:
    # CharField refuses NUL characters (PostgreSQL cannot hold them in a query) with its own message.
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text)


class IncidentSearch(forms.Form):
    """The query parameters of an incident search; every one is optional and they combine with AND."""

    q = _text("Search", MAX_TEXT, "Words in the title, an event's message or a root-cause summary.")
    workload = _text("Workload", 253, "Part of the workload's (or node's) name.")
    namespace = _text("Namespace", 253, "Exact namespace.")
    reason = _text("Reason", 120, "Exact reason of one of its events, e.g. CrashLoopBackOff or an alertname.")
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *STATUSES],
                               help_text="open (anything not resolved), acknowledged or resolved.")
    severity = forms.ChoiceField(label="Severity", required=False, choices=[("", "Any"), *Severity.choices],
                                 help_text="Exact severity: info, warning or critical.")
    cluster = _text("Cluster", 63, "Cluster name.")
    period = forms.ChoiceField(label="Opened in the last", required=False,
                               choices=[("", "Any time"), ("24h", "24 hours"), ("7d", "7 days"), ("30d", "30 days")],
                               help_text="Opened within the last 24h, 7d or 30d.")
    since = _Moment(label="Opened after", required=False, help_text=f"Opened at or after. {DATE_HELP}")
    before = _Moment(label="Opened before", required=False, help_text=f"Opened before. {DATE_HELP}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, before = data.get("since"), data.get("before")
        if since and before and since >= before:
            self.add_error("before", "Must be later than since (opened after).")
        return data

    def problems(self) -> dict[str, list[str]]:
        """Each refused parameter and why, for the API's 400 and the page's message."""
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}


def page_size(raw: str | None) -> int:
    """`page_size` as the API reads it (DRF's PageNumberPagination): a positive integer, MAX_PAGE_SIZE at most;
    anything else is PAGE_SIZE."""
    try:
        size = int(raw or "")
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


def with_last_change(incidents: Iterable[Incident]) -> list[Incident]:
    """The incidents, each with `last_change_at`: when anything last happened to it (its newest timeline entry:
    opened, escalated, retitled, acknowledged, resolved, ...), else its opening. For a page of results: one
    grouped query over their timelines (as a subquery of the search, SQLite computed it for every row it
    sorted, not only the page's)."""
    incidents = list(incidents)
    newest = dict(AuditEntry.objects.filter(incident_id__in=[incident.pk for incident in incidents]).order_by()
                  .values("incident_id").annotate(at=Max("at")).values_list("incident_id", "at"))
    for incident in incidents:
        incident.last_change_at = newest.get(incident.pk) or incident.opened_at  # type: ignore[attr-defined]
    return incidents


def search_incidents(criteria: dict[str, Any], *, now: datetime | None = None) -> QuerySet[Incident]:
    """The incidents matching `criteria` (an `IncidentSearch`'s cleaned data), newest first (`with_last_change`
    adds when each last changed to a page of them)."""
    incidents = Incident.objects.all()
    if text := criteria.get("q"):
        # The incidents of the events whose message holds the text: `id IN (...)`, one scan of the messages.
        incidents = incidents.filter(
            Q(title__icontains=text)
            | Q(pk__in=ClusterEvent.objects.filter(message__icontains=text, incident__isnull=False)
                .values("incident_id"))
            | Q(pk__in=RootCauseReport.objects.filter(summary__icontains=text).values("incident_id")))
    if workload := criteria.get("workload"):
        incidents = incidents.filter(object_name__icontains=workload)
    if reason := criteria.get("reason"):
        incidents = incidents.filter(pk__in=ClusterEvent.objects.filter(reason=reason, incident__isnull=False)
                                     .values("incident_id"))
    for name, lookup in (("namespace", "namespace"), ("severity", "severity"), ("cluster", "cluster__name")):
        if value := criteria.get(name):
            incidents = incidents.filter(**{lookup: value})
    if (status := criteria.get("status")) == "open":
        incidents = incidents.open()
    elif status:
        incidents = incidents.filter(status=status)
    if period := criteria.get("period"):
        incidents = incidents.filter(opened_at__gte=(now or timezone.now()) - PERIODS[period])
    if since := criteria.get("since"):
        incidents = incidents.filter(opened_at__gte=since)
    if before := criteria.get("before"):
        incidents = incidents.filter(opened_at__lt=before)
    return incidents.select_related("cluster", "rule").order_by("-opened_at", "-id")
