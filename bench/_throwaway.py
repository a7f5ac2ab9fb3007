"""A throwaway PostgreSQL database for a benchmark run (when DATABASE_URL points at PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
