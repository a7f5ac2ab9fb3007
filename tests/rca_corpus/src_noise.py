# ruff: noqa: E501
"""Cases where a naive reader would blame the wrong thing.

Half are healthy workloads (Running, Ready, no recent restarts, or a Job that finished) whose logs or events carry
alarming-looking text that the maintainers in the cited thread call noise or expected: TLS handshake EOFs from
load-balancer health checks, `incomplete startup packet` from TCP probes, CoreDNS import-glob warnings and
NXDOMAIN search-path expansion, kubelet `not registered` mount warnings, metrics-server errors about a node that
was just removed, `DNSConfigForming`, gRPC `connection reset by peer` on client close, API deprecation warnings,
RabbitMQ closing probe connections, Redis `Possible SECURITY ATTACK` from a Prometheus scrape, monitor
`pg_hba.conf` refusals, a standby replica that does not get the lease, favicon 404s, `context canceled` on client
disconnects, HPA metrics missing right after a rollout, EndpointSlice update conflicts, one readiness failure at
start-up. The other half are real failures whose only evidence looks like that kind of noise but persists and
stops the workload: RBAC refusals behind leader election and reflector warnings, kubelet certificates without
IP SANs, a Kafka broker that never answers, upstream DNS timeouts, admission webhooks that time out or are not
trusted, a container that exits 0 in a Deployment, a Service selector that matches nothing, an unresolvable
Redis host, pods without CPU requests under an HPA, a ConfigMap that does not exist, an API removed under an
operator, a blocked kubelet port, and a database that requires TLS.
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
    meta,
    node,
    pod,
    replicaset,
    scenario,
    service,
    terminated,
    uid,
    waiting,
)

# --- helpers -----------------------------------------------------------------------------------------------------




def _sts(name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                       "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready}}


def _at(ev: dict[str, Any], first: str, last: str | None = None) -> dict[str, Any]:
    """Move an event in time."""
    ev["firstTimestamp"], ev["lastTimestamp"] = first, last or first
    ev["metadata"]["creationTimestamp"] = first
    return ev


def _loop(pod_name: str, ns: str, cname: str, exit_code: int = 1, restarts: int = 7, reason: str = "Error") -> dict[str, Any]:
    """Keyword arguments of `container()` for a container in CrashLoopBackOff (kubelet's wording)."""
    return {"state": waiting("CrashLoopBackOff",
                             f"back-off 5m0s restarting failed container={cname} pod={pod_name}_{ns}({uid(pod_name)})"),
            "last": terminated(exit_code, reason), "restarts": restarts}




def _unready(name: str, image: str, probe_path: str, port: int, **spec: Any) -> dict[str, Any]:
    """A running container that its readiness probe keeps out of service."""
    return container(name, image, ready=False,
                     readinessProbe={"httpGet": {"path": probe_path, "port": port}, "periodSeconds": 10,
                                     "failureThreshold": 3}, **spec)


START = "2026-11-20T07:00:12Z"  # when the long-running containers started, unless a case says otherwise


def _settle(objects: list[dict[str, Any]], started: str = START) -> list[dict[str, Any]]:
    """Running containers started when their logs begin, not at the moment of the look."""
    for o in objects:
        if o.get("kind") != "Pod":
            continue
        for st in o["status"].get("containerStatuses", []):
            run = st["state"].get("running")
            if run and run["startedAt"] == T1:
                run["startedAt"] = started
    return objects


def _node(name: str, *, kubelet: str = "v1.31.2", runtime: str = "containerd://1.7.22") -> dict[str, Any]:
    n = node(name)
    n["status"]["nodeInfo"] |= {"kubeletVersion": kubelet, "containerRuntimeVersion": runtime}
    return n


def _hpa(name: str, ns: str, target: str, *, active: bool, message: str, current: int = 2) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(name, ns),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                     "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": 70}}}]},
            "status": {"currentReplicas": current, "desiredReplicas": current,
                       "conditions": [condition("AbleToScale", "True", "ReadyForNewScale",
                                                "recommended size matches current size"),
                                      condition("ScalingActive", "True" if active else "False",
                                                "ValidMetricFound" if active else "FailedGetResourceMetric", message)]}}


# =================================================================================================================
# unknown: healthy workloads whose logs or events only carry noise
# =================================================================================================================

def _unknown_grafana_nlb_tls_eof() -> None:
    ns, image = "monitoring", "grafana/grafana:12.2.0"
    pods = [pod(f"grafana-6b8f9c7d5-{s}", ns, [container("grafana", image)]) for s in ("q2x7k", "w9m4c")]
    quote = "http: TLS handshake error from 173.17.18.6:16037: EOF"
    log = log_text(
        'logger=settings t=2026-11-20T07:41:10.118201Z level=info msg="Starting Grafana" version=12.2.0 commit=92f1fba9b4 branch=HEAD compiled=2026-10-09T12:40:11Z',
        'logger=http.server t=2026-11-20T07:41:12.902117Z level=info msg="HTTP Server TLS settings" MinTLSVersion=TLS1.2 configuredciphers=ECDHE-ECDSA-AES128-GCM-SHA256',
        'logger=http.server t=2026-11-20T07:41:12.902540Z level=info msg="HTTP Server Listen" address=[::]:3000 protocol=https subUrl= socket=',
        f'logger=http.server t=2026-11-20T08:13:51.004417Z level=info msg="{quote}"',
        'logger=http.server t=2026-11-20T08:13:51.371920Z level=info msg="http: TLS handshake error from 173.17.18.23:26037: EOF"',
        'logger=context userId=7 orgId=1 uname=oncall t=2026-11-20T08:13:58.221310Z level=info msg="Request Completed" method=GET path=/api/dashboards/uid/k8s-overview status=200 remote_addr=10.20.4.17 time_ms=41 duration=41.3ms size=18227',
        'logger=http.server t=2026-11-20T08:14:01.006623Z level=info msg="http: TLS handshake error from 173.17.18.6:14455: EOF"',
        'logger=http.server t=2026-11-20T08:14:01.372458Z level=info msg="http: TLS handshake error from 173.17.18.70:16037: EOF"')
    scenario(
        "noise-grafana-nlb-health-check-tls-eof", "unknown", difficulty="hard",
        note="two Ready Grafana replicas, 0 restarts; the TLS handshake EOFs are an AWS NLB's TCP health checks, which Grafana's own fix calls benign",
        source=[{"url": "https://github.com/grafana/grafana/pull/112294", "quote": quote}],
        objects=[*pods, *deployment_and_rs("grafana", ns, "6b8f9c7d5", image, replicas=2, ready=2),
                 service("grafana", ns, port=443, target_port=3000), node()],
        logs={log_key(p, "grafana"): log for p in pods},
    )


def _unknown_stolon_incomplete_startup_packet() -> None:
    ns, image = "pg", "sorintlab/stolon:v0.13.0-pg11"
    keepers = [pod(f"stolon-keeper-{i}", ns, [container("stolon", image)], owner=("StatefulSet", "stolon-keeper"))
               for i in (0, 1)]
    proxy = pod("stolon-proxy-5c9d7f8b6-h2vkt", ns, [container("stolon", image, livenessProbe={
        "tcpSocket": {"port": 5432}, "periodSeconds": 1, "timeoutSeconds": 1})])
    quote = "LOG:  incomplete startup packet"
    keeper_log = log_text(
        "2026-11-20T07:52:11.482Z\tINFO\tcmd/keeper.go:1505\tour keeper data is up to date\t{\"db\": \"5f2b1c0e\"}",
        "2026-11-20 08:14:31.605 UTC [2459] " + quote,
        "2026-11-20 08:14:32.606 UTC [2461] " + quote,
        "2026-11-20T08:14:32.944Z\tINFO\tcmd/keeper.go:1140\tdb role: master",
        "2026-11-20 08:14:33.607 UTC [2463] " + quote,
        "2026-11-20 08:14:34.603 UTC [2466] " + quote)
    scenario(
        "noise-stolon-incomplete-startup-packet", "unknown", difficulty="hard",
        note="keepers and proxy Ready with 0 restarts; the once-a-second 'incomplete startup packet' is the proxy's TCP liveness probe, which the stolon maintainer explains as such",
        source=[{"url": "https://github.com/sorintlab/stolon/issues/624", "quote": quote}],
        objects=[*keepers, proxy, _sts("stolon-keeper", ns, image, replicas=2, ready=2),
                 *deployment_and_rs("stolon-proxy", ns, "5c9d7f8b6", image, ready=1), node()],
        logs={**{log_key(k, "stolon"): keeper_log for k in keepers},
              log_key(proxy, "stolon"): "2026-11-20T07:52:15.118Z\tINFO\tcmd/proxy.go:268\tmaster address\t{\"address\": \"10.244.3.41:5432\"}\n"},
    )


