"""The Kubernetes MCP server's summaries: plain API objects (JSON as the API server sends it) in, summary out.

The objects leave out what a real API server leaves out (empty fields are omitted), and carry the nulls it
does send: `creationTimestamp: null` in pod templates, `lastTimestamp: null` on events recorded through
events.k8s.io, `count` missing on those, `lastState: {}` on a container that never restarted.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from mcp_bridge.servers.kubernetes.summaries import (
    container_in_template,
    container_status,
    deployment_summary,
    describe_summary,
    event_summary,
    node_summary,
    owner_of,
    pod_summary,
    quantity,
    raised_memory,
    recent_events,
    rollout_state,
    service_summary,
    trimmed,
    waiting_reason,
)

pytestmark = pytest.mark.once  # no database


def make_pod(**status: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-5d8f-abcde",
            "namespace": "shop",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f", "uid": "u1",
                                 "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "shop/web:1.4.2"},
                                                      {"name": "proxy", "image": "envoy:1.30"}]},
        "status": {"phase": "Running", **status},
    }


def crashing_status() -> dict[str, Any]:
    return {
        "name": "web",
        "image": "shop/web:1.4.2",
        "ready": False,
        "restartCount": 4,
        "started": False,
        "state": {"waiting": {"reason": "CrashLoopBackOff",
                              "message": "back-off 1m20s restarting failed container=web"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "message": "",
                                     "startedAt": "2024-05-01T10:00:00Z", "finishedAt": "2024-05-01T10:00:03Z"}},
    }


def running_status(name: str = "proxy") -> dict[str, Any]:
    return {"name": name, "image": "envoy:1.30", "ready": True, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": "2024-05-01T09:00:00Z"}}, "lastState": {}}


def make_deployment(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "shop", "generation": 3},
        "spec": {
            "replicas": 3,
            "template": {
                "metadata": {"creationTimestamp": None, "labels": {"app": "web"},
                             "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}},
                "spec": {"containers": [{"name": "web", "image": "shop/web:1.4.2", "resources": {}}]},
            },
        },
        "status": {"observedGeneration": 3, **status},
    }


def make_event(name: str, last_seen: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": f"{name}.17c", "namespace": "shop", "creationTimestamp": "2024-05-01T09:59:00Z"},
        "involvedObject": {"kind": "Pod", "namespace": "shop", "name": name},
        "reason": "BackOff",
        "message": "Back-off restarting failed container",
        "type": "Warning",
        "lastTimestamp": last_seen,
        "count": 5,
        **fields,
    }



def test_the_owner_is_the_controller_rather_than_the_first_reference() -> None:
    meta = {"ownerReferences": [{"kind": "ConfigMap", "name": "cfg"},
                                {"kind": "ReplicaSet", "name": "web-5d8f", "controller": True}]}

    assert owner_of(meta) == "ReplicaSet/web-5d8f"


def test_without_a_controller_the_first_reference_is_the_owner() -> None:
    meta = {"ownerReferences": [{"kind": "Node", "name": "node-1"}, {"kind": "X", "name": "y"}]}

    assert owner_of(meta) == "Node/node-1"


def test_an_object_without_owner_references_has_no_owner() -> None:
    assert owner_of({}) is None
    assert owner_of({"ownerReferences": None}) is None
    assert owner_of({"ownerReferences": []}) is None


def test_the_waiting_reason_is_the_first_waiting_containers() -> None:
    statuses = [running_status(), crashing_status(), {"state": {"waiting": {"reason": "ImagePullBackOff"}}}]

    assert waiting_reason(statuses) == "CrashLoopBackOff"


def test_no_waiting_reason_when_no_container_waits_or_has_a_state() -> None:
    assert waiting_reason([running_status(), {"name": "new"}, {"state": None}, {"state": {"waiting": {}}}]) is None
    assert waiting_reason([]) is None



def test_a_crash_looping_pod_is_summarised_with_readiness_restarts_reason_node_and_owner() -> None:
    pod = make_pod(containerStatuses=[crashing_status(), running_status()])

    assert pod_summary(pod) == {
        "name": "web-5d8f-abcde", "namespace": "shop", "phase": "Running", "ready": "1/2", "restarts": 4,
        "waiting_reason": "CrashLoopBackOff", "node": "node-1", "owner": "ReplicaSet/web-5d8f",
    }


def test_an_init_container_waiting_comes_before_the_app_containers() -> None:
    pod = make_pod(phase="Pending",
                   initContainerStatuses=[{"name": "migrate", "ready": False, "restartCount": 2,
                                           "state": {"waiting": {"reason": "CrashLoopBackOff"}}}],
                   containerStatuses=[{"name": "web", "ready": False, "restartCount": 0,
                                       "state": {"waiting": {"reason": "PodInitializing"}}}])

    summary = pod_summary(pod)

    assert summary["waiting_reason"] == "CrashLoopBackOff"
    assert summary["restarts"] == 0  # init containers' restarts are not the pod's restarts
    assert summary["ready"] == "0/2"


def test_a_pending_pod_not_yet_scheduled_counts_its_containers_from_the_spec() -> None:
    pod = make_pod(phase="Pending", conditions=[{"type": "PodScheduled", "status": "False",
                                                 "reason": "Unschedulable"}])
    del pod["spec"]["nodeName"]

    assert pod_summary(pod) == {
        "name": "web-5d8f-abcde", "namespace": "shop", "phase": "Pending", "ready": "0/2", "restarts": 0,
        "waiting_reason": None, "node": None, "owner": "ReplicaSet/web-5d8f",
    }


def test_an_empty_pod_summarises_to_nothing_known() -> None:
    expected = {"name": None, "namespace": None, "phase": None, "ready": "0/0", "restarts": 0,
                "waiting_reason": None, "node": None, "owner": None}

    assert pod_summary({}) == expected
    assert pod_summary({"metadata": None, "spec": None, "status": None}) == expected


def test_a_crashing_containers_status_keeps_the_state_and_the_last_termination() -> None:
    assert container_status(crashing_status()) == {
        "name": "web", "image": "shop/web:1.4.2", "ready": False, "restarts": 4,
        "state": {"state": "waiting", "reason": "CrashLoopBackOff",
                  "message": "back-off 1m20s restarting failed container=web"},
        # the empty message is left out; exit code and times stay
        "last_state": {"state": "terminated", "exitCode": 1, "reason": "Error",
                       "startedAt": "2024-05-01T10:00:00Z", "finishedAt": "2024-05-01T10:00:03Z"},
    }


def test_a_container_that_never_restarted_has_no_last_state() -> None:
    assert container_status(running_status()) == {
        "name": "proxy", "image": "envoy:1.30", "ready": True, "restarts": 0,
        "state": {"state": "running", "startedAt": "2024-05-01T09:00:00Z"}, "last_state": None,
    }


def test_a_completed_containers_zero_exit_code_is_kept() -> None:
    status = {"name": "job", "state": {"terminated": {"exitCode": 0, "reason": "Completed", "signal": None}}}

    assert container_status(status)["state"] == {"state": "terminated", "exitCode": 0, "reason": "Completed"}


def test_a_container_status_without_state_or_restart_count() -> None:
    assert container_status({"name": "web"}) == {"name": "web", "image": None, "ready": None, "restarts": 0,
                                                 "state": None, "last_state": None}
    assert container_status({"name": "web", "state": {"waiting": None}})["state"] == {"state": "waiting"}



def test_an_event_is_summarised_with_its_object_and_count() -> None:
    event = make_event("web-5d8f-abcde", "2024-05-01T10:00:05Z")

    assert event_summary(event) == {
        "last_seen": "2024-05-01T10:00:05Z", "type": "Warning", "reason": "BackOff",
        "object": "Pod/web-5d8f-abcde", "namespace": "shop", "message": "Back-off restarting failed container",
        "count": 5,
    }


def test_an_event_from_events_api_is_last_seen_at_its_event_time_and_counts_once() -> None:
    event = make_event("web", None, eventTime="2024-05-01T10:01:00.123456Z", count=None)

    summary = event_summary(event)

    assert summary["last_seen"] == "2024-05-01T10:01:00.123456Z"
    assert summary["count"] == 1


def test_an_event_without_any_time_is_last_seen_when_created() -> None:
    event = make_event("web", None, eventTime=None)

    assert event_summary(event)["last_seen"] == "2024-05-01T09:59:00Z"


def test_an_empty_event_still_summarises() -> None:
    assert event_summary({}) == {"last_seen": None, "type": None, "reason": None, "object": "None/None",
                                 "namespace": None, "message": None, "count": 1}


def test_an_events_namespace_falls_back_to_its_objects() -> None:
    event = make_event("node-1", "2024-05-01T10:00:00Z", metadata={"name": "node-1.17c"},
                       involvedObject={"kind": "Node", "name": "node-1", "namespace": "default"})

    assert event_summary(event)["namespace"] == "default"


def test_recent_events_are_newest_first_and_limited() -> None:
    events = [make_event("a", "2024-05-01T10:00:00Z"), make_event("b", "2024-05-01T12:00:00Z"),
              make_event("c", "2024-05-01T11:00:00Z")]

    assert [e["object"] for e in recent_events(events, 2)] == ["Pod/b", "Pod/c"]


def test_events_without_a_time_come_last() -> None:
    events = [{"reason": "Unknown"}, make_event("a", "2024-05-01T10:00:00Z")]

    assert [e["reason"] for e in recent_events(events, 10)] == ["BackOff", "Unknown"]
    assert recent_events([], 10) == []



def test_a_deployment_is_summarised_with_replicas_images_and_last_restart() -> None:
    deployment = make_deployment(replicas=3, readyReplicas=2, updatedReplicas=3, availableReplicas=2,
                                 unavailableReplicas=1,
                                 conditions=[{"type": "Available", "status": "False",
                                              "reason": "MinimumReplicasUnavailable",
                                              "message": "Deployment does not have minimum availability.",
                                              "lastUpdateTime": "2024-05-01T10:00:00Z"}])

    assert deployment_summary(deployment) == {
        "name": "web", "namespace": "shop", "replicas": 3, "ready": 2, "updated": 3, "available": 2,
        "unavailable": 1, "images": {"web": "shop/web:1.4.2"}, "restarted_at": "2024-05-01T10:00:00Z",
        "paused": False, "generation": 3, "observed_generation": 3,
        "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                        "message": "Deployment does not have minimum availability."}],
    }


def test_a_new_deployment_without_status_counts_zero_replicas() -> None:
    deployment = make_deployment()
    del deployment["status"]
    deployment["spec"]["template"]["metadata"] = {"creationTimestamp": None}
    deployment["spec"]["paused"] = True

    summary = deployment_summary(deployment)

    assert (summary["ready"], summary["updated"], summary["available"], summary["unavailable"]) == (0, 0, 0, 0)
    assert summary["restarted_at"] is None
    assert summary["paused"] is True
    assert summary["observed_generation"] is None
    assert summary["conditions"] == []


def test_an_empty_deployment_summarises_to_nothing_known() -> None:
    assert deployment_summary({}) == {
        "name": None, "namespace": None, "replicas": None, "ready": 0, "updated": 0, "available": 0,
        "unavailable": 0, "images": {}, "restarted_at": None, "paused": False, "generation": None,
        "observed_generation": None, "conditions": [],
    }


def test_a_rollout_is_complete_when_every_replica_is_updated_and_available() -> None:
    deployment = make_deployment(replicas=3, updatedReplicas=3, readyReplicas=3, availableReplicas=3)

    assert rollout_state(deployment) == {"state": "complete", "message": "successfully rolled out"}


def test_a_rollout_not_yet_observed_is_progressing() -> None:
    deployment = make_deployment(replicas=3, updatedReplicas=3, availableReplicas=3)
    deployment["metadata"]["generation"] = 4

    assert rollout_state(deployment) == {"state": "progressing", "message": "waiting for the rollout to be observed"}


def test_a_rollout_past_its_deadline_has_failed() -> None:
    deployment = make_deployment(replicas=3, updatedReplicas=1, availableReplicas=2, conditions=[
        {"type": "Available", "status": "True"},
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
         "message": 'ReplicaSet "web-6c9d" has timed out progressing.'},
    ])

    assert rollout_state(deployment) == {
        "state": "failed", "message": 'rollout failed: ReplicaSet "web-6c9d" has timed out progressing.'}


def test_a_rollout_past_its_deadline_without_a_message_says_so() -> None:
    deployment = make_deployment(conditions=[{"type": "Progressing", "reason": "ProgressDeadlineExceeded"}])

    assert rollout_state(deployment)["message"] == "rollout failed: deadline exceeded"


@pytest.mark.parametrize(("status", "message"), [
    ({"replicas": 3, "updatedReplicas": 1, "availableReplicas": 3}, "1 of 3 updated replicas are available"),
    ({"replicas": 4, "updatedReplicas": 3, "availableReplicas": 3}, "1 old replicas are pending termination"),
    ({"replicas": 3, "updatedReplicas": 3, "availableReplicas": 2}, "2 of 3 updated replicas are available"),
    # scaled down from 4 to 3 mid-rollout: the updated replicas are what must be available
    ({"replicas": 4, "updatedReplicas": 4, "availableReplicas": 3}, "3 of 4 updated replicas are available"),
])
def test_a_rollout_under_way_says_what_it_waits_for(status: dict[str, int], message: str) -> None:
    assert rollout_state(make_deployment(**status)) == {"state": "progressing", "message": message}


def test_a_deployment_scaled_down_with_every_replica_updated_and_available_is_rolled_out() -> None:
    deployment = make_deployment(replicas=4, updatedReplicas=4, availableReplicas=4)  # spec.replicas is 3

    assert rollout_state(deployment) == {"state": "complete", "message": "successfully rolled out"}


def test_a_deployment_scaled_to_zero_is_rolled_out() -> None:
    deployment = make_deployment()
    deployment["spec"]["replicas"] = 0

    assert rollout_state(deployment)["state"] == "complete"


def test_a_deployment_without_status_or_replicas_waits_for_its_one_replica() -> None:
    assert rollout_state({"metadata": {"name": "web"}, "spec": {}}) == {
        "state": "progressing", "message": "0 of 1 updated replicas are available"}



def test_a_node_is_summarised_with_readiness_roles_version_and_allocatable() -> None:
    node = {
        "metadata": {"name": "cp-1", "labels": {"kubernetes.io/hostname": "cp-1",
                                                "node-role.kubernetes.io/control-plane": "",
                                                "node-role.kubernetes.io/etcd": ""}},
        "spec": {"podCIDR": "10.244.0.0/24", "unschedulable": True,
                 "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]},
        "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
                   "allocatable": {"cpu": "3800m", "memory": "7Gi", "pods": "110"},
                   "nodeInfo": {"kubeletVersion": "v1.30.2"}},
    }

    assert node_summary(node) == {"name": "cp-1", "ready": "True", "unschedulable": True,
                                  "roles": ["control-plane", "etcd"], "kubelet_version": "v1.30.2",
                                  "cpu": "3800m", "memory": "7Gi"}


def test_a_node_that_never_reported_is_of_unknown_readiness() -> None:
    node = {"metadata": {"name": "new"}, "spec": {}, "status": {}}

    assert node_summary(node) == {"name": "new", "ready": "Unknown", "unschedulable": False, "roles": [],
                                  "kubelet_version": None, "cpu": None, "memory": None}
    assert node_summary({})["ready"] == "Unknown"


def test_a_service_is_summarised_with_its_ports_and_selector() -> None:
    service = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"type": "NodePort", "clusterIP": "10.96.12.7", "clusterIPs": ["10.96.12.7"],
                 "selector": {"app": "web"},
                 "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http", "nodePort": 30080},
                           {"protocol": "TCP", "port": 9090, "targetPort": 9090}]},
    }

    assert service_summary(service) == {
        "name": "web", "namespace": "shop", "type": "NodePort", "cluster_ip": "10.96.12.7",
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP", "nodePort": 30080},
                  {"port": 9090, "targetPort": 9090, "protocol": "TCP"}],
        "selector": {"app": "web"},
    }


def test_an_external_name_service_has_no_ports_and_no_selector() -> None:
    service = {"metadata": {"name": "db", "namespace": "shop"},
               "spec": {"type": "ExternalName", "externalName": "db.example.com"}}

    assert service_summary(service) == {"name": "db", "namespace": "shop", "type": "ExternalName",
                                        "cluster_ip": None, "ports": [], "selector": {}}



def test_describing_an_object_drops_the_last_applied_configuration() -> None:
    deployment = make_deployment(replicas=3)
    deployment["metadata"] |= {"creationTimestamp": "2024-04-01T00:00:00Z", "labels": {"app": "web"},
                               "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}",
                                               "deployment.kubernetes.io/revision": "2"}}

    summary = describe_summary("Deployment", deployment)

    assert summary == {"kind": "Deployment", "name": "web", "namespace": "shop", "labels": {"app": "web"},
                       "annotations": {"deployment.kubernetes.io/revision": "2"},
                       "created": "2024-04-01T00:00:00Z", "owner": None,
                       "spec": deployment["spec"], "status": deployment["status"]}


def test_describing_a_config_map_shows_its_keys_not_their_values() -> None:
    config_map = {"metadata": {"name": "web-config", "namespace": "shop"},
                  "data": {"DATABASE_HOST": "db", "app.yaml": "port: 8080"}, "binaryData": {"logo.png": "iVBORw0K"}}

    summary = describe_summary("ConfigMap", config_map)

    assert summary["data_keys"] == ["DATABASE_HOST", "app.yaml", "logo.png"]
    assert "db" not in str(summary) and "spec" not in summary


def test_describing_an_empty_config_map_or_object() -> None:
    assert describe_summary("ConfigMap", {"metadata": {"name": "empty"}})["data_keys"] == []
    assert describe_summary("Namespace", {}) == {"kind": "Namespace", "name": None, "namespace": None,
                                                 "labels": {}, "annotations": {}, "created": None, "owner": None,
                                                 "spec": None, "status": None}


def test_a_small_value_is_kept_whole_and_a_large_one_is_cut() -> None:
    small = {"phase": "Active"}
    large = {"items": ["x" * 100] * 100}

    cut = trimmed(large, limit=500)

    assert trimmed(small) is small
    assert isinstance(cut, str) and cut.startswith('{"items":["xxx') and cut.endswith("…(truncated)")
    assert len(cut) == 500 + len("…(truncated)")



def test_a_container_is_found_by_name_in_the_pod_template() -> None:
    workload = make_deployment()
    workload["spec"]["template"]["spec"]["containers"].append({"name": "proxy", "image": "envoy:1.30"})

    assert container_in_template(workload, "proxy", "deployment shop/web") == (1, {"name": "proxy",
                                                                                   "image": "envoy:1.30"})


def test_a_missing_container_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(ToolError, match=r"^deployment shop/web has no container 'db' \(it has: web\)$"):
        container_in_template(make_deployment(), "db", "deployment shop/web")
    with pytest.raises(ToolError, match=r"\(it has: none\)$"):
        container_in_template({"spec": {"template": None}}, "db", "deployment shop/web")
    with pytest.raises(ToolError, match=r"\(it has: \?\)$"):
        container_in_template({"spec": {"template": {"spec": {"containers": [{}]}}}}, "db", "x")


@pytest.mark.parametrize("value", ["512Mi", "1Gi", "250m", "2", "1.5"])
def test_a_kubernetes_quantity_is_accepted_as_given(value: str) -> None:
    assert quantity(value, "memory") == value


@pytest.mark.parametrize(("value", "problem"), [
    ("lots", "is not a Kubernetes quantity"), ("512MB", "is not a Kubernetes quantity"),
    ("0", "must be more than zero"), ("-1Gi", "must be more than zero"),
])
def test_a_wrong_quantity_is_refused(value: str, problem: str) -> None:
    with pytest.raises(ToolError, match=f"^memory: '{value}' {problem}"):
        quantity(value, "memory")


def test_a_memory_limit_is_raised_by_the_factor_in_whole_mebibytes_rounded_up() -> None:
    assert raised_memory("1Gi", 1.5, "16Gi") == "1536Mi"
    assert raised_memory("100Mi", 1.015, "16Gi") == "102Mi"  # 101.5 Mi
    assert raised_memory("500M", 2, "16Gi") == "954Mi"  # 1e9 bytes = 953.67 Mi


def test_a_raised_memory_limit_stops_at_the_ceiling() -> None:
    assert raised_memory("3Gi", 2, "4Gi") == "4096Mi"


def test_a_memory_limit_already_at_the_ceiling_is_not_raised() -> None:
    with pytest.raises(ToolError, match=r"^memory limit 4Gi is already at or above the ceiling 4Gi$"):
        raised_memory("4Gi", 1.5, "4Gi")


def test_an_unreadable_memory_limit_is_refused() -> None:
    with pytest.raises(ToolError, match=r"^cannot read the memory limit"):
        raised_memory("a lot", 1.5, "16Gi")
