"""Slack through slack-bolt in HTTP mode, inside Django: POST /api/webhook/slack takes events, the `/k8s`
slash command and button presses. Bolt checks the signing secret (and refuses timestamps older than 5
minutes) and answers url_verification; listeners only acknowledge and enqueue, so Slack gets its answer
within its 3 seconds. Replies go out through slack_sdk's WebClient at SLACK_API_BASE_URL."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from slack_bolt import App
from slack_sdk import WebClient

from aiops_project.jsonbody import check_depth
from chat.adapters.base import BaseAdapter, split_text
from chat.messages import IncomingMessage, Reply

log = structlog.get_logger(__name__)
SECTION_LIMIT = 3000  # characters of one Block Kit section
MAX_AGE_SECONDS = 5 * 60  # a signed request older than this is a replay (Slack's own advice, and Bolt's check)
# Fields Slack sends as objects, which Bolt reads as such (a number there raised inside Bolt).
OBJECT_FIELDS = ("event", "team", "user", "channel", "container", "view", "message", "state")


class SlackAdapter(BaseAdapter):
    channel_type = "slack"
    max_length = SECTION_LIMIT

    def __init__(self, token: str, base_url: str) -> None:
        self.client = WebClient(token=token, base_url=base_url)

    @classmethod
    def from_settings(cls) -> SlackAdapter | None:
        if not settings.SLACK_BOT_TOKEN or not settings.SLACK_SIGNING_SECRET:
            cls.disabled("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
            return None
        return cls(settings.SLACK_BOT_TOKEN, settings.SLACK_API_BASE_URL)

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        """The signature and the timestamp (5 minutes) are checked here, then the body's shape; Bolt checks the
        signature again, answers url_verification, and runs the listener, which acknowledges and enqueues.

        Why before Bolt: it parses the body before it checks the signature, and a malformed body or timestamp
        raised there (a 500 with a traceback, for anyone who can reach the URL)."""
        from slack_bolt.adapter.django import SlackRequestHandler

        if (refusal := signature_refusal(request, settings.SLACK_SIGNING_SECRET)) is not None:
            return JsonResponse({"detail": refusal}, status=401)
        if (malformed := body_refusal(request)) is not None:
            log.info("slack_request_refused", reason=malformed)
            return JsonResponse({"detail": malformed}, status=400)
        if request.headers.get("X-Slack-Retry-Num"):
            log.info("slack_retry", retry=request.headers.get("X-Slack-Retry-Num"),
                     reason=request.headers.get("X-Slack-Retry-Reason"))
        app = bolt_app(settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET, settings.SLACK_API_BASE_URL)
        return SlackRequestHandler(app).handle(request)

    def parse_update(self, payload: dict[str, Any]) -> IncomingMessage | None:
        """`payload` is what a Bolt listener enqueued: user, channel, text and the id Slack gave it."""
        if not payload.get("user") or not payload.get("channel"):
            return None
        text = re.sub(r"^<@[A-Z0-9]+>\s*", "", payload.get("text") or "")  # "@aiops pods" in a channel
        return IncomingMessage(payload["user"], self.channel_type, text,
                               {"channel": payload["channel"], "update_id": payload.get("id"),
                                "thread_ts": payload.get("thread_ts")})

    def send_message(self, conversation_id: str, reply: Reply) -> None:
        self._post(conversation_id, reply, None)

    def send_replies(self, message: IncomingMessage, replies: list[Reply]) -> None:
        for reply in replies:
            self._post(message.conversation_id, reply, message.metadata.get("thread_ts"))

    def _post(self, channel: str, reply: Reply, thread_ts: str | None) -> None:
        pieces = split_text(reply.text, SECTION_LIMIT - 8)
        for n, piece in enumerate(pieces, start=1):
            text = f"```{escape(piece)}```" if reply.monospace else escape(piece)
            blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
            if reply.buttons and n == len(pieces):
                blocks.append({"type": "actions", "elements": [
                    {"type": "button", "action_id": b.value.split(":")[0], "value": b.value,
                     "text": {"type": "plain_text", "text": b.label},
                     **({"style": b.style} if b.style in {"primary", "danger"} else {})} for b in reply.buttons]})
            self.client.chat_postMessage(channel=channel, text=piece[:300], blocks=blocks,
                                         thread_ts=thread_ts or None)  # the SDK leaves a None out


def signature_refusal(request: HttpRequest, secret: str) -> str | None:
    """Why a request is not signed by Slack (v0 signature of the timestamp and the body bytes, timestamp within 5
    minutes); None when it is."""
    stamp = request.headers.get("X-Slack-Request-Timestamp", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        return "Missing or malformed X-Slack-Request-Timestamp."
    if abs(time.time() - int(stamp)) > MAX_AGE_SECONDS:
        return "Stale X-Slack-Request-Timestamp."
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + request.body,
                                hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), request.headers.get("X-Slack-Signature", "").encode()):
        return "Invalid X-Slack-Signature."
    return None


def body_refusal(request: HttpRequest) -> str | None:
    """Why a signed body is not one Bolt can read, or None: UTF-8 text, and JSON (the body, or a form's
    `payload`) that is an object of objects where Slack sends them."""
    try:
        text = request.body.decode()
    except UnicodeDecodeError:
        return "The body is not UTF-8."
    if request.content_type == "application/json" or text.startswith("{"):
        document: str | None = text
    else:
        document = dict(urllib.parse.parse_qsl(text, keep_blank_values=True)).get("payload") if "payload" in text \
            else None
    if document is None:
        return None  # a form (a slash command): fields of text
    try:
        check_depth(document)
        payload = json.loads(document)
    except ValueError as exc:
        return f"Not JSON: {exc}"
    if not isinstance(payload, dict):
        return "Not a Slack payload: a JSON object."
    wrong = [key for key in OBJECT_FIELDS if key in payload and not isinstance(payload[key], dict)]
    if isinstance(payload.get("authorizations"), list) and not all(
            isinstance(item, dict) for item in payload["authorizations"]):
        wrong.append("authorizations")
    return f"Not a Slack payload: {', '.join(wrong)} must be objects." if wrong else None


def escape(text: str) -> str:
    """Slack's mrkdwn control characters (its docs: escape &, < and >; the rest is shown as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _enqueue(payload: dict[str, Any]) -> None:
    from chat import tasks

    transaction.on_commit(lambda: tasks.handle_update.delay("slack", payload))


