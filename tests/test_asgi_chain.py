"""The request path under ASGI (Django's AsyncClient builds ASGI requests): /ready on its own pooled connections,
and the async middleware chain (aiops_project/middleware.py) doing what Django's classes do."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, override_settings

from aiops_project import embedded_redis, health
from tests.factories import make_user


@pytest.fixture(autouse=True)
async def _connections_closed() -> AsyncIterator[None]:
    """The test's sync views ran in asgiref's thread for thread-sensitive code, /ready's checks in its own
    threads: each keeps a database connection, closed after the test, before its database goes."""
    yield
    await sync_to_async(connections.close_all)()
    health.close_pooled_connections()


@pytest.mark.django_db(transaction=True)
async def test_ready_keeps_its_redis_connection_and_fails_while_redis_is_down():
    socket = Path(tempfile.mkdtemp()) / "redis.sock"
    server = embedded_redis.start(socket)
    assert server is not None
    client = AsyncClient()
    try:
        with override_settings(REDIS_URL=f"unix://{socket}?db=0"):
            first = await client.get("/ready")
            assert first.status_code == 200, first.content
            assert first.json()["status"] == "ok" and "clusters" in first.json()
            server.terminate()
            server.wait(timeout=10)
            down = await client.get("/ready")
            assert down.status_code == 503, down.content
            assert set(down.json()["failed"]) == {"redis"}
            assert down.json()["failed"]["redis"].startswith(f"redis unreachable at unix://{socket}")
            server = embedded_redis.start(socket)  # back: the pool connects again
            again = await client.get("/ready")
            assert again.status_code == 200, again.content
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
async def test_ready_names_a_down_broker():
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = await AsyncClient().get("/ready")
    assert response.status_code == 503
    assert set(response.json()["failed"]) == {"broker"}
    assert response.json()["failed"]["broker"].startswith("broker unreachable at redis://127.0.0.1:1/0")


@pytest.mark.django_db(transaction=True)
async def test_the_async_chain_sets_the_headers_and_refuses_as_before():
    client = AsyncClient()
    health_response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert health_response.status_code == 200
    assert health_response["X-Request-ID"] == "abc-123"
    assert health_response["X-Frame-Options"] == "DENY"
    assert health_response["X-Content-Type-Options"] == "nosniff"
    refused = await client.post(
        "/api/v1/alerts/alertmanager", b"{}", content_type="application/json", headers={"Authorization": "Bearer wrong"}
    )
    assert refused.status_code == 401 and refused["X-Request-ID"]
    assert (await client.get("/api/v1/incidents/")).status_code in {401, 403}


@pytest.mark.django_db(transaction=True)
async def test_login_with_csrf_saves_the_session_and_opens_the_console():
    await sync_to_async(make_user)("ops", is_staff=True)
    client = AsyncClient(enforce_csrf_checks=True)
    form = await client.get("/accounts/login/")
    token = form.cookies["csrftoken"].value
    assert (await client.post("/accounts/login/", {"username": "ops", "password": "wrong"})).status_code == 403
    login = await client.post(
        "/accounts/login/", {"username": "ops", "password": "correct horse battery", "csrfmiddlewaretoken": token}
    )
    assert login.status_code == 302 and "sessionid" in login.cookies
    assert (await client.get("/console/")).status_code == 200


@override_settings(ALLOWED_HOSTS=["aiops.example.com"])
@pytest.mark.django_db(transaction=True)
async def test_a_probe_by_pod_ip_reaches_the_async_ready():
    response = await AsyncClient().get("/ready", headers={"Host": "10.244.1.17:8000"})
    assert response.status_code == 200 and response.json()["status"] == "ok", response.content
    assert (await AsyncClient().get("/console/", headers={"Host": "10.244.1.17:8000"})).status_code == 400
