"""Worker heartbeats: each Celery worker stamps the time in Redis every few seconds; /ready reads the freshest.

A sorted set (worker name -> the time of its last beat): one round trip to beat, one to read, and the last beat of
a worker that stopped stays readable ("last heartbeat 42s ago") until it is an hour old. The beat runs on the
worker's consumer loop (aiops_project/celery.py), so a worker that is paused, dead or stuck in its loop stops
beating; one that lost its broker reconnects before it beats again.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

BEAT_SECONDS = 5.0
# Three missed beats: a worker is not called dead for one slow round trip.
STALE_SECONDS = 3 * BEAT_SECONDS
_FORGET_SECONDS = 3600


def beat(worker: str) -> None:
    """Record that `worker` is alive now (raises the Redis error if it cannot)."""
    from aiops_project.health import redis_client

    now = time.time()
    key = settings.WORKER_HEARTBEAT_KEY
    with redis_client(settings.REDIS_URL).pipeline(transaction=False) as pipe:
        pipe.zadd(key, {worker: now})
        pipe.zremrangebyscore(key, "-inf", now - _FORGET_SECONDS)
        pipe.execute()


def freshest() -> tuple[str, float] | None:
    """(worker, seconds since its beat) of the worker that beat last; None if none beat within the hour."""
    from aiops_project.health import redis_client

    found: Any = redis_client(settings.REDIS_URL).zrevrange(settings.WORKER_HEARTBEAT_KEY, 0, 0, withscores=True)
    if not found:
        return None
    worker, stamp = found[0]
    name = worker.decode() if isinstance(worker, bytes) else str(worker)
    return name, max(0.0, time.time() - float(stamp))


def worker_failure() -> str | None:
    """Why no worker counts as live (the freshest beat is missing or stale); None when one is."""
    last = freshest()
    if last is None:
        return "no live worker (no heartbeat in the last hour)"
    worker, age = last
    if age > STALE_SECONDS:
        return f"no live worker (last heartbeat {age:.0f}s ago, from {worker})"
    return None


def worker_state() -> dict[str, object]:
    """What /ready shows of the workers when they do not decide its status."""
    last = freshest()
    if last is None:
        return {"live": False, "last_heartbeat_seconds_ago": None}
    return {"live": last[1] <= STALE_SECONDS, "last_heartbeat_seconds_ago": round(last[1], 1)}
