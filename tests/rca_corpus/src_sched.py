# ruff: noqa: E501
"""Scheduling, node and image-pull failures: scheduler wording from the 1.4 "fit failure" and 1.6-1.9 predicate
summaries to today's "untolerated taint" and preemption lines, node conditions and evictions, and image pulls as
Docker, containerd and CRI-O report them."""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    NODE,
    T0,
    T1,
    container,
    crashloop,
    deployment,
    event,
    log_key,
    meta,
    node,
    pod,
    pvc,
    replicaset,
    scenario,
    terminated,
    waiting,
)

K8S = "github:kubernetes/kubernetes"


# --- helpers -------------------------------------------------------------------------------------------------
def sched_fail(p: dict[str, Any], message: str, count: int = 6) -> dict[str, Any]:
    return event(p, "FailedScheduling", message, count=count, component="default-scheduler")


def scheduled(p: dict[str, Any], node_name: str) -> dict[str, Any]:
    m = p["metadata"]
    return event(p, "Scheduled", f"Successfully assigned {m['namespace']}/{m['name']} to {node_name}",
                 type_="Normal", count=1, component="default-scheduler")


def pull_failure(p: dict[str, Any], image: str, message: str, count: int = 4) -> list[dict[str, Any]]:
    """The kubelet's events for an image that cannot be pulled, as `kubectl describe pod` lists them."""
    return [event(p, "Pulling", f'Pulling image "{image}"', type_="Normal", count=count),
            event(p, "Failed", message, count=count),
            event(p, "Failed", "Error: ErrImagePull", count=count),
            event(p, "BackOff", f'Back-off pulling image "{image}"', type_="Normal", count=count * 3),
            event(p, "Failed", "Error: ImagePullBackOff", count=count * 3)]


def pull_backoff(image: str) -> dict[str, Any]:
    return waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')


def a_node(name: str = NODE, ready: str = "True", *, runtime: str = "containerd://1.7.22", kubelet: str = "v1.31.2",
           arch: str = "amd64", allocatable: dict[str, str] | None = None, labels: dict[str, str] | None = None,
           **kwargs: Any) -> dict[str, Any]:
    n = node(name, ready, **kwargs)
    n["metadata"]["labels"] |= {"kubernetes.io/arch": arch, "kubernetes.io/os": "linux", **(labels or {})}
    n["status"]["nodeInfo"] |= {"containerRuntimeVersion": runtime, "kubeletVersion": kubelet,
                                "architecture": arch, "operatingSystem": "linux"}
    if allocatable:
        n["status"]["allocatable"] |= allocatable
        n["status"]["capacity"] |= allocatable
    return n


def node_conditions(ready: tuple[str, str, str], **pressure: tuple[str, str, str]) -> list[dict[str, Any]]:
    """Node conditions spelled out: each value is (status, reason, message)."""
    out = []
    for kind, default in (("MemoryPressure", ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")),
                          ("DiskPressure", ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")),
                          ("PIDPressure", ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"))):
        status, reason, message = pressure.get(kind, default)
        out.append({"type": kind, "status": status, "reason": reason, "message": message,
                    "lastHeartbeatTime": T1, "lastTransitionTime": T0})
    out.append({"type": "Ready", "status": ready[0], "reason": ready[1], "message": ready[2],
                "lastHeartbeatTime": T1, "lastTransitionTime": T1})
    return out


def pending(name: str, ns: str, message: str, containers: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    return pod(name, ns, containers, scheduled=False, message=message, **kwargs)


def persistent_volume(name: str, claim: tuple[str, str], hostname: str, path: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta(name, labels={"type": "local"}),
            "spec": {"storageClassName": "manual", "capacity": {"storage": "20Gi"}, "accessModes": ["ReadWriteMany"],
                     "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": path},
                     "claimRef": {"kind": "PersistentVolumeClaim", "namespace": claim[0], "name": claim[1]},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "kubernetes.io/hostname", "operator": "In", "values": [hostname]}]}]}}},
            "status": {"phase": "Bound"}}


