"""One policy in front of every tool call, whoever makes it (playbook steps, chat, RCA, the CLI).

A tool's risk comes from the server's `policy.risk` override in `.mcp-config.json`, else from the
tool's MCP annotations (`readOnlyHint` → LOW, `destructiveHint` → HIGH), else HIGH: a tool that says
nothing about itself is treated as the most dangerous. A tool is refused when the server's
`policy.deny` names it, when `policy.allow` is set and does not, and when it reads Secrets, exports
credentials or dumps its environment (by its name, or a `kind`/`resource` argument naming Secrets) unless
`policy.allow_sensitive` names it. A MEDIUM or HIGH call runs only with an approval of at least its
risk (`approved_risk`); every refusal is handed to `mcp_bridge.ports.record_refusal` (the incidents app
audits it).

A caller that judged a call to choose its path (run it now, or file an approval) hands that verdict on
(`authorize(..., verdict=...)`, `run_tool(..., verdict=...)`) rather than have the policy judged twice;
the approval it needs is checked all the same.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from mcp_bridge.config import ServerConfig, unknown_server
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.ports import Refusal, record_refusal

RISK_RANK = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}
# Tools that read Secrets or credentials, or dump a process's environment (where credentials live: the MCP
# "everything" reference server's `get-env`, `printenv`, `get_environment_variables`...).
SENSITIVE_NAMES = ("*secret*", "*credential*", "*password*", "*kubeconfig*", "*token*",
                   "*env", "*env[-_]*", "*environ*")
SENSITIVE_KINDS = {"secret", "secrets", "v1/secrets", "serviceaccounttoken", "tokenrequest"}


class PolicyRefusal(McpBridgeError):
    """The policy refused the call; nothing was sent to the server."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


@dataclass(frozen=True)
class Verdict:
    server: str
    tool: str
    risk: str
    allowed: bool
    reason: str = ""
    risk_source: str = ""  # "policy", "annotations" or "default"
    # What the judging looked up, for the caller to use rather than look up again:
    config: ServerConfig | None = field(default=None, compare=False, repr=False)  # None: no such server
    input_schema: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # None: no such tool
    # The arguments judged (a copy): a verdict stands only for the call it was made for.
    arguments: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def is_for(self, server: str, tool: str, arguments: Mapping[str, Any] | None) -> bool:
        return (self.server, self.tool) == (server, tool) and dict(self.arguments or {}) == dict(arguments or {})


def _matches(tool: str, patterns: tuple[str, ...] | Any) -> str | None:
    return next((p for p in patterns if fnmatchcase(tool, p)), None)


def is_sensitive(tool: str, arguments: Mapping[str, Any] | None = None) -> bool:
    if _matches(tool.lower(), SENSITIVE_NAMES):
        return True
    for key in ("kind", "resource", "resource_type", "type"):
        value = (arguments or {}).get(key)
        if isinstance(value, str) and {value.strip().lower(), kind_word(value)} & SENSITIVE_KINDS:
            return True
    return False


def kind_word(value: str) -> str:
    """The kind itself, without version or API group: `secret` of `v1/Secret`, `core/v1/secrets`, `secrets.v1.`,
    `Secret.core`."""
    return value.strip().lower().rpartition("/")[2].partition(".")[0]


def risk_of(config: ServerConfig, tool: str, annotations: Mapping[str, Any] | None) -> tuple[str, str]:
    """(risk, where it came from) of one tool."""
    if tool in config.policy.risk:
        return config.policy.risk[tool], "policy"
    if (pattern := _matches(tool, tuple(config.policy.risk))) is not None:
        return config.policy.risk[pattern], "policy"
    annotations = annotations or {}
    if annotations.get("read_only_hint") is True:
        return "LOW", "annotations"
    if annotations.get("destructive_hint") is True:
        return "HIGH", "annotations"
    return "HIGH", "default"


def judge(server: str, tool: str, arguments: Mapping[str, Any] | None = None) -> Verdict:
    """The policy's verdict on calling `server.tool`: its risk, and whether it may be called at all."""
    return replace(_judge(server, tool, arguments), arguments=copy.deepcopy(dict(arguments or {})))


def judged(server: str, tool: str, arguments: Mapping[str, Any] | None, verdict: Verdict | None) -> Verdict:
    """`verdict` when the caller already judged this very call, else the policy's verdict now.

    A verdict made for another server, tool or arguments is a bug in the caller: ValueError.
    """
    if verdict is None:
        return judge(server, tool, arguments)
    if not verdict.is_for(server, tool, arguments):
        raise ValueError(f"a verdict on {verdict.server}.{verdict.tool} {dict(verdict.arguments or {})} was passed "
                         f"for {server}.{tool} {dict(arguments or {})}")
    return verdict


def _judge(server: str, tool: str, arguments: Mapping[str, Any] | None) -> Verdict:
    from mcp_bridge.registry import configured_servers, server_tools

    servers = configured_servers()
    if server not in servers:
        return Verdict(server, tool, "HIGH", False, unknown_server(server, servers))
    config = servers[server]
    policy = config.policy

    def refuse(reason: str) -> Verdict:
        return Verdict(server, tool, "HIGH", False, f"{server}.{tool} refused by policy: {reason}", config=config)

    if (pattern := _matches(tool, policy.deny)) is not None:
        return refuse(f"denied for server {server!r} (deny: {pattern})")
    if policy.allow and _matches(tool, policy.allow) is None:
        return refuse(f"not in the allow list of server {server!r}")
    if is_sensitive(tool, arguments) and _matches(tool, policy.allow_sensitive) is None:
        return refuse("it can read Secrets or export credentials (or dump its environment); list it in "
                      "policy.allow_sensitive to allow it")
    tools = server_tools(server)
    if tool not in tools:
        return Verdict(server, tool, "HIGH", False,
                       f"MCP server {server!r} has no tool {tool!r} (it has: {', '.join(sorted(tools))})",
                       config=config)
    risk, source = risk_of(config, tool, tools[tool].annotations)
    return Verdict(server, tool, risk, True, risk_source=source, config=config,
                   input_schema=tools[tool].input_schema)


def authorize(server: str, tool: str, arguments: Mapping[str, Any], *, caller: str,
              approved_risk: str = "LOW", actor: Any = None, incident: Any = None,
              verdict: Verdict | None = None) -> Verdict:
    """Judge a call about to be made; raise PolicyRefusal (and audit it) unless it may go ahead.

    `approved_risk`: the highest risk a person approved for this very call (LOW: nobody approved).
    `verdict`: the caller's own verdict on this very call, used instead of judging it again.
    """
    verdict = judged(server, tool, arguments, verdict)
    if verdict.allowed and RISK_RANK[verdict.risk] > RISK_RANK[approved_risk]:
        had = f"only {approved_risk} was approved" if approved_risk != "LOW" else "it has none"
        verdict = replace(verdict, allowed=False,
                          reason=f"{server}.{tool} is {verdict.risk} risk ({verdict.risk_source}): it needs an "
                                 f"approval, and {had}")
    if not verdict.allowed:
        record_refusal(Refusal(server, tool, verdict.reason, via=caller, actor=actor, incident=incident,
                               details={"risk": verdict.risk}))
        raise PolicyRefusal(verdict)
    return verdict
