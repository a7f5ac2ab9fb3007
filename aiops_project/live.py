"""Pushes "something changed" notices to open consoles over the Channels layer, after commit."""

from __future__ import annotations

from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

CONSOLE_GROUP = "console"
log = structlog.get_logger(__name__)


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
    transaction.on_commit(lambda: _send(message))
