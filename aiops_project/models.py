"""What every app shares in the database: the outbox of tasks to enqueue (aiops_project/outbox.py)."""

from __future__ import annotations

from django.db import models


class OutboxTask(models.Model):
    """A Celery task to send, written in the same transaction as the change that calls for it.

    The row is deleted once the broker took the message; one still here after the broker failed (or the
    process died between commit and send) is sent by `outbox.drain` when the broker answers again.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    due_at = models.DateTimeField(help_text="not to run before this moment (a countdown)")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The trace context of the request or task that wrote it (traceparent, tracestate; empty with tracing off): a
    # task the drain sends later still joins that trace (aiops_project/tracing.py).
    trace = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
