# ruff: noqa: E501
"""Configuration errors of widely used servers and operators on Kubernetes, in the programs' own wording.

Databases and brokers started with bad settings (PostgreSQL parameters and certificates, mongos options, Redis and
Sentinel directives, Kafka properties from Service links and Helm's number rendering, ZooKeeper, MariaDB flags,
Elasticsearch settings), proxies and web servers (Traefik, Caddy, Apache httpd), observability agents (Fluent Bit,
Promtail, Vector, Telegraf, OpenTelemetry Collector), platform tools (Keycloak, Vault, Consul, Tekton), and apps that
read a Kubernetes-injected `<SERVICE>_PORT` or a URL without a scheme; for contrast, bugs of the same software whose
text reads like configuration (a shipped default config its own parser rejects, an image built without a module, a
collector image missing a component, a panic on an invalid cluster Secret, an image regression, an operator writing
a property its agent refuses), a client certificate refused for its file mode and a config service that is down.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    NODE,
    condition,
    container,
    crash_events,
    deployment,
    deployment_and_rs,
    event,
    log_text,
    looping,
    meta,
    node,
    pod,
    pvc,
    replicaset,
    running,
    scenario,
    service,
    terminated,
)


# --- helpers -----------------------------------------------------------------------------------------------------
def _set(kind: str, name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    """A StatefulSet or DaemonSet as the API server returns it."""
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": name}},
                            "template": {"metadata": {"labels": {"app": name}},
                                         "spec": {"containers": [{"name": name, "image": image}]}}}
    if kind == "StatefulSet":
        spec |= {"replicas": replicas, "serviceName": name}
        status = {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready, "currentReplicas": replicas,
                  "updatedReplicas": replicas, "availableReplicas": ready}
    else:
        status = {"observedGeneration": 1, "currentNumberScheduled": replicas, "desiredNumberScheduled": replicas,
                  "numberMisscheduled": 0, "numberReady": ready, "numberAvailable": ready,
                  "numberUnavailable": replicas - ready, "updatedNumberScheduled": replicas}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, ns, generation=1), "spec": spec,
            "status": status}


def _crashing(name: str, ns: str, cname: str, image: str, *, exit_code: int = 1, restarts: int = 6,
              owner: tuple[str, str] | None = None, reason: str = "Error", cspec: dict[str, Any] | None = None,
              **pspec: Any) -> dict[str, Any]:
    """A pod whose one container is in CrashLoopBackOff."""
    c = container(cname, image, **looping(name, ns, cname, exit_code, restarts, reason), **(cspec or {}))
    return pod(name, ns, [c], owner=owner, **pspec)


def _healthy(name: str, ns: str, cname: str, image: str, *, owner: tuple[str, str] | None = None,
             **cspec: Any) -> dict[str, Any]:
    """A pod that runs and is ready, no restarts."""
    return pod(name, ns, [container(cname, image, **cspec)], owner=owner)


def _secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _env(**values: str) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in values.items()]


# =================================================================================================================
# config_error: databases and brokers
# =================================================================================================================

# --- Crunchy PostGIS HA: the replica's port variable is empty, Patroni keeps starting a postmaster that refuses it;
#     the pod stays Running, only readiness fails, and the primary beside it is healthy.
_ns = "postgis-ha"
_img = "registry.developers.crunchydata.com/crunchydata/crunchy-postgres-gis-ha:centos7-13.1-3.0-4.5.1"
_q = 'invalid value for parameter "port": ""'
_rep = "postgis-ha-02-5d8d9694d7-g522p"
_pri = "postgis-ha-01-844bdbf676-q6z57"
_r = pod(_rep, _ns, [container("postgres", _img, state=running(), ready=False,
                               env=_env(PG_MODE="replica", PG_PRIMARY_HOST="master", PG_PRIMARY_PORT="5432",
                                        PGHA_PG_PORT=""),
                               readinessProbe={"exec": {"command": ["/opt/crunchy/bin/postgres-ha/health/pgha-readiness.sh"]},
                                               "periodSeconds": 10})])
_m = _healthy(_pri, _ns, "postgres", _img, env=_env(PG_MODE="primary", PGHA_PG_PORT="5432"))
scenario(
    "conf-postgis-replica-empty-port-parameter", "config_error", difficulty="hard",
    note="a Patroni replica Running but never Ready: each postmaster start refuses an empty port; the primary is healthy, no restarts",
    source=[{"url": "https://github.com/CrunchyData/crunchy-containers/issues/1330", "quote": _q}],
    objects=[_r, _m, *deployment_and_rs("postgis-ha-02", _ns, "5d8d9694d7", _img),
             deployment("postgis-ha-01", _ns, replicas=1, ready=1, image=_img), node()],
    events=[event(_r, "Unhealthy", "Readiness probe failed: ", count=41)],
    logs={f"{_ns}/{_rep}/postgres": log_text(
        "2026-11-20 08:14:24,542 INFO: Lock owner: postgis-ha-01-844bdbf676-q6z57; I am postgis-ha-02-5d8d9694d7-g522p",
        "2026-11-20 08:14:24,549 INFO: Reaped pid=65844, exit status=0",
        "2026-11-20 08:14:24,552 INFO: Reaped pid=65845, exit status=0",
        "2026-11-20 08:14:24,552 INFO: Local timeline=None lsn=None",
        "2026-11-20 08:14:24,553 INFO: Lock owner: postgis-ha-01-844bdbf676-q6z57; I am postgis-ha-02-5d8d9694d7-g522p",
        "2026-11-20 08:14:24,561 INFO: starting as a secondary",
        f"2026-11-20 08:14:24.601 UTC [65851] FATAL:  {_q}",
        "2026-11-20 08:14:25,588 INFO: postmaster pid=65851",
        "2026-11-20 08:14:25,590 ERROR: postmaster is not running",
        "2026-11-20 08:14:34,542 INFO: Lock owner: postgis-ha-01-844bdbf676-q6z57; I am postgis-ha-02-5d8d9694d7-g522p",
        "2026-11-20 08:14:34,561 INFO: starting as a secondary",
        f"2026-11-20 08:14:34.598 UTC [65870] FATAL:  {_q}"),
        f"{_ns}/{_pri}/postgres": log_text(
            "2026-11-20 08:14:21,004 INFO: Lock owner: postgis-ha-01-844bdbf676-q6z57; I am postgis-ha-01-844bdbf676-q6z57",
            "2026-11-20 08:14:21,012 INFO: no action.  i am the leader with the lock",
            "2026-11-20 08:14:31,004 INFO: no action.  i am the leader with the lock")})

# --- Percona mongos refuses an option only mongod knows (operationProfiling in the mongos custom config).
_ns = "psmdb-test"
_img = "percona/percona-server-mongodb:4.4.6-8"
_name = "my-cluster-name-mongos-6d8f7c9b5-kq2wz"
_q = "Unrecognized option: operationProfiling.mode"
_p = _crashing(_name, _ns, "mongos", _img, exit_code=2, restarts=5)
scenario(
    "conf-mongos-refuses-mongod-option", "config_error",
    note="mongos exits 2 on its custom config: operationProfiling.mode is a mongod option",
    source=[{"url": "https://github.com/percona/percona-server-mongodb-operator/pull/699", "quote": _q}],
    objects=[_p, *deployment_and_rs("my-cluster-name-mongos", _ns, "6d8f7c9b5", _img, replicas=3), node()],
    events=crash_events(_p, "mongos", _img, 5),
    logs={f"{_ns}/{_name}/mongos:previous": log_text(
        "+ exec mongos --bind_ip_all --port=27017 --configdb cfg/my-cluster-name-cfg-0.my-cluster-name-cfg.psmdb-test.svc.cluster.local:27017,my-cluster-name-cfg-1.my-cluster-name-cfg.psmdb-test.svc.cluster.local:27017,my-cluster-name-cfg-2.my-cluster-name-cfg.psmdb-test.svc.cluster.local:27017 --relaxPermChecks --clusterAuthMode=x509 --config=/etc/mongos-config/mongos.conf --tlsMode preferTLS --tlsCertificateKeyFile /tmp/tls.pem --tlsAllowInvalidCertificates --tlsClusterFile /tmp/tls-internal.pem --tlsCAFile /etc/mongodb-ssl/ca.crt --tlsClusterCAFile /etc/mongodb-ssl-internal/ca.crt",
        _q,
        "try 'mongos --help' for more information")})

# --- Redis started with each option as one argument string: the joined config line has too many arguments.
_ns = "cache"
_img = "redis:7.0.2"
_name = "redis0-7b9c5d6f48-p2xlm"
_q = ">>> 'port 6379 \"--appendonly no\"'"
_p = _crashing(_name, _ns, "redis", _img, restarts=4,
               cspec={"command": ["redis-server"],
                      "args": ["--port 6379", "--appendonly no", "--appendfsync no", "--dbfilename redis.rdb",
                               "--dir /data", "--requirepass $(REDIS_PASSWORD)"]})
scenario(
    "conf-redis-args-as-single-strings", "config_error",
    note="redis-server args written as '--port 6379' single strings: Redis 7 reads them as one config line",
    source=[{"url": "https://github.com/redis/docker-library-redis/issues/322", "quote": _q}],
    objects=[_p, *deployment_and_rs("redis0", _ns, "7b9c5d6f48", _img), node()],
    events=crash_events(_p, "redis", _img, 4),
    logs={f"{_ns}/{_name}/redis:previous": log_text(
        "", "*** FATAL CONFIG FILE ERROR (Redis 7.0.2) ***", "Reading the configuration file, at line 2", _q,
        "wrong number of arguments")})

# --- Redis 6.2 Sentinel given a hostname without `sentinel resolve-hostnames yes`: it says it cannot resolve a name
#     that resolves fine from every other pod (the master and replicas are Running).
_ns = "db"
_img = "redis:6.2.2"
_name = "redis-sentinel-sentinel-ss-0"
_q = "Can't resolve instance hostname."
_p = _crashing(_name, _ns, "sentinel", _img, restarts=2, owner=("StatefulSet", "redis-sentinel-sentinel-ss"),
               cspec={"command": ["redis-sentinel", "/etc/redis/sentinel.conf"]})
_others = [_healthy(n, _ns, "redis", _img, owner=("StatefulSet", n.rsplit("-", 1)[0]))
           for n in ("redis-sentinel-master-ss-0", "redis-sentinel-slave-ss-0", "redis-sentinel-slave-ss-1",
                     "redis-sentinel-slave-ss-2")]
scenario(
    "conf-sentinel-hostname-without-resolve-hostnames", "config_error", difficulty="hard",
    note="reads like DNS, but the master name resolves from every pod: Redis 6.2 Sentinel needs resolve-hostnames to accept hostnames",
    source=[{"url": "https://github.com/dotbalo/k8s/issues/6", "quote": _q}],
    objects=[_p, *_others, _set("StatefulSet", "redis-sentinel-sentinel-ss", _ns, _img, replicas=3),
             _set("StatefulSet", "redis-sentinel-master-ss", _ns, _img, ready=1),
             _set("StatefulSet", "redis-sentinel-slave-ss", _ns, _img, replicas=3, ready=3), node()],
    events=crash_events(_p, "sentinel", _img, 2),
    logs={f"{_ns}/{_name}/sentinel:previous": log_text(
        "", "*** FATAL CONFIG FILE ERROR (Redis 6.2.2) ***", "Reading the configuration file, at line 3",
        ">>> 'sentinel monitor mymaster redis-sentinel-master-ss-0.redis-sentinel-master-ss.db.svc.cluster.local 6379 2'",
        _q)})

# --- A Service named `kafka` makes Kubernetes inject KAFKA_PORT=tcp://...; the image turns KAFKA_* into properties.
_ns = "streaming"
_img = "wurstmeister/kafka:2.12-2.2.1"
_name = "kafka-5c7d9b8f6-t7vqk"
_q = "Invalid value tcp://10.0.35.234:9092 for configuration port: Not a number of type INT"
_p = _crashing(_name, _ns, "kafka", _img, restarts=7,
               cspec={"ports": [{"containerPort": 9092}],
                      "env": _env(KAFKA_ADVERTISED_PORT="9092", KAFKA_ADVERTISED_HOST_NAME="kafka",
                                  KAFKA_ZOOKEEPER_CONNECT="zk1:2181,zk2:2181,zk3:2181", KAFKA_CREATE_TOPICS="test:1:1")})
_svc = service("kafka", _ns, port=9092, target_port=9092)
_svc["spec"]["clusterIP"] = "10.0.35.234"
scenario(
    "conf-kafka-port-from-service-link", "config_error", difficulty="hard",
    note="nobody set KAFKA_PORT: the Service named kafka injects it (tcp://ip:port) and the image maps it to the broker's port property",
    source=[{"url": "https://github.com/wurstmeister/kafka-docker/issues/122", "quote": _q}],
    objects=[_p, _svc, *deployment_and_rs("kafka", _ns, "5c7d9b8f6", _img), node()],
    events=crash_events(_p, "kafka", _img, 7),
    logs={f"{_ns}/{_name}/kafka:previous": log_text(
        "awk: cmd. line:1: Unexpected token",
        "creating topics: test:1:1",
        "[2026-11-20 08:14:09,293] FATAL  (kafka.Kafka$)",
        f"org.apache.kafka.common.config.ConfigException: {_q}",
        "\tat org.apache.kafka.common.config.ConfigDef.parseType(ConfigDef.java:670)",
        "\tat org.apache.kafka.common.config.ConfigDef.parse(ConfigDef.java:418)",
        "\tat org.apache.kafka.common.config.AbstractConfig.<init>(AbstractConfig.java:55)",
        "\tat kafka.server.KafkaConfig.<init>(KafkaConfig.scala:759)",
        "\tat kafka.server.KafkaConfig$.fromProps(KafkaConfig.scala:743)",
        "\tat kafka.Kafka$.main(Kafka.scala:59)",
        "\tat kafka.Kafka.main(Kafka.scala)")})

# --- cp-kafka rolling update: Helm rendered message.max.bytes in scientific notation; the updated broker (ordinal 2)
#     crash-loops while the others, still on the old config, log that node 2 is gone.
_ns = "confluent"
_img = "confluentinc/cp-enterprise-kafka:5.3.0"
_q = "Invalid value 2.197152e+07 for configuration message.max.bytes: Not a number of type INT"
_bad, _ok = "cp-kafka-2", "cp-kafka-1"
_p = _crashing(_bad, _ns, "cp-kafka-broker", _img, restarts=6, owner=("StatefulSet", "cp-kafka"),
               cspec={"env": _env(KAFKA_MESSAGE_MAX_BYTES="2.197152e+07", KAFKA_REPLICA_FETCH_MAX_BYTES="2.197152e+07",
                                  KAFKA_LOG_RETENTION_HOURS="1")})
_h = _healthy(_ok, _ns, "cp-kafka-broker", _img, owner=("StatefulSet", "cp-kafka"))
_sts = _set("StatefulSet", "cp-kafka", _ns, _img, replicas=3, ready=2)
_sts["status"] |= {"updatedReplicas": 1, "currentRevision": "cp-kafka-7d5b9c6f4", "updateRevision": "cp-kafka-5f8c7d9b6"}
scenario(
    "conf-cp-kafka-helm-scientific-notation", "config_error", difficulty="hard",
    note="rolling update: a large integer in Helm values rendered as 2.197152e+07; healthy brokers only warn that node 2 is unreachable",
    source=[{"url": "https://github.com/confluentinc/cp-helm-charts/issues/317", "quote": _q}],
    objects=[_p, _h, _sts, node()],
    events=crash_events(_p, "cp-kafka-broker", _img, 6),
    logs={f"{_ns}/{_bad}/cp-kafka-broker:previous": log_text(
        "===> Launching kafka ... ",
        "[2026-11-20 08:14:52,253] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)",
        "[2026-11-20 08:14:52,816] ERROR Fatal error during SupportedServerStartable startup. Prepare to shutdown (io.confluent.support.metrics.SupportedKafka)",
        f"org.apache.kafka.common.config.ConfigException: {_q}",
        "    at org.apache.kafka.common.config.ConfigDef.parseType(ConfigDef.java:718)",
        "    at org.apache.kafka.common.config.ConfigDef.parseValue(ConfigDef.java:473)",
        "    at org.apache.kafka.common.config.ConfigDef.parse(ConfigDef.java:466)",
        "    at org.apache.kafka.common.config.AbstractConfig.<init>(AbstractConfig.java:108)",
        "    at org.apache.kafka.common.config.AbstractConfig.<init>(AbstractConfig.java:142)",
        "    at kafka.server.KafkaConfig.<init>(KafkaConfig.scala:1111)"),
        f"{_ns}/{_ok}/cp-kafka-broker": log_text(
            "[2026-11-20 08:13:58,402] INFO [Partition orders-3 broker=1] Shrinking ISR from 1,2 to 1. (kafka.cluster.Partition)",
            "[2026-11-20 08:14:03,117] WARN [ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0] Connection to node 2 (cp-kafka-2.cp-kafka-headless.confluent/10.244.3.52:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)",
            "[2026-11-20 08:14:33,905] INFO [Controller id=1] Newly added brokers: , deleted brokers: 2, all live brokers: 0,1 (kafka.controller.KafkaController)")})

# --- Confluent-free ZooKeeper of kubernetes-kafka: the statefulset points at a config file its ConfigMap does not have.
_ns = "kafka"
_img = "solsson/kafka:2.5.0@sha256:b8ca4b0ad6a1c0e2a1b0b7f08d6a0dd6ff6a9e6e3bda7f5d0f8cbd86bd5e4f2a"
_name = "pzoo-0"
_q = "/etc/kafka/zookeeper.properties.scale-5.pzoo-0 file is missing"
_p = _crashing(_name, _ns, "zookeeper", _img, restarts=5, owner=("StatefulSet", "pzoo"),
               cspec={"command": ["./bin/zookeeper-server-start.sh", "/etc/kafka/zookeeper.properties.scale-5.$(POD_NAME)"]})
scenario(
    "conf-zookeeper-properties-file-missing", "config_error",
    note="ZooKeeper's quorum config for the scale-5 variant is not in the mounted ConfigMap",
    source=[{"url": "https://github.com/Yolean/kubernetes-kafka/issues/329", "quote": _q}],
    objects=[_p, _set("StatefulSet", "pzoo", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "zookeeper", _img, 5),
    logs={f"{_ns}/{_name}/zookeeper:previous": log_text(
        "[2026-11-20 08:14:39,910] INFO Reading configuration from: /etc/kafka/zookeeper.properties.scale-5.pzoo-0 (org.apache.zookeeper.server.quorum.QuorumPeerConfig)",
        "[2026-11-20 08:14:39,929] ERROR Invalid config, exiting abnormally (org.apache.zookeeper.server.quorum.QuorumPeerMain)",
        "org.apache.zookeeper.server.quorum.QuorumPeerConfig$ConfigException: Error processing /etc/kafka/zookeeper.properties.scale-5.pzoo-0",
        "\tat org.apache.zookeeper.server.quorum.QuorumPeerConfig.parse(QuorumPeerConfig.java:156)",
        "\tat org.apache.zookeeper.server.quorum.QuorumPeerMain.initializeAndRun(QuorumPeerMain.java:113)",
        "\tat org.apache.zookeeper.server.quorum.QuorumPeerMain.main(QuorumPeerMain.java:82)",
        f"Caused by: java.lang.IllegalArgumentException: {_q}",
        "\tat org.apache.zookeeper.server.util.VerifyingFileFactory.doFailForNonExistingPath(VerifyingFileFactory.java:51)",
        "\tat org.apache.zookeeper.server.util.VerifyingFileFactory.validate(VerifyingFileFactory.java:45)",
        "\tat org.apache.zookeeper.server.util.VerifyingFileFactory.create(VerifyingFileFactory.java:40)",
        "\tat org.apache.zookeeper.server.quorum.QuorumPeerConfig.parse(QuorumPeerConfig.java:141)",
        "\t... 2 more",
        "Invalid config, exiting abnormally")})

# --- MariaDB Galera extraFlags written as a YAML list inside a string: mysqld gets '[--max_connections=2000]' and
#     aborts with signal 6, which looks like a crash.
_ns = "db-prod"
_img = "docker.io/bitnami/mariadb-galera:10.11.4-debian-11-r0"
_name = "mariadb-release-mariadb-galera-0"
_q = "Too many arguments (first extra is '[--max_connections=2000]')"
_p = _crashing(_name, _ns, "mariadb-galera", _img, exit_code=134, restarts=5,
               owner=("StatefulSet", "mariadb-release-mariadb-galera"),
               cspec={"env": _env(MARIADB_EXTRA_FLAGS="[--max_connections=2000]")})
scenario(
    "conf-mariadb-galera-extra-flag-in-brackets", "config_error", difficulty="hard",
    note="exit 134 and 'mysqld got signal 6' look like a crash; mysqld was given a bracketed flag string it cannot parse",
    source=[{"url": "https://github.com/bitnami/charts/issues/7198", "quote": _q}],
    objects=[_p, _set("StatefulSet", "mariadb-release-mariadb-galera", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "mariadb-galera", _img, 5),
    logs={f"{_ns}/{_name}/mariadb-galera:previous": log_text(
        "mariadb 08:14:49.11 INFO  ==> ** Starting MariaDB **",
        "2026-11-20  8:14:52 0 [Note] InnoDB: Loading buffer pool(s) from /bitnami/mariadb/data/ib_buffer_pool",
        "2026-11-20  8:14:52 0 [Note] Plugin 'FEEDBACK' is disabled.",
        f"/opt/bitnami/mariadb/sbin/mysqld: {_q}.",
        "2026-11-20  8:14:52 0 [ERROR] Aborting",
        "terminate called after throwing an instance of 'wsrep::runtime_error'",
        "  what():  State wait was interrupted",
        "261120  8:14:52 [ERROR] mysqld got signal 6 ;")})

# --- PostgreSQL (Bitnami) with ssl = on from a custom postgresql.conf, the certificates never copied where it looks.
_ns = "data"
_img = "docker.io/bitnami/postgresql:12.3.0-debian-10-r18"
_name = "postgresql-postgresql-0"
_q = 'could not load server certificate file "server.crt": No such file or directory'
_p = _crashing(_name, _ns, "postgresql", _img, restarts=4, owner=("StatefulSet", "postgresql-postgresql"))
scenario(
    "conf-postgres-server-certificate-not-found", "config_error",
    note="postgres FATAL at start: ssl enabled in the ConfigMap's postgresql.conf, server.crt not at the configured path",
    source=[{"url": "https://github.com/bitnami/charts/issues/3315", "quote": _q}],
    objects=[_p, _set("StatefulSet", "postgresql-postgresql", _ns, _img), pvc("data-postgresql-postgresql-0", _ns),
             node()],
    events=crash_events(_p, "postgresql", _img, 4),
    logs={f"{_ns}/{_name}/postgresql:previous": log_text(
        "postgresql 08:14:17.48 INFO  ==> ** Starting PostgreSQL setup **",
        "postgresql 08:14:17.59 INFO  ==> Validating settings in POSTGRESQL_* env vars..",
        "postgresql 08:14:17.61 INFO  ==> Custom configuration /opt/bitnami/postgresql/conf/postgresql.conf detected",
        "postgresql 08:14:17.80 INFO  ==> ** PostgreSQL setup finished! **",
        "postgresql 08:14:17.84 INFO  ==> ** Starting PostgreSQL **",
        f"2026-11-20 08:14:18 UTC  1  FATAL:  {_q}",
        "2026-11-20 08:14:18 UTC  1  LOG:  database system is shut down")})

# --- Elasticsearch: cluster.name left empty in elasticsearch.yml (the variable it came from was not set).
_ns = "logging"
_img = "docker.elastic.co/elasticsearch/elasticsearch-oss:6.3.0"
_name = "elasticsearch-master-0"
_q = "null-valued setting found for key [cluster.name] found at line number [2], column number [8]"
_p = _crashing(_name, _ns, "elasticsearch", _img, restarts=5, owner=("StatefulSet", "elasticsearch-master"))
scenario(
    "conf-elasticsearch-null-cluster-name", "config_error",
    note="elasticsearch.yml renders cluster.name with no value; the settings parser refuses it",
    source=[{"url": "https://github.com/lalamove/helm-elasticsearch/issues/33", "quote": _q}],
    objects=[_p, _set("StatefulSet", "elasticsearch-master", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "elasticsearch", _img, 5),
    logs={f"{_ns}/{_name}/elasticsearch:previous": log_text(
        f'Exception in thread "main" ElasticsearchParseException[{_q}]',
        "        at org.elasticsearch.common.settings.Settings.validateValue(Settings.java:759)",
        "        at org.elasticsearch.common.settings.Settings.fromXContent(Settings.java:723)",
        "        at org.elasticsearch.common.settings.Settings.fromXContent(Settings.java:704)",
        "        at org.elasticsearch.common.settings.Settings.fromXContent(Settings.java:673)",
        "        at org.elasticsearch.common.settings.Settings.access$500(Settings.java:82)",
        "        at org.elasticsearch.common.settings.Settings$Builder.loadFromStream(Settings.java:1183)",
        "        at org.elasticsearch.common.settings.Settings$Builder.loadFromPath(Settings.java:1162)",
        "        at org.elasticsearch.node.InternalSettingsPreparer.prepareEnvironment(InternalSettingsPreparer.java:99)",
        "        at org.elasticsearch.cli.EnvironmentAwareCommand.createEnv(EnvironmentAwareCommand.java:95)",
        "        at org.elasticsearch.cli.EnvironmentAwareCommand.execute(EnvironmentAwareCommand.java:86)")})

# --- Elasticsearch (Bitnami): the ConfigMap still sets a discovery plugin's setting, the plugin is not installed.
_ns = "search"
_img = "docker.io/bitnami/elasticsearch:6.2.4-r4"
_name = "elasticsearch-data-1"
_q = "unknown setting [cloud.kubernetes.service] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"
_p = _crashing(_name, _ns, "elasticsearch", _img, exit_code=78, restarts=6, owner=("StatefulSet", "elasticsearch-data"))
scenario(
    "conf-elasticsearch-setting-of-absent-plugin", "config_error",
    note="elasticsearch.yml has cloud.kubernetes.service but the fabric8 discovery plugin is not installed",
    source=[{"url": "https://github.com/bitnami/charts/issues/688", "quote": _q}],
    objects=[_p, _set("StatefulSet", "elasticsearch-data", _ns, _img, replicas=2, ready=1), node()],
    events=crash_events(_p, "elasticsearch", _img, 6),
    logs={f"{_ns}/{_name}/elasticsearch:previous": log_text(
        "[2026-11-20T08:14:40,611][INFO ][o.e.p.PluginsService     ] [elasticsearch-data-1] loaded module [transport-netty4]",
        "[2026-11-20T08:14:40,612][INFO ][o.e.p.PluginsService     ] [elasticsearch-data-1] no plugins loaded",
        "[2026-11-20T08:14:40,790][ERROR][o.e.b.Bootstrap          ] Exception",
        "java.lang.IllegalArgumentException: unknown setting [cloud.kubernetes.namespace] please check that any required plugins are installed, or check the breaking changes documentation for removed settings",
        "\tat org.elasticsearch.common.settings.AbstractScopedSettings.validate(AbstractScopedSettings.java:293) ~[elasticsearch-6.2.4.jar:6.2.4]",
        f"\tSuppressed: java.lang.IllegalArgumentException: {_q}",
        "\t\tat org.elasticsearch.common.settings.AbstractScopedSettings.validate(AbstractScopedSettings.java:293) ~[elasticsearch-6.2.4.jar:6.2.4]")})


# =================================================================================================================
# config_error: proxies and web servers
# =================================================================================================================

# --- Traefik: the image tag moved to v2 under a v1-style argument list. A rollout: the old ReplicaSet's pod (1.7)
#     still serves, the new one crash-loops with a one-line error.
_ns = "traefik"
_new_img, _old_img = "traefik:latest", "traefik:1.7"
_new, _old = "traefik-ingress-controller-5d96649bb7-v5q4b", "traefik-ingress-controller-7f6c8d9b54-h8r2n"
_q = "command traefik error: field not found, node: entryPoint"
_p = _crashing(_new, _ns, "traefik-ingress-lb", _new_img, restarts=6,
               cspec={"args": ["--api", "--kubernetes", "--logLevel=INFO", "--defaultentrypoints=http,https",
                               "--entrypoints=Name:https Address::443 TLS", "--entrypoints=Name:http Address::80",
                               "--entryPoint.http.redirect.entryPoint=https"]})
_o = _healthy(_old, _ns, "traefik-ingress-lb", _old_img)
_dep = deployment("traefik-ingress-controller", _ns, replicas=1, ready=1, image=_new_img, revision=2, conditions=[
    condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
    condition("Progressing", "True", "ReplicaSetUpdated",
              'ReplicaSet "traefik-ingress-controller-5d96649bb7" is progressing.')])
scenario(
    "conf-traefik-v1-flags-on-v2-image", "config_error", difficulty="hard",
    note="rollout to an unpinned tag: the new pod's v1 flags are unknown to Traefik v2; the old ReplicaSet's pod is healthy",
    source=[{"url": "https://github.com/dusansusic/kubernetes-traefik/issues/7", "quote": _q}],
    objects=[_p, _o, _dep,
             replicaset("traefik-ingress-controller-5d96649bb7", _ns, replicas=1, ready=0,
                        deployment_name="traefik-ingress-controller", revision=2),
             replicaset("traefik-ingress-controller-7f6c8d9b54", _ns, replicas=1, ready=1,
                        deployment_name="traefik-ingress-controller", revision=1), node()],
    events=crash_events(_p, "traefik-ingress-lb", _new_img, 6),
    logs={f"{_ns}/{_new}/traefik-ingress-lb:previous": log_text(f"2026/11/20 08:14:45 {_q}"),
          f"{_ns}/{_old}/traefik-ingress-lb": log_text(
              'time="2026-11-20T08:12:01Z" level=info msg="Server configuration reloaded on :80"',
              'time="2026-11-20T08:12:01Z" level=info msg="Server configuration reloaded on :443"')})

# --- Caddy: header_up placed outside reverse_proxy.
_ns = "analytics"
_img = "caddy:2.10.0"
_name = "caddy-6b8d9f7c45-zq7mn"
_q = "unrecognized directive: header_up - are you sure your Caddyfile structure (nesting and braces) is correct?"
_p = _crashing(_name, _ns, "caddy", _img, restarts=5)
scenario(
    "conf-caddy-directive-outside-its-block", "config_error",
    note="Caddyfile adapter refuses header_up used directly in handle_path",
    source=[{"url": "https://github.com/rybbit-io/rybbit/issues/250", "quote": _q}],
    objects=[_p, *deployment_and_rs("caddy", _ns, "6b8d9f7c45", _img), node()],
    events=crash_events(_p, "caddy", _img, 5),
    logs={f"{_ns}/{_name}/caddy:previous": log_text(
        '{"level":"info","ts":1795162472.7811096,"msg":"maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined"}',
        '{"level":"info","ts":1795162472.7817385,"msg":"using config from file","file":"/etc/caddy/Caddyfile"}',
        '{"level":"info","ts":1795162472.782315,"msg":"maxprocs: No GOMAXPROCS change to reset"}',
        f"Error: adapting config using caddyfile: parsing caddyfile tokens for 'handle_path': {_q}, at /etc/caddy/Caddyfile:15")})

# --- Apache httpd: a mounted conf uses Header, mod_headers is not loaded.
_ns = "web"
_img = "httpd:2.4.62"
_name = "docs-site-7c4f9b6d58-r6t2x"
_q = "Invalid command 'Header', perhaps misspelled or defined by a module not included in the server configuration"
_p = _crashing(_name, _ns, "httpd", _img, restarts=3,
               cspec={"volumeMounts": [{"name": "extra-conf", "mountPath": "/usr/local/apache2/conf/extra/security-headers.conf",
                                        "subPath": "security-headers.conf"}]},
               volumes=[{"name": "extra-conf", "configMap": {"name": "docs-site-httpd"}}])
scenario(
    "conf-httpd-header-without-mod-headers", "config_error",
    note="AH00526: the ConfigMap's conf uses the Header directive, the module that defines it is not loaded",
    source=[{"url": "https://github.com/perfsonar/toolkit/issues/513", "quote": _q}],
    objects=[_p, *deployment_and_rs("docs-site", _ns, "7c4f9b6d58", _img, replicas=2), node()],
    events=crash_events(_p, "httpd", _img, 3),
    logs={f"{_ns}/{_name}/httpd:previous": log_text(
        "AH00526: Syntax error on line 18 of /usr/local/apache2/conf/extra/security-headers.conf:", _q)})

# --- LDAP Account Manager: a PersistentVolume mounted over the directory that holds the Apache snippet; the conf
#     symlink dangles. The volume itself is fine.
_ns = "directory"
_img = "ldapaccountmanager/lam:6.9"
_name = "ldap-account-manager-6f9d8c7b5-w4xlp"
_q = "Could not open configuration file /etc/apache2/conf-enabled/ldap-account-manager.conf: No such file or directory"
_p = _crashing(_name, _ns, "lam", _img, restarts=6,
               cspec={"volumeMounts": [{"name": "lam-config", "mountPath": "/etc/ldap-account-manager"},
                                       {"name": "lam-config", "mountPath": "/var/lib/ldap-account-manager/config",
                                        "subPath": "config"}]},
               volumes=[{"name": "lam-config", "persistentVolumeClaim": {"claimName": "lam-config"}}])
scenario(
    "conf-apache-snippet-hidden-by-volume-mount", "config_error", difficulty="hard",
    note="the PVC mounts and binds fine; mounted over /etc/ldap-account-manager it hides the file the Apache conf symlink points to",
    source=[{"url": "https://github.com/LDAPAccountManager/lam/issues/78", "quote": _q}],
    objects=[_p, pvc("lam-config", _ns, size="1Gi"), *deployment_and_rs("ldap-account-manager", _ns, "6f9d8c7b5", _img),
             node()],
    events=[event(_p, "Scheduled", f"Successfully assigned {_ns}/{_name} to {NODE}", type_="Normal", count=1,
                  component="default-scheduler"),
            event(_p, "SuccessfulAttachVolume", 'AttachVolume.Attach succeeded for volume "pvc-3b1f9e4a-lam-config"',
                  type_="Normal", count=1, component="attachdetach-controller"),
            *crash_events(_p, "lam", _img, 6)],
    logs={f"{_ns}/{_name}/lam:previous": log_text(f"apache2: Syntax error on line 222 of /etc/apache2/apache2.conf: {_q}")})


# =================================================================================================================
# config_error: observability agents
# =================================================================================================================

# --- OpenTelemetry Collector: an option from the docs in the wrong place of the jaeger receiver.
_ns = "observability"
_img = "otel/opentelemetry-collector-contrib:0.19.0"
_name = "otel-collector-7d8b6c9f5-m9q4t"
_q = "'remote_sampling' has invalid keys: fetch_endpoint"
_p = _crashing(_name, _ns, "otel-collector", _img, restarts=5,
               cspec={"args": ["--config=/conf/otel-collector-config.yaml", "--mem-ballast-size-mib=683"]})
scenario(
    "conf-otel-receiver-invalid-key", "config_error",
    note="collector config decoding refuses a key the jaeger receiver's remote_sampling block does not have",
    source=[{"url": "https://github.com/open-telemetry/opentelemetry-collector/issues/2440", "quote": _q}],
    objects=[_p, *deployment_and_rs("otel-collector", _ns, "7d8b6c9f5", _img), node()],
    events=crash_events(_p, "otel-collector", _img, 5),
    logs={f"{_ns}/{_name}/otel-collector:previous": log_text(
        '2026-11-20T08:14:30.101Z\tinfo\tservice/application.go:411\tStarting OpenTelemetry Contrib Collector...\t{"Version": "latest", "GitHash": "bb44b79b", "NumCPU": 2}',
        "2026-11-20T08:14:30.101Z\tinfo\tservice/application.go:255\tSetting up own telemetry...",
        "2026-11-20T08:14:30.104Z\tinfo\tservice/application.go:274\tLoading configuration...",
        "Error: cannot load configuration: error reading receivers configuration for jaeger: 1 error(s) decoding:",
        "",
        f"* {_q}",
        "2026/11/20 08:14:30 application run finished with error: cannot load configuration: error reading receivers configuration for jaeger: 1 error(s) decoding:",
        "",
        f"* {_q}")})

# --- Fluent Bit: a YAML configuration written into the classic fluent-bit.conf.
_ns = "logging-system"
_img = "cr.fluentbit.io/fluent/fluent-bit:4.0.3"
_name = "fluent-bit-7xk2p"
_q = "undefined value - check config is in valid classic format"
_p = _crashing(_name, _ns, "fluent-bit", _img, restarts=8, owner=("DaemonSet", "fluent-bit"))
scenario(
    "conf-fluent-bit-yaml-in-classic-file", "config_error",
    note="a YAML service block in fluent-bit.conf, which Fluent Bit parses as the classic format",
    source=[{"url": "https://github.com/fluent/fluent-bit/issues/10782", "quote": _q}],
    objects=[_p, _set("DaemonSet", "fluent-bit", _ns, _img, replicas=4), node()],
    events=crash_events(_p, "fluent-bit", _img, 8),
    logs={f"{_ns}/{_name}/fluent-bit:previous": log_text(
        "Fluent Bit v4.0.3", "* Copyright (C) 2015-2025 The Fluent Bit Authors",
        "* Fluent Bit is a CNCF sub-project under the umbrella of Fluentd", "* https://fluentbit.io", "",
        f"[2026/11/20 08:14:49] [error] [config] error in /fluent-bit/etc/fluent-bit.conf:1: {_q}",
        "[2026/11/20 08:14:49] [error] configuration file contains errors, aborting.")})

# --- Promtail: client settings of an older format under `clients`.
_ns = "loki"
_img = "grafana/promtail:1.3.0"
_name = "promtail-pf4z7"
_q = "field container_root_path not found in type client.raw"
_p = _crashing(_name, _ns, "promtail", _img, restarts=6, owner=("DaemonSet", "promtail"))
scenario(
    "conf-promtail-unknown-client-fields", "config_error",
    note="promtail.yml puts container_root_path, hostname and credentials under clients; the client type has no such fields",
    source=[{"url": "https://github.com/grafana/loki/pull/1671", "quote": _q}],
    objects=[_p, _set("DaemonSet", "promtail", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "promtail", _img, 6),
    logs={f"{_ns}/{_name}/promtail:previous": log_text(
        "Unable to parse config: /etc/promtail/promtail.yml: yaml: unmarshal errors:",
        f"  line 2: {_q}",
        "  line 3: field hostname not found in type client.raw",
        "  line 4: field password not found in type client.raw",
        "  line 5: field scheme not found in type client.raw",
        "  line 7: field username not found in type client.raw")})

# --- Vector: an elasticsearch-sink option kept after switching the sink type to http.
_ns = "vlogs"
_img = "timberio/vector:0.45.0-distroless-libc"
_name = "vector-9qz7d"
_q = "ERROR vector::cli: Configuration error. error=unknown field api_version"
_p = _crashing(_name, _ns, "vector", _img, exit_code=78, restarts=7, owner=("DaemonSet", "vector"))
scenario(
    "conf-vector-sink-option-of-other-type", "config_error",
    note="vector refuses api_version on an http sink (it belongs to the elasticsearch sink)",
    source=[{"url": "https://github.com/VictoriaMetrics/helm-charts/issues/2043", "quote": _q}],
    objects=[_p, _set("DaemonSet", "vector", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "vector", _img, 7),
    logs={f"{_ns}/{_name}/vector:previous": log_text(
        '2026-11-20T08:14:40.101932Z  INFO vector::app: Log level is enabled. level="info"',
        '2026-11-20T08:14:40.102417Z  INFO vector::app: Loading configs. paths=["/etc/vector"]',
        f"2026-11-20T08:14:40.118305Z {_q}")})

# --- Telegraf: an option uncommented under the wrong plugin section.
_ns = "monitoring"
_img = "telegraf:1.6.0"
_name = "telegraf-ds-l8k2v"
_q = "field corresponding to `context' is not defined in `*system.SystemStats'"
_p = _crashing(_name, _ns, "telegraf", _img, restarts=5, owner=("DaemonSet", "telegraf-ds"))
scenario(
    "conf-telegraf-option-under-wrong-plugin", "config_error",
    note="a jolokia option uncommented in telegraf.conf lands under inputs.system",
    source=[{"url": "https://github.com/influxdata/telegraf/issues/4019", "quote": _q}],
    objects=[_p, _set("DaemonSet", "telegraf-ds", _ns, _img, replicas=5), node()],
    events=crash_events(_p, "telegraf", _img, 5),
    logs={f"{_ns}/{_name}/telegraf:previous": log_text(
        f"2026-11-20T08:14:12Z E! Error parsing /etc/telegraf/telegraf.conf, line 1274: {_q}")})

# --- kubenurse: the ingress URL was given without a scheme. The pods are Running and Ready; every check logs it.
_ns = "kubenurse"
_img = "postfinance/kubenurse:v1.4.1"
_name = "kubenurse-2lq8c"
_q = 'failed request for me_ingress with Get "kubenurse.rancher-canary-dev.k8s.digitaldev.nl/alwayshappy": unsupported protocol scheme ""'
_p = _healthy(_name, _ns, "kubenurse", _img, owner=("DaemonSet", "kubenurse"),
              env=_env(KUBENURSE_INGRESS_URL="kubenurse.rancher-canary-dev.k8s.digitaldev.nl",
                       KUBENURSE_SERVICE_URL="http://kubenurse.kubenurse.svc.cluster.local:8080",
                       KUBENURSE_NAMESPACE="kubenurse", KUBENURSE_NEIGHBOUR_FILTER="app=kubenurse"))
scenario(
    "conf-kubenurse-ingress-url-without-scheme", "config_error", difficulty="hard",
    note="nothing restarts: the Running pod's every ingress check fails because KUBENURSE_INGRESS_URL has no http(s)://",
    source=[{"url": "https://github.com/postfinance/kubenurse/issues/21", "quote": _q}],
    objects=[_p, _set("DaemonSet", "kubenurse", _ns, _img, replicas=3, ready=3), node()],
    logs={f"{_ns}/{_name}/kubenurse": log_text(
        "2026/11/20 08:12:05 starting kubenurse on :8080",
        f"2026/11/20 08:12:10 {_q}",
        f"2026/11/20 08:12:15 {_q}",
        f"2026/11/20 08:12:20 {_q}",
        f"2026/11/20 08:14:35 {_q}")})


# =================================================================================================================
# config_error: platform tools and apps
# =================================================================================================================

# --- Keycloak: --db given to an optimized start (a build option).
_ns = "iam"
_img = "quay.io/keycloak/keycloak:21.0.0"
_name = "keycloak-0"
_q = "Unknown option: '--db'"
_p = _crashing(_name, _ns, "keycloak", _img, exit_code=2, restarts=5, owner=("StatefulSet", "keycloak"),
               cspec={"args": ["start", "--optimized", "--db=postgres", "--db-url-host=postgres.iam.svc"]})
scenario(
    "conf-keycloak-build-option-at-optimized-start", "config_error",
    note="kc.sh start --optimized refuses --db, a build-time option",
    source=[{"url": "https://github.com/keycloak/keycloak-quickstarts/issues/376", "quote": _q}],
    objects=[_p, _set("StatefulSet", "keycloak", _ns, _img, replicas=2), node()],
    events=crash_events(_p, "keycloak", _img, 5),
    logs={f"{_ns}/{_name}/keycloak:previous": log_text(
        _q,
        "Possible solutions: --db-url, --db-url-host, --db-url-database, --db-url-port, --db-url-properties, --db-username, --db-password, --db-schema, --db-pool-initial-size, --db-pool-min-size, --db-pool-max-size",
        "Try 'kc.sh start --help' for more information on the available options.")})

# --- Vault: single-quoted string in an HCL file.
_ns = "vault"
_img = "hashicorp/vault:1.15.2"
_name = "vault-0"
_q = 'Error loading configuration from /opt/vault/config: error loading "/opt/vault/config/default.hcl": At 5:16: illegal char'
_p = _crashing(_name, _ns, "vault", _img, restarts=5, owner=("StatefulSet", "vault"),
               cspec={"args": ["server", "-config=/opt/vault/config"]})
scenario(
    "conf-vault-hcl-single-quotes", "config_error",
    note="HCL has no single-quoted strings; vault server stops on the config file",
    source=[{"url": "https://github.com/hashicorp/terraform-aws-vault/pull/124", "quote": _q}],
    objects=[_p, _set("StatefulSet", "vault", _ns, _img, replicas=3), node()],
    events=crash_events(_p, "vault", _img, 5),
    logs={f"{_ns}/{_name}/vault:previous": log_text(_q)})

# --- Consul (stable chart): the gossip key flag built without '=', so the retry-join list gets '-config-file' as a
#     host. The pods run; the log reads like DNS.
_ns = "consul"
_img = "consul:1.0.0"
_name = "consul-1"
_q = "Failed to resolve -config-file: lookup -config-file: no such host"
_pods = []
for _i in range(3):
    _pods.append(pod(f"consul-{_i}", _ns, [container(
        "consul", _img, state=running(), ready=False,
        command=["/bin/sh", "-ec", 'GOSSIP_KEY="-config-file /etc/consul/encrypt.json"; exec /bin/consul agent -server -bootstrap-expect=3 -data-dir=/var/lib/consul -retry-join=consul-0.consul.consul.svc -retry-join=consul-1.consul.consul.svc -retry-join=consul-2.consul.consul.svc -retry-join $GOSSIP_KEY'],
        readinessProbe={"exec": {"command": ["consul", "members"]}, "periodSeconds": 5})],
        owner=("StatefulSet", "consul")))
_p = _pods[1]
scenario(
    "conf-consul-flag-taken-as-join-host", "config_error", difficulty="hard",
    note="looks like a DNS failure, but '-config-file' is a flag the chart's command put among the join addresses",
    source=[{"url": "https://github.com/helm/charts/issues/3801", "quote": _q}],
    objects=[*_pods, _set("StatefulSet", "consul", _ns, _img, replicas=3), node()],
    events=[event(p, "Unhealthy", "Readiness probe failed: Error retrieving members: Get http://127.0.0.1:8500/v1/agent/members: dial tcp 127.0.0.1:8500: getsockopt: connection refused", count=60)
            for p in _pods],
    logs={f"{_ns}/{_name}/consul": log_text(
        "==> Starting Consul agent...",
        "==> Joining cluster...",
        "    2026/11/20 08:14:02 [INFO] agent: (LAN) joining: [consul-0.consul.consul.svc consul-1.consul.consul.svc consul-2.consul.consul.svc -config-file]",
        f"    2026/11/20 08:14:02 [WARN] memberlist: {_q}",
        f"    2026/11/20 08:14:32 [WARN] memberlist: {_q}",
        "    2026/11/20 08:14:35 [ERR] agent: failed to sync remote state: No cluster leader")})

# --- Tekton: the controller cannot start its configuration manager, config-defaults is absent.
_ns = "tekton-pipelines"
_img = "gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/controller:v0.17.0"
_name = "tekton-pipelines-controller-6c9f8d7b4-jx2qn"
_q = '"msg":"Failed to start configuration manager","commit":"3e90648","error":"configmap \\"config-defaults\\" not found"'
_p = _crashing(_name, _ns, "tekton-pipelines-controller", _img, restarts=6)
scenario(
    "conf-tekton-config-defaults-missing", "config_error",
    note="the Tekton controller exits: its config-defaults ConfigMap was never created",
    source=[{"url": "https://github.com/tektoncd/pipeline/issues/3367", "quote": _q}],
    objects=[_p, *deployment_and_rs("tekton-pipelines-controller", _ns, "6c9f8d7b4", _img), node()],
    events=crash_events(_p, "tekton-pipelines-controller", _img, 6),
    logs={f"{_ns}/{_name}/tekton-pipelines-controller:previous": log_text(
        "2026/11/20 08:14:20 Registering 4 clients",
        "2026/11/20 08:14:20 Registering 9 informer factories",
        '{"level":"info","ts":"2026-11-20T08:14:20.634Z","logger":"tekton-pipelines-controller","caller":"sharedmain/main.go:220","msg":"Starting configuration manager...","commit":"3e90648"}',
        '{"level":"fatal","ts":"2026-11-20T08:14:20.741Z","logger":"tekton-pipelines-controller","caller":"sharedmain/main.go:222",' + _q + "}")})

# --- podinfo: a Service named podinfo makes Kubernetes inject PODINFO_PORT=tcp://...; viper reads it as --port.
_ns = "demo"
_img = "quay.io/stefanprodan/podinfo:1.4.0"
_name = "podinfo-7c5d8f9b64-v2n8k"
_q = "listen tcp: address :tcp://10.111.55.252:9898: too many colons in address"
_p = _crashing(_name, _ns, "podinfo", _img, restarts=7,
               cspec={"ports": [{"containerPort": 9898, "name": "http"}]})
_svc = service("podinfo", _ns, port=9898, target_port=9898)
_svc["spec"]["clusterIP"] = "10.111.55.252"
scenario(
    "conf-podinfo-port-from-service-link", "config_error", difficulty="hard",
    note="a zap fatal with a stacktrace; the 'port' is the PODINFO_PORT service-link variable Kubernetes injected",
    source=[{"url": "https://github.com/stefanprodan/podinfo/issues/14", "quote": _q}],
    objects=[_p, _svc, *deployment_and_rs("podinfo", _ns, "7c5d8f9b64", _img, replicas=2), node()],
    events=crash_events(_p, "podinfo", _img, 7),
    logs={f"{_ns}/{_name}/podinfo:previous": log_text(
        '{"level":"info","ts":"2026-11-20T08:14:59.812Z","caller":"podinfo/main.go:117","msg":"Starting podinfo","version":"1.4.0","revision":"","port":"tcp://10.111.55.252:9898"}',
        '{"level":"fatal","ts":"2026-11-20T08:14:59.820Z","caller":"api/server.go:127","msg":"HTTP server crashed","error":"' + _q + '","stacktrace":"github.com/stefanprodan/k8s-podinfo/pkg/api.(*Server).ListenAndServe.func1\\n\\t/go/src/github.com/stefanprodan/k8s-podinfo/pkg/api/server.go:127"}')})


# =================================================================================================================
# application_crash: the text reads like configuration, the maintainers call it a bug
# =================================================================================================================

# --- KeyDB 6.0.8: the image's own default keydb.conf is refused by its parser (a merge bug with Redis, fixed later).
_ns = "cache-eu"
_img = "eqalpha/keydb:x86_64_v6.0.8"
_name = "keydb-5f7b8c9d64-hn4wq"
_q = "FATAL CONFIG FILE ERROR (Redis 6.0.8)"
_p = _crashing(_name, _ns, "keydb", _img, restarts=5,
               cspec={"command": ["keydb-server", "/etc/keydb/keydb.conf"]})
scenario(
    "conf-keydb-default-config-merge-bug", "application_crash", difficulty="hard",
    note="a config-file error against the unmodified keydb.conf shipped in the image: the parser lost a directive in a merge (fixed upstream)",
    source=[{"url": "https://github.com/Snapchat/KeyDB/issues/194", "quote": _q}],
    objects=[_p, *deployment_and_rs("keydb", _ns, "5f7b8c9d64", _img), node()],
    events=crash_events(_p, "keydb", _img, 5),
    logs={f"{_ns}/{_name}/keydb:previous": log_text(
        "", f"*** {_q} ***", "Reading the configuration file, at line 971", ">>> 'lazyfree-lazy-user-del no'",
        "Bad directive or wrong number of arguments")})

# --- FreshRSS Alpine image: its own Apache conf uses %O, which the Alpine build did not support (fixed in the image).
_ns = "reader"
_img = "freshrss/freshrss:alpine"
_name = "freshrss-6d9c7b8f5-k2p9s"
_q = "Unrecognized LogFormat directive %O"
_p = _crashing(_name, _ns, "freshrss", _img, restarts=6)
scenario(
    "conf-freshrss-alpine-logformat-image-bug", "application_crash", difficulty="hard",
    note="AH00526 in the image's own FreshRSS.Apache.conf: the Alpine variant broke (Debian tag works), fixed by the maintainers",
    source=[{"url": "https://github.com/FreshRSS/FreshRSS/issues/3233", "quote": _q}],
    objects=[_p, *deployment_and_rs("freshrss", _ns, "6d9c7b8f5", _img), node()],
    events=crash_events(_p, "freshrss", _img, 6),
    logs={f"{_ns}/{_name}/freshrss:previous": log_text(
        "Result: success", "AH00526: Syntax error on line 6 of /etc/apache2/conf.d/FreshRSS.Apache.conf:", _q)})

# --- OpenTelemetry contrib 0.66.0 image built without the k8sobjects receiver its docs describe.
_ns = "otel"
_img = "otel/opentelemetry-collector-contrib:0.66.0"
_name = "otel-cluster-collector-5b7c9d8f6-q8w2e"
_q = 'unknown receivers type: "k8sobjects" for id: "k8sobjects"'
_valid = "(valid values: [nginx skywalking splunk_hec udplog zipkin aerospike dotnet_diagnostics solace zookeeper influxdb rabbitmq bigip mongodb redis snmp awsfirehose kubeletstats expvar filelog googlecloudpubsub k8s_events signalfx awsxray cloudfoundry elasticsearch googlecloudspanner iis memcached mysql statsd awsecscontainermetrics docker_stats windowsperfcounters riak awscloudwatch awscontainerinsightreceiver fluentforward jmx mongodbatlas apache collectd sqlserver couchdb hostmetrics podman_stats httpcheck journald tcplog wavefront carbon k8s_cluster kafka vcenter flinkmetrics kafkametrics sapm syslog postgresql prometheus receiver_creator jaeger nsxt opencensus prometheus_simple sqlquery otlp active_directory_ds])"
_p = _crashing(_name, _ns, "otel-collector", _img, restarts=5)
scenario(
    "conf-otel-contrib-image-missing-receiver", "application_crash", difficulty="hard",
    note="reads as a typo in the config, but the contrib build left out a released component (a bug in the distribution)",
    source=[{"url": "https://github.com/open-telemetry/opentelemetry-collector-contrib/issues/16489", "quote": _q}],
    objects=[_p, *deployment_and_rs("otel-cluster-collector", _ns, "5b7c9d8f6", _img), node()],
    events=crash_events(_p, "otel-collector", _img, 5),
    logs={f"{_ns}/{_name}/otel-collector:previous": log_text(
        "Error: failed to get config: cannot unmarshal the configuration: 1 error(s) decoding:", "",
        f"* error decoding 'receivers': {_q} {_valid}",
        "2026/11/20 08:14:28 collector server run finished with error: failed to get config: cannot unmarshal the configuration: 1 error(s) decoding:",
        "", f"* error decoding 'receivers': {_q} {_valid}")})

# --- Argo CD application controller panics on a cluster Secret with insecure: true and CA data (should be an error).
_ns = "argocd"
_img = "quay.io/argoproj/argocd:v2.12.0"
_name = "argocd-application-controller-0"
_q = "panic: Unable to apply K8s REST config defaults: specifying a root certificates file with the insecure flag is not allowed"
_p = _crashing(_name, _ns, "argocd-application-controller", _img, exit_code=2, restarts=9,
               owner=("StatefulSet", "argocd-application-controller"))
_srv = _healthy("argocd-server-7f9c6d8b5-p4m2x", _ns, "argocd-server", _img)
scenario(
    "conf-argocd-controller-panics-on-cluster-secret", "application_crash", difficulty="hard",
    note="the message names a TLS config conflict in a cluster Secret, but the controller panics instead of failing that cluster's sync (bug, fixed)",
    source=[{"url": "https://github.com/argoproj/argo-cd/issues/19496", "quote": _q}],
    objects=[_p, _srv, _set("StatefulSet", "argocd-application-controller", _ns, _img),
             *deployment_and_rs("argocd-server", _ns, "7f9c6d8b5", _img, ready=1), node()],
    events=crash_events(_p, "argocd-application-controller", _img, 9),
    logs={f"{_ns}/{_name}/argocd-application-controller:previous": log_text(
        'time="2026-11-20T08:14:31Z" level=info msg="ArgoCD Application Controller is starting" built="2024-08-09T14:05:54Z" commit=ec30a48bce7a60046836e481cd2160e28c59231d namespace=argocd version=v2.12.0+ec30a48',
        'time="2026-11-20T08:14:31Z" level=info msg="Starting configmap/secret informers"',
        'time="2026-11-20T08:14:32Z" level=info msg="Start syncing cluster" server="https://10.20.31.4:6443"',
        _q, "",
        "goroutine 419 [running]:",
        "github.com/argoproj/argo-cd/v2/pkg/apis/application/v1alpha1.(*Cluster).RESTConfig(0xc000be7810?)",
        "        /go/src/github.com/argoproj/argo-cd/pkg/apis/application/v1alpha1/types.go:3063 +0x79",
        "github.com/argoproj/argo-cd/v2/controller/cache.(*liveStateCache).getCluster(0xc00066c7e0, {0xc002b460f0, 0x4e})",
        "        /go/src/github.com/argoproj/argo-cd/controller/cache/cache.go:465 +0x485",
        "github.com/argoproj/argo-cd/v2/controller/cache.(*liveStateCache).getSyncedCluster(0x0?, {0xc002b460f0?, 0x0?})",
        "        /go/src/github.com/argoproj/argo-cd/controller/cache/cache.go:581 +0x1c",
        "github.com/argoproj/argo-cd/v2/controller/cache.(*liveStateCache).handleAddEvent.func1()",
        "        /go/src/github.com/argoproj/argo-cd/controller/cache/cache.go:763 +0x25")})

# --- Vector 0.21 agent: a panic in the Kubernetes reflector after an upgrade (a regression).
_ns = "vector"
_img = "timberio/vector:0.21.0-distroless-libc"
_name = "vector-agent-x7w4k"
_q = "thread 'vector-worker' panicked at 'all branches are disabled and there is no else branch', src/kubernetes/reflector.rs:26:9"
_p = _crashing(_name, _ns, "vector", _img, exit_code=101, restarts=4, owner=("DaemonSet", "vector-agent"))
scenario(
    "conf-vector-reflector-panic-regression", "application_crash",
    note="Rust panic in vector's kubernetes_logs reflector after upgrading to 0.21 (regression)",
    source=[{"url": "https://github.com/vectordotdev/vector/issues/12245", "quote": _q}],
    objects=[_p, _set("DaemonSet", "vector-agent", _ns, _img, replicas=6, ready=5), node()],
    events=crash_events(_p, "vector", _img, 4),
    logs={f"{_ns}/{_name}/vector:previous": log_text(
        '2026-11-20T08:14:02.311Z  INFO vector::app: Log level is enabled. level="vector=info,codec=info,vrl=info,file_source=info,tower_limit=trace,rdkafka=info,buffers=info,kube=info"',
        '2026-11-20T08:14:02.312Z  INFO vector::app: Loading configs. paths=["/etc/vector"]',
        '2026-11-20T08:14:02.388Z  INFO vector: Vector has started. debug="false" version="0.21.0" arch="x86_64" build_id="28c5a58 2022-04-13"',
        _q, "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")})

# --- Bitnami Kafka image revision renders an empty message.max.bytes that nobody set (image regression).
_ns = "events"
_img = "docker.io/bitnami/kafka:3.4"
_name = "kafka-deployment-5d8c7b9f46-wq6zr"
_q = "Invalid value for configuration message.max.bytes: Not a number of type INT"
_p = _crashing(_name, _ns, "kafka", _img, restarts=6,
               cspec={"env": _env(KAFKA_CFG_ZOOKEEPER_CONNECT="zookeeper-service:2181"),
                      "volumeMounts": [{"name": "kafka-data", "mountPath": "/bitnami"}]},
               volumes=[{"name": "kafka-data", "emptyDir": {}}])
scenario(
    "conf-bitnami-kafka-image-regression-empty-property", "application_crash", difficulty="hard",
    note="a ConfigException for a property the manifest never sets: a new image revision wrote it empty (acknowledged, fixed in the image)",
    source=[{"url": "https://github.com/bitnami/charts/issues/22552", "quote": _q}],
    objects=[_p, *deployment_and_rs("kafka-deployment", _ns, "5d8c7b9f46", _img), node()],
    events=crash_events(_p, "kafka", _img, 6),
    logs={f"{_ns}/{_name}/kafka:previous": log_text(
        "kafka 08:14:33.25 INFO  ==> ",
        "kafka 08:14:33.25 INFO  ==> Welcome to the Bitnami kafka container",
        "kafka 08:14:33.26 INFO  ==> Subscribe to project updates by watching https://github.com/bitnami/containers",
        "kafka 08:14:33.26 INFO  ==> Submit issues and feature requests at https://github.com/bitnami/containers/issues",
        "kafka 08:14:33.26 INFO  ==> ",
        "kafka 08:14:33.27 INFO  ==> ** Starting Kafka setup **",
        "kafka 08:14:34.31 INFO  ==> Initializing Kafka...",
        "kafka 08:14:34.33 INFO  ==> No injected configuration files found, creating default config files",
        "kafka 08:14:35.12 INFO  ==> ** Kafka setup finished! **",
        "kafka 08:14:35.14 INFO  ==> ** Starting Kafka **",
        "[2026-11-20 08:14:36,232] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)",
        f"org.apache.kafka.common.config.ConfigException: {_q}",
        "\tat org.apache.kafka.common.config.ConfigDef.parseType(ConfigDef.java:742)",
        "\tat org.apache.kafka.common.config.ConfigDef.parseValue(ConfigDef.java:490)",
        "\tat org.apache.kafka.common.config.ConfigDef.parse(ConfigDef.java:483)",
        "\tat org.apache.kafka.common.config.AbstractConfig.<init>(AbstractConfig.java:113)",
        "\tat kafka.server.KafkaConfig.<init>(KafkaConfig.scala:1492)")})

# --- fluent-operator 1.0.2 renders a systemd input property Fluent Bit does not accept (operator bug).
_ns = "kubesphere-logging-system"
_img = "kubesphere/fluent-bit:v1.8.11"
_name = "fluent-bit-9rj5c"
_q = "unknown configuration property 'DB.Sync'. The following properties are allowed: path, max_fields, max_entries, systemd_filter_type, systemd_filter, read_from_tail, lowercase, strip_underscores, db_sync, and db"
_p = _crashing(_name, _ns, "fluent-bit", _img, restarts=7, owner=("DaemonSet", "fluent-bit"))
_op = _healthy("fluent-operator-6b5c8d7f94-lz2kq", _ns, "fluent-operator", "kubesphere/fluent-operator:v1.0.2")
scenario(
    "conf-fluent-operator-renders-bad-property", "application_crash", difficulty="hard",
    note="the agent refuses its config, but the config is generated: fluent-operator 1.0.1-1.0.2 writes DB.Sync (1.0.0 did not)",
    source=[{"url": "https://github.com/fluent/fluent-operator/issues/295", "quote": _q}],
    objects=[_p, _op, _set("DaemonSet", "fluent-bit", _ns, _img, replicas=3),
             *deployment_and_rs("fluent-operator", _ns, "6b5c8d7f94", "kubesphere/fluent-operator:v1.0.2", ready=1),
             node()],
    events=crash_events(_p, "fluent-bit", _img, 7),
    logs={f"{_ns}/{_name}/fluent-bit:previous": log_text(
        "Fluent Bit v1.8.11", "* Copyright (C) 2019-2021 The Fluent Bit Authors",
        "* Copyright (C) 2015-2018 Treasure Data", "* Fluent Bit is a CNCF sub-project under the umbrella of Fluentd",
        "* https://fluentbit.io", "",
        f"[2026/11/20 08:14:22] [error] [config] systemd: {_q}",
        "[2026/11/20 08:14:22] [error] [input] error initializing input plugin 'systemd.0'",
        "[2026/11/20 08:14:22] [error] [engine] input initialization failed")})

# --- OWASP ModSecurity image: unicode.mapping not copied where its shipped modsecurity.conf looks (fixed in the image).
_ns = "edge"
_img = "owasp/modsecurity:v3-ubuntu-apache"
_name = "waf-7b6f9c8d5-c3x8v"
_q = "Failed to locate the unicode map file from: unicode.mapping"
_p = _crashing(_name, _ns, "modsecurity", _img, restarts=5)
scenario(
    "conf-modsecurity-image-missing-unicode-map", "application_crash", difficulty="hard",
    note="AH00526 from the image's own modsecurity.conf: the Dockerfile left unicode.mapping out (fixed in the image)",
    source=[{"url": "https://github.com/coreruleset/modsecurity-docker/pull/11", "quote": _q}],
    objects=[_p, *deployment_and_rs("waf", _ns, "7b6f9c8d5", _img, replicas=2), node()],
    events=crash_events(_p, "modsecurity", _img, 5),
    logs={f"{_ns}/{_name}/modsecurity:previous": log_text(
        "AH00526: Syntax error on line 3 of /etc/apache2/mods-enabled/security.conf:",
        f"Rules error. File: /etc/apache2/modsecurity.d/modsecurity.conf. Line: 236. Column: 17. {_q} Looking at: 'unicode.mapping', 'unicode.mapping', '/etc/apache2/modsecurity.d/unicode.mapping', '/etc/apache2/modsecurity.d/unicode.mapping'. ")})


# =================================================================================================================
# others: a client key refused for its file mode, a config service that does not answer
# =================================================================================================================

# --- A client certificate key from a Secret volume: fsGroup turns defaultMode 0400 into 0440 and libpq refuses it.
_ns = "orders"
_img = "registry.example.com/orders/orders-api:2.3.1"
_name = "orders-api-6c8d7f9b5-j5k2w"
_q = 'private key file "..data/postgres.config.base.sq-key.pem" has group or world access; permissions should be u=rw (0600) or less'
_p = _crashing(_name, _ns, "orders-api", _img, restarts=5,
               cspec={"env": _env(PGSSLMODE="verify-full", PGSSLCERT="/home/app/.postgresql/..data/postgres.config.base.sq.pem",
                                  PGSSLKEY="..data/postgres.config.base.sq-key.pem"),
                      "volumeMounts": [{"name": "pg-client-tls", "mountPath": "/home/app/.postgresql", "readOnly": True}]},
               volumes=[{"name": "pg-client-tls", "secret": {"secretName": "mypostgres-client-tls", "defaultMode": 256}}],
               securityContext={"fsGroup": 1000, "runAsUser": 1000})
scenario(
    "conf-postgres-client-key-group-readable", "permission_denied", difficulty="hard",
    note="a TLS client setting that looks wrong, but the key is refused for its mode: fsGroup makes the Secret file group-readable",
    source=[{"url": "https://github.com/reactive-tech/kubegres/issues/85", "quote": _q}],
    objects=[_p, *deployment_and_rs("orders-api", _ns, "6c8d7f9b5", _img, replicas=2), node()],
    events=crash_events(_p, "orders-api", _img, 5),
    logs={f"{_ns}/{_name}/orders-api:previous": log_text(
        "2026-11-20 08:14:41,102 INFO  [orders.db] connecting to mypostgres.orders.svc:5432/orders sslmode=verify-full",
        "Traceback (most recent call last):",
        '  File "/app/orders/db.py", line 41, in connect',
        "    return psycopg2.connect(dsn)",
        '  File "/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect',
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
        f"psycopg2.OperationalError: {_q}")})

# --- Harbor jobservice: "Failed on load rest config" reads like configuration; core, which serves it, refuses.
_ns = "harbor"
_img = "goharbor/harbor-jobservice:v2.1.0"
_name = "harbor-harbor-jobservice-5f98c6c9bc-rs28q"
_q = 'Failed on load rest config err:Get "http://harbor-harbor-core:80/api/internal/configurations": dial tcp 10.104.54.166:80: connect: connection refused'
_c = container("jobservice", _img, state=running(), ready=False, last=terminated(2, "Error"), restarts=3,
               readinessProbe={"httpGet": {"path": "/api/v1/stats", "port": 8080}, "periodSeconds": 10})
_p = pod(_name, _ns, [_c])
_svc = service("harbor-harbor-core", _ns, selector={"app": "harbor", "component": "core"}, port=80, target_port=8080)
_svc["spec"]["clusterIP"] = "10.104.54.166"
_lines = []
for _t in ("08:14:33", "08:14:43", "08:14:53"):
    _lines += [f"2026-11-20T{_t}Z [INFO] [/common/config/store/driver/rest.go:31]: get configuration from url: http://harbor-harbor-core:80/api/internal/configurations",
               f"2026-11-20T{_t}Z [ERROR] [/common/config/store/driver/rest.go:34]: {_q}, url:http://harbor-harbor-core:80/api/internal/configurations",
               f"2026-11-20T{_t}Z [ERROR] [/jobservice/job/impl/context.go:75]: Job context initialization error: failed to load rest config"]
scenario(
    "conf-harbor-jobservice-core-refuses", "dependency_unreachable", difficulty="hard",
    note="'Failed on load rest config' is a refused connection to harbor-core, which serves the configuration",
    source=[{"url": "https://github.com/goharbor/harbor/issues/13398", "quote": _q}],
    objects=[_p, _svc, *deployment_and_rs("harbor-harbor-jobservice", _ns, "5f98c6c9bc", _img), node()],
    events=[event(_p, "Unhealthy", "Readiness probe failed: Get \"http://10.244.3.41:8080/api/v1/stats\": dial tcp 10.244.3.41:8080: connect: connection refused", count=34)],
    logs={f"{_ns}/{_name}/jobservice": log_text(*_lines)})

