"""Configuration errors fail at start-up with one message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_django(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "AIOPS_ENV", "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "AIOPS_VAR_DIR": str(tmp_path), **env},
    )


@pytest.mark.parametrize(("env", "named"), [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"AIOPS_POLL_INTERVAL_SECONDS": "often"}, "AIOPS_POLL_INTERVAL_SECONDS"),
    ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL"),
    ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ({"AIOPS_ENV": "production", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY"),
    ({"AIOPS_ENV": "production", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
    ({"AIOPS_ENV": "staging"}, "AIOPS_ENV"),
])
def test_a_bad_or_missing_value_names_the_variable(tmp_path, env, named):
    result = start_django(tmp_path, **env)
    assert result.returncode != 0
    assert named in result.stderr


def test_local_defaults_need_nothing_and_keep_a_generated_secret_key(tmp_path):
    first = start_django(tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert start_django(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, "AIOPS_VAR_DIR": str(tmp_path), **env},
    )


def test_an_unreachable_database_at_start_up_is_one_clear_line(tmp_path):
    result = run_manage(tmp_path, "bootstrap", DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: database unreachable (postgresql)") and "DATABASE_URL" in line


def test_an_unreachable_redis_at_start_up_is_one_clear_line(tmp_path, migrated_sqlite):
    migrated_sqlite(tmp_path / "aiops.sqlite3")  # the default database under AIOPS_VAR_DIR
    result = run_manage(tmp_path, "runstack", "--port", "1", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("CommandError: redis unreachable at redis://127.0.0.1:1/0")


@pytest.mark.parametrize(("threshold", "prepared"), [(None, True), ("0", False)])
def test_postgres_statements_repeated_on_a_connection_are_prepared_unless_turned_off(tmp_path, threshold, prepared):
    """Django turns psycopg's preparing off; the project turns it back on (the server then stops planning the
    intake's statements anew), with AIOPS_DB_PREPARE_THRESHOLD=0 for poolers that cannot carry them."""
    code = ("from django.db import connection\n"
            "for n in range(6):\n"
            "    connection.cursor().execute('SELECT %s::int + 1', [n])\n"
            "cursor = connection.cursor()\n"
            "cursor.execute(\"SELECT count(*) FROM pg_prepared_statements \"\n"
            "               \"WHERE statement LIKE 'SELECT $1::int + 1%'\")\n"
            "print('prepared', cursor.fetchone()[0])\n")
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    if threshold is not None:
        env["AIOPS_DB_PREPARE_THRESHOLD"] = threshold
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AIOPS_DB_PREPARE_THRESHOLD"}}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**clean, "AIOPS_VAR_DIR": str(tmp_path), **env})
    assert result.returncode == 0, result.stderr
    assert f"prepared {1 if prepared else 0}" in result.stdout
