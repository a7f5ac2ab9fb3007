"""The bundled Kubernetes MCP server, run as a real stdio subprocess, against kmock: what it reads.
One warm server per module, a fresh kmock per test on the module's port (tests/kubemcp.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests import kubemcp
from tests.kubemcp import (
    LOG_TEXT,
    SERVER,
    Harness,
    make_crashing_pod,
    node,
    requests_with,
    started_with,
)

HARNESS = Harness()
pytestmark = HARNESS.marks
call = HARNESS.call
stop_servers, kubeconfig, cluster_env = HARNESS.fixtures()






















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
    assert f"cannot reach the Kubernetes API at http://127.0.0.1:{HARNESS.port}" in result.error


def test_tools_carry_read_only_and_destructive_hints(kubeconfig: Path) -> None:
    tools = {tool["name"]: tool for tool in HARNESS.sessions.list_tools(SERVER, env={"KUBECONFIG": str(kubeconfig)},
                                                                timeout=30)}

    reads = {"list_pods", "get_pod_logs", "describe_pod", "get_deployment", "list_events", "describe_node"}
    reads |= {"rollout_history", "list_namespaces", "get_pod", "list_nodes", "list_deployments", "list_services",
              "describe", "top_pods", "top_nodes", "rollout_status", "exec_readonly", "analyze_logs", "check_access"}
    reads |= {"list_contexts", "current_context"}
    mutations = {"rollout_restart", "scale_deployment", "set_resources", "cordon_node", "uncordon_node",
                 "rollout_undo", "update_image", "delete_pod", "drain_node", "label"}
    mutations |= {"patch_resource"}
    mutations |= {"delete_failed_pods"}
    reads |= {"list_hpas", "get_hpa"}
    mutations |= {"set_hpa_max_replicas"}
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
    out = subprocess.run([sys.executable, "-c", probe], cwd=kubemcp.REPO, capture_output=True, text=True, check=True)
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
