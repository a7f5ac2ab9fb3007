# ruff: noqa: E501
"""A balanced second round across the thinner categories: probes that are wrong for the app (scheme, missing
exec binaries, a command written as one string, exec timeouts, a liveness probe faster than the JVM), scheduling
refusals from the scheduler, the kubelet, cluster-autoscaler and Karpenter (GPUs, hugepages, ephemeral storage,
node-group limits, host ports, labels no node pool offers, volume zones, anti-affinity during a rollout), storage
(CSI attach timeouts, stale NFS/SMB handles, missing storage classes, WaitForFirstConsumer with no volume), node
loss (graceful shutdown in both wordings, NodeLost, CNI not initialised, disk-pressure evictions), OOM kills that
hide (a sidecar, a Celery child, a control-plane pod behind a crash-looping client) and healthy workloads whose
only marks are old or noisy."""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    T0,
    T1,
    condition,
    container,
    crashloop,
    deployment,
    event,
    job,
    log_key,
    meta,
    node,
    pod,
    pvc,
    replicaset,
    running,
    scenario,
    terminated,
    waiting,
)

K8S = "github:kubernetes/kubernetes"
OLD = "2026-11-14T03:12:09Z"  # six days before the look
OLDER = "2026-11-13T22:40:51Z"


# --- helpers -------------------------------------------------------------------------------------------------
def _node(name: str, ready: str = "True", *, conditions: list[dict[str, Any]] | None = None,
          taints: list[dict[str, Any]] | None = None, labels: dict[str, str] | None = None,
          allocatable: dict[str, str] | None = None, runtime: str = "containerd://1.7.22",
          kubelet: str = "v1.31.2", unschedulable: bool = False) -> dict[str, Any]:
    n = node(name, ready, conditions=conditions, taints=taints, unschedulable=unschedulable)
    n["metadata"]["labels"] |= {"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", **(labels or {})}
    n["status"]["nodeInfo"] |= {"containerRuntimeVersion": runtime, "kubeletVersion": kubelet}
    if allocatable:
        n["status"]["allocatable"] |= allocatable
        n["status"]["capacity"] |= allocatable
    return n


def _conditions(ready: tuple[str, str, str], **pressure: tuple[str, str, str]) -> list[dict[str, Any]]:
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


