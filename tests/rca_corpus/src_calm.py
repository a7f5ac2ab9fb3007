# ruff: noqa: E501
"""Healthy workloads of popular charts and operators whose logs or events look alarming, and look-alike failures.

Most cases are `unknown`: every pod is Running and Ready with no restarts (or a Job that completed, or a pod
being replaced in a rolling update) and the only marks are text that the maintainers in the cited thread call
expected, harmless or cosmetic: Istio's periodic xDS stream close, Loki's per-tenant timeout notice, a config
reloader that starts before Prometheus, watch re-lists after "too old resource version", optimistic-concurrency
conflicts in operators, Redis' overcommit warning, Cilium's start-up iptables warnings, kube-proxy's flag
deprecation, cluster-autoscaler on nodes it does not manage, cert-manager on deleted Certificates and its
start-up API check, Calico and Cilium probes during start-up, ZooKeeper probe disconnects, Patroni's broken
watch, Varnish's SIGTERM on rollout, pg_dump warnings in a completed backup, Alertmanager's first gossip join,
an Istio sidecar waiting for its first config, Strimzi's reconciliation lock, Velero without a node agent, and a
dashboard refusing scanners with 401. The rest are real failures whose evidence reads like that noise but
persists and stops the work: a Prometheus that cannot parse its generated config behind a reloader's refusals,
a controller whose API token is rejected, a BGP peer that never answers, CoreDNS on a node without a route to
the API, a sidecar cut off from istiod by a NetworkPolicy, Redis without write access to its AOF, Elasticsearch
killed by its liveness probe while starting, an admission-secret Job that keeps failing, a cert-manager webhook
the API server cannot reach, and Loki after a chart upgrade added a field it does not know.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    SCENARIOS,
    T0,
    T1,
    condition,
    container,
    crash_events,
    deployment,
    deployment_and_rs,
    event,
    job,
    log_key,
    log_text,
    looping,
    meta,
    network_policy,
    node,
    pod,
    replicaset,
    scenario,
    service,
    terminated,
    uid,
)

START = "2026-11-20T07:00:12Z"  # when long-running containers started, unless a case says otherwise
READY_AT = "2026-11-20T07:00:41Z"  # when healthy pods became Ready


# --- helpers ------------------------------------------------------------------------------------------------------

def _sts(name: str, ns: str, image: str, *, replicas: int = 1, ready: int | None = None) -> dict[str, Any]:
    ready = replicas if ready is None else ready
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                       "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready}}


def _ds(name: str, ns: str, image: str, *, desired: int = 3, ready: int | None = None) -> dict[str, Any]:
    ready = desired if ready is None else ready
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta(name, ns, generation=1),
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"desiredNumberScheduled": desired, "currentNumberScheduled": desired,
                       "numberReady": ready, "numberAvailable": ready, "updatedNumberScheduled": desired,
                       "numberUnavailable": desired - ready, "observedGeneration": 1}}


def _owned(p: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    """Point a pod's controller reference at a DaemonSet or other owner (the builder defaults to apps/v1)."""
    p["metadata"]["ownerReferences"][0] |= {"kind": kind, "name": name, "uid": uid(name)}
    p["metadata"]["labels"] = {"app": name}
    return p


def _at(ev: dict[str, Any], first: str, last: str | None = None) -> dict[str, Any]:
    """Move an event in time."""
    ev["firstTimestamp"], ev["lastTimestamp"] = first, last or first
    ev["metadata"]["creationTimestamp"] = first
    return ev


