"""The simulated cluster (our kmock-based emulator) as a process of its own, for tests that need a cluster."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import eventually, running, stop

ROOT = Path(__file__).resolve().parent.parent


def start_simcluster(kubeconfig: Path, *args: str, text: bool = False) -> subprocess.Popen[Any]:
    """`python -m simcluster ARGS` on a free port (stderr piped); returns once it has written `kubeconfig`,
    which it does once it listens."""
    command = [sys.executable, "-m", "simcluster", *args, "--port", "0", "--kubeconfig", str(kubeconfig)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=text)
    try:
        eventually(lambda: running(process, "simcluster") and kubeconfig.exists(), "the simulated cluster to start", 20)
    except BaseException:
        stop(process, timeout=5)
        raise
    return process


@contextmanager
def simulated_cluster(tmp_path: Path, scenario: dict[str, Any]) -> Iterator[Path]:
    """Serve `scenario` (see simcluster/scenario.py) on a free port; yields the kubeconfig that reaches it."""
    scenario_file, kubeconfig = tmp_path / "scenario.yaml", tmp_path / "kubeconfig"
    scenario_file.write_text(yaml.safe_dump(scenario))
    process = start_simcluster(kubeconfig, "--scenario", str(scenario_file))
    try:
        yield kubeconfig
    finally:
        stop(process)


def read(kubeconfig: Path, path: str) -> dict[str, Any]:
    """GET one API path from the cluster the kubeconfig points at."""
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    with urllib.request.urlopen(f"{server}{path}", timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)
