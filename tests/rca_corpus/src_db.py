# ruff: noqa: E501
"""Databases, caches and queues as their client libraries word a failure, inside pods.

PostgreSQL (psycopg2/psycopg 3, JDBC + HikariCP, Rails, Prisma), MySQL (JDBC, PyMySQL, go-sql-driver), MongoDB
(pymongo, mongoose, Node driver), Redis (redis-py/Celery, ioredis, Lettuce, go-redis), Kafka (librdkafka, kafkajs),
RabbitMQ (pika, Spring AMQP) and Elasticsearch clients: refused, timed out, unresolvable, too many connections,
untrusted TLS; wrong credentials, unknown database, empty URL; and cases where the database error is the
application's own bug (its query or migration), a privilege refusal, or only a transient blip on a healthy pod.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    condition,
    container,
    deployment,
    event,
    job,
    network_policy,
    pod,
    replicaset,
    running,
    scenario,
    service,
    terminated,
    uid,
    waiting,
)


# --- helpers -----------------------------------------------------------------------------------------------------
def _crashloop(pod_name: str, ns: str, cname: str = "app", exit_code: int = 1, restarts: int = 6,
               reason: str = "Error", message: str = "") -> dict[str, Any]:
    """Keyword arguments of `container()` for a container in CrashLoopBackOff, with kubelet's real wording."""
    return {"state": waiting("CrashLoopBackOff",
                             f"back-off 5m0s restarting failed container={cname} pod={pod_name}_{ns}({uid(pod_name)})"),
            "last": terminated(exit_code, reason, message), "restarts": restarts}


def _crash_events(p: dict[str, Any], cname: str, image: str, restarts: int) -> list[dict[str, Any]]:
    name, ns = p["metadata"]["name"], p["metadata"]["namespace"]
    return [event(p, "Pulled", f'Container image "{image}" already present on machine', type_="Normal",
                  count=restarts + 1),
            event(p, "Created", f"Created container {cname}", type_="Normal", count=restarts + 1),
            event(p, "Started", f"Started container {cname}", type_="Normal", count=restarts + 1),
            event(p, "BackOff", f"Back-off restarting failed container {cname} in pod {name}_{ns}({uid(name)})",
                  count=restarts * 4)]


def _workload(name: str, ns: str, rs_hash: str, image: str, *, replicas: int = 1, ready: int = 0,
              revision: int = 1) -> list[dict[str, Any]]:
    """The Deployment and its current ReplicaSet."""
    return [deployment(name, ns, replicas=replicas, ready=ready, image=image, revision=revision),
            replicaset(f"{name}-{rs_hash}", ns, replicas=replicas, ready=ready, deployment_name=name,
                       revision=revision)]


