# ruff: noqa: E501
"""Widely used apps and operators on Kubernetes, failing as their GitHub issues show it.

Argo CD, cert-manager, external-dns, the Grafana and Zalando Postgres operators, NGINX Inc's ingress controller,
Keycloak, Airflow, MinIO (program bugs: panics, NPEs, a KeyError, a segfault); Loki, Alertmanager, Prometheus,
Traefik and Jenkins refusing their own configuration; RBAC and cloud IAM refusals inside operators (external-dns,
Strimzi, Vault with GCP KMS, cert-manager with Route 53) and a data directory Grafana cannot write; Harbor,
Keycloak, Airflow and Argo CD unable to reach their database or cache; healthy apps whose logs only carry noise or
whose events belong to a finished incident; and an OOM kill and a vanished image behind louder symptoms.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    condition as cond,
)
from tests.rca_corpus.kube import (
    container,
    crash_events,
    deployment,
    deployment_and_rs,
    event,
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
    waiting,
)

OLD = "2026-11-14T03:12:09Z"  # an incident six days before the look


# --- helpers -----------------------------------------------------------------------------------------------------






def _sts(name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    """A StatefulSet as the API server returns it."""
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                       "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready}}




def _age(obj: dict[str, Any], when: str = OLD) -> dict[str, Any]:
    """Move an event into the past (a finished incident)."""
    obj["firstTimestamp"] = obj["lastTimestamp"] = when
    obj["metadata"]["creationTimestamp"] = when
    return obj


# =================================================================================================================
# application_crash
# =================================================================================================================

# --- Argo CD application controller: a nil pointer in client-go's pager, restarts once a day; a healthy
#     argocd-server beside it once logged a Redis lookup timeout.
_ns = "argocd"
_img = "quay.io/argoproj/argocd:v3.2.2"
_ctl = pod("argocd-application-controller-0", _ns, [
    container("argocd-application-controller", _img, restarts=4, last=terminated(2, "Error"),
              limits={"memory": "4Gi"}, requests={"cpu": "500m", "memory": "2Gi"})],
    owner=("StatefulSet", "argocd-application-controller"))
_srv = pod("argocd-server-6987d866f9-bdvb4", _ns, [container("argocd-server", _img)])
_redis = pod("argocd-redis-7dd9dd5fb-f5kgh", _ns, [container("redis", "public.ecr.aws/docker/library/redis:7.2.7-alpine")])
scenario(
    "app-argocd-controller-nil-panic-daily", "application_crash", difficulty="hard",
    note="the controller is Running and Ready again; only its previous log holds the nil-pointer panic (exit 2), while the healthy argocd-server once logged a Redis lookup timeout",
    source=[{"url": "https://github.com/argoproj/argo-cd/issues/25786",
             "quote": '"msg":"Observed a panic","panic":"runtime error: invalid memory address or nil pointer dereference"'},
            {"url": "https://github.com/argoproj/argo-cd/issues/4174",
             "quote": "Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout"}],
    objects=[_ctl, _srv, _redis, _sts("argocd-application-controller", _ns, _img, ready=1),
             *deployment_and_rs("argocd-server", _ns, "6987d866f9", _img, ready=1), node()],
    events=[event(_ctl, "Pulled", f'Container image "{_img}" already present on machine', type_="Normal", count=5),
            event(_ctl, "Started", "Started container argocd-application-controller", type_="Normal", count=5)],
    logs={
        f"{_ns}/argocd-application-controller-0/argocd-application-controller": log_text(
            '{"level":"info","msg":"ArgoCD Application Controller is starting","namespace":"argocd","version":"v3.2.2+a8dc4fa","time":"2026-11-20T08:14:40Z"}',
            '{"level":"info","msg":"Processing all cluster shards","time":"2026-11-20T08:14:40Z"}',
            '{"level":"info","msg":"Start syncing cluster","server":"https://kubernetes.default.svc","time":"2026-11-20T08:14:41Z"}',
            '{"level":"info","msg":"Cluster successfully synced","server":"https://kubernetes.default.svc","time":"2026-11-20T08:14:52Z"}'),
        f"{_ns}/argocd-application-controller-0/argocd-application-controller:previous": log_text(
            '{"level":"info","msg":"Start syncing cluster","server":"https://kubernetes.default.svc","time":"2026-11-20T08:14:02Z"}',
            '{"level":"info","msg":"Refreshing app status (controller refresh requested), level (1)","application":"argocd/payments","time":"2026-11-20T08:14:20Z"}',
            r'{"error":null,"level":"error","msg":"Observed a panic","panic":"runtime error: invalid memory address or nil pointer dereference","panicGoValue":"\"invalid memory address or nil pointer dereference\"","stacktrace":"goroutine 3374295 [running]:\nk8s.io/apimachinery/pkg/util/runtime.logPanic({0x66c5958, 0xc03d4c9dd0}, {0x4721060, 0x95fc5d0})\n\t/go/pkg/mod/k8s.io/apimachinery@v0.34.0/pkg/util/runtime/runtime.go:132 +0xbc\nk8s.io/apimachinery/pkg/util/runtime.handleCrash({0x66c5920, 0x9a3c7c0}, {0x4721060, 0x95fc5d0}, {0xc035c5fc20, 0x0, 0x3?})\n\t/go/pkg/mod/k8s.io/apimachinery@v0.34.0/pkg/util/runtime/runtime.go:107 +0x116\nk8s.io/apimachinery/pkg/util/runtime.HandleCrash({0x0, 0x0, 0xc035c5ff70?})\n\t/go/pkg/mod/k8s.io/apimachinery@v0.34.0/pkg/util/runtime/runtime.go:64 +0x17b\npanic({0x4721060?, 0x95fc5d0?})\n\t/usr/local/go/src/runtime/panic.go:783 +0x132\nk8s.io/apimachinery/pkg/apis/meta/v1/unstructured.(*UnstructuredList).GetContinue(0x6690f18?)\n\t/go/pkg/mod/k8s.io/apimachinery@v0.34.0/pkg/apis/meta/v1/unstructured/unstructured_list.go:181 +0x44\n","time":"2026-11-20T08:14:33Z"}',
            "panic: runtime error: invalid memory address or nil pointer dereference [recovered]",
            "",
            "goroutine 3374295 [running]:"),
        f"{_ns}/argocd-server-6987d866f9-bdvb4/argocd-server": log_text(
            '{"level":"info","msg":"Starting configmap/secret informers","time":"2026-11-19T21:02:10Z"}',
            '{"level":"warning","msg":"Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout","time":"2026-11-20T02:41:07Z"}',
            '{"level":"info","msg":"received unary call /application.ApplicationService/List","grpc.method":"List","grpc.service":"application.ApplicationService","time":"2026-11-20T08:10:12Z"}',
            '{"level":"info","msg":"finished unary call with code OK","grpc.code":"OK","grpc.method":"List","grpc.time_ms":"14.3","time":"2026-11-20T08:10:12Z"}'),
    })

# --- cert-manager: index out of range in CertificateOwnsSecret; the logs cannot be read, the panic survives only in
#     the termination message (FallbackToLogsOnError).
_ns = "cert-manager"
_img = "quay.io/jetstack/cert-manager-controller:v1.18.0"
_name = "cert-manager-6b8d4f5c9d-q2wzx"
_panic = log_text(
    "panic: runtime error: index out of range [0] with length 0",
    "",
    "goroutine 491 [running]:",
    "github.com/cert-manager/cert-manager/internal/controller/certificates.CertificateOwnsSecret(...)",
    "\tinternal/controller/certificates/certificates.go:94 +0x545",
    "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger.(*controller).ProcessItem(...)",
    "\tpkg/controller/certificates/trigger/trigger_controller.go:176 +0x3f4")
_p = pod(_name, _ns, [container("cert-manager-controller", _img, terminationMessagePolicy="FallbackToLogsOnError",
                                **looping(_name, _ns, "cert-manager-controller", 2, 9, message=_panic))])
_inj = pod("cert-manager-cainjector-6c94b9cd6f-v5rgv", _ns,
           [container("cert-manager-cainjector", "quay.io/jetstack/cert-manager-cainjector:v1.18.0")])
_wh = pod("cert-manager-webhook-6c7ff89479-f8kr4", _ns,
          [container("cert-manager-webhook", "quay.io/jetstack/cert-manager-webhook:v1.18.0")])
scenario(
    "app-certmanager-trigger-index-panic-nologs", "application_crash", difficulty="hard",
    note="logs unavailable: exit 2 and the panic kept in the termination message (FallbackToLogsOnError) are all there is; cainjector and webhook are healthy",
    source=[{"url": "https://github.com/cert-manager/cert-manager/issues/8848",
             "quote": "panic: runtime error: index out of range [0] with length 0"}],
    objects=[_p, _inj, _wh, *deployment_and_rs("cert-manager", _ns, "6b8d4f5c9d", _img), node()],
    events=crash_events(_p, "cert-manager-controller", _img, 9),
    logs={}, unavailable=["logs"])

# --- external-dns 0.15.1 (AWS Cloud Map provider): nil pointer at start-up after an upgrade; the old ReplicaSet's
#     pod still serves.
_ns = "external-dns"
_img = "registry.k8s.io/external-dns/external-dns:v0.15.1"
_name = "external-dns-7b9c5d8f4-hx2mq"
_new = pod(_name, _ns, [container("external-dns", _img, args=["--source=service", "--provider=aws-sd",
                                                               "--registry=aws-sd", "--txt-owner-id=prod"],
                                  **looping(_name, _ns, "external-dns", 2, 6))])
_old = pod("external-dns-5d8f7c9b6-t4kzn", _ns, [container("external-dns", "registry.k8s.io/external-dns/external-dns:v0.15.0")])
scenario(
    "app-externaldns-awssd-nil-panic-upgrade", "application_crash",
    note="the new revision panics in the aws-sd provider on start-up (goroutine 1, exit 2); the previous revision's pod still runs",
    source=[{"url": "https://github.com/kubernetes-sigs/external-dns/issues/5202",
             "quote": "sigs.k8s.io/external-dns/provider/awssd.(*AWSSDProvider).instancesToEndpoint"}],
    objects=[_new, _old, deployment("external-dns", _ns, replicas=1, ready=1, image=_img, revision=2,
                                    conditions=[cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                                                cond("Progressing", "True", "ReplicaSetUpdated", 'ReplicaSet "external-dns-7b9c5d8f4" is progressing.')]),
             replicaset("external-dns-7b9c5d8f4", _ns, replicas=1, ready=0, deployment_name="external-dns", revision=2),
             replicaset("external-dns-5d8f7c9b6", _ns, replicas=1, ready=1, deployment_name="external-dns", revision=1),
             node()],
    events=crash_events(_new, "external-dns", _img, 6),
    logs={f"{_ns}/{_name}/external-dns:previous": log_text(
        'time="2026-11-20T08:13:58Z" level=info msg="Instantiating new Kubernetes client"',
        'time="2026-11-20T08:13:58Z" level=info msg="Using inCluster-config based on serviceaccount-token"',
        'time="2026-11-20T08:13:58Z" level=info msg="Created Kubernetes client https://172.20.0.1:443"',
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x25e0d89]",
        "",
        "goroutine 1 [running]:",
        "sigs.k8s.io/external-dns/provider/awssd.(*AWSSDProvider).instancesToEndpoint(0xc000d692c0?, 0x4599c58?, 0xc000421110, {0xc000d96ac0, 0x1, 0x10?})",
        "\tsigs.k8s.io/external-dns/provider/awssd/aws_sd.go:170 +0x89",
        "sigs.k8s.io/external-dns/provider/awssd.(*AWSSDProvider).Records(0xc0006e61a0, {0x4599c58, 0xc0004e3040})",
        "\tsigs.k8s.io/external-dns/provider/awssd/aws_sd.go:158 +0x350",
        "sigs.k8s.io/external-dns/registry.(*AWSSDRegistry).Records(0xc00022cb40?, {0x4599c58?, 0xc0004e3040?})",
        "\tsigs.k8s.io/external-dns/registry/aws_sd_registry.go:56 +0x29",
        "sigs.k8s.io/external-dns/controller.(*Controller).RunOnce(0xc000a58b40, {0x4599c58, 0xc0004e3040})",
        "\tsigs.k8s.io/external-dns/controller/controller.go:212 +0xf8",
        "main.main()",
        "\tsigs.k8s.io/external-dns/main.go:434 +0x396f")})

# --- grafana-operator v4: nil pointer in the dashboard pipeline, observed by HandleCrash and re-raised.
_ns = "grafana-operator"
_img = "quay.io/grafana-operator/grafana-operator:v4.10.0"
_name = "grafana-operator-controller-manager-7f6d9c8b5-2lqwd"
_p = pod(_name, _ns, [container("manager", _img, **looping(_name, _ns, "manager", 2, 11)),
                      container("kube-rbac-proxy", "gcr.io/kubebuilder/kube-rbac-proxy:v0.8.0")])
scenario(
    "app-grafana-operator-dashboard-nil-panic", "application_crash",
    note="klog 'Observed a panic' in the GrafanaDashboard pipeline, re-panicked (exit 2); the rbac proxy sidecar is fine",
    source=[{"url": "https://github.com/grafana/grafana-operator/issues/938",
             "quote": 'Observed a panic: "invalid memory address or nil pointer dereference" (runtime error: invalid memory address or nil pointer dereference)'}],
    objects=[_p, *deployment_and_rs("grafana-operator-controller-manager", _ns, "7f6d9c8b5", _img), node()],
    events=crash_events(_p, "manager", _img, 11),
    logs={f"{_ns}/{_name}/manager:previous": log_text(
        '2026-11-20T08:13:55.101Z\tINFO\tcontroller-runtime.metrics\tMetrics server is starting to listen\t{"addr": "127.0.0.1:8080"}',
        '2026-11-20T08:13:55.302Z\tINFO\tcontroller.grafanadashboard\tStarting workers\t{"reconciler group": "integreatly.org", "reconciler kind": "GrafanaDashboard", "worker count": 1}',
        'E1120 08:13:56.939714       1 runtime.go:78] Observed a panic: "invalid memory address or nil pointer dereference" (runtime error: invalid memory address or nil pointer dereference)',
        "goroutine 584 [running]:",
        "k8s.io/apimachinery/pkg/util/runtime.logPanic({0x13a9fe0?, 0x214bcf0})",
        "        /go/pkg/mod/k8s.io/apimachinery@v0.20.2/pkg/util/runtime/runtime.go:74 +0x99",
        "k8s.io/apimachinery/pkg/util/runtime.HandleCrash({0x0, 0x0, 0xc000b32220?})",
        "        /go/pkg/mod/k8s.io/apimachinery@v0.20.2/pkg/util/runtime/runtime.go:48 +0x75",
        "panic({0x13a9fe0, 0x214bcf0})",
        "        /usr/local/go/src/runtime/panic.go:838 +0x207",
        "github.com/grafana-operator/grafana-operator/v4/controllers/grafanadashboard.(*DashboardPipelineImpl).shouldUseContentCache(0x51?)",
        "        /workspace/controllers/grafanadashboard/dashboard_pipeline.go:122 +0x1f",
        "github.com/grafana-operator/grafana-operator/v4/controllers/grafanadashboard.(*DashboardPipelineImpl).obtainJson(0xc001da38c0)",
        "        /workspace/controllers/grafanadashboard/dashboard_pipeline.go:140 +0x76",
        "panic: runtime error: invalid memory address or nil pointer dereference [recovered]")})

# --- Zalando postgres-operator 1.7.1: a role sync logs a password failure (non-fatal), then syncConnectionPooler
#     dereferences nil and the operator dies.
_ns = "postgres-operator"
_img = "registry.opensource.zalan.do/acid/postgres-operator:v1.7.1"
_name = "postgres-operator-5f7c9d8b6-kq4rn"
_p = pod(_name, _ns, [container("postgres-operator", _img, **looping(_name, _ns, "postgres-operator", 2, 5))])
_db = pod("harbor-db-0", "harbor", [container("postgres", "registry.opensource.zalan.do/acid/spilo-14:2.1-p3")],
          owner=("StatefulSet", "harbor-db"))
scenario(
    "app-zalando-operator-pooler-nil-panic", "application_crash", difficulty="hard",
    note="contradictory: a 'password authentication failed' line (the roles sync, logged and skipped) sits right before the panic, whose stack is in syncConnectionPooler, an operator bug fixed upstream; the database pod is healthy",
    source=[{"url": "https://github.com/zalando/postgres-operator/issues/1681",
             "quote": "github.com/zalando/postgres-operator/pkg/cluster.(*Cluster).syncConnectionPooler"},
            {"url": "https://github.com/zalando/postgres-operator/issues/1681",
             "quote": "could not sync roles: could not init db connection"}],
    objects=[_p, _db, *deployment_and_rs("postgres-operator", _ns, "5f7c9d8b6", _img), node()],
    events=crash_events(_p, "postgres-operator", _img, 5),
    logs={f"{_ns}/{_name}/postgres-operator:previous": log_text(
        'time="2026-11-20T08:13:51Z" level=info msg="started working in background" pkg=controller',
        'time="2026-11-20T08:13:51Z" level=info msg="listening on :8080" pkg=apiserver',
        'time="2026-11-20T08:13:54Z" level=info msg="UPDATE event has been queued" cluster-name=harbor/harbor-db pkg=controller worker=0',
        'time="2026-11-20T08:13:55Z" level=error msg="could not sync roles: could not init db connection: could not init db connection: pq: password authentication failed for user \\"postgres\\"" cluster-name=harbor/harbor-db pkg=cluster',
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x50 pc=0x1a4d62e]",
        "",
        "goroutine 171 [running]:",
        "github.com/zalando/postgres-operator/pkg/cluster.(*Cluster).syncConnectionPooler(0xc000c1e000, 0xc002c1a800, 0xc002c1b400, 0xc002127630, 0xc002127501, 0x1, 0x1, 0xc000681000, 0x0)",
        "\t/workspace/pkg/cluster/connection_pooler.go:715 +0xd6e",
        "github.com/zalando/postgres-operator/pkg/cluster.(*Cluster).Update(0xc000c1e000, 0xc002c1a800, 0xc002c1b400, 0x0, 0x0)",
        "\t/workspace/pkg/cluster/cluster.go:853 +0x7da",
        "github.com/zalando/postgres-operator/pkg/controller.(*Controller).processEvent(0xc000966000, 0xc05ab8d65b181b2e, 0x907c75befb, 0x30e4920, 0xc001306990, 0x24, 0x1fdea56, 0x6, 0xc002c1a800, 0xc002c1b400, ...)",
        "\t/workspace/pkg/controller/postgresql.go:255 +0x1405")})

# --- Keycloak 20 upgrade: the MigrateTo20_0_0 migrator throws a NullPointerException (a realm lacks account-console).
_ns = "iam"
_img = "quay.io/keycloak/keycloak:20.0.1"
_p = pod("keycloak-0", _ns, [container("keycloak", _img, args=["start", "--optimized"],
                                       **looping("keycloak-0", _ns, "keycloak", 1, 6))],
         owner=("StatefulSet", "keycloak"))
scenario(
    "app-keycloak-migration-npe", "application_crash",
    note="Quarkus Keycloak: 'Failed to start server' with a NullPointerException from the 20.0.0 model migrator (Java stack, exit 1)",
    source=[{"url": "https://github.com/keycloak/keycloak/issues/16074",
             "quote": "org.keycloak.migration.migrators.MigrateTo20_0_0.addViewGroupsRole(MigrateTo20_0_0.java:33)"}],
    objects=[_p, _sts("keycloak", _ns, _img), node()],
    events=crash_events(_p, "keycloak", _img, 6),
    logs={f"{_ns}/keycloak-0/keycloak:previous": log_text(
        "2026-11-20 08:13:20,412 INFO  [org.keycloak.quarkus.runtime.hostname.DefaultHostnameProvider] (main) Hostname settings: Base URL: <unset>, Hostname: sso.example.org, Strict HTTPS: true, Path: <request>, Strict BackChannel: false, Admin URL: <unset>, Admin: <request>, Port: -1, Proxied: true",
        "2026-11-20 08:13:31,927 INFO  [org.keycloak.connections.jpa.DefaultJpaConnectionProviderFactory] (main) Database info: {databaseUrl=jdbc:postgresql://keycloak-db:5432/keycloak, databaseUser=keycloak, databaseProduct=PostgreSQL 14.5, databaseDriver=PostgreSQL JDBC Driver 42.5.0}",
        "2026-11-20 08:13:33,004 INFO  [org.keycloak.migration.MigrationModelManager] (main) Migrating older model to 20.0.0",
        "2026-11-20 08:13:35,076 INFO  [org.infinispan.CLUSTER] (main) ISPN000080: Disconnecting JGroups channel `ISPN`",
        "2026-11-20 08:13:35,134 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Failed to start server in (production) mode",
        "2026-11-20 08:13:35,134 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) Error details:: java.lang.NullPointerException",
        "\tat org.keycloak.migration.migrators.MigrateTo20_0_0.addViewGroupsRole(MigrateTo20_0_0.java:33)",
        "\tat java.base/java.util.stream.ForEachOps$ForEachOp$OfRef.accept(ForEachOps.java:183)",
        "\tat java.base/java.util.stream.ReferencePipeline$3$1.accept(ReferencePipeline.java:195)",
        "\tat java.base/java.util.stream.ReferencePipeline$3$1.accept(ReferencePipeline.java:195)",
        "\tat java.base/java.util.stream.ReferencePipeline$2$1.accept(ReferencePipeline.java:177)",
        "\tat java.base/java.util.stream.ReferencePipeline$3$1.accept(ReferencePipeline.java:195)")})

# --- Airflow 2.0 scheduler: a KeyError in _process_executor_events is logged, the loop exits cleanly (exit 0),
#     and the Deployment restarts it into a crash loop.
_ns = "airflow"
_img = "apache/airflow:2.0.0-python3.8"
_name = "airflow-scheduler-6d5f7b8c9-wm7tz"
_p = pod(_name, _ns, [container("scheduler", _img, args=["scheduler"],
                                **looping(_name, _ns, "scheduler", 0, 8, reason="Completed"))])
_web = pod("airflow-webserver-7c8d9f6b5-jz2kp", _ns, [container("webserver", _img, args=["webserver"])])
_sp = "/home/airflow/.local/lib/python3.8/site-packages/airflow"
scenario(
    "app-airflow-scheduler-keyerror-exit0", "application_crash", difficulty="hard",
    note="exit code 0 (Completed) in a crash loop: the scheduler logs a KeyError traceback at ERROR, leaves its loop cleanly and exits",
    source=[{"url": "https://github.com/apache/airflow/issues/9689", "quote": "state, info = event_buffer.pop(key)"},
            {"url": "https://github.com/apache/airflow/issues/9689", "quote": "ERROR - Exception when executing execute_helper"}],
    objects=[_p, _web, *deployment_and_rs("airflow-scheduler", _ns, "6d5f7b8c9", _img),
             *deployment_and_rs("airflow-webserver", _ns, "7c8d9f6b5", _img, ready=1), node()],
    events=crash_events(_p, "scheduler", _img, 8),
    logs={f"{_ns}/{_name}/scheduler:previous": log_text(
        "[2026-11-20 08:12:01,311] {scheduler_job.py:1241} INFO - Starting the scheduler",
        "[2026-11-20 08:12:01,312] {scheduler_job.py:1246} INFO - Processing each file at most -1 times",
        "[2026-11-20 08:12:01,590] {dag_processing.py:250} INFO - Launched DagFileProcessorManager with pid: 41",
        "[2026-11-20 08:12:08,727] {scheduler_job.py:1588} ERROR - Exception when executing execute_helper",
        "Traceback (most recent call last):",
        f'  File "{_sp}/jobs/scheduler_job.py", line 1569, in _execute',
        "    self._run_scheduler_loop()",
        f'  File "{_sp}/jobs/scheduler_job.py", line 1642, in _run_scheduler_loop',
        "    if not self._validate_and_run_task_instances(simple_dag_bag=simple_dag_bag):",
        f'  File "{_sp}/jobs/scheduler_job.py", line 1679, in _validate_and_run_task_instances',
        "    self._process_executor_events(simple_dag_bag)",
        f'  File "{_sp}/utils/session.py", line 61, in wrapper',
        "    return func(*args, **kwargs)",
        f'  File "{_sp}/jobs/scheduler_job.py", line 1514, in _process_executor_events',
        "    state, info = event_buffer.pop(key)",
        "KeyError: ('example_bash_operator', 'also_run_this', datetime.datetime(2020, 7, 4, 0, 0, tzinfo=Timezone('UTC')), 2)",
        "[2026-11-20 08:12:09,881] {process_utils.py:95} INFO - Sending Signals.SIGTERM to GPID 41",
        "[2026-11-20 08:12:10,012] {scheduler_job.py:1591} INFO - Exited execute loop")})

# --- MinIO: one server of four dies with SIGSEGV (exit 139); logs cannot be read, the termination message keeps
#     the shell's last words.
_ns = "minio"
_img = "quay.io/minio/minio:RELEASE.2023-03-09T23-16-13Z"
_cmd = ["/bin/sh", "-ec", "ulimit -n 65536; minio server --console-address :9001 http://minio-{0...3}.minio.minio.svc.cluster.local/data"]
_bad = pod("minio-2", _ns, [container("minio", _img, command=_cmd, terminationMessagePolicy="FallbackToLogsOnError",
                                      **looping("minio-2", _ns, "minio", 139, 12,
                                              message="Segmentation fault (core dumped)\n"))],
           owner=("StatefulSet", "minio"))
_good = [pod(f"minio-{i}", _ns, [container("minio", _img, command=_cmd)], owner=("StatefulSet", "minio"))
         for i in (0, 1, 3)]
scenario(
    "app-minio-segfault-nologs", "application_crash", difficulty="hard",
    note="bare exit 139 with logs unavailable; only the termination message says 'Segmentation fault'; three sibling servers are healthy",
    source=[{"url": "https://github.com/minio/minio/issues/16796", "quote": "Segmentation fault (core dumped)"}],
    objects=[_bad, *_good, _sts("minio", _ns, _img, replicas=4, ready=3), node()],
    events=crash_events(_bad, "minio", _img, 12),
    logs={}, unavailable=["logs"])

# --- NGINX Inc's ingress controller 5.4.1: an Ingress carrying an ingressMTLS policy annotation makes every
#     controller replica panic.
_ns = "nginx-ingress"
_img = "nginx/nginx-ingress:5.4.1"
_ctl_pods: list[dict[str, Any]] = []
_ev: list[dict[str, Any]] = []
_logs: dict[str, str] = {}
for _sfx in ("k8x2v", "r9q4t"):
    _name = f"nginx-ingress-controller-6c9b8d7f5-{_sfx}"
    _p = pod(_name, _ns, [container("nginx-ingress", _img, args=["-nginx-configmaps=$(POD_NAMESPACE)/nginx-config", "-ingress-class=f5-nginx-oss"],
                                    **looping(_name, _ns, "nginx-ingress", 2, 14))])
    _ctl_pods.append(_p)
    _ev += crash_events(_p, "nginx-ingress", _img, 14)
    _logs[f"{_ns}/{_name}/nginx-ingress:previous"] = log_text(
        "NGINX Ingress Controller Version=5.4.1 Commit=5a4d1b0e PlusFlag=false",
        'I1120 08:13:40.101224       1 main.go:307] "Kubernetes version" version="1.33.4"',
        'I1120 08:13:40.311982       1 main.go:448] "Kubernetes API Server version" version="v1.33.4"',
        '2026/11/20 08:13:40 [notice] 14#14: using the "epoll" event method',
        'E1120 08:13:43.583564       1 panic.go:336] "Observed a panic" panic="runtime error: invalid memory address or nil pointer dereference" panicGoValue="\\"invalid memory address or nil pointer dereference\\"" stacktrace=<',
        "\tgoroutine 902587 [running]:",
        "\tk8s.io/apimachinery/pkg/util/runtime.logPanic({0x2b4c8e0, 0x40f9a20}, {0x21f6a40, 0x40b1e60})",
        "\t\tk8s.io/apimachinery@v0.33.0/pkg/util/runtime/runtime.go:132 +0xbc",
        " >",
        "panic: runtime error: invalid memory address or nil pointer dereference [recovered]")
_ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": meta("emp-id-api", "emp-id", annotations={"nginx.org/policies": "emp-id-api-mtls-policy"}),
        "spec": {"ingressClassName": "f5-nginx-oss",
                 "rules": [{"host": "emp-id.example.com", "http": {"paths": [
                     {"path": "/", "pathType": "Prefix",
                      "backend": {"service": {"name": "emp-id-app", "port": {"number": 80}}}}]}}]}}
scenario(
    "app-nginx-inc-ingress-policy-panic", "application_crash",
    note="both controller replicas panic on one tenant's Ingress (an ingressMTLS policy on an Ingress): a controller bug, not rejected input",
    source=[{"url": "https://github.com/nginx/kubernetes-ingress/issues/9789",
             "quote": '"Observed a panic" panic="runtime error: invalid memory address or nil pointer dereference"'}],
    objects=[*_ctl_pods, *deployment_and_rs("nginx-ingress-controller", _ns, "6c9b8d7f5", _img, replicas=2), _ing, node()],
    events=_ev, logs=_logs)

# --- external-dns with Route 53: index out of range while building UPSERT changes.
_ns = "dns"
_img = "registry.k8s.io/external-dns/external-dns:v0.18.0"
_name = "external-dns-public-6f4c8d9b7-vz5pl"
_p = pod(_name, _ns, [container("external-dns", _img, args=["--source=ingress", "--provider=aws", "--txt-owner-id=public", "--log-level=debug"],
                                **looping(_name, _ns, "external-dns", 2, 4))])
scenario(
    "app-externaldns-route53-index-panic", "application_crash",
    note="debug noise ('owner id does not match') then an index-out-of-range panic in the AWS provider (exit 2)",
    source=[{"url": "https://github.com/kubernetes-sigs/external-dns/issues/5634",
             "quote": "panic: runtime error: index out of range [3] with length 3"},
            {"url": "https://github.com/kubernetes-sigs/external-dns/issues/5634",
             "quote": "sigs.k8s.io/external-dns/provider/aws.(*AWSProvider).createUpdateChanges"}],
    objects=[_p, *deployment_and_rs("external-dns-public", _ns, "6f4c8d9b7", _img), node()],
    events=crash_events(_p, "external-dns", _img, 4),
    logs={f"{_ns}/{_name}/external-dns:previous": log_text(
        'time="2026-11-20T08:14:06Z" level=debug msg="Skipping endpoint shop.example.com 300 IN AAAA  d1x2y3.cloudfront.net [{aws/evaluate-target-health true} {alias true}] because owner id does not match, found: \\"\\", required: \\"public\\""',
        'time="2026-11-20T08:14:06Z" level=debug msg="Skipping endpoint www.example.com 0 IN AAAA  d1x2y3.cloudfront.net [{alias true} {aws/evaluate-target-health true}] because owner id does not match, found: \\"\\", required: \\"public\\""',
        'time="2026-11-20T08:14:06Z" level=debug msg="Refreshing zones list cache"',
        'time="2026-11-20T08:14:06Z" level=debug msg="Considering zone: /hostedzone/Z0984294TRL0R8AT3SQA (domain: example.com.)"',
        "panic: runtime error: index out of range [3] with length 3",
        "",
        "goroutine 1 [running]:",
        "sigs.k8s.io/external-dns/provider/aws.(*AWSProvider).createUpdateChanges(0xc00096fbc0, {0xc000497680, 0x5, 0xd?}, {0xc0009b9698, 0x3, 0x40?})",
        "sigs.k8s.io/external-dns/provider/aws/aws.go:603 +0x5bc",
        "sigs.k8s.io/external-dns/provider/aws.(*AWSProvider).ApplyChanges(0xc00096fbc0, {0x46723a0, 0xc000996750}, 0xc0004f3200)",
        "sigs.k8s.io/external-dns/provider/aws/aws.go:642 +0xc5")})


# =================================================================================================================
# config_error
# =================================================================================================================

# --- Loki 3.3.2: a key the version does not know.
_ns = "logging"
_img = "grafana/loki:3.3.2"
_p = pod("loki-0", _ns, [container("loki", _img, args=["-config.file=/etc/loki/config/config.yaml", "-target=all"],
                                   **looping("loki-0", _ns, "loki", 1, 8))], owner=("StatefulSet", "loki"))
_cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("loki", _ns),
       "data": {"config.yaml": "auth_enabled: false\nserver:\n  http_listen_port: 3100\npattern_ingester:\n  enabled: true\n  metric_aggregation:\n    enabled: true\n    loki_address: localhost:3100\n"}}
scenario(
    "app-loki-unknown-config-field", "config_error",
    note="Loki refuses a config key its version does not have ('field enabled not found in type aggregation.Config'), exit 1",
    source=[{"url": "https://github.com/grafana/loki/issues/16141",
             "quote": "line 44: field enabled not found in type aggregation.Config"}],
    objects=[_p, _cm, _sts("loki", _ns, _img), node()],
    events=crash_events(_p, "loki", _img, 8),
    logs={f"{_ns}/loki-0/loki:previous": log_text(
        "failed parsing config: /etc/loki/config/config.yaml: yaml: unmarshal errors:",
        "  line 44: field enabled not found in type aggregation.Config. Use `-config.expand-env=true` flag if you want to expand environment variables in your config file")})

# --- Alertmanager (prometheus-operator chart): SMTP keys put at the wrong level of the config.
_ns = "monitoring"
_img = "quay.io/prometheus/alertmanager:v0.16.2"
_name = "alertmanager-prometheus-operator-alertmanager-0"
_p = pod(_name, _ns, [container("alertmanager", _img, args=["--config.file=/etc/alertmanager/config/alertmanager.yaml", "--storage.path=/alertmanager"],
                                **looping(_name, _ns, "alertmanager", 1, 9)),
                      container("config-reloader", "quay.io/coreos/configmap-reload:v0.0.1")],
         owner=("StatefulSet", "alertmanager-prometheus-operator-alertmanager"))
scenario(
    "app-alertmanager-unknown-smtp-fields", "config_error",
    note="yaml unmarshal errors: smarthost/auth_* keys at the wrong level of alertmanager.yaml; the reloader sidecar runs",
    source=[{"url": "https://github.com/helm/charts/issues/13109",
             "quote": "field auth_identity not found in type config.plain"}],
    objects=[_p, _sts("alertmanager-prometheus-operator-alertmanager", _ns, _img), node()],
    events=crash_events(_p, "alertmanager", _img, 9),
    logs={f"{_ns}/{_name}/alertmanager:previous": log_text(
        'level=info ts=2026-11-20T08:13:02.114Z caller=main.go:177 msg="Starting Alertmanager" version="(version=0.16.2, branch=HEAD, revision=308b7620642dc147794e6686a3f94d1b6fc8ef4d)"',
        'level=info ts=2026-11-20T08:13:02.114Z caller=main.go:178 build_context="(go=go1.11.6, user=root@1e6f3fb2bd8b, date=20190408-14:25:58)"',
        'level=info ts=2026-11-20T08:13:02.117Z caller=coordinator.go:119 component=configuration msg="Loading configuration file" file=/etc/alertmanager/config/alertmanager.yaml',
        r'level=error ts=2026-11-20T08:13:02.117Z caller=coordinator.go:124 component=configuration msg="Loading configuration file failed" file=/etc/alertmanager/config/alertmanager.yaml err="yaml: unmarshal errors:\n line 2: field auth_identity not found in type config.plain\n line 3: field auth_password not found in type config.plain\n line 4: field auth_username not found in type config.plain\n line 6: field send_resolved not found in type config.plain\n line 8: field smarthost not found in type config.plain"'),
        f"{_ns}/{_name}/config-reloader": log_text("2026/11/20 07:58:12 Watching directory: \"/etc/alertmanager/config\"")})

# --- Traefik v2.0: a v1 flag (--providers.kubernetescrd.trace) in the Deployment args.
_ns = "traefik"
_img = "traefik:v2.0"
_name = "traefik-7d4b9c6f58-p6wqz"
_args = ["--api.insecure", "--accesslog", "--entrypoints.web.Address=:8000", "--entrypoints.websecure.Address=:4443",
         "--providers.kubernetescrd", "--providers.kubernetescrd.trace", "--certificatesresolvers.default.acme.tlschallenge"]
_p = pod(_name, _ns, [container("traefik", _img, args=_args, **looping(_name, _ns, "traefik", 1, 6))])
scenario(
    "app-traefik-unknown-flag", "config_error",
    note="Traefik exits on a flag its version does not define (field not found, node: trace)",
    source=[{"url": "https://github.com/traefik/traefik/issues/5094",
             "quote": "command traefik error: failed to decode configuration from flags: field not found, node: trace"}],
    objects=[_p, *deployment_and_rs("traefik", _ns, "7d4b9c6f58", _img), node()],
    events=crash_events(_p, "traefik", _img, 6),
    logs={f"{_ns}/{_name}/traefik:previous": log_text(
        "2026/11/20 08:13:44 command traefik error: failed to decode configuration from flags: field not found, node: trace")})

# --- Jenkins (helm chart): JCasC configures a 'kubernetes' cloud but the plugin is not installed; Jenkins boots into
#     a failure page, the startup probe kills it, and the config-reload sidecar logs connection refused.
_ns = "jenkins"
_img = "jenkins/jenkins:2.346.1-jdk11"
_side = "kiwigrid/k8s-sidecar:1.15.0"
_jenk = container("jenkins", _img, restarts=3, ready=False, last=terminated(143, "Error"),
                  startupProbe={"httpGet": {"path": "/login", "port": 8080}, "periodSeconds": 10, "failureThreshold": 12})
_p = pod("jenkins-0", _ns, [_jenk, container("config-reload", _side)],
         init=[container("init", _img, state=terminated(0, "Completed"))], owner=("StatefulSet", "jenkins"))
_boot = log_text(
    "Running from: /usr/share/jenkins/jenkins.war",
    'webroot: EnvVars.masterEnvVars.get("JENKINS_HOME")',
    "2026-11-20 08:12:21.745+0000 [id=27]\tINFO\tjenkins.InitReactorRunner$1#onAttained: Prepared all plugins",
    "2026-11-20 08:12:21.847+0000 [id=27]\tINFO\tjenkins.InitReactorRunner$1#onAttained: Started all plugins",
    "2026-11-20 08:12:28.783+0000 [id=27]\tINFO\tjenkins.InitReactorRunner$1#onAttained: Augmented all extensions",
    "2026-11-20 08:12:28.936+0000 [id=26]\tINFO\tjenkins.InitReactorRunner$1#onAttained: System config loaded",
    "2026-11-20 08:12:30.537+0000 [id=22]\tSEVERE\thudson.util.BootFailure#publish: Failed to initialize Jenkins",
    "java.lang.IllegalArgumentException: No hudson.slaves.Cloud implementation found for kubernetes",
    "\tat io.jenkins.plugins.casc.impl.configurators.HeteroDescribableConfigurator.lambda$lookupDescriptor$11(HeteroDescribableConfigurator.java:211)",
    "\tat io.vavr.control.Option.orElse(Option.java:321)",
    "\tat io.jenkins.plugins.casc.impl.configurators.HeteroDescribableConfigurator.lookupDescriptor(HeteroDescribableConfigurator.java:210)",
    "\tat io.jenkins.plugins.casc.impl.configurators.HeteroDescribableConfigurator.lambda$configure$3(HeteroDescribableConfigurator.java:84)",
    "\tat hudson.init.TaskMethodFinder$TaskImpl.run(TaskMethodFinder.java:185)",
    "\tat org.jvnet.hudson.reactor.Reactor.runTask(Reactor.java:305)",
    "\tat jenkins.model.Jenkins$5.runTask(Jenkins.java:1156)",
    "\tat java.base/java.lang.Thread.run(Thread.java:829)")
scenario(
    "app-jenkins-casc-missing-cloud-plugin", "config_error", difficulty="hard",
    note="decoys: a startup probe failing and the config-reload sidecar's 'Connection refused'; the cause is JCasC naming a kubernetes cloud whose plugin is not installed",
    source=[{"url": "https://github.com/jenkinsci/helm-charts/issues/563",
             "quote": "No hudson.slaves.Cloud implementation found for kubernetes"},
            {"url": "https://github.com/jenkinsci/helm-charts/issues/734",
             "quote": "Failed to establish a new connection: [Errno 111] Connection refused"}],
    objects=[_p, _sts("jenkins", _ns, _img), node()],
    events=[event(_p, "Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 500", count=36),
            event(_p, "Killing", "Container jenkins failed startup probe, will be restarted", type_="Normal", count=3),
            event(_p, "Started", "Started container jenkins", type_="Normal", count=4)],
    logs={f"{_ns}/jenkins-0/jenkins": _boot, f"{_ns}/jenkins-0/jenkins:previous": _boot,
          f"{_ns}/jenkins-0/config-reload": log_text(
              '{"time": "2026-11-20T08:12:06.569436+00:00", "level": "INFO", "msg": "Starting collector"}',
              '{"time": "2026-11-20T08:12:06.571179+00:00", "level": "INFO", "msg": "Config for cluster api at \'https://10.96.0.1:443\' loaded..."}',
              '{"time": "2026-11-20T08:12:11.731542+00:00", "level": "WARNING", "msg": "Retrying (Retry(total=4, connect=9, read=5, redirect=None, status=None)) after connection broken by \'NewConnectionError(\'<urllib3.connection.HTTPConnection object at 0x7fcced334250>: Failed to establish a new connection: [Errno 111] Connection refused\')\': /reload-configuration-as-code/?casc-reload-token=jenkins-0"}')})

# --- Prometheus 2.0: a 1.x-style alertmanager block (static_config) in prometheus.yml.
_ns = "metrics"
_img = "quay.io/prometheus/prometheus:v2.0.0"
_name = "prometheus-server-6b7f9c4d8-vw2kx"
_p = pod(_name, _ns, [container("prometheus-server", _img, args=["--config.file=/etc/config/prometheus.yml", "--storage.tsdb.path=/data"],
                                **looping(_name, _ns, "prometheus-server", 1, 7)),
                      container("prometheus-server-configmap-reload", "jimmidyson/configmap-reload:v0.1")])
scenario(
    "app-prometheus-unknown-alertmanager-field", "config_error",
    note="Prometheus 2.0 rejects 'static_config' in the alerting block and exits 1; the reload sidecar keeps running",
    source=[{"url": "https://github.com/prometheus/prometheus/issues/3414",
             "quote": "unknown fields in alertmanager config: static_config"}],
    objects=[_p, *deployment_and_rs("prometheus-server", _ns, "6b7f9c4d8", _img), node()],
    events=crash_events(_p, "prometheus-server", _img, 7),
    logs={f"{_ns}/{_name}/prometheus-server:previous": log_text(
        'level=info ts=2026-11-20T08:13:40.281802915Z caller=main.go:215 msg="Starting Prometheus" version="(version=2.0.0, branch=HEAD, revision=0a74f98628a0463dddc90528220c94de5032d1a0)"',
        'level=info ts=2026-11-20T08:13:40.284090913Z caller=web.go:380 component=web msg="Start listening for connections" address=0.0.0.0:9090',
        'level=info ts=2026-11-20T08:13:40.284091223Z caller=main.go:314 msg="Starting TSDB"',
        'level=info ts=2026-11-20T08:13:40.29104953Z caller=main.go:326 msg="TSDB started"',
        'level=error ts=2026-11-20T08:13:40.298082844Z caller=main.go:356 msg="Error loading config" err="couldn\'t load configuration (--config.file=/etc/config/prometheus.yml): unknown fields in alertmanager config: static_config"')})


# =================================================================================================================
# permission_denied
# =================================================================================================================

# --- external-dns with the CRD source: its ClusterRole lacks dnsendpoints; the pod runs and logs it every 5 s.
_ns = "extdns-system"
_img = "registry.opensource.zalan.do/teapot/external-dns:v0.5.14"
_name = "extdns-external-dns-7c9f8d6b5-l2kqp"
_p = pod(_name, _ns, [container("external-dns", _img, args=["--source=service", "--source=ingress", "--source=crd",
                                                             "--provider=rfc2136", "--interval=5s"])],
         serviceAccountName="extdns-external-dns")
_cr = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta("extdns-external-dns"),
       "rules": [{"apiGroups": [""], "resources": ["services", "endpoints", "pods", "nodes"], "verbs": ["get", "list", "watch"]},
                 {"apiGroups": ["extensions", "networking.k8s.io"], "resources": ["ingresses"], "verbs": ["get", "list", "watch"]}]}
_err = r'level=error msg="dnsendpoints.externaldns.k8s.io is forbidden: User \"system:serviceaccount:extdns-system:extdns-external-dns\" cannot list resource \"dnsendpoints\" in API group \"externaldns.k8s.io\" at the cluster scope"'
scenario(
    "app-externaldns-crd-source-forbidden", "permission_denied", difficulty="hard",
    note="no crash, no event: the pod is Running and Ready, and only its log says RBAC refuses the dnsendpoints list",
    source=[{"url": "https://github.com/kubernetes-sigs/external-dns/issues/1076",
             "quote": r'dnsendpoints.externaldns.k8s.io is forbidden: User \"system:serviceaccount:extdns-system:extdns-external-dns\" cannot list resource \"dnsendpoints\"'}],
    objects=[_p, _cr, *deployment_and_rs("extdns-external-dns", _ns, "7c9f8d6b5", _img, ready=1), node()],
    logs={f"{_ns}/{_name}/external-dns": log_text(
        'time="2026-11-20T08:13:41Z" level=info msg="Instantiating new Kubernetes client"',
        'time="2026-11-20T08:13:41Z" level=info msg="Using inCluster-config based on serviceaccount-token"',
        'time="2026-11-20T08:13:41Z" level=info msg="Created Kubernetes client https://10.96.0.1:443"',
        f'time="2026-11-20T08:13:51Z" {_err}', f'time="2026-11-20T08:13:56Z" {_err}',
        f'time="2026-11-20T08:14:01Z" {_err}', f'time="2026-11-20T08:14:06Z" {_err}')})

# --- Strimzi cluster operator: RoleBindings left in the install namespace; the watched namespace refuses it.
_ns = "kafka"
_img = "quay.io/strimzi/operator:0.27.1"
_name = "strimzi-cluster-operator-7d96cbff57-5xkbd"
_p = pod(_name, _ns, [container("strimzi-cluster-operator", _img, args=["/opt/strimzi/bin/cluster_operator_run.sh"],
                                env=[{"name": "STRIMZI_NAMESPACE", "value": "my-kafka-project"}],
                                **looping(_name, _ns, "strimzi-cluster-operator", 1, 6))],
         serviceAccountName="strimzi-cluster-operator")
scenario(
    "app-strimzi-operator-kafkas-forbidden", "permission_denied", difficulty="hard",
    note="the ERROR line is generic ('verticle ... failed to start'); the 403 for listing kafkas in the watched namespace is inside the exception",
    source=[{"url": "https://github.com/strimzi/strimzi-kafka-operator/issues/6307",
             "quote": 'kafkas.kafka.strimzi.io is forbidden: User "system:serviceaccount:kafka:strimzi-cluster-operator" cannot list resource "kafkas" in API group "kafka.strimzi.io" in the namespace "my-kafka-project"'}],
    objects=[_p, *deployment_and_rs("strimzi-cluster-operator", _ns, "7d96cbff57", _img), node()],
    events=crash_events(_p, "strimzi-cluster-operator", _img, 6),
    logs={f"{_ns}/{_name}/strimzi-cluster-operator:previous": log_text(
        "2026-11-20 08:13:21 INFO  Main:60 - ClusterOperator 0.27.1 is starting",
        "2026-11-20 08:13:23 INFO  Main:109 - Environment facts gathered: ClusterOperatorConfig(KubernetesVersion=1.31, OpenShiftRoutes=false)",
        "2026-11-20 08:13:24 INFO  ClusterOperator:85 - Creating ClusterOperator for namespace my-kafka-project",
        "2026-11-20 08:13:25 ERROR Main:154 - Cluster Operator verticle in namespace my-kafka-project failed to start",
        'io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: GET at: https://10.43.0.1/apis/kafka.strimzi.io/v1beta2/namespaces/my-kafka-project/kafkas. Message: Forbidden!Configured service account doesn\'t have access. Service account may have been revoked. kafkas.kafka.strimzi.io is forbidden: User "system:serviceaccount:kafka:strimzi-cluster-operator" cannot list resource "kafkas" in API group "kafka.strimzi.io" in the namespace "my-kafka-project".',
        "\tat io.fabric8.kubernetes.client.dsl.base.OperationSupport.requestFailure(OperationSupport.java:639)",
        "\tat io.fabric8.kubernetes.client.dsl.base.OperationSupport.assertResponseCode(OperationSupport.java:576)",
        "\tat io.fabric8.kubernetes.client.dsl.base.OperationSupport.handleResponse(OperationSupport.java:543)",
        "\tat io.fabric8.kubernetes.client.dsl.base.BaseOperation.listRequestHelper(BaseOperation.java:151)",
        "\tat io.strimzi.operator.common.operator.resource.AbstractWatchableResourceOperator.watch(AbstractWatchableResourceOperator.java:63)",
        "\tat io.strimzi.operator.cluster.ClusterOperator.start(ClusterOperator.java:98)")})

# --- Grafana: the persistent volume's directory is not writable by uid 472.
_ns = "grafana"
_img = "grafana/grafana:7.1.1"
_name = "grafana-6d8f7c9b54-rk2mx"
_p = pod(_name, _ns, [container("grafana", _img, **looping(_name, _ns, "grafana", 1, 5))],
         volumes=[{"name": "storage", "persistentVolumeClaim": {"claimName": "grafana"}}],
         securityContext={"runAsUser": 472, "runAsGroup": 472})
scenario(
    "app-grafana-data-dir-not-writable", "permission_denied",
    note="the Grafana image's entrypoint checks its data directory and exits 1: the volume is owned by another uid",
    source=[{"url": "https://github.com/grafana/grafana/issues/26675",
             "quote": "mkdir: can't create directory '/var/lib/grafana/plugins': Permission denied"}],
    objects=[_p, *deployment_and_rs("grafana", _ns, "6d8f7c9b54", _img),
             {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("grafana", _ns),
              "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
                       "storageClassName": "nfs-client", "volumeName": "pvc-5b1e2c3d"},
              "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"]}},
             node()],
    events=crash_events(_p, "grafana", _img, 5),
    logs={f"{_ns}/{_name}/grafana:previous": log_text(
        "mkdir: can't create directory '/var/lib/grafana/plugins': Permission denied",
        "GF_PATHS_DATA='/var/lib/grafana' is not writable.",
        "You may have issues with file permissions, more information here: http://docs.grafana.org/installation/docker/#migration-from-a-previous-version-of-the-docker-container-to-5-1-or-later")})

# --- Vault with GCP KMS auto-unseal: the node's service account may not use the key.
_ns = "vault"
_img = "hashicorp/vault:1.2.3"
_p = pod("vault-0", _ns, [container("vault", _img, args=["server", "-config=/vault/config/extraconfig-from-values.hcl"],
                                    env=[{"name": "GOOGLE_REGION", "value": "us-east1"},
                                         {"name": "GOOGLE_PROJECT", "value": "my-project"}],
                                    **looping("vault-0", _ns, "vault", 1, 7))], owner=("StatefulSet", "vault"))
scenario(
    "app-vault-gcpckms-seal-permission", "permission_denied", difficulty="hard",
    note="the line starts 'Error parsing Seal configuration', which reads as a config error; the cause is a Cloud KMS IAM refusal",
    source=[{"url": "https://github.com/hashicorp/vault-helm/issues/77",
             "quote": "rpc error: code = PermissionDenied desc = Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied for resource"}],
    objects=[_p, _sts("vault", _ns, _img), node()],
    events=crash_events(_p, "vault", _img, 7),
    logs={f"{_ns}/vault-0/vault:previous": log_text(
        "Error parsing Seal configuration: failed to encrypt with GCP CKMS - ensure the key exists and the service account has at least roles/cloudkms.cryptoKeyEncrypterDecrypter permission: rpc error: code = PermissionDenied desc = Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied for resource 'projects/my-project/locations/us-east1/keyRings/vault-helm-unseal-kr-1/cryptoKeys/vault-key'.")})

# --- cert-manager DNS-01 with Route 53: the IRSA role may not change record sets; challenges re-queue forever.
_ns = "cert-manager"
_img = "quay.io/jetstack/cert-manager-controller:v1.7.1"
_name = "cert-manager-7d8f5c6b9c-w8dzr"
_p = pod(_name, _ns, [container("cert-manager-controller", _img)], serviceAccountName="cert-manager")
_deny = ('failed to change Route 53 record set: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/cert-manager.k8s.test.us-east-1/1647294759484156602 '
         "is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z0984294TRL0R8AT3SQA "
         "because no identity-based policy allows the route53:ChangeResourceRecordSets action")
_chal = {"apiVersion": "acme.cert-manager.io/v1", "kind": "Challenge", "metadata": meta("shop-tls-9q9pv-1595503603-3894136473", "shop"),
         "spec": {"type": "DNS-01", "dnsName": "shop.example.com", "solver": {"dns01": {"route53": {"region": "us-east-1"}}}},
         "status": {"presented": False, "processing": True, "reason": _deny, "state": "pending"}}
scenario(
    "app-certmanager-route53-access-denied", "permission_denied", difficulty="hard",
    note="cert-manager runs fine; certificates never issue because the AWS role is refused route53:ChangeResourceRecordSets (in the log and the Challenge status)",
    source=[{"url": "https://github.com/cert-manager/cert-manager/issues/4061",
             "quote": "is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/"}],
    objects=[_p, _chal, *deployment_and_rs("cert-manager", _ns, "7d8f5c6b9c", _img, ready=1), node()],
    logs={f"{_ns}/{_name}/cert-manager-controller": log_text(
        'I1120 08:14:39.611204       1 dns.go:88] cert-manager/challenges/Present "msg"="presenting DNS01 challenge for domain" "dnsName"="shop.example.com" "domain"="shop.example.com" "resource_kind"="Challenge" "resource_name"="shop-tls-9q9pv-1595503603-3894136473" "resource_namespace"="shop" "type"="DNS-01"',
        f'E1120 08:14:39.738514       1 controller.go:163] cert-manager/challenges "msg"="re-queuing item due to error processing" "error"="{_deny}" "key"="shop/shop-tls-9q9pv-1595503603-3894136473"',
        f'E1120 08:14:39.786142       1 controller.go:163] cert-manager/challenges "msg"="re-queuing item due to error processing" "error"="{_deny}" "key"="shop/shop-tls-9q9pv-1595503603-2701034934"')})


# =================================================================================================================
# dependency_unreachable
# =================================================================================================================

# --- Harbor core: the database Service times out although the database pod is Running and Ready.
_ns = "harbor"
_img = "goharbor/harbor-core:v2.2.1"
_name = "harbor-harbor-core-6d9b8f7c5d-qz8kw"
_p = pod(_name, _ns, [container("core", _img, **looping(_name, _ns, "core", 1, 9))])
_dbp = pod("harbor-harbor-database-0", _ns, [container("database", "goharbor/harbor-db:v2.2.1")],
           owner=("StatefulSet", "harbor-harbor-database"))
_svc = service("harbor-harbor-database", _ns, selector={"app": "harbor-harbor-database"}, port=5432, target_port=5432)
_svc["spec"]["clusterIP"] = "10.233.39.128"
_retry = "[ERROR] [/common/utils/utils.go:108]: failed to connect to tcp://harbor-harbor-database:5432, retry after 2 seconds :dial tcp 10.233.39.128:5432: i/o timeout"
scenario(
    "app-harbor-core-database-timeout", "dependency_unreachable", difficulty="hard",
    note="the database pod beside it is Running and Ready, yet every connection from core times out (exit 1 after the retries)",
    source=[{"url": "https://github.com/goharbor/harbor-helm/issues/944",
             "quote": "failed to connect to tcp://harbor-harbor-database:5432, retry after 2 seconds :dial tcp 10.233.39.128:5432: i/o timeout"}],
    objects=[_p, _dbp, _svc, *deployment_and_rs("harbor-harbor-core", _ns, "6d9b8f7c5d", _img),
             _sts("harbor-harbor-database", _ns, "goharbor/harbor-db:v2.2.1", ready=1), node()],
    events=crash_events(_p, "core", _img, 9),
    logs={f"{_ns}/{_name}/core:previous": log_text(
        "Appending internal tls trust CA to ca-bundle ...",
        "Internal tls trust CA appending is Done.",
        "2026-11-20T08:12:31Z [INFO] [/controller/artifact/processor/processor.go:58]: the processor to process media type application/vnd.oci.image.index.v1+json registered",
        "2026-11-20T08:12:31Z [INFO] [/core/main.go:136]: initializing database: type-PostgreSQL host-harbor-harbor-database port-5432 user-postgres database-registry sslmode-\"disable\"",
        f"2026-11-20T08:12:33Z {_retry}", f"2026-11-20T08:12:37Z {_retry}", f"2026-11-20T08:12:41Z {_retry}",
        f"2026-11-20T08:13:29Z {_retry}"),
        f"{_ns}/harbor-harbor-database-0/database": log_text(
            "2026-11-20 07:41:10.514 UTC [1] LOG:  database system is ready to accept connections")})

# --- Keycloak (Quarkus): the postgres Service has no pods (its StatefulSet is at 0); generic last lines.
_ns = "auth"
_img = "quay.io/keycloak/keycloak:20.0.2"
_p = pod("keycloak-0", _ns, [container("keycloak", _img, args=["start"],
                                       env=[{"name": "KC_DB", "value": "postgres"}, {"name": "KC_DB_URL_HOST", "value": "postgres"}],
                                       **looping("keycloak-0", _ns, "keycloak", 1, 8))],
         owner=("StatefulSet", "keycloak"))
_pg = _sts("postgres", _ns, "postgres:14.6", replicas=0, ready=0)
_kc = "[org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main)"
scenario(
    "app-keycloak-postgres-refused", "dependency_unreachable", difficulty="hard",
    note="Quarkus Keycloak ends on generic lines ('Failed to start server', 'Connection refused', '--verbose'); the database behind Service postgres has no pods",
    source=[{"url": "https://github.com/keycloak/keycloak/issues/16398",
             "quote": "Connection to postgres:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections."},
            {"url": "https://github.com/keycloak/keycloak/issues/19607", "quote": "Failed to obtain JDBC connection"}],
    objects=[_p, _sts("keycloak", _ns, _img), _pg, service("postgres", _ns, selector={"app": "postgres"}, port=5432, target_port=5432),
             node()],
    events=crash_events(_p, "keycloak", _img, 8),
    logs={f"{_ns}/keycloak-0/keycloak:previous": log_text(
        "2026-11-20 08:13:05,113 WARN  [io.agroal.pool] (agroal-11) Datasource '<default>': Connection to postgres:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        "2026-11-20 08:13:05,117 WARN  [org.hibernate.engine.jdbc.env.internal.JdbcEnvironmentInitiator] (JPA Startup Thread: keycloak-default) HHH000342: Could not obtain connection to query metadata: org.postgresql.util.PSQLException: Connection to postgres:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        f"2026-11-20 08:13:05,902 ERROR {_kc} ERROR: Failed to start server in (production) mode",
        f"2026-11-20 08:13:05,903 ERROR {_kc} ERROR: Failed to obtain JDBC connection",
        f"2026-11-20 08:13:05,903 ERROR {_kc} ERROR: Connection to postgres:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        f"2026-11-20 08:13:05,904 ERROR {_kc} ERROR: Connection refused",
        f"2026-11-20 08:13:05,904 ERROR {_kc} For more details run the same command passing the '--verbose' option. Also you can use '--help' to see the details about the usage of the particular command.")})

# --- Airflow (bitnami chart): the database host name does not resolve.
_ns = "airflow"
_img = "docker.io/bitnami/airflow:2.2.5-debian-10-r10"
_name = "airflow-release-web-5b6c8d9f7-tm4px"
_p = pod(_name, _ns, [container("airflow-web", _img, **looping(_name, _ns, "airflow-web", 1, 6))])
_va = "/opt/bitnami/airflow/venv/lib/python3.8/site-packages"
scenario(
    "app-airflow-db-name-resolution", "dependency_unreachable",
    note="psycopg2 cannot resolve the PostgreSQL host name (temporary failure in name resolution); the traceback ends in sqlalchemy's OperationalError",
    source=[{"url": "https://github.com/bitnami/charts/issues/10890",
             "quote": 'psycopg2.OperationalError: could not translate host name "airflow-release-postgresql" to address: Temporary failure in name resolution'}],
    objects=[_p, *deployment_and_rs("airflow-release-web", _ns, "5b6c8d9f7", _img), node()],
    events=crash_events(_p, "airflow-web", _img, 6),
    logs={f"{_ns}/{_name}/airflow-web:previous": log_text(
        "Traceback (most recent call last):",
        f'  File "{_va}/sqlalchemy/engine/base.py", line 3250, in _wrap_pool_connect',
        "    return fn()",
        f'  File "{_va}/sqlalchemy/pool/base.py", line 310, in connect',
        "    return _ConnectionFairy._checkout(self)",
        f'  File "{_va}/psycopg2/__init__.py", line 122, in connect',
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
        'psycopg2.OperationalError: could not translate host name "airflow-release-postgresql" to address: Temporary failure in name resolution',
        "",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/opt/bitnami/airflow/venv/bin/airflow", line 8, in <module>',
        "    sys.exit(main())",
        f'  File "{_va}/airflow/utils/db.py", line 927, in check',
        "    session.execute('select 1 as is_alive;')",
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not translate host name "airflow-release-postgresql" to address: Temporary failure in name resolution',
        "",
        "(Background on this error at: http://sqlalche.me/e/14/e3q8)")})

# --- Argo CD: a default-deny egress NetworkPolicy lets port 6379 out but not DNS; every lookup of argocd-redis times
#     out while all pods stay Running.
_ns = "argocd"
_img = "quay.io/argoproj/argocd:v2.5.2"
_srv = pod("argocd-server-5f8c7d9b6-n2xkq", _ns, [container("argocd-server", _img)])
_ctl = pod("argocd-application-controller-0", _ns, [container("argocd-application-controller", _img)],
           owner=("StatefulSet", "argocd-application-controller"))
_rd = pod("argocd-redis-6c8d7f9b5-pq7zt", _ns, [container("redis", "redis:7.0.5-alpine")])
_np = network_policy("default-deny-egress", _ns, {
    "podSelector": {}, "policyTypes": ["Egress"],
    "egress": [{"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "argocd-redis"}}}],
                "ports": [{"protocol": "TCP", "port": 6379}]},
               {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}]})
scenario(
    "app-argocd-redis-dns-blocked-netpol", "dependency_unreachable", difficulty="hard",
    note="all pods Running and Ready; lookups of argocd-redis time out because the egress policy omits DNS (port 53)",
    source=[{"url": "https://github.com/argoproj/argo-cd/issues/4174",
             "quote": "Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout"},
            {"url": "https://github.com/argoproj/argo-cd/issues/4174",
             "quote": "Failed to save clusters info: dial tcp: lookup argocd-redis: i/o timeout"}],
    objects=[_srv, _ctl, _rd, _np, *deployment_and_rs("argocd-server", _ns, "5f8c7d9b6", _img, ready=1),
             _sts("argocd-application-controller", _ns, _img, ready=1), node()],
    logs={f"{_ns}/argocd-server-5f8c7d9b6-n2xkq/argocd-server": log_text(
        'time="2026-11-20T08:12:39Z" level=warning msg="Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout"',
        'time="2026-11-20T08:13:39Z" level=warning msg="Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout"',
        'time="2026-11-20T08:14:05Z" level=error msg="finished unary call with code Unknown" error="error getting cached app managed resources: dial tcp: lookup argocd-redis: i/o timeout" grpc.code=Unknown grpc.method=ManagedResources grpc.service=application.ApplicationService',
        'time="2026-11-20T08:14:39Z" level=warning msg="Failed to resync revoked tokens. retrying again in 1 minute: dial tcp: lookup argocd-redis: i/o timeout"'),
        f"{_ns}/argocd-application-controller-0/argocd-application-controller": log_text(
            'time="2026-11-20T08:13:35Z" level=warning msg="Failed to save clusters info: dial tcp: lookup argocd-redis: i/o timeout"',
            'time="2026-11-20T08:14:35Z" level=warning msg="Failed to save clusters info: dial tcp: lookup argocd-redis: i/o timeout"')})


# =================================================================================================================
# unknown: healthy, with noise or old events
# =================================================================================================================

# --- Grafana logs two 'eror' lines for provisioning folders nobody mounted.
_ns = "observability"
_img = "grafana/grafana:9.1.2"
_name = "grafana-5c9f8b7d6-xk2lp"
_p = pod(_name, _ns, [container("grafana", _img)])
scenario(
    "app-grafana-provisioning-dirs-noise", "unknown", difficulty="hard",
    note="Running, Ready, 0 restarts; lvl=eror lines about absent optional provisioning folders are harmless",
    source=[{"url": "https://github.com/cloudalchemy/ansible-grafana/pull/226",
             "quote": 'msg="Failed to read plugin provisioning files from directory" logger=provisioning.plugins path=/etc/grafana/provisioning/plugins error="open /etc/grafana/provisioning/plugins: no such file or directory"'},
            {"url": "https://github.com/global/internet-monitor/issues/6",
             "quote": "Can't read alert notification provisioning files from directory"}],
    objects=[_p, *deployment_and_rs("grafana", _ns, "5c9f8b7d6", _img, ready=1), node()],
    logs={f"{_ns}/{_name}/grafana": log_text(
        't=2026-11-20T07:50:24+0000 lvl=info msg="Starting Grafana" logger=server version=9.1.2 commit=3c13120cde branch=HEAD',
        't=2026-11-20T07:50:25+0000 lvl=info msg="inserting datasource from configuration " logger=provisioning.datasources name=Prometheus uid=',
        't=2026-11-20T07:50:25+0000 lvl=eror msg="Failed to read plugin provisioning files from directory" logger=provisioning.plugins path=/etc/grafana/provisioning/plugins error="open /etc/grafana/provisioning/plugins: no such file or directory"',
        't=2026-11-20T07:50:25+0000 lvl=eror msg="Can\'t read alert notification provisioning files from directory" logger=provisioning.notifiers path=/etc/grafana/provisioning/notifiers error="open /etc/grafana/provisioning/notifiers: no such file or directory"',
        't=2026-11-20T07:50:25+0000 lvl=info msg="HTTP Server Listen" logger=http.server address=[::]:3000 protocol=http subUrl= socket=',
        't=2026-11-20T08:12:02+0000 lvl=info msg="Request Completed" logger=context userId=1 orgId=1 uname=admin method=GET path=/api/dashboards/home status=200')})

# --- ingress-nginx warns about Services scaled to zero on purpose.
_ns = "ingress-nginx"
_img = "registry.k8s.io/ingress-nginx/controller:v1.9.4"
_name = "ingress-nginx-controller-7d9f8b6c5-m4n5b"
_p = pod(_name, _ns, [container("controller", _img)])
_idle = deployment("reports-batch", "reports", replicas=0, ready=0, image="registry.example.com/reports/batch:3.2.0")
scenario(
    "app-ingress-nginx-no-endpoint-noise", "unknown", difficulty="hard",
    note="the controller is healthy; the 'no active Endpoint' warnings are about a Deployment scaled to 0 by design",
    source=[{"url": "https://github.com/kubernetes/ingress-nginx/issues/3626", "quote": "does not have any active Endpoint."}],
    objects=[_p, *deployment_and_rs("ingress-nginx-controller", _ns, "7d9f8b6c5", _img, ready=1), _idle, node()],
    logs={f"{_ns}/{_name}/controller": log_text(
        'I1120 07:40:03.801497       7 nginx.go:304] "Starting NGINX process"',
        'I1120 07:40:03.801587       7 leaderelection.go:245] attempting to acquire leader lease ingress-nginx/ingress-nginx-leader...',
        'I1120 07:40:05.112903       7 controller.go:190] "Backend successfully reloaded"',
        'W1120 08:10:16.253022       7 controller.go:1214] Service "reports/reports-batch" does not have any active Endpoint.',
        'W1120 08:12:16.253455       7 controller.go:1214] Service "reports/reports-batch" does not have any active Endpoint.',
        '10.244.1.1 - - [20/Nov/2026:08:13:02 +0000] "GET /api/orders HTTP/2.0" 200 512 "-" "okhttp/4.12.0" 31 0.012 [shop-orders-80] [] 10.244.2.17:8080 512 0.012 200 1f0c9e2b')})

# --- Prometheus drops a few samples with future timestamps from one exporter.
_ns = "monitoring"
_img = "quay.io/prometheus/prometheus:v2.53.1"
_p = pod("prometheus-k8s-0", _ns, [container("prometheus", _img), container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.75.2")],
         owner=("StatefulSet", "prometheus-k8s"))
scenario(
    "app-prometheus-out-of-bounds-samples-noise", "unknown", difficulty="hard",
    note="Running and Ready; warnings about samples too old or in the future from one target are a scrape-data issue, not a failure of this workload",
    source=[{"url": "https://github.com/prometheus-operator/prometheus-operator/issues/2495",
             "quote": 'msg="Error on ingesting samples that are too old or are too far into the future" num_dropped=8'}],
    objects=[_p, _sts("prometheus-k8s", _ns, _img, ready=1), node()],
    logs={f"{_ns}/prometheus-k8s-0/prometheus": log_text(
        'ts=2026-11-20T07:00:03.112Z caller=compact.go:580 level=info component=tsdb msg="write block" mint=1763613600000 maxt=1763620800000 ulid=01JDB2Q7G4X8C5T7D0E1N2M3K4 duration=1.412s',
        'ts=2026-11-20T08:12:23.315Z caller=scrape.go:1777 level=warn component="scrape manager" scrape_pool=kubernetes-pods target="http://10.0.70.245:1912/metrics?format=prometheus" msg="Error on ingesting samples that are too old or are too far into the future" num_dropped=8',
        'ts=2026-11-20T08:12:53.318Z caller=scrape.go:1777 level=warn component="scrape manager" scrape_pool=kubernetes-pods target="http://10.0.70.245:1912/metrics?format=prometheus" msg="Error on ingesting samples that are too old or are too far into the future" num_dropped=8'),
        f"{_ns}/prometheus-k8s-0/config-reloader": log_text(
            'level=info ts=2026-11-20T06:58:01.002Z caller=reloader.go:382 msg="Reload triggered" cfg_in=/etc/prometheus/config/prometheus.yaml.gz')})

# --- MinIO: liveness kills six days ago (since fixed by more CPU); the pod has run cleanly since.
_ns = "c-scale-pangeo-dask"
_img = "quay.io/minio/minio:RELEASE.2025-07-23T15-54-02Z"
_name = "minio-b96d46b8-89jcm"
_c = container("minio", _img, restarts=3, last=terminated(137, "Error"), limits={"cpu": "2", "memory": "4Gi"},
               livenessProbe={"httpGet": {"path": "/minio/health/live", "port": 9000}, "timeoutSeconds": 1})
_c["status"]["lastState"]["terminated"]["startedAt"] = "2026-11-14T02:50:41Z"
_c["status"]["lastState"]["terminated"]["finishedAt"] = OLD
_c["status"]["state"]["running"]["startedAt"] = "2026-11-14T03:12:40Z"
_p = pod(_name, _ns, [_c])
scenario(
    "app-minio-old-liveness-incident", "unknown", difficulty="hard",
    note="the liveness failures and kills are six days old; the container has run and been Ready since",
    source=[{"url": "https://github.com/pangeo-data/pangeo-eosc/pull/128",
             "quote": 'Liveness probe failed: Get "http://10.42.231.31:9000/minio/health/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'},
            {"url": "https://github.com/pangeo-data/pangeo-eosc/pull/128",
             "quote": "Container minio failed liveness probe, will be restarted"}],
    objects=[_p, *deployment_and_rs("minio", _ns, "b96d46b8", _img, ready=1), node()],
    events=[_age(event(_p, "Unhealthy", 'Liveness probe failed: Get "http://10.42.231.31:9000/minio/health/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count=158)),
            _age(event(_p, "Killing", "Container minio failed liveness probe, will be restarted", type_="Normal", count=3)),
            _age(event(_p, "Started", "Started container minio", type_="Normal", count=4), "2026-11-14T03:12:40Z")],
    logs={f"{_ns}/{_name}/minio": log_text(
        "MinIO Object Storage Server",
        "Copyright: 2015-2025 MinIO, Inc.",
        "License: GNU AGPLv3 - https://www.gnu.org/licenses/agpl-3.0.html",
        "Version: RELEASE.2025-07-23T15-54-02Z (go1.24.5 linux/amd64)",
        "",
        "API: http://10.42.231.31:9000  http://127.0.0.1:9000",
        "WebUI: http://10.42.231.31:9001 http://127.0.0.1:9001")})

# --- cert-manager: two leader-election errors while the API server restarted during a control-plane upgrade; the
#     lease was renewed and work went on.
_ns = "cert-manager"
_img = "quay.io/jetstack/cert-manager-controller:v1.7.0"
_name = "cert-manager-5d7f97b46d-9kz2c"
_p = pod(_name, _ns, [container("cert-manager-controller", _img)])
scenario(
    "app-certmanager-leader-election-blip", "unknown", difficulty="hard",
    note="0 restarts, Ready; two transient lease errors during an API server restart, then normal work",
    source=[{"url": "https://github.com/cert-manager/cert-manager/issues/4918",
             "quote": "error retrieving resource lock cert-manager/cert-manager-controller"}],
    objects=[_p, *deployment_and_rs("cert-manager", _ns, "5d7f97b46d", _img, ready=1), node()],
    logs={f"{_ns}/{_name}/cert-manager-controller": log_text(
        'E1120 07:20:32.612988       1 leaderelection.go:330] error retrieving resource lock cert-manager/cert-manager-controller: Get "https://10.3.240.1:443/api/v1/namespaces/cert-manager/configmaps/cert-manager-controller": dial tcp 10.3.240.1:443: connect: connection refused',
        'E1120 07:20:47.615185       1 leaderelection.go:330] error retrieving resource lock cert-manager/cert-manager-controller: Get "https://10.3.240.1:443/api/v1/namespaces/cert-manager/configmaps/cert-manager-controller": dial tcp 10.3.240.1:443: connect: connection refused',
        'I1120 08:01:12.003441       1 sync.go:81] cert-manager/certificaterequests-issuer-acme "msg"="certificate request Ready condition true so skipping processing" "resource_kind"="CertificateRequest" "resource_name"="shop-tls-b9s5w" "resource_namespace"="shop" "resource_version"="v1"',
        'I1120 08:12:44.295249       1 controller.go:173] cert-manager/certificates-trigger "msg"="finished processing work item" "key"="shop/shop-tls"')})


# =================================================================================================================
# other categories behind louder symptoms
# =================================================================================================================

# --- Prometheus replays a large WAL at start-up and is OOM-killed; readiness failures are the loud part.
_ns = "monitoring"
_img = "quay.io/prometheus/prometheus:v2.16.0"
_c = container("prometheus", _img, restarts=14, ready=False, last=terminated(137, "OOMKilled"),
               limits={"memory": "2Gi"}, requests={"cpu": "200m", "memory": "400Mi"},
               readinessProbe={"httpGet": {"path": "/-/ready", "port": 9090}, "periodSeconds": 5, "failureThreshold": 120})
_p = pod("prometheus-prometheus-0", _ns, [_c, container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.38.1")],
         owner=("StatefulSet", "prometheus-prometheus"))
_wal = log_text(
    'level=info ts=2026-11-20T08:13:06.802Z caller=main.go:331 msg="Starting Prometheus" version="(version=2.16.0, branch=HEAD, revision=b90be6f32a33c03163d700e1452b54454ddce0ec)"',
    'level=info ts=2026-11-20T08:13:06.803Z caller=main.go:334 fd_limits="(soft=1048576, hard=1048576)"',
    'level=info ts=2026-11-20T08:13:06.809Z caller=main.go:661 msg="Starting TSDB ..."',
    'level=info ts=2026-11-20T08:13:06.810Z caller=web.go:508 component=web msg="Start listening for connections" address=0.0.0.0:9090',
    'level=info ts=2026-11-20T08:13:06.822Z caller=head.go:577 component=tsdb msg="replaying WAL, this may take awhile"',
    'level=info ts=2026-11-20T08:13:19.431Z caller=head.go:625 component=tsdb msg="WAL segment loaded" segment=0 maxSegment=1437',
    'level=info ts=2026-11-20T08:13:31.902Z caller=head.go:625 component=tsdb msg="WAL segment loaded" segment=1 maxSegment=1437')
scenario(
    "app-prometheus-wal-replay-oom", "oom_killed", difficulty="hard",
    note="readiness probe failures are the loud symptom; the last termination is OOMKilled (137) during WAL replay",
    source=[{"url": "https://github.com/prometheus-operator/prometheus-operator/issues/2670",
             "quote": 'msg="replaying WAL, this may take awhile"'},
            {"url": "https://github.com/prometheus/prometheus/issues/6934", "quote": "WAL segment loaded"}],
    objects=[_p, _sts("prometheus-prometheus", _ns, _img), node()],
    events=[event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=212),
            event(_p, "Pulled", f'Container image "{_img}" already present on machine', type_="Normal", count=15),
            event(_p, "Started", "Started container prometheus", type_="Normal", count=15)],
    logs={f"{_ns}/prometheus-prometheus-0/prometheus": _wal, f"{_ns}/prometheus-prometheus-0/prometheus:previous": _wal})

# --- Keycloak (codecentric chart) crash-loops on a refused database connection; the database pod cannot pull its
#     Bitnami image any more.
_ns = "keycloak"
_kimg = "docker.io/jboss/keycloak:15.0.2"
_pimg = "docker.io/bitnami/postgresql:11.14.0-debian-10-r28"
_kc = pod("keycloak-0", _ns, [container("keycloak", _kimg, **looping("keycloak-0", _ns, "keycloak", 1, 10))],
          owner=("StatefulSet", "keycloak"))
_pull = (f'Failed to pull image "{_pimg}": rpc error: code = NotFound desc = failed to pull and unpack image "{_pimg}": '
         f'failed to resolve reference "{_pimg}": {_pimg}: not found')
_pg = pod("keycloak-postgresql-0", _ns, [container("keycloak-postgresql", _pimg, state=waiting("ImagePullBackOff", f'Back-off pulling image "{_pimg}"'))],
          owner=("StatefulSet", "keycloak-postgresql"))
scenario(
    "app-keycloak-bitnami-postgres-image-gone", "image_pull_error", difficulty="hard",
    note="the crash-looping Keycloak only says the database refuses connections; the database pod beside it cannot pull its removed Bitnami image",
    source=[{"url": "https://github.com/codecentric/helm-charts/issues/861",
             "quote": 'failed to resolve reference "docker.io/bitnami/postgresql:11.14.0-debian-10-r28": docker.io/bitnami/postgresql:11.14.0-debian-10-r28: not found'}],
    objects=[_kc, _pg, _sts("keycloak", _ns, _kimg), _sts("keycloak-postgresql", _ns, _pimg),
             service("keycloak-postgresql", _ns, selector={"app": "keycloak-postgresql"}, port=5432, target_port=5432), node()],
    events=[*crash_events(_kc, "keycloak", _kimg, 10),
            event(_pg, "Pulling", f'Pulling image "{_pimg}"', type_="Normal", count=24),
            event(_pg, "Failed", _pull, count=24),
            event(_pg, "Failed", "Error: ErrImagePull", count=24),
            event(_pg, "BackOff", f'Back-off pulling image "{_pimg}"', type_="Normal", count=372),
            event(_pg, "Failed", "Error: ImagePullBackOff", count=380)],
    logs={f"{_ns}/keycloak-0/keycloak:previous": log_text(
        "08:13:58,271 INFO  [org.jboss.as.connector.subsystems.datasources] (ServerService Thread Pool -- 32) WFLYJCA0001: Bound data source [java:jboss/datasources/KeycloakDS]",
        "08:14:02,618 WARN  [org.jboss.jca.core.connectionmanager.pool.strategy.OnePool] (ServerService Thread Pool -- 62) IJ000604: Throwable while attempting to get a new connection: null: javax.resource.ResourceException: IJ031084: Unable to create connection",
        "Caused by: org.postgresql.util.PSQLException: Connection to keycloak-postgresql:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        "Caused by: java.net.ConnectException: Connection refused (Connection refused)")})

del _p, _c, _name, _ns, _img
