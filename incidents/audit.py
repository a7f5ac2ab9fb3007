"""The audit trail's one writer: who did what, when, through which channel (also each incident's timeline).

A leaf: it imports only the models, so every layer above (remediation, chat) and every module of this app
may record what it did. The MCP bridge, a layer below, hands its refusals to `mcp_bridge.ports`;
`record_tool_refusal` (registered there in IncidentsConfig.ready) writes them here.
"""

from __future__ import annotations

from typing import Any

import structlog

from aiops_project.redaction import redact, redact_data
from incidents.models import AuditEntry, Incident
from mcp_bridge.ports import Refusal

log = structlog.get_logger(__name__)


def audit(action: str, *, message: str = "", actor: Any = None, actor_label: str = "system", via: str = "",
          incident: Incident | None = None, target: Any = None, **details: Any) -> AuditEntry:
    """Record one entry; its message and details are redacted (a refused call's arguments, a tool's error)."""
    entry = AuditEntry.objects.create(
        action=action,
        message=redact(message),
        actor=actor,
        actor_label=actor_label if actor is None else actor.get_username(),
        via=via,
        incident=incident,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=redact_data(details),
    )
    log.info("audit", action=action, incident_id=incident.pk if incident else None, via=via,
             target=entry.target_type, target_id=entry.target_id)
    return entry


def record_tool_refusal(refusal: Refusal) -> None:
    """The policy or a tool's input schema refused a call (`mcp_bridge.ports.REFUSAL_RECORDERS`)."""
    audit("tool.refused", actor=refusal.actor, via=refusal.via, incident=refusal.incident, message=refusal.message,
          server=refusal.server, tool=refusal.tool, **refusal.details)