def _unknown_coredns_import_glob() -> None:
    ns, image = "kube-system", "rancher/mirrored-coredns-coredns:1.9.1"
    pods = [pod(f"coredns-84c56f7bfb-{s}", ns, [container("coredns", image)]) for s in ("qcl4q", "t8r2m")]
    quote = "[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.server"
    log = log_text(
        "[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.override",
        quote,
        ".:53",
        "[INFO] plugin/reload: Running configuration MD5 = 9f4d3f2a80f3c2c1b5a0b9f6a3a1e2d4",
        "CoreDNS-1.9.1",
        "linux/amd64, go1.17.8, 4b597f8",
        "[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.override",
        quote)
    scenario(
        "noise-coredns-empty-import-glob", "unknown",
        note="CoreDNS Ready with 0 restarts; the import-glob warnings are for an optional custom ConfigMap nobody filled, which the k3s maintainer calls expected",
        source=[{"url": "https://github.com/k3s-io/k3s/issues/4919", "quote": quote}],
        objects=[*pods, *deployment_and_rs("coredns", ns, "84c56f7bfb", image, replicas=2, ready=2), node()],
        logs={log_key(p, "coredns"): log for p in pods},
    )


def _unknown_kubelet_not_registered_cronjob() -> None:
    ns, image = "ldap-group-syncer", "quay.io/redhat-cop/openshift-ldap-group-sync:4.9"
    jname = "test-job-29378880"
    p = pod(f"{jname}-xmvbp", ns, [container("ldap-group-sync", image, state=terminated(0, "Completed"), ready=False)],
            owner=("Job", jname), phase="Succeeded", restartPolicy="OnFailure",
            volumes=[{"name": "ldap-bind-password", "secret": {"secretName": "ad-bind-password"}},
                     {"name": "ldap-ca", "configMap": {"name": "ldap-ca"}}])
    for c in p["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c |= {"reason": "PodCompleted", "message": ""}
    j = job(jname, ns, succeeded=1, conditions=[condition("Complete", "True")])
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("test-job", ns),
            "spec": {"schedule": "0 * * * *", "concurrencyPolicy": "Forbid"},
            "status": {"lastScheduleTime": T0, "lastSuccessfulTime": T1}}
    q1 = 'MountVolume.SetUp failed for volume "ldap-bind-password" : object "ldap-group-syncer"/"ad-bind-password" not registered'
    q2 = 'MountVolume.SetUp failed for volume "ldap-ca" : object "ldap-group-syncer"/"ldap-ca" not registered'
    scenario(
        "noise-kubelet-not-registered-mount-warning", "unknown", difficulty="hard",
        note="the CronJob's pod Succeeded (exit 0) and the Job is Complete; the FailedMount 'not registered' warnings are a kubelet race filed upstream, shown on every run while the job succeeds",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/105204", "quote": q1},
                {"url": "https://github.com/kubernetes/kubernetes/issues/105204", "quote": q2}],
        objects=[p, j, cron, node()],
        events=[_at(event(p, "FailedMount", q1, count=1), "2026-11-20T08:00:03Z"),
                _at(event(p, "FailedMount", q2, count=1), "2026-11-20T08:00:03Z"),
                _at(event(p, "Started", "Started container ldap-group-sync", type_="Normal", count=1), "2026-11-20T08:00:06Z"),
                _at(event(j, "Completed", "Job completed", type_="Normal", count=1, component="job-controller"), "2026-11-20T08:00:12Z")],
        logs={log_key(p, "ldap-group-sync"): log_text(
            "I1120 08:00:07.114820       1 sync.go:77] Syncing groups from ldap://ad.corp.example.com:389",
            "group/platform-admins",
            "group/platform-viewers",
            "I1120 08:00:09.902311       1 sync.go:141] Sync completed: 2 groups, 0 errors")},
    )


def _unknown_metrics_server_removed_node() -> None:
    ns, image = "kube-system", "registry.k8s.io/metrics-server/metrics-server:v0.7.1"
    p = pod("metrics-server-5f9f776df5-7gq2d", ns, [container("metrics-server", image, readinessProbe={
        "httpGet": {"path": "/readyz", "port": 10250, "scheme": "HTTPS"}, "periodSeconds": 10})])
    quote = '"msg":"Failed to scrape node, timeout to access kubelet"'
    line = ('{{"ts":{ts},"caller":"scraper/scraper.go:147","msg":"Failed to scrape node, timeout to access kubelet",'
            '"node":{{"name":"ip-10-108-180-80.us-east-2.compute.internal"}},"timeout":"10s",'
            '"err":"Get \\"https://10.108.180.80:10250/metrics/resource\\": context deadline exceeded"}}')
    log = log_text(
        '{"ts":1795158011204.118,"caller":"server/server.go:136","msg":"Serving securely on [::]:10250"}',
        *(line.format(ts=t) for t in ("1795161037144.3723", "1795161052196.1824", "1795161067156.2139",
                                       "1795161082171.9001", "1795161097160.4410", "1795161112188.0557",
                                       "1795161127150.7712", "1795161142177.3306")))
    scenario(
        "noise-metrics-server-scrapes-removed-node", "unknown", difficulty="hard",
        note="metrics-server Ready with 0 restarts; it failed to scrape one Karpenter node for two minutes after that node was terminated (the node is gone), then stopped",
        source=[{"url": "https://github.com/kubernetes-sigs/metrics-server/issues/1704", "quote": quote}],
        objects=[p, *deployment_and_rs("metrics-server", ns, "5f9f776df5", image, ready=1), node()],
        events=[_at(event(node("ip-10-108-180-80.us-east-2.compute.internal"), "RemovingNode",
                          "Node ip-10-108-180-80.us-east-2.compute.internal event: Removing Node ip-10-108-180-80.us-east-2.compute.internal from Controller",
                          type_="Normal", count=1, component="node-controller"), "2026-11-20T07:50:31Z")],
        logs={log_key(p, "metrics-server"): log},
    )


def _unknown_coredns_nxdomain_search_path() -> None:
    ns, image = "kube-system", "registry.k8s.io/coredns/coredns:v1.11.1"
    p = pod("coredns-5dd5756b68-7xkqp", ns, [container("coredns", image)])
    q1 = '"A IN kubernetes.default.svc.cluster.local.default.svc.cluster.local. udp 80 false 512" NXDOMAIN qr,aa,rd 173'
    q2 = "coredns.io.default.svc.cluster.local"
    log = log_text(
        ".:53",
        "[INFO] plugin/reload: Running configuration SHA512 = 8c9c5d1e3f1b7a0c2a4d6e9f0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d",
        "CoreDNS-1.11.1",
        f'[INFO] 10.244.1.3:33509 - 51831 {q1} 0.0002208s',
        '[INFO] 10.244.1.3:49985 - 54837 "A IN kubernetes.default.svc.cluster.local.svc.cluster.local. udp 72 false 512" NXDOMAIN qr,aa,rd 165 0.0001448s',
        '[INFO] 10.244.1.3:52890 - 452 "A IN kubernetes.default.svc.cluster.local.cluster.local. udp 68 false 512" NXDOMAIN qr,aa,rd 161 0.0001778s',
        '[INFO] 10.244.1.3:40090 - 51243 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.0000988s',
        f'[INFO] 10.244.2.9:41733 - 2210 "A IN {q2}. udp 54 false 512" NXDOMAIN qr,aa,rd 147 0.0000811s',
        '[INFO] 10.244.2.9:50313 - 7731 "A IN coredns.io.svc.cluster.local. udp 46 false 512" NXDOMAIN qr,aa,rd 139 0.0000743s',
        '[INFO] 10.244.2.9:58122 - 31201 "A IN coredns.io.cluster.local. udp 42 false 512" NXDOMAIN qr,aa,rd 135 0.0000690s',
        '[INFO] 10.244.2.9:44871 - 9002 "A IN coredns.io. udp 28 false 512" NOERROR qr,rd,ra 72 0.0123011s')
    scenario(
        "noise-coredns-nxdomain-search-expansion", "unknown", difficulty="hard",
        note="CoreDNS Ready with the log plugin on; each NXDOMAIN is a search-path expansion (ndots:5) before the NOERROR answer, a ratio a CoreDNS maintainer calls normal in Kubernetes",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/80243", "quote": q1},
                {"url": "https://github.com/coredns/coredns/issues/2133", "quote": q2}],
        objects=[p, *deployment_and_rs("coredns", ns, "5dd5756b68", image, replicas=1, ready=1), node()],
        logs={log_key(p, "coredns"): log},
    )


