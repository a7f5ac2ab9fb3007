"""Outages answer truthfully: /health is liveness only, /ready names the part that is down (Redis, the worker's
heartbeat), and a write the database cannot take now answers 503 with Retry-After and changes nothing."""

from __future__ import annotations

import signal
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from aiops_project import embedded_redis, heartbeat
from incidents.models import ClusterEvent
from tests.alertmanager_payloads import firing
from tests.helpers import free_port

pytestmark = pytest.mark.django_db
TOKEN = "outage-test-token"


@pytest.fixture
def private_redis(settings: Any) -> Iterator[Any]:
    """A redis-server of the test's own (never the shared one), as REDIS_URL; its process for the test to stop."""
    sock = Path(tempfile.mkdtemp()) / "redis.sock"
    server = embedded_redis.start(sock)
    assert server is not None
    settings.REDIS_URL = f"unix://{sock}?db=0"
    settings.CELERY_BROKER_URL = f"redis+socket://{sock}?db=0"
    try:
        yield server
    finally:
        server.send_signal(signal.SIGCONT)
        server.kill()
        server.wait(timeout=10)


@pytest.fixture
def heartbeats(settings: Any) -> Iterator[str]:
    """A heartbeat key of the test's own: workers of other tests beat elsewhere."""
    settings.WORKER_HEARTBEAT_KEY = key = f"test:heartbeat:{uuid.uuid4().hex}"
    yield key
    from aiops_project.health import redis_client

    redis_client(settings.REDIS_URL).delete(key)


def test_health_answers_200_while_redis_is_dead_and_ready_names_redis(client: Client, private_redis: Any):
    private_redis.kill()
    private_redis.wait(timeout=10)
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503, ready.content
    assert set(ready.json()["failed"]) == {"redis", "broker"}
    assert ready.json()["failed"]["redis"].startswith("redis unreachable at unix://")


def test_ready_names_redis_while_redis_hangs(client: Client, private_redis: Any):
    """A stopped server (connections accepted, nothing answered) is named as unreachable, not waited for."""
    assert client.get("/ready").status_code == 200
    private_redis.send_signal(signal.SIGSTOP)
    ready = client.get("/ready")
    assert ready.status_code == 503, ready.content
    assert "redis" in ready.json()["failed"]
    private_redis.send_signal(signal.SIGCONT)
    assert client.get("/ready").status_code == 200


def test_ready_names_the_worker_when_none_beats(client: Client, settings: Any, heartbeats: str):
    settings.READY_REQUIRES_WORKER = True
    ready = client.get("/ready")
    assert ready.status_code == 503, ready.content
    assert ready.json()["failed"] == {"worker": "no live worker (no heartbeat in the last hour)"}

    heartbeat.beat("worker-1@test")
    ready = client.get("/ready")
    assert ready.status_code == 200, ready.content
    assert ready.json()["workers"]["live"] is True and ready.json()["workers"]["required"] is True

    from aiops_project.health import redis_client

    redis_client(settings.REDIS_URL).zadd(heartbeats, {"worker-1@test": time.time() - 60})
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["failed"]["worker"] == "no live worker (last heartbeat 60s ago, from worker-1@test)"


def test_without_the_worker_requirement_ready_only_shows_the_workers(client: Client, settings: Any,
                                                                     heartbeats: str):
    settings.READY_REQUIRES_WORKER = False
    ready = client.get("/ready")
    assert ready.status_code == 200, ready.content
    assert ready.json()["workers"] == {"live": False, "last_heartbeat_seconds_ago": None, "required": False}


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Another connection holds the SQLite database's write lock until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(60)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_intake_answers_503_with_retry_after_on_a_locked_database_and_stores_nothing(settings: Any):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; on PostgreSQL: test_intake_answers_503_while_postgresql_is_unreachable")
    settings.ALERTMANAGER_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    body = firing()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 300")  # the settings' timeout is long; the lock is held longer anyway
    with write_lock_held():
        response = client.post("/api/v1/alerts/alertmanager", body, content_type="application/json")
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert "database is busy" in response.json()["detail"]
    assert not ClusterEvent.objects.exists(), "nothing of the alert was stored"

    again = client.post("/api/v1/alerts/alertmanager", body, content_type="application/json")
    assert again.status_code == 200, again.content
    assert ClusterEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_intake_answers_503_while_postgresql_is_unreachable(settings: Any):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connection errors; on SQLite: the locked-database test above")
    settings.ALERTMANAGER_TOKEN = TOKEN
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())  # nothing listens there: connections are refused
    try:
        response = client.post("/api/v1/alerts/alertmanager", firing(), content_type="application/json")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert "database is unreachable" in response.json()["detail"]
    assert not ClusterEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_error_that_is_no_outage_stays_a_500(settings: Any):
    """Only outages become 503s: a bug (here SQL on a table that does not exist) is still a 500."""
    from django.db import OperationalError, ProgrammingError

    from aiops_project.unavailable import unavailable_reason

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    except (OperationalError, ProgrammingError) as exc:
        assert unavailable_reason(exc) is None
    else:
        raise AssertionError("the query should have failed")
