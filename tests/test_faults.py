"""Faults injected into the real stack (`manage.py runstack`: web, worker with beat, its own embedded Redis):
a worker killed mid-call, Redis stopped while people approve and runs start. Each test counts what the outside
world saw (a ledger the tool writes) and asserts nothing was lost, nothing ran twice, nothing is left stuck.

The tool is a real MCP server over stdio (tests/fixtures/mcp/ledger_server.py) that takes seconds to answer.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.alertmanager_payloads import firing
from tests.helpers import child_pids, eventually, free_port
from tests.stack import ROOT, Stack, running_stack

# Not marked e2e: the suite runs in both of CI's database passes (the issue asks for both); the PostgreSQL restart,
# on a server of its own whatever the pass, runs once.
LEDGER_SERVER = ROOT / "tests" / "fixtures" / "mcp" / "ledger_server.py"


def child(stack: Stack, marker: str) -> int:
    return next(pid for pid, cmd in child_pids(stack.process.pid).items() if marker in cmd)


def shell(stack: Stack, code: str) -> Any:
    """Run `code` in a Django shell of the stack (its database); it prints one JSON value, returned."""
    return json.loads(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def steps(stack: Stack, run_id: int) -> list[dict[str, Any]]:
    return shell(stack, "import json; from remediation.models import StepRun; print(json.dumps(list("
                        f"StepRun.objects.filter(run_id={run_id}).order_by('order')"
                        ".values('status', 'attempts', 'output', 'error'))))")


def ledger(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def stack(tmp_path: Path, migrated_sqlite: Any) -> Iterator[tuple[Stack, Path]]:
    book = tmp_path / "ledger.jsonl"
    servers = json.loads((ROOT / ".mcp-config.json").read_text())
    servers["mcpServers"]["ledger"] = {
        "type": "stdio", "command": "python", "args": [str(LEDGER_SERVER)], "cwd": str(ROOT),
        "env": {"LEDGER_FILE": str(book), "LEDGER_SECONDS": "4", "PYTHONPATH": str(ROOT)},
        "policy": {"risk": {"change": "LOW", "keyed_change": "LOW"}},
    }
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps(servers))
    with running_stack(tmp_path, migrated_sqlite, own_redis=True, AIOPS_MCP_CONFIG=str(config),
                       AIOPS_STEP_LOST_GRACE_SECONDS="3") as running:
        yield running, book


START_RUN = """
from tests.factories import make_run
print(make_run({steps}, server="ledger", name="{name}").pk)
"""


# The sweep for lost steps every 3 s instead of 30 (saved through the model, so beat sees the change): the test
# waits for the recovery, not for the schedule.
SWEEP_OFTEN = """
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=3, period="seconds")
sweeps = list(PeriodicTask.objects.filter(task="remediation.recover_stalled_steps"))
for task in sweeps:
    task.interval = every
    task.save()
print(len(sweeps))
"""


def test_a_worker_killed_mid_call_never_acts_twice_and_leaves_no_run_stuck(stack):
    stack, book = stack
    keyed = {"tool": "keyed_change", "arguments": {"name": "a"}, "risk": "LOW", "retries": 2, "timeout_seconds": 10}
    plain = {"tool": "change", "arguments": {"name": "b"}, "risk": "LOW", "retries": 2, "timeout_seconds": 10}
    assert shell(stack, SWEEP_OFTEN) == 1
    run_id = shell(stack, START_RUN.format(steps=f"{keyed!r}, {plain!r}", name="killed"))

    for name in ("a", "b"):
        eventually(lambda n=name: any(line["name"] == n for line in ledger(book)), f"the call changing {name}",
                   90, 0.1, explain=lambda: stack.log()[-3000:])
        os.killpg(child(stack, "runbackground"), signal.SIGKILL)  # the worker, its pool and the stdio server
    eventually(lambda: steps(stack, run_id)[1]["status"] not in ("pending", "queued", "running"),
               "the run to settle", 180, 2, explain=lambda: f"{steps(stack, run_id)}\n{stack.log()[-4000:]}")

    first, second = steps(stack, run_id)
    # What the outside world saw: each change made once, whatever the retries and the recovery did.
    assert [(line["tool"], line["name"]) for line in ledger(book)] == [("keyed_change", "a"), ("change", "b")]
    # The keyed tool was called again with the same key, found its own change and did nothing: the step succeeded.
    assert first["status"] == "succeeded" and "already changed by this execution" in first["output"]
    # The other may have acted (it did): never called again, failed as unknown, and the run ends.
    assert second["status"] == "failed" and second["attempts"] == 1 and second["error"].startswith("outcome unknown")
    assert shell(stack, f"from remediation.models import PlaybookRun; print(repr(PlaybookRun.objects.get(pk={run_id})"
                        ".status).replace(\"'\", '\"'))") == "failed"


def without_beat(log: str) -> str:
    """The stack's log without the scheduler's every-two-seconds lines, which would hide the others."""
    return "\n".join(line for line in log.splitlines() if '"logger": "celery.beat"' not in line)


def approve(stack: Stack, approval_id: int, token: str) -> tuple[int, float]:
    url = f"{stack.base_url}/api/v1/approvals/{approval_id}/approve"
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=b"{}", method="POST", headers=headers)  # noqa: S310 (loopback)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
            return answer.status, time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, time.monotonic() - started


WAITING = """
import json
from remediation.models import Approval
print(json.dumps(Approval.objects.filter(step_run__run_id={run_id}, status="pending").values_list("pk", flat=True)
                 .first()))
"""
TOKEN = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user = get_user_model().objects.create_superuser("oncall-faults", password=None)
print('"' + Token.objects.create(user=user).key + '"')
"""


