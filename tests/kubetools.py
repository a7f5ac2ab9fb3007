"""Helpers for tests that call the bundled Kubernetes MCP server on the real control plane (realkube).

The server runs as the workers run it: `python -m mcp_bridge.servers.kubernetes` over stdio from
`.mcp-config.json`, on a warm session per environment (KUBECONFIG: the admin's, or a ServiceAccount token's)
held by the bridge's session manager.

Each test keeps to a namespace and nodes of its own. Its nodes are tainted, and its workloads tolerate the
taint and select their node, so no other test's pod lands there (a drain evicts only what is the test's own).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from kubernetes import client

from mcp_bridge.client import ToolResult
from mcp_bridge.config import get_server
from mcp_bridge.manager import SessionManager
from tests.helpers import eventually

ROOT = Path(__file__).resolve().parent.parent
SERVER = get_server("kubernetes", ROOT / ".mcp-config.json")
TAINT = "aiops.test/owner"


class Tools:
    """Calls on one warm session of the bundled server, for one KUBECONFIG."""

    def __init__(self, manager: SessionManager, kubeconfig: Path) -> None:
        self.manager, self.env = manager, {"KUBECONFIG": str(kubeconfig)}

    def __call__(self, tool: str, **arguments: Any) -> ToolResult:
        return self.manager.call_tool(SERVER, tool, arguments, env=self.env, timeout=60)


def failure(result: ToolResult) -> str:
    """What a person reads when a tool fails (the SDK puts "Error executing tool NAME: " before it)."""
    assert not result.ok, f"expected a failure, got: {result.text[:300]}"
    return re.sub(r"^Error executing tool \w+: ", "", result.error or "")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def namespace(kube: Any, prefix: str) -> str:
    """A namespace of the test's own."""
    name = unique(prefix)
    kube.kubectl("create", "namespace", name)
    return name


def apply(kube: Any, *objects: dict[str, Any]) -> None:
    kube.kubectl("apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)}))


def own_node(kube: Any, name: str) -> str:
    """A Ready node only this test's pods tolerate."""
    apply(kube, {"apiVersion": "v1", "kind": "Node",
                 "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
                 "spec": {"taints": [{"key": TAINT, "value": name, "effect": "NoSchedule"}]}})
    kube.sim("node", name)
    return name


def pod_template(app: str, node: str, image: str = "", memory: str = "128Mi") -> dict[str, Any]:
    return {"metadata": {"labels": {"app": app}},
            "spec": {"nodeSelector": {"kubernetes.io/hostname": node},
                     "tolerations": [{"key": TAINT, "operator": "Exists", "effect": "NoSchedule"}],
                     "containers": [{"name": "app", "image": image or f"registry.invalid/{app}:1",
                                     "resources": {"requests": {"cpu": "50m", "memory": memory},
                                                   "limits": {"memory": memory}}}]}}


def workload(kind: str, ns: str, name: str, node: str, replicas: int | None = 1, **spec: Any) -> dict[str, Any]:
    body = {"selector": {"matchLabels": {"app": name}}, "template": pod_template(name, node), **spec}
    if replicas is not None:
        body["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns}, "spec": body}


def pods_of(core: client.CoreV1Api, ns: str, app: str) -> list[client.V1Pod]:
    return [p for p in core.list_namespaced_pod(ns, label_selector=f"app={app}").items
            if not p.metadata.deletion_timestamp]


def deploy(kube: Any, core: client.CoreV1Api, ns: str, name: str, node: str, state: str = "running",
           replicas: int = 1) -> list[str]:
    """A Deployment whose pods the real controllers create and schedule on `node`; sim.py sets their state."""
    apply(kube, workload("Deployment", ns, name, node, replicas))
    eventually(lambda: len(pods_of(core, ns, name)) >= replicas, f"{replicas} pod(s) of {ns}/{name}")
    kube.sim("pods", ns, name, state, "--node", node)
    return sorted(p.metadata.name for p in pods_of(core, ns, name))


def replica_sets(apps: client.AppsV1Api, ns: str, name: str) -> dict[str, client.V1ReplicaSet]:
    return {rs.metadata.annotations.get("deployment.kubernetes.io/revision", ""): rs
            for rs in apps.list_namespaced_replica_set(ns).items
            if any(o.name == name for o in rs.metadata.owner_references or [])}
