"""Realistic Kubernetes objects (plain dicts, as the API serves them) built from a scenario.

kmock stores whatever it is given, so everything a real API server or kubelet would fill in
(uid, resourceVersion, timestamps, statuses, owner references) is filled in here.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from simcluster.scenario import AutoscalerSpec, DeploymentSpec, NodeSpec, PodState

Obj = dict[str, Any]
# The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes).
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
FAILING_STATES = (PodState.CRASHLOOP, PodState.OOMKILLED, PodState.IMAGEPULL)
_resource_versions = itertools.count(1000)
# A node condition the kubelet reports True under pressure, and the taint the node lifecycle controller adds for it.
PRESSURE: dict[str, tuple[Obj, str]] = {
    "MemoryPressure": ({"status": "True", "reason": "KubeletHasInsufficientMemory",
                        "message": "kubelet has insufficient memory available"}, "node.kubernetes.io/memory-pressure"),
    "DiskPressure": ({"status": "True", "reason": "KubeletHasDiskPressure", "message": "kubelet has disk pressure"},
                     "node.kubernetes.io/disk-pressure"),
    "PIDPressure": ({"status": "True", "reason": "KubeletHasInsufficientPID",
                     "message": "kubelet has insufficient PID available"}, "node.kubernetes.io/pid-pressure"),
}


def next_resource_version() -> str:
    return str(next(_resource_versions))


def timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_suffix(length: int = 5) -> str:
    return "".join(random.choice(ALPHABET) for _ in range(length))


def template_hash(template: Obj) -> str:
    """Stable short hash of a pod template, like the `pod-template-hash` label."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:10])


def metadata(name: str, namespace: str | None = None, *, age: timedelta = timedelta(0), **extra: Any) -> Obj:
    meta: Obj = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta |= {
        "uid": str(uuid.uuid4()),
        "resourceVersion": next_resource_version(),
        "creationTimestamp": timestamp(datetime.now(UTC) - age),
    }
    return meta | {key: value for key, value in extra.items() if value is not None}