def _crashing_app(name: str, ns: str, rs_hash: str, suffix: str, image: str, previous_log: str, *,
                  cname: str = "app", exit_code: int = 1, restarts: int = 6, current_log: str = "",
                  replicas: int = 1, extra_objects: list[dict[str, Any]] | None = None,
                  **spec: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """One Deployment whose single pod crash-loops: (objects, events, logs)."""
    pod_name = f"{name}-{rs_hash}-{suffix}"
    c = container(cname, image, **_crashloop(pod_name, ns, cname, exit_code, restarts), **spec)
    p = pod(pod_name, ns, [c])
    logs = {f"{ns}/{pod_name}/{cname}:previous": previous_log}
    if current_log:
        logs[f"{ns}/{pod_name}/{cname}"] = current_log
    objects = [p, *_workload(name, ns, rs_hash, image, replicas=replicas), *(extra_objects or [])]
    return objects, _crash_events(p, cname, image, restarts), logs


# =================================================================================================================
# dependency_unreachable
# =================================================================================================================

# 1. Django's traceback ends in django.db.utils.OperationalError; psycopg2's refusal sits inside it.
_img = "ghcr.io/acme/crm-web:2.14.0"
_prev = """[2026-11-20 08:14:31 +0000] [1] [INFO] Running migrations before starting gunicorn
Traceback (most recent call last):
  File "/usr/local/lib/python3.9/site-packages/django/db/backends/base/base.py", line 219, in ensure_connection
    self.connect()
  File "/usr/local/lib/python3.9/site-packages/django/utils/asyncio.py", line 26, in inner
    return func(*args, **kwargs)
  File "/usr/local/lib/python3.9/site-packages/django/db/backends/base/base.py", line 200, in connect
    self.connection = self.get_new_connection(conn_params)
  File "/usr/local/lib/python3.9/site-packages/django/db/backends/postgresql/base.py", line 187, in get_new_connection
    connection = Database.connect(**conn_params)
  File "/usr/local/lib/python3.9/site-packages/psycopg2/__init__.py", line 127, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: could not connect to server: Connection refused
	Is the server running on host "crm-postgres" (10.96.112.40) and accepting
	TCP/IP connections on port 5432?


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/manage.py", line 22, in <module>
    main()
  File "/app/manage.py", line 18, in main
    execute_from_command_line(sys.argv)
  File "/usr/local/lib/python3.9/site-packages/django/core/management/__init__.py", line 419, in execute_from_command_line
    utility.execute()
  File "/usr/local/lib/python3.9/site-packages/django/core/management/commands/migrate.py", line 92, in handle
    executor = MigrationExecutor(connection, self.migration_progress_callback)
  File "/usr/local/lib/python3.9/site-packages/django/db/backends/base/base.py", line 219, in ensure_connection
    self.connect()
django.db.utils.OperationalError: could not connect to server: Connection refused
	Is the server running on host "crm-postgres" (10.96.112.40) and accepting
	TCP/IP connections on port 5432?
"""
_o, _e, _l = _crashing_app("crm-web", "crm", "6c8d9f7b54", "q2xkp", _img, _prev, cname="web", restarts=9,
                           extra_objects=[service("crm-postgres", "crm", port=5432, target_port=5432)])
scenario("db-django-psycopg2-refused", "dependency_unreachable", difficulty="hard",
         note="Django migrate at start-up: the traceback ends in django.db.utils.OperationalError; psycopg2's refused connection to the Postgres Service is inside",
         source=[{"url": "https://github.com/Django-CRM/Django-CRM/issues/447",
                  "quote": "psycopg2.OperationalError: could not connect to server: Connection refused"}],
         objects=_o, events=_e, logs=_l)

# 2. Spring Boot + HikariCP + pgJDBC: "Application run failed" around a refused PostgreSQL connection.
_img = "registry.example.com/payments/ledger-api:4.2.1"
_prev = """
  .   ____          _            __ _ _
 /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\
( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\
 \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )
  '  |____| .__|_| |_|_| |_\\__, | / / / /
 =========|_|==============|___/=/_/_/_/
 :: Spring Boot ::                (v3.3.4)

2026-11-20T08:14:02.118Z  INFO 1 --- [ledger-api] [           main] c.e.ledger.LedgerApplication             : Starting LedgerApplication v4.2.1 using Java 21.0.4 with PID 1 (/app/app.jar started by app in /app)
2026-11-20T08:14:06.907Z  INFO 1 --- [ledger-api] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...
2026-11-20T08:14:07.015Z ERROR 1 --- [ledger-api] [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Exception during pool initialization.

org.postgresql.util.PSQLException: Connection to ledger-db.payments.svc:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.
	at org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346) ~[postgresql-42.7.3.jar!/:42.7.3]
	at org.postgresql.core.ConnectionFactory.openConnection(ConnectionFactory.java:54) ~[postgresql-42.7.3.jar!/:42.7.3]
	at org.postgresql.jdbc.PgConnection.<init>(PgConnection.java:273) ~[postgresql-42.7.3.jar!/:42.7.3]
	at org.postgresql.Driver.makeConnection(Driver.java:446) ~[postgresql-42.7.3.jar!/:42.7.3]
	at org.postgresql.Driver.connect(Driver.java:298) ~[postgresql-42.7.3.jar!/:42.7.3]
	at com.zaxxer.hikari.util.DriverDataSource.getConnection(DriverDataSource.java:137) ~[HikariCP-5.1.0.jar!/:na]
	at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:360) ~[HikariCP-5.1.0.jar!/:na]
	at com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:561) ~[HikariCP-5.1.0.jar!/:na]
	at com.zaxxer.hikari.pool.HikariPool.<init>(HikariPool.java:100) ~[HikariCP-5.1.0.jar!/:na]
	at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:112) ~[HikariCP-5.1.0.jar!/:na]
Caused by: java.net.ConnectException: Connection refused
	at java.base/sun.nio.ch.Net.pollConnect(Native Method)
	at java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:592)
	at org.postgresql.core.PGStream.createSocket(PGStream.java:243) ~[postgresql-42.7.3.jar!/:42.7.3]
	... 48 common frames omitted

2026-11-20T08:14:07.031Z  WARN 1 --- [ledger-api] [           main] ConfigServletWebServerApplicationContext : Exception encountered during context initialization - cancelling refresh attempt: org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'entityManagerFactory' defined in class path resource [org/springframework/boot/autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Unable to create requested service [org.hibernate.engine.jdbc.env.spi.JdbcEnvironment]
2026-11-20T08:14:07.052Z ERROR 1 --- [ledger-api] [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'entityManagerFactory' defined in class path resource [org/springframework/boot/autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Unable to create requested service [org.hibernate.engine.jdbc.env.spi.JdbcEnvironment]
	at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1806) ~[spring-beans-6.1.13.jar!/:6.1.13]
	at org.springframework.boot.SpringApplication.run(SpringApplication.java:335) ~[spring-boot-3.3.4.jar!/:3.3.4]
	at com.example.ledger.LedgerApplication.main(LedgerApplication.java:12) ~[!/:4.2.1]
"""
_o, _e, _l = _crashing_app("ledger-api", "payments", "5f7c9d8b6", "h8w2n", _img, _prev, restarts=7,
                           limits={"memory": "1Gi"})
scenario("db-spring-hikari-pg-refused", "dependency_unreachable", difficulty="hard",
         note="Spring Boot 'Application run failed' with a BeanCreationException on top; the pgJDBC refusal (HikariPool-1) is the cause",
         source=[{"url": "https://github.com/Griefed/ServerPackCreator/issues/588",
                  "quote": "refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections."}],
         objects=_o, events=_e, logs=_l)

# 3. Prisma's migrate deploy cannot reach the database.
_img = "ghcr.io/storefront/api:1.8.0"
_prev = """
> storefront-api@1.8.0 start:prod
> npx prisma migrate deploy && node dist/main.js

Prisma schema loaded from prisma/schema.prisma
Datasource "db": PostgreSQL database "shop", schema "public" at "postgres:5432"

Error: P1001: Can't reach database server at `postgres`:`5432`

Please make sure your database server is running at `postgres`:`5432`.
"""
_o, _e, _l = _crashing_app("storefront-api", "storefront", "7b4f6c9d5", "x7kqz", _img, _prev, restarts=5)
scenario("db-prisma-p1001", "dependency_unreachable",
         note="Prisma P1001 from migrate deploy in the container command; the Postgres server does not answer",
         source=[{"url": "https://github.com/prisma/orm/issues/20793",
                  "quote": "Error: P1001: Can't reach database server at `postgres`:`5432`"}],
         objects=_o, events=_e, logs=_l)

# 4. Rails db:prepare in an init container: ActiveRecord::NoDatabaseError wraps a DNS failure.
_img = "registry.example.com/helpdesk/web:2024.11.3"
_pn = "helpdesk-web-65b8d7c9f4-r9t2m"
_init_log = """could not translate host name "postgres" to address: Temporary failure in name resolution
Couldn't create 'helpdesk_production' database. Please check your configuration.
bin/rails aborted!
ActiveRecord::NoDatabaseError: could not translate host name "postgres" to address: Temporary failure in name resolution
/app/bin/rails:4:in `<main>'

Caused by:
PG::ConnectionBad: could not translate host name "postgres" to address: Temporary failure in name resolution
/usr/local/bundle/gems/pg-1.5.4/lib/pg/connection.rb:701:in `async_connect_or_reset'
/usr/local/bundle/gems/activerecord-7.1.2/lib/active_record/connection_adapters/postgresql_adapter.rb:52:in `new_client'
Tasks: TOP => db:prepare
(See full trace by running task with --trace)
"""
_init = container("db-prepare", _img, command=["bin/rails", "db:prepare"], **_crashloop(_pn, "helpdesk", "db-prepare", 1, 8))
_main = container("web", _img, state=waiting("PodInitializing"), ready=False)
_p = pod(_pn, "helpdesk", [_main], init=[_init], phase="Pending")
scenario("db-rails-pg-unresolvable", "dependency_unreachable", difficulty="hard",
         note="Init container in Init:CrashLoopBackOff; ActiveRecord::NoDatabaseError reads like a missing database but the host name does not resolve",
         source=[{"url": "https://github.com/joaoscotto/docker-ruby-puma-nginx-postgres/issues/3",
                  "quote": "ActiveRecord::NoDatabaseError: could not translate host name \"postgres\" to address: Temporary failure in name resolution"}],
         objects=[_p, *_workload("helpdesk-web", "helpdesk", "65b8d7c9f4", _img)],
         events=_crash_events(_p, "db-prepare", _img, 8),
         logs={f"helpdesk/{_pn}/db-prepare:previous": _init_log})

# 5. PostgreSQL refuses new clients: max_connections reached.
_img = "geonode/geonode:4.4.0"
_prev = """Waiting for database... done
Performing database migrations...
Traceback (most recent call last):
  File "/usr/local/lib/python3.10/dist-packages/django/db/backends/base/base.py", line 289, in ensure_connection
    self.connect()
  File "/usr/local/lib/python3.10/dist-packages/django/db/backends/base/base.py", line 270, in connect
    self.connection = self.get_new_connection(conn_params)
  File "/usr/local/lib/python3.10/dist-packages/django/contrib/gis/db/backends/postgis/base.py", line 112, in get_new_connection
    connection = super().get_new_connection(conn_params)
  File "/usr/local/lib/python3.10/dist-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: FATAL:  sorry, too many clients already


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/usr/src/geonode/manage.py", line 29, in <module>
    execute_from_command_line(sys.argv)
  File "/usr/local/lib/python3.10/dist-packages/django/core/management/__init__.py", line 442, in execute_from_command_line
    utility.execute()
django.db.utils.OperationalError: FATAL:  sorry, too many clients already
"""
_o, _e, _l = _crashing_app("geonode", "geo", "84d6b5f7c9", "m5v8s", _img, _prev, cname="django", restarts=4)
scenario("db-pg-too-many-clients", "dependency_unreachable",
         note="PostgreSQL out of connection slots: FATAL sorry, too many clients already",
         source=[{"url": "https://github.com/mitodl/micromasters/issues/2219",
                  "quote": "psycopg2.OperationalError: FATAL:  sorry, too many clients already"}],
         objects=_o, events=_e, logs=_l)

# 6. MySQL Connector/J "Communications link failure" in a Spring Boot service.
_img = "registry.example.com/inventory/stock-service:3.9.0"
_prev = """2026-11-20 08:14:11.240  INFO 1 --- [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...
2026-11-20 08:14:41.512 ERROR 1 --- [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Exception during pool initialization.

com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure

The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.
	at com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	at com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:64) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	at com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:836) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	at com.mysql.cj.jdbc.ConnectionImpl.<init>(ConnectionImpl.java:456) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	at com.mysql.cj.jdbc.NonRegisteringDriver.connect(NonRegisteringDriver.java:198) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	at com.zaxxer.hikari.util.DriverDataSource.getConnection(DriverDataSource.java:138) ~[HikariCP-3.4.5.jar!/:na]
	at com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:561) ~[HikariCP-3.4.5.jar!/:na]
Caused by: com.mysql.cj.exceptions.CJCommunicationsException: Communications link failure
	at com.mysql.cj.protocol.a.NativeSocketConnection.connect(NativeSocketConnection.java:91) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	... 62 common frames omitted
Caused by: java.net.SocketTimeoutException: Connect timed out
	at java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:551)
	at java.base/java.net.Socket.connect(Socket.java:633)
	at com.mysql.cj.protocol.StandardSocketFactory.connect(StandardSocketFactory.java:156) ~[mysql-connector-java-8.0.22.jar!/:8.0.22]
	... 64 common frames omitted

2026-11-20 08:14:41.530 ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed
org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'sqlSessionFactory' defined in class path resource [org/mybatis/spring/boot/autoconfigure/MybatisAutoConfiguration.class]
"""
_o, _e, _l = _crashing_app("stock-service", "inventory", "9c7d5b8f64", "t4j6p", _img, _prev, restarts=11,
                           limits={"memory": "768Mi"})
scenario("db-mysql-communications-link-failure", "dependency_unreachable", difficulty="hard",
         note="Connector/J's 'Communications link failure' (0 ms, no packets received) under a Spring bean error: MySQL never answered",
         source=[{"url": "https://github.com/brettwooldridge/HikariCP/issues/2201",
                  "quote": "The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server."},
                 {"url": "https://github.com/WeBankBlockchain/WeBASE-Node-Manager/issues/497",
                  "quote": "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure"}],
         objects=_o, events=_e, logs=_l)

# 7. An egress NetworkPolicy lets only DNS out: PyMySQL times out under SQLAlchemy.
_img = "registry.example.com/analytics/etl-worker:0.31.2"
_prev = """2026-11-20 08:13:57,004 INFO etl.main: connecting to warehouse mysql+pymysql://etl@mysql.data.svc.cluster.local:3306/warehouse
Traceback (most recent call last):
  File "/opt/venv/lib/python3.11/site-packages/pymysql/connections.py", line 644, in connect
    sock = socket.create_connection(
  File "/usr/local/lib/python3.11/socket.py", line 851, in create_connection
    raise exceptions[0]
TimeoutError: timed out

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/opt/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 145, in __init__
    self._dbapi_connection = engine.raw_connection()
  File "/opt/venv/lib/python3.11/site-packages/pymysql/connections.py", line 358, in __init__
    self.connect()
  File "/opt/venv/lib/python3.11/site-packages/pymysql/connections.py", line 711, in connect
    raise exc
sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2003, "Can't connect to MySQL server on 'mysql.data.svc.cluster.local' (timed out)")
(Background on this error at: https://sqlalche.me/e/20/e3q8)
"""
_np = network_policy("default-deny-egress", "analytics", {
    "podSelector": {}, "policyTypes": ["Egress"],
    "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]})
_o, _e, _l = _crashing_app("etl-worker", "analytics", "58f9c6d7b4", "k2p9d", _img, _prev, restarts=5,
                           extra_objects=[_np])
scenario("db-pymysql-timeout-networkpolicy", "dependency_unreachable", difficulty="hard",
         note="PyMySQL 2003 (timed out) inside a SQLAlchemy OperationalError; the namespace's egress policy only allows DNS",
         source=[{"url": "https://github.com/funilrys/PyFunceble/issues/105",
                  "quote": "(pymysql.err.OperationalError) (2003, \"Can't connect to MySQL server on"}],
         objects=_o, events=_e, logs=_l)

# 8. pymongo cannot resolve the replica-set members; the logs are gone, the termination message kept them.
_img = "registry.example.com/search/mongo-connector:3.1.1"
_pn = "mongo-connector-6f9b7c5d84-w8z4c"
_msg = """  File "/usr/local/lib/python3.8/site-packages/pymongo/topology.py", line 215, in _select_servers_loop
    raise ServerSelectionTimeoutError(
pymongo.errors.ServerSelectionTimeoutError: mongodb-primary:27017: [Errno -2] Name or service not known,mongodb-arbiter:27017: [Errno -2] Name or service not known,mongodb-secondary:27017: [Errno -2] Name or service not known
"""
_c = container("connector", _img, terminationMessagePolicy="FallbackToLogsOnError",
               **_crashloop(_pn, "search", "connector", 1, 12, message=_msg))
_p = pod(_pn, "search", [_c])
scenario("db-pymongo-unresolvable-termination-message", "dependency_unreachable", difficulty="hard",
         unavailable=["logs"],
         note="Logs unreadable; the pymongo ServerSelectionTimeoutError (member names do not resolve) is only in lastState.terminated.message",
         source=[{"url": "https://github.com/yougov/mongo-connector/issues/896",
                  "quote": "pymongo.errors.ServerSelectionTimeoutError: mongodb-primary:27017: [Errno -2] Name or service not known,mongodb-arbiter:27017: [Errno -2] Name or service not known,mongodb-secondary:27017: [Errno -2] Name or service not known"}],
         objects=[_p, *_workload("mongo-connector", "search", "6f9b7c5d84", _img)],
         events=_crash_events(_p, "connector", _img, 12))

# 9. Mongoose cannot connect to the Mongo Service.
_img = "stephengrider/auth:latest"
_prev = """
> auth@1.0.0 start
> ts-node-dev --poll src/index.ts

[INFO] 08:14:05 ts-node-dev ver. 2.0.0 (using ts-node ver. 10.9.2, typescript ver. 5.3.3)
MongooseServerSelectionError: connect ECONNREFUSED 10.111.58.252:27017
    at _handleConnectionErrors (/app/node_modules/mongoose/lib/connection.js:875:11)
    at NativeConnection.openUri (/app/node_modules/mongoose/lib/connection.js:826:11)
    at async start (/app/src/index.ts:16:5) {
  reason: TopologyDescription {
    type: 'Unknown',
    servers: Map(1) { 'auth-mongo-srv:27017' => [ServerDescription] },
    stale: false,
    compatible: true,
    heartbeatFrequencyMS: 10000,
    localThresholdMS: 15,
    setName: null,
    maxElectionId: null,
    maxSetVersion: null,
    commonWireVersion: 0,
    logicalSessionTimeoutMinutes: null
  },
  code: undefined
}
[ERROR] 08:14:35 MongooseServerSelectionError: connect ECONNREFUSED 10.111.58.252:27017
"""
_o, _e, _l = _crashing_app("auth-depl", "default", "5cc58f4f86", "22hn6", _img, _prev, cname="auth", restarts=3,
                           extra_objects=[service("auth-mongo-srv", "default", selector={"app": "auth-mongo"},
                                                  port=27017, target_port=27017)])
scenario("db-mongoose-refused", "dependency_unreachable",
         note="MongooseServerSelectionError ECONNREFUSED to the Mongo Service's ClusterIP",
         source=[{"url": "https://github.com/StephenGrider/ticketing/issues/25",
                  "quote": "MongooseServerSelectionError: connect ECONNREFUSED"}],
         objects=_o, events=_e, logs=_l)

# 10. A Celery worker is killed by its liveness probe while its broker (Redis) refuses connections.
_img = "ghcr.io/superagi/superagi:0.0.14"
_pn = "superagi-celery-7d6c9b5f48-b4x7r"
_cur = """[2026-11-20 08:13:41,201: INFO/MainProcess] Connected to redis://redis:6379/0
[2026-11-20 08:14:02,517: WARNING/MainProcess] consumer: Connection to broker lost. Trying to re-establish the connection...
[2026-11-20 08:14:02,519: ERROR/MainProcess] consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. Connection refused..
Trying again in 2.00 seconds... (1/100)

[2026-11-20 08:14:04,525: ERROR/MainProcess] consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. Connection refused..
Trying again in 4.00 seconds... (2/100)

[2026-11-20 08:14:08,534: ERROR/MainProcess] consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. Connection refused..
Trying again in 6.00 seconds... (3/100)
"""
_c = container("celery", _img, state=running(), last=terminated(143, "Error"), restarts=4, ready=True,
               command=["celery", "-A", "superagi.worker", "worker", "--beat", "--loglevel=info"],
               livenessProbe={"exec": {"command": ["celery", "-A", "superagi.worker", "inspect", "ping"]},
                              "periodSeconds": 30, "timeoutSeconds": 20, "failureThreshold": 3})
_p = pod(_pn, "agents", [_c])
scenario("db-celery-redis-broker-refused", "dependency_unreachable", difficulty="hard",
         note="Liveness-probe restarts of a Celery worker are the symptom; kombu/redis-py refused by the Redis broker is the cause",
         source=[{"url": "https://github.com/PostHog/posthog/issues/3028",
                  "quote": "Error 111 connecting to redis:6379. Connection refused."},
                 {"url": "https://github.com/TransformerOptimus/SuperAGI/issues/1377",
                  "quote": "Trying again in 2.00 seconds... (1/100)"}],
         objects=[_p, *_workload("superagi-celery", "agents", "7d6c9b5f48", _img, ready=1)],
         events=[event(_p, "Unhealthy", "Liveness probe failed: Error: No nodes replied within time constraint", count=12),
                 event(_p, "Killing", "Container celery failed liveness probe, will be restarted", type_="Normal", count=4)],
         logs={f"agents/{_pn}/celery": _cur})

# 11. ioredis cannot resolve the Redis Service name; the API's readiness check fails.
_img = "ghcr.io/canada-ca/tracker-api:2.11.0"
_pn = "tracker-api-79c5d8f6b4-n6q2w"
_cur = """{"level":"info","message":"Server listening on port 4000","timestamp":"2026-11-20T08:13:59.002Z"}
[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-service.scanners
    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:71:26)
[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-service.scanners
    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:71:26)
[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-service.scanners
    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:71:26)
"""
_c = container("api", _img, state=running(), ready=False,
               readinessProbe={"httpGet": {"path": "/ready", "port": 4000}, "periodSeconds": 10})
_p = pod(_pn, "api", [_c])
scenario("db-ioredis-enotfound", "dependency_unreachable",
         note="ioredis getaddrinfo ENOTFOUND for the Redis Service in another namespace; readiness fails because of it",
         source=[{"url": "https://github.com/canada-ca/tracker/issues/3136",
                  "quote": "[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-service.scanners"}],
         objects=[_p, *_workload("tracker-api", "api", "79c5d8f6b4", _img)],
         events=[event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=40)],
         logs={f"api/{_pn}/api": _cur})

# 12. Spring Data Redis / Lettuce: the Redis host does not resolve; the pod runs but actuator readiness is DOWN.
_img = "registry.example.com/sessions/session-gateway:5.0.2"
_pn = "session-gateway-6d8f5b7c49-j3s8v"
_cur = """2026-11-20T08:13:52.310Z  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path '/'
2026-11-20T08:13:52.331Z  INFO 1 --- [           main] c.e.s.SessionGatewayApplication          : Started SessionGatewayApplication in 9.874 seconds (process running for 10.61)
2026-11-20T08:14:03.118Z  WARN 1 --- [nio-8080-exec-1] o.s.b.a.data.redis.RedisHealthIndicator  : Redis health check failed

org.springframework.data.redis.RedisConnectionFailureException: Unable to connect to Redis
	at org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory$ExceptionTranslatingConnectionProvider.translateException(LettuceConnectionFactory.java:1805) ~[spring-data-redis-3.3.4.jar!/:3.3.4]
	at org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory$ExceptionTranslatingConnectionProvider.getConnection(LettuceConnectionFactory.java:1736) ~[spring-data-redis-3.3.4.jar!/:3.3.4]
	at org.springframework.boot.actuate.data.redis.RedisHealthIndicator.doHealthCheck(RedisHealthIndicator.java:52) ~[spring-boot-actuator-3.3.4.jar!/:3.3.4]
Caused by: io.lettuce.core.RedisConnectionException: Unable to connect to redis-master.cache/<unresolved>:6379
	at io.lettuce.core.RedisConnectionException.create(RedisConnectionException.java:78) ~[lettuce-core-6.3.2.RELEASE.jar!/:6.3.2.RELEASE]
	at io.lettuce.core.RedisConnectionException.create(RedisConnectionException.java:56) ~[lettuce-core-6.3.2.RELEASE.jar!/:6.3.2.RELEASE]
	at io.lettuce.core.AbstractRedisClient.getConnection(AbstractRedisClient.java:350) ~[lettuce-core-6.3.2.RELEASE.jar!/:6.3.2.RELEASE]
Caused by: java.net.UnknownHostException: redis-master.cache: Name or service not known
	at java.base/java.net.Inet6AddressImpl.lookupAllHostAddr(Native Method)
	at java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1534)
"""
_c = container("gateway", _img, state=running(), ready=False,
               readinessProbe={"httpGet": {"path": "/actuator/health/readiness", "port": 8080}, "periodSeconds": 10})
_p = pod(_pn, "sessions", [_c])
scenario("db-lettuce-redis-unresolved", "dependency_unreachable", difficulty="hard",
         note="Pod Running but not Ready (readiness 503); the actuator's Redis health check logs Lettuce 'Unable to connect ... <unresolved>:6379'",
         source=[{"url": "https://github.com/spring-projects/spring-boot/issues/40317",
                  "quote": "io.lettuce.core.RedisConnectionException: Unable to connect to"}],
         objects=[_p, *_workload("session-gateway", "sessions", "6d8f5b7c49", _img, replicas=1)],
         events=[event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=57)],
         logs={f"sessions/{_pn}/gateway": _cur})

# 13. go-redis dial i/o timeout ends in a Go panic (exit 2).
_img = "registry.example.com/rates/quote-engine:1.22.0"
_prev = """2026/11/20 08:14:12 starting quote-engine version=1.22.0 redis=10.0.1.53:6379
2026/11/20 08:14:17 ApplicationStartupError: Error while trying to connect to Redis: OriginalError: dial tcp 10.0.1.53:6379: i/o timeout
panic: ApplicationStartupError: Error while trying to connect to Redis: OriginalError: dial tcp 10.0.1.53:6379: i/o timeout

goroutine 1 [running]:
main.main()
	github.com/business/app-name/main.go:36 +0x4e5
"""
_o, _e, _l = _crashing_app("quote-engine", "rates", "d7f4b9c586", "p2m7x", _img, _prev, cname="engine", exit_code=2,
                           restarts=8)
scenario("db-go-redis-dial-timeout-panic", "dependency_unreachable", difficulty="hard",
         note="A Go panic and exit code 2 look like a crash; the panic value is a go-redis dial i/o timeout to an external Redis",
         source=[{"url": "https://github.com/redis/go-redis/issues/1327",
                  "quote": "ApplicationStartupError: Error while trying to connect to Redis: OriginalError: dial tcp 10.0.1.53:6379: i/o timeout"}],
         objects=_o, events=_e, logs=_l)

# 14. librdkafka: every bootstrap broker refuses.
_img = "getsentry/snuba:24.11.0"
_pn = "snuba-consumer-8b5d7f6c94-z6h2k"
_cur = """2026-11-20 08:14:02,991 Initializing Snuba...
2026-11-20 08:14:05,412 Starting Kafka consumer for topic "events" (group "snuba-consumers")
%3|1795162446.053|FAIL|rdkafka#consumer-2| [thrd:kafka:9092/bootstrap]: kafka:9092/bootstrap: Connect to ipv4#172.19.0.10:9092 failed: Connection refused (after 0ms in state CONNECT)
%3|1795162446.053|ERROR|rdkafka#consumer-2| [thrd:kafka:9092/bootstrap]: 1/1 brokers are down
%3|1795162447.061|FAIL|rdkafka#consumer-2| [thrd:kafka:9092/bootstrap]: kafka:9092/bootstrap: Connect to ipv4#172.19.0.10:9092 failed: Connection refused (after 0ms in state CONNECT, 1 identical error(s) suppressed)
%3|1795162447.061|ERROR|rdkafka#consumer-2| [thrd:kafka:9092/bootstrap]: 1/1 brokers are down
"""
_c = container("consumer", _img, state=running())
_p = pod(_pn, "sentry", [_c])
scenario("db-librdkafka-brokers-down", "dependency_unreachable",
         note="librdkafka FAIL/ERROR lines: the only bootstrap broker refuses, 1/1 brokers are down",
         source=[{"url": "https://github.com/getsentry/self-hosted/issues/633",
                  "quote": "kafka:9092/bootstrap: Connect to ipv4#172.19.0.10:9092 failed: Connection refused"},
                 {"url": "https://github.com/confluentinc/librdkafka/issues/1548",
                  "quote": "1/1 brokers are down"}],
         objects=[_p, *_workload("snuba-consumer", "sentry", "8b5d7f6c94", _img, ready=1)],
         logs={f"sentry/{_pn}/consumer": _cur})

# 15. kafkajs gives up after its retries and the consumer process exits.
_img = "registry.example.com/notify/notification-consumer:2.3.1"
_prev = """{"level":"INFO","timestamp":"2026-11-20T08:13:31.417Z","logger":"kafkajs","message":"[Consumer] Starting","groupId":"notification-consumer"}
{"level":"ERROR","timestamp":"2026-11-20T08:13:31.452Z","logger":"kafkajs","message":"[Connection] Connection error: connect ECONNREFUSED 10.96.44.12:9092","broker":"kafka.messaging.svc:9092","clientId":"notification-consumer","stack":"Error: connect ECONNREFUSED 10.96.44.12:9092\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)"}
{"level":"ERROR","timestamp":"2026-11-20T08:13:42.860Z","logger":"kafkajs","message":"[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 10.96.44.12:9092","retryCount":5,"retryTime":11396}
{"level":"ERROR","timestamp":"2026-11-20T08:13:42.861Z","logger":"kafkajs","message":"[Consumer] Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 10.96.44.12:9092","groupId":"notification-consumer","retryCount":5,"stack":"KafkaJSNonRetriableError\\n  Caused by: KafkaJSConnectionError: Connection error: connect ECONNREFUSED 10.96.44.12:9092\\n    at Socket.onError (/app/node_modules/kafkajs/src/network/connection.js:210:23)"}
{"level":"ERROR","timestamp":"2026-11-20T08:13:42.870Z","logger":"app","message":"consumer crashed, exiting"}
"""
_o, _e, _l = _crashing_app("notification-consumer", "notify", "64c8b7f9d5", "c9r3t", _img, _prev, cname="consumer",
                           restarts=6)
scenario("db-kafkajs-retries-exceeded", "dependency_unreachable",
         note="kafkajs JSON logs: seed broker refused until KafkaJSNumberOfRetriesExceeded crashes the consumer",
         source=[{"url": "https://github.com/tulios/kafkajs/issues/852",
                  "quote": "Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED"},
                 {"url": "https://github.com/tulios/kafkajs/issues/1299",
                  "quote": "Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED"}],
         objects=_o, events=_e, logs=_l)

# 16. pika raises a bare AMQPConnectionError: no host, no reason in the exception itself.
_img = "gcr.io/diffgram/default:1.20.0"
_prev = """[2026-11-20 08:14:12,666] INFO system_startup_checker.py Line 17: [default_service] Performing System Checks...
[2026-11-20 08:14:12,918] INFO system_events.py Line 95: Checking for version upgrades [default_service]
[2026-11-20 08:14:12,926] ERROR system_startup_checker.py Line 25: Traceback (most recent call last):
  File "/app/methods/startup/system_startup_checker.py", line 22, in execute_startup_checks
    client = QueueClient()
             ^^^^^^^^^^^^^
  File "/app/shared/queueclient/QueueClient.py", line 42, in __init__
    self.connection = pika.BlockingConnection(
                      ^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/pika/adapters/blocking_connection.py", line 360, in __init__
    self._impl = self._create_connection(parameters, _impl_class)
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/pika/adapters/blocking_connection.py", line 451, in _create_connection
    raise self._reap_last_connection_workflow_error(error)
pika.exceptions.AMQPConnectionError

[2026-11-20 08:14:12,926] ERROR system_startup_checker.py Line 26: Error connecting to rabbit MQ
"""
_o, _e, _l = _crashing_app("diffgram-default", "labeling", "7f5c8d9b64", "f4n8q", _img, _prev, cname="default",
                           restarts=10)
scenario("db-pika-bare-amqpconnectionerror", "dependency_unreachable", difficulty="hard",
         note="pika's AMQPConnectionError carries no message; only the app's own line says RabbitMQ could not be reached",
         source=[{"url": "https://github.com/diffgram/diffgram/issues/1616",
                  "quote": "Error connecting to rabbit MQ"},
                 {"url": "https://github.com/pika/pika/issues/1318",
                  "quote": "raise self._reap_last_connection_workflow_error(error)"}],
         objects=_o, events=_e, logs=_l)

# 17. Spring AMQP listener containers keep restarting consumers; readiness reports DOWN.
_img = "hawkbit/hawkbit-update-server:0.3.0M9"
_pn = "hawkbit-5b9d7f6c84-s2v6l"
_cur = """2026-11-20 08:13:49.702  INFO 1 --- [           main] o.e.h.app.UpdateServerApplication       : Started UpdateServerApplication in 31.402 seconds (JVM running for 33.1)
2026-11-20 08:13:50.838  INFO 1 --- [ntContainer#0-3] o.s.a.r.c.CachingConnectionFactory       : Attempting to connect to: [rabbitmq.messaging.svc:5672]
2026-11-20 08:13:50.914  WARN 1 --- [ntContainer#1-2] o.s.a.r.l.SimpleMessageListenerContainer : Consumer raised exception, processing can restart if the connection factory supports it. Exception summary: org.springframework.amqp.AmqpConnectException: java.net.ConnectException: Connection refused
2026-11-20 08:13:50.914  INFO 1 --- [ntContainer#1-2] o.s.a.r.l.SimpleMessageListenerContainer : Restarting Consumer@470b7a27: tags=[[]], channel=null, acknowledgeMode=AUTO local queue size=0
2026-11-20 08:13:55.915  INFO 1 --- [ntContainer#1-3] o.s.a.r.c.CachingConnectionFactory       : Attempting to connect to: [rabbitmq.messaging.svc:5672]
2026-11-20 08:13:55.991  WARN 1 --- [ntContainer#0-3] o.s.a.r.l.SimpleMessageListenerContainer : Consumer raised exception, processing can restart if the connection factory supports it. Exception summary: org.springframework.amqp.AmqpConnectException: java.net.ConnectException: Connection refused
2026-11-20 08:13:55.992  INFO 1 --- [ntContainer#0-3] o.s.a.r.l.SimpleMessageListenerContainer : Restarting Consumer@48c535cd: tags=[[]], channel=null, acknowledgeMode=AUTO local queue size=0
"""
_c = container("hawkbit", _img, state=running(), ready=False,
               readinessProbe={"httpGet": {"path": "/actuator/health", "port": 8080}, "periodSeconds": 10})
_p = pod(_pn, "iot", [_c])
scenario("db-spring-amqp-rabbitmq-refused", "dependency_unreachable", difficulty="hard",
         note="Running, no restarts, readiness 503: Spring AMQP's listener containers log AmqpConnectException to RabbitMQ and keep retrying",
         source=[{"url": "https://github.com/spring-cloud-services-samples/cook/issues/6",
                  "quote": "Consumer raised exception, processing can restart if the connection factory supports it. Exception summary: org.springframework.amqp.AmqpConnectException: java.net.ConnectException: Connection refused"},
                 {"url": "https://github.com/eclipse-hawkbit/hawkbit/issues/1224",
                  "quote": "Restarting Consumer@470b7a27: tags=[[]], channel=null, acknowledgeMode=AUTO local queue size=0"}],
         objects=[_p, *_workload("hawkbit", "iot", "5b9d7f6c84", _img)],
         events=[event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=33)],
         logs={f"iot/{_pn}/hawkbit": _cur})

