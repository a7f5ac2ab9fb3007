"""The request path under ASGI (Django's AsyncClient builds ASGI requests): /ready on its own pooled connections,
and the async middleware chain (aiops_project/middleware.py) doing what Django's classes do."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.backends.signals import connection_created
from django.test import AsyncClient, Client, override_settings
from rest_framework.authtoken.models import Token

from aiops_project import embedded_redis, health
from aiops_project.asgi_threads import RequestThreads, WarmThreadsASGIHandler
from tests.factories import make_user
from tests.helpers import eventually


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


async def test_a_static_file_is_served_by_the_async_chain_as_by_the_sync_one():
    path = "/static/admin/css/base.css"
    sync_response = await sync_to_async(Client().get, thread_sensitive=False)(path)
    async_response = await AsyncClient().get(path)
    for response in (sync_response, async_response):
        assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert b"".join(async_response.streaming_content) == b"".join(sync_response.streaming_content)  # type: ignore[attr-defined]


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


async def _asgi_get(app: WarmThreadsASGIHandler, path: str, token: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Token {token}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=30)
    while (await communicator.receive_output(timeout=30)).get("more_body"):
        pass
    await communicator.wait(timeout=30)
    return int(start["status"])


@pytest.mark.django_db(transaction=True)
async def test_sequential_requests_to_a_sync_view_share_one_warm_thread_and_its_connection():
    token = (await sync_to_async(Token.objects.create)(user=await sync_to_async(make_user)("reader"))).key
    app = WarmThreadsASGIHandler(bound=4)
    seen: list[tuple[str, threading.Thread]] = []

    def recorder(name: str) -> Any:
        return lambda **kwargs: seen.append((name, threading.current_thread()))

    receivers = {
        request_started: recorder("started"),
        connection_created: recorder("connected"),
        request_finished: recorder("finished"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, weak=False)
    try:
        first = await _asgi_get(app, "/api/v1/incidents/", token)
        first_seen, seen[:] = list(seen), []
        second = await _asgi_get(app, "/api/v1/incidents/", token)
    finally:
        for signal, receiver in receivers.items():
            signal.disconnect(receiver)
        await sync_to_async(app.threads.close, thread_sensitive=False)()
    assert first == second == 200
    # One request's sync parts (signals, the view's queries, the response's close) ran in one borrowed thread...
    assert [name for name, _ in first_seen] == ["started", "connected", "finished"]
    thread = first_seen[0][1]
    assert thread.name.startswith("django-request-") and {t for _, t in first_seen} == {thread}
    # ...and the next request in the same thread, which kept its connection where CONN_MAX_AGE allows it.
    assert {t for _, t in seen} == {thread}
    kept = connections["default"].settings_dict["CONN_MAX_AGE"] != 0
    assert [name for name, _ in seen] == (["started", "finished"] if kept else ["started", "connected", "finished"])


def test_a_thread_still_running_a_left_call_is_lent_again_only_once_idle():
    threads = RequestThreads(bound=2)
    release = threading.Event()
    try:
        busy = threads.borrow()
        assert busy is not None
        left = busy.submit(release.wait)  # a sync view whose client went away: the thread runs on
        threads.give_back(busy)
        other = threads.borrow()
        assert other is not None and other is not busy
        assert threads.borrow() is None  # past the bound: the request gets Django's own thread
        threads.give_back(other)
        release.set()
        left.result(timeout=30)
        assert threads.borrow() is busy  # idle again, and the last given back is lent first
    finally:
        release.set()
        threads.close()


@pytest.mark.django_db(transaction=True)
def test_a_thread_idle_past_the_limit_is_ended_on_a_later_borrow_and_its_connection_closed():
    threads = RequestThreads(bound=4, idle_limit=0.05)

    def connect() -> Any:  # in the borrowed thread: its own connection, as a sync view opens it
        connections["default"].ensure_connection()
        return connections["default"]

    try:
        old, recent = threads.borrow(), threads.borrow()
        assert old is not None and recent is not None
        old_db, recent_db = old.submit(connect).result(), recent.submit(connect).result()
        threads.give_back(old)
        time.sleep(0.2)  # past the limit
        threads.give_back(recent)
        assert threads.borrow() is recent  # the last given back is lent; the one idle longest is ended
        eventually(lambda: old_db.connection is None, what="the idle thread closed its connection")
        assert recent_db.connection is not None
        other = threads.borrow()  # a new thread in its place, below the bound
        assert other is not None and other not in (old, recent)
        threads.give_back(other)
    finally:
        threads.close()
