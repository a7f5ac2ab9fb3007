"""CPU time of one poll, for 1k and 10k pods: decoding the raw list bodies, `detect_snapshot` over
every kind, and recording the findings (a throwaway SQLite database, or DATABASE_URL's). Not a test:
it prints figures and asserts nothing.

Synthetic cluster: 10% of pods failing (spread over every pod detector's failure), and nodes,
deployments, statefulsets, daemonsets, jobs and warning events in proportion to the pods. Objects are
shaped like `kubectl get -o json` output, managedFields included (list calls return them), so the
decode figures are near what a real API server's bodies cost.

Usage: .venv/bin/python bench/poll_cpu.py [pods ...]     (default: 1000 10000)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
REPEATS = 5
FAILURES = ("crashloop", "oomkilled", "imagepull", "config", "unschedulable", "evicted", "not_ready")

Obj = dict[str, Any]


def ts(minutes_ago: float = 0) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def managed_fields(manager: str) -> list[Obj]:
    return [{"manager": manager, "operation": "Update", "apiVersion": "v1", "time": ts(90), "fieldsType": "FieldsV1",
             "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}}},
                          "f:spec": {"f:containers": {'k:{"name":"app"}': {".": {}, "f:image": {}, "f:name": {},
                                                                          "f:resources": {}}}}}}]


def pod(i: int, deploy: str, node: str, failure: str | None) -> Obj:
    rs, name = f"{deploy}-7d9f8b6c5", f"{deploy}-7d9f8b6c5-{i:05d}"
    running = {"running": {"startedAt": ts(120)}}
    cs: Obj = {"name": "app", "image": f"registry.example.com/shop/{deploy}:1.4.2", "ready": True, "started": True,
               "restartCount": 0, "state": running, "lastState": {},
               "imageID": f"registry.example.com/shop/{deploy}@sha256:{'ab' * 32}",
               "containerID": f"containerd://{'cd' * 32}"}
    phase, ready, extra = "Running", "True", {}
    if failure in ("crashloop", "oomkilled"):
        reason = "OOMKilled" if failure == "oomkilled" else "Error"
        cs |= {"ready": False, "restartCount": 12,
               "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed"}},
               "lastState": {"terminated": {"reason": reason, "exitCode": 137 if failure == "oomkilled" else 1}}}
        ready = "False"
    elif failure == "imagepull":
        cs |= {"ready": False, "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling"}}}
        phase, ready = "Pending", "False"
    elif failure == "config":
        cs |= {"ready": False, "state": {"waiting": {"reason": "CreateContainerConfigError",
                                                     "message": 'secret "db" not found'}}}
        phase, ready = "Pending", "False"
    elif failure == "unschedulable":
        phase, ready, cs = "Pending", "False", {}
    elif failure == "evicted":
        phase, ready = "Failed", "False"
        extra = {"reason": "Evicted", "message": "The node was low on resource: memory."}
        cs |= {"ready": False, "state": {"terminated": {"reason": "ContainerStatusUnknown", "exitCode": 137}}}
    elif failure == "not_ready":
        cs |= {"ready": False}
        ready = "False"
    conditions = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(120)},
        {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(120)},
        {"type": "Ready", "status": ready, "lastProbeTime": None, "lastTransitionTime": ts(30)},
        {"type": "ContainersReady", "status": ready, "lastProbeTime": None, "lastTransitionTime": ts(30)},
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(120)},
    ]
    if failure == "unschedulable":
        conditions = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastProbeTime": None,
                       "lastTransitionTime": ts(30), "message": "0/40 nodes are available: 40 Insufficient cpu."}]
    container = {
        "name": "app", "image": f"registry.example.com/shop/{deploy}:1.4.2", "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {
            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
        "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10,
                           "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
        "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access",
                          "readOnly": True}],
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    }
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "generateName": f"{rs}-", "namespace": "shop", "uid": f"00000000-0000-4000-8000-{i:012d}",
            "resourceVersion": str(100000 + i), "creationTimestamp": ts(120),
            "labels": {"app": deploy, "pod-template-hash": "7d9f8b6c5"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": f"rs-{deploy}",
                                 "controller": True, "blockOwnerDeletion": True}],
            "managedFields": managed_fields("kube-controller-manager") + managed_fields("kubelet"),
        },
        "spec": {"containers": [container], "nodeName": node, "restartPolicy": "Always",
                 "serviceAccountName": "default", "schedulerName": "default-scheduler",
                 "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                 "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                  "tolerationSeconds": 300}],
                 "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                     {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]},
        "status": {"phase": phase, "conditions": conditions, "hostIP": "172.18.0.3", "podIP": "10.244.1.17",
                   "podIPs": [{"ip": "10.244.1.17"}], "startTime": ts(120), "qosClass": "Burstable",
                   "containerStatuses": [cs] if cs else []} | extra,
    }


def node(i: int, ready: bool) -> Obj:
    def cond(type_: str, status: str, reason: str) -> Obj:
        return {"type": type_, "status": status, "reason": reason, "message": "kubelet status",
                "lastHeartbeatTime": ts(1), "lastTransitionTime": ts(9000)}

    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": f"node-{i}", "uid": f"node-{i}", "labels": {"kubernetes.io/hostname": f"node-{i}"},
                         "managedFields": managed_fields("kubelet")},
            "spec": {"podCIDR": f"10.244.{i % 250}.0/24"},
            "status": {"conditions": [cond("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                                      cond("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                                      cond("PIDPressure", "False", "KubeletHasSufficientPID"),
                                      cond("Ready", "True" if ready else "Unknown",
                                           "KubeletReady" if ready else "NodeStatusUnknown")],
                       "capacity": {"cpu": "16", "memory": "65842516Ki", "pods": "110"},
                       "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22"}}}


def deployment(name: str, replicas: int, available: int) -> Obj:
    ok = available >= replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "shop", "uid": f"d-{name}", "generation": 3,
                         "managedFields": managed_fields("kube-controller-manager")},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}},
            "status": {"replicas": replicas, "availableReplicas": available, "readyReplicas": available,
                       "conditions": [{"type": "Available", "status": "True" if ok else "False",
                                       "reason": "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
                                       "message": "Deployment availability.", "lastTransitionTime": ts(30)}]}}


def workload(kind: str, name: str, want: int, have: int) -> Obj:
    status = ({"readyReplicas": have, "replicas": want} if kind == "StatefulSet"
              else {"desiredNumberScheduled": want, "numberAvailable": have})
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "shop", "uid": name},
            "spec": {"replicas": want} if kind == "StatefulSet" else {}, "status": status}


def job(i: int, failed: bool) -> Obj:
    cond = {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
            "message": "Job has reached the specified backoff limit"} if failed else \
           {"type": "Complete", "status": "True"}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": f"report-{i}", "namespace": "batch"},
            "status": {"failed" if failed else "succeeded": 1, "conditions": [cond]}}


def event(i: int, pod_name: str) -> Obj:
    reason = ("BackOff", "Unhealthy", "FailedMount", "FailedScheduling")[i % 4]
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{pod_name}.{i:016x}", "namespace": "shop", "uid": f"e-{i}"},
            "involvedObject": {"kind": "Pod", "name": pod_name, "namespace": "shop",
                               "fieldPath": "spec.containers{app}"},
            "reason": reason, "message": f"{reason} happened", "type": "Warning", "count": 5,
            "firstTimestamp": ts(20), "lastTimestamp": ts(1), "source": {"component": "kubelet", "host": "node-1"}}


def snapshot(pods: int) -> dict[str, list[Obj]]:
    """`pods` pods, 10% failing; 1 node per 30 pods, 1 deployment per 5, and the rest in proportion."""
    nodes, deployments = max(pods // 30, 1), max(pods // 5, 1)
    pod_list = []
    for i in range(pods):
        failure = FAILURES[(i // 10) % len(FAILURES)] if i % 10 == 0 else None
        pod_list.append(pod(i, f"svc-{i % deployments}", f"node-{i % nodes}", failure))
    failing = [p["metadata"]["name"] for p in pod_list[::10]]
    return {
        "Pod": pod_list,
        "Node": [node(i, ready=i % 50 != 0) for i in range(nodes)],
        "Deployment": [deployment(f"svc-{i}", 5, 5 if i % 10 else 3) for i in range(deployments)],
        "StatefulSet": [workload("StatefulSet", f"db-{i}", 3, 3 if i % 10 else 2) for i in range(pods // 100)],
        "DaemonSet": [workload("DaemonSet", f"agent-{i}", nodes, nodes) for i in range(max(pods // 2000, 1))],
        "Job": [job(i, failed=i % 10 == 0) for i in range(pods // 50)],
        "Event": [event(i, failing[i % len(failing)]) for i in range(pods * 3 // 10)],
    }


def cpu(fn: Callable[[], object]) -> float:
    """The least CPU time of REPEATS runs (the least disturbed by whatever else the machine does)."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    os.environ.setdefault("AIOPS_VAR_DIR", tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")
    os.environ.setdefault("LOG_LEVEL", "warning")
    import django

    django.setup()
    from django.conf import settings

    from aiops_project import embedded_redis

    # Consoles are told of new events through Redis.
    redis_process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET) if settings.EMBEDDED_REDIS else None
    try:
        measure()
    finally:
        if redis_process is not None:
            redis_process.terminate()


