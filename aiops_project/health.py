"""Dependency checks shared by /ready and the start-up of `manage.py runstack`.

/ready runs often (every kubelet period, every load balancer's probe), so a check reuses its connections:
one redis-py client (with its connection pool) per URL for Redis and the broker, and, under ASGI, a small pool
of threads of its own that keep their database connection (CONN_MAX_AGE) from one call to the next. Each check
still makes a round trip on every call (SELECT 1, PING), so a dependency that goes down fails the next call;
a connection broken meanwhile is dropped by its pool and the next call connects again. What the apps report
beside the checks (READINESS_DETAILS, informative) is reused for up to DETAILS_MAX_AGE under ASGI. Measured by
bench/web_overhead.py (/ready at 8 connections, uvicorn, PostgreSQL + Redis over TCP, 2 CPUs at load 4, two
alternating rounds): 49-68 req/s, 6-10 % of them 503, with a new Redis, broker and database connection per call;
297-326 req/s, none 503, this way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection

if TYPE_CHECKING:
    import redis

# A probe's answer must come before the kubelet's timeout (1 s by default) and /ready within 2 s whatever is down:
# each check gets a second, the checks run side by side, and whatever has not answered by READY_DEADLINE is named
# as not answering.
_CONNECT_TIMEOUT = _TIMEOUT = 1.0
READY_DEADLINE = 1.5
_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return (
            f"database unreachable ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}): "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__}"
        )
    return None


def redis_client(url: str) -> redis.Redis:
    """The process's client for `url` (redis-py's URL forms), made once: its pool keeps the connections open.

    Short timeouts and no retries: its callers (probes, heartbeats) answer what they see now, and a hung server
    costs them a second, not redis-py's default retries with backoff (the pool already reconnects a connection that
    the server closed, before using it)."""
    client = _clients.get(url)
    if client is None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                client = redis.Redis.from_url(
                    url, socket_connect_timeout=_CONNECT_TIMEOUT, socket_timeout=_TIMEOUT,
                    retry=Retry(NoBackoff(), 0), retry_on_error=[],
                )
                _clients[url] = client
    return client


def check_redis() -> str | None:
    try:
        redis_client(settings.REDIS_URL).ping()
    except Exception as exc:
        return f"redis unreachable at {_redacted(settings.REDIS_URL)}: {exc}"
    return None


def _broker_as_redis_url(url: str) -> str | None:
    """The broker's URL as redis-py spells it, when the broker is Redis (settings derive it from REDIS_URL)."""
    if url.startswith("redis+socket://"):
        return "unix://" + url.removeprefix("redis+socket://")
    if url.startswith(("redis://", "rediss://")):
        return url
    return None


def check_broker() -> str | None:
    """The broker answers: a PING on a pooled connection for a Redis broker (what kombu's Redis transport does on
    connecting); any other transport connects through Celery as a worker would."""
    url = settings.CELERY_BROKER_URL
    try:
        if (as_redis := _broker_as_redis_url(url)) is not None:
            redis_client(as_redis).ping()
        else:
            from aiops_project.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=int(_TIMEOUT))
    except Exception as exc:
        return f"broker unreachable at {_redacted(url)}: {exc}"
    return None


def check_worker() -> str | None:
    """A Celery worker beat within the last few beats (aiops_project/heartbeat.py)."""
    from aiops_project.heartbeat import worker_failure

    try:
        return worker_failure()
    except Exception as exc:
        return f"no live worker known (heartbeats unreadable: {exc})"