@functools.lru_cache(maxsize=4)
def bolt_app(token: str, signing_secret: str, base_url: str) -> App:
    """The Bolt app for these credentials (built once per process; no network call until a request)."""
    app = App(token=token, signing_secret=signing_secret, client=WebClient(token=token, base_url=base_url),
              token_verification_enabled=False, process_before_response=True)

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], ack: Any) -> None:
        ack()
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, and bots (ourselves included) are not spoken to
        _enqueue({"id": body.get("event_id"), "user": event.get("user"), "channel": event.get("channel"),
                  "text": event.get("text", ""), "thread_ts": event.get("thread_ts")})

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], ack: Any) -> None:
        ack()
        _enqueue({"id": body.get("event_id"), "user": event.get("user"), "channel": event.get("channel"),
                  "text": event.get("text", ""), "thread_ts": event.get("thread_ts") or event.get("ts")})

    @app.command("/k8s")
    def on_k8s(command: dict[str, Any], ack: Any) -> None:
        ack()  # an empty ack: the answer comes as a message in the channel
        _enqueue({"id": command.get("trigger_id"), "user": command.get("user_id"),
                  "channel": command.get("channel_id"), "text": f"/k8s {command.get('text', '')}".strip()})

    @app.action(re.compile("^(approve|reject)$"))
    def on_button(action: dict[str, Any], body: dict[str, Any], ack: Any) -> None:
        ack()
        _enqueue({"id": action.get("action_ts"), "user": (body.get("user") or {}).get("id"),
                  "channel": (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id"),
                  "text": str(action.get("value", "")).replace(":", " ", 1)})

    return app