# 18. @elastic/elasticsearch cannot reach the cluster at start-up.
_img = "registry.example.com/catalog/search-indexer:0.9.4"
_prev = """[2026-11-20T08:14:20.110Z] info: indexer starting, node=https://elasticsearch-es-http.search.svc:9200
[2026-11-20T08:14:20.402Z] error: cannot reach Elasticsearch
ConnectionError: connect ECONNREFUSED 10.100.12.7:9200
    at ClientRequest.onError (/app/node_modules/@elastic/transport/lib/connection/HttpConnection.js:178:33)
    at ClientRequest.emit (node:events:519:28)
    at TLSSocket.socketErrorListener (node:_http_client:500:9)
    at emitErrorNT (node:internal/streams/destroy:169:8)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {
  options: { redaction: { type: 'replace', additionalKeys: [] } },
  meta: {
    body: undefined,
    statusCode: 0,
    headers: {},
    meta: {
      context: null,
      request: [Object],
      name: 'elasticsearch-js',
      connection: [Object],
      attempts: 3,
      aborted: false
    },
    warnings: null
  }
}
"""
_o, _e, _l = _crashing_app("search-indexer", "catalog", "b6d9c7f584", "v3k8w", _img, _prev, cname="indexer",
                           restarts=5)
scenario("db-elasticsearch-js-refused", "dependency_unreachable",
         note="elasticsearch-js ConnectionError ECONNREFUSED on :9200 at start-up",
         source=[{"url": "https://github.com/elastic/elasticsearch-js/issues/1599",
                  "quote": "ConnectionError: connect ECONNREFUSED"}],
         objects=_o, events=_e, logs=_l)

