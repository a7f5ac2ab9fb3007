"""What the incidents app tells the layers above it, which it may not import.

`rule_matched` is sent, inside the transaction that recorded the event, for each enabled rule that
matched a firing event, once the rule has opened (or found) the incident and passed its cooldown, when
the rule names a playbook. Whether and how remediation acts on it is remediation's decision: its one
receiver is `remediation.triggers.on_rule_matched`. Sent with: rule, event, incident.
"""

from __future__ import annotations

from django.dispatch import Signal

rule_matched = Signal()
