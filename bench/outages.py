"""Answer times during outages: how fast, and with what status, the stack answers while a part of it is down.

A private stack, never the shared services: a redis-server of its own (the embedded helper's, on a unix socket
under the var dir), a SQLite database in that var dir, and `manage.py runstack` on a free port (web, background
worker with beat and the watcher, the simulated cluster). Then, one condition at a time:

  all up           the baseline
  redis stopped    SIGSTOP of the redis-server (a hung server: connections open, nothing answers), then SIGCONT
  redis killed     SIGKILL of the redis-server (connections refused), then a new one on the same socket
  sqlite locked    another connection holds the database's write lock (BEGIN IMMEDIATE) for 45 s
  worker paused    SIGSTOP of the background process (worker, beat, watcher), 1 s and 16 s, then SIGCONT

Before the outages, a burst of concurrent intakes (normal contention, which the SQLite busy timeout must absorb)
and in each: GET /health, GET /ready, GET /api/v1/events (token), POST of one new alert to the Alertmanager
intake, POST /api/v1/approvals/<id>/approve (token, a fresh pending approval each time). Every request has a 60 s
client timeout; the table gives its status (or "timeout"), seconds, and the start of its body. After the locked
database it checks that the alert answered non-200 was not stored. Asserts nothing.

Usage: .venv/bin/python bench/outages.py [--burst-only]   (AIOPS_VAR_DIR, default /tmp/outage-var, is emptied first)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VAR = Path(os.environ.get("AIOPS_VAR_DIR", "/tmp/outage-var")).resolve()
TOKEN = "bench-outage-token"
CLIENT_TIMEOUT = 60.0
LOCK_SECONDS = 45.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Redis:
    """The private redis-server (the embedded helper's), stopped, killed and started again at will."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.url = f"unix://{socket_path}?db=0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from aiops_project import embedded_redis

        self.process = embedded_redis.start(self.socket_path)
        if self.process is None:
            raise SystemExit(f"a redis-server already answers on {self.socket_path}: not ours, not touched")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signum)
        if signum == signal.SIGKILL:
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=15)


