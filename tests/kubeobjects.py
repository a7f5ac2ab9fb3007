"""Kubernetes objects shaped like `kubectl get -o json` output, at a fixed clock, for the detector tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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


def changed(obj: dict[str, Any], created: float, *managers: tuple[str, float]) -> dict[str, Any]:
    """The object created `created` minutes ago, and last written by each (subresource, minutes ago)."""
    obj["metadata"]["creationTimestamp"] = ago(created)
    obj["metadata"]["managedFields"] = [{"manager": "kube-controller-manager" if sub == "status" else "kubectl",
                                         "operation": "Update", "apiVersion": "apps/v1", "time": ago(minutes),
                                         **({"subresource": sub} if sub else {}), "fieldsType": "FieldsV1",
                                         "fieldsV1": {"f:spec": {}}} for sub, minutes in managers]
    return obj


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


def not_ready_pod(minutes: float) -> dict[str, Any]:
    pod = make_pod()
    pod["status"]["containerStatuses"][0]["ready"] = False
    for type_ in ("Ready", "ContainersReady"):
        set_condition(pod, type_, status="False", reason="ContainersNotReady",
                      message="containers with unready status: [app]", lastTransitionTime=ago(minutes))
    return pod


def restarted_pod(restarts: int, minutes_ago: float, reason: str = "Error") -> dict[str, Any]:
    pod = make_pod(restarts=restarts)
    pod["status"]["containerStatuses"][0]["lastState"] = {"terminated": {
        "reason": reason, "exitCode": 137 if reason == "OOMKilled" else 2, "startedAt": ago(minutes_ago + 30),
        "finishedAt": ago(minutes_ago)}}
    return pod


def finished_pod(name: str = "migrate-db", *, exit_code: int = 1, reason: str = "Error", phase: str = "Failed",
                 owner: tuple[str, str] | None = None, message: str = "") -> dict[str, Any]:
    """A pod whose only container ran to its end (restartPolicy Never), as the kubelet reports it: no controller
    unless `owner` is given."""
    pod = make_pod(name, owner=owner)
    pod["metadata"]["labels"] = {"run": name}
    pod["spec"]["restartPolicy"] = "Never"
    terminated = {"exitCode": exit_code, "reason": reason, "startedAt": ago(20), "finishedAt": ago(10),
                  "containerID": "containerd://9c2e", **({"message": message} if message else {})}
    pod["status"] |= {"phase": phase, "containerStatuses": [
        {"name": "app", "image": "shop/migrate:2", "ready": False, "started": False, "restartCount": 0,
         "state": {"terminated": terminated}}]}
    for type_ in ("Ready", "ContainersReady"):
        set_condition(pod, type_, status="False", reason="PodCompleted" if phase == "Succeeded" else "PodFailed")
    return pod


def make_hpa(current: int = 4, maximum: int = 4, *, limited: str = "True",
             reason: str = "TooManyReplicas") -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web-hpa", "namespace": "shop", "uid": "h-1", "creationTimestamp": ago(3000)},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": 2, "maxReplicas": maximum,
                 "metrics": [{"type": "Resource", "resource": {
                     "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]},
        "status": {"currentReplicas": current, "desiredReplicas": current,
                   "currentMetrics": [{"type": "Resource", "resource": {
                       "name": "cpu", "current": {"averageUtilization": 135, "averageValue": "270m"}}}],
                   "conditions": [
                       {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                        "lastTransitionTime": ago(60)},
                       {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                        "lastTransitionTime": ago(60)},
                       {"type": "ScalingLimited", "status": limited, "reason": reason, "lastTransitionTime": ago(3),
                        "message": "the desired replica count is more than the maximum replica count"}]},
    }
