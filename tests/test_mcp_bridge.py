"""The MCP bridge: config parsing, and `call_tool`/`list_tools` against real MCP servers.

Peers: PyPI `mcp-server-time` over stdio, and a small MCPServer script written per test (stdio, SSE,
streamable HTTP). No part of the bridge is mocked.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_bridge import config as config_module
from mcp_bridge.client import McpBridgeError, call_tool, list_tools
from mcp_bridge.config import McpConfigError, ServerConfig, get_server, load_config
from tests.helpers import free_port, wait_listening

PROBE_SERVER = """
import os, sys
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("probe")

@mcp.tool()
def getenv(name: str) -> str:
    return os.environ.get(name, "<unset>")

@mcp.tool()
def cwd() -> str:
    return os.getcwd()

transport = sys.argv[1] if len(sys.argv) > 1 else "stdio"
if transport == "stdio":
    mcp.run("stdio")
else:
    mcp.run(transport, port=int(sys.argv[2]))
"""

needs_time_server = pytest.mark.skipif(
    importlib.util.find_spec("mcp_server_time") is None,
    reason="mcp-server-time is not installed (pip install mcp-server-time)",
)


def write_config(path: Path, servers: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"mcpServers": servers}))
    return path


@pytest.fixture
def probe_script(tmp_path: Path) -> Path:
    script = tmp_path / "probe_server.py"
    script.write_text(PROBE_SERVER)
    return script


def pid_is_gone(pid: int) -> bool:
    """Neither running nor a zombie: /proc keeps an entry for an unreaped child."""
    return not Path(f"/proc/{pid}").exists()


# --- config -------------------------------------------------------------------------------------------


def test_config_interpolates_environment_variables(tmp_path: Path) -> None:
    path = write_config(
        tmp_path / "mcp.json",
        {
            "k8s": {
                "type": "stdio",
                "command": "${TOOLS}/server",
                "args": ["--context", "${CTX:-default-ctx}", "--empty", "${EMPTY:-fallback}", "${UNSET}"],
                "env": {"KUBECONFIG": "${KUBECONFIG}", "KUBE_CONTEXT": "${UNSET_TOO:-}"},
            },
            "remote": {
                "type": "http",
                "url": "https://${HOST}/mcp",
                "headers": {"Authorization": "Bearer ${TOKEN}"},
            },
        },
    )
    environ = {
        "TOOLS": "/opt/tools",
        "EMPTY": "",
        "KUBECONFIG": "/etc/kc",
        "HOST": "mcp.example",
        "TOKEN": "s3cr3t",
    }

    servers = load_config(path, environ)

    assert servers["k8s"] == ServerConfig(
        name="k8s",
        type="stdio",
        command="/opt/tools/server",
        args=("--context", "default-ctx", "--empty", "fallback", ""),
        env={"KUBECONFIG": "/etc/kc", "KUBE_CONTEXT": ""},
        cwd=tmp_path,
    )
    assert servers["remote"] == ServerConfig(
        name="remote",
        type="streamable_http",
        url="https://mcp.example/mcp",
        headers={"Authorization": "Bearer s3cr3t"},
    )


def test_config_runs_python_with_this_interpreter_and_infers_the_type(tmp_path: Path) -> None:
    path = write_config(
        tmp_path / "mcp.json",
        {
            "a": {"command": "python", "args": ["-m", "x"], "cwd": "sub"},
            "b": {"command": "python3"},
            "c": {"url": "http://127.0.0.1:1/mcp"},
            "d": {"type": "sse", "url": "http://127.0.0.1:1/sse", "description": "legacy"},
        },
    )

    servers = load_config(path, {})

    assert servers["a"].command == servers["b"].command == sys.executable
    assert servers["a"].type == "stdio" and servers["a"].cwd == tmp_path / "sub"
    assert servers["c"].type == "streamable_http"
    assert servers["d"].type == "sse" and servers["d"].description == "legacy"


def test_the_repository_config_declares_the_kubernetes_server() -> None:
    server = get_server("kubernetes", Path(__file__).resolve().parent.parent / ".mcp-config.json", {})

    assert server.type == "stdio"
    assert server.command == sys.executable
    assert server.args == ("-m", "mcp_bridge.servers.kubernetes")
    # The SDK passes a stdio server only HOME, PATH and the like: in-cluster config needs these two.
    assert server.env == {
        "KUBECONFIG": "",
        "KUBE_CONTEXT": "",
        "KUBERNETES_SERVICE_HOST": "",
        "KUBERNETES_SERVICE_PORT": "",
    }


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"type": "stdio"}, "command"),
        ({"type": "stdio", "command": "x", "args": "--flag"}, "args"),
        ({"type": "stdio", "command": "x", "args": ["ok", 3]}, "args"),
        ({"type": "stdio", "command": "x", "env": {"PORT": 8080}}, "env"),
        ({"type": "stdio", "command": ["x"]}, "command"),
        ({"type": "grpc", "command": "x"}, "type"),
        ({"type": "sse"}, "url"),
        ({"type": "streamable_http", "url": "ftp://host/mcp"}, "url"),
        ({"type": "http", "url": "http://h/mcp", "headers": ["Authorization: x"]}, "headers"),
    ],
)
def test_malformed_server_entries_name_the_server_and_field(tmp_path: Path, entry: dict[str, Any], field: str) -> None:
    path = write_config(tmp_path / "mcp.json", {"good": {"command": "x"}, "bad": entry})

    with pytest.raises(McpConfigError, match=rf"server 'bad': field '{field}'"):
        load_config(path, {})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"servers": {}}', "'mcpServers' object"),
        ('{"mcpServers": {"bad": "python"}}', "server 'bad': must be an object"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "mcp.json"
    path.write_text(content)

    with pytest.raises(McpConfigError, match=problem):
        load_config(path, {})


def test_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(McpConfigError, match="cannot read the MCP config"):
        load_config(tmp_path / "absent.json", {})


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files load_config parsed, in order (the parser is counted, not replaced)."""
    seen: list[Path] = []
    parse = config_module._parse

    def counted(path: Path, text: str, environ: Any) -> dict[str, ServerConfig]:
        seen.append(path)
        return parse(path, text, environ)

    monkeypatch.setattr(config_module, "_parse", counted)
    return seen


