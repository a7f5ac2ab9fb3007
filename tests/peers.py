"""Third-party MCP servers the tests talk to, fetched from npm once per machine (pinned)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import free_port, stop, wait_listening

EVERYTHING = "@modelcontextprotocol/server-everything"
EVERYTHING_VERSION = "2026.8.31"
PEERS_DIR = Path(tempfile.gettempdir()) / "aiops-test-peers" / f"server-everything-{EVERYTHING_VERSION}"


def server_everything() -> Path:
    """dist/index.js of the pinned server-everything, installed with npm on first use."""
    entry = PEERS_DIR / "node_modules" / EVERYTHING / "dist" / "index.js"
    if entry.exists():
        return entry
    if shutil.which("npm") is None or shutil.which("node") is None:
        if os.environ.get("AIOPS_REQUIRE_MCP_PEERS"):
            pytest.fail("AIOPS_REQUIRE_MCP_PEERS is set but node/npm are missing (apt-get install nodejs npm)")
        pytest.skip("node and npm are needed for @modelcontextprotocol/server-everything")
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PEERS_DIR),
                             f"{EVERYTHING}@{EVERYTHING_VERSION}"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not entry.exists():
        pytest.fail(f"npm install {EVERYTHING} failed:\n{result.stdout}\n{result.stderr}")
    return entry


@contextmanager
def everything_over_http(transport: str) -> Iterator[str]:
    """server-everything serving `sse` or `streamableHttp` on a free loopback port; yields its URL."""
    entry, port = server_everything(), free_port()
    process = subprocess.Popen(["node", str(entry), transport], env={**os.environ, "PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(port, process, "server-everything")
        yield f"http://127.0.0.1:{port}" + ("/sse" if transport == "sse" else "/mcp")
    finally:
        stop(process, timeout=10)
