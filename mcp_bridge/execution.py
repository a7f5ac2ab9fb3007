"""Execution keys: how a retried tool call can act once however often it is made (no Django imports: the
Kubernetes MCP server, a process of its own, reads this too).

A caller that may call a tool again after an unknown outcome (its worker died mid-call) sends the same key with
every attempt, in the `tools/call` request's `_meta`. A tool that honours keys declares it in its own `_meta` in
`tools/list`, records the key with the change it makes, and answers a call whose key it finds already recorded
with what that change was, without acting again. The bridge keeps the declaration with the tool's annotations
(mcp_bridge/registry.py), where the recovery of lost steps reads it.
"""

from __future__ import annotations

from typing import Any

EXECUTION_KEY = "aiops-agent/execution-key"


def request_meta(key: str | None) -> dict[str, Any] | None:
    """The `_meta` of a `tools/call` request carrying `key` (None: no key, no `_meta`)."""
    return {EXECUTION_KEY: key} if key else None


def key_of(meta: Any) -> str | None:
    """The execution key in a request's `_meta`, if it carries a usable one."""
    value = meta.get(EXECUTION_KEY) if isinstance(meta, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 63 else None
