"""Celery beat that may run as several replicas: only the leader of the "beat" lease sends anything.

A standby's tick sends nothing and sleeps briefly, while its elector keeps trying for the lease. The
leader saves each entry's last run as soon as it sent it, and a replica that becomes the leader reads
the schedule again first, so a task the previous leader sent is not sent again at the handover
(unless the previous leader died between sending it and saving that, a few milliseconds).
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Any

import structlog
from celery import platforms
from celery.beat import Service
from celery.signals import beat_init
from django.db import DatabaseError, connection
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from aiops_project.leader import Elector

LEASE_NAME = "beat"
log = structlog.get_logger(__name__)


class RunEntry(ModelEntry):
    """django-celery-beat's entry, saving what beat keeps after a send in one UPDATE."""

    def save(self) -> None:
        # ModelEntry.save reads the row, validates it (a query per unique check and per schedule kind) and saves
        # every column: 4 queries after each task sent, for the two columns that changed. A schedule deleted
        # meanwhile updates nothing.
        type(self.model)._default_manager.filter(pk=self.model.pk).update(
            last_run_at=self.model.last_run_at, total_run_count=self.model.total_run_count
        )


class LeaderDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's DatabaseScheduler, sending only while it leads the "beat" lease."""

    Entry = RunEntry
    changes_every = 0.0  # seconds between two looks for schedule changes; 0: at every tick

    def __init__(self, *args: Any, elector: Elector | None = None, **kwargs: Any) -> None:
        # `elector` for tests that drive the lease themselves; beat itself builds one, started by the first
        # tick (celery also makes a scheduler it never runs, to print its banner: that one takes no part).
        self.elector = elector or Elector(LEASE_NAME)
        self._start_elector = elector is None
        self._leading = False
        self._sent = False
        self._next_look = 0.0
        super().__init__(*args, **kwargs)
        self.sync_every_tasks = 1  # save last_run_at after each send: a successor reads it

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self._start_elector:
            self._start_elector = False
            self.elector.start()
        leading = self.elector.is_leader()
        if leading and not self._leading:
            # Leading now: what this process reserved before is not its to save, and the previous
            # leader's last runs are in the database. Read every entry again.
            self._dirty.clear()
            try:  # edits after this moment make it read the schedule again (django-celery-beat compares)
                self._last_timestamp = self.Changes.last_change()
            except DatabaseError:
                self._last_timestamp = None
            self._initial_read = True
            self._heap = None
        self._leading = leading
        if not leading:  # look again soon: the elector's thread tries for the lease meanwhile
            return min(self.max_interval, self.elector.renew_every, 1.0)
        return super().tick(*args, **kwargs)

    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        # Judged again at the moment of sending: the lease may have been lost since the tick began.
        if self.elector.is_leader():
            super().apply_entry(entry, producer=producer)
            self._sent = True

    def schedule_changed(self) -> bool:
        # Celery ticks again at once after a send (for the next due entry): that tick does not ask the database
        # whether the schedule changed, the one before did milliseconds ago; the tick after it does (within
        # max_interval). Half the checks of a beat that only sends its schedules.
        now = time.monotonic()
        if self._sent or now < self._next_look:
            self._sent = False
            return False
        self._next_look = now + self.changes_every
        changed = bool(super().schedule_changed())
        if connection.vendor == "sqlite":
            # django-celery-beat closes "old" connections before each check and each save, and on SQLite every
            # connection is old at once (CONN_MAX_AGE 0): beat opened a new one, PRAGMAs included, up to three
            # times per task sent (py-spy: half of beat's idle CPU). A file has no server to go away: beat's
            # thread keeps its connection (one that saw an error is still closed, and the next check reopens).
            connection.close_at = None
        return changed

    def sync(self) -> None:
        # Only the leader writes the schedule: a standby's view of last runs is stale.
        if self._leading and self.elector.is_leader():
            super().sync()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if not self._start_elector:  # it took part: release, and a standby takes over at its next try
                self.elector.stop()


class ThreadedLeaderDatabaseScheduler(LeaderDatabaseScheduler):
    """The scheduler of beat in a thread beside the worker (manage.py runbackground).

    Celery's threaded beat ticks every second (EmbeddedService forces max_interval=1, so that stopping it waits a
    second at most), and each tick asked the database whether the schedule changed: 60 queries a minute, most of
    the idle beat thread's CPU (strace: a read transaction every second). Here it asks every 5 s, as often as a
    standalone beat (django-celery-beat's max_interval); due tasks are still sent on the second.
    """

    changes_every = 5.0


@beat_init.connect
def _stop_between_ticks(sender: Service, **_: Any) -> None:
    """SIGTERM/SIGINT end beat between two ticks, not inside the signal handler.

    Celery's own handler saves the schedule and releases the scheduler from within the handler, that is
    at whatever line the main thread was running: inside a database call it waits forever for the lock
    that very call holds (psycopg 3), and the process hangs until it is killed. Here the first signal
    only asks the loop to stop (it does within one tick, at most `max_interval`), and the loop's own
    `finally` saves and releases the lease; a second signal exits at once, as celery's would.
    """
    if not isinstance(sender.scheduler, LeaderDatabaseScheduler):
        return
    if threading.current_thread() is not threading.main_thread():
        return  # beat in a thread beside the worker (manage.py runbackground): the worker's shutdown stops it
    # The flag Service's loop checks every tick (Service.stop sets it); private, so the stubs leave it out.
    shutdown: threading.Event = sender._is_shutdown  # type: ignore[attr-defined]

    def stop(signum: int, frame: FrameType | None) -> None:
        if shutdown.is_set():
            raise SystemExit(128 + signum)
        log.info("beat_stopping", signal=signal.Signals(signum).name)
        shutdown.set()

    platforms.signals.update(SIGTERM=stop, SIGINT=stop)