def owner_reference(owner: Obj) -> Obj:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def namespace(name: str) -> Obj:
    meta = metadata(name, age=timedelta(days=30), labels={"kubernetes.io/metadata.name": name})
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": meta,
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def node(spec: NodeSpec, index: int) -> Obj:
    now = timestamp()
    ready = {"type": "Ready", "lastHeartbeatTime": now, "lastTransitionTime": now}
    if spec.ready:
        ready |= {"status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}
    else:
        ready |= {"status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."}
    pressure = [
        {
            "type": kind,
            "status": "False" if spec.ready else "Unknown",
            "reason": f"KubeletHasNo{kind}" if spec.ready else "NodeStatusUnknown",
            "message": "",
            "lastHeartbeatTime": now,
            "lastTransitionTime": now,
        }
        | (PRESSURE[kind][0] if kind in spec.pressure else {})
        for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    taints = [{"key": PRESSURE[kind][1], "effect": "NoSchedule"} for kind in spec.pressure]
    labels = {"kubernetes.io/hostname": spec.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
    capacity = {"cpu": "4", "memory": "16374624Ki", "pods": "110", "ephemeral-storage": "102687672Ki"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": metadata(spec.name, age=timedelta(days=12), labels=labels),
        "spec": {"podCIDR": f"10.244.{index}.0/24"}
        | ({} if spec.ready else {"taints": [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]})
        | ({"taints": taints} if taints and spec.ready else {}),
        "status": {
            "conditions": [*pressure, ready],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                {"type": "Hostname", "address": spec.name},
            ],
            "capacity": capacity,
            "allocatable": capacity,
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": str(uuid.uuid4()),
                "containerRuntimeVersion": "containerd://1.7.22",
                "kernelVersion": "6.1.0-28-amd64",
                "kubeProxyVersion": "v1.31.2",
                "kubeletVersion": "v1.31.2",
                "machineID": uuid.uuid4().hex,
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": str(uuid.uuid4()),
            },
        },
    }


def deployment(spec: DeploymentSpec) -> Obj:
    labels = {"app": spec.name}
    container = {
        "name": spec.name,
        "image": spec.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    template = {
        "metadata": {"labels": labels},
        "spec": {
            "containers": [container],
            "restartPolicy": "Always",
            "dnsPolicy": "ClusterFirst",
            "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30,
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(
            spec.name,
            spec.namespace,
            age=timedelta(days=3),
            labels=labels,
            generation=1,
            annotations={"deployment.kubernetes.io/revision": "1"},
        ),
        "spec": {
            "replicas": spec.replicas,
            "selector": {"matchLabels": labels},
            "template": template,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": deployment_status(spec.replicas, 0, 0, 0),
    }


def with_image(deploy: Obj, image: str) -> Obj:
    """The deployment with every container of its template on `image` (a copy)."""
    other = copy.deepcopy(deploy)
    for container in other["spec"]["template"]["spec"]["containers"]:
        container["image"] = image
    return other


def deployment_status(replicas: int, current: int, updated: int, ready: int, generation: int = 1,
                      replica_set: str = "") -> Obj:
    """As the deployment controller reports it; its Progressing condition names the current ReplicaSet."""
    now = timestamp()
    available = ready >= replicas
    named = f'ReplicaSet "{replica_set}"' if replica_set else "ReplicaSet"
    return {
        "observedGeneration": generation,
        "replicas": current,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "unavailableReplicas": max(current - ready, 0),
        "conditions": [
            {
                "type": "Available",
                "status": "True" if available else "False",
                "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "message": "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
                "lastUpdateTime": now,
                "lastTransitionTime": now,
            },
            {
                "type": "Progressing",
                "status": "True",
                "reason": "NewReplicaSetAvailable" if available else "ReplicaSetUpdated",
                "message": f"{named} has successfully progressed." if available else f"{named} is progressing.",
                "lastUpdateTime": now,
                "lastTransitionTime": now,
            },
        ],
    }


def replica_set(deploy: Obj, revision: int, *, age: timedelta = timedelta(0)) -> Obj:
    template = copy.deepcopy(deploy["spec"]["template"])
    pod_hash = template_hash(deploy["spec"]["template"])
    labels = template["metadata"].get("labels", {}) | {"pod-template-hash": pod_hash}
    template["metadata"]["labels"] = labels
    replicas = deploy["spec"].get("replicas", 1)
    annotations = {
        "deployment.kubernetes.io/revision": str(revision),
        "deployment.kubernetes.io/desired-replicas": str(replicas),
    }
    name, ns = f"{deploy['metadata']['name']}-{pod_hash}", deploy["metadata"]["namespace"]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": metadata(
            name,
            ns,
            age=age,
            labels=labels,
            annotations=annotations,
            generation=1,
            ownerReferences=[owner_reference(deploy)],
        ),
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template},
        "status": {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0, "observedGeneration": 1},
    }


def pod(rs: Obj, state: PodState, node_name: str, *, restarts: int = 0, age: timedelta = timedelta(0)) -> Obj:
    name, ns = f"{rs['metadata']['name']}-{random_suffix()}", rs["metadata"]["namespace"]
    meta = metadata(
        name,
        ns,
        age=age,
        labels=dict(rs["spec"]["template"]["metadata"]["labels"]),
        generateName=f"{rs['metadata']['name']}-",
        ownerReferences=[owner_reference(rs)],
    )
    spec = copy.deepcopy(rs["spec"]["template"]["spec"]) | {"nodeName": node_name, "serviceAccountName": "default"}
    started = datetime.now(UTC) - age
    pod_obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    pod_obj["status"] = pod_status(pod_obj, state, restarts=restarts, started=started)
    return pod_obj


def pod_status(pod_obj: Obj, state: PodState, *, restarts: int, started: datetime) -> Obj:
    """What the kubelet reports for a pod in `state` (every container shares the state)."""
    meta, now = pod_obj["metadata"], datetime.now(UTC)
    ready = state == PodState.HEALTHY
    statuses = []
    for container in pod_obj["spec"]["containers"]:
        status: Obj = {
            "name": container["name"],
            "image": container["image"],
            "imageID": "",
            "ready": ready,
            "started": ready,
            "restartCount": 0,
        }
        if state == PodState.IMAGEPULL:
            status["state"] = {
                "waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{container["image"]}"'}
            }
        else:
            status["imageID"] = f"{container['image'].split(':')[0]}@sha256:{hashlib.sha256(b'img').hexdigest()}"
            status["containerID"] = f"containerd://{uuid.uuid4().hex}{uuid.uuid4().hex}"
        if state == PodState.HEALTHY:
            status["state"] = {"running": {"startedAt": timestamp(started)}}
        elif state in (PodState.CRASHLOOP, PodState.OOMKILLED):
            backoff = min(10 * 2 ** max(restarts - 1, 0), 300)  # the kubelet's back-off, as a Go duration
            delay = f"{backoff // 60}m{backoff % 60}s" if backoff >= 60 else f"{backoff}s"
            status["restartCount"] = restarts
            status["state"] = {
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": (
                        f"back-off {delay} restarting failed container={container['name']} "
                        f"pod={meta['name']}_{meta['namespace']}({meta['uid']})"
                    ),
                }
            }
            oom = state == PodState.OOMKILLED
            status["lastState"] = {
                "terminated": {
                    "exitCode": 137 if oom else 1,
                    "reason": "OOMKilled" if oom else "Error",
                    "startedAt": timestamp(now - timedelta(seconds=40)),
                    "finishedAt": timestamp(now - timedelta(seconds=8)),
                    "containerID": status["containerID"],
                }
            }
        statuses.append(status)
    unready = {
        "status": "False",
        "reason": "ContainersNotReady",
        "message": f"containers with unready status: [{' '.join(s['name'] for s in statuses)}]",
    }
    conditions: list[dict[str, Any]] = [
        {"type": "PodReadyToStartContainers", "status": "True"},
        {"type": "Initialized", "status": "True"},
        {"type": "Ready"} | ({"status": "True"} if ready else unready),
        {"type": "ContainersReady"} | ({"status": "True"} if ready else unready),
        {"type": "PodScheduled", "status": "True"},
    ]
    for condition in conditions:
        condition |= {"lastProbeTime": None, "lastTransitionTime": timestamp(started)}
    ip = f"10.244.0.{random.randint(2, 254)}"
    return {
        "phase": "Pending" if state == PodState.IMAGEPULL else "Running",
        "conditions": conditions,
        "hostIP": "172.18.0.2",
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": timestamp(started),
        "qosClass": "Burstable",
        "containerStatuses": statuses,
    }


