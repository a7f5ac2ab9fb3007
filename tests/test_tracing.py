"""Tracing (aiops_project/tracing.py): off, a process loads nothing of OpenTelemetry; on, the web's requests (the
alert intake's early 401 included) are server spans, and one alert's trace runs from the webhook in the web process
to the playbook step the worker ran, through the outbox and the broker. A loopback collector takes the spans as a
real one would (OTLP/HTTP protobuf)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.alertmanager_payloads import firing
from tests.helpers import eventually
from tests.otlp import Collector, Span, otlp_collector
from tests.stack import ROOT, running_stack

OTEL_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED")
SERVER, PRODUCER, CONSUMER = 2, 4, 5  # opentelemetry.proto.trace.v1.Span.SpanKind

# The web process as uvicorn loads it (aiops_project.asgi, which sets Django up), and the Celery app every process
# loads; requests through the ASGI application: /health, /ready, the alert intake refused for its token, the API
# refusing a token it looks up and does not find (a query).
WEB_PROCESS = r"""
import asyncio, json, sys
from asgiref.testing import ApplicationCommunicator
from aiops_project.asgi import application
import aiops_project.celery

async def call(method, path, headers=()):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b"{}", "more_body": False})
    start = await app.receive_output(10)
    await app.receive_output(10)
    return start["status"]

statuses = [asyncio.run(call("GET", "/health")), asyncio.run(call("GET", "/ready")),
            asyncio.run(call("POST", "/api/v1/alerts/alertmanager", [(b"authorization", b"Bearer wrong-s3cret")])),
            asyncio.run(call("GET", "/api/v1/incidents/", [(b"authorization", b"Token unknown-t0ken")]))]
print(json.dumps({"statuses": statuses,
                  "otel": sorted(name for name in sys.modules if name.split(".")[0] == "opentelemetry")}))
"""


def web_process(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    # The session's test database (migrated), which it only reads.
    name = connection.settings_dict["NAME"]
    clean["DATABASE_URL"] = urlunsplit(urlsplit(clean["DATABASE_URL"])._replace(path=f"/{name}")) if \
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else f"sqlite:///{name}"
    result = subprocess.run([sys.executable, "-c", WEB_PROCESS], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**clean, "AIOPS_VAR_DIR": str(tmp_path), "AIOPS_ALERTMANAGER_TOKEN": "the-token",
                                 "LOG_LEVEL": "warning", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# What redis-py imports of OpenTelemetry by itself: the SDK's metrics, wherever the SDK is installed (as here, the
# `tracing` extra being part of `dev`; the image without that extra has none).
REDIS_OWN = "import json, sys, redis; print(json.dumps([m for m in sys.modules if m.split('.')[0] == 'opentelemetry']))"
OURS = ("opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter", "opentelemetry.propagate")


@pytest.mark.django_db
def test_tracing_off_loads_no_opentelemetry_and_on_makes_each_request_a_server_span(tmp_path):
    off = web_process(tmp_path)
    redis_own = json.loads(subprocess.run([sys.executable, "-c", REDIS_OWN], capture_output=True, text=True,
                                          check=True).stdout)
    # Nothing beyond redis-py's own: no tracer, no middleware, no receiver, no exporter, no cost.
    assert set(off["otel"]) <= set(redis_own)
    assert not [name for name in off["otel"] if name.startswith(OURS)]
    assert off["statuses"][0] == 200 and off["statuses"][2:] == [401, 401]

    with otlp_collector() as collector:
        # /health untraced by this setting (the default leaves out /ready and /metrics too).
        on = web_process(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_BSP_SCHEDULE_DELAY="100",
                         OTEL_PYTHON_DJANGO_EXCLUDED_URLS="/health$")
        spans = collector.snapshot()  # the provider flushed them as the process exited
    assert on["statuses"] == off["statuses"] and "opentelemetry.sdk.trace" in on["otel"]
    servers = {s.name: s for s in spans if s.kind == SERVER}
    assert sorted(servers) == ["GET api/v1/incidents/?$", "GET ready", "POST api/v1/alerts/alertmanager"]
    intake = servers["POST api/v1/alerts/alertmanager"]  # the early 401 runs inside the middleware chain
    assert intake.service == "aiops-web" and intake.attributes["http.status_code"] == 401
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # psycopg under Django: the token's lookup is a span of its request, the statement without its parameters.
        queries = [s for s in spans if s.attributes.get("db.system") == "postgresql"]
        lookup = next(s for s in queries if "authtoken_token" in s.attributes["db.statement"])
        assert lookup.parent_id == servers["GET api/v1/incidents/?$"].span_id
    # Request headers are not recorded, nor query parameters: the tokens the client sent are nowhere.
    recorded = json.dumps([s.attributes for s in spans])
    assert "wrong-s3cret" not in recorded and "unknown-t0ken" not in recorded


# The Alertmanager alert goes to the crash-loop playbook, whose first step (LOW) the worker runs at once.
ALERT_RULE = """
from incidents.models import Rule
from remediation.models import Playbook
Rule.objects.create(name="alert-crashloop", priority=1, source="alertmanager", reasons=["KubePodCrashLooping"],
                    playbook=Playbook.objects.get(name="crashloop-remediation"))
