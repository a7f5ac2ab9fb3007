"""Watch mode: follow the Kubernetes watch API of every enabled cluster until SIGINT/SIGTERM.

Runs beside the periodic poll (the Celery beat entries), which stays as the safety net: each transition
is recorded once, by whichever sees it first. Several replicas may run: only the leader of the "watcher"
lease (aiops_project/leader.py) watches.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project import tracing
from incidents.kindstream import database_work
from incidents.models import Cluster
from incidents.watcher import watch_until


class Command(BaseCommand):
    help = "Follow the Kubernetes watch API of every enabled cluster and record transitions as they happen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cluster", action="append", dest="clusters", metavar="NAME",
                            help="Watch only this cluster (repeatable). Default: every enabled cluster.")
        parser.add_argument("--refresh-seconds", type=float, default=30.0,
                            help="How often the clusters are re-read, to follow new and disabled ones.")

    def handle(self, *args: Any, **options: Any) -> None:
        names: list[str] | None = options["clusters"]
        if options["refresh_seconds"] <= 0:
            raise CommandError("--refresh-seconds must be positive")
        if names:
            with database_work():
                known = set(Cluster.objects.filter(name__in=names).values_list("name", flat=True))
            if missing := sorted(set(names) - known):
                raise CommandError(f"no such cluster: {', '.join(missing)}")

        tracing.setup("watcher")
        stop = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        watch_until(stop, names, options["refresh_seconds"])
