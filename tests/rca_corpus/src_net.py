# ruff: noqa: E501
"""Network and HTTP-dependency failures as each runtime words them.

DNS resolution (glibc, musl/busybox, Go, Java, Python, Node), refused and timed-out connections, wget/curl/nc
in init containers and Jobs, NetworkPolicy egress blocks, TLS trust errors, rejected tokens and credentials at an
API, wrong URLs configured for a dependency, and exec probes that are themselves wrong.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    condition,
    container,
    deployment,
    event,
    job,
    log_key,
    meta,
    network_policy,
    pod,
    replicaset,
    running,
    scenario,
    service,
    terminated,
    waiting,
)


def backoff(p: dict[str, Any], cname: str, count: int = 30) -> dict[str, Any]:
    m = p["metadata"]
    return event(p, "BackOff", f"Back-off restarting failed container {cname} in pod {m['name']}_{m['namespace']}({m['uid']})",
                 count=count)


def loop(cname: str, pod_name: str, exit_code: int = 1, restarts: int = 7, reason: str = "Error",
         message: str = "") -> dict[str, Any]:
    """`container()` keyword arguments of a container in CrashLoopBackOff."""
    return {"state": waiting("CrashLoopBackOff", f"back-off 5m0s restarting failed container={cname} pod={pod_name}"),
            "last": terminated(exit_code, reason, message), "restarts": restarts, "ready": False}


def started(p: dict[str, Any], cname: str) -> list[dict[str, Any]]:
    """The Normal events of a container that was pulled, created and started."""
    image = next(c["image"] for c in p["spec"].get("initContainers", []) + p["spec"]["containers"]
                 if c["name"] == cname)
    return [event(p, "Pulled", f'Container image "{image}" already present on machine', type_="Normal", count=1),
            event(p, "Created", f"Created container {cname}", type_="Normal", count=1),
            event(p, "Started", f"Started container {cname}", type_="Normal", count=1)]


def scheduled(p: dict[str, Any]) -> dict[str, Any]:
    m = p["metadata"]
    return event(p, "Scheduled", f"Successfully assigned {m['namespace']}/{m['name']} to {p['spec']['nodeName']}",
                 type_="Normal", count=1, component="default-scheduler")


def pending_init(name: str, ns: str, init: dict[str, Any], app: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """A pod held in Init: the app container waits for PodInitializing."""
    return pod(name, ns, [app], init=[init], phase="Pending", **kw)


def statefulset(name: str, ns: str, replicas: int, ready: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns),
            "spec": {"replicas": replicas, "serviceName": name, "podManagementPolicy": "OrderedReady",
                     "selector": {"matchLabels": {"app": name}}},
            "status": {"replicas": 1, "readyReplicas": ready, "currentReplicas": 1, "updatedReplicas": 1,
                       "availableReplicas": ready}}


def daemonset(name: str, ns: str, desired: int, ready: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta(name, ns),
            "spec": {"selector": {"matchLabels": {"app": name}}},
            "status": {"desiredNumberScheduled": desired, "currentNumberScheduled": desired,
                       "numberReady": ready, "numberAvailable": ready, "updatedNumberScheduled": desired}}


def service_account(name: str, ns: str, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": meta(name, ns, **({"annotations": annotations} if annotations else {}))}


def failed_job(name: str, ns: str, failed: int, backoff_limit: int) -> dict[str, Any]:
    return job(name, ns, failed=failed, backoff_limit=backoff_limit,
               conditions=[condition("Failed", "True", "BackoffLimitExceeded",
                                     "Job has reached the specified backoff limit")])


def job_events(j: dict[str, Any], pods: list[str]) -> list[dict[str, Any]]:
    return [*(event(j, "SuccessfulCreate", f"Created pod: {p}", type_="Normal", count=1, component="job-controller")
              for p in pods),
            event(j, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                  component="job-controller")]


def job_pod(name: str, ns: str, job_name: str, c: dict[str, Any]) -> dict[str, Any]:
    return pod(name, ns, [c], phase="Failed", owner=("Job", job_name), restartPolicy="Never")


# ---------------------------------------------------------------------------------------------------------------
# DNS: busybox/musl wording in init containers

NSLOOKUP = """waiting for firmamentservice
nslookup: can't resolve 'firmament-service.kube-system'
Server:    10.96.0.10
Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