# 19. An init container waits for PostgreSQL forever: no warning event, no crash.
_img = "ghcr.io/openclarity/kubei:1.1"
_pn = "clair-5d8c6b9f74-q7w2e"
_init_log = "".join("postgres:5432 - no response\nwaiting for database\n" for _ in range(12))
_init = container("check-db-ready", "postgres:12-alpine", state=running(), ready=False,
                  command=["sh", "-c", "until pg_isready -h postgres -p 5432; do echo waiting for database; sleep 2; done;"])
_main = container("clair", "quay.io/coreos/clair:v2.1.4", state=waiting("PodInitializing"), ready=False)
_p = pod(_pn, "kubei", [_main], init=[_init], phase="Pending")
scenario("db-init-container-waits-for-postgres", "dependency_unreachable", difficulty="hard",
         note="Pod stuck in Init:0/1 with only Normal events; the init container's pg_isready loop never gets a response from Postgres",
         source=[{"url": "https://github.com/openclarity/openclarity/issues/26",
                  "quote": "postgres:5432 - no response\nwaiting for database"}],
         objects=[_p, *_workload("clair", "kubei", "5d8c6b9f74", "quay.io/coreos/clair:v2.1.4")],
         events=[event(_p, "Scheduled", f"Successfully assigned kubei/{_pn} to ip-10-0-1-17.ec2.internal",
                       type_="Normal", count=1, component="default-scheduler"),
                 event(_p, "Pulled", 'Container image "postgres:12-alpine" already present on machine', type_="Normal", count=1),
                 event(_p, "Created", "Created container check-db-ready", type_="Normal", count=1),
                 event(_p, "Started", "Started container check-db-ready", type_="Normal", count=1)],
         logs={f"kubei/{_pn}/check-db-ready": _init_log})

