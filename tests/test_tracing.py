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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.alertmanager_payloads import firing
from tests.helpers import eventually, free_port
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
from django.conf import settings
print(json.dumps({"statuses": statuses, "first_middleware": settings.MIDDLEWARE[0],
                  "otel": sorted(name for name in sys.modules if name.split(".")[0] == "opentelemetry")}))
"""


@pytest.fixture
def database_url(tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> str:
    """The database the test's processes use: on PostgreSQL the session's test database; on SQLite a migrated file
    of their own (a second process on the file the test's own connection holds a transaction in finds it locked)."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        name = connection.settings_dict["NAME"]
        return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    return f"sqlite:///{migrated_sqlite(tmp_path / 'processes.sqlite3')}"


def run_django(script: str, database_url: str, **env: str) -> dict[str, Any]:
    """Run `script` in a process of its own on `database_url` (migrated) and the session's Redis; its last line."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**clean, "DATABASE_URL": database_url, "AIOPS_VAR_DIR": str(settings.VAR_DIR),
                                 "DJANGO_SETTINGS_MODULE": "aiops_project.settings", "LOG_LEVEL": "warning", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def web_process(database_url: str, **env: str) -> dict[str, Any]:
    """The web process: it only reads the database."""
    return run_django(WEB_PROCESS, database_url, AIOPS_ALERTMANAGER_TOKEN="the-token", **env)


# What redis-py imports of OpenTelemetry by itself: the SDK's metrics, wherever the SDK is installed (as here, the
# `tracing` extra being part of `dev`; the image without that extra has none).
REDIS_OWN = "import json, sys, redis; print(json.dumps([m for m in sys.modules if m.split('.')[0] == 'opentelemetry']))"
OURS = ("opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter", "opentelemetry.propagate")


@pytest.mark.django_db
def test_tracing_off_loads_no_opentelemetry_and_on_makes_each_request_a_server_span(database_url):
    off = web_process(database_url)
    redis_own = json.loads(subprocess.run([sys.executable, "-c", REDIS_OWN], capture_output=True, text=True,
                                          check=True).stdout)
    # Nothing beyond redis-py's own: no tracer, no middleware, no receiver, no exporter, no cost.
    assert set(off["otel"]) <= set(redis_own)
    assert not [name for name in off["otel"] if name.startswith(OURS)]
    assert off["statuses"][0] == 200 and off["statuses"][2:] == [401, 401]

    with otlp_collector() as collector:
        # /health untraced by this setting (the default leaves out /ready and /metrics too).
        on = web_process(database_url, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_BSP_SCHEDULE_DELAY="100",
                         OTEL_PYTHON_DJANGO_EXCLUDED_URLS="/health$")
        spans = collector.snapshot()  # the provider flushed them as the process exited
    assert on["statuses"] == off["statuses"] and "opentelemetry.sdk.trace" in on["otel"]
    # The instrumentation's middleware, run inline on the event loop (aiops_project/tracing_middleware.py).
    assert on["first_middleware"] == "aiops_project.tracing_middleware.TracingMiddleware"
    assert not off["first_middleware"].startswith(("aiops_project.tracing", "opentelemetry"))
    servers = {s.name: s for s in spans if s.kind == SERVER}
    assert sorted(servers) == ["GET api/v1/incidents/?$", "GET ready", "POST api/v1/alerts/alertmanager"]
    intake = servers["POST api/v1/alerts/alertmanager"]  # the early 401 runs inside the middleware chain
    assert intake.service == "aiops-web" and intake.attributes["http.status_code"] == 401
    assert intake.attributes["http.route"] == "api/v1/alerts/alertmanager"  # process_view ran
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # psycopg under Django: the token's lookup is a span of its request, the statement without its parameters.
        queries = [s for s in spans if s.attributes.get("db.system") == "postgresql"]
        lookup = next(s for s in queries if "authtoken_token" in s.attributes["db.statement"])
        assert lookup.parent_id == servers["GET api/v1/incidents/?$"].span_id
    # Request headers are not recorded, nor query parameters: the tokens the client sent are nowhere.
    recorded = json.dumps([s.attributes for s in spans])
    assert "wrong-s3cret" not in recorded and "unknown-t0ken" not in recorded


# A process writes an outbox row inside a span while the broker is down (the send fails, the row stays); another
# process drains the outbox once the broker answers. Each prints its trace and span ids.
WRITE_ROW_BROKER_DOWN = r"""
import django, json
django.setup()
from django.db import transaction
from aiops_project import outbox, tracing
from aiops_project.models import OutboxTask
from aiops_project.tasks import drain_outbox
tracing.setup("web")
from opentelemetry import trace
with trace.get_tracer("test").start_as_current_span("request") as span:
    with transaction.atomic():
        outbox.enqueue(drain_outbox)
context = span.get_span_context()
print(json.dumps({"span": [f"{context.trace_id:032x}", f"{context.span_id:016x}"],
                  "rows": list(OutboxTask.objects.values_list("trace", flat=True))}))
"""
DRAIN_LATER = r"""
import django, json
django.setup()
from datetime import timedelta
from django.utils import timezone
from aiops_project import outbox, tracing
from aiops_project.models import OutboxTask
from aiops_project.tasks import drain_outbox  # registered, as in a worker
tracing.setup("worker")
OutboxTask.objects.update(created_at=timezone.now() - outbox.DRAIN_AFTER - timedelta(seconds=1))  # its sender's no more
from opentelemetry import trace
with trace.get_tracer("test").start_as_current_span("drain") as span:
    sent = outbox.drain()
context = span.get_span_context()
print(json.dumps({"span": [f"{context.trace_id:032x}", f"{context.span_id:016x}"], "sent": sent,
                  "rows": OutboxTask.objects.count()}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_task_the_outbox_sends_later_joins_the_trace_that_wrote_it(database_url):
    with otlp_collector() as collector:
        tracing = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
        down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
        wrote = run_django(WRITE_ROW_BROKER_DOWN, database_url, REDIS_URL=down, **tracing)
        drained = run_django(DRAIN_LATER, database_url, **tracing)
        spans = collector.snapshot()
    (row,) = wrote["rows"]
    assert row["traceparent"].split("-")[1:3] == wrote["span"]  # the writer's span, kept with the row
    assert drained["sent"] == 1 and drained["rows"] == 0, drained
    (sent,) = [s for s in spans if s.kind == PRODUCER and s.service == "aiops-worker"]
    # Sent by the drain, in the trace (and under the span) of the request that wrote the row.
    assert [sent.trace_id, sent.parent_id] == wrote["span"] != drained["span"]


@pytest.mark.once
def test_no_secret_leaves_in_a_span():
    """Whatever an instrumentation recorded (a Telegram URL holds the bot's token, an exception's message anything),
    the exporter gets it redacted; a span without secrets goes as it is."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import Status, StatusCode

    from aiops_project.tracing import redacting
    from tests.secret_seeds import SEEDED_LOG, leaks

    exported = InMemorySpanExporter()
    provider = TracerProvider()  # this test's own: the process's global provider stays unset
    provider.add_span_processor(SimpleSpanProcessor(redacting(exported)))
    tracer = provider.get_tracer(__name__)
    bot = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"
    with tracer.start_as_current_span("POST") as span:
        span.set_attribute("http.url", f"https://api.telegram.org/bot{bot}/sendMessage")
        span.set_attribute("http.request.header.authorization", ("Token seedHeaderT0ken77",))
        span.set_attribute("tool.output", SEEDED_LOG.splitlines())
        span.record_exception(RuntimeError(SEEDED_LOG))
        span.set_status(Status(StatusCode.ERROR, SEEDED_LOG))
    with tracer.start_as_current_span("SELECT") as span:
        span.set_attribute("db.statement", "SELECT id FROM authtoken_token WHERE key = %s")
    provider.shutdown()
    dirty, clean = exported.get_finished_spans()
    seen = json.dumps([dict(dirty.attributes), [dict(e.attributes) for e in dirty.events], dirty.status.description])
    assert not leaks(seen) and bot not in seen and "seedHeaderT0ken77" not in seen
    assert dirty.attributes["http.url"] == "https://api.telegram.org/bot[REDACTED]/sendMessage"
    assert dirty.status.status_code == StatusCode.ERROR and dirty.events[0].name == "exception"
    assert "starting checkout v1.4.2" in dirty.status.description  # only the secrets go
    assert clean.attributes["db.statement"] == "SELECT id FROM authtoken_token WHERE key = %s"


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
