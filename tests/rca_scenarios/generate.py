# ruff: noqa: E501  (a data table: the messages are quoted as clusters print them)
"""Writes the RCA scenario files of this folder (one JSON object each, the format `manage.py rca_eval` reads).

    python tests/rca_scenarios/generate.py

The objects are shaped as a Kubernetes API server returns them (metadata, spec, status; events with
involvedObject, counts and timestamps); the failures, messages and logs are those real clusters show.
The JSON files are committed: this script is how they were made, and how to add more.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
T0 = "2026-11-20T08:00:00Z"
T1 = "2026-11-20T08:14:37Z"


def meta(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    data = {"name": name, "uid": f"{zlib.crc32(name.encode()) % 10**8:08d}-4c1e-4f7a-9d2b-5a1f0c3e7b91",
            "resourceVersion": str(100000 + len(name)), "creationTimestamp": T0, **extra}
    if namespace:
        data["namespace"] = namespace
    return data


def pod(name: str, ns: str, *, container: str = "app", image: str = "registry.example.com/shop/app:1.0.0",
        state: dict[str, Any] | None = None, last: dict[str, Any] | None = None, restarts: int = 0,
        ready: bool = False, phase: str = "Running", node: str | None = "ip-10-0-1-17.ec2.internal",
        limits: dict[str, str] | None = None, conditions: list[dict[str, Any]] | None = None,
        reason: str | None = None, message: str | None = None, probe: dict[str, Any] | None = None) -> dict[str, Any]:
    owner = name.rsplit("-", 1)[0]
    spec_container: dict[str, Any] = {"name": container, "image": image, "imagePullPolicy": "IfNotPresent",
                                      "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                                                    "limits": limits or {"memory": "256Mi"}},
                                      "terminationMessagePath": "/dev/termination-log",
                                      "terminationMessagePolicy": "File"}
    if probe:
        spec_container["livenessProbe"] = probe
    status: dict[str, Any] = {
        "phase": phase, "qosClass": "Burstable", "startTime": T0,
        "conditions": conditions or [
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": T0},
            {"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
             "lastTransitionTime": T1, **({} if ready else {
                 "reason": "ContainersNotReady", "message": f"containers with unready status: [{container}]"})},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": T0}],
    }
    if node:
        status |= {"hostIP": "10.0.1.17", "podIP": "10.244.3.41", "podIPs": [{"ip": "10.244.3.41"}]}
    if state is not None:
        status["containerStatuses"] = [{"name": container, "image": image, "imageID": "", "containerID":
                                        "containerd://9f8e7d6c5b4a", "ready": ready, "started": ready,
                                        "restartCount": restarts, "state": state, "lastState": last or {}}]
    if reason:
        status |= {"reason": reason, "message": message or ""}
    spec: dict[str, Any] = {"containers": [spec_container], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                            "serviceAccountName": "default", "schedulerName": "default-scheduler"}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "spec": spec, "status": status,
            "metadata": meta(name, ns, labels={"app": owner.rsplit("-", 1)[0],
                                               "pod-template-hash": owner.rsplit("-", 1)[-1]},
                             ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner,
                                               "uid": "3c1a", "controller": True, "blockOwnerDeletion": True}])}


def crashloop(exit_code: int = 1, reason: str = "Error", restarts: int = 7) -> dict[str, Any]:
    return {"state": {"waiting": {"reason": "CrashLoopBackOff",
                                  "message": "back-off 5m0s restarting failed container=app pod=x"}},
            "last": {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": T0, "finishedAt": T1,
                                    "containerID": "containerd://1a2b"}}, "restarts": restarts}


def node(name: str, ready: str = "True", **pressure: str) -> dict[str, Any]:
    def has(kind: str) -> bool:
        return pressure.get(kind) == "True"

    conditions = [{"type": kind, "status": pressure.get(kind, "False"),
                   "reason": f"KubeletHas{'' if has(kind) else 'No'}{kind}",
                   "message": f"kubelet has {'' if has(kind) else 'no '}{kind.lower()}",
                   "lastHeartbeatTime": T1, "lastTransitionTime": T1}
                  for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")]
    ready_reason = {"True": ("KubeletReady", "kubelet is posting ready status"),
                    "False": ("KubeletNotReady", "container runtime network not ready: NetworkReady=false "
                                                 "reason:NetworkPluginNotReady message:Network plugin returns error: "
                                                 "cni plugin not initialized"),
                    "Unknown": ("NodeStatusUnknown", "Kubelet stopped posting node status.")}[ready]
    conditions.append({"type": "Ready", "status": ready, "reason": ready_reason[0], "message": ready_reason[1],
                       "lastHeartbeatTime": T1, "lastTransitionTime": T1})
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta(name, labels={"kubernetes.io/hostname": name}),
            "spec": {"podCIDR": "10.244.3.0/24"},
            "status": {"conditions": conditions, "capacity": {"cpu": "4", "memory": "16310888Ki", "pods": "110"},
                       "allocatable": {"cpu": "3920m", "memory": "15291944Ki", "pods": "110"},
                       "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22"}}}


def event(obj: dict[str, Any], reason: str, message: str, *, type_: str = "Warning", count: int = 5,
          component: str = "kubelet") -> dict[str, Any]:
    m = obj["metadata"]
    return {"apiVersion": "v1", "kind": "Event", "type": type_, "reason": reason, "message": message, "count": count,
            "metadata": meta(f"{m['name']}.187a{zlib.crc32((reason + message).encode()) % 10**8:08x}", m.get("namespace")),
            "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": m["name"],
                               "namespace": m.get("namespace"), "uid": m["uid"]},
            "source": {"component": component}, "firstTimestamp": T0, "lastTimestamp": T1,
            "reportingComponent": component}


def rs(name: str, ns: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta(name, ns),
            "spec": {"replicas": 2}, "status": {"replicas": 0}}


SCENARIOS: dict[str, dict[str, Any]] = {}


def scenario(name: str, expected: str, objects: list[dict[str, Any]], events: list[dict[str, Any]] | None = None,
             logs: dict[str, str] | None = None) -> None:
    SCENARIOS[name] = {"name": name, "objects": objects, "events": events or [], "logs": logs or {},
                       "expected_category": expected}


# --- image_pull_error
p = pod("checkout-7d9f8b6c5-x2x9q", "shop", image="registry.example.com/shop/checkout:1.4.3-rc",
        state={"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image "
                           "\"registry.example.com/shop/checkout:1.4.3-rc\""}})
scenario("image-tag-typo", "image_pull_error", [p], [event(p, "Failed", "Failed to pull image \"registry.example.com/shop/"
         "checkout:1.4.3-rc\": rpc error: code = NotFound desc = failed to pull and unpack image: manifest unknown"),
         event(p, "BackOff", "Back-off pulling image \"registry.example.com/shop/checkout:1.4.3-rc\"")])
p = pod("billing-5c4b7d9f-kq2lm", "finance", image="ghcr.io/acme/billing:2.0.1",
        state={"waiting": {"reason": "ErrImagePull", "message": "failed to authorize: failed to fetch anonymous token: "
                           "unexpected status: 401 Unauthorized"}})
scenario("private-registry-auth", "image_pull_error", [p], [event(p, "Failed", "Failed to pull image \"ghcr.io/acme/"
         "billing:2.0.1\": pull access denied, repository does not exist or may require authorization")])
p = pod("search-6b8c9d-abcde", "shop", image="elasticsearch:8.99.0", state={"waiting": {"reason": "ImagePullBackOff",
        "message": "Back-off pulling image \"elasticsearch:8.99.0\""}})
scenario("image-missing-tag", "image_pull_error", [p], [], {"shop/search-6b8c9d-abcde/app": ""})

# --- oom_killed
p = pod("reports-7f6d5c-h8j9k", "analytics", limits={"memory": "512Mi"}, **crashloop(137, "OOMKilled", 12))
scenario("oom-java-heap", "oom_killed", [p], [event(p, "BackOff", "Back-off restarting failed container app in pod "
         "reports-7f6d5c-h8j9k_analytics")], {"analytics/reports-7f6d5c-h8j9k/app:previous":
         "INFO Loading 2.3M rows into memory\nException in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
         "\tat com.acme.reports.Loader.load(Loader.java:88)\n"})
p = pod("cache-warmer-58d7c-qwert", "shop", limits={"memory": "128Mi"},
        state={"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": T0, "finishedAt": T1}})
scenario("oom-terminated-now", "oom_killed", [p])
p = pod("thumbnailer-9c8b7-zxcvb", "media", limits={"memory": "1Gi"}, **crashloop(137, "OOMKilled", 4))
scenario("oom-node-heap", "oom_killed", [p], [], {"media/thumbnailer-9c8b7-zxcvb/app:previous":
         "<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"})

# --- config_error
p = pod("orders-6d5f4-lkjhg", "shop", state={"waiting": {"reason": "CreateContainerConfigError",
        "message": "configmap \"orders-config\" not found"}})
scenario("missing-configmap", "config_error", [p], [event(p, "Failed", "Error: configmap \"orders-config\" not found")])
p = pod("payments-7c6b5-poiuy", "finance", state={"waiting": {"reason": "CreateContainerConfigError",
        "message": "couldn't find key DB_PASSWORD in Secret finance/payments-db"}})
scenario("missing-secret-key", "config_error", [p], [event(p, "Failed", "Error: couldn't find key DB_PASSWORD in Secret "
         "finance/payments-db")])
p = pod("notifier-5b4c3-mnbvc", "ops", **crashloop(1))
scenario("missing-env-var", "config_error", [p], [], {"ops/notifier-5b4c3-mnbvc/app:previous":
         "2026-11-20T08:14:30Z starting notifier v3.2\nError: environment variable SMTP_HOST is not set\n"})
p = pod("gateway-8a7b6-asdfg", "edge", **crashloop(1))
scenario("invalid-config-file", "config_error", [p], [], {"edge/gateway-8a7b6-asdfg/app:previous":
         "time=2026-11-20T08:14:31Z level=fatal msg=\"failed to load config: yaml: line 14: did not find expected key\"\n"})
p = pod("ledger-4f3e2-qazws", "finance", **crashloop(1))
scenario("db-auth-failed", "config_error", [p], [], {"finance/ledger-4f3e2-qazws/app:previous":
         "psycopg.OperationalError: connection failed: FATAL:  password authentication failed for user \"ledger\"\n"})

# --- dependency_unreachable
p = pod("checkout-7d9f8b6c5-m4n5b", "shop", **crashloop(1))
scenario("db-connection-refused", "dependency_unreachable", [p], [], {"shop/checkout-7d9f8b6c5-m4n5b/app:previous":
         "2026-11-20T08:14:02Z INFO connecting to orders-db.shop.svc:5432\nTraceback (most recent call last):\n"
         "  File \"/app/db.py\", line 57, in connect\nConnectionRefusedError: [Errno 111] Connection refused\n"})
p = pod("frontend-6c5d4-tgbyh", "shop", ready=False, state={"running": {"startedAt": T0}})
scenario("upstream-timeout", "dependency_unreachable", [p], [], {"shop/frontend-6c5d4-tgbyh/app":
         "level=error msg=\"GET http://inventory.shop.svc:8080/stock: context deadline exceeded\"\n" * 20})
p = pod("worker-5e4d3-ujmik", "jobs", **crashloop(2))
scenario("dns-failure", "dependency_unreachable", [p], [], {"jobs/worker-5e4d3-ujmik/app:previous":
         "panic: dial tcp: lookup rabbitmq.jobs.svc.cluster.local on 10.96.0.10:53: no such host\n\ngoroutine 1 [running]:\n"})
p = pod("api-7b6a5-olpik", "shop", **crashloop(1))
scenario("tls-unknown-authority", "dependency_unreachable", [p], [], {"shop/api-7b6a5-olpik/app:previous":
         "Get \"https://payments.finance.svc:8443/health\": x509: certificate signed by unknown authority\n"})

# --- application_crash
p = pod("recommender-6f5e4-plmok", "shop", **crashloop(2))
scenario("go-nil-pointer", "application_crash", [p], [], {"shop/recommender-6f5e4-plmok/app:previous":
         "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation "
         "violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\ngoroutine 1 [running]:\nmain.(*Model).Score(...)\n"})
p = pod("invoices-5d4c3-nhyuj", "finance", **crashloop(1))
scenario("python-exception", "application_crash", [p], [], {"finance/invoices-5d4c3-nhyuj/app:previous":
         "Traceback (most recent call last):\n  File \"/app/main.py\", line 12, in <module>\n    run()\n"
         "  File \"/app/jobs.py\", line 88, in run\n    total = sum(i.amount for i in items) / len(items)\n"
         "ZeroDivisionError: division by zero\n"})
p = pod("indexer-4c3b2-bgtvf", "search", **crashloop(139, "Error"))
scenario("native-segfault", "application_crash", [p], [], {"search/indexer-4c3b2-bgtvf/app:previous":
         "/entrypoint.sh: line 9:     7 Segmentation fault      (core dumped) ./indexer --config /etc/indexer.toml\n"})
p = pod("webhooks-3b2a1-cdexs", "ops", **crashloop(1))
scenario("node-type-error", "application_crash", [p], [], {"ops/webhooks-3b2a1-cdexs/app:previous":
         "/app/server.js:41\n    const id = req.body.user.id;\n                             ^\n\nTypeError: Cannot read "
         "properties of undefined (reading 'id')\n    at handler (/app/server.js:41:30)\n"})

# --- unschedulable_resources
pending = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastProbeTime": None,
            "lastTransitionTime": T1}]
p = pod("trainer-7a6b5-wsxed", "ml", phase="Pending", node=None, conditions=[{**pending[0], "message":
        "0/5 nodes are available: 5 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims "
        "found for incoming pod."}])
scenario("insufficient-memory", "unschedulable_resources", [p], [event(p, "FailedScheduling", "0/5 nodes are available: "
         "5 Insufficient memory. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.",
         component="default-scheduler")])
p = pod("batch-4d3c2-rfvtg", "jobs", phase="Pending", node=None, conditions=[{**pending[0], "message":
        "0/3 nodes are available: 3 Insufficient cpu."}])
scenario("insufficient-cpu", "unschedulable_resources", [p], [event(p, "FailedScheduling", "0/3 nodes are available: 3 "
         "Insufficient cpu.", component="default-scheduler")])

# --- unschedulable_constraints
p = pod("gpu-infer-6e5d4-yhnuj", "ml", phase="Pending", node=None, conditions=[{**pending[0], "message":
        "0/4 nodes are available: 4 node(s) had untolerated taint {nvidia.com/gpu: present}."}])
scenario("untolerated-taint", "unschedulable_constraints", [p], [event(p, "FailedScheduling", "0/4 nodes are available: "
         "4 node(s) had untolerated taint {nvidia.com/gpu: present}.", component="default-scheduler")])
p = pod("zonal-db-3c2b1-ikolp", "data", phase="Pending", node=None, conditions=[{**pending[0], "message":
        "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector."}])
scenario("node-affinity", "unschedulable_constraints", [p], [event(p, "FailedScheduling", "0/6 nodes are available: 6 "
         "node(s) didn't match Pod's node affinity/selector.", component="default-scheduler")])

# --- node_failure
n = node("ip-10-0-1-17.ec2.internal", ready="Unknown")
p = pod("checkout-7d9f8b6c5-r2d2x", "shop", ready=False, state={"running": {"startedAt": T0}})
scenario("node-not-ready", "node_failure", [n, p], [event(n, "NodeNotReady", "Node ip-10-0-1-17.ec2.internal status is "
         "now: NodeNotReady", component="node-controller")])
n = node("ip-10-0-2-33.ec2.internal", DiskPressure="True")
p = pod("logs-shipper-5f4e3-zaqws", "ops", phase="Failed", reason="Evicted",
        message="The node was low on resource: ephemeral-storage. Threshold quantity: 10%, available: 4%.",
        node="ip-10-0-2-33.ec2.internal")
scenario("disk-pressure-eviction", "node_failure", [n, p], [event(p, "Evicted", "The node was low on resource: "
         "ephemeral-storage.")])
n = node("ip-10-0-3-12.ec2.internal", MemoryPressure="True")
scenario("memory-pressure", "node_failure", [n], [event(n, "EvictionThresholdMet", "Attempting to reclaim memory")])

# --- probe_failure
probe = {"httpGet": {"path": "/healthz", "port": 8081, "scheme": "HTTP"}, "initialDelaySeconds": 5, "periodSeconds": 10,
         "timeoutSeconds": 1, "failureThreshold": 3}
p = pod("catalog-6a5b4-edcrf", "shop", probe=probe, **crashloop(137, "Error", 9))
scenario("liveness-wrong-port", "probe_failure", [p], [event(p, "Unhealthy", "Liveness probe failed: Get "
         "\"http://10.244.3.41:8081/healthz\": dial tcp 10.244.3.41:8081: connect: connection refused", count=27),
         event(p, "Killing", "Container app failed liveness probe, will be restarted", type_="Normal", count=9)],
         {"shop/catalog-6a5b4-edcrf/app:previous": "INFO catalog listening on :8080\n"})
p = pod("profile-5c4d3-vfrtg", "users", ready=False, state={"running": {"startedAt": T0}})
scenario("readiness-failing", "probe_failure", [p], [event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed "
         "with statuscode: 503", count=60)])

# --- volume_mount_failure
claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("data-postgres-0", "data"),
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}},
                  "storageClassName": "fast-ssd"}, "status": {"phase": "Pending"}}
p = pod("postgres-0", "data", phase="Pending", node=None, conditions=[{**pending[0], "message":
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling."}])
scenario("unbound-pvc", "volume_mount_failure", [p, claim], [event(claim, "ProvisioningFailed", "storageclass.storage."
         "k8s.io \"fast-ssd\" not found", component="persistentvolume-controller")])
p = pod("reporting-4b3c2-bhunj", "analytics", phase="Pending", state={"waiting": {"reason": "ContainerCreating"}})
scenario("failed-mount-secret", "config_error", [p], [event(p, "FailedMount", "MountVolume.SetUp failed for "
         "volume \"tls\" : secret \"reporting-tls\" not found", count=14)])
p = pod("uploader-3a2b1-mjuki", "media", phase="Pending", state={"waiting": {"reason": "ContainerCreating"}})
scenario("multi-attach", "volume_mount_failure", [p], [event(p, "FailedAttachVolume", "Multi-Attach error for volume "
         "\"pvc-5f1c\" Volume is already exclusively attached to one node and can't be attached to another",
         component="attachdetach-controller")])

# --- permission_denied
p = pod("legacy-7c6d5-nbvcx", "ops", state={"waiting": {"reason": "CreateContainerConfigError",
        "message": "container has runAsNonRoot and image will run as root (pod: \"legacy-7c6d5-nbvcx_ops(1a)\", "
                   "container: app)"}})
scenario("run-as-non-root", "permission_denied", [p], [event(p, "Failed", "Error: container has runAsNonRoot and image "
         "will run as root")])
p = pod("operator-6b5c4-lkmjn", "platform", **crashloop(1))
scenario("rbac-forbidden", "permission_denied", [p], [], {"platform/operator-6b5c4-lkmjn/app:previous":
         "E1120 08:14:31 reflector.go:147] failed to list *v1.ConfigMap: configmaps is forbidden: User "
         "\"system:serviceaccount:platform:operator\" cannot list resource \"configmaps\" in API group \"\" at the "
         "cluster scope\n"})
p = pod("nginx-5a4b3-poiuy", "edge", **crashloop(1))
scenario("file-permission", "permission_denied", [p], [], {"edge/nginx-5a4b3-poiuy/app:previous":
         "nginx: [emerg] mkdir() \"/var/cache/nginx/client_temp\" failed (13: Permission denied)\n"})

# --- quota_exceeded
r = rs("api-7f8e9d", "shop")
scenario("resource-quota", "quota_exceeded", [r], [event(r, "FailedCreate", "Error creating: pods \"api-7f8e9d-x1y2z\" "
         "is forbidden: exceeded quota: compute-quota, requested: limits.memory=2Gi, used: limits.memory=15Gi, limited: "
         "limits.memory=16Gi", component="replicaset-controller")])
r = rs("etl-4c5d6e", "data")
scenario("limit-range", "quota_exceeded", [r], [event(r, "FailedCreate", "Error creating: pods \"etl-4c5d6e-abcde\" is "
         "forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi", component="replicaset-controller")])

# --- unknown
p = pod("quiet-7a8b9-qwerty", "ops", ready=True, state={"running": {"startedAt": T0}})
scenario("nothing-wrong", "unknown", [p], [], {"ops/quiet-7a8b9-qwerty/app": "INFO all good\n" * 5})


if __name__ == "__main__":
    for old in HERE.glob("*.json"):
        old.unlink()
    for name, data in SCENARIOS.items():
        (HERE / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")
    print(f"{len(SCENARIOS)} scenarios written to {HERE}")
