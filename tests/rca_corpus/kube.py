"""Builders for the RCA corpus: Kubernetes objects shaped as an API server returns them, and `scenario()`.

A corpus module (`tests/rca_corpus/src_*.py`) calls `scenario(...)` once per case; `write.py` turns each into
one JSON file in `dev/` or `held/` (the split is fixed by the scenario's name, see `split_of`). Every scenario
cites the public text it was built from: `source=[{"url": ..., "quote": ...}]`, where `quote` is the failure
text exactly as published and must appear verbatim in the scenario's events, logs or object statuses.
"""

from __future__ import annotations

import zlib
from typing import Any

T0 = "2026-11-20T08:00:00Z"
T1 = "2026-11-20T08:14:37Z"
NODE = "ip-10-0-1-17.ec2.internal"

SCENARIOS: dict[str, dict[str, Any]] = {}
DIFFICULTIES = ("easy", "hard")


def split_of(name: str) -> str:
    """The frozen split: about 40 % of the scenarios are held out, chosen by the name alone."""
    return "held" if zlib.crc32(name.encode()) % 5 < 2 else "dev"


def scenario(name: str, expected: str, *, source: list[dict[str, str]], objects: list[dict[str, Any]],
             events: list[dict[str, Any]] | None = None, logs: dict[str, str] | None = None,
             difficulty: str = "easy", note: str = "", unavailable: list[str] | None = None) -> None:
    """Register one case. `unavailable` names what could not be read (e.g. "logs", "resourcequotas")."""
    if name in SCENARIOS:
        raise ValueError(f"scenario {name!r} is defined twice")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"{name}: difficulty is one of {DIFFICULTIES}")
    SCENARIOS[name] = {"name": name, "expected_category": expected, "difficulty": difficulty, "source": source,
                       "note": note, "objects": objects, "events": events or [], "logs": logs or {},
                       **({"unavailable": unavailable} if unavailable else {})}


def uid(name: str) -> str:
    return f"{zlib.crc32(name.encode()) % 10**8:08d}-4c1e-4f7a-9d2b-5a1f0c3e7b91"


def meta(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    data = {"name": name, "uid": uid(name), "resourceVersion": str(100000 + len(name)), "creationTimestamp": T0,
            **extra}
    if namespace:
        data["namespace"] = namespace
    return data


# --- container states (the `state` / `lastState` values of a containerStatus)
def waiting(reason: str, message: str = "") -> dict[str, Any]:
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def running() -> dict[str, Any]:
    return {"running": {"startedAt": T1}}


def terminated(exit_code: int, reason: str = "Error", message: str = "") -> dict[str, Any]:
    return {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": T0, "finishedAt": T1,
                           "containerID": "containerd://1a2b", **({"message": message} if message else {})}}


