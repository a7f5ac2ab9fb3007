"""uvicorn's housekeeping tick once a second instead of ten times, with an exit signal still acted on at once.

uvicorn's main loop wakes every 0.1 s to ask whether it should exit; its real work (the Date header, the notify
callback, the request limit) runs every tenth wake. Idle, those wakes were most of the web process's CPU: a bare
uvicorn app (uvloop, httptools) at 0.13% of a core, 0.03% with a 1 s tick (/proc, 60 s). Here the loop sleeps a
second, doing that work at every wake, and SIGINT/SIGTERM (uvicorn's own handler runs first) end the sleep.

Installed by aiops_project.asgi when uvicorn serves it, before uvicorn's main loop starts (uvicorn imports the
application first). Anything else (daphne, tests, the Django test client) is left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from types import FrameType
from typing import Any

TICK_SECONDS = 1.0
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def _main_loop(self: Any) -> None:
    woken = asyncio.Event()
    if threading.current_thread() is threading.main_thread():
        loop = asyncio.get_running_loop()
        for signum in _SIGNALS:
            handler = signal.getsignal(signum)
            if callable(handler):  # uvicorn's handle_exit: it sets should_exit, then this wakes the loop
                signal.signal(signum, _waking(handler, loop, woken))
    counter = 0
    should_exit = await self.on_tick(counter)
    while not should_exit:
        counter = (counter + 10) % 864000  # on_tick does its once-a-second work when counter % 10 == 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(TICK_SECONDS):
                await woken.wait()
        woken.clear()
        should_exit = await self.on_tick(counter)


def _waking(handler: Any, loop: asyncio.AbstractEventLoop, woken: asyncio.Event) -> Any:
    def handle(signum: int, frame: FrameType | None) -> None:
        handler(signum, frame)
        loop.call_soon_threadsafe(woken.set)

    return handle


# The uvicorn releases whose Server.main_loop and on_tick this replacement was written against; any other release
# keeps its own loop until someone reads it again (tests/test_uvicorn_tick.py fails to say so).
KNOWN_RELEASES = ("0.54.",)


def install() -> bool:
    """Replace uvicorn's Server.main_loop, when uvicorn (a known release) is what serves this process."""
    server = sys.modules.get("uvicorn.server")
    if server is None or not hasattr(server.Server, "main_loop"):
        return False
    version = getattr(sys.modules.get("uvicorn"), "__version__", "")
    if not version.startswith(KNOWN_RELEASES):
        return False
    server.Server.main_loop = _main_loop
    return True
