"""Before a change is put to people: may the server's own identity make it at all?

A server that offers a read-only `check_access(tool, arguments)` tool (our Kubernetes server does: it asks the
API server with SelfSubjectAccessReviews) is asked about a call before a MEDIUM or HIGH step files an approval,
and before a LOW step that changes something runs. Nobody should approve what its RBAC forbids.

Its answer is structured: `allowed` true, false (`message`, e.g. "the agent may not patch deployments in shop",
and `fix`) or null (it cannot tell). Only a clear no stops a step: a server without the tool, a tool it
declares nothing for, a policy that does not let the check through as LOW, or a check that fails all let the
step go on as before (the call itself then says what went wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from mcp_bridge.calls import run_tool
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.policy import judge
from mcp_bridge.registry import server_tools

log = structlog.get_logger(__name__)
ACCESS_TOOL = "check_access"


@dataclass(frozen=True)
class AccessDenied:
    """The server said its identity may not make the call: `message` what it lacks, `fix` how to grant it."""

    server: str
    tool: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.message}. To fix: {self.fix}." if self.fix else self.message


class AccessRefusal(McpBridgeError):
    """The server's identity may not make the call; nothing was asked of anyone, nothing was changed."""

    def __init__(self, denied: AccessDenied) -> None:
        super().__init__(str(denied))
        self.denied = denied


def access_denied(server: str, tool: str, arguments: Mapping[str, Any], *, risk: str,
                  env: Mapping[str, str] | None = None, timeout: float | None = None,
                  incident: Any = None) -> AccessDenied | None:
    """Ask `server` whether it may call `tool` with `arguments` (a step of `risk`); an AccessDenied when it may
    not, None when it may or nobody can tell. A LOW call the server annotates read-only is not asked about."""
    try:
        tools = server_tools(server)
    except McpBridgeError:
        return None  # the step's own call will say the server is not answering
    info = tools.get(tool)
    if ACCESS_TOOL not in tools or tool == ACCESS_TOOL or info is None:
        return None
    if risk == "LOW" and info.annotations.get("read_only_hint") is True:
        return None
    question = {"tool": tool, "arguments": dict(arguments)}
    verdict = judge(server, ACCESS_TOOL, question)
    if not verdict.allowed or verdict.risk != "LOW":
        return None  # the policy keeps the check out: the step goes on as without it
    try:
        result = run_tool(server, ACCESS_TOOL, question, caller="preflight", env=env, timeout=timeout,
                          incident=incident, verdict=verdict)
    except McpBridgeError as exc:
        log.warning("access_check_failed", server=server, tool=tool, error=str(exc)[:300])
        return None
    answer = result.structured if result.ok else None
    if not isinstance(answer, dict):
        log.warning("access_check_failed", server=server, tool=tool, error=(result.error or result.text)[:300])
        return None
    if answer.get("allowed") is not False:
        if answer.get("allowed") is None:
            log.info("access_not_checked", server=server, tool=tool, reason=str(answer.get("message"))[:300])
        return None
    return AccessDenied(server, tool, str(answer.get("message") or f"{server}.{tool}: access denied"),
                        str(answer.get("fix") or ""))