def _unknown_dns_config_forming() -> None:
    ns, image = "kube-system", "hetznercloud/hcloud-cloud-controller-manager:v1.18.0"
    host = "k3s-agent-fsn1-2"
    p = pod("hcloud-cloud-controller-manager-7c8b9d6f4-lx2qv", ns, [container("hcloud-cloud-controller-manager", image)],
            node=host)
    quote = ("Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
             "2a01:4ff:ff00::add:2 2a01:4ff:ff00::add:1 185.12.64.2")
    scenario(
        "noise-dnsconfigforming-nameserver-limit", "unknown", difficulty="hard",
        note="the controller is Ready with 0 restarts; DNSConfigForming is the kubelet trimming the host's four nameservers to three, which the maintainer calls benign",
        source=[{"url": "https://github.com/hetznercloud/hcloud-cloud-controller-manager/issues/533", "quote": quote}],
        objects=[p, *deployment_and_rs("hcloud-cloud-controller-manager", ns, "7c8b9d6f4", image, ready=1), _node(host)],
        events=[event(p, "DNSConfigForming", quote, count=1138)],
        logs={log_key(p, "hcloud-cloud-controller-manager"): log_text(
            'I1120 07:01:02.118201       1 node_controller.go:431] Initializing node k3s-agent-fsn1-3 with cloud provider',
            'I1120 08:13:44.902117       1 route_controller.go:216] action for Node "k3s-agent-fsn1-2" with CIDR "10.42.2.0/24": "keep"')},
    )


def _unknown_grpc_reset_on_client_close() -> None:
    ns, image = "inventory", "registry.example.com/inventory/stock-grpc:3.8.1"
    p = pod("stock-grpc-7f6d9c8b5-kt4zr", ns, [container("stock-grpc", image)])
    quote = "transport: http2Server.HandleStreams failed to read frame: read tcp"
    log = log_text(
        '{"level":"info","ts":"2026-11-20T07:30:02.118Z","msg":"gRPC server listening","addr":":9090"}',
        '{"level":"info","ts":"2026-11-20T08:13:40.004Z","msg":"finished unary call","grpc.method":"GetStock","grpc.code":"OK","grpc.time_ms":3.1}',
        f"2026/11/20 08:13:40 {quote} 10.244.2.31:9090->10.244.1.17:52814: read: connection reset by peer",
        '{"level":"info","ts":"2026-11-20T08:14:12.551Z","msg":"finished streaming call","grpc.method":"WatchStock","grpc.code":"OK","grpc.time_ms":30011.7}',
        f"2026/11/20 08:14:12 {quote} 10.244.2.31:9090->10.244.1.22:40118: read: connection reset by peer",
        '{"level":"info","ts":"2026-11-20T08:14:30.219Z","msg":"finished unary call","grpc.method":"GetStock","grpc.code":"OK","grpc.time_ms":2.7}')
    scenario(
        "noise-grpc-reset-when-client-closes", "unknown", difficulty="hard",
        note="Ready with 0 restarts and every call OK; the 'connection reset by peer' frame errors follow clients closing their connections, which a gRPC maintainer calls log spam, not a bug",
        source=[{"url": "https://github.com/grpc/grpc-go/issues/1062", "quote": quote}],
        objects=[p, *deployment_and_rs("stock-grpc", ns, "7f6d9c8b5", image, ready=1), node()],
        logs={log_key(p, "stock-grpc"): log},
    )


def _unknown_operator_deprecation_warnings() -> None:
    ns, image = "minio-operator", "minio/operator:v4.0.0"
    host = "rke-worker-2"
    p = pod("minio-operator-79fb7887b4-tt4xm", ns, [container("minio-operator", image)], node=host)
    quote = ("certificates.k8s.io/v1beta1 CertificateSigningRequest is deprecated in v1.19+, unavailable in v1.22+; "
             "use certificates.k8s.io/v1 CertificateSigningRequest")
    scenario(
        "noise-operator-api-deprecation-warnings", "unknown", difficulty="hard",
        note="Running, Ready, 0 restarts on a v1.19 cluster where the v1beta1 API is still served; the hundreds of warnings.go lines are the API server's deprecation notices",
        source=[{"url": "https://github.com/minio/operator/issues/482", "quote": quote}],
        objects=[p, *deployment_and_rs("minio-operator", ns, "79fb7887b4", image, ready=1), _node(host, kubelet="v1.19.7", runtime="docker://19.3.15")],
        logs={log_key(p, "minio-operator"): log_text(
            "I1120 07:10:02.118201       1 main-controller.go:412] Starting Tenant controller",
            f"W1120 08:13:19.980884       1 warnings.go:70] {quote}",
            "I1120 08:13:20.004112       1 main-controller.go:701] Tenant 'tenant-a' is healthy",
            f"W1120 08:14:19.981337       1 warnings.go:70] {quote}",
            "I1120 08:14:20.006930       1 main-controller.go:701] Tenant 'tenant-a' is healthy")},
    )


def _unknown_rabbitmq_probe_connections() -> None:
    ns, image = "messaging", "rabbitmq:3.8.16-management"
    pods = [pod(f"hello-world-server-{i}", ns, [container("rabbitmq", image, readinessProbe={
        "tcpSocket": {"port": 5672}, "periodSeconds": 10})], owner=("StatefulSet", "hello-world-server")) for i in (0, 1, 2)]
    quote = "Closing all channels from connection '172.17.0.1:54496 -> 172.17.0.7:5672' because it has been closed"
    log = log_text(
        "2026-11-20 07:20:11.031 [info] <0.873.0> Server startup complete; 5 plugins started.",
        f"2026-11-20 08:14:21.933 [info] <0.2015.0> {quote}",
        "2026-11-20 08:14:21.933 [info] <0.2016.0> Closing all channels from connection '172.17.0.1:54456 -> 172.17.0.7:5672' because it has been closed",
        "2026-11-20 08:14:31.934 [info] <0.2031.0> Closing all channels from connection '172.17.0.1:54512 -> 172.17.0.7:5672' because it has been closed")
    scenario(
        "noise-rabbitmq-probe-connections-closed", "unknown", difficulty="hard",
        note="three RabbitMQ pods Ready with 0 restarts; a connection is opened and closed by every readiness probe, which the operator maintainer says to ignore",
        source=[{"url": "https://github.com/rabbitmq/cluster-operator/issues/684", "quote": quote}],
        objects=[*pods, _sts("hello-world-server", ns, image, replicas=3, ready=3), node()],
        logs={log_key(p, "rabbitmq"): log for p in pods},
    )


def _unknown_redis_security_attack_scrape() -> None:
    ns, image = "cache", "quay.io/opstree/redis:v7.0.15"
    exporter = "quay.io/opstree/redis-exporter:v1.48.0"
    pods = [pod(f"redis-cluster-leader-{i}", ns, [container("redis-cluster-leader", image), container("redis-exporter", exporter)],
                owner=("StatefulSet", "redis-cluster-leader")) for i in (0, 1, 2)]
    quote = "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis."
    tail = (" This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis"
            " instance. Connection from 10.14.129.80:{port} aborted.")
    log = log_text(
        "1:M 20 Nov 2026 07:05:02.118 * Ready to accept connections tcp",
        "1:M 20 Nov 2026 08:12:43.792 # " + quote + tail.format(port=46166),
        "1:M 20 Nov 2026 08:13:29.931 # " + quote + tail.format(port=34262),
        "1:M 20 Nov 2026 08:14:33.203 # " + quote + tail.format(port=41870))
    scenario(
        "noise-redis-security-attack-from-scrape", "unknown", difficulty="hard",
        note="Redis leaders Ready with 0 restarts; the 'SECURITY ATTACK' lines are Prometheus scraping the Redis port over HTTP because of Service annotations, refused harmlessly",
        source=[{"url": "https://github.com/OT-CONTAINER-KIT/redis-operator/issues/1657", "quote": quote}],
        objects=[*pods, _sts("redis-cluster-leader", ns, image, replicas=3, ready=3), node()],
        logs={**{log_key(p, "redis-cluster-leader"): log for p in pods},
              **{log_key(p, "redis-exporter"): 'time="2026-11-20T07:05:04Z" level=info msg="Providing metrics at :9121/metrics"\n' for p in pods}},
    )


