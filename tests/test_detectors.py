"""Detectors on objects shaped like `kubectl get -o json` output, one test per detector, healthy ones too."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from incidents.detectors import DETECTORS, detect_object, detect_snapshot, workload_of

NOW = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)


def ago(minutes: float) -> str:
    return (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_pod(name: str = "checkout-7d9f8b6c5-x2x9q", *, waiting: str | None = None, last_reason: str | None = None,
             restarts: int = 0, owner: tuple[str, str] | None = ("ReplicaSet", "checkout-7d9f8b6c5"),
             waiting_message: str = "back-off 5m0s restarting failed container") -> dict[str, Any]:
    state: dict[str, Any] = {"running": {"startedAt": "2026-11-28T10:00:00Z"}}
    if waiting:
        state = {"waiting": {"reason": waiting, "message": waiting_message}}
    container: dict[str, Any] = {"name": "app", "image": "shop/checkout:1.4.2", "ready": waiting is None,
                                 "restartCount": restarts, "state": state}
    if last_reason:
        exit_code = 137 if last_reason == "OOMKilled" else 1
        container["lastState"] = {"terminated": {"reason": last_reason, "exitCode": exit_code}}
    labels = {"app": "checkout", "pod-template-hash": "7d9f8b6c5"}
    meta: dict[str, Any] = {"name": name, "namespace": "shop", "labels": labels,
                            "uid": "5b0f6f0e-0c1e-4a43-9a53-1d2f0c8e7b11", "creationTimestamp": ago(60)}
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "apiVersion": "apps/v1", "uid": "u",
                                    "controller": True, "blockOwnerDeletion": True}]
    ready = "True" if waiting is None else "False"
    conditions = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None, "lastTransitionTime": ago(60)},
        {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": ago(60)},
        {"type": "Ready", "status": ready, "lastProbeTime": None, "lastTransitionTime": ago(30)}
        | ({} if waiting is None else {"reason": "ContainersNotReady",
                                       "message": "containers with unready status: [app]"}),
        {"type": "ContainersReady", "status": ready, "lastProbeTime": None, "lastTransitionTime": ago(30)},
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": ago(60)},
    ]
    status = {"phase": "Running", "conditions": conditions, "hostIP": "172.18.0.3", "podIP": "10.244.1.17",
              "startTime": ago(60), "qosClass": "Burstable", "containerStatuses": [container]}
    spec = {"nodeName": "node-1", "containers": [{"name": "app", "image": "shop/checkout:1.4.2"}],
            "restartPolicy": "Always", "schedulerName": "default-scheduler"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def set_condition(obj: dict[str, Any], type_: str, **fields: Any) -> dict[str, Any]:
    """Change the condition of that type, or add it."""
    for cond in obj["status"]["conditions"]:
        if cond["type"] == type_:
            cond.update(fields)
            return obj
    obj["status"]["conditions"].append({"type": type_, **fields})
    return obj


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


def not_ready_pod(minutes: float) -> dict[str, Any]:
    pod = make_pod()
    pod["status"]["containerStatuses"][0]["ready"] = False
    for type_ in ("Ready", "ContainersReady"):
        set_condition(pod, type_, status="False", reason="ContainersNotReady",
                      message="containers with unready status: [app]", lastTransitionTime=ago(minutes))
    return pod


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


def make_node(name: str = "node-2") -> dict[str, Any]:
    def cond(type_: str, status: str, reason: str, message: str) -> dict[str, Any]:
        return {"type": type_, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": ago(0.5), "lastTransitionTime": ago(600)}

    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "uid": "2c0a1f57-7f0a-4d25-9f5b-8f8e3f9d0a01", "creationTimestamp": ago(20000),
                     "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
        "spec": {"podCIDR": "10.244.2.0/24", "providerID": f"kind://docker/kind/{name}"},
        "status": {
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
                     "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.4"}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "4", "memory": "16374624Ki", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22"},
        },
    }


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


# --- Workloads ----------------------------------------------------------------------------------


def make_deployment(replicas: int = 3, available: int = 3, *, condition_status: str | None = None) -> dict[str, Any]:
    ok = available >= replicas if condition_status is None else condition_status == "True"
    status: dict[str, Any] = {
        "observedGeneration": 4, "replicas": replicas, "updatedReplicas": replicas,
        "readyReplicas": available, "availableReplicas": available,
        "unavailableReplicas": replicas - available,
        "conditions": [
            {"type": "Available", "status": "True" if ok else "False",
             "reason": "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
             "message": "Deployment has minimum availability." if ok else
                        "Deployment does not have minimum availability.",
             "lastUpdateTime": ago(30), "lastTransitionTime": ago(30)},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
             "message": 'ReplicaSet "checkout-7d9f8b6c5" has successfully progressed.',
             "lastUpdateTime": ago(30), "lastTransitionTime": ago(900)},
        ],
    }
    if available == 0:  # the API server omits zero counts
        del status["readyReplicas"], status["availableReplicas"]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "checkout", "namespace": "shop", "generation": 4, "uid": "d-1",
                     "annotations": {"deployment.kubernetes.io/revision": "4"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "checkout"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                 "template": {"metadata": {"labels": {"app": "checkout"}},
                              "spec": {"containers": [{"name": "app", "image": "shop/checkout:1.4.2"}]}}},
        "status": status,
    }


def test_a_fully_available_deployment_has_no_findings() -> None:
    assert detect_object("Deployment", make_deployment(), NOW) == []


def test_a_deployment_without_minimum_availability_is_short_of_replicas() -> None:
    [finding] = detect_object("Deployment", make_deployment(3, 1), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "warning")
    assert finding.message == ("Deployment shop/checkout has 1 of 3 replicas available: Deployment does not have "
                               "minimum availability.")
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")
    assert finding.labels["workload_kind"] == "Deployment" and finding.labels["workload_name"] == "checkout"


def test_a_deployment_with_nothing_available_is_critical() -> None:
    [finding] = detect_object("Deployment", make_deployment(3, 0), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "critical")
    assert "has 0 of 3 replicas available" in finding.message


def test_a_rolling_update_within_its_budget_is_not_a_shortfall() -> None:
    # 7 of 8: one pod replaced at a time, the Deployment still reports minimum availability.
    assert detect_object("Deployment", make_deployment(8, 7, condition_status="True"), NOW) == []


def test_a_deployment_scaled_to_zero_has_no_findings() -> None:
    assert detect_object("Deployment", make_deployment(0, 0, condition_status="True"), NOW) == []


def test_a_scale_up_in_progress_is_no_shortfall_until_its_progress_deadline() -> None:
    # 2 -> 3: with maxUnavailable rounding down to 0 the controller says Available=False at once.
    scaling = set_condition(make_deployment(3, 2), "Available", status="False",
                             reason="MinimumReplicasUnavailable", message="Deployment does not have minimum "
                             "availability.", lastTransitionTime=ago(2))
    assert detect_object("Deployment", scaling, NOW) == []  # 2 minutes in, the default deadline is 10
    scaling["spec"]["progressDeadlineSeconds"] = 60
    [late] = detect_object("Deployment", scaling, NOW)
    assert late.reason == "ReplicaShortfall" and late.message.endswith("minimum availability.")


@pytest.mark.parametrize(("type_", "status", "reason", "message"), [
    ("ReplicaFailure", "True", "FailedCreate", 'pods "checkout-7d9f8b6c5-" is forbidden: exceeded quota: '
                                               "compute, requested: cpu=2, used: cpu=8, limited: cpu=8"),
    ("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "checkout-7d9f8b6c5" has timed out '
                                                         "progressing."),
])
def test_a_deployment_the_controller_gave_up_on_is_short_at_once(type_: str, status: str, reason: str,
                                                                 message: str) -> None:
    deploy = set_condition(make_deployment(3, 2), "Available", status="False", lastTransitionTime=ago(1))
    set_condition(deploy, type_, status=status, reason=reason, message=message, lastTransitionTime=ago(1))
    [finding] = detect_object("Deployment", deploy, NOW)
    assert finding.message == f"Deployment shop/checkout has 2 of 3 replicas available: {message}"


def make_statefulset(replicas: int = 3, ready: int = 3) -> dict[str, Any]:
    status: dict[str, Any] = {"observedGeneration": 2, "replicas": replicas, "currentReplicas": replicas,
                              "updatedReplicas": replicas, "availableReplicas": ready,
                              "currentRevision": "db-6b9f7c9d4c", "updateRevision": "db-6b9f7c9d4c",
                              "collisionCount": 0}
    if ready:
        status["readyReplicas"] = ready
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db", "namespace": "shop", "generation": 2, "uid": "s-1"},
            "spec": {"replicas": replicas, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                     "podManagementPolicy": "OrderedReady", "updateStrategy": {"type": "RollingUpdate"}},
            "status": status}


def test_a_statefulset_with_every_replica_ready_has_no_findings() -> None:
    assert detect_object("StatefulSet", make_statefulset(), NOW) == []


def test_a_statefulset_short_of_ready_replicas() -> None:
    [finding] = detect_object("StatefulSet", make_statefulset(3, 2), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "warning")
    assert finding.message == "StatefulSet shop/db has 2 of 3 replicas ready"
    assert (finding.group_kind, finding.group_name) == ("StatefulSet", "db")
    [critical] = detect_object("StatefulSet", make_statefulset(3, 0), NOW)
    assert critical.severity == "critical"


def changed(obj: dict[str, Any], created: float, *managers: tuple[str, float]) -> dict[str, Any]:
    """The object created `created` minutes ago, and last written by each (subresource, minutes ago)."""
    obj["metadata"]["creationTimestamp"] = ago(created)
    obj["metadata"]["managedFields"] = [{"manager": "kube-controller-manager" if sub == "status" else "kubectl",
                                         "operation": "Update", "apiVersion": "apps/v1", "time": ago(minutes),
                                         **({"subresource": sub} if sub else {}), "fieldsType": "FieldsV1",
                                         "fieldsV1": {"f:spec": {}}} for sub, minutes in managers]
    return obj


@pytest.mark.parametrize(("kind", "make"), [("StatefulSet", lambda: make_statefulset(3, 2)),
                                            ("DaemonSet", lambda: make_daemonset(3, 2))])
def test_a_new_or_changing_statefulset_or_daemonset_is_no_shortfall_until_it_settles(kind: str, make: Any) -> None:
    assert detect_object(kind, changed(make(), 2), NOW) == []  # just created
    assert detect_object(kind, changed(make(), 90, ("", 3)), NOW) == []  # scaled 3 minutes ago
    assert detect_object(kind, changed(make(), 90, ("", 60), ("status", 4)), NOW) == []  # a node joined
    [settled] = detect_object(kind, changed(make(), 90, ("", 60), ("status", 11)), NOW)  # short and unchanged
    assert settled.reason == "ReplicaShortfall"


def make_daemonset(desired: int = 3, available: int = 3) -> dict[str, Any]:
    status: dict[str, Any] = {"currentNumberScheduled": desired, "desiredNumberScheduled": desired,
                              "numberMisscheduled": 0, "numberReady": available, "observedGeneration": 1,
                              "updatedNumberScheduled": desired}
    if available:
        status["numberAvailable"] = available
    if desired - available:
        status["numberUnavailable"] = desired - available
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "fluent-bit", "namespace": "logging", "generation": 1, "uid": "ds-1"},
            "spec": {"selector": {"matchLabels": {"app": "fluent-bit"}},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}},
            "status": status}


def test_a_daemonset_available_on_every_node_has_no_findings() -> None:
    assert detect_object("DaemonSet", make_daemonset(), NOW) == []


def test_a_daemonset_short_of_available_pods() -> None:
    [finding] = detect_object("DaemonSet", make_daemonset(3, 2), NOW)
    assert (finding.reason, finding.severity, finding.namespace) == ("ReplicaShortfall", "warning", "logging")
    assert finding.message == "DaemonSet logging/fluent-bit has 2 of 3 scheduled pods available"
    [critical] = detect_object("DaemonSet", make_daemonset(3, 0), NOW)
    assert critical.severity == "critical"


def make_job(*, failed: bool, cronjob: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "nightly-report-29406240", "namespace": "batch", "uid": "j-1",
                            "labels": {"job-name": "nightly-report-29406240"}}
    if cronjob:
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cronjob, "uid": "cj-1",
                                    "controller": True, "blockOwnerDeletion": True}]
    if failed:
        status = {"failed": 7, "startTime": ago(50), "terminating": 0, "ready": 0, "uncountedTerminatedPods": {},
                  "conditions": [
                      {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
                       "message": "Job has reached the specified backoff limit", "lastProbeTime": ago(5),
                       "lastTransitionTime": ago(5)},
                      {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                       "message": "Job has reached the specified backoff limit", "lastProbeTime": ago(5),
                       "lastTransitionTime": ago(5)}]}
    else:
        status = {"succeeded": 1, "startTime": ago(50), "completionTime": ago(45), "ready": 0, "terminating": 0,
                  "uncountedTerminatedPods": {},
                  "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "lastTransitionTime": ago(45)},
                                 {"type": "Complete", "status": "True", "lastTransitionTime": ago(45)}]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": {"backoffLimit": 6, "completions": 1, "parallelism": 1,
                     "template": {"spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "report", "image": "shop/report:2"}]}}},
            "status": status}


def test_a_completed_job_has_no_findings() -> None:
    assert detect_object("Job", make_job(failed=False), NOW) == []


def test_a_failed_job_is_critical() -> None:
    [finding] = detect_object("Job", make_job(failed=True), NOW)
    assert (finding.reason, finding.severity) == ("JobFailed", "critical")
    assert finding.message == ("Job batch/nightly-report-29406240 failed after 7 failed pod(s) "
                               "(BackoffLimitExceeded): Job has reached the specified backoff limit")
    assert (finding.group_kind, finding.group_name) == ("Job", "nightly-report-29406240")


def test_the_failed_runs_of_a_cronjob_are_grouped_under_it() -> None:
    [finding] = detect_object("Job", make_job(failed=True, cronjob="nightly-report"), NOW)
    assert (finding.object_kind, finding.object_name) == ("Job", "nightly-report-29406240")
    assert (finding.group_kind, finding.group_name) == ("CronJob", "nightly-report")
    assert finding.labels == {"job": "nightly-report-29406240", "workload_kind": "CronJob",
                              "workload_name": "nightly-report"}


# --- Events -------------------------------------------------------------------------------------


def make_event(reason: str = "FailedMount", type_: str = "Warning", *, kind: str = "Pod",
               name: str = "checkout-7d9f8b6c5-x2x9q", count: int = 4,
               message: str = 'MountVolume.SetUp failed for volume "config" : configmap "checkout-config" not found',
               ) -> dict[str, Any]:
    involved: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "name": name, "uid": "5b0f6f0e",
                                "resourceVersion": "81722"}
    if kind != "Node":
        involved["namespace"] = "shop"
    if kind == "Pod" and reason in {"BackOff", "Unhealthy"}:
        involved["fieldPath"] = "spec.containers{app}"
    return {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{name}.187c3a5f0d1b2e4a", "namespace": "shop" if kind != "Node" else "default",
                     "uid": "e-1", "resourceVersion": "81900", "creationTimestamp": ago(20)},
        "involvedObject": involved, "reason": reason, "message": message, "type": type_, "count": count,
        "firstTimestamp": ago(20), "lastTimestamp": ago(1),
        "source": {"component": "kubelet", "host": "node-1"}, "reportingComponent": "kubelet",
        "reportingInstance": "node-1",
    }


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
    assert set(DETECTORS) == {"Pod", "Node", "Deployment", "StatefulSet", "DaemonSet", "Job", "Event"}


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


def restarted_pod(restarts: int, minutes_ago: float, reason: str = "Error") -> dict[str, Any]:
    pod = make_pod(restarts=restarts)
    pod["status"]["containerStatuses"][0]["lastState"] = {"terminated": {
        "reason": reason, "exitCode": 137 if reason == "OOMKilled" else 2, "startedAt": ago(minutes_ago + 30),
        "finishedAt": ago(minutes_ago)}}
    return pod


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
