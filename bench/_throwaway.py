"""A throwaway PostgreSQL database for a benchmark run (when DATABASE_URL points at PostgreSQL), and a migrated
Django set up on it (or on a temp SQLite file) with the embedded Redis when the settings use it."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@contextmanager
def throwaway_database() -> Iterator[str | None]:
    """Create a new database on DATABASE_URL's server, point DATABASE_URL at it, drop it afterwards.

    Yields its name; None (and does nothing) when DATABASE_URL is not PostgreSQL.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    name = f"aiops_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    try:
        yield name
    finally:
        os.environ["DATABASE_URL"] = url
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def migrated_django() -> Iterator[Path]:
    """Django set up in this process on a throwaway database (PostgreSQL when DATABASE_URL points at it, else a
    temp SQLite file), migrated, with the embedded Redis running when the settings use it; yields the temp folder
    (AIOPS_VAR_DIR is inside it). Everything is stopped, dropped and removed afterwards."""
    tmp = Path(tempfile.mkdtemp())
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, tmp, ignore_errors=True)
        os.environ.update(AIOPS_VAR_DIR=str(tmp / "var"), LOG_LEVEL="warning",
                          DJANGO_SETTINGS_MODULE="aiops_project.settings")
        if cleanup.enter_context(throwaway_database()) is None:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from aiops_project import embedded_redis

        if settings.EMBEDDED_REDIS:
            redis = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
            cleanup.callback(redis.wait, timeout=10)
            cleanup.callback(redis.terminate)
        cleanup.callback(connection.close)
        call_command("migrate", verbosity=0)
        yield tmp
