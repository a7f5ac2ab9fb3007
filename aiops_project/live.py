"""Pushes "something changed" notices to open consoles over the Channels layer, after commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

CONSOLE_GROUP = "console"
log = structlog.get_logger(__name__)
_batch: ContextVar[list[dict[str, Any]] | None] = ContextVar("console_batch", default=None)


def _send(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(CONSOLE_GROUP, {"type": "console.changed", **message})
    except Exception:  # a lost notice must never undo or fail the change it reports
        log.warning("console_broadcast_failed", topic=message.get("topic"), exc_info=True)


def notify_console(topic: str, **data: Any) -> None:
    """Tell consoles that `topic` (incident, approval, run, event) changed, once the transaction commits."""
    message = {"topic": topic, **data}
    batch = _batch.get()
    if batch is not None:
        batch.append(message)
        return
    transaction.on_commit(lambda: _send(message))


@contextmanager
def batched_notices() -> Iterator[None]:
    """Within the block, collect notices and send one after commit: consoles re-render once per batch."""
    token = _batch.set([])
    try:
        yield
        collected = _batch.get() or []
    finally:
        _batch.reset(token)
    # Notices that carry words for the operator go out one by one; the rest as one "re-render" notice.
    for message in [m for m in collected if m.get("text")]:
        transaction.on_commit(partial(_send, message))
    if changes := [m for m in collected if not m.get("text")]:
        topics = sorted({m["topic"] for m in changes})
        transaction.on_commit(lambda: _send({"topic": ",".join(topics), "id": None, "count": len(changes)}))