def container(name: str = "app", image: str = "registry.example.com/shop/app:1.0.0", *,
              state: dict[str, Any] | None = None, last: dict[str, Any] | None = None, restarts: int = 0,
              ready: bool | None = None, limits: dict[str, str] | None = None,
              requests: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    """A container: its spec (extra keys such as livenessProbe, env, command go into the spec) and status.

    `state` defaults to running; `ready` defaults to whether it runs. A crash loop is
    `state=waiting("CrashLoopBackOff", ...), last=terminated(1), restarts=7` (or `**crashloop(1)`).
    """
    state = state or running()
    ready = ("running" in state) if ready is None else ready
    return {"spec": {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
                     "resources": {"requests": requests or {"cpu": "100m", "memory": "128Mi"},
                                   "limits": limits or {"memory": "256Mi"}},
                     "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", **spec},
            "status": {"name": name, "image": image, "imageID": "", "containerID": "containerd://9f8e7d6c5b4a",
                       "ready": ready, "started": "running" in state, "restartCount": restarts, "state": state,
                       "lastState": last or {}}}


def crashloop(exit_code: int = 1, reason: str = "Error", restarts: int = 7, message: str = "",
              name: str = "app") -> dict[str, Any]:
    """Keyword arguments of `container()` for a container in CrashLoopBackOff after `last` terminated so."""
    return {"state": waiting("CrashLoopBackOff", f"back-off 5m0s restarting failed container={name} pod=x"),
            "last": terminated(exit_code, reason, message), "restarts": restarts}


def pod(name: str, ns: str, containers: list[dict[str, Any]] | None = None, *,
        init: list[dict[str, Any]] | None = None, phase: str = "Running", node: str | None = NODE,
        owner: tuple[str, str] | None = None, conditions: list[dict[str, Any]] | None = None,
        reason: str | None = None, message: str | None = None, scheduled: bool = True,
        **spec: Any) -> dict[str, Any]:
    """A Pod with the given `container()`s (default: one running app) and init containers.

    The owner defaults to a ReplicaSet named after the pod (`checkout-7d9f8b6c5-m4n5b` -> `checkout-7d9f8b6c5`);
    pass `owner=("StatefulSet", "db")`, `("Job", "migrate")`, or `("", "")` for a bare pod. Conditions are
    derived (Initialized, Ready, ContainersReady, PodScheduled) unless given. Extra keyword arguments go into
    the spec (volumes, tolerations, nodeSelector, affinity, securityContext...).
    """
    containers = containers if containers is not None else [container()]
    init = init or []
    kind, owner_name = owner if owner is not None else ("ReplicaSet", name.rsplit("-", 1)[0])
    all_ready = bool(containers) and all(c["status"]["ready"] for c in containers)
    init_done = all("terminated" in c["status"]["state"] and c["status"]["state"]["terminated"]["exitCode"] == 0
                    for c in init)
    if conditions is None:
        unready = ",".join(c["spec"]["name"] for c in containers if not c["status"]["ready"])
        conditions = [_condition("Initialized", init_done, "ContainersNotInitialized",
                                 "containers with incomplete status: [" + " ".join(
                                     c["spec"]["name"] for c in init) + "]"),
                      _condition("Ready", all_ready, "ContainersNotReady",
                                 f"containers with unready status: [{unready}]"),
                      _condition("ContainersReady", all_ready, "ContainersNotReady",
                                 f"containers with unready status: [{unready}]"),
                      {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": T0}]
        if not scheduled:
            conditions = [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                           "lastTransitionTime": T0, "reason": "Unschedulable", "message": message or ""}]
    status: dict[str, Any] = {"phase": "Pending" if not scheduled else phase, "qosClass": "Burstable",
                              "conditions": conditions}
    if scheduled and node:
        status |= {"startTime": T0, "hostIP": "10.0.1.17", "podIP": "10.244.3.41", "podIPs": [{"ip": "10.244.3.41"}]}
    if scheduled:
        status["containerStatuses"] = [c["status"] for c in containers]
        if init:
            status["initContainerStatuses"] = [c["status"] for c in init]
    if reason:
        status |= {"reason": reason, "message": message or ""}
    pod_spec: dict[str, Any] = {"containers": [c["spec"] for c in containers], "restartPolicy": "Always",
                                "dnsPolicy": "ClusterFirst", "serviceAccountName": "default",
                                "schedulerName": "default-scheduler", **spec}
    if init:
        pod_spec["initContainers"] = [c["spec"] for c in init]
    if scheduled and node:
        pod_spec["nodeName"] = node
    extra: dict[str, Any] = {"labels": {"app": owner_name.rsplit("-", 1)[0] if kind == "ReplicaSet" else owner_name}}
    if kind:
        extra["ownerReferences"] = [{"apiVersion": "batch/v1" if kind == "Job" else "apps/v1", "kind": kind,
                                     "name": owner_name, "uid": uid(owner_name), "controller": True,
                                     "blockOwnerDeletion": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, ns, **extra), "spec": pod_spec,
            "status": status}


def _condition(type_: str, ok: bool, reason: str, message: str) -> dict[str, Any]:
    return {"type": type_, "status": "True" if ok else "False", "lastProbeTime": None, "lastTransitionTime": T1,
            **({} if ok else {"reason": reason, "message": message})}


def condition(type_: str, status: str, reason: str = "", message: str = "") -> dict[str, Any]:
    """A controller condition (Deployment, ReplicaSet, Job, Node, PVC...)."""
    return {"type": type_, "status": status, "lastTransitionTime": T1, "lastUpdateTime": T1,
            **({"reason": reason} if reason else {}), **({"message": message} if message else {})}


def node(name: str = NODE, ready: str = "True", *, conditions: list[dict[str, Any]] | None = None,
         taints: list[dict[str, Any]] | None = None, unschedulable: bool = False, **pressure: str) -> dict[str, Any]:
    """A Node; `ready` is "True", "False" or "Unknown"; pressure as MemoryPressure="True" etc."""
    def has(kind: str) -> bool:
        return pressure.get(kind) == "True"

    if conditions is None:
        conditions = [{"type": kind, "status": pressure.get(kind, "False"),
                       "reason": f"KubeletHas{'' if has(kind) else 'No'}{kind}",
                       "message": f"kubelet has {'' if has(kind) else 'no '}{kind.lower()}",
                       "lastHeartbeatTime": T1, "lastTransitionTime": T1}
                      for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")]
        ready_reason = {"True": ("KubeletReady", "kubelet is posting ready status"),
                        "False": ("KubeletNotReady", "PLEG is not healthy: pleg was last seen active 3m0s ago"),
                        "Unknown": ("NodeStatusUnknown", "Kubelet stopped posting node status.")}[ready]
        conditions.append({"type": "Ready", "status": ready, "reason": ready_reason[0], "message": ready_reason[1],
                           "lastHeartbeatTime": T1, "lastTransitionTime": T1})
    spec: dict[str, Any] = {"podCIDR": "10.244.3.0/24"}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta(name, labels={"kubernetes.io/hostname": name}),
            "spec": spec,
            "status": {"conditions": conditions, "capacity": {"cpu": "4", "memory": "16310888Ki", "pods": "110"},
                       "allocatable": {"cpu": "3920m", "memory": "15291944Ki", "pods": "110"},
                       "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22"}}}


def event(obj: dict[str, Any], reason: str, message: str, *, type_: str = "Warning", count: int = 5,
          component: str = "kubelet") -> dict[str, Any]:
    """A core/v1 Event about `obj` (components: kubelet, default-scheduler, replicaset-controller,
    deployment-controller, job-controller, persistentvolume-controller, attachdetach-controller...)."""
    m = obj["metadata"]
    return {"apiVersion": "v1", "kind": "Event", "type": type_, "reason": reason, "message": message, "count": count,
            "metadata": meta(f"{m['name']}.187a{zlib.crc32((reason + message).encode()) % 10**8:08x}",
                             m.get("namespace")),
            "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": m["name"],
                               "namespace": m.get("namespace"), "uid": m["uid"]},
            "source": {"component": component}, "firstTimestamp": T0, "lastTimestamp": T1,
            "reportingComponent": component}


