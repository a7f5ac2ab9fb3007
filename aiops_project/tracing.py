"""OpenTelemetry tracing: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set;
then each process sends its spans there over OTLP/HTTP (protobuf), and an alert's trace runs from the webhook's
request through the Celery tasks it caused to the playbook step the worker ran.

Off, nothing of OpenTelemetry is imported for it (tests/test_tracing.py checks a web process's `sys.modules`): no
middleware, no signal receivers, no cost. The packages are the `tracing` extra (pyproject.toml), which the image
leaves out unless built with it: redis-py imports the SDK's metrics by itself wherever the SDK is installed.
On, each kind of process calls `setup()` once it runs, after any fork:
the web process from aiops_project/asgi.py (before Django builds its middleware chain), a Celery worker from
aiops_project/celery.py (in each prefork child, `worker_process_init`; for a pool of threads at `worker_init`),
beat at `beat_init`, the watcher from `manage.py watch_clusters`; `manage.py runbackground` is a worker with beat and
the watcher beside it, one provider for the three. The standard instrumentations do the rest: Django (a server span
per request, the alert intake included: its early 401 is a view inside the middleware chain), Celery (the context
travels in each task message's headers: a task sent after commit, while the request or task that enqueued it still
runs, is its child), psycopg (statements without their parameters), redis (commands without their arguments) and
httpx (OpenAI, Telegram). The outbox keeps the context of each row it writes, so a task the drain sends later (the
broker was down) still joins the trace that called for it.

The SDK reads its own settings: `OTEL_SERVICE_NAME` (default here: aiops-web, aiops-worker, aiops-beat,
aiops-watcher), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` (default: every
trace), `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_PROPAGATORS`, `OTEL_SDK_DISABLED`. No secret
reaches a span: request headers are not recorded unless `OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_*` asks for
them, and every attribute, event and status message goes through aiops_project.redaction before export (a
Telegram URL holds the bot's token, an exception's message may hold anything).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from aiops_project.redaction import REDACTED, is_secret_key, redact

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
    from opentelemetry.sdk.trace.sampling import Sampler

# Requests not traced by default: liveness and readiness probes, Prometheus' scrapes (regular expressions on the URL).
UNTRACED_PATHS = r"/health$,/ready$,/metrics$"
TRACING_MIDDLEWARE = "aiops_project.tracing_middleware.TracingMiddleware"
_lock = threading.Lock()
_process: str | None = None  # the kind of process set up, once tracing is on


def setup(process: str) -> bool:
    """Trace this process (`process`: web, worker, beat, watcher) if tracing is on; once per process, so the
    kinds that share one (runbackground) may each call it. True when tracing is on."""
    global _process
    if not settings.TRACING_ENABLED:
        return False
    with _lock:
        if _process is None:
            _start(process)
            _process = process
    return True


def _start(process: str) -> None:
    try:
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError:
        raise ImproperlyConfigured(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the tracing packages are not installed: pip install "
            "'aiops-agent[tracing]' (the image: docker build --build-arg AIOPS_EXTRAS=tracing).") from None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # Ours unless OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES say otherwise (the detector reads both).
    resource = Resource.create({"service.name": f"aiops-{process}", "aiops.process": process}).merge(
        OTELResourceDetector().detect())
    provider = TracerProvider(resource=resource)  # the sampler from OTEL_TRACES_SAMPLER(_ARG)
    provider.sampler = _without_orphan_calls(provider.sampler)
    provider.add_span_processor(BatchSpanProcessor(redacting(OTLPSpanExporter())))
    trace.set_tracer_provider(provider)
    if process == "web":
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.instrumentation.django.middleware.otel_middleware import _DjangoMiddleware

        # Its middleware goes first in MIDDLEWARE (before the handler loads it). Probes and scrapes, every few
        # seconds each, are not traced unless OTEL_PYTHON_DJANGO_EXCLUDED_URLS (or _PYTHON_EXCLUDED_URLS) says.
        chosen = os.environ.get("OTEL_PYTHON_DJANGO_EXCLUDED_URLS") or os.environ.get("OTEL_PYTHON_EXCLUDED_URLS")
        DjangoInstrumentor().instrument(excluded_urls=None if chosen else UNTRACED_PATHS)
        # Ours in its place: the same middleware without its thread hops under ASGI (tracing_middleware.py).
        theirs = f"{_DjangoMiddleware.__module__}.{_DjangoMiddleware.__qualname__}"
        settings.MIDDLEWARE = [TRACING_MIDDLEWARE if entry == theirs else entry for entry in settings.MIDDLEWARE]
    CeleryInstrumentor().instrument()
    PsycopgInstrumentor().instrument()  # statements only: capture_parameters stays off
    RedisInstrumentor().instrument()  # each command's name, its arguments as "?"
    HTTPXClientInstrumentor().instrument()


def _without_orphan_calls(sampler: Sampler) -> Sampler:
    """`sampler`, except that a call outside any request or task (a span of kind CLIENT without a parent) is not
    traced: the worker's broker polls, beat's schedule reads, heartbeats and lease renewals would each make a
    trace of one span every few seconds."""
    from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
    from opentelemetry.trace import SpanKind, get_current_span

    class WithoutOrphanCalls(Sampler):
        def should_sample(self, parent_context: Any, trace_id: int, name: str, kind: Any = None,
                          attributes: Any = None, links: Any = None, trace_state: Any = None) -> SamplingResult:
            if kind == SpanKind.CLIENT and not get_current_span(parent_context).get_span_context().is_valid:
                return SamplingResult(Decision.DROP)
            return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

        def get_description(self) -> str:
            return f"WithoutOrphanCalls{{{sampler.get_description()}}}"

    return WithoutOrphanCalls()


def carrier() -> dict[str, str]:
    """The current trace context as headers (traceparent, tracestate) to keep with work sent later; empty when
    tracing is off or no span is current."""
    if _process is None:
        return {}
    from opentelemetry import propagate

    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


@contextmanager
def resumed(headers: Mapping[str, str] | None) -> Iterator[None]:
    """Within the block, the trace context that `carrier()` kept (a no-op when tracing is off or none was kept)."""
    if _process is None or not headers:
        yield
        return
    from opentelemetry import context, propagate

    token = context.attach(propagate.extract(dict(headers)))
    try:
        yield
    finally:
        context.detach(token)


def redacting(exporter: SpanExporter) -> SpanExporter:
    """`exporter`, handed each span with the secrets of its attributes, events and status message redacted."""
    from opentelemetry.sdk.trace.export import SpanExporter

    class RedactingExporter(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return exporter.export([_redacted(span) for span in spans])

        def shutdown(self) -> None:
            exporter.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return exporter.force_flush(timeout_millis)

    return RedactingExporter()


def _clean_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        return REDACTED if value and is_secret_key(key) else redact(value)
    if isinstance(value, tuple):
        return tuple(_clean_value(key, item) for item in value)
    return value


def _clean(attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The attributes with secrets redacted, or None when none held any (the common case: no copy kept)."""
    if not attributes:
        return None
    clean = {key: _clean_value(key, value) for key, value in attributes.items()}
    return clean if clean != dict(attributes) else None


def _redacted(span: ReadableSpan) -> ReadableSpan:
    """`span`, or a copy of it with its secrets redacted."""
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.trace import Status

    attributes = _clean(span.attributes)
    events = [(event, _clean(event.attributes)) for event in span.events]
    description = span.status.description
    clean_description = redact(description) if description else description
    if attributes is None and all(clean is None for _, clean in events) and clean_description == description:
        return span
    return ReadableSpan(
        name=span.name, context=span.context, parent=span.parent, resource=span.resource,
        attributes=span.attributes if attributes is None else attributes,
        events=[event if clean is None else Event(event.name, clean, event.timestamp) for event, clean in events],
        links=span.links, kind=span.kind, status=Status(span.status.status_code, clean_description),
        start_time=span.start_time, end_time=span.end_time, instrumentation_scope=span.instrumentation_scope,
    )
