"""A transactional outbox for Celery tasks: work that a committed change calls for is never lost.

`enqueue(task, *args)` writes an `OutboxTask` row in the caller's transaction and, after commit, sends the
task at once and deletes the row. If the broker cannot take it (Redis stopped or gone, a timeout), the write
still stands and the request still answers: the row stays, and `drain()` (a beat schedule every few seconds,
run by any worker) sends it when the broker is back. A process that dies between commit and send leaves its
row too. Sending is at least once, never at most once: every task is safe to run twice.

After a failed send, the next sends within `PAUSE_SECONDS` do not try the broker (each would wait for the
same timeout): they leave their rows to the drain.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from functools import partial
from typing import Any

import structlog
from django.db import DatabaseError, transaction
from django.utils import timezone

from aiops_project import tracing
from aiops_project.models import OutboxTask

log = structlog.get_logger(__name__)
PAUSE_SECONDS = 5.0  # after a failed send, leave sends to the drain this long
DRAIN_AFTER = timedelta(seconds=10)  # a row younger than this is still its sender's to send
DRAIN_BATCH = 500
_paused_until = 0.0
_lock = threading.Lock()


def enqueue(task: Any, *args: Any, countdown: float | None = None, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` after the current transaction commits (at once outside one), surely."""
    due = timezone.now() + timedelta(seconds=countdown or 0)
    row = OutboxTask.objects.create(task=task.name, args=list(args), kwargs=kwargs, due_at=due,
                                    trace=tracing.carrier())
    transaction.on_commit(partial(_send_now, task, row.pk, args, kwargs, countdown))


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _pause(exc: BaseException, task: str) -> None:
    global _paused_until
    with _lock:
        first = not _paused()
        _paused_until = time.monotonic() + PAUSE_SECONDS
    if first:  # one line per outage, not one per task
        log.warning("broker_send_failed", task=task, error=f"{exc.__class__.__name__}: {exc}"[:300],
                    then="kept in the outbox; sent when the broker answers (drain every few seconds)")


def _send_now(task: Any, row_id: int, args: tuple[Any, ...], kwargs: dict[str, Any],
              countdown: float | None) -> None:
    """After commit: send and forget the row. Never raises: what is not sent stays in the outbox."""
    if _paused():
        return
    try:
        task.apply_async(args, kwargs, countdown=countdown, retry=False)
    except Exception as exc:  # the broker's errors are many (redis, kombu, socket): all mean "not sent"
        _pause(exc, task.name)
        return
    try:
        OutboxTask.objects.filter(pk=row_id).delete()
    except DatabaseError:  # sent: at worst the drain sends it once more (every task is safe to run twice)
        log.warning("outbox_row_kept", task=task.name, row_id=row_id, exc_info=True)


def drain(limit: int = DRAIN_BATCH) -> int:
    """Send the rows their senders could not (oldest first); stops at the first failure. Returns how many."""
    from celery import current_app

    now = timezone.now()
    sent = 0
    for row in OutboxTask.objects.filter(created_at__lte=now - DRAIN_AFTER)[:limit]:
        task = current_app.tasks.get(row.task)
        if task is None:  # a task no longer in the code: said, and dropped rather than retried forever
            log.error("outbox_task_unknown", task=row.task, row_id=row.pk, args=row.args)
            OutboxTask.objects.filter(pk=row.pk).delete()
            continue
        countdown = max((row.due_at - now).total_seconds(), 0.0)
        try:
            with tracing.resumed(row.trace):  # the message joins the trace of what wrote the row, not the drain's
                task.apply_async(row.args, row.kwargs, countdown=countdown or None, retry=False)  # type: ignore[arg-type]
        except Exception as exc:
            OutboxTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=str(exc)[:500])
            _pause(exc, row.task)
            break
        OutboxTask.objects.filter(pk=row.pk).delete()
        sent += 1
    if sent:
        log.info("outbox_drained", sent=sent, age_seconds=round((now - row.created_at).total_seconds(), 1))
    return sent

