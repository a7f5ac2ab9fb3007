from __future__ import annotations

from celery import shared_task

from aiops_project import outbox
from aiops_project.schedules import DRAIN_OUTBOX_TASK


@shared_task(name=DRAIN_OUTBOX_TASK, acks_late=True, ignore_result=True, expires=9)
def drain_outbox() -> None:
    # Safe to run twice at once: a row sent twice runs a task that is itself safe to run twice.
    outbox.drain()
