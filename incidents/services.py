"""The incident lifecycle: open, reopen, retitle, escalate, resolve (when its signals do) and close (by a
person). Each change is audited and open consoles are told.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aiops_project.live import notify_console
from incidents.audit import audit
from incidents.matching import SEVERITY_RANK
from incidents.models import ClusterEvent, EventStatus, Incident, Rule
from incidents.titles import incident_title, outranks_the_others


def reopen_recent_incident(event: ClusterEvent) -> Incident | None:
    """A failure that comes back soon after it resolved continues its incident instead of opening a new one.

    This keeps a flapping workload to one incident (and one timeline) rather than a storm of them.
    """
    window = timedelta(seconds=settings.INCIDENT_REOPEN_SECONDS)
    recent = (Incident.objects.filter(group_key=event.group_key, status=Incident.Status.RESOLVED,
                                      resolved_at__gte=timezone.now() - window)
              .order_by("-resolved_at").first())
    if recent is None or not recent.reopen():
        return None
    ClusterEvent.objects.filter(pk=event.pk).update(incident=recent)  # same exception as in open_incident
    event.incident = recent
    audit("incident.reopened", incident=recent, target=recent, event_id=event.pk,
          message=f"{event.reason} came back within {window.total_seconds():.0f}s of resolving: {event.message}")
    retitle_incident(recent, event, why=f"reopened by {event.reason}")
    notify_console("incident", id=recent.pk)
    return recent


def open_incident(event: ClusterEvent, rule: Rule) -> Incident:
    target = event.labels.get("workload_name") or event.object_name
    with transaction.atomic():
        incident = Incident.objects.create(
            fingerprint=event.fingerprint, group_key=event.group_key, title=incident_title(event),
            severity=event.severity,
            cluster=event.cluster, namespace=event.namespace,
            object_kind=event.labels.get("workload_kind") or event.object_kind,
            object_name=target, rule=rule,
        )
        # The event row is append-only; linking it to the incident it opened is the one exception,
        # made by a queryset update in the same transaction that created both.
        ClusterEvent.objects.filter(pk=event.pk).update(incident=incident)
    event.incident = incident
    audit("incident.opened", message=f"Opened by rule {rule.name}: {event.message}", incident=incident,
          target=incident, event_id=event.pk, rule=rule.name)
    notify_console("incident", id=incident.pk)
    return incident


def retitle_incident(incident: Incident, event: ClusterEvent, *, why: str = "") -> bool:
    """Title the incident after `event` when it is more important than all its other firing events
    (incidents.titles: severity, then specificity): the crash loop behind a replica shortfall, whichever came
    first; a reopen by another, worse failure. False when the title stays."""
    title = incident_title(event)
    if event.status != EventStatus.FIRING or title == incident.title or not outranks_the_others(event, incident.pk):
        return False
    previous = incident.title
    # Conditional: of two callers retitling at once, one changes it (and says so) from the title it read.
    if not Incident.objects.filter(pk=incident.pk, title=previous).update(title=title):
        return False
    incident.title = title
    audit("incident.retitled", incident=incident, target=incident, event_id=event.pk, previous=previous,
          title=title, message=f"Title changed from {previous!r} to {title!r}: {why or event.reason + ' joined it'}")
    notify_console("incident", id=incident.pk)
    return True


def escalate_incident(incident: Incident, event: ClusterEvent) -> bool:
    """A more severe event joining an incident raises the incident's severity (never lowers it)."""
    rank = SEVERITY_RANK.get(event.severity, 0)
    lower = [s for s, r in SEVERITY_RANK.items() if r < rank]
    if not Incident.objects.filter(pk=incident.pk, severity__in=lower).update(severity=event.severity):
        return False
    incident.severity = event.severity
    audit("incident.escalated", incident=incident, target=incident, event_id=event.pk, severity=event.severity,
          message=f"Severity raised to {event.severity} by {event.reason}: {event.message}")
    notify_console("incident", id=incident.pk)
    return True


def resolve_incident(incident: Incident, event: ClusterEvent | None = None) -> bool:
    if not incident.resolve():
        return False
    audit("incident.resolved",
          message=f"Resolved: {event.reason} no longer observed" if event else "Resolved",
          incident=incident, target=incident, event_id=event.pk if event else None)
    notify_console("incident", id=incident.pk)
    return True



def close_incident(incident: Incident, *, actor: Any, via: str, reason: str = "") -> bool:
    """Resolve by hand (handled elsewhere, or a false alarm), as `resolve_incident` does, audited as `actor`'s.

    False if it was resolved already (nothing audited, nobody told).
    """
    if not incident.resolve():
        return False
    audit("incident.closed", actor=actor, via=via, incident=incident, target=incident, reason=reason,
          message=f"Closed by hand by {actor.get_username()}" + (f": {reason}" if reason else ""))
    notify_console("incident", id=incident.pk)
    return True


def acknowledge_incident(incident: Incident, *, actor: Any, via: str) -> bool:
    """Someone is on it: open -> acknowledged, audited as `actor`'s. Detection still resolves it when its
    signals do. False if it was not open (acknowledged or resolved already: nothing audited)."""
    if not incident.acknowledge(by=actor):
        return False
    audit("incident.acknowledged", actor=actor, via=via, incident=incident, target=incident,
          message=f"Acknowledged by {actor.get_username()}")
    notify_console("incident", id=incident.pk)
    return True
