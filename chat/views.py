from __future__ import annotations

import secrets
from datetime import timedelta

import structlog
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chat.adapters import adapter_for
from chat.adapters.base import MAX_UPDATE_BYTES
from chat.models import LinkCode

log = structlog.get_logger(__name__)
LINK_CODE_MINUTES = 10


@login_required
def link_code(request: HttpRequest) -> HttpResponse:
    """A one-time code (10 minutes) that links the chat account that sends `/link CODE` to this user."""
    code = None
    assert isinstance(request.user, User)  # login_required: never the anonymous user
    if request.method == "POST":
        code = LinkCode.objects.create(code=secrets.token_hex(4).upper(), user=request.user,
                                       expires_at=timezone.now() + timedelta(minutes=LINK_CODE_MINUTES))
    return render(request, "console/link_code.html", {"code": code, "minutes": LINK_CODE_MINUTES})


@csrf_exempt  # a platform's webhook: authenticated by its signature or secret, not by a session
@require_POST
def webhook(request: HttpRequest, platform: str) -> HttpResponse:
    """Every platform's webhook: its adapter authenticates the request and enqueues the work."""
    adapter = adapter_for(platform)
    if adapter is None:
        return JsonResponse({"detail": f"{platform} is not configured on this agent."}, status=404)
    try:  # checked before the body is read: past Django's own limit, reading it would answer a bare 400
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_UPDATE_BYTES or len(request.body) > MAX_UPDATE_BYTES:
        return JsonResponse({"detail": f"A request is at most {MAX_UPDATE_BYTES} bytes."}, status=413)
    return adapter.handle_webhook(request)