def _unknown_pg_auto_failover_monitor() -> None:
    ns, image = "pgaf", "citusdata/pg_auto_failover:v1.3.0"
    pods = [pod(f"pgaf-node-{i}", ns, [container("postgres", image)], owner=("StatefulSet", "pgaf-node")) for i in (0, 1)]
    mon = pod("pgaf-monitor-0", ns, [container("monitor", image)], owner=("StatefulSet", "pgaf-monitor"))
    quote = "no pg_hba.conf entry for host"
    log = log_text(
        "2026-11-20 07:31:12.004 UTC [1] LOG:  database system is ready to accept connections",
        f'2026-11-20 08:14:04.562 UTC [32395] FATAL:  {quote} "10.244.1.24", user "pgautofailover_monitor", database "postgres", SSL off',
        f'2026-11-20 08:14:09.564 UTC [32410] FATAL:  {quote} "10.244.1.24", user "pgautofailover_monitor", database "postgres", SSL off',
        f'2026-11-20 08:14:14.567 UTC [32422] FATAL:  {quote} "10.244.1.24", user "pgautofailover_monitor", database "postgres", SSL off')
    scenario(
        "noise-pg-auto-failover-monitor-hba-refusals", "unknown", difficulty="hard",
        note="both Postgres nodes Ready with 0 restarts; the FATAL pg_hba refusals are the monitor's health check, which works anyway, as the maintainers state",
        source=[{"url": "https://github.com/hapostgres/pg_auto_failover/issues/277", "quote": quote}],
        objects=[*pods, mon, _sts("pgaf-node", ns, image, replicas=2, ready=2), _sts("pgaf-monitor", ns, image, ready=1), node()],
        logs={**{log_key(p, "postgres"): log for p in pods},
              log_key(mon, "monitor"): "08:14:14 12 INFO  Node 1 (pgaf-node-0:5432) is marked as healthy by the monitor\n"},
    )


def _unknown_standby_replica_lease() -> None:
    ns, image = "kube-system", "public.ecr.aws/eks/aws-load-balancer-controller:v2.4.7"
    leader = pod("aws-load-balancer-controller-6d9b8f7c5-2kq8n", ns, [container("aws-load-balancer-controller", image)])
    standby = pod("aws-load-balancer-controller-6d9b8f7c5-x7pzm", ns, [container("aws-load-balancer-controller", image)])
    quote = "failed to acquire lease"
    scenario(
        "noise-standby-replica-not-leader", "unknown", difficulty="hard",
        note="two Ready replicas with 0 restarts; the standby runs at -v=4 and logs client-go's routine 'failed to acquire lease' while the other replica leads and reconciles",
        source=[{"url": "github:kubernetes/client-go/tools/leaderelection/leaderelection.go", "quote": quote}],
        objects=[leader, standby, *deployment_and_rs("aws-load-balancer-controller", ns, "6d9b8f7c5", image, replicas=2, ready=2), node()],
        logs={log_key(leader, "aws-load-balancer-controller"): log_text(
                  "I1120 07:12:40.118201       1 leaderelection.go:258] successfully acquired lease kube-system/aws-load-balancer-controller-leader",
                  '{"level":"info","ts":1795158872.11,"logger":"controllers.ingress","msg":"successfully deployed model","ingressGroup":"shop/storefront"}'),
              log_key(standby, "aws-load-balancer-controller"): log_text(
                  "I1120 07:12:41.902117       1 leaderelection.go:248] attempting to acquire leader lease kube-system/aws-load-balancer-controller-leader...",
                  f"I1120 08:14:20.004417       1 leaderelection.go:253] {quote} kube-system/aws-load-balancer-controller-leader",
                  f"I1120 08:14:33.371920       1 leaderelection.go:253] {quote} kube-system/aws-load-balancer-controller-leader")},
    )


def _unknown_favicon_404() -> None:
    ns, image = "mail", "gutmensch/dmarc-report:1.4.1"
    p = pod("dmarc-report-5b7c9d8f6-m2vqx", ns, [container("dmarc-report", image)])
    quote = 'open() "/var/www/viewer/favicon.ico" failed (2: No such file or directory)'
    log = log_text(
        '10.42.0.1 - - [20/Nov/2026:08:13:55 +0000] "GET / HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"',
        f'2026/11/20 08:13:55 [error] 27#27: *1609 {quote}, client: 10.42.0.1, server: _, request: "GET /favicon.ico HTTP/1.1", host: "dmarc.example.com", referrer: "https://dmarc.example.com/"',
        '10.42.0.1 - - [20/Nov/2026:08:13:55 +0000] "GET /favicon.ico HTTP/1.1" 404 153 "https://dmarc.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"',
        '10.42.0.1 - - [20/Nov/2026:08:14:02 +0000] "GET /dmarcts-report-viewer.php?report=8812 HTTP/1.1" 200 18711 "https://dmarc.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"')
    scenario(
        "noise-nginx-favicon-404", "unknown",
        note="Ready with 0 restarts and pages served 200; the [error] line is a browser asking for a favicon that does not exist, which the image's maintainer calls a common non-critical error",
        source=[{"url": "https://github.com/gutmensch/docker-dmarc-report/issues/25", "quote": quote}],
        objects=[p, *deployment_and_rs("dmarc-report", ns, "5b7c9d8f6", image, ready=1), node()],
        logs={log_key(p, "dmarc-report"): log},
    )


def _unknown_context_canceled_client_gone() -> None:
    ns, image = "registry", "ghcr.io/modelcontextprotocol/registry:v1.2.3"
    pods = [pod(f"registry-84d7c6b9f5-{s}", ns, [container("registry", image)]) for s in ("b7t2k", "r4w9n")]
    quote = "list servers failed: error iterating rows: context canceled"
    log = log_text(
        "2026/11/20 07:44:10 Starting registry on :8080 (database: postgres)",
        f"2026/11/20 08:13:26 {quote}",
        "2026/11/20 08:13:26 http: superfluous response.WriteHeader call from github.com/danielgtaylor/huma/v2/adapters/humago.(*goContext).SetStatus (humago.go:110)",
        '2026/11/20 08:13:40 GET /v0/servers?limit=30 200 41ms',
        f"2026/11/20 08:14:31 {quote}")
    scenario(
        "noise-context-canceled-on-client-disconnect", "unknown", difficulty="hard",
        note="two Ready replicas with 0 restarts; 'context canceled' comes from clients that hung up mid-request, which the project's issue calls benign-but-noisy",
        source=[{"url": "https://github.com/modelcontextprotocol/registry/issues/1323", "quote": quote}],
        objects=[*pods, *deployment_and_rs("registry", ns, "84d7c6b9f5", image, replicas=2, ready=2), node()],
        logs={log_key(p, "registry"): log for p in pods},
    )


def _unknown_hpa_metrics_after_rollout() -> None:
    ns, image = "example", "registry.example.com/example/my-app:2025.04.09"
    pods = [pod(f"my-app-7b9c8d6f5-{s}", ns, [container("my-app", image)]) for s in ("k2m7q", "v8p3x")]
    _settle(pods, "2026-11-20T07:59:41Z")
    hpa = _hpa("my-app-example-eu-west-1", ns, "my-app", active=True,
               message="the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)")
    quote = "did not receive metrics for targeted pods (pods might be unready)"
    scenario(
        "noise-hpa-metrics-missing-right-after-rollout", "unknown", difficulty="hard",
        note="the HPA warnings date from the first minutes after a new image rolled out, before the new pods had metrics; ScalingActive is True now and the pods are Ready",
        source=[{"url": "https://github.com/kubernetes-sigs/metrics-server/issues/1641", "quote": quote}],
        objects=[*pods, hpa, *deployment_and_rs("my-app", ns, "7b9c8d6f5", image, replicas=2, ready=2, revision=14), node()],
        events=[_at(event(hpa, "FailedGetResourceMetric", f"failed to get cpu utilization: {quote}", count=3,
                          component="horizontal-pod-autoscaler"), T0, "2026-11-20T08:03:29Z"),
                _at(event(hpa, "FailedComputeMetricsReplicas",
                          f"invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: {quote}",
                          count=3, component="horizontal-pod-autoscaler"), T0, "2026-11-20T08:03:29Z")],
        logs={log_key(p, "my-app"): "2026-11-20T08:14:30Z INFO GET /orders 200 12ms\n" for p in pods},
    )


