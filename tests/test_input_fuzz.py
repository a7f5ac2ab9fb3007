"""Every endpoint that takes a body from outside, fed malformed bodies from a seeded generator: truncated JSON,
wrong types, huge strings, lone surrogates, NUL, deep nesting, wrong media types, invalid UTF-8, empty bodies.
Each answer is a 2xx or a 4xx, never a 5xx; and the valid alerts sent in a batch beside a bad one are stored.

The generator is deterministic (SEED): a failure names the case, and the same case comes back on the next run.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from chat.adapters.slack import bolt_app
from incidents.models import ClusterEvent
from tests.alertmanager_payloads import firing
from tests.factories import make_pending_approval, make_user
from tests.slackapi import slack_web_api

pytestmark = pytest.mark.django_db
SEED = 17
AM_TOKEN = "am-token-for-fuzz"
SLACK_SECRET = "fuzz-slack-signing-secret"
TELEGRAM_SECRET = "fuzz-telegram-secret-token"
Case = tuple[str, bytes, str]  # (what it is, body, content type)


# --- the generator -------------------------------------------------------------------------------------------

def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document: containers and leaves."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    changed = copy.deepcopy(document)
    if not path:
        return new
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return changed


def _nested(depth: int, rng: random.Random) -> Any:
    """A value `depth` containers deep, built without recursion."""
    value: Any = "bottom"
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def _text(depth: int, opener: str = "[") -> bytes:
    closer = "]" if opener == "[" else "}"
    inner = "[" if opener == "[" else '{"a":'
    return (inner * depth + "1" + closer * depth).encode()


def _odd_values(rng: random.Random) -> list[Any]:
    return [None, True, 0, -1, 2**70, 1.5e308, "", "x" * rng.choice([300, 70_000]), [], {}, [1, "a"],
            {"nested": {"deeper": [None]}}, "\ud800", "a\udfffb", "a\x00b", "\x00", "2026-02-30T00:00:00Z",
            "9" * 40, "\u0667", " 7", "null"]


def malformed(valid: Any, rng: random.Random, count: int) -> list[Case]:
    """`count` bodies made from a valid document by random changes, plus the fixed hard cases."""
    text = json.dumps(valid)
    json_type = "application/json"
    cases: list[Case] = [
        ("empty body", b"", json_type),
        ("whitespace", b"  \n", json_type),
        ("not json", b"{not json", json_type),
        ("invalid utf-8", b'{"a": "\xff\xfe"}', json_type),
        ("json null", b"null", json_type),
        ("json array", b"[]", json_type),
        ("json number", b"17", json_type),
        ("json string", b'"alerts"', json_type),
        ("deep array 1000", _text(1_000), json_type),
        ("deep object 1000", _text(1_000, "{"), json_type),
        ("deep array 100000", _text(100_000), json_type),
        ("deep object 100000", _text(100_000, "{"), json_type),
        ("text/plain", text.encode(), "text/plain"),
        ("form", b"alerts=1&x=%00", "application/x-www-form-urlencoded"),
        ("multipart", b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n",
         "multipart/form-data; boundary=b"),
        ("multipart without boundary", b"junk", "multipart/form-data"),
        ("xml", b"<alerts/>", "application/xml"),
        ("json with a charset nobody knows", text.encode(), "application/json; charset=klingon"),
        ("random bytes", rng.randbytes(512), json_type),
    ]
    for n in range(3):
        cut = rng.randrange(1, len(text))
        cases.append((f"truncated at {cut} ({n})", text[:cut].encode(), json_type))
    places = list(_paths(valid))
    while len(cases) < count:
        place = rng.choice(places)
        kind = rng.choice(["value", "value", "deep", "key"])
        if kind == "value":
            new = rng.choice(_odd_values(rng))
            document = _replace(valid, place, new)
            what = f"{'/'.join(map(str, place)) or 'root'} = {json.dumps(new)[:40]}"
        elif kind == "deep":
            depth = rng.choice([200, 999, 5_000])
            document = _replace(valid, place, _nested(depth, rng))
            what = f"{'/'.join(map(str, place)) or 'root'} nested {depth} deep"
        else:
            container = copy.deepcopy(valid)
            target = container
            for step in place:
                target = target[step]
            if not isinstance(target, dict):
                continue
            key = rng.choice(["\ud800", "\x00", "k" * 300, "", "alerts"])
            target[key] = rng.choice(_odd_values(rng))
            document, what = container, f"{'/'.join(map(str, place)) or 'root'} gets key {key[:10]!r}"
        try:
            body = json.dumps(document).encode()
        except RecursionError:  # deeper than this interpreter can write: send the text form
            continue
        cases.append((what, body, json_type))
    return cases


# --- the endpoints -------------------------------------------------------------------------------------------

def alert(n: int, **labels: str) -> dict[str, Any]:
    base = copy.deepcopy(firing()["alerts"][0])
    base["fingerprint"] = f"fuzz{n:012d}"
    base["labels"] = {**base["labels"], "alertname": f"FuzzAlert{n}", **labels}
    return base


def notification(*alerts: dict[str, Any]) -> dict[str, Any]:
    return {**firing(), "alerts": list(alerts)}


def generic_body() -> dict[str, Any]:
    return {"alerts": [{"name": "DiskFull", "status": "firing", "severity": "critical", "namespace": "shop",
                        "object_kind": "Pod", "object_name": "db-0", "labels": {"team": "data"},
                        "occurred_at": "2026-11-28T10:00:00Z"}]}


def telegram_update() -> dict[str, Any]:
    user = {"id": 42, "is_bot": False, "first_name": "Ana", "username": "ana"}
    return {"update_id": 1, "message": {"message_id": 1, "date": 1764400000, "from": user,
                                        "chat": {"id": 42, "type": "private"}, "text": "/help"}}


def slack_event() -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "EvFuzz",
            "event_time": 1764400000, "event": {"type": "message", "channel_type": "im", "user": "U042",
                                               "text": "/help", "ts": "1764400000.000100", "channel": "D042"}}


def slack_signed(body: bytes, stamp: str | None = None) -> dict[str, str]:
    stamp = str(int(time.time())) if stamp is None else stamp
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp, "HTTP_X_SLACK_SIGNATURE": f"v0={digest}"}


@pytest.fixture
def intake(settings: Any) -> dict[str, Any]:
    """The alert intakes open: Alertmanager's bearer token, and an API token for the generic intake."""
    settings.ALERTMANAGER_TOKEN = AM_TOKEN
    token = Token.objects.create(user=User.objects.create(username="sender"))
    return {"api": {"HTTP_AUTHORIZATION": f"Token {token.key}"}}