# 20. psycopg 3 with sslmode=verify-full: the server's certificate is not trusted.
_img = "registry.example.com/finance/report-builder:7.0.3"
_prev = """2026-11-20 08:14:25 INFO  report_builder.db: connecting host=pg-reports.internal.example.com port=5432 dbname=reports sslmode=verify-full sslrootcert=/etc/ssl/certs/ca-certificates.crt
Traceback (most recent call last):
  File "/app/report_builder/__main__.py", line 41, in <module>
    main()
  File "/app/report_builder/db.py", line 27, in connect
    return psycopg.connect(settings.DATABASE_DSN)
  File "/usr/local/lib/python3.12/site-packages/psycopg/connection.py", line 119, in connect
    raise last_ex.with_traceback(None)
psycopg.OperationalError: connection failed: connection to server at "10.20.3.15", port 5432 failed: SSL error: certificate verify failed
"""
_o, _e, _l = _crashing_app("report-builder", "finance", "f8c5d7b964", "g5t9m", _img, _prev, cname="builder",
                           restarts=4)
scenario("db-psycopg-tls-certificate-untrusted", "dependency_unreachable",
         note="TLS to PostgreSQL fails verification (sslmode=verify-full): the server's certificate is not trusted",
         source=[{"url": "https://github.com/pgadmin-org/pgadmin4/issues/8963",
                  "quote": "port 5432 failed: SSL error: certificate verify failed"}],
         objects=_o, events=_e, logs=_l)


