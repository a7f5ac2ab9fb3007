"""MCP tool-call latency per transport, with a warm session and without one.

The same third-party server, npm's @modelcontextprotocol/server-everything (pinned in tests/peers.py,
installed with npm on first use), is reached over stdio, SSE and streamable HTTP on loopback; PyPI's
mcp-server-time over stdio is measured too. Each call is its `echo` (or `get_current_time`) tool.

  warm  through mcp_bridge.manager.SessionManager, as a worker calls: the session stays open between
        calls (one unmeasured call opens it first)
  cold  through mcp_bridge.client.call_tool: a new session per call (stdio: a new process)

Prints p50/p95 per transport. Asserts nothing about the figures.

Usage: .venv/bin/python bench/mcp_latency.py [WARM_CALLS] [COLD_CALLS]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcp_bridge.client import call_tool  # noqa: E402
from mcp_bridge.config import load_config  # noqa: E402
from mcp_bridge.manager import SessionManager  # noqa: E402
from tests.peers import everything_over_http, server_everything  # noqa: E402

WARM = int(sys.argv[1]) if len(sys.argv) > 1 else 200
COLD = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def measure(config_path: Path, server: str, tool: str, arguments: dict[str, object]) -> tuple[list[float], list[float]]:
    config = load_config(config_path)[server]
    sessions = SessionManager()
    try:
        assert sessions.call_tool(config, tool, arguments, timeout=60).ok
        warm = []
        for _ in range(WARM):
            started = time.perf_counter()
            result = sessions.call_tool(config, tool, arguments, timeout=60)
            warm.append((time.perf_counter() - started) * 1000)
            assert result.ok, result.error
    finally:
        sessions.close_all()
    cold = []
    for _ in range(COLD):
        started = time.perf_counter()
        result = call_tool(server, tool, arguments, config_path=config_path, timeout=60)
        cold.append((time.perf_counter() - started) * 1000)
        assert result.ok, result.error
    return warm, cold


def main() -> None:
    entry = server_everything()
    echo = {"message": "ping"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mcp.json"

        def write(servers: dict[str, object]) -> Path:
            config.write_text(json.dumps({"mcpServers": servers}))
            return config

        write({"everything": {"command": "node", "args": [str(entry), "stdio"]},
               "time": {"command": "python", "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"]}})
        rows.append(("stdio (server-everything)", *measure(config, "everything", "echo", echo)))
        rows.append(("stdio (mcp-server-time)", *measure(config, "time", "get_current_time", {"timezone": "UTC"})))
        for transport, kind in (("sse", "sse"), ("streamableHttp", "http")):
            with everything_over_http(transport) as url:
                write({"everything": {"type": kind, "url": url}})
                rows.append((f"{transport} (server-everything)", *measure(config, "everything", "echo", echo)))
    print(f"MCP tool call latency: {WARM} warm calls, {COLD} cold calls per transport (ms)")
    for name, warm, cold in rows:
        print(f"  {name:34} warm p50 {statistics.median(warm):7.2f}  p95 {percentile(warm, 95):7.2f}   "
              f"cold p50 {statistics.median(cold):7.1f}  p95 {percentile(cold, 95):7.1f}")


if __name__ == "__main__":
    main()