UNREACHABLE = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": T1},
               {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": T1}]
MASTER_TAINT = [{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}]


# =============================================================================================================
# unschedulable_resources
# =============================================================================================================
def _gpu() -> None:
    ns, image = "inference", "triton_server:latest"
    gpu = {"nvidia.com/gpu": "1"}
    node_name = "ttogpu"
    busy = pod("triton-inference-server-5b6c7f889c-x2k9p", ns,
               [container("triton-server", image, requests=gpu, limits=gpu)], node=node_name)
    msg = ("0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: "
           "1 No preemption victims found for incoming pod..")
    p = pending("triton-inference-server-5b6c7f889c-f54c6", ns, msg,
                [container("triton-server", image, requests=gpu, limits=gpu)])
    scenario(
        "sched-gpu-insufficient-nvidia-gpu", "unschedulable_resources",
        source=[{"url": "https://github.com/NVIDIA/k8s-device-plugin/issues/430", "quote": msg}],
        objects=[p, busy, a_node(node_name, allocatable=gpu),
                 deployment("triton-inference-server", ns, replicas=2, ready=1, image=image),
                 replicaset("triton-inference-server-5b6c7f889c", ns, replicas=2, ready=1)],
        events=[sched_fail(p, msg, count=31)],
        logs={log_key(busy, "triton-server"): "I1120 08:00:12.114 server.cc:674] +-------+---------+--------+\n"
                                             "I1120 08:00:12.114 grpc_server.cc:2445] Started GRPCInferenceService at 0.0.0.0:8001\n"
                                             "I1120 08:00:12.115 http_server.cc:3555] Started HTTPService at 0.0.0.0:8000\n"},
        note="second replica asks for the node's only GPU, already held by the first replica")


def _old_predicates_cpu() -> None:
    ns, image = "monitoring", "quay.io/prometheus/prometheus:v1.8.0"
    msg = "No nodes are available that match all of the following predicates:: Insufficient cpu (3)."
    p = pending("prometheus-core-3187654123-k2x9d", ns, msg,
                [container("prometheus", image, requests={"cpu": "2", "memory": "2Gi"}, limits={"memory": "4Gi"})])
    scenario(
        "sched-predicates-wording-insufficient-cpu", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/giantswarm/prometheus/issues/85", "quote": msg}],
        objects=[p, deployment("prometheus-core", ns, replicas=1, ready=0, image=image),
                 replicaset("prometheus-core-3187654123", ns, replicas=1, ready=0)],
        events=[sched_fail(p, msg, count=212),
                event(p, "FailedSync", "Error syncing pod", type_="Warning", count=3, component="kubelet")],
        note="Kubernetes 1.7 predicate summary with the double colon; a stray FailedSync warning, no logs")


def _openshift_memory_vs_selector() -> None:
    ns, image = "mysql-starter", "openshift/origin-deployer:v3.7.0"
    msg = "0/260 nodes are available: 255 Insufficient memory, 5 MatchNodeSelector."
    p = pending("mysql-1-deploy", ns, msg, [container("deployment", image, requests={"cpu": "20m", "memory": "512Mi"},
                                                        limits={"memory": "512Mi"})], owner=("", ""))
    scenario(
        "sched-openshift-insufficient-memory-matchnodeselector", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/openshift/origin/issues/17455", "quote": msg}],
        objects=[p],
        events=[sched_fail(p, msg, count=48)],
        note="1.7-era summary mixing 255 Insufficient memory with 5 MatchNodeSelector (masters); memory dominates")


def _dind_memory_with_taint() -> None:
    ns, image = "monitoring", "prom/prometheus:v2.2.1"
    msg = "0/3 nodes are available: 1 PodToleratesNodeTaints, 3 Insufficient memory."
    p = pending("prometheus-6d8c9f7b45-wq2lp", ns, msg,
                [container("prometheus", image, requests={"cpu": "500m", "memory": "2Gi"}, limits={"memory": "2Gi"})])
    small = {"memory": "1945896Ki", "cpu": "2"}
    scenario(
        "sched-taint-plus-insufficient-memory-dind", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes-retired/kubeadm-dind-cluster/issues/90", "quote": msg}],
        objects=[p, deployment("prometheus", ns, replicas=1, ready=0, image=image),
                 replicaset("prometheus-6d8c9f7b45", ns, replicas=1, ready=0),
                 a_node("kube-master", taints=MASTER_TAINT, allocatable=small, runtime="docker://17.3.2",
                        kubelet="v1.9.3"),
                 a_node("kube-node-1", allocatable=small, runtime="docker://17.3.2", kubelet="v1.9.3"),
                 a_node("kube-node-2", allocatable=small, runtime="docker://17.3.2", kubelet="v1.9.3")],
        events=[sched_fail(p, msg, count=57)],
        note="1.9 wording; the master taint is listed but every node lacks the 2Gi the pod requests")


def _too_many_pods() -> None:
    ns, image = "hwameistor", "ghcr.io/hwameistor/evictor:v0.13.1"
    msg = ("0/3 nodes are available: 1 node(s) were unschedulable, 2 Too many pods. preemption: 0/3 nodes are "
           "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    p = pending("hwameistor-volume-evictor-7f9c5d4b8-qd2lm", ns, msg, [container("evictor", image)])
    full = {"pods": "110"}
    scenario(
        "sched-too-many-pods-with-cordoned-node", "unschedulable_resources",
        source=[{"url": "https://github.com/hwameistor/hwameistor/issues/1227", "quote": msg}],
        objects=[p, deployment("hwameistor-volume-evictor", ns, replicas=1, ready=0, image=image),
                 replicaset("hwameistor-volume-evictor-7f9c5d4b8", ns, replicas=1, ready=0),
                 a_node("k8s-worker-01", allocatable=full), a_node("k8s-worker-02", allocatable=full),
                 a_node("k8s-master-01", unschedulable=True,
                        taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}])],
        events=[sched_fail(p, msg, count=8)],
        note="two workers at their max-pods, the third cordoned")


def _fit_failure_insufficient_pods() -> None:
    ns, image = "qa", "nginx:1.11"
    msg = ("pod (test-1012964845-v8915) failed to fit in any node\n"
           "fit failure summary on nodes : Insufficient pods (2), PodToleratesNodeTaints (1)")
    p = pending("test-1012964845-v8915", ns, "", [container("test", image)])
    scenario(
        "sched-fit-failure-summary-insufficient-pods", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/41070",
                 "quote": "fit failure summary on nodes : Insufficient pods (2), PodToleratesNodeTaints (1)"}],
        objects=[p, deployment("test", ns, replicas=40, ready=38, image=image),
                 replicaset("test-1012964845", ns, replicas=40, ready=38),
                 a_node("b7s38", taints=MASTER_TAINT, runtime="docker://1.12.6", kubelet="v1.5.1"),
                 a_node("b7s39", runtime="docker://1.12.6", kubelet="v1.5.1"),
                 a_node("b7s40", runtime="docker://1.12.6", kubelet="v1.5.1")],
        events=[sched_fail(p, msg, count=665)],
        note="Kubernetes 1.5 wording ('failed to fit in any node'); the PodScheduled condition carries no message")


def _podscheduled_only_memory() -> None:
    ns, image = "hazelcast-e2e", "hazelcast/management-center:5.2.1"
    msg = ("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: "
           "3 No preemption victims found for incoming pod.")
    p = pending("mc-hazelcast-0", ns, msg,
                [container("management-center", image, requests={"cpu": "500m", "memory": "6Gi"},
                           limits={"memory": "6Gi"})], owner=("StatefulSet", "mc-hazelcast"))
    scenario(
        "sched-podscheduled-condition-only-insufficient-memory", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/hazelcast/hazelcast-platform-operator/pull/660", "quote": msg}],
        objects=[p], events=[], unavailable=["events"],
        note="events could not be read: only the pod's PodScheduled condition names the cause")