def _unknown_endpointslice_conflict() -> None:
    ns, image = "my-svc", "registry.example.com/my-svc/my-app:5.2.0"
    pods = [pod(f"my-app-6c8d7f9b4-{s}", ns, [container("my-app", image)]) for s in ("h2k9w", "p4n7z", "t6q1m")]
    _settle(pods, "2026-11-20T08:00:52Z")
    svc = service("my-app", ns)
    quote = ('Operation cannot be fulfilled on endpointslices.discovery.k8s.io "my-app-h7q6v": the object has been '
             'modified; please apply your changes to the latest version and try again')
    scenario(
        "noise-endpointslice-update-conflict", "unknown", difficulty="hard",
        note="after a rollout restart all three pods are Ready with 0 restarts; FailedToUpdateEndpointSlices is an optimistic-concurrency retry the controller resolves on its own",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/92928", "quote": quote}],
        objects=[*pods, svc, *deployment_and_rs("my-app", ns, "6c8d7f9b4", image, replicas=3, ready=3, revision=6), node()],
        events=[_at(event(svc, "FailedToUpdateEndpointSlices",
                      f"Error updating Endpoint Slices for Service my-svc/my-app: Error updating my-app-h7q6v EndpointSlice for Service my-svc/my-app: {quote}",
                      count=1, component="endpoint-slice-controller"), "2026-11-20T08:01:04Z")],
        logs={log_key(p, "my-app"): "2026-11-20 08:14:22,118 INFO  [http] GET /healthz 200\n" for p in pods},
    )


def _unknown_knative_readiness_at_start() -> None:
    ns = "default"
    image = "gcr.io/knative-samples/helloworld-go@sha256:5ea96ba4b872685ff4ddb5cd8d1a97ec18c18fae79ee8df0d29f446c5efe5f50"
    qp = "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:2b1b12a0a4b5e0b5b5c2a1e0f4f0b7c5d9e0c1a2b3c4d5e6f708192a3b4c5d6e"
    p = pod("helloworld-go-00001-deployment-7d9c6b5f4-h8v2k", ns,
            [container("user-container", image), container("queue-proxy", qp, readinessProbe={
                "httpGet": {"path": "/health", "port": 8022}, "periodSeconds": 1})])
    for st in p["status"]["containerStatuses"]:
        st["state"]["running"]["startedAt"] = "2026-11-20T08:00:01Z"
    quote = "Readiness probe failed: Get http://10.244.5.16:8022/health: dial tcp 10.244.5.16:8022: connect: connection refused"
    scenario(
        "noise-knative-readiness-refused-at-start", "unknown", difficulty="hard",
        note="both containers Ready with 0 restarts; the readiness failures were in the revision's first seconds, which a Knative maintainer calls a red herring",
        source=[{"url": "https://github.com/knative/serving/issues/1773", "quote": quote}],
        objects=[p, *deployment_and_rs("helloworld-go-00001-deployment", ns, "7d9c6b5f4", image, ready=1), node()],
        events=[_at(event(p, "Unhealthy", quote, count=4), T0, "2026-11-20T08:00:06Z"),
                _at(event(p, "Started", "Started container queue-proxy", type_="Normal", count=1), T0)],
        logs={log_key(p, "user-container"): "2026/11/20 08:00:01 helloworld: starting server...\n2026/11/20 08:00:01 helloworld: listening on port 8080\n",
              log_key(p, "queue-proxy"): '{"severity":"INFO","timestamp":"2026-11-20T08:00:06.118Z","message":"Queue-proxy will handle readiness"}\n'},
    )


# =================================================================================================================
# real failures whose only evidence looks like noise
# =================================================================================================================

def _real_lease_forbidden_scheduler() -> None:
    ns, image = "storageos", "storageos/cluster-operator:1.5.1"
    sched = pod("storageos-scheduler-6d8f7b9c5-n4x2v", ns, [container("storageos-scheduler", image)],
                serviceAccountName="storageos-scheduler-sa")
    app_img = "registry.example.com/apps/ledger:2.3.0"
    waiting_pod = pod("ledger-7c5d9f8b6-q8w2j", "apps", [container("ledger", app_img)], scheduled=False,
                      schedulerName="storageos-scheduler")
    waiting_pod["status"] = {"phase": "Pending", "qosClass": "Burstable"}
    q1 = ('leases.coordination.k8s.io "storageos-scheduler" is forbidden: User "system:serviceaccount:storageos:storageos-scheduler-sa" '
          'cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "storageos"')
    q2 = "failed to acquire lease storageos/storageos-scheduler"
    lines = []
    for t in ("08:13:23.737788", "08:13:27.102114", "08:13:30.561930", "08:13:34.019442", "08:14:31.330915"):
        lines += [f"E1120 {t}       1 leaderelection.go:331] error retrieving resource lock storageos/storageos-scheduler: {q1}",
                  f"I1120 {t[:-3]}814       1 leaderelection.go:247] {q2}"]
    scenario(
        "noise-real-scheduler-lease-forbidden", "permission_denied", difficulty="hard",
        note="the scheduler pod is Running and Ready with 0 restarts and 'failed to acquire lease' looks like a standby's noise, but its ServiceAccount may not read the Lease, so it never leads and pods that name it stay Pending",
        source=[{"url": "https://github.com/storageos/cluster-operator/issues/216", "quote": q1},
                {"url": "https://github.com/storageos/cluster-operator/issues/216", "quote": q2}],
        objects=[sched, waiting_pod, *deployment_and_rs("storageos-scheduler", ns, "6d8f7b9c5", image, ready=1),
                 *deployment_and_rs("ledger", "apps", "7c5d9f8b6", app_img, ready=0), node()],
        logs={log_key(sched, "storageos-scheduler"): log_text(
            "I1120 07:00:14.004117       1 leaderelection.go:242] attempting to acquire leader lease  storageos/storageos-scheduler...",
            *lines)},
    )


def _real_reflector_forbidden_operator() -> None:
    ns, image = "openshift-operators", "quay.io/pulp/pulp-operator:v1.0.0-beta.1"
    p = pod("pulp-operator-controller-manager-5f7c9d8b6-zk4tq", ns, [container("manager", image)],
            serviceAccountName="pulp-operator-controller-manager")
    quote = ('failed to list *v1.ServiceAccount: serviceaccounts is forbidden: User "system:serviceaccount:openshift-operators:pulp-operator-controller-manager" '
             'cannot list resource "serviceaccounts" in API group "" at the cluster scope')
    src = "pkg/mod/k8s.io/client-go@v0.25.0/tools/cache/reflector.go:169"
    lines = []
    for t in ("08:12:33.884991", "08:13:04.717891", "08:13:51.203118", "08:14:29.661040"):
        lines += [f"W1120 {t}       1 reflector.go:424] {src}: {quote}",
                  f"E1120 {t[:-3]}059       1 reflector.go:140] {src}: Failed to watch *v1.ServiceAccount: {quote}"]
    scenario(
        "noise-real-operator-reflector-forbidden", "permission_denied", difficulty="hard",
        note="the operator is Running and Ready with 0 restarts and the refusals are logged as W/E reflector lines that read like informer noise, but they never stop: the informer cannot sync, so nothing is reconciled",
        source=[{"url": "https://github.com/pulp/pulp-operator/issues/601", "quote": quote}],
        objects=[p, *deployment_and_rs("pulp-operator-controller-manager", ns, "5f7c9d8b6", image, ready=1), node()],
        logs={log_key(p, "manager"): log_text(
            '1.7951584e+09\tINFO\tsetup\tstarting manager',
            '1.7951584e+09\tINFO\tStarting EventSource\t{"controller": "pulp", "controllerGroup": "repo-manager.pulpproject.org", "controllerKind": "Pulp", "source": "kind source: *v1.ServiceAccount"}',
            *lines)},
    )