@pytest.fixture
def configured(settings: Any, intake: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every intake and chat platform configured; an API token that may decide and change incidents."""
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_WEBHOOK_SECRET = "1:fuzz", TELEGRAM_SECRET
    token = Token.objects.create(user=make_user("fuzzer", "incidents.change_incident", "remediation.approve_medium"))
    with slack_web_api() as slack:  # Bolt asks auth.test who it is, once
        settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET = "xoxb-fuzz", SLACK_SECRET
        settings.SLACK_API_BASE_URL = slack.url
        bolt_app.cache_clear()
        yield {"api": {"HTTP_AUTHORIZATION": f"Token {token.key}"}}
    bolt_app.cache_clear()


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)  # a 500 is counted, not raised: the report lists them all


def _post_all(client: Client, url: str, cases: list[Case], headers: Any = None) -> list[str]:
    failures = []
    for what, body, content_type in cases:
        extra = headers(body) if callable(headers) else (headers or {})
        response = client.generic("POST", url, body, content_type=content_type, **extra)
        if response.status_code >= 500:
            failures.append(f"{url} [{what}] -> {response.status_code}")
    return failures


ALERT_CASES = 90


def test_the_alert_intakes_never_answer_5xx(client, intake):
    rng = random.Random(SEED)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {AM_TOKEN}"}
    failures = _post_all(client, "/api/v1/alerts/alertmanager",
                         malformed(notification(alert(1), alert(2)), rng, ALERT_CASES), bearer)
    failures += _post_all(client, "/api/alert/webhook", malformed(notification(alert(3)), rng, 30), bearer)
    failures += _post_all(client, "/api/v1/alerts/generic", malformed(generic_body(), rng, ALERT_CASES),
                          intake["api"])
    assert failures == [], "\n".join(failures)


def test_the_chat_webhooks_never_answer_5xx(client, configured, django_capture_on_commit_callbacks):
    rng = random.Random(SEED + 1)
    telegram = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TELEGRAM_SECRET}
    with django_capture_on_commit_callbacks():  # nothing enqueued reaches a broker
        failures = _post_all(client, "/api/webhook/telegram", malformed(telegram_update(), rng, 60), telegram)
        failures += _post_all(client, "/api/webhook/slack", malformed(slack_event(), rng, 60), slack_signed)
        failures += _post_all(client, "/api/webhook/slack", malformed(slack_event(), rng, 20))  # unsigned
        body = json.dumps(slack_event()).encode()
        for stamp in ["abc", "", "1e9", "99999999999999999999999", "-1", " 17", "\u0667"]:
            for signature in ["v0=abc", "", "v0=" + "0" * 64, "x" * 500]:
                response = client.generic("POST", "/api/webhook/slack", body, content_type="application/json",
                                          HTTP_X_SLACK_REQUEST_TIMESTAMP=stamp, HTTP_X_SLACK_SIGNATURE=signature)
                if response.status_code >= 500:
                    failures.append(f"slack [timestamp {stamp!r}, signature {signature[:8]!r}] -> 500")
    assert failures == [], "\n".join(failures)


def test_the_decision_endpoints_never_answer_5xx(client, configured):
    rng = random.Random(SEED + 2)
    approval = make_pending_approval()
    failures = []
    for url, valid in [(f"/api/v1/approvals/{approval.pk}/reject", {"reason": "no"}),
                       (f"/api/v1/incidents/{approval.step_run.run.incident_id}/acknowledge", {"reason": "on it"})]:
        failures += _post_all(client, url, malformed(valid, rng, 40), configured["api"])
    for bad_id in ["\u0667", "abc", "9" * 30, "-1", "0x1", "1.0", "%00", "%F0%9F%98%80"]:
        for url in [f"/api/v1/approvals/{bad_id}/approve", f"/api/v1/incidents/{bad_id}/close",
                    f"/api/v1/approvals/{bad_id}", f"/api/v1/incidents/{bad_id}/", f"/api/v1/events/{bad_id}/"]:
            method = "POST" if url.endswith(("approve", "close")) else "GET"
            response = client.generic(method, url, b"{}", content_type="application/json", **configured["api"])
            if response.status_code >= 500:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert failures == [], "\n".join(failures)


BAD_ALERTS = [
    ("a lone surrogate in a label", {"labels": {"alertname": "Bad", "pod": "a\ud800b"}}),
    ("a lone surrogate in an annotation", {"annotations": {"summary": "\udfff"}}),
    ("a lone surrogate in a label name", {"labels": {"alertname": "Bad", "\ud83d": "x"}}),
    ("a lone surrogate in an unknown field", {"extra": ["\ud800"]}),
    ("NUL in a label", {"labels": {"alertname": "Bad", "namespace": "a\x00"}}),
    ("a namespace of 254 characters", {"labels": {"alertname": "Bad", "namespace": "n" * 254}}),
    ("a pod name of 300 characters", {"labels": {"alertname": "Bad", "pod": "p" * 300}}),
    ("a node name of 254 characters", {"labels": {"alertname": "Bad", "node": "n" * 254}}),
    ("a deployment name of 1000 characters", {"labels": {"alertname": "Bad", "deployment": "d" * 1000}}),
    ("a label that is a number", {"labels": {"alertname": "Bad", "pod": 7}}),
    ("labels that are a list", {"labels": ["alertname"]}),
    ("a start that is no date", {"startsAt": "2026-02-30T00:00:00Z"}),
    ("a fingerprint that is an object", {"fingerprint": {"a": 1}}),
    ("an alert that is a string", "alert"),
]


@pytest.mark.parametrize(("what", "change"), BAD_ALERTS, ids=[what for what, _ in BAD_ALERTS])
def test_one_bad_alert_in_a_notification_never_sinks_the_good_ones(client, intake, what, change):
    bad = {**alert(2), **change} if isinstance(change, dict) else change
    body = json.dumps(notification(alert(1), bad, alert(3))).encode()
    response = client.generic("POST", "/api/v1/alerts/alertmanager", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {AM_TOKEN}")
    assert response.status_code == 422, response.content[:300]
    answer = response.json()
    assert answer["recorded"] == 2 and [r["index"] for r in answer["rejected"]] == [1]
    assert set(ClusterEvent.objects.values_list("reason", flat=True)) == {"FuzzAlert1", "FuzzAlert3"}


GENERIC_BAD = [
    ("a lone surrogate in the name", {"name": "\ud800"}),
    ("a lone surrogate in a label", {"labels": {"team": "\udc00"}}),
    ("NUL in the message", {"message": "a\x00b"}),
    ("a namespace of 254 characters", {"namespace": "n" * 254}),
    ("an object name of 300 characters", {"object_name": "o" * 300}),
    ("an object kind of 64 characters", {"object_kind": "K" * 64}),
    ("an impossible date", {"occurred_at": "2026-02-30T10:00:00Z"}),
]


@pytest.mark.parametrize(("what", "change"), GENERIC_BAD, ids=[what for what, _ in GENERIC_BAD])
def test_one_bad_generic_alert_never_sinks_the_good_ones(client, intake, what, change):
    [good] = generic_body()["alerts"]
    other = {**good, "name": "DiskFuller"}
    body = json.dumps({"alerts": [good, {**good, "name": "Bad", **change}, other]}).encode()
    response = client.generic("POST", "/api/v1/alerts/generic", body, content_type="application/json",
                              **intake["api"])
    assert response.status_code == 422, response.content[:300]
    answer = response.json()
    assert answer["recorded"] == 2 and [r["index"] for r in answer["rejected"]] == [1]
    assert set(ClusterEvent.objects.values_list("reason", flat=True)) == {"DiskFull", "DiskFuller"}
