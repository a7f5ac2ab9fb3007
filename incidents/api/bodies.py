"""How large a body the alert intakes read: AIOPS_ALERT_BODY_MAX_BYTES (32 MiB by default), not Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which the rest of the site keeps.

Alertmanager sends a whole alert group in one notification (about 500 bytes an alert: 2.5 MB is some 5,000 alerts,
32 MiB some 60,000), and Django's limit answers a bare 400, which Alertmanager does not retry: the group was lost.
Past the limit the answer is 413 with the reason in JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from rest_framework import status


def too_large(limit: int) -> JsonResponse:
    return JsonResponse({"detail": f"The body is larger than this intake takes ({limit} bytes, "
                                   "AIOPS_ALERT_BODY_MAX_BYTES): send fewer alerts per notification "
                                   "(Alertmanager: max_alerts in webhook_configs)."},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def read_up_to(request: HttpRequest, limit: int) -> JsonResponse | None:
    """Read the body (at most `limit` bytes) into `request.body`; a 413 when it is larger."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # the server reads what it was sent; the length is checked on what was read
    if declared > limit:
        return too_large(limit)
    if not hasattr(request, "_body"):
        body = request.read(limit + 1)
        if len(body) > limit:
            return too_large(limit)
        request._body = body  # what request.body returns from now on, without Django's own limit
    return None


def alert_body_limit(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The view reads bodies up to AIOPS_ALERT_BODY_MAX_BYTES (attributes such as csrf_exempt are kept)."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (refused := read_up_to(request, settings.ALERT_BODY_MAX_BYTES)) is not None:
            return refused
        return view(request, *args, **kwargs)

    return limited
