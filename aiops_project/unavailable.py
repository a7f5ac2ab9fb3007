"""A database that cannot take a write now answers 503 with Retry-After, in one place for every view.

SQLite's write lock held past the busy timeout ("database is locked") and a PostgreSQL server that is down,
restarting or refusing connections are outages, not bugs: the request changed nothing (its transaction rolled
back, or never began), and the sender should try again. Alertmanager retries a 5xx and drops a 4xx; a 500 with
an HTML page says "bug". So such errors answer 503 with a JSON reason and Retry-After, from DRF views (DRF
re-raises what its handler does not know, and Django hands it to this middleware) and plain views alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

log = structlog.get_logger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLite's words for a lock another connection holds (SQLITE_BUSY, SQLITE_LOCKED).
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def unavailable_reason(exc: BaseException) -> str | None:
    """Why the database could not serve the request now, when `exc` says it is an outage; None otherwise (a bug,
    a missing table, bad SQL: those stay 500s)."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return None
    from django.db import connection

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    if connection.vendor == "sqlite":
        return "the database is busy (its write lock is held)" if any(w in text for w in _SQLITE_BUSY) else None
    if connection.vendor == "postgresql":
        # psycopg's OperationalError: no connection (refused, reset, server shutting down, too many clients),
        # InterfaceError: a connection already closed. Both before any result: nothing was committed.
        return "the database is unreachable"
    return None


def unavailable_response(reason: str) -> JsonResponse:
    response = JsonResponse({"detail": f"Service unavailable: {reason}; nothing was changed, try again.",
                             "retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 + Retry-After for a database outage raised by a view (process_exception: Django calls it in the
    request's thread for a sync view, so it costs nothing on the way of a request that succeeds)."""

    sync_capable = async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if (reason := unavailable_reason(exception)) is None:
            return None
        log.warning("database_unavailable", path=request.path, method=request.method, error=str(exception)[:200])
        return unavailable_response(reason)
