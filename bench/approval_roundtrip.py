"""Approval round trip: from the approver's click to the step task started, with an idle Celery worker.

The target (from the issue) is p95 < 150 ms. Each trial posts one decision through Django's test client in
this process (the whole request path: middleware, authentication, the service, the commit, the enqueue after
commit) and then polls the database every 2 ms, a fresh query each time, until the worker has claimed the
step (StepRun.started_at set by the conditional QUEUED -> RUNNING update in execute_step). Two paths:

  api      POST /api/v1/approvals/<id>/approve with `Authorization: Token <key>` (DRF token auth)
  console  POST /console/approvals/<id>/decide/ from a logged-in session, with the CSRF token of the console
           page and CSRF checks enforced, as the console's Approve button sends it (redirect not followed)

The worker is a real one, started as a subprocess (`celery -A aiops_project worker -Q remediation,default,
detection --concurrency 1 --pool prefork`), on the same throwaway database and broker: a temp SQLite file, or
with DATABASE_URL=postgres://... a new database on that server; the embedded Redis, or REDIS_URL if set. The
step is a MEDIUM `list_pods` of the bundled Kubernetes MCP server, pointed at a kubeconfig that does not exist,
so the tool call fails fast after the claim; only the time to the claim is measured. Trials run one at a time:
the next starts once the previous run has finished and the worker has idled 50 ms. One unmeasured warm-up
trial per path first. Besides the round trip it prints, per path, the p50 of: the HTTP response alone, the task
published (Celery's after_task_publish, in this process), and the claim by the worker's own clock (started_at,
without the 2 ms polling). Asserts nothing about the figures.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/approval_roundtrip.py [TRIALS]
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_database  # noqa: E402

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from remediation.models import Approval, Playbook, PlaybookStep

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
CONCURRENCY = 1
QUEUES = "remediation,default,detection"
POLL_SECONDS = 0.002
IDLE_SECONDS = 0.05
TARGET_P95_MS = 150


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def setup_django(tmp: Path, cleanup: contextlib.ExitStack) -> None:
    """Settings for a throwaway run: var dir in `tmp`, a throwaway database (a temp SQLite file by default)."""
    os.environ.update(AIOPS_VAR_DIR=str(tmp / "var"), LOG_LEVEL="warning",
                      DJANGO_SETTINGS_MODULE="aiops_project.settings")
    if cleanup.enter_context(throwaway_database()) is None:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()


def make_approvals() -> tuple[User, Token, dict[str, list[Approval]]]:
    """A superuser with an API token, and TRIALS + 1 pending approvals (one for the warm-up) per path."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from remediation.models import Playbook, PlaybookStep, Risk

    user = User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    token = Token.objects.create(user=user)
    playbook = Playbook.objects.create(name="bench-list-pods")
    step = PlaybookStep.objects.create(playbook=playbook, order=1, name="List pods", server="kubernetes",
                                       tool="list_pods", arguments={"namespace": "default"}, risk=Risk.MEDIUM)
    approvals = {path: [pending_approval(playbook, step) for _ in range(TRIALS + 1)] for path in ("api", "console")}
    return user, token, approvals


def pending_approval(playbook: Playbook, step: PlaybookStep) -> Approval:
    """As tests/factories.py make_pending_approval builds one: incident, run, step run, approval."""
    from django.conf import settings
    from django.utils import timezone

    from incidents.models import Incident, make_fingerprint
    from remediation.models import Approval, PlaybookRun, StepRun

    key = make_fingerprint("bench", uuid.uuid4().hex)
    incident = Incident.objects.create(fingerprint=key, group_key=key, title="bench incident")
    run = PlaybookRun.objects.create(playbook=playbook, incident=incident, status=PlaybookRun.Status.WAITING_APPROVAL)
    step_run = StepRun.objects.create(run=run, step=step, order=1, name=step.name, server=step.server,
                                      tool=step.tool, arguments=step.arguments, risk=step.risk,
                                      status=StepRun.Status.WAITING_APPROVAL)
    return Approval.objects.create(step_run=step_run, expires_at=timezone.now() + settings.APPROVAL_TIMEOUT)