# =================================================================================================================
# config_error
# =================================================================================================================

# 21. authentik waits for PostgreSQL and keeps being refused for a wrong password (JSON logs, pod not Ready).
_img = "ghcr.io/goauthentik/server:2024.10.4"
_pn = "authentik-worker-7c9d6f5b84-l8m3r"
_line = ('{"event": "PostgreSQL connection failed, retrying... (connection to server at \\"authentik-postgresql\\" '
         '(10.43.143.115), port 5432 failed: FATAL:  password authentication failed for user \\"authentik\\"\\n)", '
         '"level": "info", "logger": "__main__", "timestamp": %s}\n')
_cur = "".join(_line % f"{1795162400 + 1.0061 * i:.6f}" for i in range(8))
_c = container("worker", _img, state=running(), ready=False, args=["worker"],
               env=[{"name": "AUTHENTIK_POSTGRESQL__PASSWORD",
                     "valueFrom": {"secretKeyRef": {"name": "authentik-db", "key": "password"}}}],
               readinessProbe={"exec": {"command": ["ak", "healthcheck"]}, "periodSeconds": 10})
_p = pod(_pn, "authentik", [_c])
scenario("db-authentik-postgres-password-failed", "config_error",
         note="JSON log lines loop on 'password authentication failed for user authentik': the credentials in the Secret are wrong",
         source=[{"url": "https://github.com/goauthentik/helm/issues/61",
                  "quote": "port 5432 failed: FATAL:  password authentication failed for user \\\"authentik\\\""}],
         objects=[_p, *_workload("authentik-worker", "authentik", "7c9d6f5b84", _img)],
         events=[event(_p, "Unhealthy", "Readiness probe failed: ", count=28)],
         logs={f"authentik/{_pn}/worker": _cur})

# 22. MySQL rejects the JHipster app's credentials; Liquibase and Spring wrap it.
_img = "registry.example.com/jhipster/store:1.1.9"
_prev = """2026-11-20 08:14:22.518  INFO 1 --- [           main] c.e.store.StoreApp                       : The following profiles are active: prod,api-docs
2026-11-20 08:14:29.007 ERROR 1 --- [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Exception during pool initialization.

java.sql.SQLException: Access denied for user 'root'@'10.247.16.189' (using password: YES)
	at com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:129)
	at com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:122)
	at com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:836)
	at com.zaxxer.hikari.util.DriverDataSource.getConnection(DriverDataSource.java:95)
	at com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:346)
	at com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:505)
	at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:97)
	at liquibase.integration.spring.SpringLiquibase.afterPropertiesSet(SpringLiquibase.java:385)
	... 28 common frames omitted
2026-11-20 08:14:29.044 ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'liquibase' defined in class path resource [com/example/store/config/LiquibaseConfiguration.class]: Invocation of init method failed; nested exception is liquibase.exception.DatabaseException: java.sql.SQLException: Access denied for user 'root'@'10.247.16.189' (using password: YES)
"""
_o, _e, _l = _crashing_app("store", "shop", "7f6d8c9b54", "b2n7k", _img, _prev, restarts=9,
                           env=[{"name": "SPRING_DATASOURCE_PASSWORD",
                                 "valueFrom": {"secretKeyRef": {"name": "store-mysql", "key": "password"}}}])
scenario("db-jhipster-mysql-access-denied", "config_error", difficulty="hard",
         note="Spring's BeanCreationException for 'liquibase' on top; MySQL's 'Access denied ... (using password: YES)' means wrong credentials",
         source=[{"url": "https://github.com/jhipster/generator-jhipster/issues/6531",
                  "quote": "java.sql.SQLException: Access denied for user 'root'@'10.247.16.189' (using password: YES)"}],
         objects=_o, events=_e, logs=_l)

# 23. go-sql-driver/mysql: the configured schema does not exist.
_img = "ghcr.io/hakwerk/labca-boulder:24.11"
_prev = """I081411 boulder-sa Versions: boulder-sa=(Unspecified Unspecified) Golang=(go1.22.4) BuildHost=(Unspecified)
E081411 boulder-sa [AUDIT] Couldn't setup SA: Error 1049 (42000): Unknown database 'boulder_sa'
"""
_o, _e, _l = _crashing_app("boulder-sa", "labca", "59c7f8d6b4", "d8s3j", _img, _prev, cname="sa", restarts=7)
scenario("db-go-mysql-unknown-database", "config_error",
         note="MySQL error 1049: the database name in the DSN does not exist on the server",
         source=[{"url": "https://github.com/hakwerk/labca/issues/224",
                  "quote": "Error 1049 (42000): Unknown database 'boulder_sa'"}],
         objects=_o, events=_e, logs=_l)

# 24. ioredis AUTH rejected: WRONGPASS.
_img = "docmost/docmost:0.3.1"
_prev = """[Nest] 1  - 11/20/2026, 8:14:03 AM     LOG [NestFactory] Starting Nest application...
[Nest] 1  - 11/20/2026, 8:14:03 AM     LOG [InstanceLoader] DatabaseModule dependencies initialized +31ms
ReplyError: WRONGPASS invalid username-password pair or user is disabled.
    at parseError (/app/node_modules/.pnpm/redis-parser@3.0.0/node_modules/redis-parser/lib/parser.js:179:12)
    at parseType (/app/node_modules/.pnpm/redis-parser@3.0.0/node_modules/redis-parser/lib/parser.js:302:14) {
  command: { name: 'auth', args: [ 'redacted' ] }
}
"""
_o, _e, _l = _crashing_app("docmost", "wiki", "6b8c5d9f74", "r4x2h", _img, _prev, restarts=5,
                           env=[{"name": "REDIS_URL",
                                 "valueFrom": {"secretKeyRef": {"name": "docmost-redis", "key": "url"}}}])
scenario("db-ioredis-wrongpass", "config_error",
         note="Redis rejects AUTH with WRONGPASS: the user/password in REDIS_URL is wrong",
         source=[{"url": "https://github.com/docmost/docmost/issues/365",
                  "quote": "ReplyError: WRONGPASS invalid username-password pair or user is disabled."}],
         objects=_o, events=_e, logs=_l)

