"""One policy in front of every tool call: risk, allow/deny, Secrets, approvals; refusals audited.

The tools are a real stdio MCP server written here, whose annotations the policy reads from the registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from incidents.models import AuditEntry
from mcp_bridge import policy
from mcp_bridge.calls import ArgumentRefusal, run_tool
from mcp_bridge.models import McpServerState
from mcp_bridge.policy import PolicyRefusal, Verdict, authorize, judge
from remediation.models import PlaybookRun, StepRun
from remediation.services import execute_step
from tests.factories import drive_run, make_run

pytestmark = pytest.mark.django_db

SERVER = """
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

mcp = MCPServer("shelf")
READ = ToolAnnotations(read_only_hint=True)

@mcp.tool(annotations=READ)
def read_thing(name: str, count: int = 1) -> str:
    return f"read {name} x{count}"

@mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True))
def delete_thing(name: str) -> str:
    return f"deleted {name}"

@mcp.tool()
def poke_thing(name: str) -> str:
    return f"poked {name}"

@mcp.tool(annotations=READ)
def get_secret(name: str) -> str:
    return "hunter2"

@mcp.tool(annotations=READ)
def describe(kind: str, name: str) -> str:
    return f"{kind}/{name}"

mcp.run("stdio")
"""


@pytest.fixture(autouse=True)
def shelf(settings: Any, tmp_path: Path) -> Path:
    script = tmp_path / "shelf.py"
    script.write_text(SERVER)
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {
        "shelf": {"command": "python", "args": [str(script)],
                  "policy": {"risk": {"poke_*": "MEDIUM"}, "deny": ["delete_*"]}},
        "open": {"command": "python", "args": [str(script)], "policy": {"allow": ["read_*", "describe"],
                                                                        "allow_sensitive": []}},
        "vault": {"command": "python", "args": [str(script)], "policy": {"allow_sensitive": ["get_secret"]}},
    }}))
    settings.MCP_CONFIG_FILE = config
    return config


def refusals() -> list[str]:
    return list(AuditEntry.objects.filter(action="tool.refused").values_list("message", flat=True))


def test_risk_comes_from_the_config_then_the_annotations_else_high():
    read, poke, describe = judge("shelf", "read_thing"), judge("shelf", "poke_thing"), judge("vault", "poke_thing")
    assert (read.risk, read.risk_source) == ("LOW", "annotations")
    assert (poke.risk, poke.risk_source) == ("MEDIUM", "policy")
    assert (describe.risk, describe.risk_source) == ("HIGH", "default")  # says nothing about itself
    assert judge("vault", "delete_thing").risk == "HIGH"


def test_deny_allow_and_secrets():
    assert "denied for server 'shelf' (deny: delete_*)" in judge("shelf", "delete_thing").reason
    assert "not in the allow list of server 'open'" in judge("open", "poke_thing").reason
    assert judge("open", "read_thing").allowed
    secret = judge("shelf", "get_secret")
    assert not secret.allowed and "read Secrets or export credentials" in secret.reason
    assert judge("vault", "get_secret").allowed
    assert not judge("open", "describe", {"kind": "Secret", "name": "db"}).allowed
    assert judge("open", "describe", {"kind": "ConfigMap", "name": "db"}).allowed
    assert "has no tool 'nope'" in judge("shelf", "nope").reason
    assert "unknown MCP server 'nowhere'" in judge("nowhere", "x").reason


def test_medium_and_high_calls_need_an_approval_of_that_risk_and_refusals_are_audited():
    with pytest.raises(PolicyRefusal, match="MEDIUM risk \\(policy\\): it needs an approval, and it has none"):
        authorize("shelf", "poke_thing", {"name": "a"}, caller="chat")
    assert authorize("shelf", "poke_thing", {"name": "a"}, caller="chat", approved_risk="MEDIUM").risk == "MEDIUM"
    with pytest.raises(PolicyRefusal, match="and only MEDIUM was approved"):
        authorize("vault", "delete_thing", {"name": "a"}, caller="cli", approved_risk="MEDIUM")
    entries = AuditEntry.objects.filter(action="tool.refused").order_by("id")
    assert [(e.via, e.details["tool"]) for e in entries] == [("chat", "poke_thing"), ("cli", "delete_thing")]


def test_run_tool_checks_arguments_before_sending_and_records_health():
    from mcp_bridge import calls

    calls._recorded.clear()  # what this process wrote for an earlier test's (rolled-back) database
    result = run_tool("shelf", "read_thing", {"name": "jar", "count": "3"}, caller="cli")
    assert result.ok and result.text == "read jar x3"  # "3" from a template: made an integer for the schema
    assert McpServerState.objects.get(server="shelf").state == "up"

    with pytest.raises(ArgumentRefusal, match="count: 'many' is not of type 'integer'"):
        run_tool("shelf", "read_thing", {"name": "jar", "count": "many"}, caller="cli")
    with pytest.raises(ArgumentRefusal, match="read_thing has no argument 'nmae'"):
        run_tool("shelf", "read_thing", {"nmae": "jar"}, caller="cli")
    with pytest.raises(PolicyRefusal):
        run_tool("shelf", "delete_thing", {"name": "jar"}, caller="cli", approved_risk="HIGH")
    assert len(refusals()) == 3


def run_of(*steps: dict[str, Any]) -> PlaybookRun:
    return make_run(*steps, server="shelf")


def test_a_step_cannot_run_below_its_tools_risk_or_run_a_denied_tool():
    run = run_of({"tool": "poke_thing", "risk": "LOW", "arguments": {"name": "a"}},
                 {"tool": "delete_thing", "risk": "HIGH", "arguments": {"name": "a"}})
    drive_run(run)  # as a worker does (the root cause is analysed before the approval is asked)
    poke = run.step_runs.get(order=1)
    # Saved as LOW before the policy said MEDIUM: raised, and it waits for a person.
    assert (poke.risk, poke.status) == ("MEDIUM", StepRun.Status.WAITING_APPROVAL)
    assert AuditEntry.objects.filter(action="step.risk_raised").exists()

    # Approved, then the policy refuses the next one: the step fails with the reason, the run stops.
    poke.approval.status = "approved"
    poke.approval.save()
    StepRun.objects.filter(pk=poke.pk).update(status=StepRun.Status.QUEUED)
    execute_step(poke.pk)
    poke.refresh_from_db()
    assert poke.status == StepRun.Status.SUCCEEDED and poke.output == "poked a"
    delete = run.step_runs.get(order=2)
    assert delete.status == StepRun.Status.FAILED and "denied for server 'shelf'" in delete.error
    run.refresh_from_db()
    assert run.status == PlaybookRun.Status.FAILED
    assert any("delete_thing" in message for message in refusals())


def test_a_queued_step_without_its_approval_is_refused_at_the_last_moment():
    run = run_of({"tool": "poke_thing", "risk": "MEDIUM", "arguments": {"name": "a"}})
    step = run.step_runs.get()
    StepRun.objects.filter(pk=step.pk).update(status=StepRun.Status.QUEUED)  # as if someone skipped the approval
    execute_step(step.pk)
    step.refresh_from_db()
    assert step.status == StepRun.Status.FAILED
    assert "it needs an approval, and it has none" in step.error
    assert step.attempts == 1  # a refusal is not retried


@pytest.fixture
def judged_tools(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tools the policy judged, in order (the judging is counted, not replaced)."""
    seen: list[str] = []
    judge_now = policy._judge

    def counted(server: str, tool: str, arguments: Any) -> Verdict:
        seen.append(tool)
        return judge_now(server, tool, arguments)

    monkeypatch.setattr(policy, "_judge", counted)
    return seen


