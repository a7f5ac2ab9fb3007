from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from aiops_project.health import READINESS_DETAILS, failing_checks


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No dependencies are touched."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database, Redis and broker reachable; 503 naming what failed.

    Also what the apps report (`READINESS_DETAILS`: the MCP servers' health as the workers last saw it, what
    detection cannot read in each cluster): informative, it never makes this 503 (a down tool server stops the
    steps that need it, a missing permission the detection of one kind, not intake and the console).
    """
    failures = failing_checks()
    if failures:
        return JsonResponse({"status": "unavailable", "failed": failures}, status=503)
    return JsonResponse({"status": "ok", **{name: detail() for name, detail in READINESS_DETAILS.items()}})


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
        response = JsonResponse({"detail": "Authentication required (Bearer token or staff session)."},
                                status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return ExportToDjangoView(request)
