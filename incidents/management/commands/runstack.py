"""Start the whole stack and supervise it: embedded Redis (when no REDIS_URL), the simulated cluster,
the ASGI server, a Celery worker and Celery beat. Ctrl-C (or SIGTERM) stops every process cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project import embedded_redis
from aiops_project.health import check_database, check_redis
from aiops_project.schedules import ALL_QUEUES
from incidents.clusters import simulated_cluster_wanted


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


class Command(BaseCommand):
    help = "Run web (daphne), worker, beat, embedded Redis and the simulated cluster until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.HTTP_PORT)
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.children: list[Child] = []
        self.stopping = False
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        try:
            self._start_all(options)
            self.stdout.write(f"Stack is up: http://{options['host']}:{options['port']}/console/  (Ctrl-C stops it)")
            exit_code = self._supervise()
        except CommandError:
            self._stop_all()
            raise
        self._stop_all()
        if exit_code:
            raise CommandError("a process of the stack exited unexpectedly; everything was stopped")

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        # A session of its own: Ctrl-C reaches only this supervisor, which stops children in order.
        process = subprocess.Popen(argv, env=os.environ.copy(), start_new_session=True)
        self.children.append(Child(name, process))
        return process

    def _start_all(self, options: dict[str, Any]) -> None:
        if settings.EMBEDDED_REDIS:
            try:
                process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
            except embedded_redis.EmbeddedRedisError as exc:
                raise CommandError(str(exc)) from None
            if process is not None:
                self.children.append(Child("redis", process))
            self.stdout.write(f"Embedded Redis on {settings.EMBEDDED_REDIS_SOCKET}")
        for check in (check_database, check_redis):
            if (error := check()) is not None:
                raise CommandError(error)

        python = sys.executable
        if simulated_cluster_wanted():  # not when bootstrap picked up a real cluster instead
            kubeconfig = settings.SIMCLUSTER_KUBECONFIG
            kubeconfig.unlink(missing_ok=True)
            self._spawn("simcluster", [
                python, "-m", "simcluster", "--scenario", str(settings.SIMCLUSTER_SCENARIO),
                "--host", "127.0.0.1", "--port", str(settings.SIMCLUSTER_PORT), "--kubeconfig", str(kubeconfig),
            ])
            self._wait_for(lambda: kubeconfig.exists(), "simcluster", "the simulated cluster to listen")
        # Watch mode beside the periodic poll: detection within a second; the poll stays as the safety net.
        self._spawn("watcher", [python, str(settings.BASE_DIR / "manage.py"), "watch_clusters"])
        self._spawn("web", [python, "-m", "daphne", "-b", options["host"], "-p", str(options["port"]),
                            "aiops_project.asgi:application"])
        self._spawn("worker", [python, "-m", "celery", "-A", "aiops_project", "worker", "--loglevel", "INFO",
                               "--queues", ",".join(ALL_QUEUES), "--concurrency", str(options["concurrency"]),
                               "--hostname", f"worker-{os.getpid()}@%h"])
        self._spawn("beat", [python, "-m", "celery", "-A", "aiops_project", "beat", "--loglevel", "INFO",
                             "--scheduler", settings.CELERY_BEAT_SCHEDULER, "--pidfile="])

    def _wait_for(self, ready: Any, name: str, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        child = next(c for c in self.children if c.name == name)
        while not ready():
            if child.process.poll() is not None:
                raise CommandError(f"{name} exited with code {child.process.returncode} while waiting for {what}")
            if time.monotonic() > deadline or self.stopping:
                raise CommandError(f"gave up waiting for {what}")
            time.sleep(0.1)

    def _supervise(self) -> int:
        while not self.stopping:
            for child in self.children:
                if child.process.poll() is not None:
                    self.stderr.write(f"{child.name} exited with code {child.process.returncode}; stopping the stack")
                    return 1
            time.sleep(0.3)
        return 0

    def _stop_all(self) -> None:
        # Reverse order: producers (beat, web) first, Redis last so the others can finish cleanly.
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            while child.process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if child.process.poll() is None:
                child.process.kill()
                child.process.wait()
        if self.children:
            self.stdout.write("Stack stopped.")