print(1)
"""


def ancestors(span: Span, by_id: dict[str, Span]) -> list[Span]:
    chain = []
    while span.parent_id and (span := by_id.get(span.parent_id)) is not None:
        chain.append(span)
    return chain


def step_run_under_webhook(collector: Collector) -> tuple[Span, list[Span]] | None:
    """The worker's span of a step it ran in a trace that the webhook's request started, and its ancestors."""
    spans = collector.snapshot()
    by_id = {s.span_id: s for s in spans}
    for span in spans:
        if span.kind == CONSUMER and span.attributes.get("celery.task_name") == "remediation.execute_step":
            chain = ancestors(span, by_id)
            if chain and chain[-1].kind == SERVER and chain[-1].name == "POST api/v1/alerts/alertmanager":
                return span, chain
    return None


@pytest.mark.e2e
def test_one_trace_runs_from_the_alertmanager_webhook_to_the_step_the_worker_ran(tmp_path, migrated_sqlite):
    with otlp_collector() as collector, running_stack(
            tmp_path, migrated_sqlite, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_BSP_SCHEDULE_DELAY="200",
            AIOPS_ALERTMANAGER_TOKEN="trace-token", AIOPS_RULES_CACHE_SECONDS="0",
            AIOPS_SIMCLUSTER_SCENARIO=str(ROOT / "scenarios" / "healthy.yaml")) as stack:
        stack.manage("shell", "-c", ALERT_RULE)
        request = urllib.request.Request(f"{stack.base_url}/api/v1/alerts/alertmanager",  # noqa: S310 (loopback)
                                         data=json.dumps(firing()).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": "Bearer trace-token"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            assert response.status == 200
        found = eventually(lambda: step_run_under_webhook(collector), "the step's span under the webhook's",
                           timeout=30, explain=lambda: str(sorted({(s.service, s.name) for s in collector.snapshot()})))
    step, chain = found
    webhook = chain[-1]
    assert step.service == "aiops-worker" and webhook.service == "aiops-web"
    assert {s.trace_id for s in [step, *chain]} == {webhook.trace_id}
    # The hop from web to worker: the webhook's request sent the first task (after its commit), which sent the step.
    hops = [(s.service, s.kind, s.attributes.get("celery.task_name")) for s in chain if s.kind in (PRODUCER, CONSUMER)]
    assert hops[-1] == ("aiops-web", PRODUCER, "remediation.advance_run")
    assert ("aiops-worker", CONSUMER, "remediation.advance_run") in hops
    spans = collector.snapshot()
    assert "trace-token" not in json.dumps([s.attributes for s in spans])
    assert not [s for s in spans if s.name == "GET ready"]  # the stack's readiness probes are not traced
