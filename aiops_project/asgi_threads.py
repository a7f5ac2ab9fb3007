"""Django's ASGI handler on warm threads: each request borrows one single-thread executor from a free list and
gives it back when done, instead of Django's new thread per request (ThreadSensitiveContext()).

Django's guarantee holds: all thread-sensitive sync code of one request (request_started/request_finished
receivers, sync middleware and views, DRF rendering, response.close) runs in one thread, the borrowed one. What
changes is that the thread, and with it its thread-local database connection, outlives the request:
CONN_MAX_AGE takes effect, and request_started/request_finished (close_old_connections, in that same thread)
still close a connection that broke or expired. py-spy measured ~17% of the event loop thread's time creating and
joining the per-request thread, and every sync view opened a new PostgreSQL connection.

A thread goes back to the free list only once the calls sent to it have finished: a request whose client left
while its sync view still ran (Django cancels the task, the thread runs on) does not queue the next request behind
that view. Past THREADS_BOUND threads busy at once, a request gets Django's own per-request thread. A thread left
idle longer than its connection may live (CONN_MAX_AGE, at least a minute) is ended on a later borrow, its
connections closed: after a burst the process does not keep a connection per thread the burst needed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler
from django.db import connections

# Each warm thread keeps a database connection open while idle: the bound caps them per web process.
THREADS_BOUND = 16


class RequestThread(Executor):
    """One thread that runs one call at a time (what ThreadSensitiveContext requires of its executor), counting
    the calls sent and not yet finished so that it is lent again only when idle."""

    def __init__(self, name: str) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._pending = 0
        self._when_idle: Callable[[RequestThread], None] | None = None
        self.idle_since = 0.0  # time.monotonic() when last given back idle

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self._pending += 1
        future = self._thread.submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any]) -> None:
        callback = None
        with self._lock:
            self._pending -= 1
            if self._pending == 0:
                callback, self._when_idle = self._when_idle, None
        if callback is not None:
            callback(self)

    def when_idle(self, callback: Callable[[RequestThread], None]) -> None:
        """Call back now if no call is pending, else from this thread when the last pending call finishes."""
        with self._lock:
            if self._pending:
                self._when_idle = callback
                return
        callback(self)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._thread.shutdown(wait=wait, cancel_futures=cancel_futures)


class RequestThreads:
    """A free list of RequestThread, grown on demand up to a bound; the last given back is lent first, so a
    light load keeps using the same thread and database connection, and the one idle longest is ended once
    idle for `idle_limit` seconds (default: CONN_MAX_AGE, at least 60)."""

    def __init__(self, bound: int = THREADS_BOUND, idle_limit: float | None = None) -> None:
        self.bound = bound
        self.idle_limit = idle_limit
        self._lock = threading.Lock()
        self._free: list[RequestThread] = []
        self._all: list[RequestThread] = []
        self._made = 0

    def borrow(self) -> RequestThread | None:
        """An idle thread, a new one below the bound, else None."""
        with self._lock:
            retired = self._retire_one()
            if self._free:
                thread: RequestThread | None = self._free.pop()
            elif len(self._all) >= self.bound:
                thread = None
            else:
                self._made += 1
                thread = RequestThread(f"django-request-{self._made}")
                self._all.append(thread)
        if retired is not None:  # its own thread closes its connections, then ends
            retired.submit(connections.close_all)
            retired.shutdown(wait=False)
        return thread

    def _retire_one(self) -> RequestThread | None:
        """The thread idle longest, taken out of the lists once idle past the limit (the lock is held)."""
        if not self._free:
            return None
        limit = self.idle_limit
        if limit is None:
            limit = max(60.0, float(connections["default"].settings_dict.get("CONN_MAX_AGE") or 0))
        if time.monotonic() - self._free[0].idle_since < limit:
            return None
        thread = self._free.pop(0)
        self._all.remove(thread)
        return thread

    def give_back(self, thread: RequestThread) -> None:
        thread.when_idle(self._free_again)

    def _free_again(self, thread: RequestThread) -> None:
        with self._lock:
            thread.idle_since = time.monotonic()
            self._free.append(thread)

    def close(self) -> None:
        """Close each thread's database connections and end the threads (tests; a process exit needs none)."""
        with self._lock:
            threads, self._all, self._free = self._all, [], []
        for thread in threads:
            thread.submit(connections.close_all).result()
            thread.shutdown()


class WarmThreadsASGIHandler(ASGIHandler):
    def __init__(self, bound: int = THREADS_BOUND) -> None:
        super().__init__()
        self.threads = RequestThreads(bound)

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self.threads.borrow()
        if thread is None:  # all busy: Django's own thread for this request
            async with ThreadSensitiveContext():
                await self.handle(scope, receive, send)
            return
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            self.threads.give_back(thread)
