"""Third-party peers the tests talk to: MCP servers fetched from npm once per machine (pinned), and Debian's
Prometheus tools (prometheus-alertmanager, amtool, promtool)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from tests.helpers import free_port, stop, wait_listening

EVERYTHING = "@modelcontextprotocol/server-everything"
EVERYTHING_VERSION = "2026.8.31"
PEERS_DIR = Path(tempfile.gettempdir()) / "aiops-test-peers" / f"server-everything-{EVERYTHING_VERSION}"


def npm_install(folder: Path, package: str, version: str, entry: Path) -> Path:
    """`entry` (a file of `package`@`version`), installed with npm into `folder` on first use; the caller made sure
    node and npm are there."""
    if entry.exists():
        return entry
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder),
                             f"{package}@{version}"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not entry.exists():
        pytest.fail(f"npm install {package}@{version} failed:\n{result.stdout}\n{result.stderr}")
    return entry


def server_everything() -> Path:
    """dist/index.js of the pinned server-everything, installed with npm on first use."""
    entry = PEERS_DIR / "node_modules" / EVERYTHING / "dist" / "index.js"
    if not entry.exists() and (shutil.which("npm") is None or shutil.which("node") is None):
        if os.environ.get("AIOPS_REQUIRE_MCP_PEERS"):
            pytest.fail("AIOPS_REQUIRE_MCP_PEERS is set but node/npm are missing (apt-get install nodejs npm)")
        pytest.skip("node and npm are needed for @modelcontextprotocol/server-everything")
    return npm_install(PEERS_DIR, EVERYTHING, EVERYTHING_VERSION, entry)


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


def prometheus_tool(name: str) -> str:
    """Path of a Debian Prometheus binary (prometheus, promtool, prometheus-alertmanager, amtool); skips or fails
    without it."""
    path = shutil.which(name) or (shutil.which("alertmanager") if name == "prometheus-alertmanager" else None)
    if path is None:
        package = "prometheus" if name in {"promtool", "prometheus"} else "prometheus-alertmanager"
        if os.environ.get("AIOPS_REQUIRE_ALERTMANAGER"):
            pytest.fail(f"AIOPS_REQUIRE_ALERTMANAGER is set but {name} is not installed (apt-get install {package})")
        pytest.skip(f"Debian's {name} is not installed (apt-get install {package})")
    return path


@contextmanager
def run_alertmanager(config: dict, workdir: Path) -> Iterator[str]:
    """Debian's real Alertmanager with `config`, on a free loopback port, alone (no gossip); yields its URL."""
    binary = prometheus_tool("prometheus-alertmanager")
    (workdir / "alertmanager.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary, f"--config.file={workdir / 'alertmanager.yml'}", f"--storage.path={workdir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", f"--web.external-url={url}"],
        stdout=subprocess.DEVNULL, stderr=(workdir / "alertmanager.log").open("wb"),
    )
    try:
        wait_listening(port, process, "alertmanager")
        yield url
    finally:
        stop(process, timeout=10)


@contextmanager
def run_prometheus(config: dict, workdir: Path, *, web_config: dict | None = None,
                   history: str = "") -> Iterator[str]:
    """Debian's real Prometheus with `config` on a free loopback port; yields its URL.

    `history`: samples in the OpenMetrics text format (with timestamps, ending in `# EOF`), written into its
    storage with `promtool tsdb create-blocks-from openmetrics` before it starts: past data without waiting for
    scrapes. `web_config`: its --web.config.file (e.g. basic_auth_users, bcrypt hashes)."""
    binary = prometheus_tool("prometheus")
    storage = workdir / "data"
    storage.mkdir(parents=True, exist_ok=True)
    if history:
        (workdir / "history.om").write_text(history)
        made = subprocess.run([prometheus_tool("promtool"), "tsdb", "create-blocks-from", "openmetrics",
                               str(workdir / "history.om"), str(storage)], capture_output=True, text=True)
        assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    config = {**config, "scrape_configs": [
        {**job, "static_configs": [{"targets": [f"127.0.0.1:{port}" if t == "self" else t
                                                for t in sc["targets"]]} for sc in job["static_configs"]]}
        for job in config.get("scrape_configs", [])]}
    (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
    arguments = [binary, f"--config.file={workdir / 'prometheus.yml'}", f"--storage.tsdb.path={storage}",
                 f"--web.listen-address=127.0.0.1:{port}"]
    if web_config is not None:
        (workdir / "web.yml").write_text(yaml.safe_dump(web_config))
        arguments.append(f"--web.config.file={workdir / 'web.yml'}")
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=(workdir / "prometheus.log").open("wb"))
    try:
        wait_listening(port, process, "prometheus")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, timeout=10)
