"""Bad input gets a 4xx with its reason, never a 500: bodies nested too deep, notifications too large (and large
ones that are not), Slack requests malformed before their signature, a flood of invalid alerts logged as one
line, API filters that are not what they name, ids in other digit scripts."""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any

import pytest
import structlog
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from incidents.models import ClusterEvent
from tests.alertmanager_payloads import firing
from tests.factories import make_event, make_pending_approval, make_user
from tests.slackapi import signed_headers

pytestmark = pytest.mark.django_db
AM_TOKEN = "am-token-for-bad-input"
ALERTMANAGER = "/api/v1/alerts/alertmanager"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def bearer(settings: Any) -> dict[str, str]:
    settings.ALERTMANAGER_TOKEN = AM_TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {AM_TOKEN}"}


@pytest.fixture
def api_token() -> dict[str, str]:
    token = Token.objects.create(user=User.objects.create(username="reader"))
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def alerts(count: int, **change: Any) -> list[dict[str, Any]]:
    base = firing()["alerts"][0]
    return [{**copy.deepcopy(base), "fingerprint": f"{n:016x}", **change} for n in range(count)]


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize("levels", [65, 1_000, 100_000])
def test_json_nested_too_deep_is_400_with_the_reason_on_every_json_intake(client, bearer, api_token, settings, levels):
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_WEBHOOK_SECRET = "1:t", "telegram-secret"
    nested = {**firing(), "alerts": [{**firing()["alerts"][0], "extra": json.loads(deep(60))}]}
    body = json.dumps(nested).replace("[]", deep(levels - 60).decode(), 1).encode()
    for url, headers in [(ALERTMANAGER, bearer), ("/api/v1/alerts/generic", api_token),
                         ("/api/webhook/telegram", {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "telegram-secret"})]:
        response = client.generic("POST", url, body, content_type="application/json", **headers)
        assert response.status_code == 400, (url, response.content[:200])
        assert "nested deeper than 64 levels" in response.json()["detail"]
    assert not ClusterEvent.objects.exists()


def test_json_nested_as_deep_as_allowed_is_taken(client, bearer):
    payload = firing(extra=json.loads(deep(60)))  # 60 + the envelope, the alert list and the alert: 63 levels
    response = client.post(ALERTMANAGER, payload, content_type="application/json", **bearer)
    assert response.status_code == 200, response.content[:200]
    assert ClusterEvent.objects.get().payload["extra"] == json.loads(deep(60))


def test_a_notification_larger_than_djangos_limit_is_taken_and_one_over_the_intakes_limit_is_413(
        client, bearer, settings):
    payload = {**firing(), "alerts": alerts(6_000)}
    body = json.dumps(payload).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # what Django refused with a bare 400
    response = client.generic("POST", ALERTMANAGER, body, content_type="application/json", **bearer)
    assert response.status_code == 200, response.content[:200]
    assert response.json()["recorded"] == 6_000

    settings.ALERT_BODY_MAX_BYTES = len(body) - 1
    response = client.generic("POST", ALERTMANAGER, body, content_type="application/json", **bearer)
    assert response.status_code == 413
    assert "AIOPS_ALERT_BODY_MAX_BYTES" in response.json()["detail"]


def test_a_flood_of_invalid_alerts_is_logged_as_one_short_line(client, bearer):
    payload = {**firing(), "alerts": [*alerts(1), *alerts(2_000, startsAt="yesterday")]}
    with structlog.testing.capture_logs() as logged:
        response = client.post(ALERTMANAGER, payload, content_type="application/json", **bearer)
    assert response.status_code == 422 and response.json()["recorded"] == 1
    rejected = [entry for entry in logged if entry["event"] == "alerts_rejected"]
    assert len(rejected) == 1 and rejected[0]["rejected"] == 2_000
    assert rejected[0]["rejected_fields"] == {"startsAt": 2_000} and len(rejected[0]["examples"]) == 3
    assert sum(len(json.dumps(entry, default=str)) for entry in logged) < 5_000


SLACK_SECRET = "bad-input-slack-secret"


