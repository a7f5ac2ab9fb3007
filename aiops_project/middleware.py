from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import structlog
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from aiops_project import views

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Binds a request id (the caller's X-Request-ID when well-formed, else a new one) to every log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = request_id
        return response


class ProbeHostMiddleware:
    """Answers the probes by pod IP that production ALLOWED_HOSTS does not list.

    The kubelet probes a pod at its IP (`Host: 10.1.2.3:8000`) and Prometheus scrapes every pod at its IP, so a
    list of public host names refuses both with 400 (DisallowedHost). /health and /ready answer every host the
    same and build nothing from it, so for them (GET only) and for /metrics with the right bearer token, a host
    outside ALLOWED_HOSTS is let through to the view. Every other path keeps Django's host check; an allowed host
    goes the usual way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probes: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/health": views.health, "/ready": views.ready}
        probe = probes.get(request.path_info)
        if request.path_info == "/metrics" and views.metrics_bearer_ok(request):
            probe = views.metrics
        if probe is not None and request.method == "GET":
            try:
                request.get_host()
            except DisallowedHost:
                return probe(request)
        return self.get_response(request)
