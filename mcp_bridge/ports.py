"""What the MCP bridge tells the layers above it, which it may not import: plain registries of
recorders, filled in those apps' AppConfig.ready() (the incidents app audits refusals).

Recorders run synchronously, in the caller's transaction: a refusal's audit entry is written with
whatever else the caller records, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """A call refused before anything was sent: by the tool policy or by the tool's input schema."""

    server: str
    tool: str
    message: str  # why
    via: str = ""  # the caller: "playbook", "chat", "cli", "mcp"...
    actor: Any = None  # the user on whose behalf, if any
    incident: Any = None  # the incident it was for, if any
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the risk the policy judged


RefusalRecorder = Callable[[Refusal], None]
REFUSAL_RECORDERS: dict[str, RefusalRecorder] = {}


def record_refusal(refusal: Refusal) -> None:
    for recorder in list(REFUSAL_RECORDERS.values()):
        recorder(refusal)
