from __future__ import annotations

import hmac
import json
import secrets
from datetime import timedelta

import structlog
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from slack_bolt.adapter.django import SlackRequestHandler

from chat import tasks
from chat.adapters.slack import SlackAdapter, bolt_app
from chat.adapters.telegram import TelegramAdapter
from chat.models import LinkCode

log = structlog.get_logger(__name__)
MAX_UPDATE_BYTES = 1 << 20


LINK_CODE_MINUTES = 10


@login_required
def link_code(request: HttpRequest) -> HttpResponse:
    """A one-time code (10 minutes) that links the chat account that sends `/link CODE` to this user."""
    code = None
    if request.method == "POST":
        code = LinkCode.objects.create(code=secrets.token_hex(4).upper(), user=request.user,
                                       expires_at=timezone.now() + timedelta(minutes=LINK_CODE_MINUTES))
    return render(request, "console/link_code.html", {"code": code, "minutes": LINK_CODE_MINUTES})


@csrf_exempt  # a platform's webhook: authenticated by its signature, not by a session
@require_POST
def slack_webhook(request: HttpRequest) -> HttpResponse:
    """Slack's events, the /k8s command and button presses; Bolt checks the signature and timestamp."""
    if SlackAdapter.from_settings() is None:
        return JsonResponse({"detail": "Slack is not configured on this agent."}, status=404)
    if len(request.body) > MAX_UPDATE_BYTES:
        return JsonResponse({"detail": f"A request is at most {MAX_UPDATE_BYTES} bytes."}, status=413)
    retry = request.headers.get("X-Slack-Retry-Num")
    response = SlackRequestHandler(bolt_app(settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET,
                                            settings.SLACK_API_BASE_URL)).handle(request)
    if retry:
        log.info("slack_retry", retry=retry, reason=request.headers.get("X-Slack-Retry-Reason"))
    return response


@csrf_exempt  # a platform's webhook: authenticated by its secret, not by a session
@require_POST
def telegram_webhook(request: HttpRequest) -> JsonResponse:
    """Telegram's updates: the secret token header must match; the work happens in a task."""
    if TelegramAdapter.from_settings() is None:
        return JsonResponse({"detail": "Telegram is not configured on this agent."}, status=404)
    sent = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(sent.encode(), settings.TELEGRAM_WEBHOOK_SECRET.encode()):
        return JsonResponse({"detail": "Wrong or missing X-Telegram-Bot-Api-Secret-Token."}, status=403)
    if len(request.body) > MAX_UPDATE_BYTES:
        return JsonResponse({"detail": f"An update is at most {MAX_UPDATE_BYTES} bytes."}, status=413)
    try:
        payload = json.loads(request.body)
    except ValueError as exc:
        return JsonResponse({"detail": f"Not JSON: {exc}"}, status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return JsonResponse({"detail": "Not a Telegram update: an object with an integer update_id."}, status=400)
    transaction.on_commit(lambda: tasks.handle_update.delay("telegram", payload))
    return JsonResponse({"ok": True})
