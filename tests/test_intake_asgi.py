"""The alert intake as production serves it: uvicorn (the ASGI server runstack and the image run) on PostgreSQL,
the view in the server's thread pool. A restart of PostgreSQL (every connection terminated) costs no notification.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from incidents.management.commands.runstack import WEB_SERVER_OPTIONS
from tests.alertmanager_payloads import firing
from tests.helpers import eventually, free_port

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
TOKEN = "asgi-intake-token"
pytestmark = pytest.mark.once


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[int, str]]:
    database = f"aiops_asgi_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}", "REDIS_URL": settings.REDIS_URL,
           "AIOPS_VAR_DIR": str(tmp_path), "AIOPS_ALERTMANAGER_TOKEN": TOKEN, "LOG_LEVEL": "warning"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", *WEB_SERVER_OPTIONS, "--host", "127.0.0.1",
                               "--port", str(port), "aiops_project.asgi:application"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        eventually(lambda: _get(port, "/health") == 200, "uvicorn to answer /health", timeout=60,
                   explain=lambda: (tmp_path / "web.log").read_text()[-3000:])
        yield port, database
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _get(port: int, path: str) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None


def _post(port: int, payload: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/alerts/alertmanager", json.dumps(payload),
                 {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    response = conn.getresponse()
    raw = response.read()
    return response.status, json.loads(raw) if response.status == 200 else {"body": raw[:500].decode(errors="replace")}


def _notification(tag: str, count: int) -> dict:
    payload = firing()
    template = payload["alerts"][0]
    payload["alerts"] = [{**template, "fingerprint": f"{tag}{i}", "labels": {**template["labels"], "pod": f"{tag}-{i}"}}
                         for i in range(count)]
    return payload


def _count(database: str, table: str) -> int:
    with psycopg.connect(f"{SERVER}/{database}") as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 (a table name of ours)
        assert row is not None
        return int(row[0])


def test_notifications_survive_postgresql_dropping_every_connection(web):
    port, database = web
    # Several at once: the pool's threads each open a connection of their own.
    for n in range(6):
        assert _post(port, _notification(f"a{n}-", 20)) == (200, {"received": 20, "recorded": 20, "duplicates": 0,
                                                                   "rejected": []})
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        dropped = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                               [database]).fetchone()
    assert dropped is not None and dropped[0] >= 1  # the server's connections, as a PostgreSQL restart drops them
    for n in range(6):
        status, body = _post(port, _notification(f"b{n}-", 20))
        assert (status, body["recorded"]) == (200, 20)
    assert _count(database, "incidents_clusterevent") == _count(database, "incidents_signal") == 12 * 20
