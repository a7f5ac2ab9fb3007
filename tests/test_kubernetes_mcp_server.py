"""The bundled Kubernetes MCP server, run as a real stdio subprocess, against kmock.

As in a worker, the server is started once and kept warm by the bridge's session manager: one session per
server definition and KUBECONFIG for the whole module. Each test has a fresh kmock, always on the module's
port, so the one kubeconfig stays right. kmock serves on the test's event loop while the manager runs its
own: call it from a thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mcp_bridge.client import ToolResult
from mcp_bridge.config import ServerConfig, get_server
from mcp_bridge.manager import SessionManager
from tests.helpers import free_port

REPO = Path(__file__).resolve().parent.parent
SERVER = get_server("kubernetes", REPO / ".mcp-config.json")
SESSIONS = SessionManager()  # this module's warm servers
PORT = free_port()  # every test's kmock listens here
pytestmark = [pytest.mark.kmock(port=PORT), pytest.mark.once]  # no database: one CI pass
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
DEPLOYMENTS = "apps/v1/deployments"
LOG_TEXT = "booting shop-web\npanic: cannot connect to postgres:5432\n"


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


@pytest.fixture(scope="module", autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    SESSIONS.close_all()


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kubeconfig(tmp_path_factory.mktemp("kmock") / "kubeconfig", f"http://127.0.0.1:{PORT}")


@pytest.fixture
def cluster_env(kmock: Any, kubeconfig: Path) -> dict[str, str]:
    """A shop namespace with a deployment whose pod crash-loops; returns the env that targets it."""
    assert kmock.url.port == PORT
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


async def call(tool: str, arguments: dict[str, Any], env: dict[str, str], server: ServerConfig = SERVER) -> ToolResult:
    return await asyncio.to_thread(SESSIONS.call_tool, server, tool, arguments, env=env, timeout=30)


def started_with(*args: str) -> ServerConfig:
    """The bundled server with more command-line arguments (a session of its own)."""
    return dataclasses.replace(SERVER, args=(*SERVER.args, *args))


def requests_with(kmock: Any, method: str) -> list[Any]:
    return [request for request in kmock if request.method == method]


async def test_list_pods_shows_the_crash_looping_pod(cluster_env: dict[str, str]) -> None:
    result = await call("list_pods", {"namespace": "shop"}, cluster_env)

    assert result.ok, result.error
    assert json.loads(result.text) == result.structured["pods"]
    assert result.structured["pods"] == [
        {
            "name": "web-5d8f-abcde",
            "namespace": "shop",
            "phase": "Running",
            "ready": "0/1",
            "restarts": 7,
            "waiting_reason": "CrashLoopBackOff",
            "node": "node-1",
            "owner": "ReplicaSet/web-5d8f",
        }
    ]


async def test_get_pod_logs_returns_the_log_text(kmock: Any, cluster_env: dict[str, str]) -> None:
    arguments = {"namespace": "shop", "name": "web-5d8f-abcde", "tail_lines": 20, "previous": True}
    result = await call("get_pod_logs", arguments, cluster_env)

    assert result.ok, result.error
    assert result.text == LOG_TEXT
    [request] = [r for r in requests_with(kmock, "GET") if r.url.path.endswith("/log")]
    assert request.url.path == "/api/v1/namespaces/shop/pods/web-5d8f-abcde/log"
    assert request.params == {"tailLines": "20", "previous": "true"}


async def test_describe_pod_gives_states_conditions_and_only_its_events(cluster_env: dict[str, str]) -> None:
    result = await call("describe_pod", {"namespace": "shop", "name": "web-5d8f-abcde"}, cluster_env)

    assert result.ok, result.error
    pod = result.structured
    assert pod["conditions"] == [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]
    [container] = pod["containers"]
    assert container["state"] == {
        "state": "waiting",
        "reason": "CrashLoopBackOff",
        "message": "back-off 5m0s restarting",
    }
    assert container["last_state"] == {"state": "terminated", "reason": "Error", "exitCode": 1}
    assert [e["reason"] for e in pod["events"]] == ["BackOff", "Pulled"]  # newest first, not db-0's


async def test_get_deployment_summarises_replicas_and_images(cluster_env: dict[str, str]) -> None:
    result = await call("get_deployment", {"namespace": "shop", "name": "web"}, cluster_env)

    assert result.ok, result.error
    assert result.structured | {"conditions": []} == {
        "name": "web",
        "namespace": "shop",
        "replicas": 2,
        "ready": 1,
        "updated": 2,
        "available": 1,
        "unavailable": 0,
        "images": {"web": "shop/web:1.4.2"},
        "restarted_at": None,
        "paused": False,
        "generation": 3,
        "observed_generation": 3,
        "conditions": [],
    }


async def test_rollout_restart_sends_what_kubectl_sends(kmock: Any, cluster_env: dict[str, str]) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = await call("rollout_restart", {"namespace": "shop", "name": "web"}, cluster_env)

    assert result.ok, result.error
    stamp = result.structured["restarted_at"]
    assert (
        before <= datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) <= before + timedelta(seconds=30)
    )
    assert stamp in result.text
    [patch] = requests_with(kmock, "PATCH")
    assert patch.url.path == "/apis/apps/v1/namespaces/shop/deployments/web"
    assert patch.headers["Content-Type"] == "application/strategic-merge-patch+json"
    assert patch.data == {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
    deployment = kmock.objects[DEPLOYMENTS, "shop", "web"]
    assert deployment["spec"]["template"]["metadata"]["annotations"] == {RESTARTED_AT: stamp}
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "web"}}


async def test_scale_deployment_patches_the_scale_subresource(kmock: Any, cluster_env: dict[str, str]) -> None:
    result = await call("scale_deployment", {"namespace": "shop", "name": "web", "replicas": 0}, cluster_env)

    assert result.ok, result.error
    assert result.text == "deployment shop/web scaled from 2 to 0 replicas"
    [patch] = requests_with(kmock, "PATCH")
    assert patch.url.path == "/apis/apps/v1/namespaces/shop/deployments/web/scale"
    assert patch.data == {"spec": {"replicas": 0}}
    assert kmock.objects[DEPLOYMENTS, "shop", "web"]["spec"]["replicas"] == 0


def with_memory_limit(limit: str | None) -> dict[str, Any]:
    deployment = make_deployment()
    sidecar = {"name": "proxy", "image": "envoy:1.30"}
    web = deployment["spec"]["template"]["spec"]["containers"][0]
    if limit:
        web["resources"] = {"limits": {"memory": limit, "cpu": "1"}, "requests": {"memory": "128Mi"}}
    deployment["spec"]["template"]["spec"]["containers"] = [sidecar, web]
    return deployment


async def test_set_resources_raises_the_memory_limit_of_one_container(kmock: Any, cluster_env: dict[str, str]) -> None:
    kmock.objects[DEPLOYMENTS, "shop", "web"] = with_memory_limit("256Mi")
    result = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web",
                                          "memory_limit_factor": 1.5}, cluster_env)

    assert result.ok, result.error
    assert result.structured["changes"] == {"limits.memory": {"before": "256Mi", "after": "384Mi"}}
    assert "limits.memory 256Mi -> 384Mi" in result.text
    [patch] = requests_with(kmock, "PATCH")
    assert patch.headers["Content-Type"] == "application/json-patch+json"
    sidecar, web = kmock.objects[DEPLOYMENTS, "shop", "web"]["spec"]["template"]["spec"]["containers"]
    assert sidecar == {"name": "proxy", "image": "envoy:1.30"}
    assert web["image"] == "shop/web:1.4.2"
    assert web["resources"] == {"limits": {"memory": "384Mi", "cpu": "1"}, "requests": {"memory": "128Mi"}}


async def test_set_resources_respects_the_ceiling_and_refuses_nonsense(kmock: Any, cluster_env: dict[str, str]) -> None:
    kmock.objects[DEPLOYMENTS, "shop", "web"] = with_memory_limit("3Gi")
    capped = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web",
                                          "memory_limit_factor": 2, "max_memory_limit": "4Gi"}, cluster_env)
    at_ceiling = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web",
                                              "memory_limit_factor": 2, "max_memory_limit": "4Gi"}, cluster_env)
    no_container = await call("set_resources", {"namespace": "shop", "name": "web", "container": "db",
                                                "memory_limit": "1Gi"}, cluster_env)
    bad_quantity = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web",
                                                "cpu_limit": "lots"}, cluster_env)
    nothing = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web"}, cluster_env)

    assert capped.ok, capped.error
    assert capped.structured["changes"]["limits.memory"]["after"] == "4096Mi"
    assert not at_ceiling.ok and "already at or above the ceiling 4Gi" in at_ceiling.error
    assert not no_container.ok and "has no container 'db' (it has: proxy, web)" in no_container.error
    assert not bad_quantity.ok and "'lots' is not a Kubernetes quantity" in bad_quantity.error
    assert not nothing.ok and "nothing to set" in nothing.error
    assert len(requests_with(kmock, "PATCH")) == 1


async def test_set_resources_without_a_limit_to_raise_says_so(kmock: Any, cluster_env: dict[str, str]) -> None:
    kmock.objects[DEPLOYMENTS, "shop", "web"] = with_memory_limit(None)
    result = await call("set_resources", {"namespace": "shop", "name": "web", "container": "web",
                                          "memory_limit_factor": 1.5}, cluster_env)

    assert not result.ok and "has no memory limit to raise" in result.error
    assert requests_with(kmock, "PATCH") == []


async def test_cordon_and_uncordon_a_node(kmock: Any, cluster_env: dict[str, str]) -> None:
    kmock.objects["v1/nodes", None, "node-1"] = {
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}, "spec": {},
        "status": {"conditions": [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"}],
                   "allocatable": {"cpu": "4", "memory": "16Gi"}},
    }
    cordon = await call("cordon_node", {"name": "node-1"}, cluster_env)
    again = await call("cordon_node", {"name": "node-1"}, cluster_env)
    described = await call("describe_node", {"name": "node-1"}, cluster_env)
    uncordon = await call("uncordon_node", {"name": "node-1"}, cluster_env)
    missing = await call("cordon_node", {"name": "node-9"}, cluster_env)

    assert cordon.ok and cordon.text == "node node-1 cordoned"
    assert again.ok and again.text == "node node-1 was already cordoned"
    assert described.structured["unschedulable"] is True
    assert described.structured["conditions"] == [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"}]
    assert uncordon.ok and uncordon.structured == {"name": "node-1", "unschedulable": False, "changed": True}
    assert not kmock.objects["v1/nodes", None, "node-1"]["spec"].get("unschedulable")
    assert not missing.ok and "node node-9 not found" in missing.error
    assert len(requests_with(kmock, "PATCH")) == 2


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


async def test_rollout_undo_goes_back_to_the_previous_revision(kmock: Any, cluster_env: dict[str, str]) -> None:
    deployment = make_deployment()
    deployment["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "3"}
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = "shop/web:1.5.0"
    kmock.objects[DEPLOYMENTS, "shop", "web"] = deployment
    for revision, image in [(1, "shop/web:1.4.1"), (2, "shop/web:1.4.2"), (3, "shop/web:1.5.0")]:
        kmock.objects["apps/v1/replicasets", "shop", f"web-rev{revision}"] = replica_set(revision, image)
    kmock.objects["apps/v1/replicasets", "shop", "db-rev7"] = replica_set(7, "postgres:16", owner="db")

    history = await call("rollout_history", {"namespace": "shop", "name": "web"}, cluster_env)
    undo = await call("rollout_undo", {"namespace": "shop", "name": "web"}, cluster_env)
    to_first = await call("rollout_undo", {"namespace": "shop", "name": "web", "to_revision": 1}, cluster_env)
    missing = await call("rollout_undo", {"namespace": "shop", "name": "web", "to_revision": 9}, cluster_env)

    assert [r["revision"] for r in history.structured["revisions"]] == [3, 2, 1]
    assert undo.ok, undo.error
    assert undo.text == "deployment shop/web rolled back to revision 2 (shop/web:1.4.2)"
    assert to_first.ok and to_first.structured["revision"] == 1
    assert not missing.ok and "has no revision 9 to roll back to (revisions: 3, 2, 1)" in missing.error
    first_patch = requests_with(kmock, "PATCH")[0]
    assert first_patch.data == [{"op": "replace", "path": "/spec/template", "value": {
        "metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "shop/web:1.4.2"}]}}}]
    template = kmock.objects[DEPLOYMENTS, "shop", "web"]["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == "shop/web:1.4.1"


async def test_read_only_server_refuses_mutations(kmock: Any, cluster_env: dict[str, str]) -> None:
    config = started_with("--read-only")

    restart = await call("rollout_restart", {"namespace": "shop", "name": "web"}, cluster_env, config)
    scale = await call("scale_deployment", {"namespace": "shop", "name": "web", "replicas": 5}, cluster_env, config)
    read = await call("get_deployment", {"namespace": "shop", "name": "web"}, cluster_env, config)

    assert not restart.ok and "read-only" in restart.text
    assert not scale.ok and "read-only" in scale.text
    assert read.ok, read.error
    assert requests_with(kmock, "PATCH") == []
    assert kmock.objects[DEPLOYMENTS, "shop", "web"]["spec"]["replicas"] == 2


async def test_missing_deployment_is_a_clear_tool_error(kmock: Any, cluster_env: dict[str, str]) -> None:
    read = await call("get_deployment", {"namespace": "shop", "name": "nope"}, cluster_env)
    restart = await call("rollout_restart", {"namespace": "shop", "name": "nope"}, cluster_env)

    assert not read.ok and "deployment shop/nope not found" in read.error
    assert not restart.ok and "deployment shop/nope not found" in restart.error
    assert requests_with(kmock, "PATCH") == []


async def test_list_events_returns_warnings_newest_first(cluster_env: dict[str, str]) -> None:
    warnings = await call("list_events", {"namespace": "shop"}, cluster_env)
    everything = await call("list_events", {"warnings_only": False, "limit": 2}, cluster_env)

    assert warnings.ok, warnings.error
    assert [(e["reason"], e["object"]) for e in warnings.structured["events"]] == [
        ("Unhealthy", "Pod/db-0"),
        ("BackOff", "Pod/web-5d8f-abcde"),
    ]
    assert [e["reason"] for e in everything.structured["events"]] == ["Unhealthy", "BackOff"]


async def test_unreachable_api_is_a_tool_error_not_a_crash(kubeconfig: Path) -> None:
    # No kmock in this test: nothing listens on the module's port.
    result = await call("list_pods", {}, {"KUBECONFIG": str(kubeconfig)})

    assert not result.ok
    assert f"cannot reach the Kubernetes API at http://127.0.0.1:{PORT}" in result.error


def test_tools_carry_read_only_and_destructive_hints(kubeconfig: Path) -> None:
    tools = {tool["name"]: tool for tool in SESSIONS.list_tools(SERVER, env={"KUBECONFIG": str(kubeconfig)},
                                                                timeout=30)}

    reads = {"list_pods", "get_pod_logs", "describe_pod", "get_deployment", "list_events", "describe_node"}
    reads |= {"rollout_history", "list_namespaces", "get_pod", "list_nodes", "list_deployments", "list_services",
              "describe", "top_pods", "top_nodes", "rollout_status", "exec_readonly", "analyze_logs"}
    mutations = {"rollout_restart", "scale_deployment", "set_resources", "cordon_node", "uncordon_node",
                 "rollout_undo", "update_image", "delete_pod", "drain_node", "label"}
    assert set(tools) == reads | mutations
    assert all(tools[name]["annotations"]["read_only_hint"] is False for name in mutations)
    assert all(tools[name]["annotations"]["read_only_hint"] is True for name in reads)
    assert tools["rollout_restart"]["annotations"]["destructive_hint"] is True
    assert tools["scale_deployment"]["input_schema"]["properties"]["replicas"]["minimum"] == 0


def test_server_module_does_not_import_django_or_the_kubernetes_api_at_start() -> None:
    probe = (
        "import sys, mcp_bridge.servers.kubernetes as k; k.build_server(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'kubernetes')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_forbidden_requests_report_the_api_message(kmock: Any, cluster_env: dict[str, str]) -> None:
    status = {"kind": "Status", "code": 403, "message": 'pods "web-5d8f-abcde" is forbidden: no RBAC'}
    kmock["get", kmock.resource("v1/pods"), kmock.name("web-5d8f-abcde")] << 403 << status

    result = await call("describe_pod", {"namespace": "shop", "name": "web-5d8f-abcde"}, cluster_env)

    assert not result.ok
    assert 'access to pod shop/web-5d8f-abcde denied (HTTP 403): pods "web-5d8f-abcde" is forbidden' in result.error


async def test_without_kubeconfig_outside_a_cluster_the_tool_says_so() -> None:
    result = await call("list_pods", {}, {"KUBECONFIG": "", "KUBE_CONTEXT": ""})

    assert not result.ok
    assert "cannot load Kubernetes in-cluster config (no KUBECONFIG)" in result.error


def node(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "spec": spec,
            "metadata": {"name": name, "labels": {"node-role.kubernetes.io/worker": ""}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.31.2"},
                       "allocatable": {"cpu": "4", "memory": "16Gi"}}}


async def test_the_read_tools_summarise_what_kubectl_shows(kmock: Any, cluster_env: dict[str, str]) -> None:
    # Not list_namespaces: kmock 0.8 answers GET /api/v1/namespaces with a 500 from its own path parser.
    kmock.objects["v1/nodes", None, "node-1"] = node("node-1", unschedulable=True)
    kmock.objects["v1/services", "shop", "web"] = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.9", "selector": {"app": "web"},
                 "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}}
    kmock.objects["v1/configmaps", "shop", "web-config"] = {
        "metadata": {"name": "web-config", "namespace": "shop"}, "data": {"DATABASE_HOST": "db", "LOG": "info"}}

    pod = await call("get_pod", {"namespace": "shop", "name": "web-5d8f-abcde"}, cluster_env)
    nodes = await call("list_nodes", {}, cluster_env)
    deployments = await call("list_deployments", {"namespace": "shop"}, cluster_env)
    services = await call("list_services", {}, cluster_env)
    config = await call("describe", {"kind": "configmap", "name": "web-config", "namespace": "shop"}, cluster_env)
    deployment = await call("describe", {"kind": "Deployment", "name": "web", "namespace": "shop"}, cluster_env)
    secret = await call("describe", {"kind": "Secret", "name": "db", "namespace": "shop"}, cluster_env)
    status = await call("rollout_status", {"namespace": "shop", "name": "web"}, cluster_env)
    top = await call("top_nodes", {}, cluster_env)

    assert pod.structured["containers"] == [{"name": "web", "image": "shop/web:1.4.2"}]
    assert nodes.structured["nodes"] == [{"name": "node-1", "ready": "True", "unschedulable": True,
                                          "roles": ["worker"], "kubelet_version": "v1.31.2", "cpu": "4",
                                          "memory": "16Gi"}]
    assert [d["name"] for d in deployments.structured["deployments"]] == ["web"]
    assert services.structured["services"][0]["ports"] == [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]
    assert config.structured["data_keys"] == ["DATABASE_HOST", "LOG"] and "info" not in config.text
    assert deployment.structured["spec"]["replicas"] == 2
    assert not secret.ok and "Secrets are not described" in secret.error
    assert status.structured["state"] == "progressing" and "1 of 2 updated replicas are available" in status.text
    assert not top.ok and "metrics API is not available" in top.error


async def test_analyze_logs_reads_current_and_previous_logs(cluster_env: dict[str, str]) -> None:
    result = await call("analyze_logs", {"namespace": "shop", "name": "web-5d8f-abcde"}, cluster_env)

    assert result.ok, result.error
    assert result.structured["current"]["findings"][0]["pattern"] == "go_panic"
    assert result.structured["previous"]["top_category"] == "application_crash"
    assert "go_panic x1 (application_crash)" in result.text


async def test_update_image_and_delete_pod(kmock: Any, cluster_env: dict[str, str]) -> None:
    image = await call("update_image", {"namespace": "shop", "name": "web", "container": "web",
                                        "image": "shop/web:1.4.3"}, cluster_env)
    wrong = await call("update_image", {"namespace": "shop", "name": "web", "container": "db",
                                        "image": "x:1"}, cluster_env)
    deleted = await call("delete_pod", {"namespace": "shop", "name": "web-5d8f-abcde"}, cluster_env)

    assert image.ok and image.text == "deployment shop/web container web: image shop/web:1.4.2 -> shop/web:1.4.3"
    template = kmock.objects[DEPLOYMENTS, "shop", "web"]["spec"]["template"]["spec"]["containers"][0]
    assert template["image"] == "shop/web:1.4.3"
    assert not wrong.ok and "has no container 'db'" in wrong.error
    assert deleted.ok and ("v1/pods", "shop", "web-5d8f-abcde") not in kmock.objects


async def test_drain_evicts_all_but_daemonset_pods_through_the_eviction_api(kmock: Any,
                                                                             cluster_env: dict[str, str]) -> None:
    kmock.objects["v1/nodes", None, "node-1"] = node("node-1")
    agent = make_crashing_pod()
    agent["metadata"] |= {"name": "agent-x", "ownerReferences": [{"kind": "DaemonSet", "name": "agent",
                                                                  "controller": True}]}
    kmock.objects["v1/pods", "shop", "agent-x"] = agent
    evictions: list[Any] = []
    kmock["post", kmock.resource("v1/pods"), kmock.subresource("eviction")] << (
        lambda request: evictions.append(request.data) or {"kind": "Status", "status": "Success"})

    result = await call("drain_node", {"name": "node-1"}, cluster_env)

    assert result.ok, result.error
    assert result.structured["evicted"] == ["shop/web-5d8f-abcde"] and result.structured["kept"] == ["shop/agent-x"]
    assert [e["metadata"]["name"] for e in evictions] == ["web-5d8f-abcde"]
    assert kmock.objects["v1/nodes", None, "node-1"]["spec"]["unschedulable"] is True


async def test_label_and_exec_allow_list(kmock: Any, cluster_env: dict[str, str]) -> None:
    labelled = await call("label", {"kind": "Deployment", "name": "web", "namespace": "shop",
                                    "labels": {"team": "checkout", "app": None}}, cluster_env)
    refused = await call("exec_readonly", {"namespace": "shop", "name": "web-5d8f-abcde",
                                           "command": "cat /etc/shadow"}, cluster_env)
    shell = await call("exec_readonly", {"namespace": "shop", "name": "web-5d8f-abcde",
                                         "command": "nslookup db; rm -rf /"}, cluster_env)

    assert labelled.ok, labelled.error
    assert kmock.objects[DEPLOYMENTS, "shop", "web"]["metadata"]["labels"] == {"team": "checkout"}
    assert not refused.ok and "not an allowed read-only command" in refused.error
    assert not shell.ok and "not an allowed read-only command" in shell.error


async def test_allowed_namespaces_confine_reads_and_changes(kmock: Any, cluster_env: dict[str, str]) -> None:
    kmock.objects["v1/pods", "billing", "invoice-1"] = {**make_crashing_pod(),
                                                         "metadata": {"name": "invoice-1", "namespace": "billing"}}
    kmock.objects["v1/nodes", None, "node-1"] = node("node-1")
    config = started_with("--allowed-namespaces", "shop")

    pods = await call("list_pods", {}, cluster_env, config)
    other = await call("describe_pod", {"namespace": "billing", "name": "invoice-1"}, cluster_env, config)
    cordon = await call("cordon_node", {"name": "node-1"}, cluster_env, config)

    assert [p["name"] for p in pods.structured["pods"]] == ["web-5d8f-abcde"]
    assert not other.ok and "namespace 'billing' is not allowed (allowed: shop)" in other.error
    assert not cordon.ok and "affects every namespace" in cordon.error
    assert requests_with(kmock, "PATCH") == []
