"""Remediation's one entry point from detection: a rule that names a playbook matched a firing event.

The incidents app calls the handlers in `incidents.ports.MATCH_HANDLERS`; `remediate` (registered there in
RemediationConfig.ready) decides here whether the rule's playbook starts for that incident. It does not
when the playbook is disabled, when the signal is flapping (remediating a signal that keeps coming and
going is how restart storms start: the timeline says it was held), or when a run for the incident is
still under way; otherwise `start_playbook` renders and starts it (within its remediation budget).
"""

from __future__ import annotations

from django.conf import settings

from incidents.audit import audit
from incidents.ports import RuleMatch
from remediation.models import PlaybookRun
from remediation.services import start_playbook


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
    return start_playbook(playbook, incident=incident, event=event, rca_in=rule.rca_in, rule=rule.name)

