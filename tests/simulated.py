"""The simulated cluster (our kmock-based emulator) as a process of its own, for tests that need a cluster."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def simulated_cluster(tmp_path: Path, scenario: dict[str, Any]) -> Iterator[Path]:
    """Serve `scenario` (see simcluster/scenario.py) on a free port; yields the kubeconfig that reaches it."""
    scenario_file, kubeconfig = tmp_path / "scenario.yaml", tmp_path / "kubeconfig"
    scenario_file.write_text(yaml.safe_dump(scenario))
    process = subprocess.Popen([sys.executable, "-m", "simcluster", "--scenario", str(scenario_file), "--port", "0",
                                "--kubeconfig", str(kubeconfig)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not kubeconfig.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the simulated cluster did not start"
            time.sleep(0.05)
        yield kubeconfig
    finally:
        process.terminate()
        process.wait(timeout=15)


def read(kubeconfig: Path, path: str) -> dict[str, Any]:
    """GET one API path from the cluster the kubeconfig points at."""
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    with urllib.request.urlopen(f"{server}{path}", timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)
