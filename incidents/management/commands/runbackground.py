"""The background half of the embedded stack in one process: a Celery worker (a pool of threads) with Celery
beat and the watcher beside it as threads, stopped with it (SIGTERM or Ctrl-C: warm shutdown).

`manage.py runstack` starts it. One process instead of a prefork worker, its pool processes, beat and the watcher
(each loading Django, the apps and, in each pool process, its own MCP servers): one warm MCP server per server
and cluster, ~600 MiB less PSS (bench/embedded_stack.py). The tasks wait on the database, the cluster and MCP
servers rather than compute, so threads suit them; Celery's time limits are not enforced in a thread pool (each
call has its own timeout). Production keeps worker, beat and watcher apart (docker-compose.yml, the Helm chart).
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from typing import IO, Any

from celery.beat import EmbeddedService
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project.beat import ThreadedLeaderDatabaseScheduler
from aiops_project.celery import app
from aiops_project.schedules import ALL_QUEUES

IDLE_BRPOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run a Celery worker (threads) with beat and the watcher in this one process until SIGTERM/Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help="Worker threads.")
        parser.add_argument("--hostname", default="worker@%h")

    def handle(self, *args: Any, **options: Any) -> None:
        self._identity_lock = _lock_identity()
        stop = threading.Event()
        # thread=True: a Thread (start, is_alive) whose stop() ends beat's loop; the stubs type both kinds as one.
        beat: Any = EmbeddedService(app, thread=True, scheduler_cls=ThreadedLeaderDatabaseScheduler)
        watcher = threading.Thread(target=_watch_until, args=(stop,), name="watcher", daemon=True)

        def start(**_: Any) -> None:  # once the worker consumes: what beat sends is taken at once
            beat.start()
            watcher.start()

        def halt(**_: Any) -> None:
            if stop.is_set():
                return
            stop.set()
            if beat.is_alive():
                beat.stop()  # saves the schedule and releases the "beat" lease
            if watcher.is_alive():
                watcher.join(timeout=15)  # stops its watches and releases the "watcher" lease

        worker_ready.connect(start, weak=False)
        worker_shutdown.connect(halt, weak=False)
        # Idle, the worker only waits on Redis. BRPOP returns at once when a task arrives; its timeout only
        # bounds how long a change of consumed queues waits, so it is renewed every IDLE_BRPOP_SECONDS instead of
        # every second. No heartbeats (an event every 2 s), gossip (a timer every 5 s and every other worker's
        # heartbeats) or mingle (a 1 s exchange at start): the one worker of this stack has no peers to tell,
        # and `celery inspect ping` answers through the remote-control queue all the same.
        app.conf.broker_transport_options = {**app.conf.broker_transport_options,
                                             "polling_interval": IDLE_BRPOP_SECONDS}
        try:
            app.worker_main(["worker", "--pool", "threads", "--concurrency", str(options["concurrency"]),
                             "--queues", ",".join(ALL_QUEUES), "--hostname", options["hostname"],
                             "--without-heartbeat", "--without-gossip", "--without-mingle",
                             "--loglevel", "INFO"])
        finally:
            halt()


def _watch_until(stop: threading.Event) -> None:
    # Imported in the watcher's thread once the worker consumes: it loads the Kubernetes client (~1 s,
    # `python -X importtime`), which the worker's start need not wait for.
    from incidents.watcher import watch_until

    watch_until(stop)


def _lock_identity() -> IO[bytes] | None:
    """With AIOPS_LEADER_IDENTITY (runstack sets one that outlives restarts), hold a lock on it in the var dir for
    the life of this process: a second process with that identity on this host would lead beside this one (each
    sees the lease as its own). The kernel drops the lock when the process dies, however it dies."""
    identity = settings.LEADER_IDENTITY
    if not identity:
        return None
    path = settings.VAR_DIR / f"leader-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("wb")  # held open, and locked, until the process exits
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise CommandError(f"another process on this host runs with AIOPS_LEADER_IDENTITY={identity!r} "
                           f"(it holds {path})") from None
    return handle