def test_a_verdict_handed_to_run_tool_is_not_judged_again_but_still_needs_its_approval(judged_tools):
    read = judge("shelf", "read_thing", {"name": "jar"})
    assert run_tool("shelf", "read_thing", {"name": "jar"}, caller="chat", verdict=read).text == "read jar x1"

    poke = judge("shelf", "poke_thing", {"name": "a"})
    with pytest.raises(PolicyRefusal, match="MEDIUM risk \\(policy\\): it needs an approval, and it has none"):
        run_tool("shelf", "poke_thing", {"name": "a"}, caller="chat", verdict=poke)
    assert run_tool("shelf", "poke_thing", {"name": "a"}, caller="chat", approved_risk="MEDIUM",
                    verdict=poke).text == "poked a"

    denied = judge("shelf", "delete_thing", {"name": "a"})
    with pytest.raises(PolicyRefusal, match="denied for server 'shelf'"):
        run_tool("shelf", "delete_thing", {"name": "a"}, caller="chat", approved_risk="HIGH", verdict=denied)

    assert judged_tools == ["read_thing", "poke_thing", "delete_thing"]  # once each
    entries = AuditEntry.objects.filter(action="tool.refused").order_by("id")
    assert [(e.via, e.details["tool"]) for e in entries] == [("chat", "poke_thing"), ("chat", "delete_thing")]


def test_a_verdict_on_other_arguments_is_not_taken_for_this_call(caplog):
    config_map = judge("open", "describe", {"kind": "ConfigMap", "name": "db"})
    with pytest.raises(ValueError, match=r"passed for open\.describe"):
        run_tool("open", "describe", {"kind": "Secret", "name": "db"}, caller="chat", verdict=config_map)
    with pytest.raises(ValueError, match=r"passed for shelf\.describe"):
        run_tool("shelf", "describe", {"kind": "ConfigMap", "name": "db"}, caller="chat", verdict=config_map)
    assert "mcp_tool_called" not in caplog.text  # nothing was sent (listing the tools to judge is no call)


def test_a_verdict_stands_for_the_arguments_as_judged_not_as_changed_since():
    arguments = {"kind": "ConfigMap", "name": "db"}
    verdict = judge("open", "describe", arguments)
    arguments["kind"] = "Secret"
    with pytest.raises(ValueError):
        authorize("open", "describe", arguments, caller="chat", verdict=verdict)


@pytest.mark.parametrize(("tool", "sensitive"), [
    ("get-env", True), ("printEnv", True), ("getenv", True), ("get_environment_variables", True),
    ("dump-env-vars", True), ("list_secrets", True), ("get_pod_logs", False), ("list_events", False),
    ("inventory", False), ("envoy_stats", False), ("get_deployment", False),
])
def test_tools_that_dump_their_environment_are_sensitive_like_secret_readers(tool, sensitive):
    """The MCP "everything" reference server's get-env answered the whole environment as a LOW tool."""
    assert policy.is_sensitive(tool) is sensitive
