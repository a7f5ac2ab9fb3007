"""A real Kubernetes control plane for the tests: kube-apiserver, controller manager and scheduler (v1.28) on
Debian's etcd, on free loopback ports, from the `realkube` peer (`../shared/realkube`, or AIOPS_REALKUBE_DIR).

One control plane serves the whole test session (about 5 s to start); each test keeps to namespaces and node
names of its own. `sim.py` plays the kubelet (node and pod status, warning events, logs). Everything started
is stopped by the pids start.sh recorded, and its state is wiped.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubernetes import client, config

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
# Binaries unpacked once per machine (install.sh is idempotent), shared by every session's control plane.
CACHE = Path(tempfile.gettempdir()) / "aiops-test-peers" / "realkube"


def realkube_dir() -> Path | None:
    """Where the realkube peer's scripts are: AIOPS_REALKUBE_DIR, else beside the project's checkout."""
    candidates = [os.environ.get("AIOPS_REALKUBE_DIR", ""), str(ROOT.parent / "shared" / "realkube"),
                  "/work/shared/realkube"]
    return next((Path(c) for c in candidates if c and (Path(c) / "start.sh").is_file()), None)


@dataclass
class RealKube:
    scripts: Path
    home: Path
    api_port: int
    etcd_port: int
    kubelet_port: int

    @property
    def kubeconfig(self) -> Path:
        return self.home / "run" / "kubeconfig"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "REALKUBE_HOME": str(self.home), "REALKUBE_API_PORT": str(self.api_port),
                "REALKUBE_ETCD_PORT": str(self.etcd_port), "REALKUBE_FAKE_KUBELET_PORT": str(self.kubelet_port),
                # etcd progress notifications every 5 s: the watch cache sends BOOKMARKs about once a minute
                "REALKUBE_ETCD_PROGRESS": "5s", "KUBECONFIG": str(self.kubeconfig)}

    def _run(self, argv: list[str], *, stdin: str | None = None, timeout: float = 120) -> str:
        result = subprocess.run(argv, env=self.env, input=stdin, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(argv[:4])} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result.stdout

    def script(self, name: str, *args: str) -> str:
        return self._run(["bash", str(self.scripts / name), *args])

    def sim(self, *args: str) -> str:
        """`sim.py ARGS`: node, deploy, pods, hungry, event, logs, reap, get (see the peer's README)."""
        return self._run(["python3", str(self.scripts / "sim.py"), *args])

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        return self._run(["kubectl", "--kubeconfig", str(self.kubeconfig), *args], stdin=stdin)

    def get(self, path: str) -> dict[str, Any]:
        return json.loads(self.sim("get", path))

    def api(self) -> client.ApiClient:
        return self.api_for(self.kubeconfig)

    def api_for(self, kubeconfig: Path) -> client.ApiClient:
        """A client with the credentials of that kubeconfig (e.g. a ServiceAccount's token)."""
        return config.new_client_from_config(config_file=str(kubeconfig))

    def stop_apiserver(self) -> None:
        self.script("stop.sh", "apiserver")

    def start_apiserver(self) -> None:
        self.script("start.sh", "apiserver")

    def compact(self, *, advance: bool = False) -> int:
        """Compact etcd's history up to its current revision (older resourceVersions answer 410); returns it.

        `advance`: write a key outside the API server's prefix first, so the compacted revision is newer
        than any resourceVersion a client may hold (with the API server stopped, none can catch up)."""
        etcdctl = ["etcdctl", "--endpoints", f"127.0.0.1:{self.etcd_port}"]
        if advance:
            self._run([*etcdctl, "put", "aiops-tests/revision", str(time.time())])
        status = json.loads(self._run([*etcdctl, "endpoint", "status", "-w", "json"]))
        revision = int(status[0]["Status"]["header"]["revision"])
        self._run([*etcdctl, "compact", str(revision), "--physical"])
        return revision

    def service_account_kubeconfig(self, namespace: str, name: str, path: Path, *, hours: int = 2) -> Path:
        """A kubeconfig holding a real token of that ServiceAccount (`kubectl create token`)."""
        token = self.kubectl("create", "token", name, "-n", namespace, "--duration", f"{hours}h").strip()
        admin = self.kubeconfig.read_text()
        head = admin.split("users:")[0]
        path.write_text(f"{head}users:\n- name: {name}\n  user:\n    token: {token}\ncontexts:\n"
                        f"- name: realkube\n  context: {{cluster: realkube, user: {name}}}\n"
                        "current-context: realkube\n")
        path.chmod(0o600)
        return path


class RealKubeMissing(Exception):
    """The realkube peer is not on this machine."""


def _install(scripts: Path) -> Path:
    """Unpack the binaries once per machine (checksums checked by install.sh); Debian's etcd and kubectl too."""
    result = subprocess.run(["bash", str(scripts / "install.sh")], env={**os.environ, "REALKUBE_HOME": str(CACHE)},
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"realkube install.sh failed:\n{result.stdout}\n{result.stderr}")
    return CACHE / "bin"


def _free_port_pair() -> int:
    """A free port whose successor is free too (etcd's client and peer ports)."""
    while True:
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


@contextmanager
def running_realkube() -> Iterator[RealKube]:
    """A control plane on free ports, stopped by pid and wiped afterwards. Raises `RealKubeMissing`."""
    scripts = realkube_dir()
    if scripts is None:
        raise RealKubeMissing("the realkube peer (a real kube-apiserver) is not on this machine: "
                              "set AIOPS_REALKUBE_DIR to its folder")
    binaries = _install(scripts)
    home = Path(tempfile.mkdtemp(prefix="aiops-realkube-"))
    (home / "bin").symlink_to(binaries)
    kube = RealKube(scripts=scripts, home=home, api_port=free_port(), etcd_port=_free_port_pair(),
                    kubelet_port=free_port())
    try:
        kube.script("start.sh")
        yield kube
    finally:
        subprocess.run(["bash", str(scripts / "stop.sh"), "--wipe"], env=kube.env, capture_output=True, timeout=120)
        shutil.rmtree(home, ignore_errors=True)