def _real_metrics_server_kubelet_ip_sans() -> None:
    ns, image = "kube-system", "registry.k8s.io/metrics-server/metrics-server:v0.6.1"
    nodes = [_node("lke60627-94194-627bc558aaae"), _node("lke60627-94194-627bc5588479")]
    p = pod("metrics-server-847dcc659d-8qz4r", ns, [_unready("metrics-server", image, "/readyz", 4443)],
            node="lke60627-94194-627bc558aaae")
    quote = "x509: cannot validate certificate for 192.168.203.181 because it doesn't contain any IP SANs"
    log = log_text(
        'I1120 07:00:14.117986       1 serving.go:342] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)',
        'I1120 08:13:53.747234       1 server.go:187] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"',
        f'E1120 08:13:56.607078       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://192.168.203.181:10250/metrics/resource\\": {quote}" node="lke60627-94194-627bc558aaae"',
        'E1120 08:13:56.609430       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://192.168.143.61:10250/metrics/resource\\": x509: cannot validate certificate for 192.168.143.61 because it doesn\'t contain any IP SANs" node="lke60627-94194-627bc5588479"',
        'I1120 08:14:03.748846       1 server.go:187] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"',
        f'E1120 08:14:11.606511       1 scraper.go:140] "Failed to scrape node" err="Get \\"https://192.168.203.181:10250/metrics/resource\\": {quote}" node="lke60627-94194-627bc558aaae"',
        'I1120 08:14:13.753194       1 server.go:187] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"')
    scenario(
        "noise-real-metrics-server-kubelet-cert-no-ip-sans", "dependency_unreachable", difficulty="hard",
        note="'Failed to scrape node' and 'Failed probe' read like metrics-server's usual chatter, but every kubelet's serving certificate is untrusted (no IP SANs) for the whole run: the pod never becomes Ready and no metrics are served",
        source=[{"url": "https://github.com/kubernetes-sigs/metrics-server/issues/1025", "quote": quote}],
        objects=[p, *deployment_and_rs("metrics-server", ns, "847dcc659d", image, ready=0), *nodes],
        events=[event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 500", count=84)],
        logs={log_key(p, "metrics-server"): log},
    )


def _real_kafka_broker_never_answers() -> None:
    ns, image = "orders", "registry.example.com/orders/order-impl:1.6.4"
    p = pod("order-impl-6f9c8d7b5-vd3km", ns, [_unready("order-impl", image, "/ready", 8558, env=[
        {"name": "KAFKA_SERVICE_NAME", "value": "kafka-bootstrap.streaming.svc.cluster.local:9092"}])])
    quote = "Connection to node -1 could not be established. Broker may not be available."
    warn = "[warn] org.apache.kafka.clients.NetworkClient [] - [Consumer clientId=consumer-1, groupId=order-impl] " + quote
    log = log_text(
        "2026-11-20T07:00:21.402Z [info] akka.event.slf4j.Slf4jLogger [] - Slf4jLogger started",
        "2026-11-20T07:00:24.911Z [info] org.apache.kafka.common.utils.AppInfoParser [] - Kafka version : 2.0.0",
        *(f"2026-11-20T08:14:{s:02d}.633Z {warn}" for s in (4, 5, 6, 8, 11, 15, 22, 30)))
    scenario(
        "noise-real-kafka-broker-never-answers", "dependency_unreachable", difficulty="hard",
        note="the only marks are [warn] NetworkClient lines that clients also log during any broker blip, but here they repeat for over an hour and the consumer never becomes Ready",
        source=[{"url": "https://github.com/lagom/lagom/issues/1285", "quote": quote}],
        objects=[p, *deployment_and_rs("order-impl", ns, "6f9c8d7b5", image, ready=0), node()],
        events=[event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=431)],
        logs={log_key(p, "order-impl"): log},
    )


def _real_coredns_upstream_timeouts() -> None:
    ns, image = "o2o-sales", "registry.example.com/o2o/order-sync:1.4.2"
    worker = pod("order-sync-5b8d9c7f6-w2r8t", ns, [container("order-sync", image, **_loop("order-sync-5b8d9c7f6-w2r8t", ns, "order-sync", 1, 9))])
    redis = pod("o2o-redis-0", ns, [container("redis", "redis:5.0.7")], owner=("StatefulSet", "o2o-redis"))
    dns_img = "registry.k8s.io/coredns:1.6.2"
    coredns = pod("coredns-b87f7894c-zcwvl", "kube-system", [container("coredns", dns_img)])
    q_app = "Error -3 connecting to o2o-redis-service.o2o-sales.svc.cluster.local:6379. Temporary failure in name resolution."
    q_dns = "o2o-redis-service. A: read udp 10.244.169.134:47806->132.120.200.52:53: i/o timeout"
    scenario(
        "noise-real-coredns-upstream-timeouts", "dependency_unreachable", difficulty="hard",
        note="CoreDNS is Running and Ready with 0 restarts and its [ERROR] i/o timeout lines look like routine upstream noise, but names stop resolving: the worker crash-loops on 'Temporary failure in name resolution' while Redis itself is up",
        source=[{"url": "https://github.com/kubernetes/kubernetes/issues/86762", "quote": q_app},
                {"url": "https://github.com/kubernetes/kubernetes/issues/86762", "quote": q_dns}],
        objects=[worker, redis, coredns, *deployment_and_rs("order-sync", ns, "5b8d9c7f6", image, ready=0),
                 _sts("o2o-redis", ns, "redis:5.0.7", ready=1),
                 service("o2o-redis-service", ns, selector={"app": "o2o-redis"}, port=6379, target_port=6379),
                 *deployment_and_rs("coredns", "kube-system", "b87f7894c", dns_img, ready=1), node()],
        events=crash_events(worker, "order-sync", image, 9),
        logs={log_key(worker, "order-sync", previous=True): log_text(
                  "Traceback (most recent call last):",
                  '  File "/usr/local/lib/python2.7/dist-packages/redis/connection.py", line 544, in connect',
                  "    raise ConnectionError(self._error_message(e))",
                  "ConnectionError: " + q_app),
              log_key(coredns, "coredns"): log_text(
                  ".:53",
                  "[INFO] plugin/reload: Running configuration MD5 = f64cb9b977c7dfca58c4fab108535a76",
                  "CoreDNS-1.6.2",
                  "[ERROR] plugin/errors: 2 " + q_dns,
                  "[ERROR] plugin/errors: 2 o2o-redis-service. AAAA: read udp 10.244.169.134:47954->132.120.200.49:53: i/o timeout",
                  "[ERROR] plugin/errors: 2 o2o-redis-service. A: read udp 10.244.169.134:44703->132.120.200.49:53: i/o timeout",
                  "[ERROR] plugin/errors: 2 elasticsearch. A: read udp 10.244.169.134:40671->132.120.200.49:53: i/o timeout")},
    )