def _redacted(url: str) -> str:
    """A URL without its password, fit for a log line."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# The checks that make /ready 503. "worker" only where READY_REQUIRES_WORKER says (checks() below): a web-only pod's
# readiness must not follow the workers, or a worker outage would take every web pod out of its Service.
CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_redis,
    "broker": check_broker,
}


def checks() -> dict[str, Callable[[], str | None]]:
    return {**CHECKS, "worker": check_worker} if settings.READY_REQUIRES_WORKER else dict(CHECKS)


# Threads for the checks that need no database connection of the caller's (the database check runs in the
# caller's thread: its connection, and under the test client its transaction).
_check_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ready-check")


def failing_checks() -> dict[str, str]:
    """Every check, side by side; what has not answered within READY_DEADLINE is named as not answering."""
    deadline = time.monotonic() + READY_DEADLINE
    pending = {name: _check_pool.submit(check) for name, check in checks().items() if check is not check_database}
    results: dict[str, str | None] = {}
    if "database" in checks():
        results["database"] = CHECKS["database"]()
    for name, future in pending.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = f"no answer within {READY_DEADLINE:g}s"
        except Exception as exc:
            results[name] = f"check failed: {exc.__class__.__name__}: {exc}"
    return {name: error for name, error in results.items() if error is not None}


# What /ready shows beside the checks, filled by each app in its AppConfig.ready() (this layer imports no app):
# name -> a function answering the app's state as JSON-able data. Informative: never a 503 by itself. State
# only, never errors that may quote credentials, addresses or a server's output.
READINESS_DETAILS: dict[str, Callable[[], Any]] = {}


def _workers() -> dict[str, Any]:
    from aiops_project.heartbeat import worker_state

    try:
        return {**worker_state(), "required": settings.READY_REQUIRES_WORKER}
    except Exception:
        return {"live": None, "required": settings.READY_REQUIRES_WORKER}


READINESS_DETAILS["workers"] = _workers


def readiness() -> tuple[dict[str, str], dict[str, Any]]:
    """(what failed, what the apps report); the apps are asked only when every check passed."""
    failures = failing_checks()
    if failures:
        return failures, {}
    return {}, {name: detail() for name, detail in READINESS_DETAILS.items()}


# How long /ready's threads reuse what the apps reported. The details are state as the workers and the poll last
# wrote it (seconds old already) and never decide the 503, while computing them is most of a call's database work
# (bench/web_overhead.py: 1.9 of 2.5 ms per call on PostgreSQL); the checks above run on every call.
DETAILS_MAX_AGE = 1.0
_details: tuple[float, dict[str, Any]] | None = None
_details_lock = threading.Lock()


def _recent_details() -> dict[str, Any]:
    global _details
    now = time.monotonic()
    with _details_lock:
        if _details is not None and now - _details[0] < DETAILS_MAX_AGE:
            return _details[1]
    fresh = {name: detail() for name, detail in READINESS_DETAILS.items()}
    with _details_lock:
        _details = (now, fresh)
    return fresh


def _pooled_readiness() -> tuple[dict[str, str], dict[str, Any]]:
    # As Django does at a request's start: drop this thread's database connection if it failed last time or
    # outlived CONN_MAX_AGE (the next query connects again).
    close_old_connections()
    failures = failing_checks()
    return (failures, {}) if failures else ({}, _recent_details())


# Threads of /ready's own under ASGI: each keeps its database connection between calls (Django's sync views run
# in a new thread per request under ASGI, so they would connect to the database on every call). Two: a slow
# dependency (up to the timeouts) holds one while the other answers.
_POOL_SIZE = 2
_pool = ThreadPoolExecutor(max_workers=_POOL_SIZE, thread_name_prefix="readiness")


def close_pooled_connections() -> None:
    """Close the database connections that /ready's threads keep (a test database is dropped after the tests)."""
    from django.db import connections

    barrier = threading.Barrier(_POOL_SIZE)

    def close() -> None:
        barrier.wait(timeout=10)  # every thread of the pool takes one: each closes its own connection
        connections.close_all()

    for future in [_pool.submit(close) for _ in range(_POOL_SIZE)]:
        future.result(timeout=15)


async def readiness_off_the_loop() -> tuple[dict[str, str], dict[str, Any]]:
    """`readiness()` in /ready's own threads, for an async caller under ASGI: the checks on every call, the apps'
    details at most DETAILS_MAX_AGE old."""
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(_pool, _pooled_readiness)
