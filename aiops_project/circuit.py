"""A circuit breaker for side effects that talk to Redis from a request: after a failure, skip for a few seconds.

A hung Redis (stopped, a partition) costs a whole socket timeout per call; a request that makes several such
calls, or many requests meanwhile, would each wait it out. After one failure the circuit opens: calls through it
fail (or are skipped) at once for `open_seconds`, then one call tries again. What a circuit guards is never what
decides a request's outcome (a console notice, a cache read): the callers carry on without it.
"""

from __future__ import annotations

import threading
import time
import weakref


class Circuit:
    made: weakref.WeakSet[Circuit] = weakref.WeakSet()  # every circuit of the process (tests close them all)

    def __init__(self, name: str, open_seconds: float = 5.0) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._error = ""
        Circuit.made.add(self)

    def allows(self) -> bool:
        """Whether to try the call now: closed, or open for longer than `open_seconds` (one call tries again)."""
        with self._lock:
            if self._failed_at is None:
                return True
            if time.monotonic() - self._failed_at >= self.open_seconds:
                self._failed_at = time.monotonic()  # the others keep skipping while this one tries
                return True
            return False

    def failed(self, error: BaseException | str) -> None:
        with self._lock:
            self._failed_at = time.monotonic()
            self._error = str(error) or error.__class__.__name__

    def succeeded(self) -> None:
        with self._lock:
            self._failed_at = None
            self._error = ""

    def why_open(self) -> str:
        """The last failure and how long ago, for a message while the circuit skips calls."""
        with self._lock:
            if self._failed_at is None:
                return ""
            return f"{self._error} ({time.monotonic() - self._failed_at:.0f}s ago; retried within "\
                   f"{self.open_seconds:g}s)"


class CircuitOpen(ConnectionError):
    """Raised instead of calling while a circuit is open."""