def _affinity_nodes_out_of_memory() -> None:
    ns, image = "perf-test", "registry.example.com/perf/pt-server:4.2"
    big = {"cpu": "4", "memory": "12Gi"}
    msg = "0/12 nodes are available: 3 Insufficient memory, 9 node(s) didn't match node selector."
    ok0 = pod("pt-4c12g-0", ns, [container("pt", image, requests=big, limits=big, restarts=2)], node="node1",
              owner=("StatefulSet", "pt-4c12g"))
    ok1 = pod("pt-4c12g-1", ns, [container("pt", image, requests=big, limits=big, restarts=1)], node="node2",
              owner=("StatefulSet", "pt-4c12g"))
    p = pending("pt-4c12g-2", ns, msg, [container("pt", image, requests=big, limits=big)],
                owner=("StatefulSet", "pt-4c12g"),
                affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                           "values": ["node1", "node2", "node3"]}]}]}}})
    scenario(
        "sched-affinity-pool-insufficient-memory", "unschedulable_resources", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/86942", "quote": msg}],
        objects=[p, ok0, ok1],
        events=[sched_fail(p, msg, count=150)],
        logs={log_key(ok0, "pt"): "2020-01-08 09:12:01 INFO  server listening on :7070\n2020-01-08 09:12:44 WARN  slow request 1830ms /bench/run\n",
              log_key(ok1, "pt"): "2020-01-08 09:12:03 INFO  server listening on :7070\n"},
        note="9 of 12 nodes fail the selector by design; the 3 allowed nodes lack memory, and the running peers have restarts")


# =============================================================================================================
# unschedulable_constraints
# =============================================================================================================
def _control_plane_taint() -> None:
    ns, image = "web", "httpd:2.4"
    msg = ("0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. "
           "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..")
    p = pending("apache-7f6fddb7df-q229r", ns, msg, [container("apache", image)])
    scenario(
        "sched-untolerated-control-plane-taint", "unschedulable_constraints",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/116133", "quote": msg}],
        objects=[p, deployment("apache", ns, replicas=1, ready=0, image=image),
                 replicaset("apache-7f6fddb7df", ns, replicas=1, ready=0),
                 a_node("debian-k8s", kubelet="v1.26.1", runtime="containerd://1.6.16",
                        taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])],
        events=[sched_fail(p, msg, count=2)],
        note="single control-plane node keeps its default NoSchedule taint")


def _volume_node_affinity() -> None:
    ns, image = "backoffice", "ubuntu:20.04"
    msg = "0/5 nodes are available: 1 node(s) had volume node affinity conflict, 4 node(s) didn't match node selector"
    p = pending("gamelanguage-svc", ns, msg + ".",
                [container("gamelanguage-svc", image, command=["/bin/bash", "-ec", "do stuff"],
                           volumeMounts=[{"name": "gamelanguage-log-storage", "mountPath": "/logs"}])],
                owner=("", ""), nodeSelector={"role": "backoffice"},
                volumes=[{"name": "gamelanguage-log-storage",
                          "persistentVolumeClaim": {"claimName": "gamelanguage-log-pvc"}}])
    claim = pvc("gamelanguage-log-pvc", ns, storage_class="manual", size="20Gi", access_modes=("ReadWriteMany",),
                volume="gamelanguage-log-pv")
    scenario(
        "sched-volume-node-affinity-conflict-hostpath", "unschedulable_constraints",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/81020", "quote": msg}],
        objects=[p, claim, persistent_volume("gamelanguage-log-pv", (ns, "gamelanguage-log-pvc"), "node4",
                                             "/backoffice-logs/gamelanguage-svc")],
        events=[sched_fail(p, msg + ".", count=14)],
        note="hostPath PV pinned to node4 while the pod's nodeSelector excludes node4")


def _nacos_anti_affinity() -> None:
    ns, image = "nacos", "nacos/nacos-server:v2.1.0"
    msg = ("0/1 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity, "
           "1 node(s) didn't match pod anti-affinity rules.")
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["nacos"]}]},
         "topologyKey": "kubernetes.io/hostname"}]}}
    first = pod("nacos-0", ns, [container("k8snacos", image)], owner=("StatefulSet", "nacos"), node="k8s-single",
                affinity=anti)
    p = pending("nacos-1", ns, msg, [container("k8snacos", image)], owner=("StatefulSet", "nacos"), affinity=anti)
    scenario(
        "sched-required-anti-affinity-single-node", "unschedulable_constraints",
        source=[{"url": "https://github.com/nacos-group/nacos-k8s/issues/328", "quote": msg}],
        objects=[p, first, a_node("k8s-single")],
        events=[sched_fail(p, msg, count=44)],
        logs={log_key(first, "k8snacos"): "2022-08-03 10:01:12,441 INFO Nacos is starting...\n"
                                          "2022-08-03 10:01:19,905 INFO Nacos started successfully in cluster mode. use external storage\n"},
        note="required hostname anti-affinity on a one-node cluster: the second replica can never place")


def _topology_spread_with_taints() -> None:
    ns, image = "openshift-storage", "quay.io/ceph/ceph:v17.2.6"
    msg = ("0/6 nodes are available: 1 node(s) had untolerated taint {unschedulable: true}, 2 node(s) didn't match "
           "pod topology spread constraints, 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }. "
           "preemption: 0/6 nodes are available: 2 node(s) didn't match pod topology spread constraints, "
           "4 Preemption is not helpful for scheduling.")
    spread = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "rook-ceph-osd"}}}]
    p = pending("rook-ceph-osd-2-5b7d9c8f6-tz4xq", ns, msg, [container("osd", image)],
                topologySpreadConstraints=spread)
    scenario(
        "sched-topology-spread-and-taints", "unschedulable_constraints", difficulty="hard",
        source=[{"url": "https://github.com/red-hat-storage/ocs-operator/pull/4163", "quote": msg}],
        objects=[p, deployment("rook-ceph-osd-2", ns, replicas=1, ready=0, image=image),
                 replicaset("rook-ceph-osd-2-5b7d9c8f6", ns, replicas=1, ready=0)],
        events=[sched_fail(p, msg, count=2),
                event(p, "FailedScheduling", msg, count=1, component="default-scheduler")],
        note="three placement rules at once (custom taint, master taint, zone spread); nothing about capacity")


def _podscheduled_only_spread() -> None:
    ns, image = "redis", "registry.example.com/redis/predixy:7.0.1"
    msg = ("0/8 nodes are available: 1 node(s) were unschedulable, 3 node(s) didn't match node selector, "
           "4 node(s) didn't match pod topology spread constraints.")
    p = pending("proxy-redis-5", ns, msg, [container("proxy", image)], owner=("StatefulSet", "proxy-redis"),
                topologySpreadConstraints=[{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                                            "whenUnsatisfiable": "DoNotSchedule",
                                            "labelSelector": {"matchLabels": {"app": "redis", "component": "proxy"}}}])
    scenario(
        "sched-podscheduled-condition-only-topology-spread", "unschedulable_constraints", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/106396", "quote": msg}],
        objects=[p], events=[], unavailable=["events"],
        note="no events: the spread-constraint refusal is only in the PodScheduled condition")