UNKNOWN = ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
UNREACHABLE = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": T1},
               {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": T1}]


def _lost(name: str, **kwargs: Any) -> dict[str, Any]:
    """A node whose kubelet has gone silent."""
    return _node(name, conditions=_conditions(UNKNOWN, MemoryPressure=UNKNOWN, DiskPressure=UNKNOWN,
                                              PIDPressure=UNKNOWN), taints=UNREACHABLE, **kwargs)


def _app(name: str, ns: str, pod_name: str, *, replicas: int = 1, ready: int = 0, image: str = "",
         revision: int = 1) -> list[dict[str, Any]]:
    """The Deployment and the ReplicaSet behind `pod_name` (named `<deploy>-<hash>-<suffix>`)."""
    rs_name = pod_name.rsplit("-", 1)[0]
    return [deployment(name, ns, replicas=replicas, ready=ready, revision=revision,
                       **({"image": image} if image else {})),
            replicaset(rs_name, ns, replicas=replicas, ready=ready, deployment_name=name, revision=revision)]


def _pending(name: str, ns: str, message: str, containers: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    return pod(name, ns, containers, scheduled=False, message=message, **kwargs)


def _sched(p: dict[str, Any], message: str, count: int = 8) -> dict[str, Any]:
    return event(p, "FailedScheduling", message, count=count, component="default-scheduler")


def _scheduled(p: dict[str, Any], node_name: str) -> dict[str, Any]:
    m = p["metadata"]
    return event(p, "Scheduled", f"Successfully assigned {m['namespace']}/{m['name']} to {node_name}",
                 type_="Normal", count=1, component="default-scheduler")


def _at(ev: dict[str, Any], first: str, last: str | None = None) -> dict[str, Any]:
    """Move an event back in time."""
    ev["firstTimestamp"], ev["lastTimestamp"] = first, last or first
    return ev


def _creating(name: str, image: str, **spec: Any) -> dict[str, Any]:
    return container(name, image, state=waiting("ContainerCreating"), **spec)


def _probe_events(p: dict[str, Any], cname: str, message: str, count: int, kind: str = "Liveness") -> list[dict[str, Any]]:
    return [event(p, "Unhealthy", message, count=count),
            event(p, "Killing", f"Container {cname} failed {kind.lower()} probe, will be restarted", type_="Normal",
                  count=max(count // 3, 1))]


# =============================================================================================================
# probe_failure
# =============================================================================================================
def _probe_https_on_http() -> None:
    ns, image = "staging-pr-412", "registry.example.com/cloudposse/app:0.31.4"
    msg = "Liveness probe failed: Get https://100.112.158.75:3000/healthz: http: server gave HTTP response to HTTPS client"
    probe = {"httpGet": {"path": "/healthz", "port": 3000, "scheme": "HTTPS"}, "initialDelaySeconds": 10,
             "periodSeconds": 10, "failureThreshold": 3}
    p = pod("app-5f7c9d8b6-w2xq9", ns, [container("app", image, **crashloop(137, "Error", restarts=6),
                                                   livenessProbe=probe, readinessProbe=probe,
                                                   ports=[{"containerPort": 3000, "name": "http"}])],
            node="ip-100-112-0-21.ec2.internal")
    scenario(
        "mix-probe-https-scheme-on-plain-http-app", "probe_failure",
        note="the probes use scheme HTTPS against a Node server that speaks plain HTTP on :3000; Node as PID 1 ignores SIGTERM, so each kill ends with 137",
        source=[{"url": "https://github.com/cloudposse/docs/issues/161", "quote": msg}],
        objects=[p, *_app("app", ns, p["metadata"]["name"], replicas=1, image=image),
                 _node("ip-100-112-0-21.ec2.internal", kubelet="v1.10.3", runtime="docker://17.3.2")],
        events=[*_probe_events(p, "app", msg, 18),
                event(p, "Unhealthy", "Readiness probe failed: Get https://100.112.158.75:3000/healthz: http: server gave HTTP response to HTTPS client", count=21),
                event(p, "BackOff", "Back-off restarting failed container", count=9)],
        logs={log_key(p, "app", previous=True): "> app@0.31.4 start /usr/src/app\n> node server.js\n\n"
                                                '{"level":30,"time":1530525600114,"msg":"connected to redis at redis-master:6379"}\n'
                                                '{"level":30,"time":1530525600187,"msg":"server listening on http://0.0.0.0:3000"}\n'},
    )


def _probe_grpc_health_probe_missing() -> None:
    ns, image = "sitewhere", "docker.io/sitewhere/service-instance-management:latest"
    msg = ('Liveness probe failed: OCI runtime exec failed: exec failed: container_linux.go:348: starting container process '
           r'caused "exec: \"/bin/grpc_health_probe\": stat /bin/grpc_health_probe: no such file or directory": unknown')
    probe = {"exec": {"command": ["/bin/grpc_health_probe", "-addr=:9000"]}, "initialDelaySeconds": 30, "periodSeconds": 15}
    p = pod("sitewhere-instance-management-6dcc4c447b-k776l", ns,
            [container("service-instance-management", image, **crashloop(143, "Error", restarts=7),
                       livenessProbe=probe, readinessProbe=probe, limits={"memory": "1Gi"})])
    log = ("2021-04-20 04:11:02.318  INFO 1 --- [           main] c.s.m.MicroserviceApplication           : Starting MicroserviceApplication on sitewhere-instance-management-6dcc4c447b-k776l\n"
           "2021-04-20 04:11:19.744  WARN 1 --- [ad | producer-1] o.apache.kafka.clients.NetworkClient     : [Producer clientId=producer-1] Connection to node -1 could not be established. Broker may not be available.\n"
           "2021-04-20 04:11:24.902  INFO 1 --- [           main] o.a.k.c.c.internals.AbstractCoordinator  : [Consumer clientId=consumer-1, groupId=sitewhere-instance-management] Successfully joined group with generation 3\n"
           "2021-04-20 04:11:25.311  INFO 1 --- [           main] c.s.g.s.GrpcServer                      : Started gRPC server on port 9000\n"
           "2021-04-20 04:11:25.402  INFO 1 --- [           main] c.s.m.MicroserviceApplication           : Instance management microservice started.\n")
    scenario(
        "mix-probe-exec-grpc-health-probe-not-in-image", "probe_failure", difficulty="hard",
        note="the service starts its gRPC server, but the chart's exec probes call /bin/grpc_health_probe, which the image does not ship; 'no such file' reads like a config or image fault, and an early Kafka warning is a decoy",
        source=[{"url": "https://github.com/sitewhere/sitewhere/issues/970",
                 "quote": "stat /bin/grpc_health_probe: no such file or directory"}],
        objects=[p, *_app("sitewhere-instance-management", ns, p["metadata"]["name"], image=image), _node("k8s-worker-2", kubelet="v1.15.1", runtime="docker://18.6.3")],
        events=[*_probe_events(p, "service-instance-management", msg, 21),
                event(p, "Unhealthy", msg.replace("Liveness", "Readiness"), count=24),
                event(p, "Pulled", f'Successfully pulled image "{image}"', type_="Normal", count=7)],
        logs={log_key(p, "service-instance-management", previous=True): log, log_key(p, "service-instance-management"): log},
    )


def _probe_exec_single_string() -> None:
    ns, image = "actual-chat", "registry.example.com/actual-chat/app:2025.6.3"
    msg = ('(combined from similar events): Liveness probe errored: rpc error: code = Unknown desc = failed to exec in container: '
           'failed to start exec "951c2753676c1637afa20af5d203773a0b218f01a8b7f36c959d5ba415a1039e": OCI runtime exec failed: '
           "exec failed: unable to start container process: exec: "
           r'''"/usr/bin/curl -f -s http://localhost:54323/processes | grep -q '\"pid\"'": '''
           r'''stat /usr/bin/curl -f -s http://localhost:54323/processes | grep -q '"pid"': no such file or directory: unknown''')
    probe = {"exec": {"command": ["/usr/bin/curl -f -s http://localhost:54323/processes | grep -q '\"pid\"'"]},
             "periodSeconds": 20, "failureThreshold": 3}
    p = pod("actual-chat-app-7b9f6d5c48-qx2tn", ns,
            [container("app", image, **crashloop(0, "Completed", restarts=11), livenessProbe=probe,
                       limits={"memory": "2Gi"})])
    scenario(
        "mix-probe-exec-command-written-as-one-string", "probe_failure", difficulty="hard",
        note="the exec probe's whole shell pipeline is one argv entry, so the runtime looks for a file named '/usr/bin/curl -f -s ...'; the .NET host stops cleanly on SIGTERM, so the restarts show exit 0 Completed",
        source=[{"url": "https://github.com/Actual-Chat/actual-chat/issues/3034",
                 "quote": "stat /usr/bin/curl -f -s http://localhost:54323/processes | grep -q '\"pid\"': no such file or directory: unknown"}],
        objects=[p, *_app("actual-chat-app", ns, p["metadata"]["name"], image=image), _node("aks-app-31415926-vmss000004")],
        events=[event(p, "Unhealthy", msg, count=33),
                event(p, "Killing", "Container app failed liveness probe, will be restarted", type_="Normal", count=11),
                event(p, "BackOff", "Back-off restarting failed container app in pod actual-chat-app-7b9f6d5c48-qx2tn_actual-chat(0c7f1e2d-5a44-4d0e-9a1b-3c2d1e0f9a88)", count=14)],
        logs={log_key(p, "app", previous=True): "info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://[::]:7080\n"
                                                "info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://[::]:54323\n"
                                                "info: Microsoft.Hosting.Lifetime[0]\n      Application started. Press Ctrl+C to shut down.\n"
                                                "info: Microsoft.Hosting.Lifetime[0]\n      Application is shutting down...\n"},
    )


def _probe_exec_timeout_under_load() -> None:
    ns, image = "solace", "solace/solace-pubsub-standard:10.6.1.52"
    msg = 'Readiness probe failed: command "/mnt/disks/solace/readiness_check.sh" timed out'
    probe = {"exec": {"command": ["/mnt/disks/solace/readiness_check.sh"]}, "initialDelaySeconds": 30,
             "periodSeconds": 5, "timeoutSeconds": 1}
    p = pod("my-release-pubsubplus-0", ns, [container("pubsubplus", image, ready=False, readinessProbe=probe,
                                                       requests={"cpu": "2", "memory": "3410Mi"}, limits={"memory": "3410Mi"})],
            owner=("StatefulSet", "my-release-pubsubplus"))
    scenario(
        "mix-probe-exec-readiness-script-timed-out", "probe_failure",
        note="the broker runs (0 restarts) but its readiness script needs longer than the 1s timeout on a loaded cluster; the pod stays out of the Service",
        source=[{"url": "https://github.com/SolaceProducts/pubsubplus-kubernetes-helm-quickstart/issues/137", "quote": msg}],
        objects=[p, _node("gke-msg-pool-2c1d7a1e-9xq3")],
        events=[event(p, "Unhealthy", msg, count=412)],
        logs={log_key(p, "pubsubplus"): "Host Boot ID: 5a3c1d2e-7f41-4c3b-9e2a-0d8c6b4f1e77\n"
                                        "Starting PubSub+ Software Event Broker Container: Thu Jan 11 09:58:02 UTC 2024\n"
                                        "Setting umask to 077\n"
                                        "Running pre-startup checks:\n"
                                        "SolOS Version: soltr_10.6.1.52\n"
                                        "2024-01-11T09:58:41.114+00:00 <local0.info> my-release-pubsubplus-0 appuser[372]: /api,,,,POST,,,, Message VPN default enabled\n"},
    )


def _probe_liveness_before_transport() -> None:
    ns, image = "logging", "quay.io/pires/docker-elasticsearch-kubernetes:6.3.0"
    msg = "Liveness probe failed: dial tcp 10.44.0.0:9300: getsockopt: connection refused"
    kill = "Killing container with id docker://es-data:Container failed liveness probe.. Container will be killed and recreated."
    probe = {"tcpSocket": {"port": "transport"}, "periodSeconds": 10, "failureThreshold": 3}
    p = pod("es-data-0", ns, [container("es-data", image, **crashloop(143, "Error", restarts=5), livenessProbe=probe,
                                        ports=[{"containerPort": 9300, "name": "transport"}],
                                        requests={"cpu": "500m", "memory": "2Gi"}, limits={"memory": "2Gi"})],
            owner=("StatefulSet", "es-data"), node="kubernetes-node1")
    log = ("[2018-07-09T09:41:02,118][INFO ][o.e.n.Node               ] [es-data-0] initializing ...\n"
           "[2018-07-09T09:41:02,402][INFO ][o.e.e.NodeEnvironment    ] [es-data-0] using [1] data paths, mounts [[/data (/dev/sdb)]], net usable_space [48.1gb], net total_space [49gb], types [xfs]\n"
           "[2018-07-09T09:41:02,403][INFO ][o.e.e.NodeEnvironment    ] [es-data-0] heap size [1007.3mb], compressed ordinary object pointers [true]\n"
           "[2018-07-09T09:41:19,774][INFO ][o.e.p.PluginsService     ] [es-data-0] loaded module [aggs-matrix-stats]\n"
           "[2018-07-09T09:41:27,302][INFO ][o.e.p.PluginsService     ] [es-data-0] loaded module [x-pack-security]\n")
    scenario(
        "mix-probe-liveness-kills-es-before-transport-opens", "probe_failure", difficulty="hard",
        note="docker-era wording; 'connection refused' reads like a dead peer, but it is the node's own transport port probed with no initial delay while Elasticsearch is still loading modules",
        source=[{"url": "https://github.com/pires/kubernetes-elasticsearch-cluster/issues/204", "quote": msg},
                {"url": "https://github.com/pires/kubernetes-elasticsearch-cluster/issues/204", "quote": kill}],
        objects=[p, _node("kubernetes-node1", kubelet="v1.10.5", runtime="docker://17.3.2")],
        events=[event(p, "Unhealthy", msg, count=3), event(p, "Killing", kill, type_="Normal", count=5),
                event(p, "BackOff", "Back-off restarting failed container", count=7)],
        logs={log_key(p, "es-data", previous=True): log, log_key(p, "es-data"): log.split("\n", 1)[0] + "\n"},
    )


# =============================================================================================================
# unschedulable_resources
# =============================================================================================================
def _res_ca_gpu_template() -> None:
    ns, image = "default", "nvidia/cuda:9.2-devel"
    gpu = {"nvidia.com/gpu": "1"}
    p = _pending("gpu-test-5vrjp", ns, "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
                 [container("gpu-test", image, command=["echo", "start"], limits=gpu, requests=gpu)],
                 owner=("Job", "gpu-test"), restartPolicy="Never")
    ca = "pod didn't trigger scale-up (it wouldn't fit if a new node is added): 6 Insufficient nvidia.com/gpu"
    scenario(
        "mix-res-autoscaler-gpu-node-groups-offer-no-gpu", "unschedulable_resources",
        note="no node has a GPU and cluster-autoscaler finds none of its six node groups would provide one either",
        source=[{"url": "https://github.com/kubernetes/autoscaler/issues/2506", "quote": ca}],
        objects=[p, job("gpu-test", ns, active=1, backoff_limit=4),
                 *[_node(f"ip-10-0-{i}-58.ec2.internal", kubelet="v1.14.7-eks-1861c5") for i in (1, 2, 3)]],
        events=[_sched(p, "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.", count=14),
                event(p, "NotTriggerScaleUp", ca, type_="Normal", count=31, component="cluster-autoscaler")],
    )


def _res_karpenter_no_instance_type() -> None:
    ns, image = "monitoring", "quay.io/prometheus/prometheus:v2.47.0"
    req = {"cpu": "2", "memory": "20Gi"}
    msg = ("0/4 nodes are available: 2 Insufficient memory, 2 node(s) had untolerated taint {bitbucket: true}. "
           "preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..")
    p = _pending("prometheus-monitoring-kube-prometheus-prometheus-0", ns, msg,
                 [container("prometheus", image, requests=req, limits={"memory": "20Gi"}),
                  container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.68.0")],
                 owner=("StatefulSet", "prometheus-monitoring-kube-prometheus-prometheus"),
                 nodeSelector={"karpenter.sh/provisioner-name": "monitoring"},
                 tolerations=[{"key": "monitoring", "operator": "Equal", "value": "true", "effect": "NoSchedule"}])
    quote = 'no instance type satisfied resources {"cpu":"2655m","memory":"21599520Ki","pods":"8"}'
    line = ("2023-10-05T05:31:23.571Z\tERROR\tcontroller.provisioner\tCould not schedule pod, incompatible with provisioner \"bitbucket\", "
            'daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, did not tolerate bitbucket=true:NoSchedule; '
            'incompatible with provisioner "default", daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, did not tolerate default=true:NoSchedule; '
            'incompatible with provisioner "monitoring", daemonset overhead={"cpu":"655m","memory":"628000Ki","pods":"7"}, '
            + quote + " and requirements karpenter.k8s.aws/instance-category In [c m r], karpenter.k8s.aws/instance-encryption-in-transit-supported In [true], "
            "karpenter.k8s.aws/instance-generation Exists >2, karpenter.sh/capacity-type In [on-demand spot], karpenter.sh/provisioner-name In [monitoring], "
            "kubernetes.io/arch In [amd64 arm64], kubernetes.io/os In [linux] (no instance type has enough resources)"
            '\t{"commit": "322822a", "pod": "monitoring/prometheus-monitoring-kube-prometheus-prometheus-0"}\n')
    karp = pod("karpenter-5dd479847d-5kxvj", "karpenter", [container("controller", "public.ecr.aws/karpenter/controller:v0.31.0")],
               node="ip-10-20-4-11.eu-west-1.compute.internal")
    scenario(
        "mix-res-karpenter-no-instance-type-fits-request", "unschedulable_resources", difficulty="hard",
        note="Karpenter's one-line refusal mixes two provisioners the pod does not tolerate (by design) with the one it selects, whose allowed instance types cannot hold 20Gi plus daemonset overhead",
        source=[{"url": "https://github.com/aws/karpenter-provider-aws/issues/4738", "quote": quote}],
        objects=[p, karp, _node("ip-10-20-4-11.eu-west-1.compute.internal", kubelet="v1.27.4-eks-8ccc7ba")],
        events=[_sched(p, msg, count=19)],
        logs={log_key(karp, "controller"): "2023-10-05T05:31:13.402Z\tINFO\tcontroller.provisioner\tfound provisionable pod(s)\t{\"commit\": \"322822a\", \"pods\": 1}\n" + line * 2},
    )


def _res_ephemeral_storage_old() -> None:
    ns = "default"
    msg = "No nodes are available that match all of the predicates: Insufficient ephemeral-storage (2), PodToleratesNodeTaints (3)."
    p = _pending("frontend", ns, msg,
                 [container("db", "mysql", requests={"ephemeral-storage": "2Mi"}, limits={"memory": "512Mi"}),
                  container("wp", "wordpress", requests={"ephemeral-storage": "10Mi"}, limits={"memory": "256Mi"},
                            volumeMounts=[{"mountPath": "/cache", "name": "cache-volume"}])],
                 owner=("", ""), volumes=[{"name": "cache-volume", "emptyDir": {"sizeLimit": "2Gi"}}])
    master = [{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}]
    nodes = [_node(f"k8s-master-{i}", taints=master, kubelet="v1.8.6", runtime="docker://17.3.2") for i in (1, 2, 3)]
    nodes += [_node(f"k8s-node-{i}", kubelet="v1.8.6", runtime="docker://17.3.2", allocatable={"ephemeral-storage": "0"}) for i in (1, 2)]
    scenario(
        "mix-res-ephemeral-storage-predicates-wording", "unschedulable_resources", difficulty="hard",
        note="Kubernetes 1.8 predicate summary: the three masters are tainted by design; the two workers advertise no ephemeral-storage at all, so even a 2Mi request cannot fit",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/63190",
                 "quote": "No nodes are available that match all of the predicates: Insufficient ephemeral-storage (2), PodToleratesNodeTaints (3)"}],
        objects=[p, *nodes],
        events=[_sched(p, msg, count=27)],
    )


def _res_kubelet_hugepages() -> None:
    ns, image = "default", "registry.example.com/storage/p-storage:1.4.2"
    msg = "Node didn't have enough resource: hugepages-1Gi, requested: 34359738368, used: 17179869184, capacity: 38654705664"
    res = {"hugepages-1Gi": "32Gi", "memory": "4Gi", "cpu": "4"}
    p = pod("p-storage", ns, [container("p-storage", image, requests=res, limits=res,
                                        volumeDevices=[{"name": "data", "devicePath": "/dev/vdd"}])],
            owner=("", ""), node="worker-04", phase="Failed", reason="OutOfhugepages-1Gi", message=msg,
            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "worker-04-block-vdd-pvc"}},
                     {"name": "hugepage", "emptyDir": {"medium": "HugePages"}}])
    del p["status"]["containerStatuses"]
    p["status"]["conditions"] = []
    busy = pod("p-storage-a", ns, [container("p-storage", image, requests={**res, "hugepages-1Gi": "16Gi"},
                                             limits={**res, "hugepages-1Gi": "16Gi"})], owner=("", ""), node="worker-04")
    scenario(
        "mix-res-kubelet-rejects-pod-out-of-hugepages", "unschedulable_resources", difficulty="hard",
        note="no FailedScheduling: the pod was bound to worker-04 and the kubelet's admission refused it (phase Failed, reason OutOfhugepages-1Gi) because another pod holds 16 of the 36Gi of 1Gi pages; volume events are noise",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/80576", "quote": msg}],
        objects=[p, busy, pvc("worker-04-block-vdd-pvc", ns, storage_class="local-block", size="100Gi"),
                 _node("worker-04", kubelet="v1.14.1", allocatable={"hugepages-1Gi": "36Gi"})],
        events=[event(p, "OutOfhugepages-1Gi", msg, count=1),
                event(p, "SuccessfulMountVolume", 'MapVolume.MapDevice succeeded for volume "worker-04-block-vdd-pvc" globalMapPath "/var/lib/kubelet/plugins/kubernetes.io~local-volume/volumeDevices/worker-04-block-vdd-pvc"',
                      type_="Normal", count=1)],
        logs={log_key(busy, "p-storage"): "2019-07-25 10:02:11 spdk: EAL: 16 hugepages of size 1073741824 reserved\n2019-07-25 10:02:12 target started\n"},
    )


def _res_ca_max_node_group_size() -> None:
    ns, image = "analytics", "gcr.io/acme-analytics/etl-worker:2023.04.11"
    req = {"cpu": "3", "memory": "6Gi"}
    msg = ("0/15 nodes are available: 12 node(s) didn't match Pod's node affinity/selector, 3 Insufficient cpu. "
           "preemption: 0/15 nodes are available: 12 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..")
    ca = "pod didn't trigger scale-up: 12 node(s) didn't match Pod's node affinity/selector, 3 max node group size reached"
    p = _pending("etl-worker-7c5d9b8f64-t6q2w", ns, msg, [container("etl-worker", image, requests=req, limits={"memory": "6Gi"})],
                 nodeSelector={"cloud.google.com/gke-nodepool": "etl-pool"})
    running_peer = pod("etl-worker-7c5d9b8f64-h8v4c", ns, [container("etl-worker", image, requests=req, limits={"memory": "6Gi"})],
                       node="gke-prod-etl-pool-9a1b2c3d-k2lm", nodeSelector={"cloud.google.com/gke-nodepool": "etl-pool"})
    scenario(
        "mix-res-autoscaler-node-pool-at-max-size", "unschedulable_resources", difficulty="hard",
        note="twelve of fifteen nodes are excluded by the pod's node-pool selector by design; the three etl-pool nodes are full and the pool is at its maximum size, so nothing scales",
        source=[{"url": "https://github.com/kubernetes/autoscaler/issues/5692", "quote": ca}],
        objects=[p, running_peer, *_app("etl-worker", ns, p["metadata"]["name"], replicas=8, ready=6, image=image)],
        events=[_sched(p, msg, count=23), event(p, "NotTriggerScaleUp", ca, type_="Normal", count=41, component="cluster-autoscaler")],
        logs={log_key(running_peer, "etl-worker"): "2023-04-17 06:01:12,004 INFO worker: processed batch 18233 (5000 rows) in 4.1s\n"},
    )


# =============================================================================================================
# unschedulable_constraints
# =============================================================================================================
def _con_hostnetwork_ports() -> None:
    ns, image = "ingress-nginx", "registry.k8s.io/ingress-nginx/controller:v0.35.0"
    msg = "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    ports = [{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}, {"containerPort": 443, "hostPort": 443, "protocol": "TCP"}]
    p = _pending("nginx-ingress-nginx-controller-7b6c7d9f5c-pk4tz", ns, msg,
                 [container("controller", image, ports=ports)], hostNetwork=True)
    svclb = pod("svclb-traefik-x7m2d", "kube-system",
                [container("lb-port-80", "rancher/klipper-lb:v0.1.2", ports=[ports[0]]),
                 container("lb-port-443", "rancher/klipper-lb:v0.1.2", ports=[ports[1]])],
                owner=("DaemonSet", "svclb-traefik"), node="k3s-server")
    scenario(
        "mix-con-hostnetwork-controller-ports-taken", "unschedulable_constraints",
        note="hostNetwork ingress controller on a one-node k3s whose built-in Traefik load balancer already holds host ports 80 and 443",
        source=[{"url": "https://github.com/kubernetes/ingress-nginx/issues/6048", "quote": msg}],
        objects=[p, svclb, *_app("nginx-ingress-nginx-controller", ns, p["metadata"]["name"], image=image),
                 _node("k3s-server", kubelet="v1.18.8+k3s1")],
        events=[_sched(p, msg, count=2)],
    )


def _con_node_exporter_port_and_affinity() -> None:
    ns, image = "monitoring", "quay.io/prometheus/node-exporter:v0.18.1"
    msg = ("0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, "
           "1 node(s) didn't match Pod's node affinity/selector.")
    pods = []
    for suffix, target in (("bsk5d", "ceems-node-1"), ("vxtm7", "ceems-node-2")):
        pods.append(_pending(f"node-exporter-{suffix}", ns, msg,
                             [container("node-exporter", image, ports=[{"containerPort": 9100, "hostPort": 9100, "name": "https"}]),
                              container("kube-rbac-proxy", "quay.io/brancz/kube-rbac-proxy:v0.4.1")],
                             owner=("DaemonSet", "node-exporter"), hostNetwork=True,
                             affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                                 {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [target]}]}]}}}))
    prom = pod("prometheus-k8s-0", ns, [container("prometheus", "quay.io/prometheus/prometheus:v2.11.0")],
               owner=("StatefulSet", "prometheus-k8s"), node="ceems-node-1")
    scenario(
        "mix-con-daemonset-hostport-already-bound", "unschedulable_constraints", difficulty="hard",
        note="each DaemonSet pod is pinned to its own node, so 'didn't match node affinity' is by design; the refusal that matters is host port 9100, already bound on both nodes by a host-level exporter",
        source=[{"url": "https://github.com/canonical/microk8s/issues/2589", "quote": msg}],
        objects=[*pods, prom, _node("ceems-node-1", kubelet="v1.21.4-3+e5758f73ed2a04"), _node("ceems-node-2", kubelet="v1.21.4-3+e5758f73ed2a04")],
        events=[_sched(pods[0], msg, count=62), _sched(pods[1], msg, count=62)],
        logs={log_key(prom, "prometheus"): 'level=info ts=2021-09-23T08:14:11.402Z caller=main.go:734 msg="Server is ready to receive web requests."\n'
                                           'level=warn ts=2021-09-23T08:15:41.117Z caller=scrape.go:1183 component="scrape manager" scrape_pool=monitoring/node-exporter/0 msg="Append failed" err="no targets"\n'},
    )


