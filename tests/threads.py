"""Running blocking work (the ORM, a poll, the watcher's joins) from async tests served by kmock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


async def in_thread(fn: Callable[[], T]) -> T:
    """Run `fn` off kmock's event loop, which must keep serving; the thread's connection is closed after."""

    def run() -> T:
        try:
            return fn()
        finally:
            connection.close()

    return await asyncio.to_thread(run)