def _old_inter_pod_affinity() -> None:
    ns, image = "shop", "docker-registry.default.svc:5000/shop/catalog:latest"
    msg = "0/3 nodes are available: 1 ExistingPodsAntiAffinityRulesNotMatch, 1 MatchInterPodAffinity, 2 CheckServiceAffinity"
    p = pending("catalog-3-x7r2m", ns, msg + ".", [container("catalog", image)],
                owner=("ReplicationController", "catalog-3"))
    scenario(
        "sched-predicate-names-anti-affinity-service-affinity", "unschedulable_constraints", difficulty="hard",
        source=[{"url": "https://github.com/openshift/origin/issues/19506", "quote": msg}],
        objects=[p],
        events=[sched_fail(p, msg + ".", count=96)],
        note="OpenShift 3.9 predicate names only (ExistingPodsAntiAffinityRulesNotMatch, CheckServiceAffinity)")


def _old_hostport_and_taint() -> None:
    ns, image = "ingress", "gcr.io/google_containers/nginx-ingress-controller:0.9.0-beta.11"
    msg = "No nodes are available that match all of the following predicates:: PodFitsHostPorts (1), PodToleratesNodeTaints (1)."
    ports = [{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}]
    first = pod("nginx-ingress-controller-3424826245-7d3vb", ns, [container("nginx-ingress-controller", image, ports=ports)],
                node="worker-1")
    p = pending("nginx-ingress-controller-3424826245-lm8fz", ns, msg,
                [container("nginx-ingress-controller", image, ports=ports)])
    scenario(
        "sched-predicates-wording-hostport-and-taint", "unschedulable_constraints", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/49440", "quote": msg}],
        objects=[p, first, deployment("nginx-ingress-controller", ns, replicas=2, ready=1, image=image),
                 replicaset("nginx-ingress-controller-3424826245", ns, replicas=2, ready=1),
                 a_node("master-1", taints=MASTER_TAINT, runtime="docker://1.12.6", kubelet="v1.7.0"),
                 a_node("worker-1", runtime="docker://1.12.6", kubelet="v1.7.0")],
        events=[sched_fail(p, msg, count=73)],
        logs={log_key(first, "nginx-ingress-controller"): "I0724 08:00:03.101 launch.go:128] &{NGINX 0.9.0-beta.11 git-a3131c5 git@github.com:kubernetes/ingress}\n"
                                                          "I0724 08:00:05.377 controller.go:1210] starting Ingress controller\n"},
        note="Kubernetes 1.7 predicates: hostPort 80 already taken on the worker, master tainted")


def _selector_with_cpu_decoy() -> None:
    ns, image = "batch", "gcr.io/acme-prod/report-renderer:2019.06.15"
    msg = "0/10 nodes are available: 10 node(s) didn't match node selector, 4 Insufficient cpu."
    p = pending("report-renderer-85b7cd6f4-9pq2x", ns, msg, [container("renderer", image, requests={"cpu": "2", "memory": "1Gi"})],
                nodeSelector={"cloud.google.com/gke-nodepool": "highcpu-pool"})
    scenario(
        "sched-node-selector-with-insufficient-cpu-decoy", "unschedulable_constraints", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/49896",
                 "quote": "0/10 nodes are available: 10 node(s) didn"}],
        objects=[p, deployment("report-renderer", ns, replicas=1, ready=0, image=image),
                 replicaset("report-renderer-85b7cd6f4", ns, replicas=1, ready=0)],
        events=[sched_fail(p, msg, count=12)],
        note="'4 Insufficient cpu' is a decoy: all 10 nodes fail the selector (a node pool that does not exist)")


# =============================================================================================================
# node_failure
# =============================================================================================================
def _lost_node_terminating() -> None:
    ns, image = "shop", "registry.example.com/shop/orders-api:3.4.1"
    lost, healthy = "gke-prod-default-pool-5f1c2d3e-x7k2", "gke-prod-default-pool-5f1c2d3e-b9qm"
    unknown = ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    dead = a_node(lost, conditions=node_conditions(unknown, MemoryPressure=unknown, DiskPressure=unknown,
                                                    PIDPressure=unknown), taints=UNREACHABLE,
                  runtime="containerd://1.6.9", kubelet="v1.25.8-gke.500")
    stuck = pod("orders-api-6c9d7f8b5-h4kzp", ns, [container("orders-api", image)], node=lost)
    stuck["metadata"] |= {"deletionTimestamp": T1, "deletionGracePeriodSeconds": 30}
    for c in stuck["status"]["conditions"]:
        if c["type"] == "Ready":
            c |= {"status": "False", "reason": "NodeNotReady"}
    stuck["status"]["conditions"].append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                                          "lastTransitionTime": T1, "reason": "DeletionByTaintManager",
                                          "message": "Taint manager: deleting due to NoExecute taint"})
    fresh = pod("orders-api-6c9d7f8b5-q8wlm", ns, [container("orders-api", image)], node=healthy)
    scenario(
        "sched-lost-node-pod-stuck-terminating", "node_failure",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/43516", "quote": "Kubelet stopped posting node status."},
                {"url": f"{K8S}/pkg/controller/tainteviction/taint_eviction.go", "quote": "Marking for deletion Pod"},
                {"url": f"{K8S}/pkg/controller/util/node/controller_utils.go", "quote": "Node is not ready"}],
        objects=[stuck, fresh, dead, a_node(healthy, runtime="containerd://1.6.9", kubelet="v1.25.8-gke.500"),
                 deployment("orders-api", ns, replicas=2, ready=1, image=image),
                 replicaset("orders-api-6c9d7f8b5", ns, replicas=2, ready=1)],
        events=[event(stuck, "NodeNotReady", "Node is not ready", count=1, component="node-controller"),
                event(stuck, "TaintManagerEviction", f"Marking for deletion Pod {ns}/orders-api-6c9d7f8b5-h4kzp",
                      type_="Normal", count=1, component="taint-eviction-controller"),
                event(dead, "NodeNotReady", f"Node {lost} status is now: NodeNotReady", type_="Normal", count=1,
                      component="node-controller"),
                scheduled(fresh, healthy)],
        logs={log_key(fresh, "orders-api"): "level=info msg=\"listening\" addr=:8080\n"},
        note="old replica stuck Terminating on a node whose kubelet went silent")


