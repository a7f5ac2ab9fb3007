"""Warm MCP sessions (mcp_bridge.manager) against real servers: a stdio probe written here, and npm's
@modelcontextprotocol/server-everything over SSE and streamable HTTP. Nothing is mocked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_bridge.config import ServerConfig, load_config
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.manager import SessionManager
from tests.helpers import eventually
from tests.peers import everything_over_http

PROBE = """
import os, sys, time
from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("probe")

@mcp.tool()
def pid() -> int:
    return os.getpid()

@mcp.tool()
def crash() -> str:
    os._exit(3)

@mcp.tool()
def hang(seconds: float, started: str = "") -> str:
    if started:  # a file that says the call has begun
        open(started, "w").close()
    time.sleep(seconds)
    return "woke"

@mcp.tool()
async def grow(ctx: Context) -> str:
    mcp.add_tool(lambda: "new", name="extra")
    await ctx.notify_tools_changed()
    return "grown"

mcp.run("stdio")
"""

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


@pytest.fixture
def configs(tmp_path: Path) -> dict[str, ServerConfig]:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    path = tmp_path / "mcp.json"
    path.write_text(json.dumps({"mcpServers": {
        "probe": {"command": "python", "args": [str(script)]},
        "other": {"command": "python", "args": [str(script)]},
        "missing": {"command": "/nonexistent/mcp-server"},
    }}))
    return load_config(path)


@pytest.fixture
def manager() -> Iterator[SessionManager]:
    sessions = SessionManager()
    yield sessions
    sessions.close_all()


def pid(manager: SessionManager, config: ServerConfig) -> int:
    return int(manager.call_tool(config, "pid", {}, timeout=30).text)


def test_a_session_is_opened_once_and_reused(manager, configs):
    first = pid(manager, configs["probe"])
    assert pid(manager, configs["probe"]) == first
    # Another environment (another cluster's KUBECONFIG) is another session, another process.
    other_env = int(manager.call_tool(configs["probe"], "pid", {}, env={"KUBECONFIG": "/b"}, timeout=30).text)
    assert other_env != first
    assert manager.health["probe"].state == "up"


def test_a_crashed_stdio_server_is_restarted_by_the_next_call(manager, configs):
    before = pid(manager, configs["probe"])
    with pytest.raises(McpBridgeError, match="closed the connection"):
        manager.call_tool(configs["probe"], "crash", {}, timeout=30)
    assert manager.health["probe"].state == "down"
    after = pid(manager, configs["probe"])
    assert after != before
    assert manager.health["probe"].state == "up"


def test_a_hanging_server_times_out_without_blocking_other_servers(manager, configs, tmp_path):
    hung = pid(manager, configs["probe"])
    pid(manager, configs["other"])  # warm
    outcome: list[BaseException] = []

    def call_hang() -> None:
        try:
            manager.call_tool(configs["probe"], "hang", {"seconds": 60, "started": str(started)}, timeout=3)
        except McpBridgeError as exc:
            outcome.append(exc)

    started = tmp_path / "hanging"
    thread = threading.Thread(target=call_hang)
    thread.start()
    eventually(started.exists, "the call to hang to begin")
    answered_while_hanging = pid(manager, configs["other"])
    assert thread.is_alive(), "the other server answered only after the hang ended"
    thread.join(timeout=30)
    assert answered_while_hanging
    assert len(outcome) == 1 and "'probe': no answer within 3 s" in str(outcome[0])
    # The wedged server was stopped; the next call gets a fresh one.
    assert pid(manager, configs["probe"]) != hung


def test_a_server_that_is_down_fails_fast_and_others_work(manager, configs):
    with pytest.raises(McpBridgeError, match="cannot start '/nonexistent/mcp-server': command not found"):
        manager.call_tool(configs["missing"], "anything", {}, timeout=10)
    # Within the backoff, no new attempt: the last error, at once.
    with pytest.raises(McpBridgeError, match=r"'missing' is down \(.*command not found\); next attempt in"):
        manager.call_tool(configs["missing"], "anything", {}, timeout=10)
    assert pid(manager, configs["probe"]) > 0
    assert manager.health["missing"].state == "down" and manager.health["probe"].state == "up"


def test_a_changed_tool_list_is_noticed(manager, configs):
    assert manager.take_stale_tools() == set()
    assert manager.call_tool(configs["probe"], "grow", {}, timeout=30).text == "grown"
    assert eventually(manager.take_stale_tools, "the tool change noticed", timeout=10) == {"probe"}
    assert "extra" in {tool["name"] for tool in manager.list_tools(configs["probe"], timeout=30)}


@pytest.mark.parametrize(("transport", "kind"), [("sse", "sse"), ("streamableHttp", "http")])
def test_server_everything_over_http_transports(manager, tmp_path, transport, kind):
    with everything_over_http(transport) as url:
        path = tmp_path / "mcp.json"
        path.write_text(json.dumps({"mcpServers": {"everything": {"type": kind, "url": url}}}))
        config = load_config(path)["everything"]
        tools = {tool["name"]: tool for tool in manager.list_tools(config, timeout=30)}
        echo = manager.call_tool(config, "echo", {"message": "hello over " + transport}, timeout=30)
        total = manager.call_tool(config, "get-sum", {"a": 2, "b": 40}, timeout=30)

    assert {"echo", "get-sum"} <= set(tools)
    assert "message" in tools["echo"]["input_schema"]["properties"]
    assert echo.ok and echo.text == f"Echo: hello over {transport}"
    assert total.ok and "42" in total.text