def _real_webhook_deadline_no_pods() -> None:
    ns, image = "shop", "registry.example.com/shop/web:4.2.0"
    rs_name = "web-7c9d8b6f5"
    msg = ('Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": Post '
           '"https://kyverno-svc.kyverno.svc:443/validate?timeout=10s": context deadline exceeded')
    quote = 'Post "https://kyverno-svc.kyverno.svc:443/validate?timeout=10s": context deadline exceed'
    rs = replicaset(rs_name, ns, replicas=2, ready=0, deployment_name="web", revision=3,
                    conditions=[condition("ReplicaFailure", "True", "FailedCreate", msg)])
    dep = deployment("web", ns, replicas=2, ready=0, image=image, revision=3, conditions=[
        condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
        condition("ReplicaFailure", "True", "FailedCreate", msg),
        condition("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.')])
    kyverno = deployment("kyverno", "kyverno", replicas=1, ready=0, image="ghcr.io/kyverno/kyverno:v1.5.2")
    scenario(
        "noise-real-admission-webhook-times-out", "dependency_unreachable", difficulty="hard",
        note="no pod exists at all: every create is refused because Kyverno's fail-closed webhook times out ('context deadline exceeded', wording that elsewhere is a client giving up); Kyverno has no available replica",
        source=[{"url": "https://github.com/kyverno/kyverno/issues/2869", "quote": quote}],
        objects=[dep, rs, kyverno, node()],
        events=[event(rs, "FailedCreate", msg, count=14, component="replicaset-controller"),
                event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs_name} to 2", type_="Normal", count=1,
                      component="deployment-controller")],
    )


def _real_exit_zero_crash_loop() -> None:
    ns, image = "javatest", "10.110.25.141:8082/hello:SNAPSHOT-1.0"
    name = "hello-v2-6f8d9c7b5-fjchl"
    p = pod(name, ns, [container("hello", image, **_loop(name, ns, "hello", 0, 6, "Completed"))])
    quote = "Back-off restarting failed container"
    scenario(
        "noise-real-deployment-container-exits-zero", "config_error", difficulty="hard",
        note="exit code 0, reason Completed and a clean 'Hello World!' look like a finished job, but this is a Deployment: the command runs to completion, so the pod crash-loops and never serves",
        source=[{"url": "https://github.com/openshift/origin/issues/23729", "quote": quote}],
        objects=[p, *deployment_and_rs("hello-v2", ns, "6f8d9c7b5", image, ready=0), node()],
        events=crash_events(p, "hello", image, 6),
        logs={log_key(p, "hello", previous=True): "Hello World!\n"},
    )


def _real_service_selector_matches_nothing() -> None:
    ns = "ingress"
    ctrl_img = "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.30.0"
    be_img = "k8s.gcr.io/defaultbackend-amd64:1.5"
    ctrl = pod("nginx-ingress-controller-5d8f7c9b6-x4j2p", ns, [container("nginx-ingress-controller", ctrl_img)])
    be = pod("nginx-ingress-default-backend-659bd647bd-7tq5v", ns, [container("nginx-ingress-default-backend", be_img)])
    be["metadata"]["labels"] = {"app": "nginx-ingress", "app.kubernetes.io/component": "default-backend", "release": "nginx-ingress"}
    svc = service("nginx-ingress-default-backend", ns, selector={"app": "nginx-ingress", "component": "default-backend",
                                                                 "release": "nginx-ingress"}, port=80, target_port="http")
    eps = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("nginx-ingress-default-backend", ns), "subsets": []}
    quote = 'Service "nginx-ingress-default-backend" does not have any active Endpoint'
    scenario(
        "noise-real-service-selector-matches-nothing", "config_error", difficulty="hard",
        note="every pod is Running and Ready and 'does not have any active Endpoint' is a warning usually seen for services scaled to zero, but here the chart's Service selector (component=) no longer matches the pods' labels (app.kubernetes.io/component=), so nothing is routed",
        source=[{"url": "https://github.com/helm/charts/issues/21515", "quote": quote}],
        objects=[ctrl, be, svc, eps, *deployment_and_rs("nginx-ingress-controller", ns, "5d8f7c9b6", ctrl_img, ready=1),
                 *deployment_and_rs("nginx-ingress-default-backend", ns, "659bd647bd", be_img, ready=1), node()],
        logs={log_key(ctrl, "nginx-ingress-controller"): log_text(
                  "I1120 07:00:15.801497       7 nginx.go:263] Starting NGINX Ingress controller",
                  f"W1120 08:13:40.253022       7 controller.go:920] {quote}",
                  '10.244.1.1 - - [20/Nov/2026:08:13:41 +0000] "GET / HTTP/1.1" 503 190 "-" "curl/7.68.0" 76 0.000 [upstream-default-backend] [] - - - - 2b1f0c9e',
                  f"W1120 08:14:30.253455       7 controller.go:920] {quote}"),
              log_key(be, "nginx-ingress-default-backend"): "stats server listening on :8080\n"},
    )


def _real_redis_host_unresolvable() -> None:
    ns, image = "app", "xxxx.dkr.ecr.us-east-1.amazonaws.com/api:2020.02.20"
    p = pod("api-nodejs-7d9f8c6b5-m4k2x", ns, [_unready("api-nodejs", image, "/health", 3000)])
    quote = "getaddrinfo ENOTFOUND redis redis:6379"
    err = log_text(f"[ioredis] Unhandled error event: Error: {quote}",
                 "    at errnoException (dns.js:50:10)",
                 "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (dns.js:92:26)").rstrip("\n")
    scenario(
        "noise-real-redis-host-unresolvable", "dependency_unreachable", difficulty="hard",
        note="an 'Unhandled error event' that ioredis retries quietly looks like a reconnect blip, but the name 'redis' never resolves (no such Service in the namespace) and the API stays unready",
        source=[{"url": "https://github.com/redis/ioredis/issues/1064", "quote": quote}],
        objects=[p, service("api", ns, port=80, target_port=3000), *deployment_and_rs("api-nodejs", ns, "7d9f8c6b5", image, replicas=1, ready=0), node()],
        events=[event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=388)],
        logs={log_key(p, "api-nodejs"): log_text("Server listening on port 3000", err, err, err)},
    )


def _real_hpa_missing_cpu_request() -> None:
    ns, image = "default", "registry.example.com/batch/worker:0.5.2"
    pods = [pod(f"worker-5d7b9c8f6-{s}", ns, [container("worker", image, requests={"memory": "256Mi"}, limits={"memory": "512Mi"})])
            for s in ("g4k8p", "n2x7v")]
    quote = "failed to get CPU utilization: missing request for CPU"
    hpa = _hpa("worker", ns, "worker", active=False, message=f"the HPA was unable to compute the replica count: {quote}")
    scenario(
        "noise-real-hpa-missing-cpu-request", "config_error", difficulty="hard",
        note="the pods are Ready and the HPA warnings resemble the usual metrics gap after a rollout, but they persist: the containers request no CPU, so the HPA can never compute utilisation and never scales",
        source=[{"url": "https://github.com/kubernetes-sigs/metrics-server/issues/923", "quote": quote}],
        objects=[*pods, hpa, *deployment_and_rs("worker", ns, "5d7b9c8f6", image, replicas=2, ready=2), node()],
        events=[event(hpa, "FailedGetResourceMetric", quote, count=136, component="horizontal-pod-autoscaler"),
                event(hpa, "FailedComputeMetricsReplicas", f"invalid metrics (1 invalid out of 1), first error is: {quote}",
                      count=136, component="horizontal-pod-autoscaler")],
        logs={log_key(p, "worker"): "2026-11-20T08:14:30Z processed batch 88121 in 4.1s\n" for p in pods},
    )


def _real_configmap_not_found() -> None:
    ns, image = "monitoring", "grafana/grafana:7.2.1"
    p = pod("grafana-7f6c9d8b5-2wq8r", ns, [container("grafana", image, state=waiting("ContainerCreating"))],
            volumes=[{"name": "config-volume", "configMap": {"name": "grafana-import-dashboards"}}])
    quote = 'MountVolume.SetUp failed for volume "config-volume" : configmap "grafana-import-dashboards" not found'
    scenario(
        "noise-real-configmap-not-found", "config_error",
        note="unlike the kubelet's transient 'not registered' mount warning, 'configmap ... not found' repeats because the ConfigMap does not exist; the pod never leaves ContainerCreating",
        source=[{"url": "https://github.com/cuishuaigit/k8s-monitor/issues/2", "quote": quote}],
        objects=[p, *deployment_and_rs("grafana", ns, "7f6c9d8b5", image, ready=0), node()],
        events=[event(p, "FailedMount", quote, count=24)],
    )


