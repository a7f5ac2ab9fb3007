"""The bundled Kubernetes MCP server's tests share this: the objects a shop namespace holds, and a harness per
test module. As in a worker, the server is started once and kept warm by the bridge's session manager: one
session per server definition and KUBECONFIG for the whole module. Each test has a fresh kmock, always on the
module's port, so the one kubeconfig stays right. kmock serves on the test's event loop while the manager runs
its own: calls go from a thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_bridge.client import ToolResult
from mcp_bridge.config import ServerConfig, get_server
from mcp_bridge.manager import SessionManager
from tests.helpers import free_port

REPO = Path(__file__).resolve().parent.parent
SERVER = get_server("kubernetes", REPO / ".mcp-config.json")
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
DEPLOYMENTS = "apps/v1/deployments"
LOG_TEXT = "booting shop-web\npanic: cannot connect to postgres:5432\n"


class Harness:
    """One test module's warm servers and the port its kmock listens on."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sessions = SessionManager()
        self.marks = [pytest.mark.kmock(port=self.port), pytest.mark.once]  # no database: one CI pass

    def fixtures(self) -> tuple[Any, Any, Any]:
        """The module's fixtures: its servers stopped at its end, `kubeconfig` for its port, `cluster_env`."""

        @pytest.fixture(scope="module", autouse=True)
        def stop_servers() -> Iterator[None]:
            yield
            self.sessions.close_all()

        @pytest.fixture(scope="module")
        def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Path:
            return write_kubeconfig(tmp_path_factory.mktemp("kmock") / "kubeconfig", f"http://127.0.0.1:{self.port}")

        @pytest.fixture
        def cluster_env(kmock: Any, kubeconfig: Path) -> dict[str, str]:
            return self.shop(kmock, kubeconfig)

        return stop_servers, kubeconfig, cluster_env

    def shop(self, kmock: Any, kubeconfig: Path) -> dict[str, str]:
        """A shop namespace with a deployment whose pod crash-loops; returns the env that targets it."""
        assert kmock.url.port == self.port
        kmock.objects[DEPLOYMENTS, "shop", "web"] = make_deployment()
        kmock.objects["v1/pods", "shop", "web-5d8f-abcde"] = make_crashing_pod()
        kmock.objects["v1/events", "shop", "ev-backoff"] = make_event(
            "ev-backoff", "Pod", "web-5d8f-abcde", "BackOff", "2026-01-01T10:05:00Z"
        )
        kmock.objects["v1/events", "shop", "ev-pulled"] = make_event(
            "ev-pulled", "Pod", "web-5d8f-abcde", "Pulled", "2026-01-01T10:04:00Z", type_="Normal"
        )
        kmock.objects["v1/events", "shop", "ev-probe"] = make_event(
            "ev-probe", "Pod", "db-0", "Unhealthy", "2026-01-01T10:06:00Z"
        )
        # kmock does not emulate pod logs: declare them.
        kmock["get", kmock.resource("v1/pods"), kmock.subresource("log")] << (lambda request: LOG_TEXT.encode())
        return {"KUBECONFIG": str(kubeconfig)}

    async def call(self, tool: str, arguments: dict[str, Any], env: dict[str, str],
                   server: ServerConfig = SERVER) -> ToolResult:
        return await asyncio.to_thread(self.sessions.call_tool, server, tool, arguments, env=env, timeout=30)


def started_with(*args: str) -> ServerConfig:
    """The bundled server with more command-line arguments (a session of its own)."""
    return dataclasses.replace(SERVER, args=(*SERVER.args, *args))


def requests_with(kmock: Any, method: str) -> list[Any]:
    return [request for request in kmock if request.method == method]


def make_deployment() -> dict[str, Any]:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "generation": 3},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "shop/web:1.4.2"}]},
            },
        },
        "status": {
            "replicas": 2,
            "readyReplicas": 1,
            "updatedReplicas": 2,
            "availableReplicas": 1,
            "observedGeneration": 3,
        },
    }


def make_crashing_pod() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-5d8f-abcde",
            "namespace": "shop",
            "labels": {"app": "web"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d8f",
                    "uid": "u1",
                    "controller": True,
                }
            ],
        },
        "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "shop/web:1.4.2"}]},
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.7",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            "containerStatuses": [
                {
                    "name": "web",
                    "image": "shop/web:1.4.2",
                    "ready": False,
                    "restartCount": 7,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}},
                    "lastState": {"terminated": {"reason": "Error", "exitCode": 1}},
                }
            ],
        },
    }


def make_event(name: str, kind: str, obj: str, reason: str, seen: str, type_: str = "Warning") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "shop"},
        "involvedObject": {"kind": kind, "name": obj, "namespace": "shop"},
        "type": type_,
        "reason": reason,
        "message": f"{reason} for {obj}",
        "count": 3,
        "lastTimestamp": seen,
    }


def write_kubeconfig(path: Path, server: str) -> Path:
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "kmock", "cluster": {"server": server}}],
                "users": [{"name": "tester", "user": {"token": "test-token"}}],
                "contexts": [{"name": "kmock", "context": {"cluster": "kmock", "user": "tester"}}],
                "current-context": "kmock",
            }
        )
    )
    return path


def with_memory_limit(limit: str | None) -> dict[str, Any]:
    deployment = make_deployment()
    sidecar = {"name": "proxy", "image": "envoy:1.30"}
    web = deployment["spec"]["template"]["spec"]["containers"][0]
    if limit:
        web["resources"] = {"limits": {"memory": limit, "cpu": "1"}, "requests": {"memory": "128Mi"}}
    deployment["spec"]["template"]["spec"]["containers"] = [sidecar, web]
    return deployment


def replica_set(revision: int, image: str, owner: str = "web") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"{owner}-rev{revision}", "namespace": "shop",
                     "annotations": {"deployment.kubernetes.io/revision": str(revision)},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner,
                                          "uid": "d1", "controller": True}]},
        "spec": {"replicas": 0, "template": {
            "metadata": {"labels": {"app": owner, "pod-template-hash": f"h{revision}"}},
            "spec": {"containers": [{"name": "web", "image": image}]}}},
    }


def node(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "spec": spec,
            "metadata": {"name": name, "labels": {"node-role.kubernetes.io/worker": ""}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.31.2"},
                       "allocatable": {"cpu": "4", "memory": "16Gi"}}}
