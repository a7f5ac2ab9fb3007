"""Detectors on objects shaped like `kubectl get -o json` output, one test per detector, healthy ones too."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from incidents.detectors import DETECTORS, detect_object, detect_snapshot, workload_of
from tests.kubeobjects import (
    NOW,
    ago,
    make_daemonset,
    make_deployment,
    make_event,
    make_job,
    make_node,
    make_pod,
    make_statefulset,
    not_ready_pod,
    restarted_pod,
    set_condition,
)

# --- Pods ---------------------------------------------------------------------------------------


def test_healthy_pod_has_no_findings() -> None:
    assert detect_object("Pod", make_pod(), NOW) == []


def test_detecting_still_works_without_a_clock() -> None:
    assert detect_object("Pod", make_pod()) == []
    assert [f.reason for f in detect_object("Pod", make_pod(waiting="CrashLoopBackOff"))] == ["CrashLoopBackOff"]


def test_crashloop_is_reported_against_the_owning_deployment() -> None:
    [finding] = detect_object("Pod", make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=7), NOW)
    assert finding.reason == "CrashLoopBackOff"
    assert finding.severity == "critical"
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")
    assert finding.labels["pod"] == "checkout-7d9f8b6c5-x2x9q"
    assert "7 restarts" in finding.message and "exit code 1" in finding.message


def test_oomkilled_crashloop_is_reported_once_as_oomkilled() -> None:
    findings = detect_object("Pod", make_pod(waiting="CrashLoopBackOff", last_reason="OOMKilled", restarts=3), NOW)
    assert [(f.reason, f.severity) for f in findings] == [("OOMKilled", "critical")]


def test_image_pull_backoff_is_a_warning() -> None:
    [finding] = detect_object("Pod", make_pod(waiting="ErrImagePull"), NOW)
    assert (finding.reason, finding.severity) == ("ImagePullBackOff", "warning")
    assert "shop/checkout:1.4.2" in finding.message


def test_a_missing_secret_is_a_create_container_config_error() -> None:
    pod = make_pod(waiting="CreateContainerConfigError", waiting_message='secret "checkout-db" not found')
    [finding] = detect_object("Pod", pod, NOW)  # not also ContainerNotReady: the kubelet already said why
    assert (finding.reason, finding.severity) == ("CreateContainerConfigError", "warning")
    assert finding.message == 'Container app cannot be created from its configuration: secret "checkout-db" not found'
    assert finding.labels["container"] == "app"
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")


def unschedulable_pod() -> dict[str, Any]:
    pod = make_pod()
    pod["spec"].pop("nodeName")
    scheduler_says = ("0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
                      "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                      "scheduling, 2 No preemption victims found for incoming pod.")
    pod["status"] = {
        "phase": "Pending",
        "qosClass": "Burstable",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                        "message": scheduler_says, "lastProbeTime": None, "lastTransitionTime": ago(20)}],
    }
    return pod


def test_an_unschedulable_pod_carries_the_schedulers_message() -> None:
    pod = unschedulable_pod()
    [finding] = detect_object("Pod", pod, NOW)
    assert (finding.reason, finding.severity) == ("Unschedulable", "warning")
    assert finding.message == pod["status"]["conditions"][0]["message"]
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")
    assert finding.labels["node"] == "" and "container" not in finding.labels


def test_a_pod_waiting_on_a_scheduling_gate_is_not_unschedulable() -> None:
    pod = unschedulable_pod()
    set_condition(pod, "PodScheduled", reason="SchedulingGated", message="Scheduling is blocked due to non-empty "
                                                                         "scheduling gates")
    assert detect_object("Pod", pod, NOW) == []


def test_an_evicted_pod_is_reported_with_the_kubelets_reason() -> None:
    pod = make_pod("checkout-7d9f8b6c5-q8v2m")
    message = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 86344Ki. Container app "
               "was using 2045380Ki, request is 128Mi, has larger consumption of memory.")
    pod["status"] = {
        "phase": "Failed", "reason": "Evicted", "message": message, "startTime": ago(300),
        "conditions": [{"type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet",
                        "message": "The node was low on resource: memory.", "lastTransitionTime": ago(40)}],
        "containerStatuses": [{"name": "app", "image": "shop/checkout:1.4.2", "ready": False, "restartCount": 0,
                               "state": {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown"}}}],
    }
    [finding] = detect_object("Pod", pod, NOW)
    assert (finding.reason, finding.severity) == ("Evicted", "warning")
    assert finding.message == f"Pod checkout-7d9f8b6c5-q8v2m was evicted from node-1: {message}"
    assert finding.labels["node"] == "node-1"




def test_a_running_container_unready_for_longer_than_the_limit_is_reported() -> None:
    [finding] = detect_object("Pod", not_ready_pod(12), NOW)
    assert (finding.reason, finding.severity) == ("ContainerNotReady", "warning")
    assert finding.message == ("Container app has not been ready for 12 minutes: running, but not passing its "
                               "readiness probe")
    assert finding.labels["container"] == "app"
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")


def test_a_container_unready_for_a_moment_is_not_reported() -> None:
    assert detect_object("Pod", not_ready_pod(2), NOW) == []


def test_the_not_ready_limit_is_read_from_the_clock_given() -> None:
    pod = not_ready_pod(2)
    assert [f.reason for f in detect_object("Pod", pod, NOW + timedelta(minutes=10))] == ["ContainerNotReady"]


def test_a_terminating_pod_is_expected_to_be_unready() -> None:
    pod = not_ready_pod(12)
    pod["metadata"]["deletionTimestamp"] = ago(1)
    assert detect_object("Pod", pod, NOW) == []


def test_a_crash_looping_container_is_not_also_reported_as_not_ready() -> None:
    pod = make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=9)
    set_condition(pod, "Ready", lastTransitionTime=ago(45))
    assert [f.reason for f in detect_object("Pod", pod, NOW)] == ["CrashLoopBackOff"]


def test_workload_of_pods_without_deployment() -> None:
    assert workload_of(make_pod(owner=("StatefulSet", "db"))) == ("StatefulSet", "db")
    assert workload_of(make_pod("lonely", owner=None)) == ("Pod", "lonely")
    # A ReplicaSet whose name does not carry the template hash is not guessed into a Deployment.
    assert workload_of(make_pod(owner=("ReplicaSet", "handmade"))) == ("ReplicaSet", "handmade")


# --- Nodes --------------------------------------------------------------------------------------




def test_a_healthy_node_has_no_findings() -> None:
    assert detect_object("Node", make_node(), NOW) == []


def test_a_node_whose_kubelet_stopped_reporting_is_not_ready() -> None:
    node = set_condition(make_node(), "Ready", status="Unknown", reason="NodeStatusUnknown",
                         message="Kubelet stopped posting node status.")
    for pressure in ("MemoryPressure", "DiskPressure", "PIDPressure"):  # all go Unknown: not pressure
        set_condition(node, pressure, status="Unknown", reason="NodeStatusUnknown")
    [finding] = detect_object("Node", node, NOW)
    assert (finding.reason, finding.severity) == ("NodeNotReady", "critical")
    assert finding.message == "Node node-2 is not ready (Ready=Unknown, NodeStatusUnknown): Kubelet stopped posting " \
                              "node status."
    assert (finding.namespace, finding.object_kind, finding.group_kind, finding.group_name) == \
           ("", "Node", "Node", "node-2")
    assert finding.labels == {"node": "node-2"}


@pytest.mark.parametrize(("pressure", "message"), [
    ("MemoryPressure", "kubelet has insufficient memory available"),
    ("DiskPressure", "kubelet has disk pressure"),
    ("PIDPressure", "kubelet has insufficient PID available"),
])
def test_node_pressure_is_a_warning(pressure: str, message: str) -> None:
    node = set_condition(make_node(), pressure, status="True", reason=f"KubeletHas{pressure}", message=message)
    [finding] = detect_object("Node", node, NOW)
    assert (finding.reason, finding.severity) == (pressure, "warning")
    assert finding.message == f"Node node-2 reports {pressure}: {message}"
    assert finding.labels == {"node": "node-2", "condition": pressure}


# --- Events -------------------------------------------------------------------------------------




def test_a_failed_mount_event_is_a_warning_about_its_pod() -> None:
    [finding] = detect_object("Event", make_event(), NOW)
    assert (finding.reason, finding.severity, finding.namespace) == ("FailedMount", "warning", "shop")
    assert (finding.object_kind, finding.object_name) == ("Pod", "checkout-7d9f8b6c5-x2x9q")
    assert (finding.group_kind, finding.group_name) == ("Pod", "checkout-7d9f8b6c5-x2x9q")
    assert finding.message == ('Pod checkout-7d9f8b6c5-x2x9q: MountVolume.SetUp failed for volume "config" : '
                               'configmap "checkout-config" not found (seen 4 times)')
    assert finding.labels == {"involved_kind": "Pod", "pod": "checkout-7d9f8b6c5-x2x9q", "node": "node-1",
                              "count": "4"}


@pytest.mark.parametrize(("reason", "message"), [
    ("BackOff", "Back-off restarting failed container app in pod checkout-7d9f8b6c5-x2x9q_shop(5b0f6f0e)"),
    ("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
    ("FailedScheduling", "0/3 nodes are available: 3 Insufficient memory."),
])
def test_other_warning_events_of_interest(reason: str, message: str) -> None:
    [finding] = detect_object("Event", make_event(reason, message=message), NOW)
    assert (finding.reason, finding.severity) == (reason, "warning")
    assert message in finding.message
    if reason != "FailedScheduling":
        assert finding.labels["container"] == "app"


def test_a_warning_about_a_node_names_the_node() -> None:
    event = make_event("FailedMount", kind="Node", name="node-3", count=1, message="disk /dev/sdb not found")
    [finding] = detect_object("Event", event, NOW)
    assert (finding.namespace, finding.group_kind, finding.group_name) == ("", "Node", "node-3")
    assert finding.labels["node"] == "node-3" and finding.message == "Node node-3: disk /dev/sdb not found"


def test_a_warning_event_last_seen_long_ago_is_history() -> None:
    event = make_event()
    event["lastTimestamp"] = ago(16)
    assert detect_object("Event", event, NOW) == []
    event["series"] = {"count": 9, "lastObservedTime": (NOW - timedelta(seconds=30)).isoformat()}
    assert [f.reason for f in detect_object("Event", event, NOW)] == ["FailedMount"]


def test_a_pod_event_joins_its_workload_and_dies_with_its_pod() -> None:
    backoff = make_event("BackOff", message="Back-off restarting failed container app")
    snapshot = {"Pod": [make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=3)], "Event": [backoff]}
    crash, event = detect_snapshot(snapshot, NOW)
    assert (event.reason, event.object_kind, event.object_name) == ("BackOff", "Pod", "checkout-7d9f8b6c5-x2x9q")
    assert (event.group_kind, event.group_name) == (crash.group_kind, crash.group_name) == ("Deployment", "checkout")
    assert event.labels["workload_name"] == "checkout"
    # The restart replaced the pod: the event about the old one is no longer a finding.
    snapshot["Pod"] = [make_pod("checkout-7d9f8b6c5-new01")]
    assert detect_snapshot(snapshot, NOW) == []


def test_normal_events_and_other_warnings_are_not_findings() -> None:
    assert detect_object("Event", make_event("BackOff", "Normal", message='Back-off pulling image "x"'), NOW) == []
    assert detect_object("Event", make_event("Pulled", "Normal", message="Successfully pulled image"), NOW) == []
    assert detect_object("Event", make_event("FailedCreatePodSandBox", message="sandbox failed"), NOW) == []


# --- A whole snapshot ---------------------------------------------------------------------------


def test_every_listed_kind_has_detectors() -> None:
    assert set(DETECTORS) == {"Pod", "Node", "Deployment", "StatefulSet", "DaemonSet", "Job", "Event",
                              "HorizontalPodAutoscaler"}


def test_detect_snapshot_runs_every_kinds_detectors_and_ignores_unknown_kinds() -> None:
    healthy = make_pod("checkout-7d9f8b6c5-aaaaa")
    snapshot = {
        "Pod": [healthy, make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=3), not_ready_pod(12)],
        "Node": [make_node("node-1"), set_condition(make_node("node-2"), "Ready", status="False",
                                                    reason="KubeletNotReady", message="PLEG is not healthy")],
        "Deployment": [make_deployment(), make_deployment(3, 0)],
        "StatefulSet": [make_statefulset()],
        "DaemonSet": [make_daemonset(3, 2)],
        "Job": [make_job(failed=True), make_job(failed=False)],
        "Event": [make_event(), make_event("Pulled", "Normal")],
        "ConfigMap": [{"metadata": {"name": "x"}}],
    }
    before = copy.deepcopy(snapshot)
    findings = detect_snapshot(snapshot, NOW)
    assert sorted((f.object_kind, f.reason) for f in findings) == sorted([
        ("Pod", "CrashLoopBackOff"), ("Pod", "ContainerNotReady"), ("Node", "NodeNotReady"),
        ("Deployment", "ReplicaShortfall"), ("DaemonSet", "ReplicaShortfall"), ("Job", "JobFailed"),
        ("Pod", "FailedMount"),
    ])
    assert snapshot == before  # detectors only read
    assert detect_snapshot({}, NOW) == []


# --- Restarts -----------------------------------------------------------------------------------




def test_a_container_restarting_again_and_again_is_reported_while_it_is_running() -> None:
    [finding] = detect_object("Pod", restarted_pod(4, 3, "OOMKilled"), NOW)
    assert (finding.reason, finding.severity, finding.group_name) == ("FrequentRestarts", "warning", "checkout")
    assert finding.message == "Container app has restarted 4 times, the last 3 minutes ago (OOMKilled, exit code 137)."
    assert finding.labels["restart_count"] == "4"


@pytest.mark.parametrize(("restarts", "minutes_ago"), [(2, 3), (9, 16)])
def test_few_or_long_past_restarts_are_not_reported(restarts: int, minutes_ago: float) -> None:
    assert detect_object("Pod", restarted_pod(restarts, minutes_ago), NOW) == []


def test_a_crash_loop_is_not_also_reported_as_frequent_restarts() -> None:
    pod = make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=9)
    pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"] = ago(1)
    assert [f.reason for f in detect_object("Pod", pod, NOW)] == ["CrashLoopBackOff"]
