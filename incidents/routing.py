"""Routing a recorded event: a resolved one may end its incident; a firing one goes through the rules,
which open (or reopen) incidents, notify operators, start a root-cause analysis, and hand a matched
playbook to remediation (`incidents.ports.MATCH_HANDLERS`).
"""

from __future__ import annotations

import structlog
from django.utils import timezone

from aiops_project import outbox
from aiops_project.notices import Notice, publish
from incidents.announce import alert_batch_open, collected
from incidents.audit import audit
from incidents.models import ClusterEvent, EventSource, EventStatus, Incident, Rule, Signal
from incidents.ports import RuleMatch, rule_matched
from incidents.rules import RuleSet, claim_cooldown, enabled_ruleset
from incidents.services import (
    escalate_incident,
    open_incident,
    reopen_recent_incident,
    resolve_incident,
    retitle_incident,
)

log = structlog.get_logger(__name__)


def route_event(event: ClusterEvent, *, rules: RuleSet | None = None) -> None:
    """Firing events go through the rules; a resolved event resolves its incident."""
    if event.status == EventStatus.RESOLVED:
        # An incident ends when the last firing signal of its group resolves, not the first.
        if event.incident is not None and not Signal.objects.firing().filter(group_key=event.group_key).exists():
            resolve_incident(event.incident, event)
        if event.source == EventSource.ALERTMANAGER and alert_batch_open():
            _tell_resolved(event, enabled_ruleset() if rules is None else rules)
        return
    if event.incident is not None:
        escalate_incident(event.incident, event)
        retitle_incident(event.incident, event)
    rules = enabled_ruleset() if rules is None else rules
    if (silence := rules.silenced_by(event, timezone.now())) is not None:
        # Recorded (the event row exists), but nothing acts on it during the maintenance window.
        log.info("event_silenced", event_id=event.pk, silence_id=silence.pk, comment=silence.comment,
                 until=silence.ends_at.isoformat())
        return
    for rule in rules.match(event):
        if not claim_cooldown(rule, event.group_key, timezone.now()):
            log.info("rule_cooling_down", rule=rule.name, cooldown_seconds=rule.cooldown_seconds,
                     group_key=event.group_key)
            continue
        incident = event.incident
        if rule.open_incident and incident is None:
            incident = reopen_recent_incident(event) or open_incident(event, rule)
        if rule.notify:
            notify_operators(event, rule, incident)
        if rule.run_rca and incident is not None:
            from incidents import tasks

            outbox.enqueue(tasks.run_rca, incident.pk)
        if rule.playbook_id is not None and incident is not None:
            rule_matched(RuleMatch(rule, event, incident))  # remediation.triggers.remediate decides


def _tell_resolved(event: ClusterEvent, rules: RuleSet) -> None:
    """A resolved Alertmanager alert joins its notification's message when a notify rule matches it, as one matched
    its firing (unless a maintenance window silences it now)."""
    if rules.silenced_by(event, timezone.now()) is None and any(r.notify for r in rules.match(event,
                                                                                              use_database=False)):
        collected(event)


def notify_operators(event: ClusterEvent, rule: Rule, incident: Incident | None) -> None:
    """A rule's notify action: an audit entry, and a notice on every open console (after commit). An Alertmanager
    alert recorded by the intake is told with the rest of its notification instead (incidents.announce)."""
    if collected(event):
        return
    where = f"{event.namespace}/{event.object_name}" if event.namespace else event.object_name
    text = f"[{event.severity}] {event.reason} on {event.object_kind} {where}: {event.message}"[:500]
    audit("operators.notified", incident=incident, target=incident, event_id=event.pk, rule=rule.name,
          via="console", message=text)
    publish(Notice("incident.notified", text, incident_id=incident.pk if incident else None))
