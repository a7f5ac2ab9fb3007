"""The tool registry: which tools each configured MCP server offers, from its `tools/list`.

Playbook steps are checked against it when they are saved or imported (unknown server, unknown tool,
arguments the tool's input schema refuses), so that a typo fails at save time, not at 3 a.m. The
registry is kept in the database (`McpTool`, shown in the admin); a server whose tools were never
listed is asked on first use. Each process also remembers the last answer for a few minutes, so a
burst of checks (an import, a test run) starts a stdio server once, not once per step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jsonschema
import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mcp_bridge.config import ServerConfig, load_config, parse_server, unknown_server
from mcp_bridge.exceptions import McpBridgeError, McpConfigError
from mcp_bridge.models import McpTool

log = structlog.get_logger(__name__)
MEMO_SECONDS = 300
_memo: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}


@dataclass(frozen=True)
class ToolInfo:
    server: str
    name: str
    input_schema: dict[str, Any]
    annotations: dict[str, Any]


def refresh_tools(server: str) -> list[ToolInfo]:
    """Ask the server for its tools now and replace its registry rows. Raises McpBridgeError (or
    McpConfigError, its subclass) when the server is unknown or cannot answer."""
    from mcp_bridge.calls import record_health  # calls.py imports this module
    from mcp_bridge.manager import sessions

    config = configured_server(server)
    try:
        listed = sessions().list_tools(config, timeout=config.timeout_seconds or settings.MCP_CALL_TIMEOUT_SECONDS)
    finally:
        record_health(server)  # a server that refuses us (HTTP 401) shows as down, with why, on /ready
    _memo[str(settings.MCP_CONFIG_FILE), server] = (time.monotonic(), listed)
    _store(server, listed)
    return [_info(server, t) for t in listed]


def prefetch_tools(server: str) -> None:
    """Ask a server of the configuration file for its tools and remember the answer for `server_tools`,
    without the database: bootstrap does it while migrate creates the tables (a stdio server takes seconds
    to start). A failure is left for the checks that need the tools to ask again and report."""
    from mcp_bridge.manager import sessions

    config = load_config(settings.MCP_CONFIG_FILE).get(server)
    if config is None:
        return
    try:
        listed = sessions().list_tools(config, timeout=config.timeout_seconds or settings.MCP_CALL_TIMEOUT_SECONDS)
    except McpBridgeError as exc:
        log.info("mcp_prefetch_failed", server=server, error=str(exc)[:300])
        return
    _memo[str(settings.MCP_CONFIG_FILE), server] = (time.monotonic(), listed)


def _store(server: str, listed: list[dict[str, Any]]) -> None:
    now = timezone.now()
    with transaction.atomic():
        McpTool.objects.filter(server=server).exclude(name__in=[t["name"] for t in listed]).delete()
        for tool in listed:
            McpTool.objects.update_or_create(
                server=server, name=tool["name"],
                defaults={"description": tool["description"], "input_schema": tool["input_schema"] or {},
                          "annotations": tool["annotations"], "refreshed_at": now},
            )


def _info(server: str, tool: dict[str, Any]) -> ToolInfo:
    return ToolInfo(server, tool["name"], tool.get("input_schema") or {}, tool.get("annotations") or {})


def server_tools(server: str) -> dict[str, ToolInfo]:
    """The registry's tools of one server; asks the server when the registry has none."""
    rows = list(McpTool.objects.filter(server=server))
    if rows:
        return {r.name: ToolInfo(server, r.name, r.input_schema, r.annotations) for r in rows}
    memo = _memo.get((str(settings.MCP_CONFIG_FILE), server))
    if memo is not None and time.monotonic() - memo[0] < MEMO_SECONDS:
        _store(server, memo[1])
        return {t["name"]: _info(server, t) for t in memo[1]}
    return {t.name: t for t in refresh_tools(server)}


def step_problems(server: str, tool: str, arguments: dict[str, Any],
                  risk: str | None = None) -> list[tuple[tuple[str, ...], str]]:
    """Why a playbook step calling `server.tool` with `arguments` could never run: (field path, why).

    Templated values (`{{ … }}`) are only known when the step runs; the rest is checked against the
    tool's input schema, as are the names of all arguments and the presence of required ones. The
    policy must allow the tool, and a step may not claim less risk than the policy gives the tool.
    """
    from mcp_bridge.policy import RISK_RANK, judge

    try:
        verdict = judge(server, tool, {k: v for k, v in arguments.items() if not _templated(v)})
    except McpBridgeError as exc:  # the server's tools could not be listed
        return [(("tool",), f"cannot check tool {tool!r}: {exc}")]
    if not verdict.allowed:  # no such server, no such tool, or the policy refuses it
        return [(("server",) if verdict.config is None else ("tool",), verdict.reason)]
    problems = argument_problems(tool, verdict.input_schema or {}, arguments)
    if risk is not None and RISK_RANK.get(risk, 0) < RISK_RANK[verdict.risk]:
        problems.append((("risk",), f"{server}.{tool} is {verdict.risk} risk ({verdict.risk_source}); "
                                    f"a step calling it cannot be {risk}"))
    return problems


def argument_problems(tool: str, schema: dict[str, Any], arguments: dict[str, Any],
                      ) -> list[tuple[tuple[str, ...], str]]:
    """Arguments the tool's input schema refuses; templated values are skipped (checked once rendered)."""
    properties: dict[str, Any] = schema.get("properties") or {}
    problems: list[tuple[tuple[str, ...], str]] = []
    for name, value in arguments.items():
        if name not in properties:
            if properties:
                problems.append((("arguments", name), f"{tool} has no argument {name!r} "
                                                      f"(it takes: {', '.join(sorted(properties))})"))
            continue
        if _templated(value):
            continue
        try:
            validator = jsonschema.Draft202012Validator({**properties[name], "$defs": schema.get("$defs", {})})
            # best_match looks inside anyOf (e.g. "string or null") for the most telling reason
            error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        except (jsonschema.SchemaError, jsonschema.exceptions.UnknownType, jsonschema.exceptions.RefResolutionError):
            continue  # the server's schema is its own business; the call will tell
        if error is not None:
            problems.append((("arguments", name), error.message))
    # After unknown names: a misspelt argument explains the "missing" one.
    if missing := [name for name in schema.get("required") or [] if name not in arguments]:
        problems.append((("arguments",), f"{tool} needs argument(s) {', '.join(missing)}"))
    return problems


def _templated(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, dict):
        return any(_templated(v) for v in value.values())
    if isinstance(value, list):
        return any(_templated(v) for v in value)
    return False


def configured_servers() -> dict[str, ServerConfig]:
    """The servers of `.mcp-config.json` and the enabled ones added in the admin (the file's win a clash).

    A malformed admin entry is left out (and logged): it never hides the file's servers.
    """
    from mcp_bridge.models import McpServer

    servers = load_config(settings.MCP_CONFIG_FILE)
    for row in McpServer.objects.filter(enabled=True).exclude(name__in=list(servers)):
        try:
            servers[row.name] = parse_server(row.name, row.as_entry())
        except McpConfigError as exc:
            log.warning("mcp_server_skipped", server=row.name, error=str(exc))
    return servers


def configured_server(name: str) -> ServerConfig:
    servers = configured_servers()
    if name not in servers:
        raise McpConfigError(unknown_server(name, servers))
    return servers[name]
