"""The one way the product calls an MCP tool: policy, argument check, warm session, health, audit, redaction.

Playbook steps, chat and the CLI all come through `run_tool`, so a refusal reads the same whoever asked,
and no path can reach a MEDIUM or HIGH tool without an approval of that risk. What a tool answers (its text,
structured content and error) is redacted here, where it enters the product: a pod log holding a password
is stored, shown, sent to chat or to a language model only as `[REDACTED]`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import structlog
from django.conf import settings
from django.utils import timezone

from aiops_project.redaction import redact, redact_data
from mcp_bridge.client import ToolResult
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.manager import sessions
from mcp_bridge.models import McpServerState
from mcp_bridge.policy import PolicyRefusal, Verdict, authorize
from mcp_bridge.ports import Refusal, record_refusal
from mcp_bridge.registry import argument_problems, refresh_tools

log = structlog.get_logger(__name__)
_recorded: dict[str, tuple[str, str]] = {}  # server -> (state, error) last written by this process


class ArgumentRefusal(McpBridgeError):
    """The arguments fail the tool's input schema; nothing was sent to the server."""


def run_tool(server: str, tool: str, arguments: dict[str, Any], *, caller: str, approved_risk: str = "LOW",
             env: Mapping[str, str] | None = None, timeout: float | None = None, actor: Any = None,
             incident: Any = None, verdict: Verdict | None = None, execution_key: str | None = None) -> ToolResult:
    """Call `server.tool` if the policy allows it at `approved_risk`.

    Raises PolicyRefusal or ArgumentRefusal (audited, nothing sent), or McpBridgeError when the server
    cannot answer; a tool that fails returns ToolResult(ok=False). `verdict`: the caller's verdict on this
    very call (`policy.judge` with these arguments) when it judged the call already to choose what to do;
    the policy is not judged again, but a risk above `approved_risk` is refused as ever. `execution_key`: the
    same for every attempt of one action, so a tool that honours it acts once (mcp_bridge/execution.py).
    """
    verdict = authorize(server, tool, arguments, caller=caller, approved_risk=approved_risk, actor=actor,
                        incident=incident, verdict=verdict)
    assert verdict.config is not None and verdict.input_schema is not None  # allowed: both were found
    schema = verdict.input_schema
    arguments = coerce_arguments(schema, arguments)
    if problems := argument_problems(tool, schema, arguments):
        reason = "; ".join(f"{'.'.join(where[1:]) or 'arguments'}: {why}" for where, why in problems)
        record_refusal(Refusal(server, tool, f"{server}.{tool}: arguments refused by its input schema: {reason}",
                               via=caller, actor=actor, incident=incident))
        raise ArgumentRefusal(f"{server}.{tool}: arguments refused by its input schema: {reason}")
    config = verdict.config
    limit = config.timeout_seconds or settings.MCP_CALL_TIMEOUT_SECONDS
    manager = sessions()
    try:
        result = manager.call_tool(config, tool, arguments, env=env, timeout=min(timeout or limit, limit),
                                   execution_key=execution_key)
    finally:
        record_health(server)
    for stale in manager.take_stale_tools():
        try:
            refresh_tools(stale)
            log.info("mcp_tools_refreshed", server=stale, reason="notifications/tools/list_changed")
        except McpBridgeError:
            log.warning("mcp_tools_refresh_failed", server=stale, exc_info=True)
    log.info("mcp_tool_called", server=server, tool=tool, risk=verdict.risk, caller=caller, ok=result.ok)
    return redacted(result)


def redacted(result: ToolResult) -> ToolResult:
    """The result with every secret in its text, structured content and error replaced."""
    return replace(result, text=redact(result.text),
                   structured=redact_data(result.structured) if result.structured is not None else None,
                   error=redact(result.error) if result.error else result.error)


def coerce_arguments(schema: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """Rendered templates are strings: make "50" an integer where the schema wants one (true/false too)."""
    properties = schema.get("properties") or {}
    coerced = dict(arguments)
    for name, value in arguments.items():
        if not isinstance(value, str) or name not in properties:
            continue
        spec = properties[name]
        types = {spec.get("type")} | {s.get("type") for s in spec.get("anyOf") or [] if isinstance(s, dict)}
        if "string" in types:
            continue
        text = value.strip()
        if "integer" in types and re.fullmatch(r"-?[0-9]+", text):  # ASCII digits only, as ids are
            coerced[name] = int(text)
        elif "number" in types:
            with contextlib.suppress(ValueError):
                coerced[name] = float(text)
        elif "boolean" in types and text.lower() in {"true", "false"}:
            coerced[name] = text.lower() == "true"
    return coerced


def record_health(server: str) -> None:
    """Write what this process last saw of `server` (up, or down with why) for /ready, the CLI and the admin."""
    health = sessions().health.get(server)
    if health is None or _recorded.get(server) == (health.state, health.error):
        return
    McpServerState.objects.update_or_create(
        server=server, defaults={"state": health.state, "error": health.error[:2000], "changed_at": timezone.now()})
    _recorded[server] = (health.state, health.error)


__all__ = ["ArgumentRefusal", "PolicyRefusal", "Verdict", "run_tool"]
