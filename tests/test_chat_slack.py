"""Slack, end to end over its wire protocol: requests signed exactly as Slack signs them (forged or stale
ones refused), url_verification, events, the /k8s command and Block Kit buttons, replies through slack_sdk
to a loopback Web API."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from chat import tasks
from chat.adapters.slack import bolt_app, escape
from chat.models import ChatIdentity
from remediation.models import Approval
from tests.factories import make_pending_approval, make_user
from tests.slackapi import SlackApi, signed_headers, slack_web_api

pytestmark = pytest.mark.django_db
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
URL = "/api/webhook/slack"


@pytest.fixture
def slack(settings: Any) -> Iterator[SlackApi]:
    with slack_web_api() as api:
        settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET = "xoxb-test-token", SECRET
        settings.SLACK_API_BASE_URL = api.url
        bolt_app.cache_clear()
        yield api


def post_json(client: Any, payload: dict[str, Any], *, secret: str = SECRET, timestamp: int | None = None,
              **headers: str) -> Any:
    body = json.dumps(payload)
    return client.post(URL, body, content_type="application/json",
                       **signed_headers(secret, body, timestamp), **headers)


def post_form(client: Any, fields: dict[str, str]) -> Any:
    body = urllib.parse.urlencode(fields)
    return client.post(URL, body, content_type="application/x-www-form-urlencoded", **signed_headers(SECRET, body))


def event(event_id: str, text: str, user: str = "U042") -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
            "event_time": int(time.time()), "event": {"type": "message", "channel_type": "im", "user": user,
                                                      "text": text, "ts": "1764400000.000100", "channel": "D042"}}


def run_enqueued(callbacks: list[Any], monkeypatch: Any) -> None:
    """Run what the webhook enqueued, as the worker would (the task itself, in this process)."""
    enqueued: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(tasks.handle_update, "delay", lambda *args: enqueued.append(args))
    for callback in callbacks:
        callback()
    for args in enqueued:
        tasks.handle_update(*args)


def test_url_verification_and_forged_or_stale_requests(client, slack):
    token = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    challenge = post_json(client, {"type": "url_verification", "challenge": token, "token": "x"})
    assert challenge.status_code == 200 and token.encode() in challenge.content
    assert post_json(client, event("Ev1", "/help"), secret="not-the-secret").status_code == 401
    assert post_json(client, event("Ev1", "/help"), timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert slack.calls == []


def test_a_direct_message_is_answered_once_even_when_slack_retries(client, slack, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_json(client, event("Ev2", "!help")).status_code == 200
        assert post_json(client, event("Ev2", "!help"), HTTP_X_SLACK_RETRY_NUM="1",
                         HTTP_X_SLACK_RETRY_REASON="http_timeout").status_code == 200
    run_enqueued(callbacks, monkeypatch)
    [posted] = slack.sent("chat.postMessage")
    assert posted["channel"] == "D042"
    assert "approve &lt;id&gt;" in posted["blocks"][0]["text"]["text"]  # mrkdwn escaped


def test_the_k8s_slash_command_and_an_approval_button(client, slack, monkeypatch, django_capture_on_commit_callbacks):
    approval = make_pending_approval()
    ChatIdentity.objects.create(user=make_user("oncall", "remediation.approve_medium"), slack_user_id="U042")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_form(client, {"command": "/approval", "text": "list", "user_id": "U042", "channel_id": "C1",
                                      "team_id": "T1", "trigger_id": "tr1", "token": "x", "response_url": ""})
        # /approval is not a registered Slack command: Bolt answers 404 and nothing is enqueued.
        assert response.status_code == 404
        assert post_form(client, {"command": "/k8s", "text": "clusters", "user_id": "U042", "channel_id": "C1",
                                  "team_id": "T1", "trigger_id": "tr2", "token": "x"}).status_code == 200
        assert post_json(client, event("Ev3", "/approval list")).status_code == 200
    run_enqueued(callbacks, monkeypatch)
    clusters, card = slack.sent("chat.postMessage")
    assert clusters["channel"] == "C1" and "Clusters:" in clusters["blocks"][0]["text"]["text"]
    buttons = card["blocks"][1]["elements"]
    assert [(b["action_id"], b["value"], b.get("style")) for b in buttons] == [
        ("approve", f"approve:{approval.pk}", "primary"), ("reject", f"reject:{approval.pk}", "danger")]

    press = {"type": "block_actions", "user": {"id": "U042"}, "team": {"id": "T1"}, "api_app_id": "A1",
             "token": "x", "trigger_id": "tr3", "channel": {"id": "D042"}, "container": {"channel_id": "D042"},
             "actions": [{"type": "button", "action_id": "approve", "block_id": "b", "value": f"approve:{approval.pk}",
                          "action_ts": "1764400001.1"}]}
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_form(client, {"payload": json.dumps(press)}).status_code == 200
    run_enqueued(callbacks, monkeypatch)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED and approval.decided_via == "slack"
    assert "approved" in slack.sent("chat.postMessage")[-1]["blocks"][0]["text"]["text"]


def test_mrkdwn_escaping():
    assert escape("if a < b && c > d") == "if a &lt; b &amp;&amp; c &gt; d"


def test_without_credentials_the_adapter_is_off(client, settings):
    settings.SLACK_BOT_TOKEN = ""
    assert post_json(client, event("Ev9", "/help")).status_code == 404