def test_redis_stopped_while_people_approve_and_runs_start_loses_nothing(stack):
    stack, book = stack
    waits = {"tool": "keyed_change", "arguments": {"name": "approved"}, "risk": "MEDIUM", "timeout_seconds": 20}
    run_id = shell(stack, START_RUN.format(steps=repr(waits), name="approved"))
    approval_id = eventually(lambda: shell(stack, WAITING.format(run_id=run_id)), "the approval request", 90, 1,
                             explain=lambda: f"{steps(stack, run_id)}\n{stack.log()[-3000:]}")
    token = shell(stack, TOKEN)

    redis_server = child(stack, "redis-server")
    os.kill(redis_server, signal.SIGSTOP)  # stopped, not gone: connections hang rather than fail
    try:
        status, _seconds = approve(stack, approval_id, token)
        assert status == 200  # the decision is committed; its task waits in the outbox
        later = {"tool": "change", "arguments": {"name": "started-during-outage"}, "risk": "LOW", "timeout_seconds": 20}
        other_run = shell(stack, START_RUN.format(steps=repr(later), name="during-outage"))
        assert not ledger(book)  # nothing ran: the worker cannot get work from a stopped broker
    finally:
        os.kill(redis_server, signal.SIGCONT)

    eventually(lambda: [s["status"] for s in steps(stack, run_id) + steps(stack, other_run)] ==
               ["succeeded", "succeeded"], "both runs' steps to run once the broker is back", 120, 1,
               explain=lambda: f"{steps(stack, run_id)} {steps(stack, other_run)}\n{without_beat(stack.log())[-6000:]}")
    assert sorted(line["name"] for line in ledger(book)) == ["approved", "started-during-outage"]


def notification(number: int) -> bytes:
    labels = {"alertname": "FaultBurst", "severity": "warning", "namespace": "burst", "pod": f"burst-{number}"}
    return json.dumps(firing(labels=labels, fingerprint=f"{number:016x}")).encode()


def deliver(url: str, body: bytes, tries: list[int]) -> None:
    """As Alertmanager does: again and again until a 2xx, on a refused connection, a timeout or a 5xx."""
    headers = {"Authorization": "Bearer fault-token", "Content-Type": "application/json"}
    for attempt in range(1, 200):
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
                if 200 <= answer.status < 300:
                    tries.append(attempt)
                    return
        except urllib.error.HTTPError as exc:
            assert exc.code >= 500 or exc.code == 429, f"a valid alert refused with {exc.code}: {exc.read()[:300]!r}"
        except (urllib.error.URLError, OSError):
            pass  # the web process is down: Alertmanager retries
        time.sleep(0.2)
    raise AssertionError("never delivered")


STORED = """
import json
from django.db.models import Count
from incidents.models import ClusterEvent
burst = ClusterEvent.objects.filter(reason="FaultBurst")
print(json.dumps([burst.count(), burst.values("fingerprint").distinct().count(),
                  burst.values("fingerprint").annotate(n=Count("id")).filter(n__gt=1).count()]))
"""


def burst(stack: Stack, fault: Callable[[], None], notifications: int = 300, senders: int = 4) -> list[int]:
    """Deliver `notifications` from `senders` threads as Alertmanager would, with `fault` a fifth of the way in;
    the number of tries each took."""
    import threading

    url = f"{stack.base_url}/api/v1/alerts/alertmanager"
    tries: list[int] = []
    bodies = [notification(n) for n in range(notifications)]

    def send(share: list[bytes]) -> None:
        for body in share:
            deliver(url, body, tries)

    threads = [threading.Thread(target=send, args=(bodies[i::senders],)) for i in range(senders)]
    for thread in threads:
        thread.start()
    eventually(lambda: len(tries) >= notifications // 5, "the burst to be under way", 60, 0.05)
    fault()
    for thread in threads:
        thread.join(timeout=300)
    return tries


def test_the_web_killed_mid_burst_loses_no_alert_and_stores_none_twice(tmp_path, migrated_sqlite):
    with running_stack(tmp_path, migrated_sqlite, AIOPS_ALERTMANAGER_TOKEN="fault-token") as stack:
        tries = burst(stack, lambda: os.kill(child(stack, "uvicorn"), signal.SIGKILL))
        assert len(tries) == 300 and max(tries) > 1, "every notification delivered, some only after the restart"
        assert shell(stack, STORED) == [300, 300, 0]  # every alert stored, none twice


@contextmanager
def private_postgresql() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL server of the test's own (the machine's binaries, run as the postgres user), to restart."""
    bindir = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    home = Path(tempfile.mkdtemp(prefix="aiops-pg-", dir="/tmp"))
    shutil.chown(home, "postgres")
    data, port = home / "data", free_port()

    def pg(*args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def ctl(*args: str) -> None:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-w", *args)

    try:
        pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        ctl("-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres", lambda: ctl("-m", "fast", "restart")
    finally:
        with suppress(subprocess.CalledProcessError):
            ctl("-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.once
def test_postgresql_restarted_mid_burst_loses_no_alert_and_stores_none_twice(tmp_path):
    with private_postgresql() as (database_url, restart), running_stack(
            tmp_path, DATABASE_URL=database_url, AIOPS_ALERTMANAGER_TOKEN="fault-token") as stack:
        tries = burst(stack, restart)  # every connection of the stack is cut; the server is back a moment later
        assert len(tries) == 300, "every notification delivered"
        assert shell(stack, STORED) == [300, 300, 0]  # every alert stored, none twice
        assert stack.process.poll() is None and "Traceback" not in stack.log()[-20000:]