def _con_karpenter_unknown_label() -> None:
    ns, image = "com-dtv-dcp-dpd", "registry.example.com/dpd/beamacctgetprofilems:4.12.0"
    msg = ("0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: "
           "5 Preemption is not helpful for scheduling..")
    p = _pending("beamacctgetprofilems-green-746d677b76-lghl4", ns, msg, [container("app", image)],
                 nodeSelector={"nodegroup": "dpd-apps"})
    line = ('{"level":"ERROR","time":"2024-04-03T06:40:04.552Z","logger":"controller.provisioner","message":"Could not schedule pod, '
            'incompatible with nodepool \\"default\\", daemonset overhead={\\"cpu\\":\\"675m\\",\\"memory\\":\\"390Mi\\",\\"pods\\":\\"6\\"}, '
            'incompatible requirements, label \\"nodegroup\\" does not have known values","commit":"17d6c05",'
            '"pod":"com-dtv-dcp-dpd/beamacctgetprofilems-green-746d677b76-lghl4"}\n')
    karp = pod("karpenter-6f9d8c7b5-2xq8w", "kube-system", [container("controller", "public.ecr.aws/karpenter/controller:0.35.2")],
               node="ip-10-44-2-17.us-east-1.compute.internal")
    scenario(
        "mix-con-karpenter-label-no-nodepool-offers", "unschedulable_constraints", difficulty="hard",
        note="after moving from cluster-autoscaler node groups to Karpenter the pod still selects nodegroup=dpd-apps; no existing node has it and Karpenter's only NodePool cannot create that label",
        source=[{"url": "https://github.com/kubernetes-sigs/karpenter/issues/1162", "quote": "Could not schedule pod, incompatible with nodepool"},
                {"url": "https://github.com/kubernetes-sigs/karpenter/issues/1162", "quote": "does not have known values"}],
        objects=[p, karp, *_app("beamacctgetprofilems-green", ns, p["metadata"]["name"], replicas=2, image=image)],
        events=[_sched(p, msg, count=37)],
        logs={log_key(karp, "controller"): line * 3},
    )


