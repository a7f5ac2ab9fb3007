# ruff: noqa: E501
"""Configuration errors as applications and frameworks word them, and the program bugs they are confused with.

Unknown flags and options (Go flag, cobra, argparse, spark-submit), config files that do not parse (YAML, TOML, HCL,
nginx, HAProxy, Envoy bootstrap), missing or invalid keys and values (Spring Boot failure analysis and binder, Django
ImproperlyConfigured, Rails credentials, pydantic-settings, Viper, Grafana provisioning, Alertmanager), variables that
Kubernetes itself injects for a Service and that collide with an app's settings, a config path or TLS file that is not
where the app looks, a connection string with stray quotes, a missing ServiceAccount; for contrast, panics, a
NullPointerException, TypeErrors, a KeyError on internal data and a Rust unwrap in the program's own code, a config
server that does not answer, a config file the process may not read, and a healthy app that only warns about config.
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
    node,
    pod,
    replicaset,
    scenario,
    service,
    terminated,
    uid,
    waiting,
)

OLD = "2026-11-13T22:41:07Z"  # a week before the look


# --- helpers -----------------------------------------------------------------------------------------------------






def _workload(kind: str, name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    """A StatefulSet or DaemonSet as the API server returns it."""
    spec = {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": name, "image": image}]}}}
    if kind == "StatefulSet":
        spec |= {"replicas": replicas, "serviceName": name}
        status = {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                  "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready}
    else:
        status = {"observedGeneration": 1, "currentNumberScheduled": replicas, "desiredNumberScheduled": replicas,
                  "numberMisscheduled": 0, "numberReady": ready, "numberAvailable": ready,
                  "numberUnavailable": replicas - ready, "updatedNumberScheduled": replicas}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, ns, generation=1), "spec": spec,
            "status": status}




def _age(obj: dict[str, Any], when: str = OLD) -> dict[str, Any]:
    """Move an event into the past (a finished incident)."""
    obj["firstTimestamp"] = obj["lastTimestamp"] = when
    obj["metadata"]["creationTimestamp"] = when
    return obj


_SPRING_BANNER = (
    "  .   ____          _            __ _ _",
    " /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
    "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
    " \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
    "  '  |____| .__|_| |_|_| |_\\__, | / / / /",
    " =========|_|==============|___/=/_/_/_/",
)


# =================================================================================================================
# config_error: Spring Boot, Django, pydantic-settings, Rails
# =================================================================================================================

# --- Spring Boot with a Nacos config client: the data source URL never arrives (the profile's dataId is in another
#     namespace), failure analysis in Nacos' log pattern.
_ns = "retail"
_img = "harbor.retail.internal/svc/material-service:3.4.1"
_name = "material-service-6c8f9d7b54-w2xkq"
_p = pod(_name, _ns, [container("material-service", _img, env=[{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
                                                                {"name": "NACOS_NAMESPACE", "value": "retail-prod"}],
                                limits={"memory": "1Gi"}, requests={"cpu": "250m", "memory": "768Mi"},
                                **looping(_name, _ns, "material-service", 1, 6))])
scenario(
    "cfg-spring-datasource-url-not-configured", "config_error",
    note="Spring Boot failure analysis: no spring.datasource.url reached the app (Nacos namespace/group mismatch), exit 1",
    source=[{"url": "https://github.com/alibaba/nacos/issues/10828",
             "quote": "Failed to configure a DataSource: 'url' attribute is not specified and no embedded datasource could be configured."}],
    objects=[_p, *deployment_and_rs("material-service", _ns, "6c8f9d7b54", _img), node()],
    events=crash_events(_p, "material-service", _img, 6),
    logs={f"{_ns}/{_name}/material-service:previous": log_text(
        *_SPRING_BANNER,
        " :: Spring Boot ::                (v2.6.13)",
        "2026-11-20 08:14:05.311 [material-service] [main] INFO  com.retail.material.MaterialApplication - [] The following 1 profile is active: \"prod\"",
        "2026-11-20 08:14:06.102 [material-service] [com.alibaba.nacos.client.remote.worker] INFO  com.alibaba.nacos.common.remote.client - [] [f5223fd0-2551-48bd-949e-273032765869_config-0] Notify connected event to listeners.",
        "2026-11-20 08:14:06.102 [material-service] [com.alibaba.nacos.client.remote.worker] INFO  com.alibaba.nacos.client.config.impl.ClientWorker - [] [f5223fd0-2551-48bd-949e-273032765869_config-0] Connected,notify listen context...",
        "2026-11-20 08:14:06.188 [material-service] [main] INFO  c.a.d.s.b.a.DruidDataSourceAutoConfigure - [] Init DruidDataSource",
        "2026-11-20 08:14:06.297 [material-service] [main] INFO  org.apache.catalina.core.StandardService - [] Stopping service [Tomcat]",
        "2026-11-20 08:14:06.371 [material-service] [main] ERROR o.s.b.diagnostics.LoggingFailureAnalysisReporter - [] ",
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        "Failed to configure a DataSource: 'url' attribute is not specified and no embedded datasource could be configured.",
        "",
        "Reason: Failed to determine a suitable driver class",
        "",
        "",
        "Action:",
        "",
        "Consider the following:",
        "\tIf you want an embedded database (H2, HSQL or Derby), please put it on the classpath.",
        "\tIf you have database settings to be loaded from a particular profile you may need to activate it (the profiles prod are currently active).")})

# --- Apache ShenYu: a Service named shenyu-metrics makes Kubernetes inject SHENYU_METRICS_PORT=tcp://..., which
#     Spring's relaxed binding reads as shenyu.metrics.port.
_ns = "gateway"
_img = "apache/shenyu-bootstrap:2.6.0"
_name = "shenyu-bootstrap-7d4b9c6f85-9xk2p"
_p = pod(_name, _ns, [container("shenyu-bootstrap", _img, limits={"memory": "2Gi"},
                                requests={"cpu": "500m", "memory": "1Gi"},
                                env=[{"name": "SHENYU_METRICS_ENABLED", "value": "true"}],
                                **looping(_name, _ns, "shenyu-bootstrap", 1, 5))], enableServiceLinks=True)
scenario(
    "cfg-shenyu-metrics-port-service-link", "config_error", difficulty="hard",
    note="nobody set the bad value: a Service named shenyu-metrics makes the kubelet inject SHENYU_METRICS_PORT=tcp://10.247.205.230:8090, which Spring binds to shenyu.metrics.port",
    source=[{"url": "https://github.com/apache/shenyu/issues/5307",
             "quote": 'Reason: failed to convert java.lang.String to java.lang.Integer (caused by java.lang.NumberFormatException: For input string: "tcp://10.247.205.230:8090")'}],
    objects=[_p, *deployment_and_rs("shenyu-bootstrap", _ns, "7d4b9c6f85", _img),
             service("shenyu-metrics", _ns, selector={"app": "shenyu-bootstrap"}, port=8090, target_port=8090) | {
                 "spec": {"type": "ClusterIP", "clusterIP": "10.247.205.230", "selector": {"app": "shenyu-bootstrap"},
                          "ports": [{"port": 8090, "targetPort": 8090, "protocol": "TCP"}]}},
             node()],
    events=crash_events(_p, "shenyu-bootstrap", _img, 5),
    logs={f"{_ns}/{_name}/shenyu-bootstrap:previous": log_text(
        "2026-11-20 08:14:02 [main] INFO  org.apache.shenyu.bootstrap.ShenyuBootstrapApplication - Starting ShenyuBootstrapApplication v2.6.0 using Java 1.8.0_382 with PID 1",
        "2026-11-20 08:14:02 [main] INFO  org.apache.shenyu.bootstrap.ShenyuBootstrapApplication - No active profile set, falling back to 1 default profile: \"default\"",
        "2026-11-20 08:14:05 [main] WARN  org.springframework.boot.web.reactive.context.AnnotationConfigReactiveWebServerApplicationContext - Exception encountered during context initialization - cancelling refresh attempt: org.springframework.boot.context.properties.ConfigurationPropertiesBindException: Error creating bean with name 'shenyu.metrics-org.apache.shenyu.plugin.metrics.config.MetricsConfig': Could not bind properties to 'MetricsConfig' : prefix=shenyu.metrics, ignoreInvalidFields=false, ignoreUnknownFields=true",
        "2026-11-20 08:14:05 [main] INFO  org.springframework.boot.autoconfigure.logging.ConditionEvaluationReportLoggingListener - ",
        "",
        "Error starting ApplicationContext. To display the conditions report re-run your application with 'debug' enabled.",
        "2026-11-20 08:14:05 [main] ERROR org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter - ",
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        "Failed to bind properties under 'shenyu.metrics.port' to java.lang.Integer:",
        "",
        "    Property: shenyu.metrics.port",
        '    Value: "tcp://10.247.205.230:8090"',
        '    Origin: System Environment Property "SHENYU_METRICS_PORT"',
        '    Reason: failed to convert java.lang.String to java.lang.Integer (caused by java.lang.NumberFormatException: For input string: "tcp://10.247.205.230:8090")',
        "",
        "Action:",
        "",
        "Update your application's configuration")})

# --- Dubbo provider on Spring Boot: the same Service-link collision, but only as a BindException at the top of a
#     long stack trace (no failure analysis printed).
_ns = "trade"
_img = "registry.cn-hangzhou.aliyuncs.com/trade/order-provider:1.9.2"
_name = "order-provider-5b7f8c9d46-lq7vn"
_trace = [
    "2026-11-20 08:14:11.902 ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed",
    "",
    "org.springframework.boot.context.properties.bind.BindException: Failed to bind properties under 'dubbo.provider.port' to java.lang.Integer",
    "        at org.springframework.boot.context.properties.bind.Binder.handleBindError(Binder.java:387)",
    "        at org.springframework.boot.context.properties.bind.Binder.bind(Binder.java:347)",
    "        at org.springframework.boot.context.properties.bind.Binder.lambda$bindDataObject$4(Binder.java:472)",
    "        at org.springframework.boot.context.properties.bind.JavaBeanBinder.bind(JavaBeanBinder.java:98)",
    "        at org.springframework.boot.context.properties.bind.JavaBeanBinder.bind(JavaBeanBinder.java:86)",
    "        at org.springframework.boot.context.properties.bind.Binder.bindDataObject(Binder.java:474)",
    "        at org.springframework.boot.context.properties.bind.Binder.bindObject(Binder.java:414)",
    "        at org.springframework.boot.context.properties.bind.Binder.bind(Binder.java:343)",
    "        at org.apache.dubbo.config.spring.context.properties.DefaultDubboConfigBinder.bind(DefaultDubboConfigBinder.java:41)",
    "        at org.apache.dubbo.config.spring.beans.factory.annotation.DubboConfigBindingBeanPostProcessor.bindDubboConfig(DubboConfigBindingBeanPostProcessor.java:129)",
    "        at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.applyBeanPostProcessorsBeforeInitialization(AbstractAutowireCapableBeanFactory.java:422)",
    "        at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1778)",
    "        at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.doCreateBean(AbstractAutowireCapableBeanFactory.java:602)",
    "        at org.springframework.beans.factory.support.AbstractBeanFactory.getBean(AbstractBeanFactory.java:208)",
    "        at org.springframework.context.support.AbstractApplicationContext.refresh(AbstractApplicationContext.java:583)",
    "        at org.springframework.boot.SpringApplication.refresh(SpringApplication.java:754)",
    "        at org.springframework.boot.SpringApplication.run(SpringApplication.java:338)",
    "        at org.springframework.boot.SpringApplication.run(SpringApplication.java:1343)",
    "        at org.springframework.boot.SpringApplication.run(SpringApplication.java:1332)",
    "        at org.example.DubboprivderApplication.main(DubboprivderApplication.java:13)",
    "        at sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    "        at sun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
    "        at sun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
    "        at java.lang.reflect.Method.invoke(Method.java:498)",
    "        at org.springframework.boot.loader.MainMethodRunner.run(MainMethodRunner.java:49)",
    "        at org.springframework.boot.loader.Launcher.launch(Launcher.java:108)",
    "        at org.springframework.boot.loader.Launcher.launch(Launcher.java:58)",
    "        at org.springframework.boot.loader.JarLauncher.main(JarLauncher.java:88)",
    "Caused by: org.springframework.core.convert.ConversionFailedException: Failed to convert from type [java.lang.String] to type [java.lang.Integer] for value 'tcp://10.68.136.151:20880'; nested exception is org.springframework.beans.TypeMismatchException: Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'",
    "        at org.springframework.core.convert.support.GenericConversionService.convert(GenericConversionService.java:192)",
    "        at org.springframework.boot.context.properties.bind.BindConverter.convert(BindConverter.java:99)",
    "        ... 37 common frames omitted",
    "Caused by: java.lang.NumberFormatException: For input string: \"tcp://10.68.136.151:20880\"",
    "        at java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)",
    "        at java.lang.Integer.parseInt(Integer.java:580)",
    "        at java.lang.Integer.valueOf(Integer.java:766)",
    "        ... 44 common frames omitted",
]
_p = pod(_name, _ns, [container("order-provider", _img, limits={"memory": "1536Mi"},
                                **looping(_name, _ns, "order-provider", 1, 9))])
_peer = pod("order-consumer-6d9c7b8f5-2hqxs", _ns, [container("order-consumer", "registry.cn-hangzhou.aliyuncs.com/trade/order-consumer:1.9.2")])
scenario(
    "cfg-dubbo-provider-port-env-collision-trace", "config_error", difficulty="hard",
    note="a long Java trace ending in NumberFormatException: the Service dubbo-provider makes Kubernetes inject DUBBO_PROVIDER_PORT=tcp://..., bound to dubbo.provider.port; no failure analysis",
    source=[{"url": "https://github.com/apache/dubbo/issues/10272",
             "quote": "Failed to convert from type [java.lang.String] to type [java.lang.Integer] for value 'tcp://10.68.136.151:20880'"}],
    objects=[_p, _peer, *deployment_and_rs("order-provider", _ns, "5b7f8c9d46", _img),
             {"apiVersion": "v1", "kind": "Service", "metadata": meta("dubbo-provider", _ns),
              "spec": {"type": "ClusterIP", "clusterIP": "10.68.136.151", "selector": {"app": "order-provider"},
                       "ports": [{"port": 20880, "targetPort": 20880, "protocol": "TCP"}]}},
             node()],
    events=crash_events(_p, "order-provider", _img, 9),
    logs={f"{_ns}/{_name}/order-provider:previous": log_text(
        "2026-11-20 08:14:08.117  INFO 1 --- [           main] org.example.DubboprivderApplication      : Starting DubboprivderApplication v1.9.2 using Java 1.8.0_352 on order-provider-5b7f8c9d46-lq7vn with PID 1",
        "2026-11-20 08:14:08.121  INFO 1 --- [           main] org.example.DubboprivderApplication      : No active profile set, falling back to default profiles: default",
        "2026-11-20 08:14:10.455  INFO 1 --- [           main] o.a.d.c.s.c.a.DubboConfigBindingRegistrar : The dubbo config bean definition [name : org.apache.dubbo.config.ProviderConfig#0, class : org.apache.dubbo.config.ProviderConfig] has been registered.",
        *_trace)})

# --- Django behind gunicorn: DJANGO_SECRET_KEY is read from a Secret key that is empty; gunicorn only says the
#     worker failed to boot and exits 3.
_ns = "crm"
_img = "ghcr.io/acme-crm/api:2024.11.3"
_name = "crm-api-84f6d7c9b5-t6jzm"
_p = pod(_name, _ns, [container("api", _img, command=["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"],
                                env=[{"name": "DJANGO_SETTINGS_MODULE", "value": "crm.settings.production"},
                                     {"name": "DJANGO_SECRET_KEY", "valueFrom": {"secretKeyRef": {"name": "crm-api", "key": "secret-key"}}}],
                                **looping(_name, _ns, "api", 3, 8))])
scenario(
    "cfg-django-secret-key-empty-gunicorn", "config_error", difficulty="hard",
    note="gunicorn wraps it: 'Worker failed to boot' and exit 3; the traceback in between is Django's ImproperlyConfigured for an empty SECRET_KEY",
    source=[{"url": "https://github.com/agconti/cookiecutter-django-rest/issues/708",
             "quote": "django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty."}],
    objects=[_p, *deployment_and_rs("crm-api", _ns, "84f6d7c9b5", _img, replicas=2), node()],
    events=crash_events(_p, "api", _img, 8),
    logs={f"{_ns}/{_name}/api:previous": log_text(
        "[2026-11-20 08:14:20 +0000] [1] [INFO] Starting gunicorn 21.2.0",
        "[2026-11-20 08:14:20 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
        "[2026-11-20 08:14:20 +0000] [1] [INFO] Using worker: sync",
        "[2026-11-20 08:14:20 +0000] [7] [INFO] Booting worker with pid: 7",
        "[2026-11-20 08:14:21 +0000] [7] [ERROR] Exception in worker process",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker',
        "    worker.init_process()",
        '  File "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py", line 134, in init_process',
        "    self.load_wsgi()",
        '  File "/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py", line 146, in load_wsgi',
        "    self.wsgi = self.app.wsgi()",
        '  File "/app/crm/wsgi.py", line 16, in <module>',
        "    application = get_wsgi_application()",
        '  File "/usr/local/lib/python3.11/site-packages/django/core/wsgi.py", line 12, in get_wsgi_application',
        "    django.setup(set_prefix=False)",
        '  File "/usr/local/lib/python3.11/site-packages/django/conf/__init__.py", line 71, in _setup',
        "    self._wrapped = Settings(settings_module)",
        '  File "/usr/local/lib/python3.11/site-packages/django/conf/__init__.py", line 222, in __init__',
        '    raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")',
        "django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.",
        "[2026-11-20 08:14:21 +0000] [7] [INFO] Worker exiting (pid: 7)",
        "[2026-11-20 08:14:21 +0000] [1] [ERROR] Worker (pid:7) exited with code 3",
        "[2026-11-20 08:14:21 +0000] [1] [ERROR] Shutting down: Master",
        "[2026-11-20 08:14:21 +0000] [1] [ERROR] Reason: Worker failed to boot.")})

# --- MediaManager (FastAPI + pydantic-settings): a Service named sabnzbd injects SABNZBD_PORT=tcp://..., which the
#     nested settings model reads as its port.
_ns = "media"
_img = "ghcr.io/maxdorninger/mediamanager:1.12.0"
_name = "mediamanager-6db6c5df96-2xt65"
_p = pod(_name, _ns, [container("mediamanager", _img, **looping(_name, _ns, "mediamanager", 1, 4))])
_sab = pod("sabnzbd-7c5d9f8b46-hm2wq", _ns, [container("sabnzbd", "lscr.io/linuxserver/sabnzbd:4.3.3")])
scenario(
    "cfg-pydantic-port-from-service-link", "config_error", difficulty="hard",
    note="pydantic-settings validation error whose input is tcp://10.43.54.79:8080, a variable the kubelet injects for the Service sabnzbd; a healthy sabnzbd pod beside it",
    source=[{"url": "https://github.com/maxdorninger/MediaManager/issues/379",
             "quote": "Input should be a valid integer, unable to parse string as an integer [type=int_parsing"}],
    objects=[_p, _sab, *deployment_and_rs("mediamanager", _ns, "6db6c5df96", _img),
             *deployment_and_rs("sabnzbd", _ns, "7c5d9f8b46", "lscr.io/linuxserver/sabnzbd:4.3.3", ready=1),
             {"apiVersion": "v1", "kind": "Service", "metadata": meta("sabnzbd", _ns),
              "spec": {"type": "ClusterIP", "clusterIP": "10.43.54.79", "selector": {"app": "sabnzbd"},
                       "ports": [{"port": 8080, "targetPort": 8080, "protocol": "TCP"}]}},
             node()],
    events=crash_events(_p, "mediamanager", _img, 4),
    logs={f"{_ns}/{_name}/mediamanager:previous": log_text(
        "INFO:     Started server process [1]",
        "INFO:     Waiting for application startup.",
        "Traceback (most recent call last):",
        '  File "/app/media_manager/main.py", line 41, in <module>',
        "    from media_manager.config import AllEncompassingConfig",
        '  File "/app/media_manager/config.py", line 88, in <module>',
        "    config = AllEncompassingConfig()",
        '  File "/app/.venv/lib/python3.13/site-packages/pydantic_settings/main.py", line 188, in __init__',
        "    super().__init__(",
        "pydantic_core._pydantic_core.ValidationError: 1 validation error for SabnzbdConfig",
        "port",
        "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='tcp://10.43.54.79:8080', input_type=str]",
        "    For further information visit https://errors.pydantic.dev/2.12/v/int_parsing"),
        f"{_ns}/sabnzbd-7c5d9f8b46-hm2wq/sabnzbd": log_text(
            "2026-11-20 07:02:11,401::INFO::[SABnzbd:1254] SABnzbd.py starting",
            "2026-11-20 07:02:12,022::INFO::[SABnzbd:1448] Starting web-interface on 0.0.0.0:8080")})

# --- Rails in an init container (db:prepare): RAILS_MASTER_KEY does not match credentials.yml.enc; Rails says only
#     InvalidMessage.
_ns = "umap"
_img = "ghcr.io/codev/umap:8f3c2a1"
_name = "umap-web-5f9c8d7b64-r8n2v"
_init = container("db-prepare", _img, command=["./bin/rails", "db:prepare"],
                  env=[{"name": "RAILS_ENV", "value": "production"},
                       {"name": "RAILS_MASTER_KEY", "valueFrom": {"secretKeyRef": {"name": "umap-rails", "key": "master-key"}}}],
                  **looping(_name, _ns, "db-prepare", 1, 6))
_p = pod(_name, _ns, [container("web", _img, state=waiting("PodInitializing"), ready=False)], init=[_init], phase="Pending")
scenario(
    "cfg-rails-master-key-mismatch-init", "config_error", difficulty="hard",
    note="Init:CrashLoopBackOff; the db:prepare init container aborts with the opaque MessageEncryptor::InvalidMessage (wrong RAILS_MASTER_KEY for credentials.yml.enc)",
    source=[{"url": "https://github.com/basecamp/kamal/issues/1580",
             "quote": "ActiveSupport::MessageEncryptor::InvalidMessage: ActiveSupport::MessageEncryptor::InvalidMessage"}],
    objects=[_p, *deployment_and_rs("umap-web", _ns, "5f9c8d7b64", _img), node()],
    events=crash_events(_p, "db-prepare", _img, 6),
    logs={f"{_ns}/{_name}/db-prepare:previous": log_text(
        "bin/rails aborted!",
        "ActiveSupport::MessageEncryptor::InvalidMessage: ActiveSupport::MessageEncryptor::InvalidMessage",
        "/rails/config/environment.rb:5:in '<main>'",
        "Tasks: TOP => db:prepare => db:load_config => environment",
        "(See full trace by running task with --trace)")})


# =================================================================================================================
# config_error: proxies and config files that do not parse
# =================================================================================================================

# --- nginx webapp: a ConfigMap's default.conf starts with a stray character; nginx refuses it at start.
_ns = "lifebank"
_img = "eoscostarica506/lifebank-webapp:v1.4.0"
_name = "webapp-7b8d9c6f45-kd8sz"
_p = pod(_name, _ns, [container("webapp", _img, volumeMounts=[{"name": "nginx-conf", "mountPath": "/etc/nginx/conf.d"}],
                                **looping(_name, _ns, "webapp", 1, 5))],
         volumes=[{"name": "nginx-conf", "configMap": {"name": "webapp-nginx", "defaultMode": 420}}])
scenario(
    "cfg-nginx-unknown-directive-configmap", "config_error",
    note="nginx [emerg] on the mounted default.conf, line 1; the entrypoint's own lines around it are ordinary",
    source=[{"url": "https://github.com/eoscostarica/lifebank/issues/779",
             "quote": 'nginx: [emerg] unknown directive "server " in /etc/nginx/conf.d/default.conf:1'}],
    objects=[_p, *deployment_and_rs("webapp", _ns, "7b8d9c6f45", _img), node()],
    events=crash_events(_p, "webapp", _img, 5),
    logs={f"{_ns}/{_name}/webapp:previous": log_text(
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: /etc/nginx/conf.d/default.conf differs from the packaged version, exiting",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        '2026/11/20 08:14:31 [emerg] 1#1: unknown directive "server " in /etc/nginx/conf.d/default.conf:1',
        'nginx: [emerg] unknown directive "server " in /etc/nginx/conf.d/default.conf:1')})

# --- DefectDojo: the TLS Secret is mounted at /etc/nginx/tls but nginx.conf reads /etc/nginx/ssl; the nginx
#     container loops while the uwsgi container beside it is healthy.
_ns = "defectdojo"
_img_ng = "defectdojo/defectdojo-nginx:2.40.1"
_img_uw = "defectdojo/defectdojo-django:2.40.1"
_name = "defectdojo-django-6f7d8c9b5-x4r7m"
_p = pod(_name, _ns, [
    container("uwsgi", _img_uw),
    container("nginx", _img_ng, volumeMounts=[{"name": "nginx-tls", "mountPath": "/etc/nginx/tls", "readOnly": True}],
              env=[{"name": "USE_TLS", "value": "true"}], **looping(_name, _ns, "nginx", 1, 7))],
    volumes=[{"name": "nginx-tls", "secret": {"secretName": "defectdojo-tls", "defaultMode": 420}}])
_ngx_err = ("cannot load certificate \"/etc/nginx/ssl/nginx.crt\": BIO_new_file() failed (SSL: error:02001002:system library:fopen:"
            "No such file or directory:fopen('/etc/nginx/ssl/nginx.crt','r') error:2006D080:BIO routines:BIO_new_file:no such file)")
scenario(
    "cfg-nginx-sidecar-tls-cert-path", "config_error", difficulty="hard",
    note="two containers: uwsgi is fine, the nginx container loops because the certificate path in its config is not where the TLS Secret is mounted",
    source=[{"url": "https://github.com/DefectDojo/django-DefectDojo/issues/4181", "quote": _ngx_err}],
    objects=[_p, *deployment_and_rs("defectdojo-django", _ns, "6f7d8c9b5", _img_uw), node()],
    events=crash_events(_p, "nginx", _img_ng, 7),
    logs={f"{_ns}/{_name}/nginx:previous": log_text(
        "Basic auth is off (HTTP_AUTH_PASSWORD not provided)",
        f"2026/11/20 08:14:29 [emerg] 1#1: {_ngx_err}",
        f"nginx: [emerg] {_ngx_err}"),
        f"{_ns}/{_name}/uwsgi": log_text(
            "*** Operational MODE: preforking+threaded ***",
            "WSGI app 0 (mountpoint='') ready in 6 seconds on interpreter 0x7f1c2b6c8e10 pid: 1 (default app)",
            "*** uWSGI is running in multiple interpreter mode ***",
            "spawned uWSGI master process (pid: 1)",
            "spawned uWSGI worker 1 (pid: 14, cores: 4)",
            "spawned uWSGI worker 2 (pid: 15, cores: 4)")})

# --- Envoy front proxy: a v2-style `hosts` field under clusters[0]; the logs cannot be read, the termination
#     message (FallbackToLogsOnError) keeps the last lines.
_ns = "edge"
_img = "envoyproxy/envoy:v1.31.2"
_name = "grpc-web-proxy-5c6d7f8b94-fq2lt"
_envoy = ("error initializing configuration '/etc/envoy/envoy.yaml': Protobuf message (type envoy.config.bootstrap.v3.Bootstrap "
          "reason INVALID_ARGUMENT:(static_resources.clusters[0]) hosts: Cannot find field.) has unknown fields")
_tm = log_text(f"[2026-11-20 08:14:33.369][1][critical][main] [source/server/server.cc:117] {_envoy}",
             "[2026-11-20 08:14:33.369][1][info][main] [source/server/server.cc:925] exiting",
             "Protobuf message (type envoy.config.bootstrap.v3.Bootstrap reason INVALID_ARGUMENT:(static_resources.clusters[0]) hosts: Cannot find field.) has unknown fields")
_p = pod(_name, _ns, [container("envoy", _img, args=["-c", "/etc/envoy/envoy.yaml"],
                                terminationMessagePolicy="FallbackToLogsOnError",
                                **looping(_name, _ns, "envoy", 1, 10, message=_tm))])
scenario(
    "cfg-envoy-bootstrap-unknown-field-nologs", "config_error", difficulty="hard",
    note="logs unavailable: exit 1 and the termination message (Envoy's 'has unknown fields' for a v2 field in the bootstrap) are the only evidence",
    source=[{"url": "https://github.com/oslabs-beta/ReactRPC/issues/21", "quote": _envoy}],
    objects=[_p, *deployment_and_rs("grpc-web-proxy", _ns, "5c6d7f8b94", _img), node()],
    events=crash_events(_p, "envoy", _img, 10),
    logs={}, unavailable=["logs"])

# --- HAProxy from a Helm-rendered ConfigMap without a final newline.
_ns = "ess"
_img = "docker.io/library/haproxy:3.0.5-alpine"
_name = "ess-haproxy-6b8f9c7d5-4wz8p"
_p = pod(_name, _ns, [container("haproxy", _img, volumeMounts=[{"name": "haproxy-config", "mountPath": "/usr/local/etc/haproxy"}],
                                **looping(_name, _ns, "haproxy", 1, 6))],
         volumes=[{"name": "haproxy-config", "configMap": {"name": "ess-haproxy", "defaultMode": 420}}])
scenario(
    "cfg-haproxy-missing-lf-last-line", "config_error",
    note="HAProxy refuses a haproxy.cfg rendered without a trailing newline: [ALERT] lines, exit 1",
    source=[{"url": "https://github.com/element-hq/ess-helm/issues/821",
             "quote": "Missing LF on last line, file might have been truncated"},
            {"url": "https://github.com/WhatsApp/proxy/issues/118",
             "quote": "config : Fatal errors found in configuration."}],
    objects=[_p, *deployment_and_rs("ess-haproxy", _ns, "6b8f9c7d5", _img, replicas=2), node()],
    events=crash_events(_p, "haproxy", _img, 6),
    logs={f"{_ns}/{_name}/haproxy:previous": log_text(
        "[NOTICE]   (1) : haproxy version is 3.0.5-8e879a5",
        "[ALERT]    (1) : config : parsing [/usr/local/etc/haproxy/haproxy.cfg:211]: Missing LF on last line, file might have been truncated at position 36.",
        "[ALERT]    (1) : config : Error(s) found in configuration file : /usr/local/etc/haproxy/haproxy.cfg",
        "[ALERT]    (1) : config : Fatal errors found in configuration.")})

# --- Filebeat DaemonSet: one stray character in the ConfigMap's filebeat.yml; every node's pod exits.
_ns = "logging"
_img = "docker.elastic.co/beats/filebeat:8.15.3"
_name = "filebeat-7xq2k"
_p = pod(_name, _ns, [container("filebeat", _img, args=["-c", "/etc/filebeat.yml", "-e"],
                                **looping(_name, _ns, "filebeat", 1, 12))], owner=("DaemonSet", "filebeat"))
_p2 = pod("filebeat-m4d9s", _ns, [container("filebeat", _img, args=["-c", "/etc/filebeat.yml", "-e"],
                                            **looping("filebeat-m4d9s", _ns, "filebeat", 1, 12))],
          owner=("DaemonSet", "filebeat"), node="ip-10-0-2-44.ec2.internal")
scenario(
    "cfg-filebeat-yaml-did-not-find-key", "config_error",
    note="Filebeat exits on a YAML error in its config on every node of the DaemonSet",
    source=[{"url": "https://github.com/cassiomolin/log-aggregation-spring-boot-elastic-stack/issues/4",
             "quote": "Exiting: error loading config file: yaml: line 21: did not find expected key"}],
    objects=[_p, _p2, _workload("DaemonSet", "filebeat", _ns, _img, replicas=2), node(),
             node("ip-10-0-2-44.ec2.internal")],
    events=crash_events(_p, "filebeat", _img, 12),
    logs={f"{_ns}/{_name}/filebeat:previous": "Exiting: error loading config file: yaml: line 21: did not find expected key\n",
          f"{_ns}/filebeat-m4d9s/filebeat:previous": "Exiting: error loading config file: yaml: line 21: did not find expected key\n"})

# --- categraf (Nightingale agent): a TOML file in the conf dir lacks the newline before the next table.
_ns = "monitoring"
_img = "flashcatcloud/categraf:v0.3.79"
_name = "categraf-5d7f9c8b6-gk2ls"
_p = pod(_name, _ns, [container("categraf", _img, **looping(_name, _ns, "categraf", 1, 5))])
scenario(
    "cfg-categraf-toml-top-level-item", "config_error",
    note="Go TOML decoder error on a file in the config dir, logged with categraf's F! prefix",
    source=[{"url": "https://github.com/ccfos/nightingale/issues/1157",
             "quote": "failed to init config: failed to load configs of dir: /etc/categraf/conf err:toml: line 51 (last key \"http\"): expected a top-level item to end with a newline, comment, or EOF, but got '[' instead"}],
    objects=[_p, *deployment_and_rs("categraf", _ns, "5d7f9c8b6", _img), node()],
    events=crash_events(_p, "categraf", _img, 5),
    logs={f"{_ns}/{_name}/categraf:previous": log_text(
        "2026/11/20 08:14:37 main.go:118: I! runner.binarydir: /usr/bin",
        "2026/11/20 08:14:37 main.go:119: I! runner.hostname: categraf-5d7f9c8b6-gk2ls",
        "2026/11/20 08:14:37 main.go:120: I! runner.fd_limits: (soft=1048576, hard=1048576)",
        "2026/11/20 08:14:37 main.go:121: I! runner.vm_limits: (soft=unlimited, hard=unlimited)",
        "2026/11/20 08:14:37 main.go:65: F! failed to init config: failed to load configs of dir: /etc/categraf/conf err:toml: line 51 (last key \"http\"): expected a top-level item to end with a newline, comment, or EOF, but got '[' instead")})

# --- Python app reading config.toml with tomli at import time: the error is the last line of a deep traceback.
_ns = "video"
_img = "harry0703/moneyprinterturbo:v1.2.1"
_name = "moneyprinter-api-68c9d7f5b4-vz5qn"
_p = pod(_name, _ns, [container("api", _img, **looping(_name, _ns, "api", 1, 7))])
scenario(
    "cfg-tomli-invalid-value-traceback", "config_error", difficulty="hard",
    note="a 20-frame Python traceback through tomli's parser; the cause is the last line (config.toml line 7), and the loguru line naming the file is INFO",
    source=[{"url": "https://github.com/harry0703/MoneyPrinterTurbo/issues/222",
             "quote": "tomli.TOMLDecodeError: Invalid value (at line 7, column 24)"}],
    objects=[_p, *deployment_and_rs("moneyprinter-api", _ns, "68c9d7f5b4", _img), node()],
    events=crash_events(_p, "api", _img, 7),
    logs={f"{_ns}/{_name}/api:previous": log_text(
        "2026-11-20 08:14:40.345 | INFO     | app.config.config:<module>:16 - load config from file: /MoneyPrinterTurbo/config.toml",
        "Traceback (most recent call last):",
        '  File "/MoneyPrinterTurbo/main.py", line 1, in <module>',
        "    from app.config import config",
        '  File "/MoneyPrinterTurbo/app/config/__init__.py", line 4, in <module>',
        "    from app.config import config",
        '  File "/MoneyPrinterTurbo/app/config/config.py", line 25, in <module>',
        "    _cfg = tomli.loads(_cfg_content)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 102, in loads',
        "    pos = key_value_rule(src, pos, out, header, parse_float)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 326, in key_value_rule',
        "    pos, key, value = parse_key_value_pair(src, pos, parse_float)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 369, in parse_key_value_pair',
        "    pos, value = parse_value(src, pos, parse_float)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 616, in parse_value',
        "    return parse_array(src, pos, parse_float)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 420, in parse_array',
        "    pos, val = parse_value(src, pos, parse_float)",
        '  File "/usr/local/lib/python3.10/site-packages/tomli/_parser.py", line 649, in parse_value',
        '    raise suffixed_err(src, pos, "Invalid value")',
        "tomli.TOMLDecodeError: Invalid value (at line 7, column 24)")})

# --- Vault (official chart): a bad server.ha.config value renders an HCL file Vault cannot read; all replicas loop.
_ns = "vault"
_img = "hashicorp/vault:1.17.6"
_hcl = "Error loading configuration from /tmp/storageconfig.hcl: At 10:33: illegal char"
_vault = []
for _i in range(3):
    _vault.append(pod(f"vault-{_i}", _ns, [container("vault", _img, command=["/bin/sh", "-ec"],
                                                     args=['sed -E "s/HOST_IP/${HOST_IP?}/g" /vault/config/extraconfig-from-values.hcl > /tmp/storageconfig.hcl;\n'
                                                           'sed -Ei "s/POD_IP/${POD_IP?}/g" /tmp/storageconfig.hcl;\n'
                                                           "/usr/local/bin/docker-entrypoint.sh vault server -config=/tmp/storageconfig.hcl\n"],
                                                     **looping(f"vault-{_i}", _ns, "vault", 1, 9))],
                      owner=("StatefulSet", "vault")))
scenario(
    "cfg-vault-hcl-illegal-char-all-replicas", "config_error",
    note="the only log line of every Vault replica is the HCL parse error of the config rendered from chart values",
    source=[{"url": "https://github.com/hashicorp/vault-helm/issues/114", "quote": _hcl}],
    objects=[*_vault, _workload("StatefulSet", "vault", _ns, _img, replicas=3), node()],
    events=crash_events(_vault[0], "vault", _img, 9),
    logs={f"{_ns}/vault-{_i}/vault:previous": _hcl + "\n" for _i in range(3)})

# =================================================================================================================
# config_error: flags and command lines
# =================================================================================================================

# --- actions-runner-controller chart renders --log-format for a webhook server that does not know it (Go flag).
_ns = "actions-runner-system"
_img = "summerwind/actions-runner-controller:v0.26.0"
_name = "actions-runner-controller-github-webhook-server-7c9b6f5d8-sn4kd"
_usage = log_text(
    "flag provided but not defined: -log-format",
    "Usage of /github-webhook-server:",
    "  -github-app-id int",
    "    \tThe application ID of GitHub App.",
    "  -github-app-installation-id int",
    "    \tThe installation ID of GitHub App.",
    "  -github-app-private-key string",
    "    \tThe path of a private key file to authenticate as a GitHub App",
    "  -kubeconfig string",
    "    \tPaths to a kubeconfig. Only required if out-of-cluster.",
    "  -metrics-addr string",
    '    \tThe address the metric endpoint binds to. (default ":8080")',
    "  -sync-period duration",
    "    \tDetermines the minimum frequency at which K8s resources managed by this controller are reconciled. (default 10m0s)")
_p = pod(_name, _ns, [container("github-webhook-server", _img, command=["/github-webhook-server"],
                                args=["--metrics-addr=127.0.0.1:8080", "--sync-period=10m", "--log-format=text"],
                                **looping(_name, _ns, "github-webhook-server", 2, 6)),
                      container("kube-rbac-proxy", "quay.io/brancz/kube-rbac-proxy:v0.13.1")])
scenario(
    "cfg-go-flag-not-defined-chart-arg", "config_error",
    note="Go's flag package rejects an argument the chart renders (exit 2, usage printed); the rbac proxy sidecar runs",
    source=[{"url": "https://github.com/actions/actions-runner-controller/issues/2129",
             "quote": "flag provided but not defined: -log-format"}],
    objects=[_p, *deployment_and_rs("actions-runner-controller-github-webhook-server", _ns, "7c9b6f5d8", _img), node()],
    events=crash_events(_p, "github-webhook-server", _img, 6),
    logs={f"{_ns}/{_name}/github-webhook-server:previous": _usage})

# --- OpenFeature operator injects a flagd sidecar with --sync-provider-args from chart values; flagd (cobra) no
#     longer has that flag. The app container is Running and Ready.
_ns = "checkout"
_img_app = "ghcr.io/acme/checkout-web:5.2.0"
_img_fd = "ghcr.io/open-feature/flagd:v0.13.2"
_name = "checkout-web-79d8c6b5f4-jt6hw"
_p = pod(_name, _ns, [container("checkout-web", _img_app),
                      container("flagd", _img_fd, args=["start", "--management-port", "8014", "--port", "8013",
                                                        "--sources", '[{"uri":"checkout/flags","provider":"kubernetes"}]',
                                                        "--sync-provider-args", "debug=true"],
                                **looping(_name, _ns, "flagd", 1, 8))])
scenario(
    "cfg-flagd-sidecar-unknown-flag", "config_error", difficulty="hard",
    note="only the injected flagd sidecar loops (cobra 'unknown flag' from an operator chart value); the app container is Ready, so the pod is half-up",
    source=[{"url": "https://github.com/open-feature/open-feature-operator/issues/800",
             "quote": "Error: unknown flag: --sync-provider-args"}],
    objects=[_p, *deployment_and_rs("checkout-web", _ns, "79d8c6b5f4", _img_app, replicas=2), node()],
    events=crash_events(_p, "flagd", _img_fd, 8),
    logs={f"{_ns}/{_name}/flagd:previous": log_text(
        "Error: unknown flag: --sync-provider-args",
        "Usage:",
        "  flagd start [flags]",
        "",
        "Flags:",
        "  -C, --cors-origin strings          CORS allowed origins, * will allow all origins",
        "  -h, --help                         help for start",
        "  -m, --management-port int32        Port for management operations (default 8014)",
        "  -p, --port int32                   Port to listen on (default 8013)",
        "  -s, --sources string               JSON representation of an array of SourceConfig objects."),
        f"{_ns}/{_name}/checkout-web": log_text(
            '{"level":"info","ts":"2026-11-20T08:10:02.114Z","msg":"server listening","addr":":3000"}',
            '{"level":"info","ts":"2026-11-20T08:13:40.551Z","msg":"GET /healthz 200","duration_ms":1}')})

# --- Argo CD Image Updater: a flag and its value passed as one list item, so cobra sees one unknown flag.
_ns = "argocd"
_img = "quay.io/argoprojlabs/argocd-image-updater:v0.10.3"
_name = "argocd-image-updater-5f8d7c6b9-6lqzp"
_p = pod(_name, _ns, [container("argocd-image-updater", _img, command=["/usr/local/bin/argocd-image-updater", "run",
                                                                       "--git-commit-email john@doe.com"],
                                **looping(_name, _ns, "argocd-image-updater", 1, 5))])
scenario(
    "cfg-cobra-flag-and-value-one-arg", "config_error",
    note="cobra 'unknown flag' with the value glued on: flag and value were one item in the container's command list",
    source=[{"url": "https://github.com/argoproj/argo-helm/pull/937",
             "quote": "Error: unknown flag: --git-commit-email john@doe.com"}],
    objects=[_p, *deployment_and_rs("argocd-image-updater", _ns, "5f8d7c6b9", _img), node()],
    events=crash_events(_p, "argocd-image-updater", _img, 5),
    logs={f"{_ns}/{_name}/argocd-image-updater:previous": log_text(
        "Error: unknown flag: --git-commit-email john@doe.com",
        "Usage:",
        "  argocd-image-updater run [flags]",
        "",
        "Flags:",
        "      --applications-api string          API kind that is used to manage Argo CD applications ('kubernetes' or 'argocd') (default \"kubernetes\")",
        "      --argocd-auth-token string         use token for authenticating to ArgoCD (unsafe - consider setting ARGOCD_TOKEN env var instead)",
        "      --argocd-grpc-web                  use grpc-web for connection to ArgoCD")})

# --- py-metric-collector: argparse rejects an option the manifest still passes (exit 2).
_ns = "netops"
_img = "dgarros/metric-collector:0.4.1"
_name = "metric-collector-6b9d8f7c5-zm2kd"
_p = pod(_name, _ns, [container("metric-collector", _img, command=["metric-collector"],
                                args=["--hosts", "/etc/collector/hosts.yaml", "--commands", "/etc/collector/commands.yaml", "--console"],
                                **looping(_name, _ns, "metric-collector", 2, 6))])
scenario(
    "cfg-argparse-unrecognized-argument", "config_error",
    note="argparse usage line and 'unrecognized arguments' for an option removed from the CLI, exit 2",
    source=[{"url": "https://github.com/dgarros/py-metric-collector/issues/61",
             "quote": "error: unrecognized arguments: --console"}],
    objects=[_p, *deployment_and_rs("metric-collector", _ns, "6b9d8f7c5", _img), node()],
    events=crash_events(_p, "metric-collector", _img, 6),
    logs={f"{_ns}/{_name}/metric-collector:previous": log_text(
        "usage: metric-collector [-h] [--hosts HOSTS] [--commands COMMANDS] [--tag TAG] [--cmd-tag CMD_TAG] [--log LOG]",
        "                        [--output-type OUTPUT_TYPE] [--output-addr OUTPUT_ADDR] [--sharding SHARDING]",
        "metric-collector: error: unrecognized arguments: --console")})

# --- Airflow KubernetesPodOperator: each spark-submit option and its value passed as one argument; the task pod
#     fails (restartPolicy Never, no controller).
_ns = "data"
_img = "registry.data.internal/spark/myapp:3.5.1-r4"
_name = "myapp-7f3c9a2e1b4d4c5e"
_args = ["--master k8s://https://10.96.0.1:443", "--deploy-mode cluster", "--name myApp",
         f"--conf spark.kubernetes.container.image={_img}", "local:///app/run.py"]
_p = pod(_name, _ns, [container("base", _img, command=["/opt/spark/bin/spark-submit"], args=_args,
                                state=terminated(1, "Error"), ready=False)],
         owner=("", ""), phase="Failed", restartPolicy="Never")
_p["metadata"]["labels"] = {"dag_id": "spark_pipeline", "task_id": "myApp", "kubernetes_pod_operator": "True",
                            "airflow_version": "2.9.3"}
scenario(
    "cfg-spark-submit-unrecognized-option-task-pod", "config_error", difficulty="hard",
    note="a bare Airflow task pod in phase Failed, exit 1, no restarts or BackOff: spark-submit rejects '--master k8s://...' passed as a single argument",
    source=[{"url": "https://github.com/apache/airflow/issues/12700",
             "quote": "Error: Unrecognized option: --master k8s://https://10.96.0.1:443"}],
    objects=[_p, node()],
    events=[event(_p, "Scheduled", f"Successfully assigned {_ns}/{_name} to ip-10-0-1-17.ec2.internal",
                  type_="Normal", count=1, component="default-scheduler"),
            event(_p, "Pulled", f'Container image "{_img}" already present on machine', type_="Normal", count=1),
            event(_p, "Created", "Created container base", type_="Normal", count=1),
            event(_p, "Started", "Started container base", type_="Normal", count=1)],
    logs={f"{_ns}/{_name}/base": log_text(
        "Error: Unrecognized option: --master k8s://https://10.96.0.1:443",
        "",
        "Usage: spark-submit [options] <app jar | python file | R file> [app arguments]",
        "Usage: spark-submit --kill [submission ID] --master [spark://...]",
        "Usage: spark-submit --status [submission ID] --master [spark://...]",
        "Usage: spark-submit run-example [options] example-class [example args]")})

# =================================================================================================================
# config_error: monitoring stacks, missing files and keys, connection strings, a missing ServiceAccount
# =================================================================================================================

# --- kube-prometheus-stack Grafana: the chart's default datasource plus an extra one marked default. The two
#     k8s-sidecar containers are fine; Grafana's own error is wrapped in its service-state message.
_ns = "llm-d-monitoring"
_img = "docker.io/grafana/grafana:12.2.1"
_img_sc = "quay.io/kiwigrid/k8s-sidecar:1.30.10"
_name = "prometheus-grafana-7d9b8c6f5-w9lbz"
_ds = "Datasource provisioning error: datasource.yaml config is invalid. Only one datasource per organization can be marked as default"
_p = pod(_name, _ns, [container("grafana-sc-dashboard", _img_sc), container("grafana-sc-datasources", _img_sc),
                      container("grafana", _img, **looping(_name, _ns, "grafana", 1, 7))])
scenario(
    "cfg-grafana-two-default-datasources", "config_error", difficulty="hard",
    note="three containers, two healthy sidecars; Grafana exits with its provisioning error inside a long 'invalid service state' wrapper",
    source=[{"url": "https://github.com/llm-d/llm-d/issues/494", "quote": _ds}],
    objects=[_p, *deployment_and_rs("prometheus-grafana", _ns, "7d9b8c6f5", _img), node()],
    events=crash_events(_p, "grafana", _img, 7),
    logs={f"{_ns}/{_name}/grafana:previous": log_text(
        'logger=settings t=2026-11-20T08:14:17.991232Z level=info msg="Starting Grafana" version=12.2.1 commit=563109b696e branch=HEAD',
        'logger=settings t=2026-11-20T08:14:17.991611Z level=info msg="Config loaded from" file=/usr/share/grafana/conf/defaults.ini',
        'logger=settings t=2026-11-20T08:14:17.991622Z level=info msg="Config loaded from" file=/etc/grafana/grafana.ini',
        'logger=sqlstore t=2026-11-20T08:14:18.102449Z level=info msg="Connecting to DB" dbtype=sqlite3',
        'logger=migrator t=2026-11-20T08:14:18.309117Z level=info msg="migrations completed" performed=0 skipped=640 duration=1.002ms',
        f'logger=provisioning t=2026-11-20T08:14:19.207277598Z level=error msg="Failed to provision data sources" error="{_ds}"',
        f'logger=provisioning t=2026-11-20T08:14:19.20731489Z level=error msg="Failed to provision data sources" error="{_ds}"',
        f"Error: ✗ invalid service state: Failed, expected: Terminated, failure: invalid service state: Failed, expected: Running, failure: not healthy, 0 terminated, 1 failed: [starting module provisioning: invalid service state: Failed, expected: Running, failure: {_ds}]"),
        f"{_ns}/{_name}/grafana-sc-datasources": log_text(
            '{"time": "2026-11-20T08:02:44.311802+00:00", "level": "INFO", "msg": "Starting collector"}',
            '{"time": "2026-11-20T08:02:44.402215+00:00", "level": "INFO", "msg": "Writing /etc/grafana/provisioning/datasources/datasource.yaml (ascii)"}',
            '{"time": "2026-11-20T08:02:44.402903+00:00", "level": "INFO", "msg": "Writing /etc/grafana/provisioning/datasources/extra-datasources.yaml (ascii)"}')})

# --- Alertmanager: a receiver URL left empty in the chart values; the error names no field.
_ns = "monitoring"
_img = "quay.io/prometheus/alertmanager:v0.27.0"
_name = "alertmanager-0"
_am = r'msg="Loading configuration file failed" file=/etc/alertmanager/config.yml err="unsupported scheme \"\" for URL"'
_p = pod(_name, _ns, [container("alertmanager", _img, args=["--config.file=/etc/alertmanager/config.yml", "--storage.path=/alertmanager"],
                                **looping(_name, _ns, "alertmanager", 1, 6)),
                      container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.76.0")],
         owner=("StatefulSet", "alertmanager"))
scenario(
    "cfg-alertmanager-empty-receiver-url", "config_error", difficulty="hard",
    note="'unsupported scheme \"\" for URL' is an empty slack/webhook URL from values, not a network problem; the reloader sidecar runs",
    source=[{"url": "https://github.com/Thakurvaibhav/k8s/issues/23", "quote": _am}],
    objects=[_p, _workload("StatefulSet", "alertmanager", _ns, _img), node()],
    events=crash_events(_p, "alertmanager", _img, 6),
    logs={f"{_ns}/{_name}/alertmanager:previous": log_text(
        'ts=2026-11-20T08:14:09.117Z caller=main.go:181 level=info msg="Starting Alertmanager" version="(version=0.27.0, branch=HEAD, revision=0aa3c2aad14cff039931923ab16b26b7481783b5)"',
        'ts=2026-11-20T08:14:09.121Z caller=cluster.go:186 level=info component=cluster msg="setting advertise address explicitly" addr=10.244.3.41 port=9094',
        'ts=2026-11-20T08:14:09.124Z caller=coordinator.go:113 level=info component=configuration msg="Loading configuration file" file=/etc/alertmanager/config.yml',
        f"ts=2026-11-20T08:14:09.125Z caller=coordinator.go:118 level=error component=configuration {_am}",
        'ts=2026-11-20T08:14:09.126Z caller=cluster.go:692 level=info component=cluster msg="gossip not settled but continuing anyway" polls=0 elapsed=2.1ms')})

# --- Comcast caduceus (Viper): the ConfigMap is mounted at /etc/caduceus-config, Viper searches /etc/caduceus.
_ns = "xmidt"
_img = "ghcr.io/xmidt-org/caduceus:0.7.3"
_name = "caduceus-65d8b7f9c4-p2nvx"
_p = pod(_name, _ns, [container("caduceus", _img, volumeMounts=[{"name": "config", "mountPath": "/etc/caduceus-config", "readOnly": True}],
                                **looping(_name, _ns, "caduceus", 1, 6))],
         volumes=[{"name": "config", "configMap": {"name": "caduceus", "defaultMode": 420}}])
scenario(
    "cfg-viper-config-file-not-found-mount-path", "config_error",
    note="Viper finds no config file in its search path; the ConfigMap is mounted elsewhere",
    source=[{"url": "https://github.com/xmidt-org/caduceus/issues/61",
             "quote": "Unable to initialize Viper environment: Config File 'caduceus' Not Found in"}],
    objects=[_p, *deployment_and_rs("caduceus", _ns, "65d8b7f9c4", _img), node()],
    events=crash_events(_p, "caduceus", _img, 6),
    logs={f"{_ns}/{_name}/caduceus:previous": "Unable to initialize Viper environment: Config File 'caduceus' Not Found in '[/etc/caduceus / /root/.caduceus /]'\n"})

# --- kube-stresscheck: the ServiceAccount was created in another namespace; the ReplicaSet cannot create pods.
_ns = "kube-system"
_img = "quay.io/giantswarm/kube-stresscheck:0.1.0"
_sa = ('Error creating: pods "kube-stresscheck-7f75dbbcb7-" is forbidden: error looking up service account '
       'kube-system/kube-stresscheck: serviceaccount "kube-stresscheck" not found')
_rs = replicaset("kube-stresscheck-7f75dbbcb7", _ns, replicas=1, ready=0, deployment_name="kube-stresscheck",
                 conditions=[cond("ReplicaFailure", "True", "FailedCreate", _sa)])
_dep = deployment("kube-stresscheck", _ns, replicas=1, ready=0, image=_img, conditions=[
    cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
    cond("Progressing", "True", "NewReplicaSetCreated", 'Created new replica set "kube-stresscheck-7f75dbbcb7"'),
    cond("ReplicaFailure", "True", "FailedCreate", _sa)])
scenario(
    "cfg-missing-serviceaccount-no-pod", "config_error", difficulty="hard",
    note="no pod at all: the ReplicaSet's FailedCreate names a ServiceAccount that does not exist in the namespace",
    source=[{"url": "https://github.com/giantswarm/kube-stresscheck/issues/7", "quote": _sa}],
    objects=[_dep, _rs, node()],
    events=[event(_rs, "FailedCreate", _sa, count=17, component="replicaset-controller"),
            event(_dep, "ScalingReplicaSet", "Scaled up replica set kube-stresscheck-7f75dbbcb7 to 1", type_="Normal",
                  count=1, component="deployment-controller")],
    logs={})

# --- bigbluebutton-exporter: a KeyError, but on os.environ at import: API_BASE_URL is not set in the Deployment.
_ns = "bbb"
_img = "greenstatic/bigbluebutton-exporter:v0.7.0"
_name = "bbb-exporter-5c9f7d8b66-h7qtr"
_p = pod(_name, _ns, [container("exporter", _img, env=[{"name": "API_SECRET", "valueFrom": {"secretKeyRef": {"name": "bbb", "key": "api-secret"}}}],
                                **looping(_name, _ns, "exporter", 1, 6))])
scenario(
    "cfg-python-keyerror-missing-env-var", "config_error", difficulty="hard",
    note="a Python KeyError looks like a bug, but it is os.environ['API_BASE_URL'] at import: the variable is missing from the pod spec",
    source=[{"url": "https://github.com/greenstatic/bigbluebutton-exporter/issues/89",
             "quote": "KeyError: 'API_BASE_URL'"}],
    objects=[_p, *deployment_and_rs("bbb-exporter", _ns, "5c9f7d8b66", _img), node()],
    events=crash_events(_p, "exporter", _img, 6),
    logs={f"{_ns}/{_name}/exporter:previous": log_text(
        "Traceback (most recent call last):",
        '  File "server.py", line 7, in <module>',
        "    import settings",
        '  File "/app/settings.py", line 24, in <module>',
        '    API_BASE_URL = validate_api_base_url(os.environ["API_BASE_URL"])',
        '  File "/usr/local/lib/python3.8/os.py", line 675, in __getitem__',
        "    raise KeyError(key) from None",
        "KeyError: 'API_BASE_URL'")})

# --- monstache: MONSTACHE_MONGO_URL comes from a ConfigMap whose value kept its surrounding quotes.
_ns = "search"
_img = "rwynn/monstache:6.7.21"
_name = "monstache-6f8d9c7b5-k2xpl"
_mongo = 'error parsing uri: scheme must be "mongodb" or "mongodb+srv"'
_p = pod(_name, _ns, [container("monstache", _img, args=["-f", "/config/monstache.toml"],
                                env=[{"name": "MONSTACHE_MONGO_URL", "valueFrom": {"configMapKeyRef": {"name": "monstache-env", "key": "MONSTACHE_MONGO_URL"}}}],
                                **looping(_name, _ns, "monstache", 1, 8))])
_mdb = pod("mongodb-0", _ns, [container("mongodb", "docker.io/library/mongo:7.0.14")], owner=("StatefulSet", "mongodb"))
scenario(
    "cfg-mongo-url-with-literal-quotes", "config_error", difficulty="hard",
    note="'Unable to connect to MongoDB' reads like an unreachable database, but the URI parser rejects the scheme: the value carries literal quotes; MongoDB itself is healthy",
    source=[{"url": "https://github.com/rwynn/monstache/issues/457", "quote": _mongo}],
    objects=[_p, _mdb, *deployment_and_rs("monstache", _ns, "6f8d9c7b5", _img), _workload("StatefulSet", "mongodb", _ns, "docker.io/library/mongo:7.0.14", ready=1),
             {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("monstache-env", _ns),
              "data": {"MONSTACHE_MONGO_URL": '"mongodb://mongodb-0.mongodb.search.svc:27017"'}},
             node()],
    events=crash_events(_p, "monstache", _img, 8),
    logs={f"{_ns}/{_name}/monstache:previous": log_text(
        'INFO 2026/11/20 08:14:26 Started monstache version 6.7.21',
        f'ERROR 2026/11/20 08:14:26 Unable to connect to MongoDB using URL "mongodb://mongodb-0.mongodb.search.svc:27017": {_mongo}'),
        f"{_ns}/mongodb-0/mongodb": '{"t":{"$date":"2026-11-20T08:00:12.004+00:00"},"s":"I",  "c":"NETWORK",  "id":23016,   "ctx":"listener","msg":"Waiting for connections","attr":{"port":27017,"ssl":"off"}}\n'})


# =================================================================================================================
# application_crash: the program's own code
# =================================================================================================================

# --- Kargo controller: a map never initialised in the Applications reconciler.
_ns = "kargo"
_img = "ghcr.io/akuity/kargo:v0.1.0"
_name = "kargo-controller-6c7f9d8b5-lz4mt"
_p = pod(_name, _ns, [container("controller", _img, **looping(_name, _ns, "controller", 2, 6))])
scenario(
    "cfg-kargo-controller-nil-map-panic", "application_crash",
    note="Go panic 'assignment to entry in nil map' re-raised by controller-runtime, exit 2",
    source=[{"url": "https://github.com/akuity/kargo/issues/562",
             "quote": "panic: assignment to entry in nil map [recovered]"}],
    objects=[_p, *deployment_and_rs("kargo-controller", _ns, "6c7f9d8b5", _img), node()],
    events=crash_events(_p, "controller", _img, 6),
    logs={f"{_ns}/{_name}/controller:previous": log_text(
        '{"level":"info","ts":"2026-11-20T08:14:12Z","msg":"Starting workers","controller":"application","controllerGroup":"argoproj.io","controllerKind":"Application","worker count":1}',
        "panic: assignment to entry in nil map [recovered]",
        "        panic: assignment to entry in nil map",
        "",
        "goroutine 368 [running]:",
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile.func1()",
        "        /go/pkg/mod/sigs.k8s.io/controller-runtime@v0.13.1/pkg/internal/controller/controller.go:118 +0x22c",
        "panic({0x104ed4ec0, 0x1052ab520})",
        "        /usr/local/go/src/runtime/panic.go:890 +0x21c",
        "github.com/akuity/kargo/internal/controller/applications.(*reconciler).Reconcile(0x14000181c00, {0x1052d1d28, 0x14000b32510}, {{{0x140008c4d66, 0x6}, {0x140008c4d90, 0xe}}})",
        "        /src/internal/controller/applications/applications.go:125 +0x718",
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile(0x1400093cbe0, {0x1052d1d28, 0x14000b32510}, {{{0x140008c4d66, 0x6}, {0x140008c4d90, 0xe}}})",
        "        /go/pkg/mod/sigs.k8s.io/controller-runtime@v0.13.1/pkg/internal/controller/controller.go:121 +0xec")})

# --- MXNet operator: a user adds an initContainer to an MXJob's worker template and the operator indexes its
#     containers wrongly (old runtime wording without the index).
_ns = "kubeflow"
_img = "mxjob/mxnet-operator:v1alpha1-20190104"
_name = "mxnet-operator-7c8f6d9b5-5gqkp"
_p = pod(_name, _ns, [container("mxnet-operator", _img, **looping(_name, _ns, "mxnet-operator", 2, 9))])
scenario(
    "cfg-mxnet-operator-initcontainer-index-panic", "application_crash", difficulty="hard",
    note="the trigger is a user's spec change (an initContainer in an MXJob), but the crash is the operator's own index-out-of-range in CreatePodWithIndex; old panic wording without the index",
    source=[{"url": "https://github.com/kubeflow/mxnet-operator/issues/29",
             "quote": "github.com/kubeflow/mxnet-operator/pkg/trainer.(*MXReplicaSet).CreatePodWithIndex"},
            {"url": "https://github.com/kubeflow/mxnet-operator/issues/29",
             "quote": "panic: runtime error: index out of range [recovered]"}],
    objects=[_p, *deployment_and_rs("mxnet-operator", _ns, "7c8f6d9b5", _img), node()],
    events=crash_events(_p, "mxnet-operator", _img, 9),
    logs={f"{_ns}/{_name}/mxnet-operator:previous": log_text(
        '{"filename":"controller/controller.go:218","job":"kubeflow/resnet-dist","level":"info","msg":"MXJob resnet-dist is created","time":"2026-11-20T08:14:05Z"}',
        '{"filename":"trainer/replicas.go:501","job":"kubeflow/resnet-dist","level":"info","msg":"Job resnet-dist missing pod for replica WORKER index 0, creating a new one.","time":"2026-11-20T08:14:05Z"}',
        "panic: runtime error: index out of range [recovered]",
        "\tpanic: runtime error: index out of range",
        "",
        "goroutine 110 [running]:",
        "github.com/kubeflow/mxnet-operator/vendor/k8s.io/apimachinery/pkg/util/runtime.HandleCrash(0x0, 0x0, 0x0)",
        "\t/go/src/github.com/kubeflow/mxnet-operator/vendor/k8s.io/apimachinery/pkg/util/runtime/runtime.go:58 +0x107",
        "panic(0xfb2f60, 0x18aabd0)",
        "\t/usr/local/go/src/runtime/panic.go:502 +0x229",
        "github.com/kubeflow/mxnet-operator/pkg/trainer.(*MXReplicaSet).CreatePodWithIndex(0xc4203d43c0, 0x0, 0x3f, 0xc42078d378, 0x3)",
        "\t/go/src/github.com/kubeflow/mxnet-operator/pkg/trainer/replicas.go:218 +0x11cd",
        "github.com/kubeflow/mxnet-operator/pkg/trainer.(*MXReplicaSet).SyncPods(0xc4203d43c0, 0x0, 0x0)",
        "\t/go/src/github.com/kubeflow/mxnet-operator/pkg/trainer/replicas.go:509 +0x3a8",
        "github.com/kubeflow/mxnet-operator/pkg/trainer.(*TrainingJob).Reconcile(0xc4207aa420, 0xc42040c260, 0xc420440000, 0x1a, 0xc4204fa568)",
        "\t/go/src/github.com/kubeflow/mxnet-operator/pkg/trainer/training.go:362 +0x11f")})

# --- MinIO operator 5.0.8: a regression panics when operator-ca-tls exists (TLS configuration present and valid).
_ns = "minio-operator"
_img = "quay.io/minio/operator:v5.0.8"
_name = "minio-operator-69fd675557-k8c2w"
_p = pod(_name, _ns, [container("minio-operator", _img, **looping(_name, _ns, "minio-operator", 2, 7))])
scenario(
    "cfg-minio-operator-ca-tls-nil-map-regression", "application_crash", difficulty="hard",
    note="looks tied to TLS configuration (checkOperatorCaForTenant, operator-ca-tls), but it is a nil-map panic introduced in 5.0.8; the fix is the operator version",
    source=[{"url": "https://github.com/minio/operator/issues/1766",
             "quote": "github.com/minio/operator/pkg/controller.(*Controller).checkOperatorCaForTenant"}],
    objects=[_p, *deployment_and_rs("minio-operator", _ns, "69fd675557", _img, replicas=2), node()],
    events=crash_events(_p, "minio-operator", _img, 7),
    logs={f"{_ns}/{_name}/minio-operator:previous": log_text(
        "I1120 08:14:02.193581       1 main-controller.go:600] minio-operator-69fd675557-k8c2w: I am the leader, applying leader labels on myself",
        "I1120 08:14:02.512090       1 tls.go:87] Waiting for the operator certificates to be issued",
        "I1120 08:14:03.102117       1 minio.go:143] operator-ca-tls secret found, checking tenant tenant-lake",
        "panic: assignment to entry in nil map [recovered]",
        "\tpanic: assignment to entry in nil map [recovered]",
        "\tpanic: assignment to entry in nil map",
        "",
        "goroutine 578 [running]:",
        "k8s.io/apimachinery/pkg/util/runtime.HandleCrash({0x0, 0x0, 0xc000000002?})",
        "\tk8s.io/apimachinery@v0.26.1/pkg/util/runtime/runtime.go:56 +0xcd",
        "panic({0x223cca0?, 0x4171b20?})",
        "\truntime/panic.go:914 +0x21f",
        "github.com/minio/operator/pkg/controller.(*Controller).checkOperatorCaForTenant(0xc000272f00, {0x419c3e8, 0x5553140}, 0xc000d47800)",
        "\tgithub.com/minio/operator/pkg/controller/minio.go:151 +0x1bf",
        "github.com/minio/operator/pkg/controller.(*Controller).syncHandler(0xc000272f00, {0xc000c8b410, 0x21})",
        "\tgithub.com/minio/operator/pkg/controller/main-controller.go:955 +0x1cca")})

# --- kube-opex-analytics: a KeyError on its own node map (a pod on a node it has not listed yet); the process
#     stays up but its puller dies, and the traceback repeats.
_ns = "kube-opex-analytics"
_img = "rchakode/kube-opex-analytics:22.02.3"
_name = "kube-opex-analytics-0"
_err = log_text(
    "ERROR:kube-opex-analytics:KeyError Exception in create_metrics_puller => Traceback (most recent call last):",
    '  File "./backend.py", line 760, in create_metrics_puller',
    "    k8s_usage.consolidate_ns_usage()",
    '  File "./backend.py", line 491, in consolidate_ns_usage',
    "    self.nodes[pod.nodeName].podsRunning.append(pod)",
    "KeyError: 'gke-cluster-1-pool-1-9a9ea7a4-v23m'")
_p = pod(_name, _ns, [container("kube-opex-analytics", _img)], owner=("StatefulSet", "kube-opex-analytics"))
scenario(
    "cfg-opex-keyerror-internal-node-map", "application_crash", difficulty="hard",
    note="Running and Ready, no restarts: the program's own dict lookup (self.nodes[pod.nodeName]) raises KeyError every cycle, a bug fixed upstream, not an env or config key",
    source=[{"url": "https://github.com/realopslabs/kubeledger/issues/57",
             "quote": "self.nodes[pod.nodeName].podsRunning.append(pod)"},
            {"url": "https://github.com/realopslabs/kubeledger/issues/57",
             "quote": "KeyError: 'gke-cluster-1-pool-1-9a9ea7a4-v23m'"}],
    objects=[_p, _workload("StatefulSet", "kube-opex-analytics", _ns, _img, ready=1), node()],
    events=[],
    logs={f"{_ns}/{_name}/kube-opex-analytics": "INFO:kube-opex-analytics:starting kube-opex-analytics service\n" + _err * 4})

# --- A Node.js app: node-config warns that NODE_ENV matches no file (harmless, default config applies), then the
#     app's own code dereferences undefined after a failed refresh.
_ns = "community"
_img = "ghcr.io/webuildsg/webuild:2024.3.0"
_name = "webuild-7f9c8d6b5-q4vzt"
_warn = "WARNING: NODE_ENV value of 'production' did not match any deployment config file names."
_p = pod(_name, _ns, [container("webuild", _img, env=[{"name": "NODE_ENV", "value": "production"}],
                                **looping(_name, _ns, "webuild", 1, 5))])
scenario(
    "cfg-node-typeerror-after-config-warning", "application_crash", difficulty="hard",
    note="a config warning (node-config strict mode) opens the log, but the process dies later on a TypeError in app.js when an update leaves wb.repos undefined",
    source=[{"url": "https://github.com/webuildsg/webuild/issues/281",
             "quote": "TypeError: Cannot read property 'feed' of undefined"},
            {"url": "https://github.com/nyxcharon/vault-ui/issues/5", "quote": _warn}],
    objects=[_p, *deployment_and_rs("webuild", _ns, "7f9c8d6b5", _img), node()],
    events=crash_events(_p, "webuild", _img, 5),
    logs={f"{_ns}/{_name}/webuild:previous": log_text(
        _warn,
        "WARNING: See https://github.com/lorenwest/node-config/wiki/Strict-Mode",
        "We Build SG listening on port 3000",
        "Info: Retrying github",
        "Info: Retrying github",
        "Info: Retrying github",
        "Success: Added 100 GitHub repos",
        "/app/app.js:87",
        "        repos: wb.repos.feed.repos.slice(0, 10),",
        "                       ^",
        "TypeError: Cannot read property 'feed' of undefined",
        "    at Request._callback (/app/app.js:87:24)",
        "    at Request.self.callback (/app/node_modules/request/request.js:186:22)",
        "    at emitTwo (events.js:106:13)",
        "    at Request.emit (events.js:191:7)",
        "    at Request.<anonymous> (/app/node_modules/request/request.js:1081:10)",
        "    at IncomingMessage.<anonymous> (/app/node_modules/request/request.js:1001:12)",
        "    at process._tickCallback (internal/process/next_tick.js:98:9)")})

# --- CloudIPsyncr: a Rust unwrap on None in main (exit 101).
_ns = "dns-sync"
_img = "ghcr.io/majlitech/cloudipsyncr:0.3.0"
_name = "cloudipsyncr-5b6d8c7f94-x9m2r"
_p = pod(_name, _ns, [container("cloudipsyncr", _img, **looping(_name, _ns, "cloudipsyncr", 101, 6))])
scenario(
    "cfg-rust-unwrap-none-main", "application_crash",
    note="Rust panic in main, exit 101",
    source=[{"url": "https://github.com/MajliTech/CloudIPsyncr/issues/6",
             "quote": "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value"}],
    objects=[_p, *deployment_and_rs("cloudipsyncr", _ns, "5b6d8c7f94", _img), node()],
    events=crash_events(_p, "cloudipsyncr", _img, 6),
    logs={f"{_ns}/{_name}/cloudipsyncr:previous": log_text(
        "[2026-11-20T08:14:22Z INFO  cloudipsyncr] Loaded 4 records to keep in sync",
        "[2026-11-20T08:14:23Z INFO  cloudipsyncr] Current public IP: 203.0.113.47",
        "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:88:52",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")})

# --- Strimzi cluster operator 0.12.1: an NPE while building the ZooKeeper StatefulSet; the operator keeps running
#     and the Kafka cluster never appears (no Kafka pods at all).
_ns = "vs"
_img = "strimzi/operator:0.12.1"
_name = "strimzi-cluster-operator-7d6b5c4f8-2jwrx"
_npe = "at io.strimzi.operator.cluster.model.AbstractModel.determineImagePullPolicy(AbstractModel.java:1107)"
_p = pod(_name, _ns, [container("strimzi-cluster-operator", _img)])
_rec = log_text(
    "2026-11-20 08:14:19 INFO  AbstractAssemblyOperator:184 - Reconciliation #1(watch) Kafka(vs/my-cluster): Assembly my-cluster should be created or updated",
    "2026-11-20 08:14:20 ERROR AbstractAssemblyOperator:193 - Reconciliation #1(watch) Kafka(vs/my-cluster): createOrUpdate failed",
    "java.lang.NullPointerException: null",
    f"        {_npe} ~[io.strimzi.cluster-operator-0.12.1.jar:0.12.1]",
    "        at io.strimzi.operator.cluster.model.ZookeeperCluster.getContainers(ZookeeperCluster.java:475) ~[io.strimzi.cluster-operator-0.12.1.jar:0.12.1]",
    "        at io.strimzi.operator.cluster.model.ZookeeperCluster.generateStatefulSet(ZookeeperCluster.java:423) ~[io.strimzi.cluster-operator-0.12.1.jar:0.12.1]",
    "        at io.strimzi.operator.cluster.operator.assembly.KafkaAssemblyOperator$ReconciliationState.zkStatefulSet(KafkaAssemblyOperator.java:1115) ~[io.strimzi.cluster-operator-0.12.1.jar:0.12.1]",
    "        at io.strimzi.operator.cluster.operator.assembly.KafkaAssemblyOperator.lambda$reconcile$17(KafkaAssemblyOperator.java:241) ~[io.strimzi.cluster-operator-0.12.1.jar:0.12.1]")
scenario(
    "cfg-strimzi-operator-npe-no-kafka-pods", "application_crash", difficulty="hard",
    note="the operator pod is Running and Ready; every reconcile of the Kafka resource fails with an NPE in the operator's own model code, so no Kafka pods are ever created",
    source=[{"url": "https://github.com/strimzi/strimzi-kafka-operator/issues/1807", "quote": _npe}],
    objects=[_p, *deployment_and_rs("strimzi-cluster-operator", _ns, "7d6b5c4f8", _img, ready=1), node()],
    events=[],
    logs={f"{_ns}/{_name}/strimzi-cluster-operator": log_text(
        "2026-11-20 08:12:01 INFO  Main:60 - ClusterOperator 0.12.1 is starting",
        "2026-11-20 08:12:04 INFO  ClusterOperator:84 - Starting ClusterOperator for namespace vs") + _rec * 3})

# --- Node-RED: an installed contrib node throws on a websocket message; Node-RED's uncaught-exception handler
#     exits the process.
_ns = "home"
_img = "nodered/node-red:4.0.0"
_name = "node-red-0"
_p = pod(_name, _ns, [container("node-red", _img, **looping(_name, _ns, "node-red", 1, 14))], owner=("StatefulSet", "node-red"))
scenario(
    "cfg-node-red-contrib-typeerror", "application_crash",
    note="Node-RED logs '[red] Uncaught Exception' and a TypeError from a contrib node's code, then exits 1 minutes after each start",
    source=[{"url": "https://github.com/node-red/node-red/issues/4780",
             "quote": "TypeError: Cannot read properties of undefined (reading 'includes')"}],
    objects=[_p, _workload("StatefulSet", "node-red", _ns, _img), node()],
    events=crash_events(_p, "node-red", _img, 14),
    logs={f"{_ns}/{_name}/node-red:previous": log_text(
        "20 Nov 08:09:51 - [info] Node-RED version: v4.0.0",
        "20 Nov 08:09:51 - [info] Node.js  version: v18.20.3",
        "20 Nov 08:09:52 - [info] Starting flows",
        "20 Nov 08:09:52 - [info] Started flows",
        "20 Nov 08:09:52 - [info] Server now running at http://127.0.0.1:1880/",
        "20 Nov 08:14:00 - [red] Uncaught Exception:",
        "20 Nov 08:14:00 - [error] TypeError: Cannot read properties of undefined (reading 'includes')",
        "    at init.<anonymous> (/data/node_modules/node-red-contrib-unifi-os/build/nodes/Protect.js:214:35)",
        "    at Generator.next (<anonymous>)",
        "    at /data/node_modules/node-red-contrib-unifi-os/build/nodes/Protect.js:31:71",
        "    at new Promise (<anonymous>)",
        "    at __awaiter (/data/node_modules/node-red-contrib-unifi-os/build/nodes/Protect.js:27:12)",
        "    at Object.handleUpdate [as dataCallback] (/data/node_modules/node-red-contrib-unifi-os/build/nodes/Protect.js:139:40)",
        "    at /data/node_modules/node-red-contrib-unifi-os/build/SharedProtectWebSocket.js:126:42",
        "    at Array.forEach (<anonymous>)",
        "    at WebSocket.<anonymous> (/data/node_modules/node-red-contrib-unifi-os/build/SharedProtectWebSocket.js:124:57)")})


# =================================================================================================================
# others: a config server that does not answer, a config file the process may not read, a healthy app that warns
# =================================================================================================================

# --- Spring Cloud Config client with fail-fast: the config server does not answer within the timeout.
_ns = "payments"
_img = "registry.payments.internal/ledger-service:7.3.0"
_name = "ledger-service-5d8c9b7f64-rn5tw"
_p = pod(_name, _ns, [container("ledger-service", _img, env=[{"name": "SPRING_CLOUD_CONFIG_URI", "value": "http://config-server.platform.svc:8888"},
                                                             {"name": "SPRING_CLOUD_CONFIG_FAIL_FAST", "value": "true"}],
                                limits={"memory": "1Gi"}, **looping(_name, _ns, "ledger-service", 1, 6))])
scenario(
    "cfg-config-server-timeout-fail-fast", "dependency_unreachable", difficulty="hard",
    note="'Could not locate PropertySource' reads like missing configuration, but the line before it is a connect timeout to the config server (another namespace, not visible here)",
    source=[{"url": "https://github.com/spring-cloud/spring-cloud-config/issues/1139",
             "quote": "Connect Timeout Exception on Url - http://"},
            {"url": "https://github.com/spring-cloud/spring-cloud-config/issues/2355",
             "quote": "org.springframework.cloud.config.client.ConfigClientFailFastException: Could not locate PropertySource and the fail fast property is set, failing"}],
    objects=[_p, *deployment_and_rs("ledger-service", _ns, "5d8c9b7f64", _img, replicas=3), node()],
    events=crash_events(_p, "ledger-service", _img, 6),
    logs={f"{_ns}/{_name}/ledger-service:previous": log_text(
        "2026-11-20T08:13:58.101Z  INFO 1 --- [           main] o.s.c.c.c.ConfigServerConfigDataLoader   : Fetching config from server at : http://config-server.platform.svc:8888",
        "2026-11-20T08:14:08.113Z  INFO 1 --- [           main] o.s.c.c.c.ConfigServerConfigDataLoader   : Connect Timeout Exception on Url - http://config-server.platform.svc:8888. Will be trying the next url if available",
        "2026-11-20T08:14:08.157Z ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed",
        "",
        "org.springframework.cloud.config.client.ConfigClientFailFastException: Could not locate PropertySource and the fail fast property is set, failing",
        "\tat org.springframework.cloud.config.client.ConfigServerConfigDataLoader.doLoad(ConfigServerConfigDataLoader.java:201)",
        "\tat org.springframework.cloud.config.client.ConfigServerConfigDataLoader.load(ConfigServerConfigDataLoader.java:102)",
        "\tat org.springframework.cloud.config.client.ConfigServerConfigDataLoader.load(ConfigServerConfigDataLoader.java:61)",
        "\tat org.springframework.boot.context.config.ConfigDataLoaders.load(ConfigDataLoaders.java:96)",
        "\tat org.springframework.boot.context.config.ConfigDataImporter.load(ConfigDataImporter.java:132)",
        "\tat org.springframework.boot.context.config.ConfigDataImporter.resolveAndLoad(ConfigDataImporter.java:87)")})

# --- docker_auth: the config Secret is mounted 0400 owned by root, the container runs as 65534.
_ns = "registry"
_img = "cesanta/docker_auth:1.12.0"
_name = "docker-auth-6c9b8d7f5-j8wq2"
_perm = "Failed to load config: could not read /config/docker_auth.yml: open /config/docker_auth.yml: permission denied"
_p = pod(_name, _ns, [container("docker-auth", _img, args=["--v=2", "--alsologtostderr", "/config/docker_auth.yml"],
                                volumeMounts=[{"name": "config", "mountPath": "/config", "readOnly": True}],
                                securityContext={"runAsUser": 65534, "runAsNonRoot": True, "allowPrivilegeEscalation": False},
                                **looping(_name, _ns, "docker-auth", 255, 5))],
         volumes=[{"name": "config", "secret": {"secretName": "docker-auth-config", "defaultMode": 256}}])
scenario(
    "cfg-config-file-permission-denied", "permission_denied",
    note="the config file exists and parses elsewhere; the process (uid 65534) may not read it (Secret mounted with mode 0400); glog fatal, exit 255",
    source=[{"url": "https://github.com/cesanta/docker_auth/issues/17", "quote": _perm}],
    objects=[_p, *deployment_and_rs("docker-auth", _ns, "6c9b8d7f5", _img), node()],
    events=crash_events(_p, "docker-auth", _img, 5),
    logs={f"{_ns}/{_name}/docker-auth:previous": f"F1120 08:14:46.246461       1 main.go:146] {_perm}\n"})

# --- Healthy: a Node frontend warns that NODE_ENV=prod matches no config file (default config is the production
#     one), a Spring Cloud Data Flow server warns it found no config server; both serve. An old BackOff from last
#     week's rollout remains.
_ns = "amo"
_img_fe = "mozilla/addons-frontend:2026.11.19"
_img_df = "springcloud/spring-cloud-dataflow-server:2.11.5"
_fe = pod("addons-frontend-7d8c9f6b5-2kzqp", _ns, [container("frontend", _img_fe, env=[{"name": "NODE_ENV", "value": "prod"}])])
_df = pod("scdf-server-6b9f8d7c5-wl4nx", _ns, [container("scdf-server", _img_df)])
_old_fe = pod("addons-frontend-5c7b8d9f4-8hvxr", _ns, [container("frontend", _img_fe)])
_fe_warn = "WARNING: NODE_ENV value of 'prod' did not match any deployment config file names."
_df_warn = 'Could not locate PropertySource: I/O error on GET request for "http://localhost:8888/spring-cloud-dataflow-server-kubernetes/default": Connection refused'
scenario(
    "cfg-healthy-pods-config-warnings-only", "unknown", difficulty="hard",
    note="both pods Running and Ready with no restarts; their logs carry only startup config warnings (node-config strict mode, an optional config server) and requests served; the BackOff event is a week old",
    source=[{"url": "https://github.com/mozilla/addons-frontend/issues/6365", "quote": _fe_warn},
            {"url": "https://github.com/spring-attic/spring-cloud-dataflow/issues/949", "quote": _df_warn}],
    objects=[_fe, _df, *deployment_and_rs("addons-frontend", _ns, "7d8c9f6b5", _img_fe, replicas=1, ready=1),
             *deployment_and_rs("scdf-server", _ns, "6b9f8d7c5", _img_df, replicas=1, ready=1), node()],
    events=[_age(event(_old_fe, "BackOff",
                       f"Back-off restarting failed container frontend in pod addons-frontend-5c7b8d9f4-8hvxr_amo({uid('addons-frontend-5c7b8d9f4-8hvxr')})",
                       count=3)),
            _age(event(_fe, "Pulled", f'Container image "{_img_fe}" already present on machine', type_="Normal", count=1),
                 "2026-11-19T16:40:02Z")],
    logs={f"{_ns}/addons-frontend-7d8c9f6b5-2kzqp/frontend": log_text(
        _fe_warn,
        "WARNING: See https://github.com/lorenwest/node-config/wiki/Strict-Mode",
        '{"name":"server.index","hostname":"addons-frontend-7d8c9f6b5-2kzqp","pid":1,"level":30,"msg":"🔥 Addons-frontend server is running [ENV:prod] [APP:amo] [isDevelopment:false] [isDeployed:true] [apiHost:https://addons.mozilla.org] [apiPath:/api/] [apiVersion:v5]","time":"2026-11-19T16:40:09.117Z","v":0}',
        '{"name":"server.index","hostname":"addons-frontend-7d8c9f6b5-2kzqp","pid":1,"level":30,"msg":"👁  Open your browser at http://0.0.0.0:4000 to view it.","time":"2026-11-19T16:40:09.118Z","v":0}'),
        f"{_ns}/scdf-server-6b9f8d7c5-wl4nx/scdf-server": log_text(
            "2026-11-19 16:41:48.747  INFO 1 --- [           main] c.c.c.ConfigServicePropertySourceLocator : Fetching config from server at: http://localhost:8888",
            f"2026-11-19 16:41:48.817  WARN 1 --- [           main] c.c.c.ConfigServicePropertySourceLocator : {_df_warn}; nested exception is java.net.ConnectException: Connection refused",
            "2026-11-19 16:41:48.825  INFO 1 --- [           main] o.s.c.d.s.k.KubernetesDataFlowServer     : No active profile set, falling back to default profiles: default",
            "2026-11-19 16:42:03.412  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 9393 (http) with context path ''",
            "2026-11-19 16:42:03.431  INFO 1 --- [           main] o.s.c.d.s.k.KubernetesDataFlowServer     : Started KubernetesDataFlowServer in 17.102 seconds (JVM running for 18.033)")})