def deployment(name: str, ns: str, *, replicas: int = 2, ready: int = 0, available: int | None = None,
               conditions: list[dict[str, Any]] | None = None, image: str = "registry.example.com/shop/app:1.0.0",
               revision: int = 1) -> dict[str, Any]:
    available = ready if available is None else available
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(name, ns, generation=revision, annotations={
                "deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}},
            "status": {"observedGeneration": revision, "replicas": replicas, "readyReplicas": ready,
                       "availableReplicas": available, "unavailableReplicas": max(replicas - available, 0),
                       "conditions": conditions if conditions is not None else [
                           condition("Available", "True" if available >= replicas else "False",
                                     "MinimumReplicasAvailable" if available >= replicas
                                     else "MinimumReplicasUnavailable",
                                     "Deployment has minimum availability." if available >= replicas
                                     else "Deployment does not have minimum availability."),
                           condition("Progressing", "True", "NewReplicaSetAvailable",
                                     f'ReplicaSet "{name}-7d9f8b6c5" has successfully progressed.')]}}


def replicaset(name: str, ns: str, *, replicas: int = 2, ready: int = 0, deployment_name: str | None = None,
               conditions: list[dict[str, Any]] | None = None, revision: int = 1) -> dict[str, Any]:
    owner = deployment_name or name.rsplit("-", 1)[0]
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(name, ns, annotations={"deployment.kubernetes.io/revision": str(revision)},
                             ownerReferences=[{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner,
                                               "uid": uid(owner), "controller": True}]),
            "spec": {"replicas": replicas},
            "status": {"replicas": ready, "readyReplicas": ready, "availableReplicas": ready,
                       **({"conditions": conditions} if conditions else {})}}


