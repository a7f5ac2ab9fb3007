"""Runs the real stack (`manage.py runstack`) as separate processes for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from tests.helpers import eventually, free_port, running, stop

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Stack:
    base_url: str
    env: dict[str, str]
    var_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    seconds_to_ready: float

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        """Ctrl-C, as a person would; returns the exit code."""
        return stop(self.process, signal.SIGINT, timeout=60)


@contextmanager
def _database_url(tmp: Path) -> Iterator[str | None]:
    """A fresh database for the stack: a new SQLite file, or a new PostgreSQL database."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield None  # the default: SQLite under the stack's own var dir
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"aiops_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_url() -> str | None:
    """None = embedded; else the configured server on a database of the stack's own, emptied first."""
    if settings.EMBEDDED_REDIS:
        return None
    import redis

    url = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path="/2"))
    redis.Redis.from_url(url).flushdb()
    return url


def answers_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ready", timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    eventually(lambda: running(process, "runstack") and answers_ready(url), "/ready to answer 200", timeout, 0.2)


@contextmanager
def running_stack(tmp: Path, migrated_sqlite: Callable[[Path], Path] | None = None, *, own_redis: bool = False,
                  **extra_env: str) -> Iterator[Stack]:
    """`manage.py bootstrap`, then `manage.py runstack` until the block ends. With `migrated_sqlite` (the conftest
    fixture) the SQLite database starts migrated, for a test whose subject is not the first migration. `own_redis`:
    the stack's embedded Redis even where the tests use a server (a test that stops it)."""
    var_dir = tmp / "var"
    port = free_port()
    with _database_url(tmp) as database_url:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update({
            "AIOPS_VAR_DIR": str(var_dir),
            "AIOPS_HTTP_PORT": str(port),
            "AIOPS_SIMCLUSTER_PORT": str(free_port()),
            "AIOPS_POLL_INTERVAL_SECONDS": "2",
            # The stack under test plays the simulated cluster, whatever kubeconfig the machine has.
            "AIOPS_CLUSTER_DISCOVERY": "false",
            **extra_env,
        })
        if database_url:
            env["DATABASE_URL"] = database_url
        elif migrated_sqlite is not None:
            migrated_sqlite(var_dir / "aiops.sqlite3")  # where settings put it under AIOPS_VAR_DIR
        if not own_redis and (redis_url := _redis_url()):
            env["REDIS_URL"] = redis_url
        stack = Stack(f"http://127.0.0.1:{port}", env, var_dir, tmp / "stack.log", None, 0.0)  # type: ignore[arg-type]
        stack.manage("bootstrap")
        started = time.monotonic()
        with stack.log_path.open("wb") as log:
            stack.process = subprocess.Popen(
                [sys.executable, "manage.py", "runstack", "--port", str(port)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            try:
                wait_ready(stack.base_url, stack.process, timeout=120)
                stack.seconds_to_ready = time.monotonic() - started
                yield stack
            finally:
                stack.stop()