def _pleg_generic_symptoms() -> None:
    ns, image = "jhub", "jupyterhub/k8s-singleuser-sample:0.8.2"
    node_name = "etkhub"
    pleg = ("False", "KubeletNotReady",
            "PLEG is not healthy: pleg was last seen active 16h17m50.791825508s ago; threshold is 3m0s")
    sick = a_node(node_name, conditions=node_conditions(pleg), runtime="docker://18.9.2", kubelet="v1.13.4",
                  taints=[{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}])
    hub = pod("hub-7c9d8b5f4-lmn2p", ns, [container("hub", "jupyterhub/k8s-hub:0.8.2", ready=False)], node=node_name)
    user = pod("jupyter-rhaas80", ns, [container("notebook", image, state=waiting("ContainerCreating"))],
               node=node_name, phase="Pending", owner=("", ""))
    scenario(
        "sched-pleg-unhealthy-pods-look-stuck", "node_failure", difficulty="hard",
        source=[{"url": "https://github.com/nds-org/jupyter-et/issues/13",
                 "quote": "PLEG is not healthy: pleg was last seen active 16h17m50.791825508s ago; threshold is 3m0s"}],
        objects=[hub, user, sick, deployment("hub", ns, replicas=1, ready=0, image="jupyterhub/k8s-hub:0.8.2"),
                 replicaset("hub-7c9d8b5f4", ns, replicas=1, ready=0)],
        events=[scheduled(user, node_name)],
        logs={log_key(hub, "hub"): "[I 2019-06-02 21:30:11.204 JupyterHub app:1912] JupyterHub is now running at http://:8000/\n"
                                   "[W 2019-06-02 21:38:54.771 JupyterHub base:714] User rhaas80 is slow to start (timeout=300)\n"},
        note="the notebook pod sits in ContainerCreating with no warning and the hub is unready; only the node's Ready condition says PLEG")


def _runtime_down() -> None:
    ns, image = "payments", "registry.example.com/payments/ledger:5.2.0"
    node_name = "e2e-gce-master-1-minion-11ke"
    down = ("False", "KubeletNotReady", "container runtime is down")
    sick = a_node(node_name, conditions=node_conditions(down), runtime="docker://1.9.1", kubelet="v1.2.0")
    p1 = pod("ledger-5d7f9c6b8-2xw4n", ns, [container("ledger", image, ready=False)], node=node_name)
    p2 = pod("ledger-5d7f9c6b8-k8v7r", ns, [container("ledger", image, state=waiting("ContainerCreating"))],
             node=node_name, phase="Pending")
    scenario(
        "sched-container-runtime-down-node-condition", "node_failure", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/22011", "quote": "container runtime is down"}],
        objects=[p1, p2, sick, deployment("ledger", ns, replicas=2, ready=0, image=image),
                 replicaset("ledger-5d7f9c6b8", ns, replicas=2, ready=0)],
        events=[scheduled(p2, node_name)],
        logs={log_key(p1, "ledger"): "2016-02-25T11:50:02Z INFO ledger: replaying journal from offset 88123\n"
                                     "2016-02-25T11:50:03Z INFO ledger: ready\n"},
        note="one replica unready, one stuck creating, no warnings on the pods; the node says the runtime is down")


