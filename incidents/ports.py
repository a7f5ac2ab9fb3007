"""What the incidents app asks of the layers above it, which it may not import: plain registries, filled
in those apps' AppConfig.ready() (remediation fills both).

- `MATCH_HANDLERS`: called, in the transaction that recorded a firing event, for each enabled rule that
  matched it and names a playbook, once the rule has opened (or found) the incident and passed its
  cooldown. Whether a playbook starts is the handler's decision: remediation's is
  `remediation.triggers.remediate`, its one entry point from detection.
- `PLAYBOOK_CATALOGS`: the names of the playbooks an LLM's root-cause answer may recommend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from incidents.models import ClusterEvent, Incident, Rule


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    event: ClusterEvent
    incident: Incident


MATCH_HANDLERS: dict[str, Callable[[RuleMatch], object]] = {}
PLAYBOOK_CATALOGS: dict[str, Callable[[], Iterable[str]]] = {}


def rule_matched(match: RuleMatch) -> None:
    for handler in list(MATCH_HANDLERS.values()):
        handler(match)


def playbook_names() -> set[str]:
    return {name for catalog in list(PLAYBOOK_CATALOGS.values()) for name in catalog()}