def _real_webhook_ca_bundle_missing() -> None:
    ns, image = "default", "registry.example.com/demo/test:1.0.0"
    hook_img = "dowjones/k8s-webhook:latest"
    rs_name = "test-5d8c7b6f9"
    webhook_pod = pod("webhook-server-6b7d9c8f5-p2x4k", ns, [container("webhook-server", hook_img)])
    q_api = "Post https://webhook-service.default.svc:443/mutate?timeout=30s: x509: certificate signed by unknown authority"
    q_hook = "http: TLS handshake error from 10.251.1.83:60588: remote error: tls: bad certificate"
    msg = f'Error creating: Internal error occurred: failed calling webhook "webhook-service.default.svc": {q_api}'
    rs = replicaset(rs_name, ns, replicas=1, ready=0, deployment_name="test",
                    conditions=[condition("ReplicaFailure", "True", "FailedCreate", msg)])
    mwc = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
           "metadata": meta("webhook-service"),
           "webhooks": [{"name": "webhook-service.default.svc", "failurePolicy": "Fail", "sideEffects": "None",
                         "admissionReviewVersions": ["v1"],
                         "clientConfig": {"service": {"name": "webhook-service", "namespace": ns, "path": "/mutate"},
                                          "caBundle": ""},
                         "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                                    "resources": ["pods"]}]}]}
    scenario(
        "noise-real-webhook-ca-bundle-missing", "config_error", difficulty="hard",
        note="the webhook pod is Ready and its 'TLS handshake error ... bad certificate' lines look like probe noise, but the API server distrusts it: the MutatingWebhookConfiguration has no caBundle, so no pod of the Deployment can be created",
        source=[{"url": "https://github.com/dowjones/k8s-webhook/issues/1", "quote": q_api},
                {"url": "https://github.com/enix/kube-image-keeper/issues/153", "quote": q_hook}],
        objects=[deployment("test", ns, replicas=1, ready=0, image=image), rs, webhook_pod, mwc,
                 *deployment_and_rs("webhook-server", ns, "6b7d9c8f5", hook_img, ready=1), node()],
        events=[event(rs, "FailedCreate", msg, count=17, component="replicaset-controller")],
        logs={log_key(webhook_pod, "webhook-server"): log_text(
            "2026/11/20 07:00:15 Listening on :8443",
            f"2026/11/20 08:13:43 {q_hook}",
            "2026/11/20 08:14:04 http: TLS handshake error from 10.251.1.83:60902: remote error: tls: bad certificate",
            "2026/11/20 08:14:26 http: TLS handshake error from 10.251.1.83:61244: remote error: tls: bad certificate")},
    )


def _real_operator_removed_pdb_api() -> None:
    ns, image = "monitoring-system", "victoriametrics/operator:v0.27.2"
    name = "vm-operator-7d6f8c9b5-4xq2t"
    host = "k8s-worker-1"
    p = pod(name, ns, [container("manager", image, **_loop(name, ns, "manager", 1, 11))], node=host)
    quote = r'no matches for kind \"PodDisruptionBudget\" in version \"policy/v1beta1\"'
    line = ('{{"level":"error","ts":{ts},"logger":"controller-runtime.source","msg":"if kind is a CRD, it should be installed before calling Start",'
            '"kind":"PodDisruptionBudget.policy","error":"' + quote + '"}}')
    scenario(
        "noise-real-operator-removed-pdb-api", "application_crash", difficulty="hard",
        note="the errors name a beta API and read like the deprecation warnings operators print for years, but on v1.25 policy/v1beta1 is gone: this operator build watches it anyway and crash-loops",
        source=[{"url": "https://github.com/VictoriaMetrics/operator/issues/529", "quote": quote}],
        objects=[p, *deployment_and_rs("vm-operator", ns, "7d6f8c9b5", image, ready=0), _node(host, kubelet="v1.25.2")],
        events=crash_events(p, "manager", image, 11),
        logs={log_key(p, "manager", previous=True): log_text(
            '{"level":"info","ts":1795162321.0021,"logger":"setup","msg":"starting vmalert-operator"}',
            *(line.format(ts=t) for t in ("1795162331.1530888", "1795162341.1602114", "1795162351.1577312")),
            '{"level":"error","ts":1795162441.1701,"logger":"setup","msg":"cannot start controller manager","error":"failed to wait for vmagent caches to sync: timed out waiting for cache to be synced"}')},
    )


def _real_metrics_server_kubelet_port_blocked() -> None:
    ns, image = "kube-system", "registry.k8s.io/metrics-server/metrics-server:v0.8.0"
    p = pod("metrics-server-6f8d9c7b4-r8k2n", ns, [_unready("metrics-server", image, "/readyz", 10250)])
    quote = "dial tcp 10.224.38.16:10250: i/o timeout"
    nodes = {"aks-system-18342918-vmss000000": "10.224.38.16", "aks-user-18342918-vmss000003": "10.224.35.224",
             "aks-user-18342918-vmss000004": "10.224.36.20"}
    lines = []
    for t in ("08:13:28.206076", "08:13:43.151658", "08:13:58.329815", "08:14:13.204411", "08:14:28.331907"):
        lines += [f'E1120 {t}       1 scraper.go:149] "Failed to scrape node" err="Get \\"https://{ip}:10250/metrics/resource\\": '
                  f'dial tcp {ip}:10250: i/o timeout" node="{n}"' for n, ip in nodes.items()]
    scenario(
        "noise-real-metrics-server-kubelet-port-blocked", "dependency_unreachable", difficulty="hard",
        note="'Failed to scrape node ... i/o timeout' is what metrics-server logs briefly for a node being removed, but here it is every node on every pass and the pod never becomes Ready: the kubelet port does not answer",
        source=[{"url": "https://github.com/kubernetes-sigs/metrics-server/issues/1705", "quote": quote}],
        objects=[p, *deployment_and_rs("metrics-server", ns, "6f8d9c7b4", image, ready=0), *(_node(n) for n in nodes)],
        events=[event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 500", count=86)],
        logs={log_key(p, "metrics-server"): log_text(
            'I1120 07:00:14.501586       1 requestheader_controller.go:169] Starting RequestHeaderAuthRequestController', *lines)},
    )


def _real_database_requires_tls() -> None:
    ns, image = "supabase", "supabase/realtime:v2.5.1"
    name = "supabase-realtime-6c9d8f7b5-j4w7q"
    p = pod(name, ns, [container("realtime", image, **_loop(name, ns, "realtime", 1, 8),
                                 env=[{"name": "DB_HOST", "value": "supabase-db"}, {"name": "DB_SSL", "value": "false"}])])
    db = pod("supabase-db-0", ns, [container("postgres", "registry.opensource.zalan.do/acid/spilo-15:3.0-p1")],
             owner=("StatefulSet", "supabase-db"))
    quote = 'pg_hba.conf rejects connection for host "10.244.1.110", user "postgres", database "postgres", no encryption'
    scenario(
        "noise-real-database-requires-tls", "config_error", difficulty="hard",
        note="pg_hba refusals are often a monitor's harmless probe, but here they are the client's own and final: the Zalando database only accepts TLS and the realtime service connects with DB_SSL=false, so it crash-loops",
        source=[{"url": "https://github.com/supabase-community/supabase-kubernetes/issues/30", "quote": quote}],
        objects=[p, db, *deployment_and_rs("supabase-realtime", ns, "6c9d8f7b5", image, ready=0),
                 _sts("supabase-db", ns, "registry.opensource.zalan.do/acid/spilo-15:3.0-p1", ready=1), node()],
        events=crash_events(p, "realtime", image, 8),
        logs={log_key(p, "realtime", previous=True): log_text(
            "08:13:46.101 [info] Running RealtimeWeb.Endpoint with cowboy 2.9.0 at :::4000 (http)",
            f"08:13:46.235 [error] Postgrex.Protocol (#PID<0.136.0>) failed to connect: ** (Postgrex.Error) FATAL 28000 (invalid_authorization_specification) {quote}",
            f"08:13:47.902 [error] Postgrex.Protocol (#PID<0.137.0>) failed to connect: ** (Postgrex.Error) FATAL 28000 (invalid_authorization_specification) {quote}",
            "08:13:48.410 [notice] Application realtime exited: Realtime.Application.start(:normal, []) returned an error: shutdown: failed to start child: Realtime.Repo")},
    )


for _build in (
    _unknown_grafana_nlb_tls_eof, _unknown_stolon_incomplete_startup_packet, _unknown_coredns_import_glob,
    _unknown_kubelet_not_registered_cronjob, _unknown_metrics_server_removed_node, _unknown_coredns_nxdomain_search_path,
    _unknown_dns_config_forming, _unknown_grpc_reset_on_client_close, _unknown_operator_deprecation_warnings,
    _unknown_rabbitmq_probe_connections, _unknown_redis_security_attack_scrape, _unknown_pg_auto_failover_monitor,
    _unknown_standby_replica_lease, _unknown_favicon_404, _unknown_context_canceled_client_gone,
    _unknown_hpa_metrics_after_rollout, _unknown_endpointslice_conflict, _unknown_knative_readiness_at_start,
    _real_lease_forbidden_scheduler, _real_reflector_forbidden_operator, _real_metrics_server_kubelet_ip_sans,
    _real_kafka_broker_never_answers, _real_coredns_upstream_timeouts, _real_webhook_deadline_no_pods,
    _real_exit_zero_crash_loop, _real_service_selector_matches_nothing, _real_redis_host_unresolvable,
    _real_hpa_missing_cpu_request, _real_configmap_not_found, _real_webhook_ca_bundle_missing,
    _real_operator_removed_pdb_api, _real_metrics_server_kubelet_port_blocked, _real_database_requires_tls,
):
    _build()

for _name, _case in SCENARIOS.items():
    if _name.startswith("noise-"):
        _settle(_case["objects"])
