"""The bundled Kubernetes MCP server, run as a real stdio subprocess, against kmock: what it changes.
One warm server per module, a fresh kmock per test on the module's port (tests/kubemcp.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.kubemcp import (
    DEPLOYMENTS,
    RESTARTED_AT,
    Harness,
    make_crashing_pod,
    make_deployment,
    node,
    replica_set,
    requests_with,
    started_with,
    with_memory_limit,
)

HARNESS = Harness()
pytestmark = HARNESS.marks
call = HARNESS.call
stop_servers, kubeconfig, cluster_env = HARNESS.fixtures()


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
