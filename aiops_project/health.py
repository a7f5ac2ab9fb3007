"""Dependency checks shared by /ready and the start-up of `manage.py runstack`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"database unreachable ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}): " \
               f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__}"
    return None


def check_redis() -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        return f"redis unreachable at {_redacted(settings.REDIS_URL)}: {exc}"
    return None


def check_broker() -> str | None:
    from aiops_project.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"broker unreachable at {_redacted(settings.CELERY_BROKER_URL)}: {exc}"
    return None


def _redacted(url: str) -> str:
    """A URL without its password, fit for a log line."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_redis,
    "broker": check_broker,
}


def failing_checks() -> dict[str, str]:
    return {name: error for name, check in CHECKS.items() if (error := check()) is not None}


# What /ready shows beside the checks, filled by each app in its AppConfig.ready() (this layer imports no app):
# name -> a function answering the app's state as JSON-able data. Informative: never a 503 by itself. State
# only, never errors that may quote credentials, addresses or a server's output.
READINESS_DETAILS: dict[str, Callable[[], Any]] = {}
