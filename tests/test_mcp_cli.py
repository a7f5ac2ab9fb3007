"""`manage.py mcp`: servers, tools with their risk, and calls through the policy, on mcp-server-time."""

from __future__ import annotations

import importlib.util
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import AuditEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(importlib.util.find_spec("mcp_server_time") is None, reason="mcp-server-time is missing"),
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mcp.json"
    path.write_text(json.dumps({"mcpServers": {
        "time": {"command": "python", "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"],
                 "description": "clock"},
        "strict": {"command": "python", "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"],
                   "policy": {"risk": {"convert_time": "HIGH"}}},
    }}))
    return path


def mcp(config: Path, *args: str) -> str:
    out = StringIO()
    call_command("mcp", "--config", str(config), *args, stdout=out)
    return out.getvalue()


def test_servers_and_tools_with_their_risk(config):
    assert mcp(config, "servers").splitlines()[1].startswith("time\tstdio\t")
    tools = mcp(config, "tools", "--refresh").splitlines()
    assert "time.get_current_time\tLOW\t(annotations)" in tools
    assert "strict.convert_time\tHIGH\t(policy)" in tools


def test_call_prints_the_result_as_json(config):
    result = json.loads(mcp(config, "call", "time.get_current_time", "--args", '{"timezone": "UTC"}'))
    assert result["ok"] is True and result["structured"]["timezone"] == "UTC"


def test_a_tool_error_exits_1_and_a_refusal_exits_2_with_the_reason(config):
    with pytest.raises(SystemExit) as exited:
        mcp(config, "call", "time.get_current_time", "--args", '{"timezone": "Mars/Olympus_Mons"}')
    assert exited.value.code == 1

    with pytest.raises(CommandError, match=r"refused: strict\.convert_time is HIGH risk") as refused:
        mcp(config, "call", "strict.convert_time", "--args",
            '{"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}')
    assert refused.value.returncode == 2
    assert AuditEntry.objects.filter(action="tool.refused", via="cli").count() == 1

    with pytest.raises(CommandError, match="2 servers offer it \\(strict, time\\)"):
        mcp(config, "call", "get_current_time", "--args", '{"timezone": "UTC"}')
    with pytest.raises(CommandError, match="arguments refused by its input schema: timezone: 5 is not of type"):
        mcp(config, "call", "time.get_current_time", "--args", '{"timezone": 5}')
    with pytest.raises(CommandError, match="--args is not valid JSON"):
        mcp(config, "call", "time.get_current_time", "--args", "{timezone")


def test_a_malformed_config_stops_start_up_naming_server_and_field(tmp_path, settings):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"mcpServers": {"k8s": {"type": "stdio", "command": "x", "max_concurrency": 0}}}))
    settings.MCP_CONFIG_FILE = bad
    with pytest.raises(Exception, match="server 'k8s': field 'max_concurrency' must be a whole number"):
        call_command("check")