@pytest.mark.parametrize(("body", "content_type", "stamp", "code"), [
    (b"{}", "application/json", "not-a-number", 401),
    (b"{}", "application/json", "", 401),
    (b"{}", "application/json", "1e9", 401),
    (b"{not json", "application/json", None, 400),
    (b"[1, 2]", "application/json", None, 400),
    (b'{"type": "event_callback", "event": 17}', "application/json", None, 400),
    (b"\xff\xfe", "application/json", None, 400),
    (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", None, 400),
    (deep(100_000), "application/json", None, 400),
])
def test_a_malformed_slack_request_is_refused_cleanly_without_a_traceback(client, settings, caplog, body,
                                                                          content_type, stamp, code):
    settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET = "xoxb-test", SLACK_SECRET
    headers = signed_headers(SLACK_SECRET, body.decode("latin-1"))
    if stamp is not None:
        headers["HTTP_X_SLACK_REQUEST_TIMESTAMP"] = stamp
    else:  # signed over the bytes as sent
        import hashlib
        import hmac

        now = str(int(time.time()))
        digest = hmac.new(SLACK_SECRET.encode(), f"v0:{now}:".encode() + body, hashlib.sha256).hexdigest()
        headers = {"HTTP_X_SLACK_REQUEST_TIMESTAMP": now, "HTTP_X_SLACK_SIGNATURE": f"v0={digest}"}
    with caplog.at_level(logging.INFO):
        response = client.generic("POST", "/api/webhook/slack", body, content_type=content_type, **headers)
    assert response.status_code == code, response.content[:200]
    assert response.json()["detail"]
    assert [record.getMessage()[:80] for record in caplog.records if record.exc_info or record.levelno >= 40] == []


EVENTS, INCIDENTS, APPROVALS = "/api/v1/events/", "/api/v1/incidents/", "/api/v1/approvals/"


@pytest.mark.parametrize(("urls", "query"), [
    ([EVENTS], "incident=abc"), ([EVENTS], "incident=7x"), ([EVENTS], "incident=\u0667"), ([EVENTS], "incident=-1"),
    ([EVENTS], "incident=" + "9" * 30),
    ([EVENTS, INCIDENTS], "since=2026-02-30T10:00:00Z"), ([EVENTS, INCIDENTS], "since=2026-13-01T00:00:00Z"),
    ([EVENTS, INCIDENTS], "since=yesterday"), ([EVENTS, INCIDENTS], "since=2026-11-28T10:00:00%00"),
    ([EVENTS, INCIDENTS], "namespace=a%00b"), ([EVENTS], "reason=%00"), ([EVENTS, INCIDENTS, APPROVALS], "status=%00"),
])
def test_an_api_filter_that_is_not_what_it_names_is_400_with_the_parameter(client, api_token, urls, query):
    make_event()
    for url in urls:
        response = client.get(f"{url}?{query}", **api_token)
        assert response.status_code == 400, (url, query, response.content[:200])
        assert query.split("=")[0] in response.json()


def test_api_filters_still_filter(client, api_token):
    event = make_event(namespace="shop")
    make_event(namespace="other", reason="Other")
    assert [e["id"] for e in client.get("/api/v1/events/?namespace=shop", **api_token).json()["results"]] == [
        event.pk]
    assert client.get("/api/v1/events/?since=2026-11-28T10:00:00Z", **api_token).status_code == 200
    assert client.get("/api/v1/events/?incident=12", **api_token).json()["count"] == 0


# Ten digits of each script, from its zero (int() reads them all).
DIGIT_SCRIPTS = {name: "".join(chr(zero + n) for n in range(10)) for name, zero in [
    ("arabic-indic", 0x0660), ("devanagari", 0x0966), ("fullwidth", 0xFF10), ("mathematical", 0x1D7CE)]}


@pytest.mark.parametrize("digits", DIGIT_SCRIPTS.values(), ids=DIGIT_SCRIPTS)
def test_an_approval_id_in_another_digit_script_is_no_id(client, digits):
    approver = make_user("approver", "remediation.approve_medium")
    token = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=approver).key}"}
    approval = make_pending_approval()
    written = str(approval.pk).translate(str.maketrans("0123456789", digits))
    assert int(written) == approval.pk  # what Python's int() made of it
    assert client.get(f"/api/v1/approvals/{written}", **token).status_code == 404
    assert client.post(f"/api/v1/approvals/{written}/approve", **token).status_code == 404
    approval.refresh_from_db()
    assert approval.status == "pending"
    assert client.get(f"/api/v1/approvals/{approval.pk}", **token).status_code == 200


@pytest.mark.parametrize("word", ["\u0667", "#\u0667", "\uff17", "\U0001d7d5", "+7", " 7", "7_0", "0x7"])
def test_a_chat_id_in_another_digit_script_or_form_names_no_approval_or_incident(word):
    from chat.parsing import number

    assert number(word) is None
    assert number("7") == 7 and number("#7") == 7 and number("0042") == 42


@pytest.mark.parametrize("digits", DIGIT_SCRIPTS.values(), ids=DIGIT_SCRIPTS)
def test_an_incident_or_event_id_in_another_digit_script_is_no_id(client, api_token, digits):
    event = make_event()
    incident = make_pending_approval().step_run.run.incident
    for url, pk in [("/api/v1/events/{}/", event.pk), ("/api/v1/incidents/{}/", incident.pk)]:
        assert client.get(url.format(pk), **api_token).status_code == 200
        written = str(pk).translate(str.maketrans("0123456789", digits))
        assert client.get(url.format(written), **api_token).status_code == 404


def test_a_replica_count_in_another_digit_script_is_no_count():
    from chat.parsing import k8s_call

    assert k8s_call("scale", ["web", "3"], "shop").arguments["replicas"] == 3
    for word in ["\u0663", "\uff13", "+3", "3_0"]:
        with pytest.raises(ValueError):
            k8s_call("scale", ["web", word], "shop")


def test_a_rendered_argument_in_another_digit_script_is_not_made_an_integer():
    """U+0667 (ARABIC-INDIC SEVEN) is a digit to str.isdigit() and int(); as an argument it stays text."""
    from mcp_bridge.calls import coerce_arguments

    schema = {"properties": {"replicas": {"type": "integer"}}}
    assert coerce_arguments(schema, {"replicas": "\u0667"}) == {"replicas": "\u0667"}
    assert coerce_arguments(schema, {"replicas": " -7 "}) == {"replicas": -7}