def _con_volume_zone_vs_rack() -> None:
    ns, image = "aerospike", "aerospike/aerospike-server-enterprise:5.6.0.7"
    msg = "0/12 nodes are available: 1 node(s) had volume node affinity conflict, 2 Insufficient memory, 2 node(s) didn't match node selector, 9 Insufficient cpu."
    ca = "pod didn't trigger scale-up (it wouldn't fit if a new node is added): 1 node(s) had volume node affinity conflict, 2 node(s) didn't match node selector"
    claim = "9afc3e6fc2c83f5b74b95be4c5d7c0-opt-aerospike-data-aerocluster-test-2-0"
    p = _pending("aerocluster-test-2-0", ns, msg, [container("aerospike-server", image, requests={"cpu": "3", "memory": "8Gi"})],
                 owner=("StatefulSet", "aerocluster-test-2"), nodeSelector={"topology.kubernetes.io/zone": "us-west-2b"},
                 volumes=[{"name": "opt-aerospike-data", "persistentVolumeClaim": {"claimName": claim}}])
    pv = {"apiVersion": "v1", "kind": "PersistentVolume",
          "metadata": meta("pvc-1b9e7c33-7a0e-4f2a-9d55-2f1c0b8e4a61", labels={"topology.kubernetes.io/zone": "us-west-2c"}),
          "spec": {"storageClassName": "gp2", "capacity": {"storage": "50Gi"}, "accessModes": ["ReadWriteOnce"],
                   "awsElasticBlockStore": {"volumeID": "aws://us-west-2c/vol-0e4c1a9b7d2f35c88", "fsType": "ext4"},
                   "claimRef": {"kind": "PersistentVolumeClaim", "namespace": ns, "name": claim},
                   "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                       {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-west-2c"]}]}]}}},
          "status": {"phase": "Bound"}}
    scenario(
        "mix-con-rack-zone-selector-vs-volume-zone", "unschedulable_constraints", difficulty="hard",
        note="the rack's zone selector (us-west-2b) and the data volume's zone (us-west-2c) can never meet; the Insufficient cpu/memory counts are on nodes the pod could not use anyway, and cluster-autoscaler names the conflict",
        source=[{"url": "https://github.com/aerospike/aerospike-kubernetes-operator/issues/80", "quote": msg},
                {"url": "https://github.com/aerospike/aerospike-kubernetes-operator/issues/80", "quote": ca}],
        objects=[p, pvc(claim, ns, storage_class="gp2", size="50Gi", volume=pv["metadata"]["name"]), pv],
        events=[_sched(p, msg, count=8), event(p, "NotTriggerScaleUp", ca, type_="Normal", count=18, component="cluster-autoscaler")],
    )


