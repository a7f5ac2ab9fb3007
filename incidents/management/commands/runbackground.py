"""The background half of the embedded stack in one process: a Celery worker (a pool of threads) with Celery
beat and the watcher beside it as threads, stopped with it (SIGTERM or Ctrl-C: warm shutdown).

`manage.py runstack` starts it. One process instead of a prefork worker, its pool processes, beat and the watcher
(each loading Django, the apps and, in each pool process, its own MCP servers): one warm MCP server per server
and cluster, ~600 MiB less PSS (bench/embedded_stack.py). The tasks wait on the database, the cluster and MCP
servers rather than compute, so threads suit them; Celery's time limits are not enforced in a thread pool (each
call has its own timeout). Production keeps worker, beat and watcher apart (docker-compose.yml, the Helm chart).
"""

from __future__ import annotations

import threading
from typing import Any

from celery.beat import EmbeddedService
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aiops_project.celery import app
from aiops_project.schedules import ALL_QUEUES
from incidents.watcher import watch_until


class Command(BaseCommand):
    help = "Run a Celery worker (threads) with beat and the watcher in this one process until SIGTERM/Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help="Worker threads.")
        parser.add_argument("--hostname", default="worker@%h")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # thread=True: a Thread (start, is_alive) whose stop() ends beat's loop; the stubs type both kinds as one.
        beat: Any = EmbeddedService(app, thread=True, scheduler_cls=settings.CELERY_BEAT_SCHEDULER)
        watcher = threading.Thread(target=watch_until, args=(stop,), name="watcher", daemon=True)

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
        try:
            app.worker_main(["worker", "--pool", "threads", "--concurrency", str(options["concurrency"]),
                             "--queues", ",".join(ALL_QUEUES), "--hostname", options["hostname"],
                             "--loglevel", "INFO"])
        finally:
            halt()