def request(url: str, *, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None,
            ) -> tuple[str, float, str]:
    """(status or "timeout"/"error", seconds, the start of the body)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310 (loopback)
        "Host": "127.0.0.1", **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=CLIENT_TIMEOUT) as response:  # noqa: S310 (loopback)
            status, text = str(response.status), response.read(300).decode(errors="replace")
            retry_after = response.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        status, text = str(exc.code), exc.read(300).decode(errors="replace")
        retry_after = exc.headers.get("Retry-After")
    except TimeoutError:
        status, text, retry_after = "timeout", "", None
    except (urllib.error.URLError, OSError) as exc:
        status, text, retry_after = "error", str(exc), None
    if retry_after:
        text = f"[Retry-After: {retry_after}] {text}"
    return status, time.perf_counter() - started, " ".join(text.split())[:150]


class Bench:
    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.redis = Redis(VAR / "redis" / "redis.sock")
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update({
            "AIOPS_VAR_DIR": str(VAR), "REDIS_URL": self.redis.url, "AIOPS_ALERTMANAGER_TOKEN": TOKEN,
            "AIOPS_HTTP_PORT": str(self.port), "AIOPS_SIMCLUSTER_PORT": str(free_port()),
            "AIOPS_CLUSTER_DISCOVERY": "false", "LOG_LEVEL": "warning", "DJANGO_SETTINGS_MODULE":
            "aiops_project.settings",
        })
        self.stack: subprocess.Popen[bytes] | None = None
        self.api_token = ""
        self.approvals: list[int] = []
        self.rows: list[tuple[str, str, str, float, str]] = []
        self.alerts_refused: list[str] = []

    # --- setup ---------------------------------------------------------------------------------------
    def setup(self) -> None:
        shutil.rmtree(VAR, ignore_errors=True)
        VAR.mkdir(parents=True)
        self.redis.start()
        subprocess.run([sys.executable, "manage.py", "bootstrap"], cwd=ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        os.environ.update(self.env)
        import django

        django.setup()
        self.api_token, self.approvals = make_approvals(12)
        with (VAR / "stack.log").open("wb") as log:
            self.stack = subprocess.Popen([sys.executable, "manage.py", "runstack", "--port", str(self.port)],
                                          cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready(120)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while request(f"{self.base}/ready")[0] != "200":
            assert self.stack is not None
            if self.stack.poll() is not None:
                raise SystemExit(f"runstack exited:\n{(VAR / 'stack.log').read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"/ready not 200 within {timeout:.0f} s: {request(f'{self.base}/ready')}")
            time.sleep(0.5)

    def background_pid(self) -> int:
        assert self.stack is not None
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    stat = (entry / "stat").read_text()
                    if "runbackground" in cmdline and int(stat.rsplit(")", 1)[1].split()[1]) == self.stack.pid:
                        return int(entry.name)
        raise SystemExit("no background process under runstack")

    def stop(self) -> None:
        if self.stack is not None and self.stack.poll() is None:
            self.stack.send_signal(signal.SIGINT)
            try:
                self.stack.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.stack.kill()
        self.redis.stop()

    # --- probes --------------------------------------------------------------------------------------
    def probes(self) -> dict[str, Callable[[], tuple[str, float, str]]]:
        api = {"Authorization": f"Token {self.api_token}"}

        def intake() -> tuple[str, float, str]:
            name = f"bench-{uuid.uuid4().hex[:12]}"
            answer = request(f"{self.base}/api/v1/alerts/alertmanager", method="POST", body=notification(name),
                             headers={"Authorization": f"Bearer {TOKEN}"})
            if answer[0] != "200":
                self.alerts_refused.append(name)
            return answer

        def approve() -> tuple[str, float, str]:
            return request(f"{self.base}/api/v1/approvals/{self.approvals.pop()}/approve", method="POST", body={},
                           headers=api)

        return {
            "GET /health": lambda: request(f"{self.base}/health"),
            "GET /ready": lambda: request(f"{self.base}/ready"),
            "GET /api/v1/events": lambda: request(f"{self.base}/api/v1/events?page_size=5", headers=api),
            "POST alertmanager intake": intake,
            "POST approval approve": approve,
        }

    def measure(self, condition: str, only: set[str] | None = None) -> None:
        for name, probe in self.probes().items():
            if only is None or name in only:
                status, seconds, text = probe()
                self.rows.append((condition, name, status, seconds, text))
                print(f"  {condition:16} {name:26} {status:>7} {seconds:7.2f} s  {text[:90]}", flush=True)

    def burst(self, clients: int = 8, posts: int = 25, alerts: int = 50) -> None:
        """Normal contention, for the SQLite busy timeout: `clients` posting notifications of `alerts` new alerts
        at once, beside the worker, beat and watcher. Any 503 here would mean the timeout is too short."""
        statuses: dict[str, int] = {}
        times: list[float] = []
        lock = threading.Lock()

        def post() -> None:
            for _ in range(posts):
                body = notification(f"burst-{uuid.uuid4().hex[:12]}")
                body["alerts"] = [{**body["alerts"][0], "labels": {**body["alerts"][0]["labels"],
                                   "pod": f"burst-{uuid.uuid4().hex[:12]}"}} for _ in range(alerts)]
                status, seconds, _ = request(f"{self.base}/api/v1/alerts/alertmanager", method="POST", body=body,
                                             headers={"Authorization": f"Bearer {TOKEN}"})
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    times.append(seconds)

        threads = [threading.Thread(target=post) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        times.sort()
        print(f"  burst: {clients} clients x {posts} notifications of {alerts} new alerts: statuses {statuses}, "
              f"p50 {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s", flush=True)

    # --- conditions ----------------------------------------------------------------------------------
    def run(self) -> None:
        self.measure("all up")
        self.burst()
        self.redis.signal(signal.SIGSTOP)
        try:
            self.measure("redis stopped")
        finally:
            self.redis.signal(signal.SIGCONT)
        self.wait_ready(60)
        self.redis.signal(signal.SIGKILL)
        try:
            self.measure("redis killed")
        finally:
            self.redis.start()
        self.wait_ready(60)
        refused_before = len(self.alerts_refused)
        with sqlite_write_lock(VAR / "aiops.sqlite3", LOCK_SECONDS):
            self.measure("sqlite locked", {"GET /health", "GET /ready", "POST alertmanager intake",
                                           "POST approval approve"})
        self.check_not_stored(self.alerts_refused[refused_before:])
        self.wait_ready(60)
        background = self.background_pid()
        os.killpg(background, signal.SIGSTOP)
        try:
            from aiops_project.heartbeat import STALE_SECONDS

            time.sleep(1)
            self.measure("worker paused 1s", {"GET /health", "GET /ready"})
            time.sleep(STALE_SECONDS)  # its last beat is stale now
            self.measure(f"worker paused {STALE_SECONDS + 1:g}s", {"GET /health", "GET /ready"})
        finally:
            os.killpg(background, signal.SIGCONT)

    def check_not_stored(self, names: list[str]) -> None:
        from incidents.models import ClusterEvent

        stored = [n for n in names if ClusterEvent.objects.filter(object_name=n).exists()]
        print(f"  alerts answered non-200 while the database was locked: {len(names)}, stored anyway: "
              f"{len(stored)} {stored}", flush=True)


@contextlib.contextmanager
def sqlite_write_lock(path: Path, seconds: float) -> Iterator[None]:
    """Another connection holds the write lock for up to `seconds` (released when the block ends)."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    held.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join()