def _con_anti_affinity_rollout() -> None:
    ns, new_image = "default", "nginx:1.8.1"
    msg = "0/3 nodes are available: 3 node(s) didn't match pod affinity/anti-affinity, 3 node(s) didn't satisfy existing pods anti-affinity rules."
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["nginx"]}]},
         "topologyKey": "kubernetes.io/hostname"}]}}
    old = [pod(f"nginx-deployment-7fb96c846b-{s}", ns, [container("nginx", "nginx:1.7.9")], node=f"node-{i}", affinity=anti)
           for i, s in ((1, "4fmbq"), (2, "jx9p2"), (3, "zw7kd"))]
    p = _pending("nginx-deployment-5c689d88bb-q7x4r", ns, msg, [container("nginx", new_image)], affinity=anti)
    dep = deployment("nginx-deployment", ns, replicas=3, ready=3, image=new_image, revision=2, conditions=[
        condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        condition("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "nginx-deployment-5c689d88bb" has timed out progressing.')])
    scenario(
        "mix-con-required-anti-affinity-blocks-rollout", "unschedulable_constraints",
        note="three replicas, three nodes and required hostname anti-affinity: the surge pod of the new revision has nowhere to go, so the rollout times out while the old pods keep serving",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/116891", "quote": msg}],
        objects=[p, *old, dep, replicaset("nginx-deployment-5c689d88bb", ns, replicas=1, ready=0, deployment_name="nginx-deployment", revision=2),
                 replicaset("nginx-deployment-7fb96c846b", ns, replicas=3, ready=3, deployment_name="nginx-deployment", revision=1),
                 *[_node(f"node-{i}") for i in (1, 2, 3)]],
        events=[_sched(p, msg, count=26),
                event(dep, "ScalingReplicaSet", "Scaled up replica set nginx-deployment-5c689d88bb to 1", type_="Normal", count=1, component="deployment-controller")],
        logs={log_key(old[0], "nginx"): '10.244.1.1 - - [23/Mar/2023:08:01:12 +0000] "GET / HTTP/1.1" 200 612 "-" "kube-probe/1.26"\n'},
    )


# =============================================================================================================
# volume_mount_failure
# =============================================================================================================
def _vol_ebs_attach_deadline() -> None:
    ns, image = "default", "docker.io/bitnami/kafka:3.5.1-debian-11-r44"
    quote = 'AttachVolume.Attach failed for volume "pvc-95a5209c-797c-49de-ae30-9def18935393" : rpc error: code = DeadlineExceeded desc = context deadline exceeded'
    p = pod("kafka-0", ns, [_creating("kafka", image, volumeMounts=[{"name": "data", "mountPath": "/bitnami/kafka"}])],
            owner=("StatefulSet", "kafka"), phase="Pending", node="ip-192-168-21-7.eu-central-1.compute.internal",
            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-kafka-0"}}])
    scenario(
        "mix-vol-ebs-csi-attach-deadline-exceeded", "volume_mount_failure",
        note="the EBS CSI controller cannot complete the attach in time; the Kafka broker never leaves ContainerCreating",
        source=[{"url": "https://github.com/kubernetes-sigs/aws-ebs-csi-driver/issues/1783", "quote": quote}],
        objects=[p, pvc("data-kafka-0", ns, storage_class="gp2", size="8Gi", volume="pvc-95a5209c-797c-49de-ae30-9def18935393"),
                 _node("ip-192-168-21-7.eu-central-1.compute.internal", kubelet="v1.27.4-eks-8ccc7ba")],
        events=[_scheduled(p, "ip-192-168-21-7.eu-central-1.compute.internal"),
                event(p, "FailedAttachVolume", quote, count=6, component="attachdetach-controller"),
                event(p, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-4s8lq]: timed out waiting for the condition", count=2)],
    )


def _vol_ebs_attachment_timeout_old() -> None:
    ns, image = "default", "amazonlinux"
    attach = 'AttachVolume.Attach failed for volume "pvc-5dea601a-f076-40d5-8d0a-fe1ea4e04e74" : attachment timeout for volume vol-0ddf92e13636fa667'
    mount = ('Unable to mount volumes for pod "app_default(35032cc6-1df9-4a3c-a911-ad3ac40d718a)": timeout expired waiting for volumes to attach or mount '
             'for pod "default"/"app". list of unmounted volumes=[persistent-storage]. list of unattached volumes=[persistent-storage default-token-qz8h2]')
    p = pod("app", ns, [_creating("app", image, command=["/bin/sh"], args=["-c", "while true; do echo $(date -u) >> /data/out.txt; sleep 5; done"],
                                  volumeMounts=[{"name": "persistent-storage", "mountPath": "/data"}])],
            owner=("", ""), phase="Pending", node="ip-172-18-26-100.ec2.internal",
            volumes=[{"name": "persistent-storage", "persistentVolumeClaim": {"claimName": "ebs-claim"}}])
    scenario(
        "mix-vol-ebs-attachment-timeout-older-wording", "volume_mount_failure",
        note="1.14-era wording: the attach/detach controller times out attaching the EBS volume, and the kubelet's 'timeout expired waiting for volumes to attach or mount' follows",
        source=[{"url": "https://github.com/kubernetes-sigs/aws-ebs-csi-driver/issues/292", "quote": attach},
                {"url": "https://github.com/kubernetes-sigs/aws-ebs-csi-driver/issues/292",
                 "quote": "timeout expired waiting for volumes to attach or mount for pod \"default\"/\"app\". list of unmounted volumes=[persistent-storage]"}],
        objects=[p, pvc("ebs-claim", ns, storage_class="ebs-sc", size="4Gi", volume="pvc-5dea601a-f076-40d5-8d0a-fe1ea4e04e74"),
                 _node("ip-172-18-26-100.ec2.internal", kubelet="v1.14.1", runtime="docker://18.9.2")],
        events=[_scheduled(p, "ip-172-18-26-100.ec2.internal"),
                event(p, "FailedAttachVolume", attach, count=1, component="attachdetach-controller"),
                event(p, "FailedMount", mount, count=1),
                event(p, "FailedAttachVolume", 'AttachVolume.Attach failed for volume "pvc-5dea601a-f076-40d5-8d0a-fe1ea4e04e74" : rpc error: code = DeadlineExceeded desc = context deadline exceeded',
                      count=8, component="attachdetach-controller")],
    )


def _vol_smb_stale_handle() -> None:
    ns, image = "media", "ghcr.io/hotio/sonarr:release-4.0.13.2932"
    quote = ("stat /var/lib/kubelet/pods/a70b4271-ce52-4b99-93d3-27c2a2a5720e/volumes/kubernetes.io~csi/"
             "pvc-a7eb6f61-4806-49e8-843e-2ea463c057ce/mount: stale NFS file handle")
    err = ('failed to generate container "b3835a07f1927d8b1600b914aabfc5c65169c6c1ef23a4e06d87aeb5f2b70a75" spec: failed to apply OCI options: '
           'failed to stat "/var/lib/kubelet/pods/a70b4271-ce52-4b99-93d3-27c2a2a5720e/volumes/kubernetes.io~csi/pvc-a7eb6f61-4806-49e8-843e-2ea463c057ce/mount": '
           + quote)
    p = pod("sonarr-6b8f7d9c5-mx2vk", ns, [container("sonarr", image, state=waiting("CreateContainerError", err),
                                                      volumeMounts=[{"name": "media", "mountPath": "/media"}])],
            phase="Pending", node="nuc-2",
            volumes=[{"name": "media", "persistentVolumeClaim": {"claimName": "media-smb"}}])
    p["metadata"]["uid"] = "a70b4271-ce52-4b99-93d3-27c2a2a5720e"
    radarr = pod("radarr-59d4c7b8f6-qq4lz", ns, [container("radarr", "ghcr.io/hotio/radarr:release-5.19.3.9730")], node="nuc-1")
    scenario(
        "mix-vol-smb-csi-stale-handle-create-container-error", "volume_mount_failure", difficulty="hard",
        note="the SMB server went away and came back: the kernel keeps a stale handle for the CSI mount (the message still says NFS), so the runtime cannot stat it and container creation fails; no FailedMount event at all",
        source=[{"url": "https://github.com/kubernetes-csi/csi-driver-smb/issues/419", "quote": quote}],
        objects=[p, radarr, *_app("sonarr", ns, p["metadata"]["name"], image=image),
                 pvc("media-smb", ns, storage_class="smb", size="2Ti", access_modes=("ReadWriteMany",), volume="pvc-a7eb6f61-4806-49e8-843e-2ea463c057ce"),
                 _node("nuc-2", kubelet="v1.32.5")],
        events=[event(p, "Pulled", f'Successfully pulled image "{image}" in 556ms (556ms including waiting). Image size: 108531273 bytes.', type_="Normal", count=12),
                event(p, "Failed", "Error: " + err, count=12)],
        logs={log_key(radarr, "radarr"): "[Info] Bootstrap: Starting Radarr - /app/bin/Radarr - Version 5.19.3.9730\n"
                                         "[Warn] DiskProvider: Couldn't get free space for /media/movies: Stale file handle\n"
                                         "[Info] RssSyncService: RSS Sync Completed. Reports found: 93, Reports grabbed: 0\n"},
    )


def _vol_nfs_fsgroup_stale() -> None:
    ns, image = "home", "lscr.io/linuxserver/nextcloud:29.0.2"
    quote = ('MountVolume.SetUp failed for volume "pvc-a8667b20-fb7f-4873-aa9d-18ec6f7fdccc" : applyFSGroup failed for vol '
             "192.168.50.210#mnt/user/nfs-csi#pvc-a8667b20-fb7f-4873-aa9d-18ec6f7fdccc##: lstat /var/lib/kubelet/pods/9d3ce1f4-d0c8-4b5e-9994-a17e3267c57d/"
             "volumes/kubernetes.io~csi/pvc-a8667b20-fb7f-4873-aa9d-18ec6f7fdccc/mount: stale NFS file handle")
    p = pod("nextcloud-0", ns, [_creating("nextcloud", image, volumeMounts=[{"name": "data", "mountPath": "/data"}])],
            owner=("StatefulSet", "nextcloud"), phase="Pending", node="k3s-agent-1",
            securityContext={"fsGroup": 1000, "fsGroupChangePolicy": "OnRootMismatch"},
            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-nextcloud-0"}}])
    p["metadata"]["uid"] = "9d3ce1f4-d0c8-4b5e-9994-a17e3267c57d"
    scenario(
        "mix-vol-nfs-csi-fsgroup-stale-handle", "volume_mount_failure",
        note="after an NFS server restart the recreated pod cannot apply its fsGroup to the stale CSI mount",
        source=[{"url": "https://github.com/kubernetes-csi/csi-driver-nfs/issues/927", "quote": quote}],
        objects=[p, pvc("data-nextcloud-0", ns, storage_class="nfs-csi", size="200Gi", access_modes=("ReadWriteMany",),
                        volume="pvc-a8667b20-fb7f-4873-aa9d-18ec6f7fdccc"), _node("k3s-agent-1", kubelet="v1.30.2+k3s2")],
        events=[event(p, "FailedMount", quote, count=17)],
    )


def _vol_storageclass_missing() -> None:
    ns, image = "swarm", "ethersphere/bee:1.0.0"
    quote = 'storageclass.storage.k8s.io "swarm-storage" not found'
    msg = "0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims."
    p = _pending("swarm-bee-0", ns, msg, [container("bee", image, volumeMounts=[{"name": "data", "mountPath": "/home/bee/.bee"}])],
                 owner=("StatefulSet", "swarm-bee"), volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-swarm-bee-0"}}])
    claim = pvc("data-swarm-bee-0", ns, phase="Pending", storage_class="swarm-storage", size="5Gi")
    scenario(
        "mix-vol-claim-names-missing-storage-class", "volume_mount_failure",
        note="values.yaml sets storageClass swarm-storage, which does not exist; the claim never provisions and the scheduler waits on it",
        source=[{"url": "https://github.com/ethersphere/helm/issues/143", "quote": quote}],
        objects=[p, claim],
        events=[_sched(p, msg, count=4),
                event(claim, "ProvisioningFailed", quote, count=22, component="persistentvolume-controller")],
    )


def _vol_wffc_no_local_pv() -> None:
    ns, image = "nexus", "sonatype/nexus3:3.24.0"
    msg = "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind."
    wait = "waiting for first consumer to be created before binding"
    p = _pending("nexus1-sonatype-nexus-6d5b8c6f9d-r8x2k", ns, msg,
                 [container("nexus", image, volumeMounts=[{"name": "nexus-data", "mountPath": "/nexus-data"}]),
                  container("nexus-proxy", "quay.io/travelaudience/docker-nexus-proxy:2.5.0")],
                 volumes=[{"name": "nexus-data", "persistentVolumeClaim": {"claimName": "nexus1-sonatype-nexus-data"}}])
    claim = pvc("nexus1-sonatype-nexus-data", ns, phase="Pending", storage_class="local-storage", size="8Gi")
    scenario(
        "mix-vol-wait-for-first-consumer-no-matching-volume", "volume_mount_failure", difficulty="hard",
        note="the scheduler's wording reads like a placement rule, but the claim uses a no-provisioner local StorageClass with WaitForFirstConsumer and no Available PersistentVolume matches it; the claim's only event is the normal WaitForFirstConsumer",
        source=[{"url": "https://github.com/Oteemo/charts/issues/122", "quote": msg},
                {"url": "https://github.com/Oteemo/charts/issues/122", "quote": wait}],
        objects=[p, claim, *_app("nexus1-sonatype-nexus", ns, p["metadata"]["name"], image=image),
                 _node("k8s-master", kubelet="v1.17.5", runtime="docker://19.3.8"), _node("k8s-worker", kubelet="v1.17.5", runtime="docker://19.3.8")],
        events=[_sched(p, msg, count=11),
                event(claim, "WaitForFirstConsumer", wait, type_="Normal", count=43, component="persistentvolume-controller")],
    )


# =============================================================================================================
# node_failure
# =============================================================================================================
def _node_graceful_shutdown() -> None:
    ns, image = "default", "nginx:1.14.2"
    msg = "Pod was terminated in response to imminent node shutdown."
    gone = []
    for s in ("2pw4q", "crzf9"):
        g = pod(f"nginx-deployment-66b6c48dd5-{s}", ns, [container("nginx", image, state=terminated(0, "Completed"), ready=False)],
                node="k22-node1", phase="Failed", reason="Terminated", message=msg)
        g["status"]["conditions"].append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": T1,
                                          "reason": "TerminationByKubelet", "message": msg})
        gone.append(g)
    fresh = pod("nginx-deployment-66b6c48dd5-xml4d", ns, [container("nginx", image)], node="k22-node2")
    scenario(
        "mix-node-graceful-shutdown-terminated-pods", "node_failure",
        note="the kubelet's graceful node shutdown terminated the pods on k22-node1, which has since gone silent",
        source=[{"url": "https://github.com/kubernetes/kubernetes/pull/104798", "quote": msg}],
        objects=[*gone, fresh, *_app("nginx-deployment", ns, fresh["metadata"]["name"], replicas=3, ready=2, image=image),
                 _lost("k22-node1", kubelet="v1.22.1"), _node("k22-node2", kubelet="v1.22.1")],
        events=[event(gone[0], "NodeNotReady", "Node is not ready", count=1, component="node-controller")],
    )


def _node_shutdown_old_wording() -> None:
    ns, image = "payments", "registry.example.com/payments/ledger-api:5.2.0"
    msg = "Node is shutting, evicting pods"
    req = {"cpu": "1500m", "memory": "1Gi"}
    gone = [pod(f"ledger-api-7f4c8b9d6-{s}", ns, [container("ledger-api", image, state=terminated(143, "Error"), ready=False, requests=req)],
                node="worker-3", phase="Failed", reason="Shutdown", message=msg) for s in ("hk2lp", "w9x4c")]
    fresh = pod("ledger-api-7f4c8b9d6-p2r7m", ns, [container("ledger-api", image, requests=req)], node="worker-1")
    waiting_pod = _pending("ledger-api-7f4c8b9d6-z5n8q", ns,
                           "0/3 nodes are available: 1 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate, 2 Insufficient cpu.",
                           [container("ledger-api", image, requests=req)])
    scenario(
        "mix-node-shutdown-reason-older-wording", "node_failure", difficulty="hard",
        note="1.20-era graceful shutdown: reason 'Shutdown' reads like the app stopping itself, and the replacement is Pending on Insufficient cpu only because worker-3's capacity is gone",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/102820", "quote": msg}],
        objects=[*gone, fresh, waiting_pod, *_app("ledger-api", ns, fresh["metadata"]["name"], replicas=3, ready=1, image=image),
                 _lost("worker-3", kubelet="v1.20.7"), _node("worker-1", kubelet="v1.20.7"), _node("worker-2", kubelet="v1.20.7")],
        events=[_sched(waiting_pod, waiting_pod["status"]["conditions"][0]["message"], count=9)],
        logs={log_key(gone[0], "ledger-api"): "2021-06-11 04:17:55.402 INFO  [main] ledger-api started on :8080\n"
                                             "2021-06-11 05:02:13.118 INFO  [SIGTERM handler] shutting down, draining 14 in-flight requests\n",
              log_key(fresh, "ledger-api"): "2021-06-11 05:02:41.903 INFO  [main] ledger-api started on :8080\n"
                                           "2021-06-11 05:03:07.551 WARN  [pool-2] retrying settlement batch 8812 after upstream 503\n"},
    )


def _node_lost_unresponsive() -> None:
    ns, image = "default", "k8s.gcr.io/nginx-slim:0.8"
    msg = "Node ip-172-20-61-14.us-west-2.compute.internal which was running pod web-0 is unresponsive"
    p = pod("web-0", ns, [container("nginx", image, ready=False, volumeMounts=[{"name": "www", "mountPath": "/usr/share/nginx/html"}])],
            owner=("StatefulSet", "web"), node="ip-172-20-61-14.us-west-2.compute.internal", reason="NodeLost", message=msg,
            volumes=[{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}])
    p["metadata"] |= {"deletionTimestamp": T1, "deletionGracePeriodSeconds": 10}
    for c in p["status"]["conditions"]:
        if c["type"] == "Ready":
            c |= {"status": "False", "reason": "", "message": ""}
    peer = pod("web-1", ns, [container("nginx", image)], owner=("StatefulSet", "web"), node="ip-172-20-44-201.us-west-2.compute.internal")
    scenario(
        "mix-node-lost-statefulset-pod-unresponsive", "node_failure", difficulty="hard",
        note="1.8-era NodeLost: the pod still says phase Running and carries only the node controller's reason; its node stopped posting status and the StatefulSet cannot replace web-0 until it is gone",
        source=[{"url": f"{K8S}/pkg/util/node/node.go", "quote": "which was running pod"}],
        objects=[p, peer, _lost("ip-172-20-61-14.us-west-2.compute.internal", kubelet="v1.8.0", runtime="docker://17.3.2"),
                 _node("ip-172-20-44-201.us-west-2.compute.internal", kubelet="v1.8.0", runtime="docker://17.3.2"),
                 pvc("www-web-0", ns, storage_class="gp2", size="1Gi")],
        events=[],
        logs={log_key(peer, "nginx"): '100.96.2.1 - - [23/Oct/2017:08:21:40 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.38.0"\n'},
    )


def _node_cni_not_initialized() -> None:
    ns, image = "jobs", "registry.example.com/jobs/render-worker:8.1.0"
    cni = ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: "
           "cni plugin not initialized")
    fresh = "ip-10-8-77-190.us-east-2.compute.internal"
    msg = ("0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 3 Insufficient cpu. "
           "preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..")
    p = _pending("render-worker-6c8d7b5f9-n4q7s", ns, msg, [container("render-worker", image, requests={"cpu": "3500m", "memory": "4Gi"})])
    bad = _node(fresh, conditions=_conditions(("False", "KubeletNotReady", cni)),
                taints=[{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
                        {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}],
                labels={"karpenter.sh/nodepool": "default"}, kubelet="v1.28.5-eks-5e0fdde")
    full = [_node(f"ip-10-8-{i}-{j}.us-east-2.compute.internal", kubelet="v1.28.5-eks-5e0fdde") for i, j in ((12, 40), (31, 9), (54, 122))]
    scenario(
        "mix-node-new-node-cni-not-initialised", "node_failure", difficulty="hard",
        note="the pod's scheduler message is mostly 'Insufficient cpu'; the node Karpenter launched for it never becomes Ready because its CNI never initialised, so the pod waits behind the not-ready taint",
        source=[{"url": "https://github.com/aws/karpenter-provider-aws/issues/1391", "quote": cni}],
        objects=[p, bad, *full, *_app("render-worker", ns, p["metadata"]["name"], replicas=6, ready=5, image=image)],
        events=[_sched(p, msg, count=17),
                event(p, "Nominated", f"Pod should schedule on: nodeclaim/default-8xk2v, node/{fresh}", type_="Normal", count=6, component="karpenter"),
                event(bad, "NodeNotReady", f"Node {fresh} status is now: NodeNotReady", type_="Normal", count=1)],
    )


def _node_nodefs_eviction_old() -> None:
    ns, image = "test-pods", "gcr.io/k8s-testimages/kubekins-e2e:v20170428-1bd33ecc-master"
    ev = "The node was low on resource: nodefs."
    host = "gke-prow-build-pool-a89df2af-4bc8"
    evicted = [pod(f"{j}-{s}", ns, [container("test", image, state=terminated(137, "Error"), ready=False)], owner=("Job", j),
                   node=host, phase="Failed", reason="Evicted", message=ev)
               for j, s in (("pull-kubernetes-unit-8832", "kq2x1"), ("ci-kubernetes-build-1771", "p8w3n"))]
    n = _node(host, conditions=_conditions(("True", "KubeletReady", "kubelet is posting ready status. AppArmor enabled"),
                                           DiskPressure=("True", "KubeletHasDiskPressure", "kubelet has disk pressure")),
              taints=[{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule"}], kubelet="v1.6.2", runtime="docker://1.11.2")
    scenario(
        "mix-node-nodefs-eviction-image-gc-failing", "node_failure",
        note="1.6-era wording: the build node's root filesystem is full, image garbage collection cannot free enough, and the kubelet evicts test pods ('nodefs')",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/45558", "quote": ev},
                {"url": "https://github.com/kubernetes/kubernetes/issues/45558", "quote": "Attempting to reclaim nodefs"}],
        objects=[*evicted, n, *[job(j, ns, failed=1, backoff_limit=0) for j in ("pull-kubernetes-unit-8832", "ci-kubernetes-build-1771")]],
        events=[event(n, "EvictionThresholdMet", "Attempting to reclaim nodefs", count=564),
                event(n, "ImageGCFailed", "failed to garbage collect required amount of images. Wanted to free 6218387865, but freed 0", count=54),
                *[event(e, "Evicted", ev, count=1) for e in evicted]],
    )


def _node_ephemeral_eviction_runner() -> None:
    ns = "dso-gitlab"
    quote = ("The node was low on resource: ephemeral-storage. Threshold quantity: 16023864137, available: 12671572Ki. "
             "Container build was using 1639680Ki, request is 0, has larger consumption of ephemeral-storage.")
    full = quote + " Container helper was using 8Ki, request is 0, has larger consumption of ephemeral-storage. "
    job_pod = pod("runner-t1n3fbpd-project-339-concurrent-0-xj0lkphx", ns,
                  [container("build", "registry.example.com/dso/builder-node:20", state=terminated(137, "ContainerStatusUnknown"), ready=False),
                   container("helper", "registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v17.9.0",
                             state=terminated(137, "ContainerStatusUnknown"), ready=False)],
                  owner=("", ""), node="worker-ci-2", phase="Failed", reason="Evicted", message=full, restartPolicy="Never")
    job_pod["status"]["conditions"].append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": T1,
                                            "reason": "TerminationByKubelet", "message": full})
    manager = pod("gitlab-runner-5c9f8d7b6-vw2kx", ns, [container("gitlab-runner", "registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v17.9.0")],
                  node="worker-ci-1")
    disrupted = f'ERROR: Job failed (system failure): pod "dso-gitlab/runner-t1n3fbpd-project-339-concurrent-0-xj0lkphx" is disrupted: reason "TerminationByKubelet", message "{full}"'
    n = _node("worker-ci-2", conditions=_conditions(("True", "KubeletReady", "kubelet is posting ready status"),
                                                    DiskPressure=("True", "KubeletHasDiskPressure", "kubelet has disk pressure")),
              taints=[{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule"}], allocatable={"ephemeral-storage": "96143180846"})
    scenario(
        "mix-node-ci-job-evicted-ephemeral-storage", "node_failure",
        note="newer eviction wording ('request is 0, has larger consumption'): the CI node under DiskPressure evicts the build pod; the runner reports it as a system failure",
        source=[{"url": "https://github.com/cloud-pi-native/socle/pull/532", "quote": quote},
                {"url": "https://github.com/cloud-pi-native/socle/pull/532", "quote": 'is disrupted: reason "TerminationByKubelet"'}],
        objects=[job_pod, manager, n],
        events=[event(job_pod, "Evicted", full, count=1), event(n, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", count=7)],
        logs={log_key(manager, "gitlab-runner"): f'WARNING: Event retrieved from the cluster: {full}  job=48211 project=339 runner=t1n3fbpd\n'
                                                 'WARNING: Event retrieved from the cluster: Container runtime did not kill the pod within specified grace period.  job=48211 project=339 runner=t1n3fbpd\n'
                                                 f"{disrupted}  duration_s=412.3 job=48211 project=339 runner=t1n3fbpd\n"},
    )


# =============================================================================================================
# oom_killed
# =============================================================================================================
def _oom_istio_sidecar() -> None:
    ns, app_image = "orders", "registry.example.com/orders/order-service:2.14.0"
    warn = "Envoy may have been out of memory killed. Check memory usage and limits."
    p = pod("order-service-6f8b7c9d54-xk2jd", ns,
            [container("order-service", app_image, limits={"memory": "1Gi"}),
             container("istio-proxy", "docker.io/istio/proxyv2:1.4.2", state=running(),
                       last=terminated(137, "OOMKilled"), restarts=4, limits={"memory": "128Mi", "cpu": "2"},
                       requests={"cpu": "10m", "memory": "40Mi"})])
    proxy_log = ("2020-01-02T14:44:33.668963Z\tinfo\tEnvoy proxy is ready\n"
                 "2020-01-04T15:26:26.987721Z\twarn\t" + warn + "\n"
                 "2020-01-04T15:26:26.987766Z\terror\tEpoch 0 exited with error: signal: killed\n"
                 "2020-01-04T15:26:26.987770Z\tinfo\tNo more active epochs, terminating\n")
    scenario(
        "mix-oom-istio-sidecar-envoy-killed", "oom_killed", difficulty="hard",
        note="the application container is healthy with 0 restarts and logs only upstream resets; the istio-proxy sidecar's Envoy keeps growing past its 128Mi limit and is killed",
        source=[{"url": "https://github.com/istio/istio/issues/19925", "quote": warn},
                {"url": "https://github.com/istio/istio/issues/19925", "quote": "Epoch 0 exited with error: signal: killed"}],
        objects=[p, *_app("order-service", ns, p["metadata"]["name"], replicas=2, ready=1, image=app_image), _node("gke-prod-default-pool-3c1f9a2b-7k1m")],
        events=[event(p, "BackOff", "Back-off restarting failed container istio-proxy", count=3),
                event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=4)],
        logs={log_key(p, "istio-proxy", previous=True): proxy_log,
              log_key(p, "istio-proxy"): "2020-01-04T15:26:41.102233Z\tinfo\tEnvoy proxy is ready\n",
              log_key(p, "order-service"): "2020-01-04 15:26:27.014 WARN  [http-nio-8080-exec-7] c.a.o.c.InventoryClient : inventory call failed: Connection reset by peer\n"
                                           "2020-01-04 15:26:42.881 INFO  [http-nio-8080-exec-2] c.a.o.OrderController : order 88123 accepted\n"},
    )


def _oom_celery_child() -> None:
    ns, image = "reports", "registry.example.com/reports/worker:4.3.0"
    err = "Task handler raised error: WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL).')"
    kernel = "Memory cgroup out of memory: Killed process 2922448 (celery) total-vm:16334160kB"
    host = "ip-10-1-3-88.eu-west-1.compute.internal"
    p = pod("celery-worker-7d9c8b6f5-2lq9x", ns, [container("worker", image, limits={"memory": "256Mi"}, requests={"cpu": "250m", "memory": "256Mi"},
                                                            command=["celery", "-A", "reports", "worker", "--concurrency=2"])], node=host)
    log = ("[2020-01-29 10:12:41,331: INFO/MainProcess] Received task: reports.tasks.build_export[1f3c2b7a-9d41-4e0b-8a55-6c2d1e0f9b33]\n"
           "[2020-01-29 10:14:02,118: ERROR/MainProcess] Process 'ForkPoolWorker-2' pid:2922448 exited with 'signal 9 (SIGKILL)'\n"
           "[2020-01-29 10:14:02,140: ERROR/MainProcess] " + err + "\n"
           "Traceback (most recent call last):\n"
           '  File "/usr/local/lib/python3.7/site-packages/billiard/pool.py", line 1267, in mark_as_worker_lost\n'
           "    human_status(exitcode)),\n"
           "billiard.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL).\n"
           "[2020-01-29 10:14:03,004: INFO/MainProcess] Received task: reports.tasks.build_export[7a0c9e21-3b5d-4f7e-b1a2-0e9d8c7b6a54]\n")
    n = _node(host)
    scenario(
        "mix-oom-celery-child-sigkilled-container-survives", "oom_killed", difficulty="hard",
        note="no OOMKilled status and 0 restarts: the cgroup OOM killer takes a Celery pool child under the 256Mi limit, the master logs WorkerLostError and carries on; only the node's kernel-monitor event names the memory kill",
        source=[{"url": "https://github.com/celery/billiard/issues/302", "quote": err},
                {"url": "https://github.com/celery/billiard/issues/302", "quote": kernel}],
        objects=[p, n, *_app("celery-worker", ns, p["metadata"]["name"], ready=1, image=image)],
        events=[event(n, "OOMKilling", kernel + ", anon-rss:261332kB, file-rss:10244kB, shmem-rss:0kB, UID:0 pgtables:31988kB oom_score_adj:979",
                      count=1, component="kernel-monitor")],
        logs={log_key(p, "worker"): log},
    )


def _oom_jvm_system_oom() -> None:
    ns, image = "catalog", "registry.example.com/catalog/catalog-api:3.9.2"
    sys_oom = "System OOM encountered, victim process: java, pid: 28438"
    host = "node-7.k8s.internal"
    p = pod("catalog-api-58b9d7c6f4-vq8zn", ns,
            [container("catalog-api", image, **crashloop(137, "OOMKilled", restarts=5), limits={"memory": "512Mi"},
                       env=[{"name": "JAVA_OPTS", "value": "-Xms512m -Xmx512m"}])], node=host)
    n = _node(host)
    scenario(
        "mix-oom-jvm-heap-equals-container-limit", "oom_killed",
        note="-Xmx equals the 512Mi limit, so heap plus metaspace, threads and buffers cannot fit: OOMKilled with 137, and the kubelet records SystemOOM for java on the node",
        source=[{"url": f"{K8S}/pkg/kubelet/oom/oom_watcher_linux.go", "quote": "System OOM encountered, victim process: "}],
        objects=[p, n, *_app("catalog-api", ns, p["metadata"]["name"], replicas=2, ready=1, image=image)],
        events=[event(n, "SystemOOM", sys_oom, count=5),
                event(p, "BackOff", "Back-off restarting failed container catalog-api in pod catalog-api-58b9d7c6f4-vq8zn_catalog(7e1d2c3b-4a59-4687-9b8c-1d2e3f4a5b6c)", count=9)],
        logs={log_key(p, "catalog-api", previous=True): "Picked up JAVA_TOOL_OPTIONS: -XX:+UseContainerSupport\n"
                                                        "2026-11-20 08:09:12.331  INFO 1 --- [           main] c.e.catalog.CatalogApplication           : Starting CatalogApplication v3.9.2 using Java 17.0.9\n"
                                                        "2026-11-20 08:09:31.902  INFO 1 --- [           main] c.e.catalog.CatalogApplication           : Started CatalogApplication in 20.114 seconds (process running for 21.3)\n"
                                                        "2026-11-20 08:13:58.417  INFO 1 --- [nio-8080-exec-4] c.e.catalog.web.ImportController         : bulk import 2231 items\n"},
    )


def _oom_hyperkube_apiserver() -> None:
    ns = "kubernikus"
    kernel = "Memory cgroup out of memory: Kill process 25169 (hyperkube) score 2109 or sacrifice child"
    host = "master0.kubernikus.eu-de-1.cloud.example.com"
    api = pod("e2e-3f1a-apiserver-6d9c7b5f4-x8k2m", ns,
              [container("apiserver", "sapcc/hyperkube:v1.10.1", state=running(), last=terminated(137, "OOMKilled"), restarts=3,
                         command=["/hyperkube", "apiserver", "--etcd-servers=http://e2e-3f1a-etcd:2379"], limits={"memory": "1Gi"})],
              node=host)
    cm = pod("e2e-3f1a-cmanager-59c6d8f7b-h2kqz", ns,
             [container("controller-manager", "sapcc/hyperkube:v1.10.1", **crashloop(255, "Error", restarts=9),
                        command=["/hyperkube", "controller-manager"])], node=host)
    cm_log = ("I0925 09:14:02.118431       1 leaderelection.go:175] attempting to acquire leader lease  kube-system/kube-controller-manager...\n"
              "E0925 09:14:12.402117       1 leaderelection.go:234] error retrieving resource lock kube-system/kube-controller-manager: Get https://e2e-3f1a-apiserver:6443/api/v1/namespaces/kube-system/endpoints/kube-controller-manager: dial tcp 100.71.18.4:6443: connect: connection refused\n"
              "E0925 09:14:22.557304       1 leaderelection.go:234] error retrieving resource lock kube-system/kube-controller-manager: Get https://e2e-3f1a-apiserver:6443/api/v1/namespaces/kube-system/endpoints/kube-controller-manager: dial tcp 100.71.18.4:6443: connect: connection refused\n"
              "F0925 09:14:25.001996       1 controllermanager.go:238] leaderelection lost\n")
    n = _node(host, kubelet="v1.10.1", runtime="docker://17.3.2")
    scenario(
        "mix-oom-apiserver-pod-behind-crashlooping-client", "oom_killed", difficulty="hard",
        note="the loud crash loop is the controller-manager losing its leader lease to a refused apiserver; the apiserver pod itself was OOM-killed under its 1Gi limit (older kernel wording in a PodOOMKilling event)",
        source=[{"url": "https://github.com/sapcc/kubernikus/pull/321", "quote": kernel}],
        objects=[api, cm, n],
        events=[event(n, "PodOOMKilling", kernel, count=3, component="kernel-monitor"),
                event(cm, "BackOff", "Back-off restarting failed container", count=22)],
        logs={log_key(cm, "controller-manager", previous=True): cm_log,
              log_key(api, "apiserver"): "I0925 09:14:31.882001       1 server.go:135] Version: v1.10.1\n"
                                         "I0925 09:14:44.100318       1 serve.go:96] Serving securely on [::]:6443\n"},
    )


# =============================================================================================================
# unknown
# =============================================================================================================
def _unknown_netbox_init_readiness() -> None:
    ns, image = "netbox", "netboxcommunity/netbox:v3.3.2"
    msg = 'Readiness probe failed: Get "http://10.42.1.37:8080/login/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
    p = pod("netbox-5d8f9c7b6-t4kxr", ns, [container("netbox", image)])
    p["metadata"]["creationTimestamp"] = OLDER
    scenario(
        "mix-unknown-netbox-readiness-warning-from-startup", "unknown", difficulty="hard",
        note="Running, Ready, 0 restarts; the readiness timeouts were logged while migrations ran at start six days ago and never since",
        source=[{"url": "https://github.com/netbox-community/netbox-chart/issues/113",
                 "quote": ':8080/login/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'}],
        objects=[p, *_app("netbox", ns, p["metadata"]["name"], ready=1, image=image)],
        events=[_at(event(p, "Unhealthy", msg, count=3), OLDER, OLD)],
        logs={log_key(p, "netbox"): '10.42.1.1 - - [20/Nov/2026:08:14:20 +0000] "GET /login/ HTTP/1.1" 200 6732 "-" "kube-probe/1.24"\n'
                                    '10.42.0.17 - - [20/Nov/2026:08:14:25 +0000] "GET /api/dcim/devices/?limit=50 HTTP/1.1" 200 48211 "-" "python-requests/2.28.1"\n'
                                    '10.42.1.1 - - [20/Nov/2026:08:14:30 +0000] "GET /login/ HTTP/1.1" 200 6732 "-" "kube-probe/1.24"\n'},
    )


def _unknown_mysql_startup_once() -> None:
    ns, image = "data-layer", "mysql:5.6"
    msg = ("Startup probe failed: Warning: Using a password on the command line interface can be insecure.\n"
           "mysqladmin: connect to server at 'localhost' failed\n"
           "error: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'\n"
           "Check that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!")
    probe = {"exec": {"command": ["sh", "-c", "mysqladmin ping -uroot -p${MYSQL_ROOT_PASSWORD}"]}, "periodSeconds": 10, "failureThreshold": 30}
    p = pod("mysqlpod-5957645967-fj95t", ns, [container("mysql", image, startupProbe=probe, limits={"memory": "1Gi"})], node="minikube")
    scenario(
        "mix-unknown-startup-probe-failed-once-then-ready", "unknown", difficulty="hard",
        note="one startup-probe failure while mysqld initialised, well inside failureThreshold 30; the pod is Ready with 0 restarts",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/98780",
                 "quote": "Startup probe failed: Warning: Using a password on the command line interface can be insecure.\nmysqladmin: connect to server at 'localhost' failed"}],
        objects=[p, *_app("mysqlpod", ns, p["metadata"]["name"], ready=1, image=image), _node("minikube", kubelet="v1.19.4", runtime="docker://19.3.13")],
        events=[event(p, "Unhealthy", msg, count=1),
                event(p, "Started", "Started container mysql", type_="Normal", count=1)],
        logs={log_key(p, "mysql"): "2021-02-05 10:12:44 1 [Note] InnoDB: 5.6.51 started; log sequence number 1626027\n"
                                   "2021-02-05 10:12:45 1 [Note] mysqld: ready for connections.\n"
                                   "Version: '5.6.51'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n"},
    )


def _unknown_completed_cronjob() -> None:
    ns, image = "ops", "registry.example.com/ops/pg-backup:15.4"
    jname = "nightly-backup-29378880"
    p = pod(f"{jname}-8vq2c", ns, [container("backup", image, state=terminated(0, "Completed"), ready=False)],
            owner=("Job", jname), phase="Succeeded", restartPolicy="OnFailure")
    for c in p["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c |= {"reason": "PodCompleted", "message": ""}
    j = job(jname, ns, succeeded=1, conditions=[condition("Complete", "True")])
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("nightly-backup", ns),
            "spec": {"schedule": "0 2 * * *", "concurrencyPolicy": "Forbid"},
            "status": {"lastScheduleTime": T0, "lastSuccessfulTime": T1}}
    scenario(
        "mix-unknown-cronjob-run-completed", "unknown",
        note="a nightly backup Job ran to completion: the pod is Succeeded and not Ready by design",
        source=[{"url": f"{K8S}/pkg/controller/job/job_controller.go", "quote": "Job completed"},
                {"url": f"{K8S}/pkg/controller/cronjob/cronjob_controllerv2.go", "quote": "Saw completed job: "}],
        objects=[p, j, cron],
        events=[event(j, "SuccessfulCreate", f"Created pod: {jname}-8vq2c", type_="Normal", count=1, component="job-controller"),
                event(j, "Completed", "Job completed", type_="Normal", count=1, component="job-controller"),
                event(cron, "SawCompletedJob", f"Saw completed job: {jname}, status: Complete", type_="Normal", count=1, component="cronjob-controller")],
        logs={log_key(p, "backup"): "2026-11-20T02:00:04Z starting pg_dump of orders (format=custom)\n"
                                    "pg_dump: warning: there are circular foreign-key constraints on this table:\npg_dump:   categories\n"
                                    "2026-11-20T02:07:41Z uploaded s3://acme-backups/orders/2026-11-20.dump (1.8 GiB)\n"},
    )


def _unknown_restart_after_node_reboot() -> None:
    ns, image = "web", "registry.example.com/web/storefront:7.3.0"
    host = "worker-5"
    p = pod("storefront-84c6d9f7b5-n2m8w", ns, [container("storefront", image, state=running(), restarts=1,
                                                           last=terminated(255, "Unknown"))], node=host)
    p["metadata"]["creationTimestamp"] = OLDER
    p["status"]["containerStatuses"][0]["lastState"]["terminated"] |= {"startedAt": OLDER, "finishedAt": OLD}
    n = _node(host)
    scenario(
        "mix-unknown-single-restart-from-old-node-reboot", "unknown", difficulty="hard",
        note="restartCount 1 with exit 255 reason Unknown, but it dates from a node reboot six days ago (sandbox recreated); Running and Ready since",
        source=[{"url": f"{K8S}/pkg/kubelet/kuberuntime/kuberuntime_manager.go", "quote": "Pod sandbox changed, it will be killed and re-created."}],
        objects=[p, n, *_app("storefront", ns, p["metadata"]["name"], replicas=3, ready=3, image=image)],
        events=[_at(event(p, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", type_="Normal", count=1), OLD),
                _at(event(n, "Rebooted", f"Node {host} has been rebooted, boot id: 6f0e1c2d-8b3a-4e5f-9a7c-2d1b0e3f4a5c", count=1), OLD)],
        logs={log_key(p, "storefront"): '{"ts":"2026-11-20T08:14:31Z","level":"info","msg":"GET /products/4411 200","dur_ms":18}\n'
                                        '{"ts":"2026-11-20T08:14:33Z","level":"info","msg":"GET /cart 200","dur_ms":9}\n'},
    )


def _unknown_client_side_throttling() -> None:
    ns, image = "argo", "quay.io/argoproj/workflow-controller:v3.4.8"
    p = pod("workflow-controller-7f9d6c8b4-2kxm9", ns, [container("workflow-controller", image)])
    quote = "due to client-side throttling, not priority and fairness"
    log = (f"I1120 08:14:02.552119       1 request.go:682] Waited for 1.001998746s {quote}, request: GET:https://10.96.0.1:443/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/s2t\n"
           'time="2026-11-20T08:14:03.118Z" level=info msg="Processing workflow" namespace=argo workflow=nightly-etl-8k2x1\n'
           f"I1120 08:14:09.337410       1 request.go:682] Waited for 7.090296384s {quote}, request: GET:https://10.96.0.1:443/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/s2t\n"
           'time="2026-11-20T08:14:10.004Z" level=info msg="Workflow update successful" namespace=argo phase=Running resourceVersion=99182211 workflow=nightly-etl-8k2x1\n'
           'time="2026-11-20T08:14:31.771Z" level=info msg="Processing workflow" namespace=argo workflow=nightly-etl-8k2x1\n')
    scenario(
        "mix-unknown-controller-client-side-throttling-noise", "unknown", difficulty="hard",
        note="a healthy Argo workflow controller (Ready, 0 restarts) logging client-go's informational throttling waits between normal work",
        source=[{"url": "github:kubernetes/client-go/rest/request.go", "quote": quote}],
        objects=[p, *_app("workflow-controller", ns, p["metadata"]["name"], ready=1, image=image)],
        logs={log_key(p, "workflow-controller"): log},
    )


for _build in (
    _probe_https_on_http, _probe_grpc_health_probe_missing, _probe_exec_single_string, _probe_exec_timeout_under_load,
    _probe_liveness_before_transport,
    _res_ca_gpu_template, _res_karpenter_no_instance_type, _res_ephemeral_storage_old, _res_kubelet_hugepages,
    _res_ca_max_node_group_size,
    _con_hostnetwork_ports, _con_node_exporter_port_and_affinity, _con_karpenter_unknown_label, _con_volume_zone_vs_rack,
    _con_anti_affinity_rollout,
    _vol_ebs_attach_deadline, _vol_ebs_attachment_timeout_old, _vol_smb_stale_handle, _vol_nfs_fsgroup_stale,
    _vol_storageclass_missing, _vol_wffc_no_local_pv,
    _node_graceful_shutdown, _node_shutdown_old_wording, _node_lost_unresponsive, _node_cni_not_initialized,
    _node_nodefs_eviction_old, _node_ephemeral_eviction_runner,
    _oom_istio_sidecar, _oom_celery_child, _oom_jvm_system_oom, _oom_hyperkube_apiserver,
    _unknown_netbox_init_readiness, _unknown_mysql_startup_once, _unknown_completed_cronjob,
    _unknown_restart_after_node_reboot, _unknown_client_side_throttling,
):
    _build()
