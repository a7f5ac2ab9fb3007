"""Pushes "something changed" notices to open consoles over the Channels layer, after commit."""

from __future__ import annotations

import asyncio
import atexit
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import structlog
from channels.layers import get_channel_layer
from django.db import transaction

from aiops_project.circuit import Circuit

CONSOLE_GROUP = "console"
log = structlog.get_logger(__name__)
_batch: ContextVar[list[dict[str, Any]] | None] = ContextVar("console_batch", default=None)
_STOP = object()


class _Sender:
    """One thread per process sends the notices, on an event loop of its own that lives as long as the process.

    The request (or task) that changed something only queues its notice: `async_to_sync(group_send)` in the
    request itself cost 7 ms per alert notification (a new event loop and Redis connection each time;
    measured by cProfile on the intake, 100 notifications x 50 alerts), a tenth of the whole request.
    Notices that pile up while one is sent are merged: words for the operator go one by one, "re-render"
    notices become one. A notice is a hint to re-render, never the data itself: a lost one is harmless.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid = 0
        self._thread: threading.Thread | None = None

    def put(self, message: dict[str, Any]) -> None:
        if self._pid != os.getpid():  # first use in this process (a forked worker child starts with none)
            with self._lock:
                if self._pid != os.getpid():
                    self._queue = queue.SimpleQueue()
                    self._thread = threading.Thread(target=self._run, name="console-notices", daemon=True)
                    self._thread.start()
                    self._pid = os.getpid()
        self._queue.put(message)

    def flush(self, timeout: float = 2.0) -> None:
        """Send what is queued, then stop (at interpreter exit)."""
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        while True:
            pending = [self._queue.get()]
            while True:
                try:
                    pending.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = _STOP in pending
            for message in merged([m for m in pending if m is not _STOP]):
                loop.run_until_complete(_group_send(message))
            if stop:
                loop.close()
                return


def merged(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notices with words, in order, then the "re-render" ones as one (unchanged when there is just one)."""
    worded = [m for m in messages if m.get("text")]
    changes = [m for m in messages if not m.get("text")]
    if len(changes) > 1:
        topics = sorted({t for m in changes for t in str(m["topic"]).split(",")})
        count = sum(int(m.get("count") or 1) for m in changes)
        changes = [{"topic": ",".join(topics), "id": None, "count": count}]
    return worded + changes


# A notice waits at most this long for Redis; after a failure the notices of the next seconds are dropped at
# once (the circuit), so a hung Redis neither piles notices up behind its timeouts nor writes a traceback each.
SEND_TIMEOUT_SECONDS = 1.0
_circuit = Circuit("console notices", open_seconds=5.0)


async def _group_send(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if not _circuit.allows():
        return  # Redis failed moments ago: dropped (a notice is a hint to re-render; the next one will do)
    try:
        await asyncio.wait_for(layer.group_send(CONSOLE_GROUP, {"type": "console.changed", **message}),
                               SEND_TIMEOUT_SECONDS)
    except Exception as exc:  # a lost notice must never undo or fail the change it reports
        _circuit.failed(exc if str(exc) else f"no answer within {SEND_TIMEOUT_SECONDS:g}s")
        log.warning("console_broadcast_failed", topic=message.get("topic"), error=_circuit.why_open()[:300],
                    skipping_seconds=_circuit.open_seconds)
    else:
        _circuit.succeeded()


_sender = _Sender()
atexit.register(_sender.flush)


def _send(message: dict[str, Any]) -> None:
    _sender.put(message)


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
