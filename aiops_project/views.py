from __future__ import annotations

import hmac

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from aiops_project.health import readiness, readiness_off_the_loop


@require_GET
@never_cache
async def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No dependencies are touched (async: no thread under ASGI)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
async def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database, Redis and broker reachable; 503 naming what failed.

    Also what the apps report (`READINESS_DETAILS`: the MCP servers' health as the workers last saw it, what
    detection cannot read in each cluster): informative, it never makes this 503 (a down tool server stops the
    steps that need it, a missing permission the detection of one kind, not intake and the console).

    Under ASGI the checks run in /ready's own threads, which keep their connections (aiops_project.health);
    under WSGI and the test client in the caller's thread, as a sync view would (a test's transaction stays
    visible).
    """
    if isinstance(request, ASGIRequest):
        failures, details = await readiness_off_the_loop()
    else:
        failures, details = await sync_to_async(readiness)()
    if failures:
        return JsonResponse({"status": "unavailable", "failed": failures}, status=503)
    return JsonResponse({"status": "ok", **details})


def metrics_bearer_ok(request: HttpRequest) -> bool:
    """The request carries `Authorization: Bearer <AIOPS_METRICS_TOKEN>` (never true while the token is unset)."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(header.encode(), f"Bearer {token}".encode())


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics: for a bearer token (AIOPS_METRICS_TOKEN) or a logged-in staff user."""
    if not metrics_bearer_ok(request) and not (request.user.is_authenticated and request.user.is_staff):
        response = JsonResponse({"detail": "Authentication required (Bearer token or staff session)."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return ExportToDjangoView(request)
