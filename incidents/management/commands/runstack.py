"""Start the whole stack and supervise it: embedded Redis (when no REDIS_URL), the simulated cluster, the web
process (uvicorn), the background process (`runbackground`: a Celery worker with beat and the watcher beside it
as threads) and, when Telegram is configured without a webhook, Telegram's poller (`telegram_poll`). A process that
exits is started again (aiops_project/supervisor.py); Ctrl-C (or SIGTERM) stops every process cleanly.

The layout is compact for one machine (five processes and one warm MCP server, ~1/3 of the memory of separate
worker, beat and watcher processes: bench/embedded_stack.py); production runs them as processes of their own
(docker-compose.yml, the Helm chart). Once everything is started this command replaces itself with
aiops_project/supervisor.py, which does not load Django."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project import embedded_redis
from aiops_project.health import check_database, check_redis
from incidents.clusters import simulated_cluster_wanted
from incidents.management.commands.bootstrap import migrations_pending

# uvicorn on uvloop + httptools, as the Dockerfile runs it (bench/web_server.py has the figures that chose it).
WEB_SERVER_OPTIONS = ["--loop", "uvloop", "--http", "httptools", "--ws", "websockets", "--lifespan", "off",
                      "--no-access-log"]
EMBEDDED_LEASE_SECONDS = 60  # the background process's leases, unless AIOPS_LEADER_LEASE_SECONDS says otherwise


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    env: dict[str, str] | None = None  # what its environment adds to this process's (the supervisor restarts it so)

    def plan(self) -> dict[str, Any]:
        """What the supervisor needs to start it again: its command line and the variables added for it."""
        argv = self.process.args
        own = {k: v for k, v in (self.env or {}).items() if os.environ.get(k) != v}
        return {"name": self.name, "pid": self.process.pid,
                "argv": [str(a) for a in argv] if isinstance(argv, list) else [], "env": own,
                "quiet": self.name == "redis"}  # embedded_redis starts it with its stdout to /dev/null


class Command(BaseCommand):
    help = "Run web (uvicorn), the background process (worker, beat, watcher), embedded Redis and the simulated "\
           "cluster until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.HTTP_PORT)
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker threads.")
        parser.add_argument("--bootstrap", action="store_true",
                            help="Run `manage.py bootstrap` in this process (`make run`: one start less), beside "
                                 "the web process's start when there is nothing to migrate.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Every file the stack writes (the SQLite database, Redis's socket and dump, leader locks, the admin
        # password) is this user's alone; the processes started here inherit the mask.
        os.umask(0o077)
        self.children: list[Child] = []
        self.stopping = False
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        try:
            self._start_all(options)
        except CommandError:
            self._stop_all()
            raise
        if self.stopping:
            self._stop_all()
            return
        self.stdout.write(f"Stack is up: http://{options['host']}:{options['port']}/console/  (Ctrl-C stops it)")
        self.stdout.flush()
        sys.stderr.flush()
        plan = json.dumps([child.plan() for child in self.children])
        supervisor = str(settings.BASE_DIR / "aiops_project" / "supervisor.py")
        os.execv(sys.executable, [sys.executable, supervisor, "runstack", plan])  # noqa: S606 (our own script)

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        # A session of its own: Ctrl-C reaches only this supervisor, which stops children in order.
        process = subprocess.Popen(argv, env=env or os.environ.copy(), start_new_session=True)
        self.children.append(Child(name, process, env))
        return process

    def _start_all(self, options: dict[str, Any]) -> None:
        if (error := check_database()) is not None:
            raise CommandError(f"{error} (check DATABASE_URL)" if options["bootstrap"] else error)
        # With nothing to migrate, the web process and the simulated cluster start while Redis starts and
        # bootstrap loads the defaults (each Django process takes seconds to start: side by side, not one after
        # the other). With migrations to apply, the web process waits for them: /ready must not answer before
        # the tables exist.
        early = not options["bootstrap"] or not migrations_pending()
        if early:
            self._start_web(options)
            self._start_simcluster()
        self._start_redis()
        if options["bootstrap"]:
            call_command("bootstrap", stdout=self.stdout)
        if self.stopping:  # Ctrl-C meanwhile: handle() stops what started
            return
        if (error := check_redis()) is not None:
            raise CommandError(error)
        if not early:
            self._start_web(options)
        self._start_simcluster()
        if "simcluster" in self.names():
            kubeconfig = settings.SIMCLUSTER_KUBECONFIG
            self._wait_for(lambda: kubeconfig.exists(), "simcluster", "the simulated cluster to listen")
        self._start_background(options)
        self._start_telegram()

    def _start_redis(self) -> None:
        if not settings.EMBEDDED_REDIS:
            return
        try:
            process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
        except embedded_redis.EmbeddedRedisError as exc:
            raise CommandError(str(exc)) from None
        if process is not None:
            self.children.insert(0, Child("redis", process))  # stopped last: the others may finish with it
        self.stdout.write(f"Embedded Redis on {settings.EMBEDDED_REDIS_SOCKET}")

    def names(self) -> set[str]:
        return {child.name for child in self.children}

    def _start_web(self, options: dict[str, Any]) -> None:
        # It needs neither the simulated cluster nor the worker to start; its /ready answers 200 once the worker
        # beats (this stack's worker is part of it: without one, approved steps would never run).
        env = os.environ.copy()
        env.setdefault("AIOPS_READY_REQUIRES_WORKER", "true")
        self._spawn("web", [sys.executable, "-m", "uvicorn", *WEB_SERVER_OPTIONS, "--host", options["host"],
                            "--port", str(options["port"]), "aiops_project.asgi:application"], env=env)

    def _start_simcluster(self) -> None:
        if "simcluster" in self.names() or not simulated_cluster_wanted():  # not beside a real cluster
            return
        kubeconfig = settings.SIMCLUSTER_KUBECONFIG
        kubeconfig.unlink(missing_ok=True)
        self._spawn("simcluster", [
            sys.executable, "-m", "simcluster", "--scenario", str(settings.SIMCLUSTER_SCENARIO),
            "--host", "127.0.0.1", "--port", str(settings.SIMCLUSTER_PORT), "--kubeconfig", str(kubeconfig),
        ])

    def _start_background(self, options: dict[str, Any]) -> None:
        """The worker with beat and the watcher (watch mode beside the periodic poll: detection within a second;
        the poll stays as the safety net) in one process, after bootstrap (beat reads the schedules it writes)."""
        env = os.environ.copy()
        # The one background process of this stack leads the "beat" and "watcher" leases as an identity that
        # outlives a restart (this host and var dir; runbackground locks it): a stack restarted after a crash
        # leads again at once instead of waiting for its old lease to expire. So the lease may be long: renewed
        # every 12 s instead of 3 s (10 lease writes a minute instead of 40, bench/embedded_stack.py). Another
        # stack on the same database still stands by, and takes over 60 s after this one stops renewing.
        env.setdefault("AIOPS_LEADER_IDENTITY", f"{socket.gethostname()}:{settings.VAR_DIR}"[:200])
        env.setdefault("AIOPS_LEADER_LEASE_SECONDS", str(EMBEDDED_LEASE_SECONDS))
        self._spawn("background", [sys.executable, str(settings.BASE_DIR / "manage.py"), "runbackground",
                                   "--concurrency", str(options["concurrency"]),
                                   "--hostname", f"worker-{os.getpid()}@%h"], env=env)

    def _start_telegram(self) -> None:
        """Telegram's long polling, when TELEGRAM_POLLING (a bot token and no webhook secret, or TELEGRAM_MODE=polling):
        the stack answers Telegram from a laptop, with no public URL. Its worker is the background process."""
        if settings.TELEGRAM_POLLING:
            self._spawn("telegram", [sys.executable, str(settings.BASE_DIR / "manage.py"), "telegram_poll"])

    def _wait_for(self, ready: Any, name: str, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        child = next(c for c in self.children if c.name == name)
        while not ready():
            if child.process.poll() is not None:
                raise CommandError(f"{name} exited with code {child.process.returncode} while waiting for {what}")
            if time.monotonic() > deadline or self.stopping:
                raise CommandError(f"gave up waiting for {what}")
            time.sleep(0.1)

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