def _completed(p: dict[str, Any], started: str, finished: str) -> dict[str, Any]:
    """A Job pod that ran to completion between `started` and `finished`: not Ready by design."""
    for c in p["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c |= {"reason": "PodCompleted", "message": ""}
        if c.get("lastTransitionTime") == T1:
            c["lastTransitionTime"] = finished
    for st in p["status"]["containerStatuses"]:
        st["state"]["terminated"] |= {"startedAt": started, "finishedAt": finished}
    p["status"]["startTime"] = started
    return p


def _settle(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Running containers started when their logs begin, and healthy pods became Ready then, not at the look."""
    for o in objects:
        if o.get("kind") != "Pod":
            continue
        statuses = o["status"].get("containerStatuses", [])
        for st in statuses:
            run = st["state"].get("running")
            if run and run["startedAt"] == T1:
                run["startedAt"] = START
        if statuses and all(st["ready"] for st in statuses):
            for c in o["status"]["conditions"]:
                if c.get("lastTransitionTime") == T1:
                    c["lastTransitionTime"] = READY_AT
    return objects


# =================================================================================================================
# unknown: healthy workloads whose logs or events carry only noise their maintainers call expected
# =================================================================================================================

def _istio_gateway_stream_closed() -> None:
    ns, image = "istio-system", "docker.io/istio/proxyv2:1.4.0"
    pods = [pod(f"istio-ingressgateway-6c9f8d7b5-{s}", ns, [container("istio-proxy", image)]) for s in ("h7m2x", "p4k9w")]
    quote = "gRPC config stream closed: 13,"
    warn = ("[Envoy (Epoch 0)] [2026-11-20 {t}][22][warning][config] [bazel-out/k8-opt/bin/external/envoy/source/common/"
            "config/_virtual_includes/grpc_stream_lib/common/config/grpc_stream.h:91] " + quote)
    log = log_text(
        "2026-11-20T07:00:14.402113Z\tinfo\tEnvoy proxy is ready",
        warn.format(t="07:30:14.085"),
        '[2026-11-20T07:41:02.554Z] "GET /api/cart HTTP/1.1" 200 - "-" "-" 0 1873 12 11 "10.20.4.17" "Mozilla/5.0" "5b1f3c2e-8d41-9a7e-b2d0-41c7e9a0f113" "shop.example.com" "10.244.3.52:8080" outbound|8080||cart.shop.svc.cluster.local - 10.244.3.41:8443 10.20.4.17:51420 -',
        warn.format(t="08:00:14.091"),
        '[2026-11-20T08:13:40.118Z] "GET /api/catalog HTTP/1.1" 200 - "-" "-" 0 5521 9 8 "10.20.4.17" "Mozilla/5.0" "c0a1d2e3-77f4-4e0b-9c8d-2f3a4b5c6d7e" "shop.example.com" "10.244.3.60:8080" outbound|8080||catalog.shop.svc.cluster.local - 10.244.3.41:8443 10.20.4.17:51466 -')
    scenario(
        "calm-istio-gateway-xds-stream-closed", "unknown", difficulty="hard",
        note="two Ready ingress gateways, 0 restarts, serving 200s; the [warning] 'gRPC config stream closed: 13' every 30 minutes is Pilot rebalancing connections, which Istio maintainers call expected behaviour",
        source=[{"url": "https://github.com/istio/istio/issues/19321", "quote": quote}],
        objects=[*pods, *deployment_and_rs("istio-ingressgateway", ns, "6c9f8d7b5", image, replicas=2, ready=2),
                 service("istio-ingressgateway", ns, port=443, target_port=8443), node()],
        logs={log_key(p, "istio-proxy"): log for p in pods},
    )


def _loki_per_tenant_timeout() -> None:
    ns, image = "logging", "grafana/loki:2.8.2"
    pods = [pod(f"loki-read-{i}", ns, [container("loki", image)], owner=("StatefulSet", "loki-read")) for i in (0, 1)]
    quote = "per-tenant timeout not configured, using default engine timeout"
    log = log_text(
        f'level=warn ts=2026-11-20T07:00:13.394946274Z caller=loki.go:286 msg="{quote} (\\"5m0s\\"). This behavior will change in the next major to always use the default per-tenant timeout (\\"5m\\")."',
        'level=info ts=2026-11-20T07:00:13.401772Z caller=main.go:103 msg="Starting Loki" version="(version=2.8.2, branch=HEAD, revision=9f809eda7)"',
        'level=info ts=2026-11-20T07:00:13.403318Z caller=server.go:323 http=[::]:3100 grpc=[::]:9095 msg="server listening on addresses"',
        'level=info ts=2026-11-20T07:00:24.118203Z caller=loki.go:505 msg="Loki started"',
        'level=info ts=2026-11-20T08:13:51.220417Z caller=metrics.go:152 component=querier org_id=fake latency=fast query="{namespace=\\"shop\\"} |= \\"error\\"" query_type=filter range_type=range length=1h0m0s step=14s duration=184.21ms status=200 limit=1000 returned_lines=212 throughput=48MB total_bytes=8.9MB')
    scenario(
        "calm-loki-per-tenant-timeout-warning", "unknown",
        note="two Ready Loki readers answering queries with status=200; the level=warn per-tenant timeout line at start is a migration notice Loki's maintainers reworded as misleading (it prints even when the timeout is set)",
        source=[{"url": "https://github.com/grafana/loki/issues/9801", "quote": quote}],
        objects=[*pods, _sts("loki-read", ns, image, replicas=2), node()],
        logs={log_key(p, "loki"): log for p in pods},
    )


def _gmp_reloader_before_prometheus() -> None:
    ns = "gmp-system"
    prom_img, rel_img = "gke.gcr.io/prometheus-engine/prometheus:v2.35.0-gmp.2", "gke.gcr.io/prometheus-engine/config-reloader:v0.4.1-gke.0"
    p = _owned(pod("collector-7xq4m", ns, [container("config-reloader", rel_img), container("prometheus", prom_img)]),
               "DaemonSet", "collector")
    quote = "dial tcp [::1]:19090: connect: connection refused"
    log = log_text(
        'level=info ts=2026-11-20T07:00:13.118201Z caller=main.go:74 msg="starting config-reloader"',
        'level=info ts=2026-11-20T07:00:13.120884Z caller=reloader.go:219 msg="started watching config file and directories for changes" cfg=/prometheus/config/config.yaml out=/prometheus/config_out/config.yaml dirs=',
        f'level=error ts=2026-11-20T07:00:13.124437Z caller=runutil.go:99 msg="function failed. Retrying in next tick" err="trigger reload: reload request failed: Post \\"http://localhost:19090/-/reload\\": {quote}"',
        'level=info ts=2026-11-20T07:00:18.190556Z caller=reloader.go:355 msg="Reload triggered" cfg_in=/prometheus/config/config.yaml cfg_out=/prometheus/config_out/config.yaml watched_dirs=',
        'level=info ts=2026-11-20T07:00:18.190710Z caller=reloader.go:236 msg="started watching config file and directories for changes" cfg=/prometheus/config/config.yaml out=/prometheus/config_out/config.yaml dirs=')
    scenario(
        "calm-gmp-reloader-refused-before-prometheus", "unknown", difficulty="hard",
        note="both containers Running and Ready, 0 restarts; one level=error 'connection refused' from the config-reloader at start, five seconds before 'Reload triggered': the maintainer explains the reloader can start before Prometheus listens",
        source=[{"url": "https://github.com/GoogleCloudPlatform/prometheus-engine/issues/147", "quote": quote}],
        objects=[p, _ds("collector", ns, prom_img), node()],
        logs={log_key(p, "config-reloader"): log,
              log_key(p, "prometheus"): 'level=info ts=2026-11-20T07:00:17.905Z caller=main.go:993 msg="Server is ready to receive web requests."\n'},
    )


def _spark_operator_watch_too_old() -> None:
    ns, image = "spark-operator", "gcr.io/spark-operator/spark-operator:v1beta2-1.0.1-2.4.4"
    p = pod("sparkoperator-5d9c8b7f6-x2kqp", ns, [container("sparkoperator", image)])
    quote = "ended with: The resourceVersion for the provided watch is too old."
    src = "github.com/GoogleCloudPlatform/spark-on-k8s-operator/pkg/client/informers/externalversions/factory.go:119"
    log = log_text(
        "I1120 07:00:14.220117      11 main.go:146] Starting the Spark Operator",
        "I1120 07:00:15.004412      11 controller.go:156] Starting the workers of the SparkApplication controller",
        f"W1120 07:41:31.150678      11 reflector.go:256] {src}: watch of *v1beta2.ScheduledSparkApplication {quote}",
        f"W1120 07:48:27.390968      11 reflector.go:256] {src}: watch of *v1beta2.SparkApplication {quote}",
        "I1120 08:02:11.771302      11 controller.go:698] SparkApplication spark-jobs/nightly-etl-1763622000 has completed",
        f"W1120 08:11:04.177578      11 reflector.go:256] {src}: watch of *v1beta2.ScheduledSparkApplication {quote}")
    scenario(
        "calm-spark-operator-watch-resourceversion-too-old", "unknown",
        note="the operator is Ready with 0 restarts and finishes applications; the W reflector lines mean the watch was re-listed, which the operator's maintainer calls just a warning that does not affect it",
        source=[{"url": "https://github.com/kubeflow/spark-operator/issues/188", "quote": quote}],
        objects=[p, *deployment_and_rs("sparkoperator", ns, "5d9c8b7f6", image, ready=1), node()],
        logs={log_key(p, "sparkoperator"): log},
    )


def _argo_events_too_old() -> None:
    ns, image = "argo-events", "argoproj/gateway-controller:v0.10"
    p = pod("gateway-controller-7f8d6c9b5-lq2wz", ns, [container("gateway-controller", image)])
    quote = "watch of *v1.ConfigMap ended with: too old resource version"
    src = "github.com/argoproj/argo-events/controllers/gateway/config.go:62"
    log = log_text(
        'time="2026-11-20T07:00:14Z" level=info msg="starting gateway controller" namespace=argo-events',
        f"ERROR: logging before flag.Parse: W1120 07:20:05.478764       1 reflector.go:341] {src}: {quote}: 25098 (25860)",
        'time="2026-11-20T07:52:40Z" level=info msg="gateway is running" gateway=webhook-gateway phase=Running',
        f"ERROR: logging before flag.Parse: W1120 07:58:42.913307       1 reflector.go:341] {src}: {quote}: 25860 (26731)",
        f"ERROR: logging before flag.Parse: W1120 08:12:19.006144       1 reflector.go:341] {src}: {quote}: 26731 (27302)")
    scenario(
        "calm-argo-events-configmap-watch-too-old", "unknown", difficulty="hard",
        note="every re-list is printed with an 'ERROR: logging before flag.Parse' prefix, but the controller is Ready with 0 restarts and its gateway runs; an Argo maintainer calls these Kubernetes debug logs safe to ignore",
        source=[{"url": "https://github.com/argoproj/argo-events/issues/318", "quote": quote}],
        objects=[p, *deployment_and_rs("gateway-controller", ns, "7f8d6c9b5", image, ready=1), node()],
        logs={log_key(p, "gateway-controller"): log},
    )


def _scylla_operator_conflict() -> None:
    ns, image = "scylla", "scylladb/scylla-operator:0.2.4"
    op = pod("scylla-operator-0", "scylla-operator-system", [container("scylla-operator", image)],
             owner=("StatefulSet", "scylla-operator"))
    members = [pod(f"sct-cluster-us-east1-b-us-east1-{i}", ns, [container("scylla", "scylladb/scylla:4.1.7")],
                   owner=("StatefulSet", "sct-cluster-us-east1-b-us-east1")) for i in range(3)]
    quote = ('Operation cannot be fulfilled on clusters.scylla.scylladb.com "sct-cluster": the object has been modified; '
             'please apply your changes to the latest version and try again')
    log = log_text(
        '2026-11-20T07:00:15.204Z\tINFO\tcluster-controller\tStarting workers\t{"worker count": 1}',
        '2026-11-20T08:12:48.611Z\tINFO\tcluster-controller\tCalculating cluster actions\t{"cluster": "scylla/sct-cluster"}',
        f"2026-11-20T08:12:49.304Z\tERROR\tcluster-controller\tFailed to update cluster status, {quote}",
        '2026-11-20T08:12:49.318Z\tINFO\tcluster-controller\tCalculating cluster actions\t{"cluster": "scylla/sct-cluster"}',
        '2026-11-20T08:12:49.402Z\tINFO\tcluster-controller\tAll racks are ready\t{"cluster": "scylla/sct-cluster"}',
        f"2026-11-20T08:14:02.917Z\tERROR\tcluster-controller\tFailed to update cluster status, {quote}",
        '2026-11-20T08:14:02.930Z\tINFO\tcluster-controller\tAll racks are ready\t{"cluster": "scylla/sct-cluster"}')
    scenario(
        "calm-scylla-operator-status-conflict", "unknown", difficulty="hard",
        note="ERROR-level optimistic-concurrency conflicts, but the operator and all three Scylla members are Ready with 0 restarts and the next pass succeeds; the Scylla maintainer calls the conflicts natural and retried",
        source=[{"url": "https://github.com/scylladb/scylla-operator/issues/217", "quote": quote}],
        objects=[op, *members, _sts("scylla-operator", "scylla-operator-system", image),
                 _sts("sct-cluster-us-east1-b-us-east1", ns, "scylladb/scylla:4.1.7", replicas=3), node()],
        logs={log_key(op, "scylla-operator"): log},
    )


def _redis_overcommit_warning() -> None:
    ns, image = "cache", "docker.io/bitnami/redis:7.0.8-debian-11-r0"
    p = pod("redis-master-0", ns, [container("redis", image)], owner=("StatefulSet", "redis-master"))
    quote = "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition."
    log = log_text(
        "1:C 20 Nov 2026 07:00:13.201 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C 20 Nov 2026 07:00:13.201 # Redis version=7.0.8, bits=64, commit=00000000, modified=0, pid=1, just started",
        "1:C 20 Nov 2026 07:00:13.201 # Configuration loaded",
        f"1:M 20 Nov 2026 07:00:13.202 # {quote} Being disabled, it can can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
        "1:M 20 Nov 2026 07:00:13.203 * Running mode=standalone, port=6379.",
        "1:M 20 Nov 2026 07:00:13.204 * Ready to accept connections",
        "1:M 20 Nov 2026 08:00:14.033 * 100 changes in 300 seconds. Saving...",
        "1:M 20 Nov 2026 08:00:14.041 * Background saving terminated with success")
    scenario(
        "calm-redis-overcommit-warning", "unknown",
        note="Redis Ready with 0 restarts and background saves succeed; the overcommit WARNING is about a host sysctl a container cannot set, which the Docker image maintainers say must be set on the node if wanted",
        source=[{"url": "https://github.com/redis/docker-library-redis/issues/346", "quote": quote}],
        objects=[p, _sts("redis-master", ns, image), node()],
        logs={log_key(p, "redis"): log},
    )


def _cilium_transient_forward() -> None:
    ns, image = "kube-system", "docker.io/cilium/cilium:v1.6.0"
    p = _owned(pod("cilium-8kx2d", ns, [container("cilium-agent", image)]), "DaemonSet", "cilium")
    quote = '"Unable to delete Cilium iptables chain" error="exit status 1" obj="[-w 5 -t filter -X CILIUM_TRANSIENT_FORWARD]"'
    log = log_text(
        'level=info msg="Setting up base BPF datapath" subsys=daemon',
        'level=warning msg="Unable to flush Cilium iptables chain" error="exit status 1" obj="[-w 5 -t filter -F CILIUM_TRANSIENT_FORWARD]" subsys=iptables',
        f"level=warning msg={quote} subsys=iptables",
        'level=info msg="Daemon initialization completed" bootstrapTime=5.412301847s subsys=daemon',
        'level=info msg="Serving cilium health API at unix:///var/run/cilium/health.sock" subsys=health-server')
    scenario(
        "calm-cilium-transient-forward-chain-warning", "unknown",
        note="the agent is Ready with 0 restarts; the two warnings about flushing and deleting CILIUM_TRANSIENT_FORWARD at start are ones a Cilium maintainer filed as harmless and silenced",
        source=[{"url": "https://github.com/cilium/cilium/issues/8980", "quote": quote}],
        objects=[p, _ds("cilium", ns, image), node()],
        logs={log_key(p, "cilium-agent"): log},
    )


def _kube_proxy_flags_deprecated() -> None:
    ns, image = "kube-system", "k8s.gcr.io/hyperkube:v1.11.2"
    p = _owned(pod("kube-proxy-m4wq7", ns, [container("kube-proxy", image)], hostNetwork=True), "DaemonSet", "kube-proxy")
    quote = "all flags other than --config, --write-config-to, and --cleanup are deprecated. Please begin using a config file ASAP."
    log = log_text(
        f"W1120 07:00:13.529651       1 server.go:195] WARNING: {quote}",
        "I1120 07:00:13.554118       1 server_others.go:140] Using iptables Proxier.",
        "I1120 07:00:13.556902       1 server_others.go:174] Tearing down inactive rules.",
        "I1120 07:00:13.612774       1 server.go:448] Version: v1.11.2",
        "I1120 07:00:13.640021       1 config.go:202] Starting service config controller",
        "I1120 07:00:13.740233       1 controller_utils.go:1032] Caches are synced for service config controller")
    scenario(
        "calm-kube-proxy-flags-deprecated", "unknown",
        note="kube-proxy Running and Ready on every node; the WARNING at start is a deprecation notice about command-line flags, which the distribution's maintainer chose not to act on",
        source=[{"url": "https://github.com/poseidon/typhoon/issues/302", "quote": quote}],
        objects=[p, _ds("kube-proxy", ns, image), node()],
        logs={log_key(p, "kube-proxy"): log},
    )


def _cluster_autoscaler_unmanaged_nodes() -> None:
    ns, image = "kube-system", "registry.k8s.io/autoscaling/cluster-autoscaler:v1.27.3"
    p = pod("cluster-autoscaler-6b9d8c7f5-t2nbq", ns, [container("cluster-autoscaler", image)])
    karpenter = ["ip-10-0-41-7.us-west-2.compute.internal", "ip-10-0-58-213.us-west-2.compute.internal"]
    quote = "node is not present in aws: could not find instance"
    lines = []
    for t in ("08:13:02", "08:13:12", "08:13:22", "08:14:02"):
        lines += [f'{{"level":"WARN","ts":"2026-11-20T{t}Z","message":"Failed to check cloud provider has instance for {n}: {quote} {{aws:///us-west-2b/i-0{k}f3a9c1d2e4b5 i-0{k}f3a9c1d2e4b5}}"}}'
                  for k, n in enumerate(karpenter)]
        lines.append(f'{{"level":"INFO","ts":"2026-11-20T{t}Z","message":"No unschedulable pods"}}')
    scenario(
        "calm-cluster-autoscaler-unmanaged-node-warnings", "unknown", difficulty="hard",
        note="WARN lines every loop for two Karpenter-provisioned nodes that are in no Auto Scaling group the autoscaler manages; it is Ready with 0 restarts and has nothing to scale. The thread treats it as log spam for unmanaged nodes",
        source=[{"url": "https://github.com/kubernetes/autoscaler/issues/6096", "quote": quote}],
        objects=[p, *deployment_and_rs("cluster-autoscaler", ns, "6b9d8c7f5", image, ready=1), node(), *[node(n) for n in karpenter]],
        logs={log_key(p, "cluster-autoscaler"): log_text(*lines)},
    )


def _cert_manager_deleted_certificate() -> None:
    ns, image = "cert-manager", "quay.io/jetstack/cert-manager-controller:v1.5.3"
    p = pod("cert-manager-848f547974-qzl55", ns, [container("cert-manager", image)])
    quote = 'cert-manager/controller/certificates-issuing "msg"="certificate not found for key"'
    key, name = "app-develop/mongo.develop.mydomain.com-tls", "mongo.develop.mydomain.com-tls"
    log = log_text(
        'I1120 07:00:14.353782       1 start.go:75] cert-manager "msg"="starting controller"  "git-commit"="b26bd256f124d480fcb198e1464854f41b0d0d2c" "version"="v1.5.3"',
        'I1120 07:00:16.119204       1 leaderelection.go:258] successfully acquired lease kube-system/cert-manager-controller',
        f'E1120 08:13:41.421188       1 revisionmanager_controller.go:106] cert-manager/controller/certificates-revision-manager "msg"="certificate not found for key" "error"="certificate.cert-manager.io \\"{name}\\" not found" "key"="{key}" ',
        f'E1120 08:13:41.422229       1 issuing_controller.go:152] {quote} "error"="certificate.cert-manager.io \\"{name}\\" not found" "key"="{key}" ',
        'I1120 08:14:02.774310       1 conditions.go:190] Setting lastTransitionTime for Certificate "api-develop-tls" condition "Ready" to 2026-11-20 08:14:02.774301 +0000 UTC m=+4428.421062')
    scenario(
        "calm-cert-manager-deleted-certificate-not-found", "unknown", difficulty="hard",
        note="E-level 'certificate not found for key' right after a Certificate was deleted with its namespace; the controller is Ready with 0 restarts. cert-manager's maintainers moved this line to debug because it is normal operation and can be safely ignored",
        source=[{"url": "https://github.com/cert-manager/cert-manager/issues/4437", "quote": quote}],
        objects=[p, *deployment_and_rs("cert-manager", ns, "848f547974", image, ready=1), node()],
        events=[_at(event(p, "LeaderElection", f"{p['metadata']['name']}-external-cert-manager-controller became leader",
                          type_="Normal", count=1, component="cert-manager-leader-election"), "2026-11-20T07:00:16Z")],
        logs={log_key(p, "cert-manager"): log},
    )


def _calico_bird_socket_at_start() -> None:
    ns, image = "kube-system", "docker.io/calico/node:v3.24.1"
    new_node = "rke-worker-4"
    p = _owned(pod("calico-node-9w2lf", ns, [container("calico-node", image)], node=new_node), "DaemonSet", "calico-node")
    quote = ("Readiness probe failed: calico/node is not ready: BIRD is not ready: Error querying BIRD: unable to connect "
             "to BIRDv4 socket: dial unix /var/run/calico/bird.ctl: connect: connection refused")
    log = log_text(
        "2026-11-20 07:00:14.204 [INFO][9] startup/startup.go 95: Starting node rke-worker-4 with version v3.24.1",
        "2026-11-20 07:00:14.351 [INFO][9] startup/autodetection_methods.go 117: Using autodetected IPv4 address 10.40.0.34/24 on matching interface ens192",
        "2026-11-20 07:00:21.930 [INFO][58] confd/client.go 1444: Updated with new IPAM blocks",
        "2026-11-20 07:00:24.118 [INFO][61] felix/int_dataplane.go 1602: Completed first update to dataplane. secsSinceStart=3.41",
        "2026-11-20 08:10:44.502 [INFO][61] felix/summary.go 100: Summarising 11 dataplane reconciliation loops over 1m2.6s: avg=4ms longest=13ms ()")
    scenario(
        "calm-calico-bird-socket-at-start", "unknown", difficulty="hard",
        note="two readiness failures in the first 30 seconds on a node just added, before BIRD opened its socket; the pod has been Ready with 0 restarts for over an hour. Calico's maintainers call a transient not-ready at start normal Kubernetes behaviour",
        source=[{"url": "https://github.com/projectcalico/calico/issues/6860", "quote": quote}],
        objects=[p, _ds("calico-node", ns, image, desired=4), node(new_node), node()],
        events=[_at(event(p, "Unhealthy", quote, count=2), "2026-11-20T07:00:17Z", "2026-11-20T07:00:27Z"),
                _at(event(p, "Started", "Started container calico-node", type_="Normal", count=1), "2026-11-20T07:00:13Z")],
        logs={log_key(p, "calico-node"): log},
    )


def _zookeeper_probe_disconnects() -> None:
    ns, image = "kafka", "docker.io/bitnami/zookeeper:3.4.13"
    pods = [pod(f"zookeeper-{i}", ns, [container("zookeeper", image, livenessProbe={"tcpSocket": {"port": 2181}, "periodSeconds": 10},
                                                 readinessProbe={"tcpSocket": {"port": 2181}, "periodSeconds": 10})],
                owner=("StatefulSet", "zookeeper")) for i in range(3)]
    quote = "Unable to read additional data from client sessionid 0x0, likely client has closed socket"
    lines = []
    for t, port in (("08:13:52,368", 53334), ("08:14:02,369", 53352), ("08:14:12,367", 53370)):
        lines += [f"2026-11-20 {t} [myid:1] - INFO  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxnFactory@215] - Accepted socket connection from /10.46.128.0:{port}",
                  f"2026-11-20 {t} [myid:1] - WARN  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@376] - {quote}",
                  f"2026-11-20 {t} [myid:1] - INFO  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@1056] - Closed socket connection for client /10.46.128.0:{port} (no session established for client)"]
    scenario(
        "calm-zookeeper-probe-disconnect-warnings", "unknown",
        note="three Ready ZooKeeper members, 0 restarts; the WARN every ten seconds comes from the TCP probes opening and closing a socket, which the chart's maintainers document as log noise from each probe",
        source=[{"url": "https://github.com/bitnami/charts/issues/1130", "quote": quote}],
        objects=[*pods, _sts("zookeeper", ns, image, replicas=3), node()],
        logs={log_key(p, "zookeeper"): log_text(*lines) for p in pods},
    )


def _patroni_watch_broken() -> None:
    ns, image = "db", "registry.opensource.zalan.do/acid/spilo-12:1.6-p3"
    pods = [pod(f"acid-main-{i}", ns, [container("postgres", image)], owner=("StatefulSet", "acid-main")) for i in (0, 1)]
    quote = "ObjectCache.run ProtocolError('Connection broken: IncompleteRead(0 bytes read)"
    leader = log_text(
        "2026-11-20 08:12:35,915 INFO: no action. I am (acid-main-0), the leader with the lock",
        "2026-11-20 08:12:45,914 INFO: no action. I am (acid-main-0), the leader with the lock",
        f"2026-11-20 08:12:53,715 ERROR: {quote}', IncompleteRead(0 bytes read))",
        f"2026-11-20 08:12:53,716 ERROR: {quote}', IncompleteRead(0 bytes read))",
        "2026-11-20 08:12:55,916 INFO: no action. I am (acid-main-0), the leader with the lock",
        "2026-11-20 08:13:05,915 INFO: no action. I am (acid-main-0), the leader with the lock",
        "2026-11-20 08:14:25,916 INFO: no action. I am (acid-main-0), the leader with the lock")
    replica = log_text(
        "2026-11-20 08:14:25,922 INFO: Lock owner: acid-main-0; I am acid-main-1",
        "2026-11-20 08:14:25,923 INFO: no action. I am a secondary (acid-main-1) and following a leader (acid-main-0)")
    scenario(
        "calm-patroni-watch-connection-broken", "unknown", difficulty="hard",
        note="two ERROR lines when the API server dropped Patroni's watch during a control-plane restart; both members are Ready with 0 restarts and the leader keeps its lock. The Patroni maintainer explains the line as the broken WATCH connection to the API",
        source=[{"url": "https://github.com/patroni/patroni/issues/1729", "quote": quote}],
        objects=[*pods, _sts("acid-main", ns, image, replicas=2), node()],
        logs={log_key(pods[0], "postgres"): leader, log_key(pods[1], "postgres"): replica},
    )


def _varnish_sigterm_rollout() -> None:
    ns = "edge"
    old_img, new_img = "varnish:7.3.0", "varnish:7.4.1"
    old = pod("varnish-5b7c9d8f6-r8k2p", ns, [container("varnish", old_img)])
    old["metadata"] |= {"deletionTimestamp": T1, "deletionGracePeriodSeconds": 30}
    new = [pod(f"varnish-7d6f5c8b9-{s}", ns, [container("varnish", new_img)]) for s in ("j4q8n", "w2m6x")]
    quote = "Error: Manager got SIGTERM"
    dep = deployment("varnish", ns, replicas=2, ready=2, image=new_img, revision=5)
    rs_new = replicaset("varnish-7d6f5c8b9", ns, replicas=2, ready=2, deployment_name="varnish", revision=5)
    rs_old = replicaset("varnish-5b7c9d8f6", ns, replicas=0, ready=1, deployment_name="varnish", revision=4)
    scenario(
        "calm-varnish-sigterm-during-rollout", "unknown", difficulty="hard",
        note="a rolling update: both new pods are Ready and the old one is being deleted; its 'Error: Manager got SIGTERM' is how Varnish logs the kubelet's normal stop, which Varnish developers agreed should not read as an error",
        source=[{"url": "https://github.com/varnishcache/varnish-cache/issues/4409", "quote": quote}],
        objects=[old, *new, dep, rs_new, rs_old, service("varnish", ns, port=80, target_port=80), node()],
        events=[event(old, "Killing", "Stopping container varnish", type_="Normal", count=1),
                event(dep, "ScalingReplicaSet", "Scaled down replica set varnish-5b7c9d8f6 to 0 from 1", type_="Normal",
                      count=1, component="deployment-controller"),
                _at(event(dep, "ScalingReplicaSet", "Scaled up replica set varnish-7d6f5c8b9 to 2 from 1", type_="Normal",
                          count=1, component="deployment-controller"), "2026-11-20T08:14:21Z")],
        logs={log_key(old, "varnish"): log_text(
                  "Debug: Version: varnish-7.3.0 revision 84d79120b6d17b11819a663a93160743f293e63f",
                  "Debug: Platform: Linux,5.15.0-1049-aws,x86_64,-jnone,-sdefault,-sdefault,-hcritbit",
                  "Debug: Child (27) Started",
                  "Info: Child (27) said Child starts",
                  quote,
                  "Debug: Stopping Child",
                  "Info: Child (27) said Child dies",
                  "Debug: Child cleanup complete"),
              **{log_key(p, "varnish"): "Debug: Child (27) Started\nInfo: Child (27) said Child starts\n" for p in new}},
    )


def _pg_dump_cronjob_completed() -> None:
    ns, image = "backups", "registry.example.com/ops/pg-backup-s3:16.1"
    jname = "orders-db-backup-29378880"
    p = _completed(pod(f"{jname}-q7x2v", ns, [container("backup", image, state=terminated(0, "Completed"), ready=False)],
                       owner=("Job", jname), phase="Succeeded", restartPolicy="Never"),
                   "2026-11-20T08:00:04Z", "2026-11-20T08:03:12Z")
    j = job(jname, ns, succeeded=1, conditions=[condition("Complete", "True")])
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("orders-db-backup", ns),
            "spec": {"schedule": "0 8 * * *", "concurrencyPolicy": "Forbid"},
            "status": {"lastScheduleTime": T0, "lastSuccessfulTime": "2026-11-20T08:03:12Z"}}
    quote = "pg_dump: warning: there are circular foreign-key constraints on this table:"
    log = log_text(
        "Initiating DB backup...",
        "Dumping DB to file...",
        quote,
        "pg_dump: detail: hypertable",
        "pg_dump: hint: You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints.",
        "pg_dump: hint: Consider using a full dump instead of a --data-only dump to avoid this problem.",
        quote,
        "pg_dump: detail: chunk",
        "Uploading backup to s3://orders-db-backups/2026-11-20T08-00-00.dump.gz ...",
        "DB backup complete (412.7 MiB)")
    scenario(
        "calm-pgdump-cronjob-completed-with-warnings", "unknown",
        note="the nightly backup Job completed (exit 0, pod Succeeded); pg_dump's circular foreign-key warnings concern --data-only restores, and a Supabase maintainer documents them as fine to ignore",
        source=[{"url": "https://github.com/supabase/supabase/pull/28795", "quote": quote}],
        objects=[p, j, cron, node()],
        events=[_at(event(j, "Completed", "Job completed", type_="Normal", count=1, component="job-controller"), "2026-11-20T08:03:13Z"),
                _at(event(cron, "SawCompletedJob", f"Saw completed job: {jname}, status: Complete", type_="Normal", count=1,
                      component="cronjob-controller"), "2026-11-20T08:03:14Z")],
        logs={log_key(p, "backup"): log},
    )


def _cert_manager_startupapicheck() -> None:
    ns = "cert-manager"
    img, hook_img = "quay.io/jetstack/cert-manager-startupapicheck:v1.13.2", "quay.io/jetstack/cert-manager-webhook:v1.13.2"
    jname = "cert-manager-startupapicheck"
    p = _completed(pod(f"{jname}-7n4kd", ns, [container("cert-manager-startupapicheck", img, state=terminated(0, "Completed"), ready=False)],
                       owner=("Job", jname), phase="Succeeded", restartPolicy="OnFailure"),
                   "2026-11-20T07:00:20Z", "2026-11-20T07:00:36Z")
    hook = pod("cert-manager-webhook-6c9d8f7b5-xl2pq", ns, [container("cert-manager-webhook", hook_img)])
    j = job(jname, ns, succeeded=1, backoff_limit=4, conditions=[condition("Complete", "True")])
    quote = "Not ready: the cert-manager webhook deployment is not ready yet"
    detail = ('(Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post '
              '"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s": dial tcp 10.96.48.155:443: connect: connection refused)')
    log = log_text(*(f"2026/11/20 07:00:{s} {quote} {detail}" for s in ("21", "26", "31")),
                   "The cert-manager API is ready")
    scenario(
        "calm-cert-manager-startupapicheck-retries-then-ready", "unknown", difficulty="hard",
        note="the post-install check Job completed (exit 0) after three 'Not ready ... connection refused' retries while the webhook started; the webhook is Ready with 0 restarts. The check is built to wait this way (verbose by a cert-manager maintainer's change)",
        source=[{"url": "https://github.com/cert-manager/cert-manager/pull/6495", "quote": quote}],
        objects=[p, hook, j, *deployment_and_rs("cert-manager-webhook", ns, "6c9d8f7b5", hook_img, ready=1), node()],
        events=[_at(event(j, "Completed", "Job completed", type_="Normal", count=1, component="job-controller"), "2026-11-20T07:00:37Z")],
        logs={log_key(p, "cert-manager-startupapicheck"): log,
              log_key(hook, "cert-manager-webhook"): 'I1120 07:00:33.201184       1 server.go:147] "listening for secure connections" logger="cert-manager.webhook" address=":10250"\n'},
    )


def _alertmanager_gossip_at_start() -> None:
    ns, image = "monitoring", "quay.io/prometheus/alertmanager:v0.21.0"
    p = pod("alertmanager-main-0", ns, [container("alertmanager", image)], owner=("StatefulSet", "alertmanager-main"))
    quote = 'msg="unable to join gossip mesh"'
    err = ('err="1 error occurred:\\n\\t* Failed to resolve alertmanager-main-0.alertmanager-operated.monitoring.svc:9094: lookup '
           'alertmanager-main-0.alertmanager-operated.monitoring.svc on 10.64.0.10:53: no such host\\n\\n"')
    log = log_text(
        'level=info ts=2026-11-20T07:00:13.578Z caller=main.go:216 msg="Starting Alertmanager" version="(version=0.21.0, branch=HEAD, revision=4c6c03ebfe1009c546e4d1e9b92c371d67c021d)"',
        f'level=warn ts=2026-11-20T07:00:13.593Z caller=cluster.go:228 component=cluster msg="failed to join cluster" {err}',
        'level=info ts=2026-11-20T07:00:13.593Z caller=cluster.go:230 component=cluster msg="will retry joining cluster every 10s"',
        f'level=warn ts=2026-11-20T07:00:13.593Z caller=main.go:322 {quote} {err}',
        'level=info ts=2026-11-20T07:00:13.593Z caller=cluster.go:623 component=cluster msg="Waiting for gossip to settle..." interval=2s',
        'level=info ts=2026-11-20T07:00:13.651Z caller=coordinator.go:119 component=configuration msg="Loading configuration file" file=/etc/alertmanager/config/alertmanager.yaml',
        'level=info ts=2026-11-20T07:00:13.667Z caller=main.go:485 msg=Listening address=:9093',
        'level=info ts=2026-11-20T07:00:21.594Z caller=cluster.go:640 component=cluster msg="gossip settled; proceeding" elapsed=8.001s')
    scenario(
        "calm-alertmanager-gossip-join-at-start", "unknown", difficulty="hard",
        note="a single-replica Alertmanager warns at start that it cannot resolve its own peer name (the headless Service publishes it only once the pod is Ready), then gossip settles; Ready with 0 restarts. The reporter closed it as normal error reporting",
        source=[{"url": "https://github.com/prometheus-operator/prometheus-operator/issues/3345", "quote": quote}],
        objects=[p, _sts("alertmanager-main", ns, image), node()],
        logs={log_key(p, "alertmanager"): log},
    )


def _istio_sidecar_waiting_at_start() -> None:
    ns = "bookinfo"
    app_img, proxy_img = "docker.io/istio/examples-bookinfo-reviews-v2:1.15.0", "docker.io/istio/proxyv2:1.1.5"
    p = pod("reviews-v2-7d8c9b6f5-k9r2m", ns, [container("reviews", app_img), container("istio-proxy", proxy_img)])
    quote = ("Envoy proxy is NOT ready: config not received from Pilot (is Pilot running?): cds updates: 1 successful, "
             "0 rejected; lds updates: 0 successful, 0 rejected")
    log = log_text(
        "2026-11-20T07:00:14.765214Z\tinfo\tEnvoy proxy is NOT ready: config not received from Pilot (is Pilot running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected",
        f"2026-11-20T07:00:16.789897Z\tinfo\t{quote}",
        f"2026-11-20T07:00:18.783365Z\tinfo\t{quote}",
        '[2026-11-20T08:13:58.102Z] "GET /reviews/0 HTTP/1.1" 200 - "-" 0 295 7 6 "-" "python-requests/2.21.0" "0b4c1e6a-1f0c-9b7f-8c43-6d2b1d9c3a11" "reviews:9080" "127.0.0.1:9080" inbound|9080|http|reviews.bookinfo.svc.cluster.local - 10.244.3.41:9080 10.244.1.17:40722 -')
    scenario(
        "calm-istio-sidecar-waiting-for-first-config", "unknown", difficulty="hard",
        note="the sidecar printed 'Envoy proxy is NOT ready' for a few seconds while its first cds/lds updates arrived, and three readiness 503s at start; both containers have been Ready for an hour with 0 restarts and serve 200s",
        source=[{"url": "https://github.com/istio/istio/issues/13939", "quote": quote}],
        objects=[p, *deployment_and_rs("reviews-v2", ns, "7d8c9b6f5", app_img, ready=1), node()],
        events=[_at(event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=3),
                    "2026-11-20T07:00:15Z", "2026-11-20T07:00:19Z")],
        logs={log_key(p, "istio-proxy"): log,
              log_key(p, "reviews"): "[AUDIT   ] CWWKF0011I: The defaultServer server is ready to run a smarter planet.\n"},
    )


def _strimzi_lock_busy() -> None:
    ns, image = "kafka", "quay.io/strimzi/operator:0.21.1"
    p = pod("strimzi-cluster-operator-7c9f8d6b5-vk2tq", ns, [container("strimzi-cluster-operator", image)])
    brokers = [pod(f"events-kafka-{i}", ns, [container("kafka", "quay.io/strimzi/kafka:0.21.1-kafka-2.7.0")],
                   owner=("StatefulSet", "events-kafka")) for i in range(3)]
    quote = "Failed to acquire lock"
    log = log_text(
        "2026-11-20 08:12:32 INFO  OperatorWatcher:40 - Reconciliation #412(watch) Kafka(kafka/events): Kafka events in namespace kafka was MODIFIED",
        "2026-11-20 08:12:32 INFO  AbstractOperator:173 - Reconciliation #412(watch) Kafka(kafka/events): Kafka events will be checked for creation or modification",
        "2026-11-20 08:12:39 INFO  ClusterOperator:125 - Triggering periodic reconciliation for namespace kafka...",
        f"2026-11-20 08:12:49 WARN  AbstractOperator:247 - Reconciliation #413(timer) Kafka(kafka/events): {quote} lock::kafka::Kafka::events within 10000ms.",
        "2026-11-20 08:13:18 INFO  AbstractOperator:318 - Reconciliation #412(watch) Kafka(kafka/events): reconciled",
        "2026-11-20 08:14:39 INFO  ClusterOperator:125 - Triggering periodic reconciliation for namespace kafka...",
        "2026-11-20 08:14:58 INFO  AbstractOperator:318 - Reconciliation #414(timer) Kafka(kafka/events): reconciled")
    scenario(
        "calm-strimzi-reconciliation-lock-busy", "unknown",
        note="a WARN 'Failed to acquire lock' while a watch-triggered reconciliation was still running; the operator and brokers are Ready with 0 restarts. Strimzi's maintainer says in 99% of cases it means nothing is wrong and moved it to debug",
        source=[{"url": "https://github.com/strimzi/strimzi-kafka-operator/pull/4521", "quote": quote}],
        objects=[p, *brokers, *deployment_and_rs("strimzi-cluster-operator", ns, "7c9f8d6b5", image, ready=1),
                 _sts("events-kafka", ns, "quay.io/strimzi/kafka:0.21.1-kafka-2.7.0", replicas=3), node()],
        logs={log_key(p, "strimzi-cluster-operator"): log},
    )


def _velero_without_node_agent() -> None:
    ns, image = "velero", "velero/velero:v1.12.0"
    p = pod("velero-6b95df4d6b-4zqvt", ns, [container("velero", image)])
    quote = "Velero node agent not found; pod volume backups/restores will not work until it's created"
    log = log_text(
        'time="2026-11-20T07:00:14Z" level=info msg="setting log-level to INFO" logSource="pkg/cmd/server/server.go:203"',
        f'time="2026-11-20T07:00:15Z" level=warning msg="{quote}" logSource="pkg/cmd/server/server.go:571"',
        'time="2026-11-20T07:00:16Z" level=info msg="BackupStorageLocations is valid, marking as available" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:128"',
        'time="2026-11-20T08:00:41Z" level=info msg="Backup completed" backup=velero/daily-20261120080000 logSource="pkg/controller/backup_controller.go:739"')
    scenario(
        "calm-velero-node-agent-not-found", "unknown",
        note="Velero is Ready with 0 restarts and the daily backup completed; the warning concerns file-system backups through a node agent this install does not use, as a Velero maintainer explains",
        source=[{"url": "https://github.com/velero-io/velero/issues/6900", "quote": quote}],
        objects=[p, *deployment_and_rs("velero", ns, "6b95df4d6b", image, ready=1), node()],
        logs={log_key(p, "velero"): log},
    )


def _cilium_startup_probe_clean_install() -> None:
    ns, image = "kube-system", "quay.io/cilium/cilium:v1.16.0"
    probe = {"httpGet": {"host": "127.0.0.1", "path": "/healthz", "port": 9879}, "periodSeconds": 2, "failureThreshold": 105}
    p = _owned(pod("cilium-4rj7c", ns, [container("cilium-agent", image, startupProbe=probe)]), "DaemonSet", "cilium")
    quote = 'Startup probe failed: Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused'
    scenario(
        "calm-cilium-startup-probe-refused-on-install", "unknown", difficulty="hard",
        note="four startup-probe refusals in the agent's first seconds on a clean install, far inside its failureThreshold of 105; the agent is Ready with 0 restarts and the reporter's cilium status and connectivity test were OK",
        source=[{"url": "https://github.com/cilium/cilium/issues/34214", "quote": quote}],
        objects=[p, _ds("cilium", ns, image), node()],
        events=[_at(event(p, "Unhealthy", quote, count=4), "2026-11-20T07:00:14Z", "2026-11-20T07:00:20Z")],
        logs={log_key(p, "cilium-agent"): log_text(
            'time="2026-11-20T07:00:21Z" level=info msg="Daemon initialization completed" bootstrapTime=8.1240153s subsys=daemon',
            'time="2026-11-20T08:10:02Z" level=info msg="Conntrack garbage collector interval recalculated" expectedPrevInterval=7m30s newInterval=11m15s subsys=map-ct')},
    )


def _dashboards_scanner_401() -> None:
    ns, image = "wazuh", "wazuh/wazuh-dashboard:4.9.2"
    p = pod("wazuh-dashboard-6d8c7f9b5-h2x4n", ns, [container("wazuh-dashboard", image)])
    quote = '"message":"GET /logs/wp-content/plugins/plugin-name/error_log 401 1ms - 9.0B"'

    def line(ts: str, url: str, code: int, remote: str, msg: str) -> str:
        return ('{"type":"response","@timestamp":"' + ts + '","tags":[],"pid":11129,"method":"get","statusCode":' + str(code)
                + ',"req":{"url":"' + url + '","method":"get","headers":{"host":"34.207.220.229","accept":"*/*"},"remoteAddress":"'
                + remote + '"},"res":{"statusCode":' + str(code) + ',"responseTime":1,"contentLength":9},' + msg + '}')

    log = log_text(
        line("2026-11-20T08:13:04Z", "/logs/wp-content/plugins/plugin-name/error_log", 401, "51.222.26.42", quote),
        line("2026-11-20T08:13:04Z", "/administrator/logs/error_log", 401, "51.222.26.42", '"message":"GET /administrator/logs/error_log 401 1ms - 9.0B"'),
        line("2026-11-20T08:13:05Z", "/.env", 401, "51.222.26.42", '"message":"GET /.env 401 1ms - 9.0B"'),
        line("2026-11-20T08:14:10Z", "/app/wz-home", 200, "10.20.4.17", '"message":"GET /app/wz-home 200 38ms - 9.0B"'))
    scenario(
        "calm-dashboard-401-to-scanners", "unknown", difficulty="hard",
        note="401s to an internet scanner probing for error_log and .env paths are the dashboard's authentication doing its job; the pod is Ready with 0 restarts and its own users get 200. The Wazuh team handled the report as troubleshooting, not a defect",
        source=[{"url": "https://github.com/wazuh/wazuh-virtual-machines/issues/124", "quote": quote}],
        objects=[p, *deployment_and_rs("wazuh-dashboard", ns, "6d8c7f9b5", image, ready=1),
                 service("wazuh-dashboard", ns, port=443, target_port=5601), node()],
        logs={log_key(p, "wazuh-dashboard"): log},
    )


# =================================================================================================================
# real failures whose evidence reads like the noise above but persists and stops the work
# =================================================================================================================

def _real_prometheus_config_field() -> None:
    ns = "monitoring"
    prom_img, rel_img = "quay.io/prometheus/prometheus:v2.7.1", "quay.io/coreos/prometheus-config-reloader:v0.31.1"
    name = "prometheus-prometheus-operator-1-prometheus-0"
    p = pod(name, ns, [container("prometheus", prom_img, **looping(name, ns, "prometheus", 1, 8)),
                       container("prometheus-config-reloader", rel_img), container("rules-configmap-reloader", "quay.io/coreos/configmap-reload:v0.0.1")],
            owner=("StatefulSet", "prometheus-prometheus-operator-1-prometheus"))
    quote = "field honor_timestamps not found in type config.plain"
    refused = ('msg="function failed. Retrying" err="trigger reload: reload request failed: Post http://127.0.0.1:9090/-/reload: '
               'dial tcp 127.0.0.1:9090: connect: connection refused"')
    scenario(
        "calm-real-prometheus-generated-config-unparsable", "config_error", difficulty="hard",
        note="the config-reloader's level=error 'connection refused' lines look like its usual start-up race, but they never stop: Prometheus itself crash-loops because the operator's generated config has a field (honor_timestamps) this older Prometheus does not know",
        source=[{"url": "https://github.com/awslabs/benchmark-ai/issues/552", "quote": quote}],
        objects=[p, _sts("prometheus-prometheus-operator-1-prometheus", ns, prom_img, ready=0), node()],
        events=crash_events(p, "prometheus", prom_img, 8),
        logs={log_key(p, "prometheus", previous=True): log_text(
                  'level=info ts=2026-11-20T08:13:20.113Z caller=main.go:302 msg="Starting Prometheus" version="(version=2.7.1, branch=HEAD, revision=62e591f928ddf6b3468308b7ac1de1c63aa7fcf3)"',
                  f'level=error ts=2026-11-20T08:13:20.584749093Z caller=main.go:624 err="error loading config from \\"/etc/prometheus/config_out/prometheus.env.yaml\\": couldn\'t load configuration (--config.file=\\"/etc/prometheus/config_out/prometheus.env.yaml\\"): parsing YAML file /etc/prometheus/config_out/prometheus.env.yaml: yaml: unmarshal errors:\\n  line 661: {quote}"'),
              log_key(p, "prometheus-config-reloader"): log_text(
                  *(f"level=error ts=2026-11-20T08:{m}.873219708Z caller=runutil.go:43 {refused}" for m in ("12:55", "13:00", "13:05", "13:50", "14:30")))},
    )


def _real_watch_token_rejected() -> None:
    ns, image = "bunkerweb", "bunkerity/bunkerweb-autoconf:1.6.2"
    name = "bunkerweb-controller-5c8d9f7b6-m2x8r"
    p = pod(name, ns, [container("bunkerweb-controller", image, **looping(name, ns, "bunkerweb-controller", 1, 6))],
            serviceAccountName="bunkerweb-controller")
    q1 = "Unexpected ApiException while watching service:"
    q2 = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}'
    lines = []
    for attempt, t in enumerate(("08:13:40", "08:13:45", "08:13:50", "08:13:55", "08:14:00"), start=1):
        lines += [f"[2026-11-20 {t} +0000] [KUBERNETES-CONTROLLER] [24] [INFO] - Starting Kubernetes watch for service, attempt {attempt}/5",
                  f"[2026-11-20 {t} +0000] [KUBERNETES-CONTROLLER] [24] [ERROR] - {q1}",
                  "(401)", "Reason: Unauthorized",
                  "HTTP response headers: HTTPHeaderDict({'Audit-Id': '6e6f4857-57c2-4a18-a7c6-64e66009fe91', 'Cache-Control': 'no-cache, private', 'Content-Type': 'application/json', 'Content-Length': '129'})",
                  f"HTTP response body: {q2}",
                  f"[2026-11-20 {t} +0000] [KUBERNETES-CONTROLLER] [24] [WARNING] - Retrying service in 5 seconds..."]
    lines.append("[2026-11-20 08:14:05 +0000] [KUBERNETES-CONTROLLER] [24] [ERROR] - Giving up watching service after 5 attempts, exiting")
    scenario(
        "calm-real-controller-api-token-unauthorized", "permission_denied", difficulty="hard",
        note="401 Unauthorized reads like a scanner's refused request, but here the API server rejects the controller's own ServiceAccount token on every watch, five attempts each run, and the controller exits and crash-loops",
        source=[{"url": "https://github.com/bunkerity/bunkerweb/issues/3750", "quote": q1},
                {"url": "https://github.com/bunkerity/bunkerweb/issues/3750", "quote": q2}],
        objects=[p, *deployment_and_rs("bunkerweb-controller", ns, "5c8d9f7b6", image, ready=0), node()],
        events=crash_events(p, "bunkerweb-controller", image, 6),
        logs={log_key(p, "bunkerweb-controller", previous=True): log_text(*lines)},
    )


def _real_calico_bgp_peer() -> None:
    ns, image = "calico-system", "docker.io/calico/node:v3.27.0"
    bad_node, peer_node = "k8s-worker-2", "k8s-control-plane-1"
    bad = _owned(pod("calico-node-5rrf9", ns, [container("calico-node", image, ready=False)], node=bad_node), "DaemonSet", "calico-node")
    good = _owned(pod("calico-node-x7k2d", ns, [container("calico-node", image)], node=peer_node), "DaemonSet", "calico-node")
    quote = "calico/node is not ready: BIRD is not ready: BGP not established with 10.0.1.1"
    msg = ("Readiness probe failed: 2026-11-20 08:14:07.799 [INFO][3875] confd/health.go 180: Number of node(s) with BGP peering established = 0\n"
           + quote)
    log = log_text(
        "2026-11-20 07:05:11.204 [INFO][9] startup/startup.go 95: Starting node k8s-worker-2 with version v3.27.0",
        "2026-11-20 07:05:11.351 [INFO][9] startup/autodetection_methods.go 117: Using autodetected IPv4 address 10.0.2.7/24 on matching interface eth0",
        "2026-11-20 07:05:18.118 [INFO][61] felix/int_dataplane.go 1602: Completed first update to dataplane. secsSinceStart=3.12",
        "2026-11-20 08:13:44.502 [INFO][61] felix/summary.go 100: Summarising 9 dataplane reconciliation loops over 1m2.1s: avg=5ms longest=14ms ()")
    scenario(
        "calm-real-calico-bgp-peer-never-established", "dependency_unreachable", difficulty="hard",
        note="the same 'calico/node is not ready: BIRD is not ready' family as a start-up blip, but for over an hour: BGP to 10.0.1.1 is never established (the peer does not answer on 179), so the node's pod routes are not exchanged",
        source=[{"url": "https://github.com/projectcalico/calico/pull/7556", "quote": quote}],
        objects=[bad, good, _ds("calico-node", ns, image, desired=2, ready=1), node(bad_node), node(peer_node)],
        events=[_at(event(bad, "Unhealthy", msg, count=138), "2026-11-20T07:05:40Z", T1)],
        logs={log_key(bad, "calico-node"): log},
    )


def _real_coredns_api_unreachable() -> None:
    ns, image = "kube-system", "registry.k8s.io/coredns/coredns:v1.8.6"
    new_node, old_node = "node5", "node1"
    bad = pod("coredns-8474476ff8-wq9ln", ns, [container("coredns", image, ready=False,
              readinessProbe={"httpGet": {"path": "/ready", "port": 8181}, "periodSeconds": 10})], node=new_node)
    good = pod("coredns-8474476ff8-7fzcd", ns, [container("coredns", image)], node=old_node)
    q_list = "Failed to list *v1.Namespace: Get https://10.233.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0: dial tcp 10.233.0.1:443: i/o timeout"
    q_warn = "[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API"
    lines = ["[INFO] plugin/kubernetes: waiting for Kubernetes API before starting server",
             "[INFO] plugin/ready: Still waiting on: \"kubernetes\"",
             q_warn, ".:53", "[INFO] plugin/reload: Running configuration MD5 = db32ca3650231d74073ff4cf814959a7",
             "CoreDNS-1.8.6", "linux/amd64, go1.17.1, 13a9191"]
    for t in ("08:12:21.489439", "08:12:52.490027", "08:13:23.490511", "08:13:54.491102"):
        lines += [f"E1120 {t}       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.22.2/tools/cache/reflector.go:167: {q_list}",
                  "[INFO] plugin/ready: Still waiting on: \"kubernetes\""]
    scenario(
        "calm-real-coredns-api-unreachable-on-new-node", "dependency_unreachable", difficulty="hard",
        note="'starting server with unsynced Kubernetes API' is CoreDNS's usual start-up warning, but on the newly added node it never syncs: every list to the API Service times out and the replica stays unready, while its twin on an older node is fine",
        source=[{"url": "https://github.com/coredns/coredns/issues/5072", "quote": q_list},
                {"url": "https://github.com/coredns/coredns/issues/5274", "quote": q_warn}],
        objects=[bad, good, *deployment_and_rs("coredns", ns, "8474476ff8", image, replicas=2, ready=1), node(new_node), node(old_node)],
        events=[_at(event(bad, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=412), "2026-11-20T07:05:30Z", T1)],
        logs={log_key(bad, "coredns"): log_text(*lines)},
    )


def _real_istio_sidecar_blocked() -> None:
    ns = "payments"
    app_img, proxy_img = "registry.example.com/payments/ledger-api:3.8.1", "docker.io/istio/proxyv2:1.4.3"
    p = pod("ledger-api-6f7d8c9b5-z4r8k", ns, [container("ledger-api", app_img), container("istio-proxy", proxy_img, ready=False)])
    istiod = pod("istio-pilot-7c9d8f6b5-q2w4e", "istio-system", [container("discovery", "docker.io/istio/pilot:1.4.3")])
    quote = "Envoy proxy is NOT ready: config not received from Pilot (is Pilot running?)"
    np = network_policy("default-deny-egress", ns, {
        "podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                   {"to": [{"podSelector": {"matchLabels": {"app": "postgres"}}}], "ports": [{"protocol": "TCP", "port": 5432}]}]})
    lines = [f"2026-11-20T08:{m}Z\tinfo\t{quote}: cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected"
             for m in ("12:54.323650", "12:56.324114", "13:40.321902", "14:22.322571", "14:24.323008")]
    scenario(
        "calm-real-istio-sidecar-cut-off-from-pilot", "dependency_unreachable", difficulty="hard",
        note="'Envoy proxy is NOT ready' is normal for a sidecar's first seconds, but here it has lasted 50 minutes with zero cds/lds updates: the namespace's default-deny egress policy allows only DNS and Postgres, so the proxy never reaches Pilot, which itself is healthy",
        source=[{"url": "https://github.com/istio/istio/issues/17551", "quote": quote}],
        objects=[p, istiod, np, *deployment_and_rs("ledger-api", ns, "6f7d8c9b5", app_img, ready=0),
                 deployment("istio-pilot", "istio-system", replicas=1, ready=1, image="docker.io/istio/pilot:1.4.3"), node()],
        events=[_at(event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=298), "2026-11-20T07:24:10Z", T1)],
        logs={log_key(p, "istio-proxy"): log_text(*lines),
              log_key(p, "ledger-api"): "2026-11-20T07:24:12.402Z INFO  Started LedgerApiApplication in 6.114 seconds\n"},
    )


def _real_redis_aof_permission() -> None:
    ns, image = "cache", "docker.io/bitnami/redis:6.2.4-debian-10-r13"
    name = "redis-master-0"
    p = pod(name, ns, [container("redis", image, **looping(name, ns, "redis", 1, 7))], owner=("StatefulSet", "redis-master"),
            volumes=[{"name": "redis-data", "persistentVolumeClaim": {"claimName": "redis-data-redis-master-0"}}])
    quote = "Can't open the append-only file: Permission denied"
    log = log_text(
        "1:C 20 Nov 2026 08:13:32.325 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C 20 Nov 2026 08:13:32.325 # Redis version=6.2.4, bits=64, commit=00000000, modified=0, pid=1, just started",
        "1:C 20 Nov 2026 08:13:32.325 # Configuration loaded",
        "1:M 20 Nov 2026 08:13:32.326 # WARNING overcommit_memory is set to 0! Background save may fail under low memory condition. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
        "1:M 20 Nov 2026 08:13:32.326 * Running mode=standalone, port=6379.",
        f"1:M 20 Nov 2026 08:13:32.327 # {quote}")
    scenario(
        "calm-real-redis-aof-permission-denied", "permission_denied", difficulty="hard",
        note="the overcommit WARNING is the harmless one every Redis prints; the line after it is the cause: the non-root Redis cannot open its append-only file on the volume, exits 1 and crash-loops",
        source=[{"url": "https://github.com/bitnami/charts/issues/6809", "quote": quote}],
        objects=[p, _sts("redis-master", ns, image, ready=0), node()],
        events=crash_events(p, "redis", image, 7),
        logs={log_key(p, "redis", previous=True): log},
    )


def _real_elasticsearch_liveness_too_early() -> None:
    ns, image = "logging", "quay.io/pires/docker-elasticsearch-kubernetes:6.2.2"
    name = "es-master-7d9c8b6f5-l4k2q"
    probe = {"tcpSocket": {"port": "transport"}, "periodSeconds": 10, "failureThreshold": 3}
    p = pod(name, ns, [container("es-master", image, livenessProbe=probe, limits={"memory": "1Gi"},
                                 **looping(name, ns, "es-master", 143, 9))])
    p["status"] |= {"podIP": "172.17.0.4", "podIPs": [{"ip": "172.17.0.4"}]}
    quote = "Liveness probe failed: dial tcp 172.17.0.4:9300: getsockopt: connection refused"
    log = log_text(
        "[2026-11-20T08:13:21,118][INFO ][o.e.n.Node               ] [es-master-7d9c8b6f5-l4k2q] initializing ...",
        "[2026-11-20T08:13:24,902][INFO ][o.e.e.NodeEnvironment    ] [es-master-7d9c8b6f5-l4k2q] using [1] data paths, mounts [[/data (/dev/sda1)]]",
        "[2026-11-20T08:13:38,416][INFO ][o.e.p.PluginsService     ] [es-master-7d9c8b6f5-l4k2q] loaded module [x-pack-security]",
        "[2026-11-20T08:13:49,771][INFO ][o.e.d.DiscoveryModule    ] [es-master-7d9c8b6f5-l4k2q] using discovery type [zen]",
        "[2026-11-20T08:13:51,230][INFO ][o.e.n.Node               ] [es-master-7d9c8b6f5-l4k2q] initialized",
        "[2026-11-20T08:13:51,231][INFO ][o.e.n.Node               ] [es-master-7d9c8b6f5-l4k2q] starting ...")
    scenario(
        "calm-real-elasticsearch-liveness-kills-slow-start", "probe_failure", difficulty="hard",
        note="probe refusals at start are often transient, but here the TCP liveness probe on the transport port has no initial delay: Elasticsearch is killed (exit 143) every time while still initialising, before it ever opens 9300",
        source=[{"url": "https://github.com/pires/kubernetes-elasticsearch-cluster/issues/175", "quote": quote}],
        objects=[p, *deployment_and_rs("es-master", ns, "7d9c8b6f5", image, ready=0), node()],
        events=[event(p, "Unhealthy", quote, count=27),
                event(p, "Killing", "Container es-master failed liveness probe, will be restarted", type_="Normal", count=9),
                *crash_events(p, "es-master", image, 9)],
        logs={log_key(p, "es-master", previous=True): log},
    )


def _real_admission_job_secret_key() -> None:
    ns, image = "ingress-nginx", "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.3.0"
    jname = "ingress-nginx-admission-create"
    p = pod(f"{jname}-855fz", ns, [container("create", image, state=terminated(1, "Error"), ready=False, restarts=0)],
            owner=("Job", jname), phase="Failed", restartPolicy="Never")
    j = job(jname, ns, failed=6, backoff_limit=6, conditions=[
        condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
    ctrl = pod("ingress-nginx-controller-5d8f7c9b6-wpdnp", ns,
               [container("controller", "registry.k8s.io/ingress-nginx/controller:v1.3.0", state={"waiting": {"reason": "ContainerCreating"}}, ready=False)])
    quote = "got secret, but it did not contain a 'ca' key"
    scenario(
        "calm-real-admission-job-secret-missing-ca-key", "config_error",
        note="unlike a completed hook Job, the admission-secret Job failed six times and hit its backoff limit: a pre-existing ingress-nginx-admission Secret has no 'ca' key, so the certificate is never created and the controller cannot mount it",
        source=[{"url": "https://github.com/kubernetes/ingress-nginx/issues/8978", "quote": quote}],
        objects=[p, j, ctrl, *deployment_and_rs("ingress-nginx-controller", ns, "5d8f7c9b6", "registry.k8s.io/ingress-nginx/controller:v1.3.0", ready=0), node()],
        events=[event(j, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1, component="job-controller"),
                event(ctrl, "FailedMount", 'MountVolume.SetUp failed for volume "webhook-cert" : secret "ingress-nginx-admission" not found', count=31)],
        logs={log_key(p, "create"): log_text(
            "W1120 08:13:30.263082       1 client_config.go:615] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.",
            f'{{"level":"fatal","msg":"{quote}","source":"k8s/k8s.go:237","time":"2026-11-20T08:13:30Z"}}')},
    )


def _real_cert_manager_webhook_unreachable() -> None:
    ns, image = "cert-manager", "quay.io/jetstack/cert-manager-controller:v1.6.1"
    hook_img = "quay.io/jetstack/cert-manager-webhook:v1.6.1"
    p = pod("cert-manager-7d9f8c6b5-k2x9d", ns, [container("cert-manager", image)])
    hook = pod("cert-manager-webhook-5b7c9d8f6-r4t2m", ns, [container("cert-manager-webhook", hook_img)])
    quote = "Post https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=10s: context deadline exceeded"
    cert = {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": meta("toolhub", "istio-system"),
            "spec": {"secretName": "toolhub-tls", "dnsNames": ["toolhub.example.org"], "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"}},
            "status": {"conditions": [condition("Ready", "False", "Issuing", "Renewing certificate as renewal was scheduled at 2026-11-20 07:00:00 +0000 UTC"),
                                      condition("Issuing", "True", "Renewing", "Renewing certificate as renewal was scheduled at 2026-11-20 07:00:00 +0000 UTC")],
                       "notAfter": "2026-11-27T07:00:00Z"}}
    lines = []
    for t, path in (("08:12:20.630289", "validate"), ("08:12:31.650166", "mutate"), ("08:13:43.668839", "validate"), ("08:14:29.701442", "validate")):
        lines.append(f'E1120 {t}       1 controller.go:163] cert-manager/controller/certificates-request-manager "msg"="re-queuing item due to error processing" '
                     f'"error"="Internal error occurred: failed calling webhook \\"webhook.cert-manager.io\\": Post https://cert-manager-webhook.cert-manager.svc:443/{path}?timeout=10s: context deadline exceeded" "key"="istio-system/toolhub" ')
    scenario(
        "calm-real-cert-manager-webhook-unreachable", "dependency_unreachable", difficulty="hard",
        note="'re-queuing item due to error processing' is the same E-line cert-manager prints for harmless conflicts, but for over an hour every CertificateRequest create times out calling the webhook (the API server cannot reach it), so the renewal never happens; the webhook pod itself looks Ready",
        source=[{"url": "https://github.com/cert-manager/cert-manager/issues/4956", "quote": quote}],
        objects=[p, hook, cert, *deployment_and_rs("cert-manager", ns, "7d9f8c6b5", image, ready=1),
                 *deployment_and_rs("cert-manager-webhook", ns, "5b7c9d8f6", hook_img, ready=1), node()],
        events=[event(cert, "Issuing", "Renewing certificate as renewal was scheduled at 2026-11-20 07:00:00 +0000 UTC",
                      type_="Normal", count=1, component="cert-manager-certificates-trigger")],
        logs={log_key(p, "cert-manager"): log_text(
            'I1120 08:12:03.399216       1 trigger_controller.go:181] cert-manager/controller/certificates-trigger "msg"="Certificate must be re-issued" "key"="istio-system/toolhub" "message"="Renewing certificate as renewal was scheduled at 2026-11-20 07:00:00 +0000 UTC" "reason"="Renewing"',
            *lines)},
    )


def _real_loki_config_field_removed() -> None:
    ns, image = "logging", "grafana/loki:3.5.3"
    name = "loki-0"
    p = pod(name, ns, [container("loki", image, **looping(name, ns, "loki", 1, 8))], owner=("StatefulSet", "loki"))
    canary = _owned(pod("loki-canary-7xk2p", ns, [container("loki-canary", "grafana/loki-canary:3.5.3")]), "DaemonSet", "loki-canary")
    quote = "field admin_api_directory not found in type common.FilesystemConfig"
    scenario(
        "calm-real-loki-config-field-removed", "config_error", difficulty="hard",
        note="the healthy canary's refused connections point at Loki being down, and the cause is Loki's own config: after a chart upgrade the rendered config has a field this Loki does not know, so every start fails parsing it",
        source=[{"url": "https://github.com/grafana/loki/issues/18729", "quote": quote}],
        objects=[p, canary, _sts("loki", ns, image, ready=0), _ds("loki-canary", ns, "grafana/loki-canary:3.5.3", desired=1), node()],
        events=crash_events(p, "loki", image, 8),
        logs={log_key(p, "loki", previous=True): log_text(
                  "failed parsing config: /etc/loki/config/config.yaml: yaml: unmarshal errors:",
                  f"  line 35: {quote}. Use `-config.expand-env=true` flag if you want to expand environment variables in your config file"),
              log_key(canary, "loki-canary"): log_text(
                  'error querying loki: Get "http://loki-gateway.logging.svc.cluster.local./loki/api/v1/query_range?limit=1000&query=%7Bstream%3D%22stdout%22%2Cpod%3D%22loki-canary-7xk2p%22%7D": dial tcp 10.96.120.14:80: connect: connection refused',
                  "websocket read error: websocket: close 1006 (abnormal closure): unexpected EOF")},
    )


for _build in (
    _istio_gateway_stream_closed, _loki_per_tenant_timeout, _gmp_reloader_before_prometheus, _spark_operator_watch_too_old,
    _argo_events_too_old, _scylla_operator_conflict, _redis_overcommit_warning, _cilium_transient_forward,
    _kube_proxy_flags_deprecated, _cluster_autoscaler_unmanaged_nodes, _cert_manager_deleted_certificate,
    _calico_bird_socket_at_start, _zookeeper_probe_disconnects, _patroni_watch_broken, _varnish_sigterm_rollout,
    _pg_dump_cronjob_completed, _cert_manager_startupapicheck, _alertmanager_gossip_at_start,
    _istio_sidecar_waiting_at_start, _strimzi_lock_busy, _velero_without_node_agent, _cilium_startup_probe_clean_install,
    _dashboards_scanner_401,
    _real_prometheus_config_field, _real_watch_token_rejected, _real_calico_bgp_peer, _real_coredns_api_unreachable,
    _real_istio_sidecar_blocked, _real_redis_aof_permission, _real_elasticsearch_liveness_too_early,
    _real_admission_job_secret_key, _real_cert_manager_webhook_unreachable, _real_loki_config_field_removed,
):
    _build()

for _name, _case in SCENARIOS.items():
    if _name.startswith("calm-"):
        _settle(_case["objects"])