class Worker:
    """The Celery worker subprocess, with its log (shown when it dies) and the hostname it answers pings on."""

    def __init__(self, tmp: Path) -> None:
        self.log = tmp / "worker.log"
        self.hostname = f"bench-approval-{os.getpid()}@{socket.gethostname()}"
        # No cluster: the tool call fails at once (after the claim), and never reaches a real cluster.
        env = {**os.environ, "KUBECONFIG": str(tmp / "no-cluster.kubeconfig")}
        env.pop("KUBERNETES_SERVICE_HOST", None)
        with self.log.open("wb") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "aiops_project", "worker", "-Q", QUEUES,
                 "--concurrency", str(CONCURRENCY), "--pool", "prefork", "-l", "warning", "-n", self.hostname],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"the worker exited with code {self.process.returncode}:\n{tail}")

    def wait_until_idle(self) -> None:
        """Until it answers a ping, and a second more: idle, waiting on the broker."""
        from aiops_project.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.hostname], timeout=0.5):
            self.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not answer a ping within 60 s")
        time.sleep(1)  # let it settle: idle, waiting on the broker

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # warm shutdown: it stops its pool children itself
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def approval_posts(user: User, token: Token) -> dict[str, tuple[Callable[[int], int], int]]:
    """Per path, a function that approves one approval (returning the HTTP status) and the status expected."""
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="127.0.0.1")
    console = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    console.force_login(user)
    page = console.get("/console/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    if page.status_code != 200 or match is None:
        raise SystemExit(f"no CSRF token on the console page (HTTP {page.status_code})")
    csrf_token = match.group(1).decode()

    def post_api(approval_id: int) -> int:
        return api.post(f"/api/v1/approvals/{approval_id}/approve", {}, content_type="application/json").status_code

    def post_console(approval_id: int) -> int:
        return console.post(f"/console/approvals/{approval_id}/decide/",
                            {"decision": "approve", "csrfmiddlewaretoken": csrf_token}).status_code

    return {"api": (post_api, 200), "console": (post_console, 302)}


class Trials:
    """Timed approvals, one at a time, each waiting for the worker to be idle again."""

    def __init__(self, worker: Worker) -> None:
        from celery.signals import after_task_publish

        self.worker = worker
        self.published: list[float] = []
        after_task_publish.connect(self.on_publish, weak=False)

    def on_publish(self, sender: str | None = None, **kwargs: Any) -> None:
        if sender == "remediation.execute_step":
            self.published.append(time.perf_counter())

    def wait_for(self, condition: Callable[[], bool], what: str, interval: float, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self.worker.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")
            time.sleep(interval)

    def run(self, post: Callable[[int], int], expected: int, approval: Approval) -> tuple[float, ...]:
        """Seconds from the click to: the step claimed (seen), the response, the publish, started_at."""
        from remediation.models import PlaybookRun, StepRun

        step_runs = StepRun.objects.filter(pk=approval.step_run_id)
        self.published.clear()
        wall0, t0 = time.time(), time.perf_counter()
        status = post(approval.pk)
        response = time.perf_counter() - t0
        if status != expected:
            raise SystemExit(f"approval #{approval.pk}: HTTP {status}, expected {expected}")
        self.wait_for(lambda: step_runs.filter(started_at__isnull=False).exists(), "the step to start", POLL_SECONDS)
        seen = time.perf_counter() - t0
        started_at = step_runs.values_list("started_at", flat=True).get()
        publish = self.published[0] - t0 if self.published else float("nan")
        # The worker is idle again once the run has finished (tool call failed, run advanced) and acked.
        self.wait_for(lambda: PlaybookRun.objects.filter(pk=approval.step_run.run_id,
                                                         status__in=PlaybookRun.FINISHED).exists(),
                      "the run to finish", 0.01)
        time.sleep(IDLE_SECONDS)
        return seen, response, publish, started_at.timestamp() - wall0


def report(results: dict[str, list[tuple[float, ...]]]) -> None:
    from django.conf import settings
    from django.db import connection

    print(f"approval round trip (click -> step task started), database {connection.vendor}, "
          f"broker {'embedded Redis' if settings.EMBEDDED_REDIS else 'REDIS_URL'}, worker prefork concurrency "
          f"{CONCURRENCY}, idle; {TRIALS} trials per path; target p95 < {TARGET_P95_MS} ms")
    for path, samples in results.items():
        seen, response, publish, claim = ([1000 * s[i] for s in samples] for i in range(4))
        print(f"  {path:8s} p50 {percentile(seen, 50):6.1f} ms   p95 {percentile(seen, 95):6.1f} ms   "
              f"max {max(seen):6.1f} ms   (p50 of: HTTP response {statistics.median(response):5.1f} ms, "
              f"task published {statistics.median(publish):5.1f} ms, "
              f"claimed by started_at {statistics.median(claim):5.1f} ms)")


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    cleanup = contextlib.ExitStack()
    setup_django(tmp, cleanup)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from aiops_project import embedded_redis

    redis_process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET) if settings.EMBEDDED_REDIS else None
    worker: Worker | None = None
    try:
        call_command("migrate", verbosity=0)
        user, token, approvals = make_approvals()
        worker = Worker(tmp)
        worker.wait_until_idle()
        trials = Trials(worker)
        results = {}
        for path, (post, expected) in approval_posts(user, token).items():
            trials.run(post, expected, approvals[path][0])  # warm-up: lazy imports, broker connection, worker child
            results[path] = [trials.run(post, expected, a) for a in approvals[path][1:]]
        report(results)
    finally:
        connection.close()
        if worker is not None:
            worker.stop()
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        cleanup.close()  # the throwaway database, if any
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