# 25. DATABASE_URL comes from an optional Secret key that is absent: SQLAlchemy gets ''.
_img = "registry.example.com/orders/orders-api:3.2.0"
_prev = """Traceback (most recent call last):
  File "/app/wsgi.py", line 3, in <module>
    app = create_app()
  File "/app/orders/__init__.py", line 24, in create_app
    db.init_app(app)
  File "/usr/local/lib/python3.11/site-packages/flask_sqlalchemy/extension.py", line 374, in init_app
    engines[key] = self._make_engine(key, options, app)
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/create.py", line 550, in create_engine
    u = _url.make_url(url)
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/url.py", line 842, in make_url
    return _parse_url(name_or_url)
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/url.py", line 908, in _parse_url
    raise exc.ArgumentError(
sqlalchemy.exc.ArgumentError: Could not parse rfc1738 URL from string ''
[2026-11-20 08:14:31 +0000] [7] [ERROR] Exception in worker process
[2026-11-20 08:14:31 +0000] [1] [ERROR] Worker (pid:7) exited with code 3
[2026-11-20 08:14:31 +0000] [1] [ERROR] Shutting down: Master
[2026-11-20 08:14:31 +0000] [1] [ERROR] Reason: Worker failed to boot.
"""
_o, _e, _l = _crashing_app("orders-api", "orders", "c5b8d6f974", "n3w6z", _img, _prev, exit_code=3, restarts=6,
                           env=[{"name": "DATABASE_URL",
                                 "valueFrom": {"secretKeyRef": {"name": "orders-db", "key": "url",
                                                                "optional": True}}}])
scenario("db-sqlalchemy-empty-database-url", "config_error", difficulty="hard",
         note="gunicorn 'Worker failed to boot' (exit 3) on top; SQLAlchemy cannot parse an empty DATABASE_URL (optional Secret key missing)",
         source=[{"url": "https://github.com/fossasia/open-event-server/issues/2462",
                  "quote": "sqlalchemy.exc.ArgumentError: Could not parse rfc1738 URL from string ''"}],
         objects=_o, events=_e, logs=_l)

# 26. MongoDB rejects the Node app's SCRAM credentials.
_img = "registry.example.com/chat/presence-service:1.4.2"
_prev = """{"level":30,"time":1795162461103,"pid":1,"hostname":"presence-service-84b7c9d5f6-h7q4n","msg":"connecting to mongodb://presence:****@mongodb-0.mongodb-headless.chat.svc.cluster.local:27017/presence?authSource=presence"}
MongoServerError: Authentication failed.
    at Connection.onMessage (/app/node_modules/mongodb/lib/cmap/connection.js:227:30)
    at MessageStream.<anonymous> (/app/node_modules/mongodb/lib/cmap/connection.js:60:60)
    at MessageStream.emit (node:events:519:28)
    at processIncomingData (/app/node_modules/mongodb/lib/cmap/message_stream.js:125:16) {
  ok: 0,
  code: 18,
  codeName: 'AuthenticationFailed',
  connectionGeneration: 0,
  [Symbol(errorLabels)]: Set(2) { 'HandshakeError', 'ResetPool' }
}

Node.js v20.18.0
"""
_o, _e, _l = _crashing_app("presence-service", "chat", "84b7c9d5f6", "h7q4n", _img, _prev, restarts=8)
scenario("db-mongodb-authentication-failed", "config_error",
         note="MongoServerError Authentication failed (code 18): the app's MongoDB credentials are wrong",
         source=[{"url": "https://github.com/bitnami/charts/issues/15159",
                  "quote": "MongoServerError: Authentication failed."},
                 {"url": "https://github.com/zellwk/crud-express-mongo/issues/7",
                  "quote": "codeName: 'AuthenticationFailed'"}],
         objects=_o, events=_e, logs=_l)


# =================================================================================================================
# application_crash: the database answered; the program's own SQL or migration is wrong
# =================================================================================================================

# 27. Flyway: the app's own V1 migration uses MySQL syntax against PostgreSQL.
_img = "ghcr.io/lymengg/spring-boilerplate:0.4.0"
_prev = """2026-11-20T08:14:05.701Z  INFO 1 --- [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...
2026-11-20T08:14:05.884Z  INFO 1 --- [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@5c1bd44c
2026-11-20T08:14:05.886Z  INFO 1 --- [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Start completed.
2026-11-20T08:14:05.953Z  INFO 1 --- [           main] org.flywaydb.core.FlywayExecutor         : Database: jdbc:postgresql://app-db.boilerplate.svc:5432/app (PostgreSQL 16.4)
2026-11-20T08:14:06.102Z  INFO 1 --- [           main] o.f.core.internal.command.DbMigrate      : Migrating schema "public" to version "1 - init schema"
2026-11-20T08:14:06.131Z ERROR 1 --- [           main] o.f.core.internal.command.DbMigrate      : Migration of schema "public" to version "1 - init schema" failed! Changes successfully rolled back.
2026-11-20T08:14:06.158Z ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'flywayInitializer' defined in class path resource [org/springframework/boot/autoconfigure/flyway/FlywayAutoConfiguration$FlywayConfiguration.class]: Migration V1__init_schema.sql failed
------------------------------------
SQL State  : 42601
Error Code : 0
Message    : ERROR: syntax error at or near "AUTO_INCREMENT"
  Position: 50
Location   : db/migration/V1__init_schema.sql (/app/nested:/app/app.jar/!BOOT-INF/classes/!/db/migration/V1__init_schema.sql)
Line       : 1
Statement  : CREATE TABLE IF NOT EXISTS users (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(50) NOT NULL UNIQUE,
    email VARCHAR(100) NOT NULL UNIQUE,
    password VARCHAR(255) NOT NULL
)

Caused by: org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException: Migration V1__init_schema.sql failed
"""
_o, _e, _l = _crashing_app("boilerplate-api", "boilerplate", "8d5f7c6b94", "w9k3p", _img, _prev, restarts=6)
scenario("db-flyway-migration-syntax-error", "application_crash", difficulty="hard",
         note="Spring 'Application run failed' with the database connected fine: the app's own Flyway migration has a syntax error (SQL State 42601)",
         source=[{"url": "https://github.com/lymengg/spring-boilerplate/issues/63",
                  "quote": "Caused by: org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException: Migration V1__init_schema.sql failed"},
                 {"url": "https://github.com/lymengg/spring-boilerplate/issues/63",
                  "quote": "Message    : ERROR: syntax error at or near \"AUTO_INCREMENT\""}],
         objects=_o, events=_e, logs=_l)

# 28. The migrate init container fails on the app's own squashed migration: the table already exists.
_img = "quay.io/project-koku/koku:b4f1c2e"
_pn = "koku-api-6f8b9d7c54-x2m9t"
_init_log = """=== Running migrate for schema acct6089719
Operations to perform:
  Apply all migrations: api, auth, contenttypes, cost_models, reporting, reporting_common, sessions
Running migrations:
  Applying cost_models.0001_initial_squashed_0018_auto_20200116_2048...
Traceback (most recent call last):
  File "/opt/app-root/lib/python3.6/site-packages/django/db/backends/utils.py", line 82, in _execute
    return self.cursor.execute(sql)
psycopg2.errors.DuplicateTable: relation "cost_model_audit" already exists


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/opt/app-root/src/koku/manage.py", line 15, in <module>
    execute_from_command_line(sys.argv)
  File "/opt/app-root/lib/python3.6/site-packages/django/core/management/__init__.py", line 381, in execute_from_command_line
    utility.execute()
  File "/opt/app-root/lib/python3.6/site-packages/django/core/management/__init__.py", line 375, in execute
    self.fetch_command(subcommand).run_from_argv(self.argv)
  File "/opt/app-root/lib/python3.6/site-packages/django/db/migrations/executor.py", line 245, in apply_migration
    state = migration.apply(state, schema_editor)
  File "/opt/app-root/lib/python3.6/site-packages/django/db/backends/utils.py", line 82, in _execute
    return self.cursor.execute(sql)
django.db.utils.ProgrammingError: relation "cost_model_audit" already exists
"""
_init = container("koku-init", _img, command=["python", "koku/manage.py", "migrate_schemas"],
                  **_crashloop(_pn, "cost-mgmt", "koku-init", 1, 5))
_main = container("koku-api", _img, state=waiting("PodInitializing"), ready=False)
_p = pod(_pn, "cost-mgmt", [_main], init=[_init], phase="Pending")
scenario("db-django-migration-duplicate-table", "application_crash", difficulty="hard",
         note="Init:CrashLoopBackOff of the migrate init container: the release's own squashed migration re-creates an existing table",
         source=[{"url": "https://github.com/project-koku/koku/issues/2018",
                  "quote": "psycopg2.errors.DuplicateTable: relation \"cost_model_audit\" already exists"}],
         objects=[_p, *_workload("koku-api", "cost-mgmt", "6f8b9d7c54", _img, revision=14)],
         events=_crash_events(_p, "koku-init", _img, 5),
         logs={f"cost-mgmt/{_pn}/koku-init:previous": _init_log})