def job(name: str, ns: str, *, conditions: list[dict[str, Any]] | None = None, failed: int = 0,
        succeeded: int = 0, active: int = 0, backoff_limit: int = 6) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(name, ns),
            "spec": {"backoffLimit": backoff_limit, "completions": 1, "parallelism": 1},
            "status": {"failed": failed, "succeeded": succeeded, "active": active,
                       **({"conditions": conditions} if conditions else {})}}


def resource_quota(name: str, ns: str, hard: dict[str, str], used: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta(name, ns), "spec": {"hard": hard},
            "status": {"hard": hard, "used": used}}


def limit_range(name: str, ns: str, limits: list[dict[str, Any]]) -> dict[str, Any]:
    """`limits` as in the spec: [{"type": "Container", "max": {...}, "min": {...}, "default": {...}}]."""
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": meta(name, ns), "spec": {"limits": limits}}


def network_policy(name: str, ns: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, ns), "spec": spec}


def pvc(name: str, ns: str, *, phase: str = "Bound", storage_class: str = "gp3", size: str = "10Gi",
        access_modes: tuple[str, ...] = ("ReadWriteOnce",), volume: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": list(access_modes), "resources": {"requests": {"storage": size}},
                            "storageClassName": storage_class}
    if phase == "Bound":
        spec["volumeName"] = volume or f"pvc-{uid(name)}"
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(name, ns), "spec": spec,
            "status": {"phase": phase, **({"capacity": {"storage": size}, "accessModes": list(access_modes)}
                                          if phase == "Bound" else {})}}


def service(name: str, ns: str, *, selector: dict[str, str] | None = None, port: int = 80,
            target_port: int | str = 8080) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns),
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.41.7", "selector": selector or {"app": name},
                     "ports": [{"port": port, "targetPort": target_port, "protocol": "TCP"}]}}


def log_key(p: dict[str, Any], container_name: str = "app", previous: bool = False) -> str:
    """The `logs` key of a container: "ns/pod/container" (":previous" for the last terminated one)."""
    m = p["metadata"]
    return f"{m['namespace']}/{m['name']}/{container_name}" + (":previous" if previous else "")


# --- shapes many cases share
def crash_events(p: dict[str, Any], cname: str, image: str, restarts: int) -> list[dict[str, Any]]:
    """The events of a crash-looping container: pulled, created and started each restart, then back-off."""
    name, ns = p["metadata"]["name"], p["metadata"]["namespace"]
    return [event(p, "Pulled", f'Container image "{image}" already present on machine', type_="Normal",
                  count=restarts + 1),
            event(p, "Created", f"Created container {cname}", type_="Normal", count=restarts + 1),
            event(p, "Started", f"Started container {cname}", type_="Normal", count=restarts + 1),
            event(p, "BackOff", f"Back-off restarting failed container {cname} in pod {name}_{ns}({uid(name)})",
                  count=restarts * 4 + 3)]


def looping(pod_name: str, ns: str, cname: str, exit_code: int = 1, restarts: int = 7, reason: str = "Error",
          message: str = "") -> dict[str, Any]:
    """Keyword arguments of `container()` for a container in CrashLoopBackOff (kubelet's wording)."""
    return {"state": waiting("CrashLoopBackOff",
                             f"back-off 5m0s restarting failed container={cname} pod={pod_name}_{ns}({uid(pod_name)})"),
            "last": terminated(exit_code, reason, message), "restarts": restarts}


def deployment_and_rs(name: str, ns: str, rs_hash: str, image: str, *, replicas: int = 1, ready: int = 0,
            revision: int = 1) -> list[dict[str, Any]]:
    """A Deployment and its current ReplicaSet."""
    return [deployment(name, ns, replicas=replicas, ready=ready, image=image, revision=revision),
            replicaset(f"{name}-{rs_hash}", ns, replicas=replicas, ready=ready, deployment_name=name,
                       revision=revision)]


def log_text(*lines: str) -> str:
    """Log lines as the logs API returns them (one text, a newline after each)."""
    return "\n".join(lines) + "\n"