def settle(path: Path, when: float | None = None) -> None:
    """Date the file back, as a file that was written a while ago (a fresh one is parsed every time)."""
    when = time.time() - 60 if when is None else when
    os.utime(path, (when, when))


def test_the_config_file_is_parsed_once_while_it_does_not_change(tmp_path: Path, parses: list[Path]) -> None:
    path = write_config(tmp_path / "mcp.json", {"a": {"command": "tool-a"}})
    settle(path)

    first, second, third = (load_config(path, {}) for _ in range(3))

    assert len(parses) == 1
    assert first == second == third and first["a"].command == "tool-a"
    first.pop("a")  # each caller gets its own dict
    assert "a" in load_config(path, {})


def test_a_changed_config_file_is_read_again(tmp_path: Path, parses: list[Path]) -> None:
    path = write_config(tmp_path / "mcp.json", {"a": {"command": "tool-a"}})
    settle(path, time.time() - 120)
    assert load_config(path, {})["a"].command == "tool-a"

    write_config(path, {"a": {"command": "tool-b"}})  # same size, new mtime
    then = time.time() - 60
    settle(path, then)
    assert load_config(path, {})["a"].command == "tool-b"

    write_config(path, {"a": {"command": "tool-cc"}})  # same mtime, new size
    settle(path, then)
    assert load_config(path, {})["a"].command == "tool-cc"
    assert load_config(path, {})["a"].command == "tool-cc"
    assert len(parses) == 3


def test_the_config_is_parsed_again_when_a_variable_it_names_changes(tmp_path: Path, parses: list[Path]) -> None:
    path = write_config(tmp_path / "mcp.json", {"a": {"url": "https://${HOST}/mcp"}})
    settle(path)

    assert load_config(path, {"HOST": "one.example"})["a"].url == "https://one.example/mcp"
    assert load_config(path, {"HOST": "one.example", "OTHER": "x"})["a"].url == "https://one.example/mcp"
    assert len(parses) == 1  # a variable the file does not name changes nothing
    assert load_config(path, {"HOST": "two.example"})["a"].url == "https://two.example/mcp"
    assert len(parses) == 2


def test_a_config_file_changed_just_now_is_parsed_each_time(tmp_path: Path, parses: list[Path]) -> None:
    # Its mtime could not tell a second write within the same clock tick from this one.
    path = write_config(tmp_path / "mcp.json", {"a": {"command": "tool-a"}})
    load_config(path, {})
    load_config(path, {})
    assert len(parses) == 2


# --- calls over stdio ---------------------------------------------------------------------------------


@pytest.fixture
def time_config(tmp_path: Path) -> Path:
    return write_config(
        tmp_path / "mcp.json",
        {
            "time": {
                "type": "stdio",
                "command": "python",
                "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"],
            }
        },
    )


@needs_time_server
def test_call_tool_against_mcp_server_time(time_config: Path) -> None:
    result = call_tool("time", "get_current_time", {"timezone": "UTC"}, config_path=time_config, timeout=30)

    assert result.ok, result.error
    assert result.error is None
    assert result.structured is not None and result.structured["timezone"] == "UTC"
    assert json.loads(result.text)["timezone"] == "UTC"


