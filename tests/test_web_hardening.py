"""The web side under attack: failed logins are throttled (429 with Retry-After), every page carries a
Content-Security-Policy that its own inline script and styles satisfy, /metrics takes its token exactly."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(settings) -> None:
    """Failures are counted in fixed windows (15 min); a test that crossed a window's edge would count in two.
    Windows of about 11 days make that next to impossible."""
    settings.LOGIN_FAILURES_WINDOW_SECONDS = 10**6


@pytest.fixture
def address() -> str:
    """An address of its own per test: the failure counters live in the shared cache."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def login(client: Client, address: str, username: str, password: str, path: str = "/accounts/login/") -> Any:
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_failed_logins_past_the_limit_answer_429_even_with_the_right_password(client, settings, address, path):
    settings.LOGIN_FAILURES_LIMIT = 3
    make_user("ana", is_staff=True)
    for _ in range(3):
        assert login(client, address, "ana", "wrong", path).status_code == 200  # the form again, with its error
    refused = login(client, address, "ana", "correct horse battery", path)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= settings.LOGIN_FAILURES_WINDOW_SECONDS
    assert "_auth_user_id" not in client.session
    other_address = address.rsplit(".", 1)[0] + ".251"
    assert login(client, other_address, "ana", "correct horse battery", path).status_code == 302  # not that one


def test_a_successful_login_clears_the_count_and_other_names_are_not_throttled(client, settings, address):
    settings.LOGIN_FAILURES_LIMIT = 3
    make_user("ana")
    make_user("bo")
    for _ in range(2):
        login(client, address, "ana", "wrong")
    assert login(client, address, "ana", "correct horse battery").status_code == 302
    client.logout()
    for _ in range(2):
        assert login(client, address, "ana", "wrong").status_code == 200
    assert login(client, address, "ana", "correct horse battery").status_code == 302  # counted from zero again
    client.logout()
    for _ in range(3):
        login(client, address, "ana", "wrong")
    assert login(client, address, "bo", "correct horse battery").status_code == 302


def test_one_address_trying_many_names_is_throttled(client, settings, address):
    settings.LOGIN_FAILURES_LIMIT = 2
    make_user("ana")
    for n in range(20):
        login(client, address, f"guess{n}", "wrong")
    assert login(client, address, "ana", "correct horse battery").status_code == 429


def test_logins_still_work_when_the_cache_is_down(client, settings, address):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    make_user("ana")
    assert login(client, address, "ana", "wrong").status_code == 200
    assert login(client, address, "ana", "correct horse battery").status_code == 302


def csp(response: Any) -> dict[str, str]:
    return {part.split()[0]: part.partition(" ")[2] for part in response["Content-Security-Policy"].split("; ")}


def test_pages_send_a_content_security_policy_their_inline_script_and_style_satisfy(client):
    client.force_login(make_user("ana"))
    response = client.get("/console/")
    assert response.status_code == 200
    policy = csp(response)
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    [nonce] = re.findall(r"'nonce-([^']+)'", policy["script-src"])
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    styles = re.findall(r"<style([^>]*)>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in attributes for attributes in scripts + styles)
    # The stylesheet and the scripts that are files come from the site itself ('self'), as the policy allows.
    assert re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', html)
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]* src="([^"]+)"', html))
    assert csp(client.get("/console/"))["script-src"] != policy["script-src"]  # a nonce per response
    assert "Content-Security-Policy" in client.get("/accounts/login/")
    assert "Content-Security-Policy" in client.get("/api/v1/events/")


@pytest.mark.parametrize("header", ["Bearer metrics-token ", "Bearer metrics-token\t", " Bearer metrics-token",
                                    "Bearer  metrics-token", "bearer metrics-token", "Bearer metrics-toke",
                                    "Bearer metrics-token2", "metrics-token"])
def test_metrics_takes_its_token_exactly(client, settings, header):
    settings.METRICS_TOKEN = "metrics-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION=header).status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token").status_code == 200