# 29. A new release's own upsert query is invalid SQL; the service keeps running and retrying.
_img = "sourcegraph/repo-updater:3.3.7"
_pn = "repo-updater-7c5f9d8b64-k4v7h"
_cur = r"""t=2026-11-20T08:13:58+0000 lvl=info msg="repo-updater: listening" addr=:3182
t=2026-11-20T08:14:03+0000 lvl=eror msg=store.done error="migrate.bitbucketserver-username-migration: upsert-external-services: pq: syntax error at or near \"ON\""
t=2026-11-20T08:14:03+0000 lvl=eror msg=migrate error="migrate.bitbucketserver-username-migration: upsert-external-services: pq: syntax error at or near \"ON\"" waiting=5s
t=2026-11-20T08:14:08+0000 lvl=eror msg=store.done error="migrate.bitbucketserver-username-migration: upsert-external-services: pq: syntax error at or near \"ON\""
t=2026-11-20T08:14:08+0000 lvl=eror msg=migrate error="migrate.bitbucketserver-username-migration: upsert-external-services: pq: syntax error at or near \"ON\"" waiting=5s
"""
_c = container("repo-updater", _img, state=running())
_p = pod(_pn, "sourcegraph", [_c])
_old_rs = replicaset("repo-updater-84d6c7f9b5", "sourcegraph", replicas=0, ready=0, deployment_name="repo-updater",
                     revision=6)
scenario("db-go-pq-syntax-error-own-query", "application_crash", difficulty="hard",
         note="Pod Running and Ready after a rollout; logfmt errors show the release's own upsert query is rejected by Postgres as a syntax error (a regression)",
         source=[{"url": "https://github.com/sourcegraph/sourcegraph-public-snapshot/issues/3800",
                  "quote": r'upsert-external-services: pq: syntax error at or near \"ON\"'}],
         objects=[_p, *_workload("repo-updater", "sourcegraph", "7c5f9d8b64", _img, ready=1, revision=7), _old_rs],
         events=[event(deployment("repo-updater", "sourcegraph"), "ScalingReplicaSet",
                       "Scaled down replica set repo-updater-84d6c7f9b5 to 0 from 1", type_="Normal", count=1,
                       component="deployment-controller")],
         logs={f"sourcegraph/{_pn}/repo-updater": _cur})


# =================================================================================================================
# permission_denied and unknown
# =================================================================================================================

# 30. The migrate Job's database role may not create tables in schema public (PostgreSQL 15 default).
_pn = "oncall-migrate-4k8qz"
_img = "grafana/oncall:v1.3.35"
_log = """Operations to perform:
  Apply all migrations: admin, alerts, auth, base, contenttypes, django_celery_results, email, heartbeat, oss_installation, sessions, social_django, telegram, user_management
Running migrations:
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute
    return self.cursor.execute(sql, params)
psycopg2.errors.InsufficientPrivilege: permission denied for schema public
LINE 1: CREATE TABLE "django_migrations" ("id" bigserial NOT NULL PR...
                     ^


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/django/db/migrations/recorder.py", line 70, in ensure_schema
    raise MigrationSchemaMissing("Unable to create the django_migrations table (%s)" % exc)
django.db.migrations.exceptions.MigrationSchemaMissing: Unable to create the django_migrations table (permission denied for schema public
LINE 1: CREATE TABLE "django_migrations" ("id" bigserial NOT NULL PR...
                     ^
)
"""
_c = container("oncall-migrate", _img, state=terminated(1, "Error"), ready=False,
               command=["python", "manage.py", "migrate", "--noinput"])
_p = pod(_pn, "oncall", [_c], phase="Failed", owner=("Job", "oncall-migrate"), restartPolicy="Never")
_j = job("oncall-migrate", "oncall", failed=7, backoff_limit=6,
         conditions=[condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
scenario("db-django-migrate-permission-denied-schema-public", "permission_denied", difficulty="hard",
         note="Helm migrate Job fails: the app's PostgreSQL role lacks CREATE on schema public (PostgreSQL 15), wrapped in MigrationSchemaMissing",
         source=[{"url": "https://github.com/grafana-cold-storage/oncall/issues/3022",
                  "quote": "django.db.migrations.exceptions.MigrationSchemaMissing: Unable to create the django_migrations table (permission denied for schema pu"},
                 {"url": "https://github.com/nautobot/nautobot/issues/5103",
                  "quote": "psycopg2.errors.InsufficientPrivilege: permission denied for schema public"}],
         objects=[_p, _j],
         events=[event(_j, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                       component="job-controller")],
         logs={f"oncall/{_pn}/oncall-migrate": _log})

# 31. A MongoDB user that may read but not insert: a CronJob's import run fails.
_pn = "device-import-29391480-7tq2d"
_img = "registry.example.com/fleet/device-import:2.0.1"
_log = r"""{"level":"info","msg":"importing 609 devices from inventory export","time":"2026-11-20T08:00:03.118Z"}
{"level":"error","msg":"bulk insert failed","time":"2026-11-20T08:00:04.207Z","err":{
  "name": "MongoError",
  "message": "not authorized on appdb to execute command { insert: \"devices\", documents: 609, ordered: true, writeConcern: { w: 1 } }",
  "ok": 0,
  "errmsg": "not authorized on appdb to execute command { insert: \"devices\", documents: 609, ordered: true, writeConcern: { w: 1 } }",
  "code": 13
}}
"""
_c = container("import", _img, state=terminated(1, "Error"), ready=False)
_p = pod(_pn, "fleet", [_c], phase="Failed", owner=("Job", "device-import-29391480"), restartPolicy="Never")
_j = job("device-import-29391480", "fleet", failed=1, backoff_limit=0,
         conditions=[condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
scenario("db-mongodb-not-authorized-insert", "permission_denied",
         note="MongoDB code 13 'not authorized ... insert': the user authenticates but its role does not allow writes",
         source=[{"url": "https://github.com/Automattic/mongoose/issues/4717",
                  "quote": r'not authorized on appdb to execute command { insert: \"devices\", documents: 609, ordered: true, writeConcern: { w: 1 } }'}],
         objects=[_p, _j],
         events=[event(_j, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                       component="job-controller")],
         logs={f"fleet/{_pn}/import": _log})

# 32. Healthy: two Ready replicas, one logged a single dropped idle connection an hour ago and carried on.
_img = "registry.example.com/billing/invoice-api:5.6.0"
_pods = []
_logs: dict[str, str] = {}
for _suffix in ("k7m2p", "t9q4x"):
    _pn = f"invoice-api-68c9f7d5b4-{_suffix}"
    _pods.append(pod(_pn, "billing", [container("api", _img, state=running())]))
    _logs[f"billing/{_pn}/api"] = (
        '{"level":"info","time":"2026-11-20T07:02:11.410Z","msg":"listening on :3000"}\n'
        '{"level":"info","time":"2026-11-20T07:12:40.201Z","msg":"GET /invoices/8812 200 14ms"}\n')
_logs["billing/invoice-api-68c9f7d5b4-t9q4x/api"] += (
    "An idle client has experienced an error Error: Connection terminated unexpectedly\n"
    "    at Connection.<anonymous> (/app/node_modules/pg/lib/client.js:132:73)\n"
    "    at Object.onceWrapper (node:events:634:28)\n"
    "    at Connection.emit (node:events:520:28)\n"
    "    at Socket.<anonymous> (/app/node_modules/pg/lib/connection.js:63:12)\n"
    '{"level":"info","time":"2026-11-20T07:13:02.877Z","msg":"GET /invoices/8813 200 21ms"}\n'
    '{"level":"info","time":"2026-11-20T08:14:30.512Z","msg":"GET /invoices/9120 200 12ms"}\n')
scenario("db-healthy-pg-idle-client-terminated", "unknown", difficulty="hard",
         note="Nothing is wrong now: both replicas Ready, 0 restarts; one logged a single node-postgres idle-client drop an hour ago and kept serving",
         source=[{"url": "https://github.com/brianc/node-postgres/issues/1542",
                  "quote": "An idle client has experienced an error"},
                 {"url": "https://github.com/brianc/node-postgres/issues/1324",
                  "quote": "Error: Connection terminated unexpectedly"}],
         objects=[*_pods, *_workload("invoice-api", "billing", "68c9f7d5b4", _img, replicas=2, ready=2)],
         events=[event(_pods[0], "Pulled", f'Container image "{_img}" already present on machine', type_="Normal",
                       count=1)],
         logs=_logs)
