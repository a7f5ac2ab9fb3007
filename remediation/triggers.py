"""Remediation's one entry point from detection: a rule that names a playbook matched a firing event.

The incidents app calls the handlers in `incidents.ports.MATCH_HANDLERS`; `remediate` (registered there in
RemediationConfig.ready) decides here whether the rule's playbook starts for that incident. It does not
when the playbook is disabled, when the signal is flapping (remediating a signal that keeps coming and
going is how restart storms start: the timeline says it was held), or when a run for the incident is
still under way; otherwise `start_playbook` renders and starts it (within its remediation budget).
In notify-only mode (AUTO_REMEDIATION_ENABLED=false) it starts nothing: the timeline and the notification
channels name the playbook it would have started, for a person to start (remediation.manual).
"""

from __future__ import annotations

from django.conf import settings

from aiops_project.notices import Notice, publish
from incidents.audit import audit
from incidents.models import AuditEntry, Incident
from incidents.ports import RuleMatch
from remediation.models import Playbook, PlaybookRun
from remediation.services import start_playbook

SUGGESTED = "playbook.suggested"


def remediate(match: RuleMatch) -> PlaybookRun | None:
    """Start the matched rule's playbook for its incident if it should run now; the run, or None."""
    rule, event, incident = match.rule, match.event, match.incident
    playbook = rule.playbook
    if playbook is None or not playbook.enabled:
        return None
    if event.flapping:
        audit("playbook.held", incident=incident, target=incident, event_id=event.pk, rule=rule.name,
              playbook=playbook.name,
              message=f"{event.reason} is flapping (at least {settings.FLAP_TRANSITIONS} transitions in "
                      f"{settings.FLAP_WINDOW_SECONDS}s): playbook {playbook.name} not started")
        return None
    if incident.playbook_runs.exclude(status__in=PlaybookRun.FINISHED).exists():
        return None  # a remediation is already under way for this incident
    if not settings.AUTO_REMEDIATION_ENABLED:
        suggest(playbook, incident, rule=rule.name, event_id=event.pk)
        return None
    return start_playbook(playbook, incident=incident, event=event, rca_in=rule.rca_in, rule=rule.name)



def suggest(playbook: Playbook, incident: Incident, *, rule: str, event_id: int) -> None:
    """Notify-only: say once per incident which playbook the rule would have started, and how to start it."""
    if AuditEntry.objects.filter(action=SUGGESTED, incident=incident, details__playbook=playbook.name).exists():
        return
    how = f"/playbook run {playbook.name} #{incident.pk}"
    audit(SUGGESTED, incident=incident, target=incident, playbook=playbook.name, rule=rule, event_id=event_id,
          message=f"Notify-only (AUTO_REMEDIATION_ENABLED=false): rule {rule} would have started playbook "
                  f"{playbook.name}; not started. A person may start it on this page, in chat ({how}), through "
                  f"POST /api/v1/playbook-runs or manage.py run_playbook {playbook.name} --incident {incident.pk}.")
    publish(Notice("playbook.suggested", f"Incident #{incident.pk} {incident.title}: automatic remediation is off, "
                   f"so playbook {playbook.name} was not started. To start it: {how}, or the incident's page on the "
                   f"console.", incident_id=incident.pk))