def pod_events(pod_obj: Obj, state: PodState) -> list[Obj]:
    """The kubelet events a failing pod has accumulated (none for a healthy one)."""
    if state not in FAILING_STATES:
        return []
    container = pod_obj["spec"]["containers"][0]
    restarts = pod_obj["status"]["containerStatuses"][0]["restartCount"]
    if state == PodState.IMAGEPULL:
        image = container["image"]
        raw = [
            (
                "Warning",
                "Failed",
                f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to '
                f'pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
                4,
            ),
            ("Warning", "Failed", "Error: ErrImagePull", 4),
            ("Normal", "BackOff", f'Back-off pulling image "{image}"', 12),
            ("Warning", "Failed", "Error: ImagePullBackOff", 12),
        ]
    else:
        raw = [
            ("Normal", "Pulled", f'Container image "{container["image"]}" already present on machine', restarts + 1),
            (
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {container['name']} in pod "
                f"{pod_obj['metadata']['name']}_{pod_obj['metadata']['namespace']}({pod_obj['metadata']['uid']})",
                max(restarts * 3, 1),
            ),
        ]
    return [
        event(pod_obj, kind, reason, message, count, field_path=f"spec.containers{{{container['name']}}}")
        for kind, reason, message, count in raw
    ]


def event(
    obj: Obj,
    kind: str,
    reason: str,
    message: str,
    count: int = 1,
    *,
    field_path: str | None = None,
    component: str = "kubelet",
) -> Obj:
    meta, now = obj["metadata"], timestamp()
    involved = {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "uid": meta["uid"],
        "fieldPath": field_path,
    }
    host = obj.get("spec", {}).get("nodeName")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": metadata(f"{meta['name']}.{uuid.uuid4().hex[:16]}", meta.get("namespace")),
        "involvedObject": {key: value for key, value in involved.items() if value is not None},
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": meta["creationTimestamp"],
        "lastTimestamp": now,
        "source": {"component": component} | ({"host": host} if host else {}),
        "reportingComponent": component,
        "reportingInstance": host or "",
    }


def autoscaler(spec: AutoscalerSpec) -> Obj:
    """A HorizontalPodAutoscaler on CPU, its target running `max_replicas` at `utilization` (its status as the
    controller reports it: simcluster/autoscaling.py keeps it so)."""
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(spec.name, spec.namespace, age=timedelta(days=3), generation=1),
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": spec.deployment},
                 "minReplicas": spec.min_replicas, "maxReplicas": spec.max_replicas,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                     "type": "Utilization", "averageUtilization": spec.target_utilization}}}]},
        "status": autoscaler_status(spec.max_replicas, spec.max_replicas, spec.utilization * spec.max_replicas,
                                    spec.target_utilization),
    }


def autoscaler_status(maximum: int, replicas: int, load: int, target: int) -> Obj:
    """`load`: the utilisation (percent of requests) the pods would have were there one; spread over `replicas`."""
    utilization, wanted = load // max(replicas, 1), -(-load // target)  # the controller rounds the count up
    limited = wanted > maximum
    condition = {"type": "ScalingLimited", "status": "True" if limited else "False",
                 "reason": "TooManyReplicas" if limited else "DesiredWithinRange",
                 "message": "the desired replica count is more than the maximum replica count" if limited
                 else "the desired count is within the acceptable range", "lastTransitionTime": timestamp()}
    return {"currentReplicas": replicas, "desiredReplicas": min(wanted, maximum),
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                "averageUtilization": utilization}}}],
            "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                            "lastTransitionTime": timestamp()},
                           {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                            "lastTransitionTime": timestamp()}, condition]}
