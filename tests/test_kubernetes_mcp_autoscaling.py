"""The bundled Kubernetes MCP server's autoscaler tools (list_hpas, get_hpa, set_hpa_max_replicas), run as a real
stdio subprocess against kmock: what they read, what they change, and what they refuse. The scale-up playbook runs
them end to end on the simulated cluster and on a real API server (test_default_playbooks, test_realkube_playbooks).
"""

from __future__ import annotations

from typing import Any

from tests.kubemcp import Harness, requests_with, started_with
from tests.kubeobjects import make_hpa

HARNESS = Harness()
pytestmark = HARNESS.marks
call = HARNESS.call
stop_servers, kubeconfig, cluster_env = HARNESS.fixtures()
HPAS = "autoscaling/v2/horizontalpodautoscalers"


def with_hpa(kmock: Any, maximum: int = 4) -> None:
    kmock.objects[HPAS, "shop", "web-hpa"] = make_hpa(current=maximum, maximum=maximum)


async def test_get_hpa_and_list_hpas_say_target_bounds_replicas_metrics_and_why_it_holds(
        kmock: Any, cluster_env: dict[str, str]) -> None:
    with_hpa(kmock)
    got = await call("get_hpa", {"namespace": "shop", "name": "web-hpa"}, cluster_env)
    listed = await call("list_hpas", {"namespace": "shop"}, cluster_env)

    assert got.ok, got.error
    summary = got.structured
    assert (summary["target"], summary["min_replicas"], summary["max_replicas"], summary["current_replicas"]) == (
        "Deployment/web", 2, 4, 4)
    assert summary["metrics"] == [{"type": "Resource", "name": "cpu", "averageUtilization": 60}]
    assert summary["current_metrics"] == [{"type": "Resource", "name": "cpu", "averageUtilization": 135,
                                           "averageValue": "270m"}]
    assert {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas",
            "message": "the desired replica count is more than the maximum replica count"} in summary["conditions"]
    assert listed.ok and listed.structured["autoscalers"] == [summary]
    assert not requests_with(kmock, "PATCH")


async def test_set_hpa_max_replicas_merge_patches_the_maximum_once(kmock: Any, cluster_env: dict[str, str]) -> None:
    with_hpa(kmock)
    raised = await call("set_hpa_max_replicas", {"namespace": "shop", "name": "web-hpa", "max_replicas": 6,
                                                 "only_raise": True}, cluster_env)
    again = await call("set_hpa_max_replicas", {"namespace": "shop", "name": "web-hpa", "max_replicas": 6,
                                                "only_raise": True}, cluster_env)

    assert raised.ok, raised.error
    assert raised.text == "horizontalpodautoscaler shop/web-hpa: maxReplicas 4 -> 6"
    assert raised.structured == {"namespace": "shop", "name": "web-hpa", "max_replicas_before": 4, "max_replicas": 6,
                                 "changed": True}
    [patch] = requests_with(kmock, "PATCH")  # the second call found it done: no patch, no error
    assert patch.url.path == "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/web-hpa"
    assert patch.headers["Content-Type"] == "application/merge-patch+json"
    assert patch.data == {"spec": {"maxReplicas": 6}}
    assert kmock.objects[HPAS, "shop", "web-hpa"]["spec"]["maxReplicas"] == 6
    assert again.ok and again.text == "horizontalpodautoscaler shop/web-hpa: maxReplicas was 6 already"


async def test_set_hpa_max_replicas_refuses_what_would_lower_or_invert_the_bounds(
        kmock: Any, cluster_env: dict[str, str]) -> None:
    with_hpa(kmock)
    lower = await call("set_hpa_max_replicas", {"namespace": "shop", "name": "web-hpa", "max_replicas": 3,
                                                "only_raise": True}, cluster_env)
    below_min = await call("set_hpa_max_replicas", {"namespace": "shop", "name": "web-hpa", "max_replicas": 1},
                           cluster_env)
    zero = await call("set_hpa_max_replicas", {"namespace": "shop", "name": "web-hpa", "max_replicas": 0},
                      cluster_env)
    missing = await call("get_hpa", {"namespace": "shop", "name": "nope"}, cluster_env)

    assert not lower.ok and "maxReplicas is 4; 3 would lower it (only_raise)" in lower.error
    assert not below_min.ok and "maxReplicas 1 would be below its minReplicas 2" in below_min.error
    assert not zero.ok and "greater than or equal to 1" in zero.error  # the input schema, before any request
    assert not missing.ok and "horizontalpodautoscaler shop/nope not found" in missing.error
    assert not requests_with(kmock, "PATCH")
    assert kmock.objects[HPAS, "shop", "web-hpa"]["spec"]["maxReplicas"] == 4


async def test_a_read_only_server_or_another_namespace_changes_no_autoscaler(
        kmock: Any, cluster_env: dict[str, str]) -> None:
    with_hpa(kmock)
    arguments = {"namespace": "shop", "name": "web-hpa", "max_replicas": 8}
    read_only = await call("set_hpa_max_replicas", arguments, cluster_env, server=started_with("--read-only"))
    elsewhere = await call("set_hpa_max_replicas", arguments, cluster_env,
                           server=started_with("--allowed-namespaces", "billing"))

    assert "refused: the server runs in --read-only mode" in read_only.error
    assert "refused: namespace 'shop' is not allowed" in elsewhere.error
    assert not requests_with(kmock, "PATCH")