@needs_time_server
def test_a_tool_error_is_returned_not_raised(time_config: Path) -> None:
    result = call_tool("time", "get_current_time", {"timezone": "Mars/Olympus_Mons"}, config_path=time_config)

    assert not result.ok
    assert result.error == result.text and "Mars/Olympus_Mons" in result.text


@needs_time_server
def test_list_tools_of_mcp_server_time(time_config: Path) -> None:
    tools = {tool["name"]: tool for tool in list_tools("time", config_path=time_config, timeout=30)}

    assert {"get_current_time", "convert_time"} <= set(tools)
    assert "timezone" in tools["get_current_time"]["input_schema"]["properties"]
    assert tools["get_current_time"]["description"]


def test_call_env_is_merged_over_the_configured_env(tmp_path: Path, probe_script: Path) -> None:
    config = write_config(
        tmp_path / "mcp.json",
        {
            "probe": {
                "command": "python",
                "args": [str(probe_script)],
                "env": {"FIRST": "from-config", "SECOND": "${SECOND_SOURCE:-configured-default}"},
                "cwd": "/",
            }
        },
    )

    def getenv(name: str) -> str:
        return call_tool("probe", "getenv", {"name": name}, env={"FIRST": "from-call"}, config_path=config).text

    assert getenv("FIRST") == "from-call"
    assert getenv("SECOND") == "configured-default"
    assert call_tool("probe", "cwd", {}, config_path=config).text == "/"


def test_unknown_server_raises(time_config: Path) -> None:
    with pytest.raises(McpBridgeError, match="unknown MCP server 'nope' \\(configured: time\\)"):
        call_tool("nope", "anything", {}, config_path=time_config)


def test_a_command_that_does_not_exist_raises_a_clear_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "mcp.json", {"ghost": {"command": "/nonexistent/mcp-ghost-server"}})

    with pytest.raises(
        McpBridgeError, match="'ghost': cannot start '/nonexistent/mcp-ghost-server': command not found"
    ):
        call_tool("ghost", "anything", {}, config_path=config)


def test_a_server_that_exits_at_once_raises_with_its_stderr(tmp_path: Path) -> None:
    script = "import sys; sys.exit('fatal: no credentials for the cluster')"
    config = write_config(tmp_path / "mcp.json", {"dying": {"command": "python", "args": ["-c", script]}})

    with pytest.raises(McpBridgeError) as caught:
        call_tool("dying", "anything", {}, config_path=config, timeout=10)

    assert "closed the connection" in str(caught.value)
    assert "fatal: no credentials for the cluster" in str(caught.value)


def test_a_hanging_server_times_out_and_leaves_no_process(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"
    config = write_config(
        tmp_path / "mcp.json", {"sleepy": {"command": "python", "args": ["-c", script, str(pid_file)]}}
    )

    started = time.monotonic()
    with pytest.raises(McpBridgeError, match="'sleepy': no answer within 2 s"):
        call_tool("sleepy", "anything", {}, config_path=config, timeout=2)
    elapsed = time.monotonic() - started

    # The deadline, then the SDK's shutdown: close stdin, wait 2 s, SIGTERM the process group.
    assert 2 <= elapsed < 2 + 3.5
    assert pid_is_gone(int(pid_file.read_text()))


# --- calls over HTTP ----------------------------------------------------------------------------------


@pytest.fixture(params=["streamable-http", "sse"])
def http_server(request: pytest.FixtureRequest, probe_script: Path) -> Iterator[tuple[str, str]]:
    """The probe server on a free loopback port: yields (config type, url)."""
    transport, port = request.param, free_port()
    process = subprocess.Popen(
        [sys.executable, str(probe_script), transport, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_listening(port, process, "probe server")
        path = "/mcp" if transport == "streamable-http" else "/sse"
        yield ("http" if transport == "streamable-http" else "sse"), f"http://127.0.0.1:{port}{path}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_call_tool_over_http_transports(tmp_path: Path, http_server: tuple[str, str]) -> None:
    kind, url = http_server
    config = write_config(tmp_path / "mcp.json", {"probe": {"type": kind, "url": url, "headers": {"X-Test": "1"}}})

    result = call_tool("probe", "getenv", {"name": "HOME"}, config_path=config, timeout=20)
    tools = list_tools("probe", config_path=config, timeout=20)

    assert result.ok and result.text == os.environ.get("HOME", "<unset>")
    assert {tool["name"] for tool in tools} == {"getenv", "cwd"}


def test_an_unreachable_http_server_raises(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "mcp.json", {"gone": {"type": "http", "url": f"http://127.0.0.1:{free_port()}/mcp"}}
    )

    with pytest.raises(McpBridgeError, match="MCP server 'gone'"):
        call_tool("gone", "anything", {}, config_path=config, timeout=10)