def notification(name: str) -> dict[str, Any]:
    labels = {"alertname": "KubePodCrashLooping", "namespace": "bench", "pod": name, "severity": "warning"}
    return {
        "version": "4", "groupKey": f"{{}}:{{alertname=\"{name}\"}}", "status": "firing", "receiver": "aiops",
        "groupLabels": {"alertname": "KubePodCrashLooping"}, "commonLabels": labels, "commonAnnotations": {},
        "externalURL": "http://alertmanager", "truncatedAlerts": 0,
        "alerts": [{"status": "firing", "labels": labels, "annotations": {"summary": "bench"},
                    "startsAt": "2026-01-01T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus", "fingerprint": uuid.uuid4().hex[:16]}],
    }


def make_approvals(count: int) -> tuple[str, list[int]]:
    """An API token of a superuser, and `count` pending approvals of a MEDIUM list_pods step."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from incidents.models import Incident, make_fingerprint
    from remediation.models import Approval, Playbook, PlaybookRun, PlaybookStep, Risk, StepRun

    user = User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    token = Token.objects.create(user=user)
    playbook = Playbook.objects.create(name="bench-outage-list-pods")
    step = PlaybookStep.objects.create(playbook=playbook, order=1, name="List pods", server="kubernetes",
                                       tool="list_pods", arguments={"namespace": "default"}, risk=Risk.MEDIUM)
    ids = []
    for _ in range(count):
        key = make_fingerprint("bench", uuid.uuid4().hex)
        incident = Incident.objects.create(fingerprint=key, group_key=key, title="bench incident")
        run = PlaybookRun.objects.create(playbook=playbook, incident=incident,
                                         status=PlaybookRun.Status.WAITING_APPROVAL)
        step_run = StepRun.objects.create(run=run, step=step, order=1, name=step.name, server=step.server,
                                          tool=step.tool, arguments=step.arguments, risk=step.risk,
                                          status=StepRun.Status.WAITING_APPROVAL)
        ids.append(Approval.objects.create(step_run=step_run,
                                           expires_at=timezone.now() + settings.APPROVAL_TIMEOUT).pk)
    from django.db import connections

    connections.close_all()  # the bench holds no SQLite connection while the stack writes
    return token.key, ids


def main() -> None:
    bench = Bench()
    print(f"private stack: var {VAR}, redis {bench.redis.url}, web {bench.base}", flush=True)
    try:
        bench.setup()
        if "--burst-only" in sys.argv:  # the busy timeout's measure alone (AIOPS_SQLITE_BUSY_TIMEOUT_SECONDS=...)
            bench.burst()
            return
        bench.run()
    finally:
        bench.stop()
    print("\ncondition         request                     status   seconds")
    for condition, name, status, seconds, _ in bench.rows:
        print(f"{condition:17} {name:27} {status:>7} {seconds:8.2f}")


if __name__ == "__main__":
    main()