"""
_init = container("init-firmamentservice", "busybox:1.28", ready=False,
                  command=["sh", "-c", "until nslookup firmament-service.kube-system; do echo waiting for firmamentservice; sleep 2; done;"])
_app = container("poseidon", "gcr.io/poseidon-012/poseidon:v0.9", state=waiting("PodInitializing"))
_p = pending_init("poseidon-6d45696849-gxtpg", "kube-system", _init, _app)
scenario(
    "net-poseidon-init-nslookup-cant-resolve", "dependency_unreachable", difficulty="hard",
    note="Init:0/1 with no warning event at all: only the init container's busybox nslookup loop says the name never resolves",
    source=[{"url": "https://github.com/kubernetes-retired/poseidon/issues/125",
             "quote": "nslookup: can't resolve 'firmament-service.kube-system'"}],
    objects=[_p, deployment("poseidon", "kube-system", replicas=1, ready=0, image="gcr.io/poseidon-012/poseidon:v0.9"),
             replicaset("poseidon-6d45696849", "kube-system", replicas=1, ready=0)],
    events=[scheduled(_p), *started(_p, "init-firmamentservice")],
    logs={log_key(_p, "init-firmamentservice"): NSLOOKUP * 9},
)

NC = """waiting for apisix-admin
nc: bad address 'apisix-admin.ingress-apisix.svc.cluster.local'
"""
_init = container("wait-apisix-admin", "busybox:1.28", ready=False,
                  command=["sh", "-c", "until nc -z apisix-admin.ingress-apisix.svc.cluster.local 9180 ; do echo waiting for apisix-admin; sleep 2; done;"])
_app = container("ingress-apisix", "apache/apisix-ingress-controller:1.3.0", state=waiting("PodInitializing"))
_p = pending_init("apisix-ingress-controller-7c8f5b6d9-kq2lm", "ingress-apisix", _init, _app)
scenario(
    "net-apisix-init-nc-bad-address", "dependency_unreachable", difficulty="hard",
    note="controller stuck in Init:0/1; the init container's nc loop cannot resolve the admin Service (only apisix-gateway exists)",
    source=[{"url": "https://github.com/apache/apisix-ingress-controller/issues/798",
             "quote": "nc: bad address 'apisix-admin.ingress-apisix.svc.cluster.local'"}],
    objects=[_p, deployment("apisix-ingress-controller", "ingress-apisix", replicas=1, ready=0,
                            image="apache/apisix-ingress-controller:1.3.0"),
             replicaset("apisix-ingress-controller-7c8f5b6d9", "ingress-apisix", replicas=1, ready=0),
             service("apisix-gateway", "ingress-apisix", selector={"app.kubernetes.io/name": "apisix"}, port=80,
                     target_port=9080)],
    events=[scheduled(_p), *started(_p, "wait-apisix-admin")],
    logs={log_key(_p, "wait-apisix-admin"): NC * 14},
)

_init = container("box", "busybox", **loop("box", "box", restarts=4),
                  args=["/bin/sh", "-c", "wget -O /work-dir/index.html http://neverssl.com/online"])
_app = container("nginx", "nginx", state=waiting("PodInitializing"), ports=[{"containerPort": 80}])
_p = pending_init("box", "ckad", _init, _app, owner=("", ""))
scenario(
    "net-busybox-init-wget-bad-address", "dependency_unreachable",
    note="Init:CrashLoopBackOff: busybox wget in the init container cannot resolve the external site",
    source=[{"url": "https://github.com/dgkanatsios/CKAD-exercises/issues/295",
             "quote": "wget: bad address 'neverssl.com'"}],
    objects=[_p],
    events=[scheduled(_p), *started(_p, "box"), backoff(_p, "box", count=6)],
    logs={log_key(_p, "box", previous=True): "wget: bad address 'neverssl.com'\n"},
)

# ---------------------------------------------------------------------------------------------------------------
# DNS: glibc / Python

SENTRY = """10:14:02 [INFO] sentry.plugins.github: apps-not-configured
10:14:03 [INFO] sentry.runner: Starting worker (queues=default,events.process_event,events.save_event)
Traceback (most recent call last):
  File "/usr/local/lib/python3.6/site-packages/redis/connection.py", line 552, in connect
    sock = self._connect()
  File "/usr/local/lib/python3.6/site-packages/redis/connection.py", line 579, in _connect
    for res in socket.getaddrinfo(self.host, self.port, self.socket_type,
  File "/usr/local/lib/python3.6/socket.py", line 745, in getaddrinfo
    for res in _socket.getaddrinfo(host, port, family, type, proto, flags):
socket.gaierror: [Errno -3] Temporary failure in name resolution

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/local/bin/sentry", line 8, in <module>
    sys.exit(main())
  File "/usr/local/lib/python3.6/site-packages/sentry/runner/__init__.py", line 164, in main
    cli(prog_name=get_prog(), obj={}, max_content_width=100)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 722, in __call__
    return self.main(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 697, in main
    rv = self.invoke(ctx)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 1066, in invoke
    return _process_result(sub_ctx.command.invoke(sub_ctx))
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 1066, in invoke
    return _process_result(sub_ctx.command.invoke(sub_ctx))
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 895, in invoke
    return ctx.invoke(self.callback, **ctx.params)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 535, in invoke
    return callback(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/click/decorators.py", line 17, in new_func
    return f(get_current_context(), *args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/sentry/runner/decorators.py", line 66, in inner
    return ctx.invoke(f, *args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 535, in invoke
    return callback(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/click/decorators.py", line 17, in new_func
    return f(get_current_context(), *args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/sentry/runner/decorators.py", line 30, in inner
    return ctx.invoke(f, *args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/click/core.py", line 535, in invoke
    return callback(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/sentry/runner/commands/run.py", line 305, in worker
    worker.start()
  File "/usr/local/lib/python3.6/site-packages/celery/worker/worker.py", line 205, in start
    self.blueprint.start(self)
  File "/usr/local/lib/python3.6/site-packages/celery/bootsteps.py", line 119, in start
    step.start(parent)
  File "/usr/local/lib/python3.6/site-packages/celery/bootsteps.py", line 369, in start
    return self.obj.start()
  File "/usr/local/lib/python3.6/site-packages/celery/worker/consumer/consumer.py", line 318, in start
    blueprint.start(self)
  File "/usr/local/lib/python3.6/site-packages/celery/bootsteps.py", line 119, in start
    step.start(parent)
  File "/usr/local/lib/python3.6/site-packages/celery/worker/consumer/connection.py", line 23, in start
    c.connection = c.connect()
  File "/usr/local/lib/python3.6/site-packages/celery/worker/consumer/consumer.py", line 405, in connect
    conn = self.connection_for_read(heartbeat=self.amqheartbeat)
  File "/usr/local/lib/python3.6/site-packages/kombu/connection.py", line 389, in ensure_connection
    self._ensure_connection(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/kombu/connection.py", line 445, in _ensure_connection
    callback, timeout=timeout
  File "/usr/local/lib/python3.6/site-packages/kombu/utils/functional.py", line 344, in retry_over_time
    return fun(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/kombu/transport/redis.py", line 1033, in _connection_errors
    client.ping()
  File "/usr/local/lib/python3.6/site-packages/redis/client.py", line 1378, in ping
    return self.execute_command('PING')
  File "/usr/local/lib/python3.6/site-packages/redis/client.py", line 898, in execute_command
    conn = self.connection or pool.get_connection(command_name, **options)
  File "/usr/local/lib/python3.6/site-packages/redis/connection.py", line 1192, in get_connection
    connection.connect()
  File "/usr/local/lib/python3.6/site-packages/redis/connection.py", line 557, in connect
    raise ConnectionError(self._error_message(e))
redis.exceptions.ConnectionError: Error -3 connecting to sentry-redis-master:6379. Temporary failure in name resolution.
"""
_p = pod("sentry-worker-5d8b9c7f4-hx2vq", "sentry",
         [container("sentry-worker", "getsentry/sentry:20.10.1", **loop("sentry-worker", "sentry-worker-5d8b9c7f4-hx2vq", restarts=9),
                    args=["run", "worker"])])
scenario(
    "net-sentry-worker-gaierror-traceback", "dependency_unreachable", difficulty="hard",
    note="the glibc name-resolution failure sits in the middle of a 60-line celery/kombu traceback; the last line names redis",
    source=[{"url": "https://github.com/sentry-kubernetes/charts/issues/221",
             "quote": "socket.gaierror: [Errno -3] Temporary failure in name resolution"}],
    objects=[_p, deployment("sentry-worker", "sentry", replicas=1, ready=0, image="getsentry/sentry:20.10.1"),
             replicaset("sentry-worker-5d8b9c7f4", "sentry", replicas=1, ready=0)],
    events=[backoff(_p, "sentry-worker", count=41)],
    logs={log_key(_p, "sentry-worker", previous=True): SENTRY,
          log_key(_p, "sentry-worker"): "10:31:44 [INFO] sentry.plugins.github: apps-not-configured\n"},
)

POLYAXON = """Traceback (most recent call last):
  File "/usr/local/lib/python3.6/site-packages/django/db/backends/base/base.py", line 216, in ensure_connection
    self.connect()
  File "/usr/local/lib/python3.6/site-packages/django/db/backends/base/base.py", line 194, in connect
    self.connection = self.get_new_connection(conn_params)
  File "/usr/local/lib/python3.6/site-packages/django/db/backends/postgresql/base.py", line 178, in get_new_connection
    connection = Database.connect(**conn_params)
  File "/usr/local/lib/python3.6/site-packages/psycopg2/__init__.py", line 130, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: could not translate host name "polyaxon-postgresql" to address: Temporary failure in name resolution

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "polyaxon/manage.py", line 10, in <module>
    execute_from_command_line(sys.argv)
  File "/usr/local/lib/python3.6/site-packages/django/core/management/__init__.py", line 381, in execute_from_command_line
    utility.execute()
  File "/usr/local/lib/python3.6/site-packages/django/core/management/__init__.py", line 375, in execute
    self.fetch_command(subcommand).run_from_argv(self.argv)
  File "/usr/local/lib/python3.6/site-packages/django/core/management/base.py", line 323, in run_from_argv
    self.execute(*args, **cmd_options)
  File "/usr/local/lib/python3.6/site-packages/django/core/management/base.py", line 364, in execute
    output = self.handle(*args, **options)
  File "/usr/local/lib/python3.6/site-packages/django/core/management/base.py", line 83, in wrapped
    res = handle_func(*args, **kwargs)
  File "/usr/local/lib/python3.6/site-packages/django/core/management/commands/migrate.py", line 87, in handle
    executor = MigrationExecutor(connection, self.migration_progress_callback)
  File "/usr/local/lib/python3.6/site-packages/django/db/migrations/executor.py", line 18, in __init__
    self.loader = MigrationLoader(self.connection)
  File "/usr/local/lib/python3.6/site-packages/django/db/migrations/loader.py", line 49, in __init__
    self.build_graph()
  File "/usr/local/lib/python3.6/site-packages/django/db/migrations/recorder.py", line 73, in applied_migrations
    if self.has_table():
  File "/usr/local/lib/python3.6/site-packages/django/db/backends/base/base.py", line 256, in cursor
    return self._cursor()
  File "/usr/local/lib/python3.6/site-packages/django/db/utils.py", line 89, in __exit__
    raise dj_exc_value.with_traceback(traceback) from exc_value
django.db.utils.OperationalError: could not translate host name "polyaxon-postgresql" to address: Temporary failure in name resolution
"""
_pods = ["polyaxon-sync-db-wwfqf", "polyaxon-sync-db-8m2kd", "polyaxon-sync-db-r7xzt"]
_job = failed_job("polyaxon-sync-db", "polyaxon", failed=3, backoff_limit=2)
_jp = [job_pod(n, "polyaxon", "polyaxon-sync-db",
               container("polyaxon-sync-db", "polyaxon/polyaxon-api:0.4.4", state=terminated(1), ready=False,
                         command=["python3", "polyaxon/manage.py", "migrate"])) for n in _pods]
scenario(
    "net-polyaxon-syncdb-job-psycopg2-dns", "dependency_unreachable", difficulty="hard",
    note="a migration Job gives up (BackoffLimitExceeded); the cause is the chained Django traceback's unresolvable Postgres host",
    source=[{"url": "https://github.com/polyaxon/polyaxon/issues/466",
             "quote": "psycopg2.OperationalError: could not translate host name \"polyaxon-postgresql\" to address: Temporary failure in name resolution"}],
    objects=[_job, *_jp],
    events=job_events(_job, _pods),
    logs={log_key(p, "polyaxon-sync-db"): POLYAXON for p in _jp},
)

KQUEEN = """DEBUG:kqueen.storages.etcd:Model __init__
DEBUG:kqueen.kubeapi:Initialized KubernetesAPI for cluster <7922350f-03e8-4db1-abba-d0613177ffa3>
2017-10-03 23:34:42,355 WARNING Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection object at 0x7fe0272f6f98>: Failed to establish a new connection: [Errno -2] Name or service not known',)': /api/v1/nodes
WARNING:urllib3.connectionpool:Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection object at 0x7fe0272f6f98>: Failed to establish a new connection: [Errno -2] Name or service not known',)': /api/v1/nodes
2017-10-03 23:34:42,789 WARNING Retrying (Retry(total=1, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection object at 0x7fe0272f7a20>: Failed to establish a new connection: [Errno -2] Name or service not known',)': /api/v1/nodes
2017-10-03 23:34:43,611 WARNING Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection object at 0x7fe0272f7c18>: Failed to establish a new connection: [Errno -2] Name or service not known',)': /api/v1/nodes
urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='api.k8s-lab.example.internal', port=443): Max retries exceeded with url: /api/v1/nodes (Caused by NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection object at 0x7fe0272f7c18>: Failed to establish a new connection: [Errno -2] Name or service not known',))
"""
_job = failed_job("kqueen-cluster-status-27840120", "kqueen", failed=2, backoff_limit=1)
_pods = ["kqueen-cluster-status-27840120-5xq8n", "kqueen-cluster-status-27840120-wd4kc"]
_jp = [job_pod(n, "kqueen", "kqueen-cluster-status-27840120",
               container("status", "kqueen/api:v0.8", state=terminated(1), ready=False)) for n in _pods]
scenario(
    "net-kqueen-urllib3-name-not-known", "dependency_unreachable",
    note="urllib3 retries then MaxRetryError: the remote cluster's API host name does not resolve",
    source=[{"url": "https://github.com/Mirantis/kqueen/issues/17",
             "quote": "Failed to establish a new connection: [Errno -2] Name or service not known"}],
    objects=[_job, *_jp],
    events=job_events(_job, _pods),
    logs={log_key(p, "status"): KQUEEN for p in _jp},
)

# ---------------------------------------------------------------------------------------------------------------
# DNS: Go, Java, Node

_p = pod("logging-operator-6b7d8f9c4-pq7rt", "logging",
         [container("operator", "registry.example.com/platform/logging-operator:3.1.0",
                    **loop("operator", "logging-operator-6b7d8f9c4-pq7rt", restarts=11))])
scenario(
    "net-go-lookup-kubernetes-default-no-such-host", "dependency_unreachable",
    note="Go client: the API server's service name does not resolve from the pod",
    source=[{"url": "https://github.com/openshift/origin-aggregated-logging/issues/11",
             "quote": "dial tcp: lookup kubernetes.default.svc.cluster.local: no such host"}],
    objects=[_p, deployment("logging-operator", "logging", replicas=1, ready=0),
             replicaset("logging-operator-6b7d8f9c4", "logging", replicas=1, ready=0)],
    events=[backoff(_p, "operator", count=52)],
    logs={log_key(_p, "operator", previous=True):
          "error: couldn't read version from server: Get https://kubernetes.default.svc.cluster.local/api: dial tcp: lookup kubernetes.default.svc.cluster.local: no such host\n"},
)

SEATA = """  .   ____          _            __ _ _
 /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\
( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\
 \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )
  '  |____| .__|_| |_|_| |_\\__, | / / / /
 =========|_|==============|___/=/_/_/_/
 :: Spring Boot ::       (v2.7.18)

2024-01-24 09:12:40.118  INFO --- [           main] io.seata.server.ServerApplication        : Starting ServerApplication using Java 1.8.0_342 on seata-server-0 with PID 1
2024-01-24 09:12:43.902  INFO --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 7091 (http) with context path ''
2024-01-24 09:12:43.977 ERROR --- [           main] o.s.boot.SpringApplication               : Application run failed
java.lang.RuntimeException: java.net.UnknownHostException: seata-server-0.seata-server-cluster: Name or service not known
\tat io.seata.common.util.NetUtil.convertIpIfNecessary(NetUtil.java:330)
\tat io.seata.common.util.NetUtil.isValidIp(NetUtil.java:309)
\tat io.seata.server.Server.start(Server.java:68)
\tat io.seata.server.ServerRunner.run(ServerRunner.java:60)
\tat org.springframework.boot.SpringApplication.callRunner(SpringApplication.java:765)
\tat org.springframework.boot.SpringApplication.lambda$callRunners$2(SpringApplication.java:749)
\tat java.util.stream.ForEachOps$ForEachOp$OfRef.accept(ForEachOps.java:183)
\tat java.util.stream.SortedOps$SizedRefSortingSink.end(SortedOps.java:357)
\tat java.util.stream.AbstractPipeline.copyInto(AbstractPipeline.java:483)
\tat java.util.stream.AbstractPipeline.wrapAndCopyInto(AbstractPipeline.java:472)
\tat java.util.stream.ForEachOps$ForEachOp.evaluateSequential(ForEachOps.java:150)
\tat java.util.stream.ForEachOps$ForEachOp$OfRef.evaluateSequential(ForEachOps.java:173)
\tat java.util.stream.AbstractPipeline.evaluate(AbstractPipeline.java:234)
\tat java.util.stream.ReferencePipeline.forEach(ReferencePipeline.java:485)
\tat org.springframework.boot.SpringApplication.callRunners(SpringApplication.java:749)
\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:314)
\tat io.seata.server.ServerApplication.main(ServerApplication.java:30)
Caused by: java.net.UnknownHostException: seata-server-0.seata-server-cluster: Name or service not known
\tat java.net.Inet6AddressImpl.lookupAllHostAddr(Native Method)
\tat java.net.InetAddress$2.lookupAllHostAddr(InetAddress.java:929)
\tat java.net.InetAddress.getAddressesFromNameService(InetAddress.java:1324)
\tat java.net.InetAddress.getAllByName0(InetAddress.java:1277)
\tat java.net.InetAddress.getAllByName(InetAddress.java:1193)
\tat java.net.InetAddress.getAllByName(InetAddress.java:1127)
\tat java.net.InetAddress.getByName(InetAddress.java:1077)
\tat io.seata.common.util.NetUtil.convertIpIfNecessary(NetUtil.java:326)
\t... 16 common frames omitted
"""
_p = pod("seata-server-0", "seata",
         [container("seata-server", "seataio/seata-server:2.0.0", **loop("seata-server", "seata-server-0", restarts=3),
                    env=[{"name": "SEATA_IP", "value": "seata-server-0.seata-server-cluster"}])],
         owner=("StatefulSet", "seata-server"), hostname="seata-server-0", subdomain="seata-server-cluster")
_svc = service("seata-server-cluster", "seata", selector={"app": "seata-server"}, port=8091, target_port=8091)
_svc["spec"]["clusterIP"] = "None"
scenario(
    "net-seata-statefulset-unknownhost-stacktrace", "dependency_unreachable", difficulty="hard",
    note="StatefulSet pod 0 fails at start: a Spring Boot 'Application run failed' trace hides an unresolvable headless-service name",
    source=[{"url": "https://github.com/apache/incubator-seata-k8s/issues/12",
             "quote": "java.net.UnknownHostException: seata-server-0.seata-server-cluster: Name or service not known"}],
    objects=[_p, statefulset("seata-server", "seata", replicas=3, ready=0), _svc],
    events=[backoff(_p, "seata-server", count=9)],
    logs={log_key(_p, "seata-server", previous=True): SEATA},
)

TRAVEL = """17:41:02.559 [main] INFO  c.b.s.c.k.c.ClientApplication - Started ClientApplication in 7.212 seconds (JVM running for 8.004)
17:42:36.277 [http-nio-8080-exec-8] ERROR o.a.c.c.C.[.[.[.[dispatcherServlet] - Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is org.springframework.web.client.ResourceAccessException: I/O error on GET request for "http://myapp-discoveryserver/apps": myapp-discoveryserver: Name does not resolve; nested exception is java.net.UnknownHostException: myapp-discoveryserver: Name does not resolve] with root cause
java.net.UnknownHostException: myapp-discoveryserver: Name does not resolve
\tat java.net.Inet4AddressImpl.lookupAllHostAddr(Native Method)
\tat java.net.InetAddress$2.lookupAllHostAddr(InetAddress.java:929)
\tat java.net.InetAddress.getAddressesFromNameService(InetAddress.java:1324)
\tat java.net.InetAddress.getAllByName0(InetAddress.java:1277)
\tat java.net.InetAddress.getAllByName(InetAddress.java:1193)
\tat java.net.InetAddress.getAllByName(InetAddress.java:1127)
\tat org.apache.http.impl.conn.SystemDefaultDnsResolver.resolve(SystemDefaultDnsResolver.java:45)
\tat org.apache.http.impl.conn.DefaultHttpClientConnectionOperator.connect(DefaultHttpClientConnectionOperator.java:112)
\tat org.apache.http.impl.conn.PoolingHttpClientConnectionManager.connect(PoolingHttpClientConnectionManager.java:376)
\tat org.apache.http.impl.execchain.MainClientExec.establishRoute(MainClientExec.java:393)
\tat org.apache.http.impl.execchain.MainClientExec.execute(MainClientExec.java:236)
\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:776)
\tat org.springframework.web.client.RestTemplate.getForObject(RestTemplate.java:361)
\tat com.baeldung.spring.cloud.kubernetes.client.ClientController.load(ClientController.java:28)
17:42:41.003 [http-nio-8080-exec-2] WARN  o.s.b.a.h.HealthEndpointSupport - Health contributor discoveryComposite (discoveryComposite) is DOWN
"""
_p = pod("client-service-84d6f7c9b5-t5wqz", "travel-agency",
         [container("client-service", "client-service:latest", ready=False,
                    readinessProbe={"httpGet": {"path": "/actuator/health", "port": 8080}, "periodSeconds": 10})])
scenario(
    "net-spring-client-unknownhost-musl-readiness", "dependency_unreachable", difficulty="hard",
    note="Running but not Ready: the readiness 503 looks like a probe problem; the log shows Alpine's 'Name does not resolve' for the discovery service",
    source=[{"url": "https://github.com/eugenp/tutorials/issues/15291",
             "quote": "java.net.UnknownHostException: myapp-discoveryserver: Name does not resolve"}],
    objects=[_p, deployment("client-service", "travel-agency", replicas=1, ready=0, image="client-service:latest"),
             replicaset("client-service-84d6f7c9b5", "travel-agency", replicas=1, ready=0)],
    events=[event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=64)],
    logs={log_key(_p, "client-service"): TRAVEL},
)

_p = pod("workflow-koa-api-gateway-5b9f7d8c6-2xk9m", "production",
         [container("gateway", "registry.example.com/workflow/koa-api-gateway:4.2.1",
                    **loop("gateway", "workflow-koa-api-gateway-5b9f7d8c6-2xk9m", restarts=5),
                    env=[{"name": "MAPPER_URL", "value": "http://svc-api-mapper:80"}])])
ENOTFOUND = """{"level":"info","time":1700471601200,"msg":"gateway listening on :3000"}
{"level":"error","time":1700471604411,"msg":"upstream request failed","response":{"err":{"code":"ENOTFOUND","errno":"ENOTFOUND","syscall":"getaddrinfo","hostname":"svc-api-mapper","host":"svc-api-mapper","port":"80"}},"attempt":0}
{"level":"error","time":1700471605419,"msg":"upstream request failed","response":{"err":{"code":"ENOTFOUND","errno":"ENOTFOUND","syscall":"getaddrinfo","hostname":"svc-api-mapper","host":"svc-api-mapper","port":"80"}},"attempt":1}
{"level":"fatal","time":1700471607431,"msg":"giving up on upstream svc-api-mapper","err":"Error: getaddrinfo ENOTFOUND svc-api-mapper svc-api-mapper:80"}
"""
scenario(
    "net-node-getaddrinfo-enotfound-json", "dependency_unreachable",
    note="Node gateway in JSON lines: the upstream service name resolves to nothing (no such Service in the namespace)",
    source=[{"url": "https://github.com/kubernetes/kubernetes/issues/17763", "quote": "getaddrinfo ENOTFOUND"}],
    objects=[_p, deployment("workflow-koa-api-gateway", "production", replicas=1, ready=0),
             replicaset("workflow-koa-api-gateway-5b9f7d8c6", "production", replicas=1, ready=0),
             service("workflow-koa-api-gateway", "production", port=80, target_port=3000)],
    events=[backoff(_p, "gateway", count=17)],
    logs={log_key(_p, "gateway", previous=True): ENOTFOUND},
)

WEBPING = """** Web Ping ** Pinging: kiamol.net; method: HEAD; every: 30000ms
Making request number: 1; at 1620818153949
Making request number: 2; at 1620818183949
Making request number: 3; at 1620818213949
events.js:292
      throw er; // Unhandled 'error' event
      ^

Error: getaddrinfo EAI_AGAIN kiamol.net
     at GetAddrInfoReqWrap.onlookup [as oncomplete] (dns.js:66:26) {
   errno: 'EAI_AGAIN',
   code: 'EAI_AGAIN',
   syscall: 'getaddrinfo',
   hostname: 'kiamol.net'
 }
"""
COREDNS = """.:53
[INFO] plugin/reload: Running configuration MD5 = db32ca3650231d74073ff4cf814959a7
CoreDNS-1.8.0
linux/amd64, go1.15.3, 054c9ae
[ERROR] plugin/errors: 2 kiamol.net. A: read udp 10.244.1.6:41877->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 kiamol.net. AAAA: read udp 10.244.1.6:60215->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 identity-3.eu-de-1.cloud.sap. A: read udp 10.244.1.6:36797->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 kiamol.net. A: read udp 10.244.1.6:35093->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 kiamol.net. AAAA: read udp 10.244.1.6:54035->168.63.129.16:53: i/o timeout
"""
_p = pod("web-ping-7d5c9b8f6-8qzrw", "kiamol-ch10",
         [container("web", "kiamol/ch10-web-ping", **loop("web", "web-ping-7d5c9b8f6-8qzrw", restarts=4))])
_dns = []
for _n, _ip in (("coredns-558bd4d5db-7xk2p", "10.244.1.6"), ("coredns-558bd4d5db-m9vq4", "10.244.2.9")):
    _d = pod(_n, "kube-system", [container("coredns", "k8s.gcr.io/coredns/coredns:v1.8.0",
                                           args=["-conf", "/etc/coredns/Corefile"])])
    _d["status"] |= {"podIP": _ip, "podIPs": [{"ip": _ip}]}
    _dns.append(_d)
scenario(
    "net-coredns-upstream-timeout-eai-again", "dependency_unreachable", difficulty="hard",
    note="the app only says EAI_AGAIN; the CoreDNS pods (Running, Ready) show the upstream resolver never answering",
    source=[{"url": "https://github.com/sixeyed/kiamol/issues/12", "quote": "Error: getaddrinfo EAI_AGAIN kiamol.net"},
            {"url": "https://github.com/syseleven/designate-certmanager-webhook/issues/34",
             "quote": "[ERROR] plugin/errors: 2 identity-3.eu-de-1.cloud.sap. A: read udp 10.244.1.6:36797->168.63.129.16:53: i/o timeout"}],
    objects=[_p, deployment("web-ping", "kiamol-ch10", replicas=1, ready=0, image="kiamol/ch10-web-ping"),
             replicaset("web-ping-7d5c9b8f6", "kiamol-ch10", replicas=1, ready=0), *_dns],
    events=[backoff(_p, "web", count=12)],
    logs={log_key(_p, "web", previous=True): WEBPING, log_key(_dns[0], "coredns"): COREDNS,
          log_key(_dns[1], "coredns"): COREDNS.replace("10.244.1.6", "10.244.2.9")},
)

_p = pod("billing-sync-6c4d8b7f9-zr5tn", "storefront",
         [container("billing-sync", "registry.example.com/storefront/billing-sync:1.5.2",
                    **loop("billing-sync", "billing-sync-6c4d8b7f9-zr5tn", restarts=8, message=(
                        "Error: getaddrinfo EAI_AGAIN api.partner-billing.com\n"
                        "at GetAddrInfoReqWrap.onlookup [as oncomplete] (dns.js:57:26)\n"
                        "npm ERR! code ELIFECYCLE\nnpm ERR! errno 1\n"
                        "npm ERR! billing-sync@1.5.2 start:js: `cd out; node app.js`\nnpm ERR! Exit status 1\n")),
                    terminationMessagePolicy="FallbackToLogsOnError")])
scenario(
    "net-node-eai-again-termination-message-no-logs", "dependency_unreachable", difficulty="hard",
    note="logs cannot be read; only the FallbackToLogsOnError termination message carries the DNS failure under npm's exit noise",
    source=[{"url": "https://github.com/nodejs/docker-node/issues/1030",
             "quote": "at GetAddrInfoReqWrap.onlookup [as oncomplete] (dns.js:57:26)"}],
    objects=[_p, deployment("billing-sync", "storefront", replicas=1, ready=0),
             replicaset("billing-sync-6c4d8b7f9", "storefront", replicas=1, ready=0)],
    events=[backoff(_p, "billing-sync", count=23)],
    unavailable=["logs"],
)

_job = failed_job("build-frontend-12", "zadig", failed=1, backoff_limit=0)
_jp = job_pod("build-frontend-12-7kq2p", "zadig", "build-frontend-12",
              container("build", "koderover/build-base:focal", state=terminated(28), ready=False,
                        command=["/bin/sh", "-c", "set -ex; curl -fsSL --connect-timeout 10 -o /tmp/node.tar.xz https://nodejs.org/dist/v18.19.0/node-v18.19.0-linux-x64.tar.xz && ./build.sh"]))
scenario(
    "net-build-job-curl-28-resolving-timeout", "dependency_unreachable", difficulty="hard",
    note="a build Job fails with exit code 28; the one log line is curl's resolver timeout",
    source=[{"url": "https://github.com/koderover/zadig/issues/3552",
             "quote": "curl: (28) Resolving timed out after 10000 milliseconds"}],
    objects=[_job, _jp],
    events=job_events(_job, ["build-frontend-12-7kq2p"]),
    logs={log_key(_jp, "build"): "+ curl -fsSL --connect-timeout 10 -o /tmp/node.tar.xz https://nodejs.org/dist/v18.19.0/node-v18.19.0-linux-x64.tar.xz\ncurl: (28) Resolving timed out after 10000 milliseconds\n"},
)

# ---------------------------------------------------------------------------------------------------------------
# refused / timed out, NetworkPolicy

KATIB = "".join(f"E1218 10:{m:02d}:{s:02d}.48{i}923       1 mysql.go:62] Ping to Katib db failed: dial tcp 10.233.28.55:3306: connect: connection refused\n"
                for i, (m, s) in enumerate([(39, 50), (39, 55), (40, 0), (40, 5), (40, 10), (40, 15), (40, 20), (40, 25)]))
_p = pod("katib-db-manager-6c88c68d79-6snxk", "kubeflow",
         [container("katib-db-manager", "docker.io/kubeflowkatib/katib-db-manager:v0.10.0",
                    **loop("katib-db-manager", "katib-db-manager-6c88c68d79-6snxk", restarts=14))])
scenario(
    "net-katib-db-manager-mysql-refused", "dependency_unreachable",
    note="Go glog lines: the MySQL service refuses every ping",
    source=[{"url": "https://github.com/kubeflow/kubeflow/issues/5468",
             "quote": "Ping to Katib db failed: dial tcp 10.233.28.55:3306: connect: connection refused"}],
    objects=[_p, deployment("katib-db-manager", "kubeflow", replicas=1, ready=0),
             replicaset("katib-db-manager-6c88c68d79", "kubeflow", replicas=1, ready=0),
             service("katib-mysql", "kubeflow", selector={"app": "katib-mysql"}, port=3306, target_port=3306)],
    events=[backoff(_p, "katib-db-manager", count=58)],
    logs={log_key(_p, "katib-db-manager", previous=True): "I1218 10:39:45.421003       1 main.go:81] Start Katib manager: 0.0.0.0:6789\n" + KATIB},
)

WGET = "Connecting to web:80 (10.100.135.234:80)\nwget: download timed out\n"
_init = container("wait-for-web", "busybox:1.36", ready=False,
                  command=["sh", "-c", "until wget -O- --timeout 1 http://web:80; do sleep 2; done"])
_app = container("storefront", "registry.example.com/shop/storefront:2.3.0", state=waiting("PodInitializing"))
_p = pending_init("storefront-5f7b9c6d8-lm4nx", "shop", _init, _app)
_web = pod("web-7f9d8c6b5-q2w8e", "shop", [container("nginx", "nginx:1.25")])
_svc = service("web", "shop", port=80, target_port=80)
_svc["spec"]["clusterIP"] = "10.100.135.234"
_np = network_policy("deny-external-egress", "shop", {
    "podSelector": {"matchLabels": {"app": "storefront"}}, "policyTypes": ["Egress"],
    "egress": [{"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]})
scenario(
    "net-networkpolicy-init-wget-download-timeout", "dependency_unreachable", difficulty="hard",
    note="Init:0/1 while the web pod is healthy: an egress NetworkPolicy allows only DNS, so the init container's wget times out",
    source=[{"url": "https://github.com/ahmetb/kubernetes-network-policy-recipes/pull/63", "quote": "wget: download timed out"}],
    objects=[_p, _web, _svc, _np, deployment("storefront", "shop", replicas=1, ready=0),
             replicaset("storefront-5f7b9c6d8", "shop", replicas=1, ready=0)],
    events=[scheduled(_p), *started(_p, "wait-for-web")],
    logs={log_key(_p, "wait-for-web"): WGET * 12, log_key(_web, "nginx"):
          '10.244.3.12 - - [20/Nov/2026:08:02:11 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.31"\n'},
)

JAVA_TIMEOUT = """Exception in thread "main" io.kubernetes.client.openapi.ApiException: java.net.SocketTimeoutException: connect timed out
\tat io.kubernetes.client.openapi.ApiClient.execute(ApiClient.java:888)
\tat io.kubernetes.client.openapi.apis.CoreV1Api.listPodForAllNamespacesWithHttpInfo(CoreV1Api.java:35956)
\tat io.kubernetes.client.openapi.apis.CoreV1Api.listPodForAllNamespaces(CoreV1Api.java:35848)
\tat com.example.reports.PodInventoryJob.main(PodInventoryJob.java:53)
Caused by: java.net.SocketTimeoutException: connect timed out
\tat java.net.PlainSocketImpl.socketConnect(Native Method)
\tat java.net.AbstractPlainSocketImpl.doConnect(AbstractPlainSocketImpl.java:350)
\tat java.net.AbstractPlainSocketImpl.connectToAddress(AbstractPlainSocketImpl.java:206)
\tat java.net.AbstractPlainSocketImpl.connect(AbstractPlainSocketImpl.java:188)
\tat java.net.SocksSocketImpl.connect(SocksSocketImpl.java:392)
\tat java.net.Socket.connect(Socket.java:607)
\tat okhttp3.internal.platform.Platform.connectSocket(Platform.kt:120)
\tat okhttp3.internal.connection.RealConnection.connectSocket(RealConnection.kt:295)
\tat okhttp3.internal.connection.RealConnection.connect(RealConnection.kt:207)
\t... 21 more
"""
_p = pod("pod-inventory-7b5d9f8c4-vx7kd", "reports",
         [container("inventory", "registry.example.com/reports/pod-inventory:0.9.3",
                    **loop("inventory", "pod-inventory-7b5d9f8c4-vx7kd", restarts=6))],
         serviceAccountName="pod-inventory")
_np = network_policy("restrict-egress", "reports", {
    "podSelector": {}, "policyTypes": ["Egress"],
    "egress": [{"to": [{"podSelector": {}}]},
               {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                "ports": [{"port": 53, "protocol": "UDP"}]}]})
scenario(
    "net-java-k8s-client-connect-timeout-networkpolicy", "dependency_unreachable", difficulty="hard",
    note="Java client's connect timed out to the API server; the namespace's egress policy allows only in-namespace pods and DNS",
    source=[{"url": "https://github.com/kubernetes-client/java/issues/2023",
             "quote": "io.kubernetes.client.openapi.ApiException: java.net.SocketTimeoutException: connect timed out"}],
    objects=[_p, _np, deployment("pod-inventory", "reports", replicas=1, ready=0),
             replicaset("pod-inventory-7b5d9f8c4", "reports", replicas=1, ready=0)],
    events=[backoff(_p, "inventory", count=19)],
    logs={log_key(_p, "inventory", previous=True): JAVA_TIMEOUT},
)

KUTT_CRASH = """> kutt@3.2.2 start
> node server/server.js --production

> Ready on http://localhost:3000
/kutt/node_modules/mysql2/lib/base/connection.js:200
    const err = new Error('connect ETIMEDOUT');
                ^

Error: connect ETIMEDOUT
    at Connection._handleTimeoutError (/kutt/node_modules/mysql2/lib/base/connection.js:200:17)
    at listOnTimeout (node:internal/timers:581:17)
    at process.processTimers (node:internal/timers:519:7) {
  errorno: 'ETIMEDOUT',
  code: 'ETIMEDOUT',
  syscall: 'connect',
  fatal: true
}

Node.js v20.18.0
"""
KUTT_OK = """> kutt@3.2.2 start
> node server/server.js --production

> Ready on http://localhost:3000
GET / 200 12.104 ms - 9631
Connection Error: Error: read ECONNRESET
GET /api/v2/health 200 1.882 ms - 2
GET / 200 9.731 ms - 9631
"""
_env = [{"name": "DB_CLIENT", "value": "mysql2"}, {"name": "DB_HOST", "value": "mysql.db.internal.example.com"},
        {"name": "DB_PORT", "value": "3306"}]
_bad = pod("kutt-6d9b7c5f48-j7mzp", "kutt",
           [container("kutt", "kutt/kutt:v3.2.2", **loop("kutt", "kutt-6d9b7c5f48-j7mzp", restarts=5), env=_env)])
_good = pod("kutt-6d9b7c5f48-w2cxn", "kutt", [container("kutt", "kutt/kutt:v3.2.2", env=_env)])
scenario(
    "net-kutt-mysql-etimedout-econnreset-decoy", "dependency_unreachable", difficulty="hard",
    note="one replica crashes on a MySQL connect timeout; the healthy replica (Running, Ready, 0 restarts) logs a transient ECONNRESET",
    source=[{"url": "https://github.com/thedevs-network/kutt/issues/833",
             "quote": "const err = new Error('connect ETIMEDOUT');"},
            {"url": "https://github.com/thedevs-network/kutt/issues/833",
             "quote": "Connection Error: Error: read ECONNRESET"}],
    objects=[_bad, _good, deployment("kutt", "kutt", replicas=2, ready=1, image="kutt/kutt:v3.2.2"),
             replicaset("kutt-6d9b7c5f48", "kutt", replicas=2, ready=1)],
    events=[backoff(_bad, "kutt", count=14)],
    logs={log_key(_bad, "kutt", previous=True): KUTT_CRASH, log_key(_bad, "kutt"): "> kutt@3.2.2 start\n",
          log_key(_good, "kutt"): KUTT_OK},
)

# ---------------------------------------------------------------------------------------------------------------
# TLS

CAINJECTOR = """I0107 21:07:01.750050       1 start.go:91] "starting" version="v1.1.0" revision="7fbdd6487646e812fe74c0c05503805b5d9d4751"
E0107 21:07:01.753641       1 manager.go:279] cert-manager/controller-runtime/manager "msg"="Failed to get API Group-Resources" "error"="Get \\"https://10.96.0.1:443/api?timeout=32s\\": x509: certificate signed by unknown authority"
Error: error creating manager: Get "https://10.96.0.1:443/api?timeout=32s": x509: certificate signed by unknown authority
Usage:
  ca-injector [flags]

Flags:
      --add_dir_header                     If true, adds the file directory to the header of the log messages
      --alsologtostderr                    log to standard error as well as files
  -h, --help                               help for ca-injector
      --kubeconfig string                  Paths to a kubeconfig. Only required if out-of-cluster.
      --leader-elect                       If true, cainjector will perform leader election between instances to ensure no more than one instance of cainjector operates at a time (default true)
"""
_p = pod("cert-manager-cainjector-5c55bb7cb4-8xq2v", "cert-manager",
         [container("cert-manager", "quay.io/jetstack/cert-manager-cainjector:v1.1.0",
                    **loop("cert-manager", "cert-manager-cainjector-5c55bb7cb4-8xq2v", restarts=10),
                    args=["--v=2", "--leader-election-namespace=kube-system"])], serviceAccountName="cert-manager-cainjector")
scenario(
    "net-cert-manager-cainjector-x509-unknown-authority", "dependency_unreachable",
    note="cainjector exits at start: the API server's certificate is not trusted by the pod",
    source=[{"url": "https://github.com/cert-manager/cert-manager/issues/3281",
             "quote": "Error: error creating manager: Get \"https://10.96.0.1:443/api?timeout=32s\": x509: certificate signed by unknown authority"}],
    objects=[_p, deployment("cert-manager-cainjector", "cert-manager", replicas=1, ready=0),
             replicaset("cert-manager-cainjector-5c55bb7cb4", "cert-manager", replicas=1, ready=0)],
    events=[backoff(_p, "cert-manager", count=44)],
    logs={log_key(_p, "cert-manager", previous=True): CAINJECTOR},
)

_job = failed_job("xpoc-sync-28391040", "security-scan", failed=3, backoff_limit=2)
_pods = ["xpoc-sync-28391040-4hx7c", "xpoc-sync-28391040-9kzq2", "xpoc-sync-28391040-tn5w8"]
_jp = [job_pod(n, "security-scan", "xpoc-sync-28391040",
               container("xpoc", "registry.example.com/sec/xpoc:0.0.4", state=terminated(1), ready=False,
                         args=["pull"])) for n in _pods]
XPOC = """[INFO] 2023-06-21 17:28:12 loading config from /etc/xpoc/config.yaml [config.go:41]
[ERRO] 2023-06-21 17:28:13 pull: Get "https://registry.xray.cool/api/v1/pocs?limit=100&offset=0&query=": x509: certificate has expired or is not yet valid: current time 2023-06-21T17:28:13+08:00 is after 2021-09-30T14:01:15Z [pull.go:32]
"""
scenario(
    "net-cronjob-x509-certificate-expired", "dependency_unreachable",
    note="a scheduled sync Job fails every attempt: the remote registry's certificate expired",
    source=[{"url": "https://github.com/chaitin/xpoc/issues/14",
             "quote": "x509: certificate has expired or is not yet valid: current time 2023-06-21T17:28:13+08:00 is after 2021-09-30T14:01:15Z"}],
    objects=[_job, *_jp],
    events=job_events(_job, _pods),
    logs={log_key(p, "xpoc"): XPOC for p in _jp},
)

VOLSYNC_MSG = ("Get \"https://volsync-syncthing-1-api.kuttl-test-organic-monitor:8384/rest/config\": x509: certificate is valid "
               "for volsync-syncthing-1-88b95999-77b7b, not volsync-syncthing-1-api.kuttl-test-organic-monitor")
_rs = {"apiVersion": "volsync.backube/v1alpha1", "kind": "ReplicationSource",
       "metadata": meta("syncthing-1", "kuttl-test-organic-monitor"),
       "spec": {"sourcePVC": "data-1", "syncthing": {"serviceType": "ClusterIP"}},
       "status": {"conditions": [{"lastTransitionTime": "2022-07-07T18:10:41Z", "message": VOLSYNC_MSG,
                                  "reason": "Error", "status": "False", "type": "Synchronizing"}],
                  "lastSyncStartTime": "2022-07-07T18:10:31Z", "syncthing": {}}}
_st = pod("volsync-syncthing-1-88b95999-77b7b", "kuttl-test-organic-monitor",
          [container("syncthing", "quay.io/backube/volsync:0.5.0", ports=[{"containerPort": 8384}, {"containerPort": 22000}])])
_ctl = pod("volsync-7c9d8f6b5d-x4k2m", "volsync-system", [container("manager", "quay.io/backube/volsync:0.5.0")])
scenario(
    "net-volsync-syncthing-x509-hostname-mismatch", "dependency_unreachable", difficulty="hard",
    note="no pod fails: a custom resource's condition and the operator log say the peer's certificate names the pod, not the Service",
    source=[{"url": "https://github.com/backube/volsync/issues/309",
             "quote": "x509: certificate is valid for volsync-syncthing-1-88b95999-77b7b, not volsync-syncthing-1-api.kuttl-test-organic-monitor"}],
    objects=[_rs, _st, _ctl],
    logs={log_key(_ctl, "manager"):
          '2022-07-07T18:10:41.512Z\tERROR\tcontrollers.ReplicationSource\tfailed to reconcile\t{"replicationsource": "kuttl-test-organic-monitor/syncthing-1", "method": "syncthing", "error": "'
          + VOLSYNC_MSG.replace('"', '\\"') + '"}\n',
          log_key(_st, "syncthing"): "[start] 18:10:33 INFO: syncthing v1.20.1 \"Fermium Flea\" (go1.18.3 linux-amd64)\n[ABCDE] 18:10:35 INFO: GUI and API listening on [::]:8384\n"},
)

# ---------------------------------------------------------------------------------------------------------------
# permission_denied: rejected tokens and credentials

ALLOY = "".join(
    f'ts=2025-08-13T01:58:{s:02d}.314589955Z level=error msg="non-recoverable error" component_path=/remotecfg/self_monitoring_metrics.default component_id=prometheus.remote_write.default subcomponent=rw remote_name=34fa90 url=https://prometheus-prod-43-prod-ap-south-1.grafana.net/api/prom/push failedSampleCount=187 failedHistogramCount=0 failedExemplarCount=0 err="server returned HTTP status 401 Unauthorized: {{\\"status\\":\\"error\\",\\"error\\":\\"authentication error: invalid token\\"}}"\n'
    for s in (6, 21, 36, 51))
_p = pod("alloy-0", "monitoring", [container("alloy", "grafana/alloy:v1.10.1", args=["run", "/etc/alloy/config.alloy"])],
         owner=("StatefulSet", "alloy"))
scenario(
    "net-alloy-remote-write-401-unauthorized", "permission_denied",
    note="the collector runs fine; every remote_write push is rejected with 401 (the cloud token is not accepted)",
    source=[{"url": "https://github.com/grafana/loki/issues/18830", "quote": "server returned HTTP status 401 Unauthorized"}],
    objects=[_p, statefulset("alloy", "monitoring", replicas=1, ready=1)],
    logs={log_key(_p, "alloy"): 'ts=2025-08-13T01:57:58.002114Z level=info msg="now listening for http traffic" service=http addr=0.0.0.0:12345\n' + ALLOY},
)

_p = pod("ml-pipeline-7f8b9d6c5-qw2xr", "kubeflow",
         [container("ml-pipeline-api-server", "gcr.io/ml-pipeline/api-server:2.4.0",
                    **loop("ml-pipeline-api-server", "ml-pipeline-7f8b9d6c5-qw2xr", exit_code=255, restarts=12),
                    env=[{"name": "OBJECTSTORECONFIG_BUCKETNAME", "value": "my-kfp-bucket"},
                         {"name": "OBJECTSTORECONFIG_HOST", "value": "s3.amazonaws.com"}])],
         serviceAccountName="ml-pipeline")
scenario(
    "net-kfp-api-server-s3-access-denied-irsa", "permission_denied",
    note="glog Fatal (exit 255): the IRSA role attached to the ServiceAccount is denied on the bucket",
    source=[{"url": "https://github.com/kubeflow/pipelines/issues/11729",
             "quote": "Failed to check if object store bucket exists. Error: Access Denied."}],
    objects=[_p, deployment("ml-pipeline", "kubeflow", replicas=1, ready=0, image="gcr.io/ml-pipeline/api-server:2.4.0"),
             replicaset("ml-pipeline-7f8b9d6c5", "kubeflow", replicas=1, ready=0),
             service_account("ml-pipeline", "kubeflow",
                             {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/KubeflowS3Role"})],
    events=[backoff(_p, "ml-pipeline-api-server", count=33)],
    logs={log_key(_p, "ml-pipeline-api-server", previous=True):
          "I0306 08:18:34.102211       7 client_manager.go:163] Initializing client manager\n"
          "I0306 08:18:34.108734       7 config.go:57] Config DBConfig.MySQLConfig.ExtraParams not specified, skipping\n"
          "F0306 08:19:04.525174       7 client_manager.go:502] Failed to check if object store bucket exists. Error: Access Denied.\n"},
)

SCYLLA = "".join(
    f"I1219 16:21:{s:02d}.848791       1 cache/reflector.go:325] Listing and watching *v1.{k} from k8s.io/client-go@v0.29.5/tools/cache/reflector.go:229\n"
    f"W1219 16:21:{s:02d}.907213       1 cache/reflector.go:539] k8s.io/client-go@v0.29.5/tools/cache/reflector.go:229: failed to list *v1.{k}: Unauthorized\n"
    f"E1219 16:21:{s:02d}.907247       1 cache/reflector.go:147] k8s.io/client-go@v0.29.5/tools/cache/reflector.go:229: Failed to watch *v1.{k}: failed to list *v1.{k}: Unauthorized\n"
    for s, k in ((32, "Pod"), (37, "DaemonSet"), (41, "Job"), (46, "Pod")))
_p = pod("cluster-node-setup-4xk7q", "scylla-operator-node-tuning",
         [container("node-setup", "scylladb/scylla-operator:1.14.0", args=["node-setup-daemon"])],
         owner=("DaemonSet", "cluster-node-setup"), serviceAccountName="scylla-node-config")
scenario(
    "net-scylla-node-setup-sa-token-unauthorized", "permission_denied", difficulty="hard",
    note="the DaemonSet pod is Running and Ready after 106 days; its service-account token is no longer accepted (401 on every list)",
    source=[{"url": "https://github.com/scylladb/scylla-operator/issues/2287", "quote": "failed to list *v1.Pod: Unauthorized"}],
    objects=[_p, daemonset("cluster-node-setup", "scylla-operator-node-tuning", desired=3, ready=3)],
    logs={log_key(_p, "node-setup"): SCYLLA},
)

GCS = """2024-05-02 03:00:07,114 INFO exporter: exporting 1412 report rows to gs://acme-reports-exports/daily/2024-05-01.csv
Traceback (most recent call last):
  File "/app/export.py", line 88, in <module>
    main()
  File "/app/export.py", line 71, in main
    bucket = client.get_bucket(BUCKET)
  File "/usr/local/lib/python3.11/site-packages/google/cloud/storage/client.py", line 802, in get_bucket
    bucket.reload(
  File "/usr/local/lib/python3.11/site-packages/google/cloud/storage/bucket.py", line 1056, in reload
    super(Bucket, self).reload(
  File "/usr/local/lib/python3.11/site-packages/google/cloud/storage/_helpers.py", line 246, in reload
    api_response = client._get_resource(
  File "/usr/local/lib/python3.11/site-packages/google/api_core/retry.py", line 191, in retry_target
    return target()
  File "/usr/local/lib/python3.11/site-packages/google/cloud/_http/__init__.py", line 494, in api_request
    raise exceptions.from_http_response(response)
google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/storage/v1/b/acme-reports-exports?projection=noAcl&prettyPrint=false: reports-exporter@acme-data.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket. Permission 'storage.buckets.get' denied on resource (or it may not exist).
"""
_job = failed_job("export-reports-28650240", "data", failed=2, backoff_limit=1)
_pods = ["export-reports-28650240-hq8vd", "export-reports-28650240-p6m2s"]
_jp = [job_pod(n, "data", "export-reports-28650240",
               container("export", "europe-docker.pkg.dev/acme-data/jobs/export-reports:3.2", state=terminated(1),
                         ready=False)) for n in _pods]
for _x in _jp:
    _x["spec"]["serviceAccountName"] = "reports-exporter"
scenario(
    "net-gcs-forbidden-workload-identity-job", "permission_denied",
    note="the export Job's Google service account lacks the bucket permission (403 from the Storage API)",
    source=[{"url": "https://github.com/ansible-collections/google.cloud/issues/575",
             "quote": "does not have storage.buckets.get access to the Google Cloud Storage bucket. Permission 'storage.buckets.get' denied on resource (or it may not exist)."}],
    objects=[_job, *_jp, service_account("reports-exporter", "data",
                                         {"iam.gke.io/gcp-service-account": "reports-exporter@acme-data.iam.gserviceaccount.com"})],
    events=job_events(_job, _pods),
    logs={log_key(p, "export"): GCS for p in _jp},
)

DD = """2023-02-13 22:43:20 UTC | PROCESS | INFO | (collector.go:160 in run) | Starting process-agent for host=ip-10-0-1-17.ec2.internal, endpoints=[https://process.ddog-gov.com], enabled checks=[container rtcontainer]
2023-02-13 22:43:23 UTC | PROCESS | ERROR | (pkg/forwarder/transaction/transaction.go:357 in internalProcess) | API Key invalid, dropping transaction for https://process.ddog-gov.com/api/v1/container
2023-02-13 22:43:33 UTC | PROCESS | ERROR | (pkg/forwarder/transaction/transaction.go:357 in internalProcess) | API Key invalid, dropping transaction for https://process.ddog-gov.com/api/v1/container
2023-02-13 22:43:43 UTC | PROCESS | ERROR | (pkg/forwarder/transaction/transaction.go:357 in internalProcess) | API Key invalid, dropping transaction for https://process.ddog-gov.com/api/v1/container
"""
_p = pod("datadog-agent-7hq2n", "datadog",
         [container("agent", "gcr.io/datadoghq/agent:7.40.0"),
          container("process-agent", "gcr.io/datadoghq/agent:7.40.0",
                    env=[{"name": "DD_API_KEY", "valueFrom": {"secretKeyRef": {"name": "datadog-secret", "key": "api-key"}}},
                         {"name": "DD_SITE", "value": "ddog-gov.com"}])],
         owner=("DaemonSet", "datadog-agent"))
scenario(
    "net-datadog-process-agent-api-key-invalid", "permission_denied",
    note="agent pods are healthy; the intake rejects the configured API key and drops every payload",
    source=[{"url": "https://github.com/department-of-veterans-affairs/notification-api/issues/1083",
             "quote": "API Key invalid, dropping transaction for https://process.ddog-gov.com/api/v1/container"}],
    objects=[_p, daemonset("datadog-agent", "datadog", desired=4, ready=4)],
    logs={log_key(_p, "process-agent"): DD,
          log_key(_p, "agent"): "2023-02-13 22:43:20 UTC | CORE | INFO | (pkg/collector/runner/runner.go:264 in work) | Running check cpu\n"},
)

RUNNER = """Runtime platform                                    arch=amd64 os=linux pid=7 revision=3eda8038 version=16.7.1
Starting multi-runner from /etc/gitlab-runner/config.toml ...  builds=0
Running in system-mode.

Configuration loaded                                builds=0
Metrics server disabled
ERROR: Checking for jobs... forbidden               runner=cnqGqEov
ERROR: Checking for jobs... forbidden               runner=cnqGqEov
ERROR: Checking for jobs... forbidden               runner=cnqGqEov
ERROR: Runner https://gitlab.example.comcnqGqEov is not healthy and will be disabled!
"""
_p = pod("gitlab-runner-6f9c7b8d5-kx2pl", "gitlab-runner",
         [container("gitlab-runner", "gitlab/gitlab-runner:alpine-v16.7.1")])
scenario(
    "net-gitlab-runner-checking-for-jobs-forbidden", "permission_denied", difficulty="hard",
    note="the runner pod is Running and Ready while CI jobs stay pending: GitLab answers 403 to the runner's token",
    source=[{"url": "https://github.com/sameersbn/docker-gitlab/issues/1589", "quote": "ERROR: Checking for jobs... forbidden"}],
    objects=[_p, deployment("gitlab-runner", "gitlab-runner", replicas=1, ready=1, image="gitlab/gitlab-runner:alpine-v16.7.1"),
             replicaset("gitlab-runner-6f9c7b8d5", "gitlab-runner", replicas=1, ready=1)],
    logs={log_key(_p, "gitlab-runner"): RUNNER},
)

# ---------------------------------------------------------------------------------------------------------------
# config_error: the wrong address is configured

PYK8S = """Traceback (most recent call last):
  File "/usr/local/lib/python3.8/site-packages/urllib3/connection.py", line 159, in _new_conn
    conn = connection.create_connection(
  File "/usr/local/lib/python3.8/site-packages/urllib3/util/connection.py", line 84, in create_connection
    raise err
  File "/usr/local/lib/python3.8/site-packages/urllib3/util/connection.py", line 74, in create_connection
    sock.connect(sa)
ConnectionRefusedError: [Errno 111] Connection refused

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/reaper.py", line 41, in <module>
    pods = v1.list_pod_for_all_namespaces(watch=False)
  File "/usr/local/lib/python3.8/site-packages/kubernetes/client/api/core_v1_api.py", line 16864, in list_pod_for_all_namespaces
    return self.list_pod_for_all_namespaces_with_http_info(**kwargs)  # noqa: E501
  File "/usr/local/lib/python3.8/site-packages/kubernetes/client/rest.py", line 239, in GET
    return self.request("GET", url,
  File "/usr/local/lib/python3.8/site-packages/urllib3/poolmanager.py", line 336, in urlopen
    response = conn.urlopen(method, u.request_uri, **kw)
  File "/usr/local/lib/python3.8/site-packages/urllib3/connectionpool.py", line 755, in urlopen
    retries = retries.increment(
  File "/usr/local/lib/python3.8/site-packages/urllib3/util/retry.py", line 574, in increment
    raise MaxRetryError(_pool, url, error or ResponseError(cause))
urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='localhost', port=8080): Max retries exceeded with url: /api/v1/pods?watch=False (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7faa0ec9df90>: Failed to establish a new connection: [Errno 111] Connection refused',))
"""
_p = pod("pod-reaper-8598c6f7d4-n2v4b", "ops-tools",
         [container("reaper", "registry.example.com/ops/pod-reaper:0.3.0", **loop("reaper", "pod-reaper-8598c6f7d4-n2v4b", restarts=9),
                    command=["python", "/app/reaper.py"])], serviceAccountName="pod-reaper")
scenario(
    "net-python-k8s-client-localhost-8080-refused", "config_error", difficulty="hard",
    note="looks like a refused dependency, but the client never loaded the in-cluster config and dials the default localhost:8080",
    source=[{"url": "https://github.com/kubernetes-client/python/issues/385",
             "quote": "HTTPConnectionPool(host='localhost', port=8080): Max retries exceeded with url: /api/v1/pods?watch=False"}],
    objects=[_p, deployment("pod-reaper", "ops-tools", replicas=1, ready=0),
             replicaset("pod-reaper-8598c6f7d4", "ops-tools", replicas=1, ready=0)],
    events=[backoff(_p, "reaper", count=27)],
    logs={log_key(_p, "reaper", previous=True): PYK8S},
)

IOREDIS = """You have triggered an unhandledRejection, you may have forgotten to catch a Promise rejection:
Error: connect ECONNREFUSED 127.0.0.1:6379
    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1129:14)
This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason:
Error: connect ECONNREFUSED 127.0.0.1:6379
    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1129:14)
[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379
    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1129:14)
[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379
    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1129:14)
"""
_p = pod("bull-worker-77c5d9f8b6-h4rtk", "queue",
         [container("worker", "registry.example.com/queue/bull-worker:2.0.1", **loop("worker", "bull-worker-77c5d9f8b6-h4rtk", restarts=6),
                    env=[{"name": "REDIS_URL", "value": "redis://127.0.0.1:6379"}, {"name": "QUEUE_NAME", "value": "emails"}])])
_redis = pod("redis-master-0", "queue", [container("redis", "bitnami/redis:7.2.4", ports=[{"containerPort": 6379}])],
             owner=("StatefulSet", "redis-master"))
scenario(
    "net-ioredis-localhost-refused-service-elsewhere", "config_error", difficulty="hard",
    note="ECONNREFUSED to 127.0.0.1: REDIS_URL points at the pod itself while Redis runs healthy behind its own Service",
    source=[{"url": "https://github.com/redis/ioredis/issues/1036", "quote": "[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379"}],
    objects=[_p, _redis, service("redis-master", "queue", selector={"app": "redis-master"}, port=6379, target_port=6379),
             deployment("bull-worker", "queue", replicas=1, ready=0),
             replicaset("bull-worker-77c5d9f8b6", "queue", replicas=1, ready=0)],
    events=[backoff(_p, "worker", count=16)],
    logs={log_key(_p, "worker", previous=True): IOREDIS,
          log_key(_redis, "redis"): "1:M 20 Nov 2026 08:00:03.118 * Ready to accept connections tcp\n"},
)

_p = pod("coder-logstream-kube-5d8f9b7c6-m8x2q", "coder",
         [container("coder-logstream-kube", "ghcr.io/coder/coder-logstream-kube:v0.0.5",
                    env=[{"name": "CODER_URL", "value": "coder.example.com"},
                         {"name": "CODER_NAMESPACE", "value": "coder"}])])
scenario(
    "net-coder-logstream-unsupported-protocol-scheme", "config_error",
    note="the configured URL has no http(s):// scheme, so every upload fails before any connection",
    source=[{"url": "https://github.com/coder/coder-logstream-kube/issues/2", "quote": "upload startup logs failed"}],
    objects=[_p, deployment("coder-logstream-kube", "coder", replicas=1, ready=1),
             replicaset("coder-logstream-kube-5d8f9b7c6", "coder", replicas=1, ready=1)],
    logs={log_key(_p, "coder-logstream-kube"):
          "2023-06-08 17:02:09.114 [info]  watching pods  namespace=coder\n"
          + '2023-06-08 17:02:11.482 [warn]  upload startup logs failed  error="Patch \\"/api/v2/workspaceagents/me/startup-logs\\": unsupported protocol scheme \\"\\""  count=1\n' * 3},
)

# ---------------------------------------------------------------------------------------------------------------
# probe_failure: the exec probe is wrong, the app serves

LEDGER_OK = """{"level":"info","ts":"2026-11-20T08:14:38Z","msg":"http server listening","addr":":9090"}
{"level":"info","ts":"2026-11-20T08:14:41Z","msg":"request","method":"GET","path":"/v1/balances/8812","status":200,"duration_ms":4}
{"level":"info","ts":"2026-11-20T08:14:52Z","msg":"request","method":"POST","path":"/v1/entries","status":201,"duration_ms":11}
"""
_p = pod("ledger-api-6b8d9f7c5-r4t7w", "payments",
         [container("ledger-api", "registry.example.com/payments/ledger-api:5.1.0", state=running(),
                    last=terminated(143, "Error"), restarts=6, ports=[{"containerPort": 9090, "name": "http"}],
                    livenessProbe={"exec": {"command": ["sh", "-c", "curl -fsS http://localhost:8080/healthz"]},
                                   "initialDelaySeconds": 10, "periodSeconds": 10, "failureThreshold": 3})])
scenario(
    "net-exec-liveness-curl-7-wrong-port", "probe_failure", difficulty="hard",
    note="'Connection refused' reads like a dead dependency, but the exec probe curls port 8080 while the app serves 200s on 9090",
    source=[{"url": "https://github.com/vdesabou/kafka-docker-playground/issues/8605",
             "quote": "curl: (7) Failed to connect to localhost port 8080: Connection refused"}],
    objects=[_p, deployment("ledger-api", "payments", replicas=1, ready=1),
             replicaset("ledger-api-6b8d9f7c5", "payments", replicas=1, ready=1)],
    events=[event(_p, "Unhealthy", "Liveness probe failed: curl: (7) Failed to connect to localhost port 8080: Connection refused", count=18),
            event(_p, "Killing", "Container ledger-api failed liveness probe, will be restarted", type_="Normal", count=6)],
    logs={log_key(_p, "ledger-api"): LEDGER_OK,
          log_key(_p, "ledger-api", previous=True): LEDGER_OK + '{"level":"info","ts":"2026-11-20T08:14:31Z","msg":"received SIGTERM, shutting down"}\n'},
)

DOCS = """> docs-site@1.4.0 start
> node server.js

Server listening on http://0.0.0.0:8080
GET / 200 3.118 ms - 18321
GET /guides/getting-started 200 5.904 ms - 22410
"""
_p = pod("docs-site-58c7d9b6f4-zq9vx", "web",
         [container("docs-site", "registry.example.com/web/docs-site:1.4.0", ready=False,
                    ports=[{"containerPort": 8080}],
                    readinessProbe={"exec": {"command": ["wget", "-q", "-O-", "http://127.0.0.1:3000/healthz"]},
                                    "periodSeconds": 5})])
scenario(
    "net-exec-readiness-wget-cant-connect-wrong-port", "probe_failure",
    note="never Ready with zero restarts: the exec readiness probe's wget targets port 3000, the server listens on 8080",
    source=[{"url": "https://github.com/dgkanatsios/CKAD-exercises/pull/91", "quote": "wget: can't connect to remote host"}],
    objects=[_p, deployment("docs-site", "web", replicas=1, ready=0),
             replicaset("docs-site-58c7d9b6f4", "web", replicas=1, ready=0),
             service("docs-site", "web", port=80, target_port=8080)],
    events=[event(_p, "Unhealthy", "Readiness probe failed: wget: can't connect to remote host (127.0.0.1): Connection refused", count=120)],
    logs={log_key(_p, "docs-site"): DOCS},
)