def measure() -> None:
    import django
    from django.core.management import call_command

    from incidents.detection import sync_cluster_findings
    from incidents.detectors import detect_snapshot
    from incidents.kube import decode_list
    from incidents.models import Cluster

    call_command("migrate", verbosity=0)
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10000]
    print(f"CPU seconds (time.process_time, best of {REPEATS}); Python {sys.version.split()[0]}; "
          f"database {django.db.connection.vendor}")
    print("decode = kube.decode_list (projected msgspec decoding, what the poll runs); json.loads = the whole "
          "objects, for comparison; sync = recording the findings of a steady poll (nothing changed since the "
          "last one); first sync = the poll that records them all")
    print(f"{'pods':>7} {'objects':>8} {'MB':>6} {'decode s':>9} {'detect s':>9} {'sync s':>7} {'total s':>8} "
          f"{'findings':>9} {'json.loads s':>13} {'first sync s':>13}")
    rows = []
    for pods in sizes:
        snap = snapshot(pods)
        bodies = {kind: json.dumps({"kind": f"{kind}List", "apiVersion": "v1", "metadata": {}, "items": items}
                                   ).encode() for kind, items in snap.items()}
        objects = sum(len(items) for items in snap.values())
        megabytes = sum(len(body) for body in bodies.values()) / 1e6
        decode = cpu(lambda bodies=bodies: [decode_list(kind, body) for kind, body in bodies.items()])
        plain = cpu(lambda bodies=bodies: [json.loads(body) for body in bodies.values()])
        projected = {kind: decode_list(kind, body)["items"] for kind, body in bodies.items()}
        detect = cpu(lambda projected=projected: detect_snapshot(projected, NOW))
        findings = detect_snapshot(projected, NOW)
        cluster = Cluster.objects.create(name=f"bench-{pods}", kind=Cluster.Kind.KUBECONFIG)
        start = time.process_time()
        sync_cluster_findings(cluster, findings)
        first = time.process_time() - start
        sync = cpu(lambda cluster=cluster, findings=findings: sync_cluster_findings(cluster, findings))
        total = decode + detect + sync
        rows.append((pods, total))
        print(f"{pods:>7} {objects:>8} {megabytes:>6.1f} {decode:>9.3f} {detect:>9.3f} {sync:>7.3f} {total:>8.3f} "
              f"{len(findings):>9} {plain:>13.3f} {first:>13.3f}")
    if len(rows) > 1:
        (p0, t0), (p1, t1) = rows[0], rows[-1]
        print(f"growth {p0} -> {p1} pods (x{p1 / p0:g}): total CPU x{t1 / t0:.1f}")


if __name__ == "__main__":
    main()