def _ephemeral_storage_eviction() -> None:
    ns, image = "ebaogi", "harbor.ebaogi.local/ebaogi/bff-app:2020.07.09"
    node_name = "xen15-142"
    msg = "The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. "
    host = a_node(node_name, runtime="docker://19.3.5", kubelet="v1.16.2")
    evicted = pod("ebaogi-bff-app-955968dbb-7xk2d", ns,
                  [container("ebaogi-bff-app", image, state=terminated(137, "Error"), ready=False)],
                  node=node_name, phase="Failed", reason="Evicted", message=msg)
    fresh = pod("ebaogi-bff-app-955968dbb-p4r9s", ns, [container("ebaogi-bff-app", image)], node="xen16-23")
    scenario(
        "sched-evicted-low-ephemeral-storage", "node_failure",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/91600",
                 "quote": "The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0."}],
        objects=[evicted, fresh, host,
                 deployment("ebaogi-bff-app", ns, replicas=1, ready=1, image=image),
                 replicaset("ebaogi-bff-app-955968dbb", ns, replicas=1, ready=1)],
        events=[event(evicted, "Evicted", msg.strip(), count=1),
                event(evicted, "Killing", "Stopping container ebaogi-bff-app", type_="Normal", count=1),
                event(host, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", count=3)],
        note="kubelet eviction under disk pressure; the replacement pod runs elsewhere")


def _disk_pressure_rejected() -> None:
    ns, image = "openshift-storage", "quay.io/cephcsi/cephcsi:v3.4.0"
    node_name = "oct-03-03-compute"
    msg = "Pod The node had condition: [DiskPressure]. "
    disk = ("True", "KubeletHasDiskPressure", "kubelet has disk pressure")
    ready = ("True", "KubeletReady", "kubelet is posting ready status")
    pressured = a_node(node_name, conditions=node_conditions(ready, DiskPressure=disk), runtime="cri-o://1.21.3",
                       kubelet="v1.22.0-rc.0+a44d0f0",
                       taints=[{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule", "timeAdded": T0}])
    evicted = pod("csi-rbdplugin-qtr59", ns, [container("csi-rbdplugin", image, state=waiting("ContainerCreating"))],
                  node=node_name, phase="Failed", reason="Evicted", message=msg, owner=("DaemonSet", "csi-rbdplugin"))
    evicted["status"].pop("containerStatuses")  # rejected at admission: no container ever ran
    scenario(
        "sched-evicted-node-disk-pressure-condition", "node_failure",
        source=[{"url": "https://github.com/operate-first/apps/issues/1352", "quote": "Pod The node had condition: [DiskPressure]."}],
        objects=[evicted, pressured],
        events=[event(evicted, "Evicted", "The node had condition: [DiskPressure].", count=1)],
        note="daemon pod rejected by a node that reports DiskPressure")


def _memory_eviction_not_oom() -> None:
    ns, image = "fate-10000", "federatedai/egg:1.2.0-release"
    node_name = "aks-nodepool1-28417329-vmss000001"
    msg = "The node was low on resource: memory. Container egg was using 5053216Ki, which exceeds its request of 0."
    mem = ("True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
    ready = ("True", "KubeletReady", "kubelet is posting ready status")
    pressured = a_node(node_name, conditions=node_conditions(ready, MemoryPressure=mem), kubelet="v1.14.8",
                       runtime="docker://3.0.7", taints=[{"key": "node.kubernetes.io/memory-pressure",
                                                           "effect": "NoSchedule", "timeAdded": T0}])
    first = pod("egg-6b8f7d9c5-4kq7z", ns, [container("egg", image, state=terminated(137, "Error"), ready=False)],
                node=node_name, phase="Failed", reason="Evicted", message=msg)
    second = pod("egg-6b8f7d9c5-vx2mn", ns, [container("egg", image, state=waiting("ContainerCreating"), ready=False)],
                 node=node_name, phase="Failed", reason="Evicted", message="The node had condition: [MemoryPressure].")
    second["status"].pop("containerStatuses")
    for p in (first, second):  # no requests or limits: BestEffort, first in line for eviction
        p["spec"]["containers"][0]["resources"] = {}
        p["status"]["qosClass"] = "BestEffort"
    scenario(
        "sched-memory-pressure-eviction-looks-like-oom", "node_failure", difficulty="hard",
        source=[{"url": "https://github.com/FederatedAI/KubeFATE/issues/64", "quote": msg},
                {"url": "https://github.com/FederatedAI/KubeFATE/issues/64", "quote": "The node had condition: [MemoryPressure]."}],
        objects=[first, second, pressured, deployment("egg", ns, replicas=1, ready=0, image=image),
                 replicaset("egg-6b8f7d9c5", ns, replicas=1, ready=0)],
        events=[event(first, "Evicted", msg, count=1),
                event(first, "Killing", "Stopping container egg", type_="Normal", count=1),
                event(first, "ExceededGracePeriod", "Container runtime did not kill the pod within specified grace period.",
                      count=1),
                scheduled(second, node_name),
                event(second, "Evicted", "The node had condition: [MemoryPressure].", count=1)],
        logs={log_key(first, "egg", previous=True): "[INFO] 2019-12-06 03:12:44,118 egg: processing partition 117/512\n"
                                                    "[INFO] 2019-12-06 03:13:02,560 egg: processing partition 118/512\n"},
        note="exit 137 and a memory message, but no OOMKilled: the kubelet evicted under node MemoryPressure")


def _disk_pressure_taint_pending() -> None:
    ns, image = "kubeflow", "docker.io/kubeflownotebookswg/jupyter-web-app:v1.9.0"
    node_name = "dev-big"
    msg = ("0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }. "
           "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    disk = ("True", "KubeletHasDiskPressure", "kubelet has disk pressure")
    ready = ("True", "KubeletReady", "kubelet is posting ready status")
    pressured = a_node(node_name, conditions=node_conditions(ready, DiskPressure=disk), runtime="containerd://1.6.36",
                       kubelet="v1.32.4", taints=[{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule",
                                                   "timeAdded": T0}])
    p = pending("jupyter-web-app-deployment-6c5b9d8f7-rk4tw", ns, msg, [container("jupyter-web-app", image)])
    old = pod("jupyter-web-app-deployment-6c5b9d8f7-9bzx2", ns,
              [container("jupyter-web-app", image, state=terminated(137, "ContainerStatusUnknown",
                                                                    "The container could not be located when the pod was terminated"),
                         ready=False)],
              node=node_name, phase="Failed", reason="Evicted", message="The node had condition: [DiskPressure]. ")
    scenario(
        "sched-disk-pressure-taint-blocks-scheduling", "node_failure", difficulty="hard",
        source=[{"url": "https://github.com/canonical/k8s-snap/issues/1456", "quote": msg},
                {"url": "https://github.com/canonical/k8s-snap/issues/1456", "quote": "The node had condition: [DiskPressure]."}],
        objects=[p, old, pressured, deployment("jupyter-web-app-deployment", ns, replicas=1, ready=0, image=image),
                 replicaset("jupyter-web-app-deployment-6c5b9d8f7", ns, replicas=1, ready=0)],
        events=[sched_fail(p, msg, count=19),
                event(old, "Evicted", "The node had condition: [DiskPressure].", count=1)],
        note="reads like a toleration problem, but the taint is the kubelet's disk-pressure taint on the only node")


def _unreachable_taint_pending() -> None:
    ns, image = "optscale", "hystax/optscale-keeper:2024.11"
    node_name = "optscale-vm"
    msg = ("0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "
           "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    unknown = ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    dead = a_node(node_name, conditions=node_conditions(unknown, MemoryPressure=unknown, DiskPressure=unknown,
                                                         PIDPressure=unknown), taints=UNREACHABLE, kubelet="v1.24.17")
    keeper = pending("keeper-577cccc7db-s4r4v", ns, msg, [container("keeper", image)])
    executor = pending("keeper-executor-7d5c457795-m542v", ns, msg, [container("keeper-executor", image)])
    scenario(
        "sched-unreachable-taint-single-node", "node_failure", difficulty="hard",
        source=[{"url": "https://github.com/hystax/optscale/issues/568", "quote": msg}],
        objects=[keeper, executor, dead, deployment("keeper", ns, replicas=1, ready=0, image=image),
                 replicaset("keeper-577cccc7db", ns, replicas=1, ready=0, deployment_name="keeper")],
        events=[sched_fail(keeper, msg, count=140), sched_fail(executor, msg, count=140),
                event(keeper, "SuccessfulCreate", "Created pod: keeper-577cccc7db-s4r4v", type_="Normal", count=1,
                      component="replicaset-controller")],
        note="scheduler wording says 'untolerated taint'; the taint is node.kubernetes.io/unreachable on the only node")


# =============================================================================================================
# image_pull_error
# =============================================================================================================
def _docker_manifest_unknown() -> None:
    ns, image = "drain-node-on-crash", "drainnode/leader:v1.0-rc9"
    msg = (f'Failed to pull image "{image}": rpc error: code = Unknown desc = Error response from daemon: '
           "manifest for drainnode/leader:v1.0-rc9 not found: manifest unknown: manifest unknown")
    p = pod("leader-5c6d7b8f9-wz2kt", ns, [container("leader", image, state=pull_backoff(image))], phase="Pending",
            node="rke-node-02")
    scenario(
        "sched-docker-manifest-unknown-tag", "image_pull_error",
        source=[{"url": "https://github.com/mattmattox/drain-node-on-crash/issues/7",
                 "quote": "manifest for drainnode/leader:v1.0-rc9 not found: manifest unknown: manifest unknown"}],
        objects=[p, deployment("leader", ns, replicas=1, ready=0, image=image),
                 replicaset("leader-5c6d7b8f9", ns, replicas=1, ready=0),
                 a_node("rke-node-02", runtime="docker://19.3.12", kubelet="v1.18.8")],
        events=pull_failure(p, image, msg),
        note="dockershim wording for a tag that was never pushed")


def _containerd_not_found() -> None:
    ns, image = "sympozium-system", "ghcr.io/alexsjones/sympozium/apiserver:v0.0.29"
    msg = (f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
           f'"{image}": failed to resolve reference "{image}": {image}: not found')
    p = pod("sympozium-apiserver-74f9b6d5c8-ld7nq", ns, [container("apiserver", image, state=pull_backoff(image))],
            phase="Pending")
    scenario(
        "sched-containerd-failed-to-resolve-reference", "image_pull_error",
        source=[{"url": "https://github.com/sympozium-ai/sympozium/issues/5", "quote": msg}],
        objects=[p, deployment("sympozium-apiserver", ns, replicas=1, ready=0, image=image),
                 replicaset("sympozium-apiserver-74f9b6d5c8", ns, replicas=1, ready=0)],
        events=pull_failure(p, image, msg, count=6),
        note="containerd NotFound: the manifests point at a version that was not published")


def _sidecar_pull_access_denied() -> None:
    ns = "logging"
    image, fb = "docker.io/stevenacoffman/node-echo-server", "fluent/fluent-bit:1.4"
    msg = (f'Failed to pull image "{image}": rpc error: code = Unknown desc = Error response from daemon: '
           "pull access denied for stevenacoffman/node-echo-server, repository does not exist or may require 'docker login'")
    p = pod("fluent-bit-http-6xkq8", ns,
            [container("fluent-bit", fb, ready=True),
             container("echo-server", image, state=pull_backoff(image))],
            owner=("DaemonSet", "fluent-bit-http"))
    scenario(
        "sched-sidecar-pull-access-denied", "image_pull_error", difficulty="hard",
        source=[{"url": "https://github.com/StevenACoffman/logsink/issues/4", "quote": msg}],
        objects=[p, a_node(runtime="docker://19.3.6", kubelet="v1.18.2")],
        events=[*pull_failure(p, image, msg, count=5),
                event(p, "Started", "Started container fluent-bit", type_="Normal", count=1)],
        logs={log_key(p, "fluent-bit"):
              "Fluent Bit v1.4.4\n"
              "[2020/05/24 10:00:01] [ info] [engine] started (pid=1)\n"
              "[2020/05/24 10:00:06] [error] [io] TCP connection failed: 127.0.0.1:3000 (Connection refused)\n"
              "[2020/05/24 10:00:06] [error] [output:http:http.0] no upstream connections available to 127.0.0.1:3000\n"
              "[2020/05/24 10:00:06] [ warn] [engine] failed to flush chunk '1-1590314401.5.flb', retry in 9 seconds: task_id=0, input=tail.0 > output=http.0\n"},
        note="one of two containers cannot be pulled; the running log shipper's connection-refused errors are the consequence")


def _crio_rate_limit() -> None:
    ns, image = "myproject", "obsidiandynamics/kafdrop:latest"
    msg = (f'Failed to pull image "{image}": rpc error: code = Unknown desc = Error reading manifest latest in '
           "docker.io/obsidiandynamics/kafdrop: toomanyrequests: You have reached your pull rate limit. You may "
           "increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
    p = pod("kafdrop-1-j4969", ns, [container("kafdrop", image, state=pull_backoff(image))], phase="Pending",
            node="compute-0", owner=("ReplicationController", "kafdrop-1"))
    scenario(
        "sched-crio-docker-hub-rate-limit", "image_pull_error",
        source=[{"url": "https://github.com/red-hat-storage/ocs-ci/issues/4494",
                 "quote": "Error reading manifest latest in docker.io/obsidiandynamics/kafdrop: toomanyrequests: You have reached your pull rate limit."}],
        objects=[p, a_node("compute-0", runtime="cri-o://1.19.1-7.rhaos4.6.git6377f68.el8", kubelet="v1.19.0+7070803")],
        events=[scheduled(p, "compute-0"),
                event(p, "AddedInterface", "Add eth0 [10.131.0.86/23]", type_="Normal", count=1, component="multus"),
                *pull_failure(p, image, msg, count=2)],
        note="CRI-O wording of Docker Hub's anonymous pull limit on OpenShift 4.6")


def _init_container_rate_limit() -> None:
    ns, image = "rbd-e2e", "docker.io/library/busybox:1.29"
    app = "quay.io/cephcsi/cephcsi:canary"
    msg = (f'Failed to pull image "{image}": rpc error: code = Unknown desc = Error response from daemon: '
           "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating "
           "and upgrading: https://www.docker.com/increase-rate-limit")
    init = container("wait-for-volume", image, state=pull_backoff(image))
    p = pod("pvc-tester-zlrfq", ns, [container("tester", app, state=waiting("PodInitializing"))], init=[init],
            phase="Pending", node="minikube", owner=("", ""))
    scenario(
        "sched-init-container-docker-rate-limit", "image_pull_error", difficulty="hard",
        source=[{"url": "https://github.com/ceph/ceph-csi/issues/2029", "quote": msg}],
        objects=[p, a_node("minikube", runtime="docker://20.10.4", kubelet="v1.20.2")],
        events=pull_failure(p, image, msg, count=3),
        note="the main container only shows PodInitializing; the init container's image hits the Docker Hub limit")


def _no_match_for_platform() -> None:
    ns, image = "fdb", "foundationdb/fdb-kubernetes-operator:v2.6.0"
    msg = (f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
           '"docker.io/foundationdb/fdb-kubernetes-operator:v2.6.0": no match for platform in manifest: not found')
    p = pod("fdb-kubernetes-operator-controller-manager-7f5575c8dd-6gprn", ns,
            [container("manager", image, state=pull_backoff(image))], phase="Pending", node="kind-control-plane")
    scenario(
        "sched-no-image-for-arm64-node", "image_pull_error",
        source=[{"url": "https://github.com/FoundationDB/fdb-kubernetes-operator/issues/2294",
                 "quote": 'failed to pull and unpack image "docker.io/foundationdb/fdb-kubernetes-operator:v2.6.0": no match for platform in manifest: not found'}],
        objects=[p, a_node("kind-control-plane", arch="arm64", runtime="containerd://2.0.3", kubelet="v1.32.2"),
                 deployment("fdb-kubernetes-operator-controller-manager", ns, replicas=1, ready=0, image=image),
                 replicaset("fdb-kubernetes-operator-controller-manager-7f5575c8dd", ns, replicas=1, ready=0)],
        events=pull_failure(p, image, msg, count=3),
        note="the tag exists, but not for linux/arm64 (kind on an Apple-silicon laptop)")


def _registry_x509() -> None:
    ns, image = "sample", "10.78.0.228:5000/monitorms"
    msg = (f'Failed to pull image "{image}": Error response from daemon: '
           '{"message":"Get https://10.78.0.228:5000/v1/_ping: x509: certificate signed by unknown authority"}')
    p = pod("monitorms-mmqhm", ns, [container("monitorms", image, state=pull_backoff(image))], phase="Pending",
            node="kubernetes-minion-3303", owner=("ReplicationController", "monitorms"))
    p["metadata"]["ownerReferences"][0]["apiVersion"] = "v1"
    scenario(
        "sched-private-registry-x509-unknown-authority", "image_pull_error", difficulty="hard",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/43924",
                 "quote": "Get https://10.78.0.228:5000/v1/_ping: x509: certificate signed by unknown authority"}],
        objects=[p, a_node("kubernetes-minion-3303", runtime="docker://1.12.6", kubelet="v1.5.2")],
        events=[*pull_failure(p, image, msg, count=7),
                event(p, "FailedSync", "Error syncing pod, skipping: failed to \"StartContainer\" for \"monitorms\" with ImagePullBackOff: \"Back-off pulling image \\\"10.78.0.228:5000/monitorms\\\"\"",
                      count=20)],
        note="Kubernetes 1.5 / Docker wording: the node's runtime does not trust the private registry's certificate")


def _invalid_image_name() -> None:
    ns = "scf-eirini"
    image = "/cloudfoundry/75f129a0-d8c9-415a-9a8a-f514002f1459:a28a05709747165a9c25c14f1b77d5c4db260d48"
    msg = (f'Failed to apply default image tag "{image}": couldn\'t parse image reference "{image}": '
           "invalid reference format")
    p = pod("12factor-demo-adcc188eef-0", ns, [container("opi", image, state=waiting("InvalidImageName", msg))],
            phase="Pending", node="minikube", owner=("StatefulSet", "12factor-demo-adcc188eef"))
    scenario(
        "sched-invalid-image-name-leading-slash", "image_pull_error",
        source=[{"url": "https://github.com/cloudfoundry-incubator/kubecf/issues/63", "quote": msg}],
        objects=[p, a_node("minikube", runtime="docker://18.9.9", kubelet="v1.15.4")],
        events=[scheduled(p, "minikube"),
                event(p, "InspectFailed", msg, count=3),
                event(p, "Failed", "Error: InvalidImageName", count=3)],
        note="image reference built without a registry host")


def _exec_format_error() -> None:
    ns, image = "tracee-system", "docker.io/aquasec/tracee:0.11.0"
    node_name = "pi0"
    p = pod("tracee-8hx2d", ns, [container("tracee", image, **crashloop(1, restarts=14, name="tracee"))],
            node=node_name, owner=("DaemonSet", "tracee"))
    scenario(
        "sched-exec-format-error-amd64-image-on-arm64", "image_pull_error", difficulty="hard",
        source=[{"url": "https://github.com/aquasecurity/tracee/issues/2757", "quote": "exec /tracee/entrypoint.sh: exec format error"}],
        objects=[p, a_node(node_name, arch="arm64", runtime="containerd://1.6.8", kubelet="v1.26.1",
                           labels={"microk8s.io/cluster": "true"})],
        events=[event(p, "Pulled", f'Container image "{image}" already present on machine', type_="Normal", count=15),
                event(p, "BackOff", "Back-off restarting failed container tracee in pod tracee-8hx2d_tracee-system(5a1c)",
                      count=60)],
        logs={log_key(p, "tracee", previous=True): "exec /tracee/entrypoint.sh: exec format error\n",
              log_key(p, "tracee"): ""},
        note="looks like a crash loop, but the image is amd64-only on a Raspberry Pi node: the image is wrong for the node")


for _case in (_gpu, _old_predicates_cpu, _openshift_memory_vs_selector, _dind_memory_with_taint, _too_many_pods,
              _fit_failure_insufficient_pods, _podscheduled_only_memory, _affinity_nodes_out_of_memory,
              _control_plane_taint, _volume_node_affinity, _nacos_anti_affinity, _topology_spread_with_taints,
              _podscheduled_only_spread, _old_inter_pod_affinity, _old_hostport_and_taint, _selector_with_cpu_decoy,
              _lost_node_terminating, _pleg_generic_symptoms, _runtime_down, _ephemeral_storage_eviction,
              _disk_pressure_rejected, _memory_eviction_not_oom, _disk_pressure_taint_pending,
              _unreachable_taint_pending,
              _docker_manifest_unknown, _containerd_not_found, _sidecar_pull_access_denied, _crio_rate_limit,
              _init_container_rate_limit, _no_match_for_platform, _registry_x509, _invalid_image_name,
              _exec_format_error):
    _case()
