"""The playbook executor on a real MCP server (PyPI mcp-server-time over stdio): retries with backoff,
on_failure (stop, continue, rollback) and verification. Tasks are called directly, in order; what they
enqueue is checked, not run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from incidents.models import AuditEntry, EventStatus, Signal
from remediation.models import PlaybookRun, Risk, StepRun
from remediation.services import advance_run, execute_step, verify_step
from tests.factories import drive_run, make_run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(importlib.util.find_spec("mcp_server_time") is None, reason="mcp-server-time is missing"),
]
WORKS = {"tool": "get_current_time", "arguments": {"timezone": "UTC"}, "server": "time", "risk": Risk.LOW}
FAILS = {"tool": "get_current_time", "arguments": {"timezone": "Mars/Olympus_Mons"}, "server": "time",
         "risk": Risk.LOW}


@pytest.fixture(autouse=True)
def _time_server(settings: Any, tmp_path: Path) -> None:
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {"time": {
        "type": "stdio", "command": "python", "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"]}}}))
    settings.MCP_CONFIG_FILE = config


def run_of(*steps: dict[str, Any]) -> PlaybookRun:
    return make_run(*steps)


def drive(run: PlaybookRun) -> PlaybookRun:
    drive_run(run)
    return run


def statuses(run: PlaybookRun) -> list[str]:
    return list(run.step_runs.order_by("order").values_list("status", flat=True))


def test_a_failing_step_is_retried_with_doubling_backoff_then_fails_the_run(django_capture_on_commit_callbacks):
    run = run_of({**FAILS, "retries": 2, "retry_backoff_seconds": 3}, WORKS)
    advance_run(run.pk)
    step = run.step_runs.get(order=1)
    with django_capture_on_commit_callbacks() as first:
        execute_step(step.pk)
    step.refresh_from_db()
    assert (step.status, step.attempts) == (StepRun.Status.QUEUED, 1) and "Mars" in step.error
    assert len(first) == 2  # the console's notice, and execute_step again after the backoff
    execute_step(step.pk)
    execute_step(step.pk)
    step.refresh_from_db()
    assert (step.status, step.attempts) == (StepRun.Status.FAILED, 3)
    retries = AuditEntry.objects.filter(action="step.retrying").order_by("id")
    assert ["retrying in 3s" in e.message for e in retries] == [True, False]
    assert "retrying in 6s" in retries[1].message
    assert "after 3 attempts" in AuditEntry.objects.get(action="step.failed").message
    run = drive(run)
    assert run.status == PlaybookRun.Status.FAILED and statuses(run) == ["failed", "skipped"]


def test_a_step_that_may_fail_lets_the_run_continue():
    run = drive(run_of({**FAILS, "on_failure": "continue"}, WORKS))
    assert run.status == PlaybookRun.Status.SUCCEEDED and statuses(run) == ["failed", "succeeded"]


def test_a_failure_with_rollback_skips_the_rest_runs_the_rollback_steps_and_fails_the_run():
    run = drive(run_of({**FAILS, "on_failure": "rollback"}, WORKS, {**WORKS, "is_rollback": True}))
    assert statuses(run) == ["failed", "skipped", "succeeded"]
    assert run.status == PlaybookRun.Status.FAILED
    assert "rolled back" in AuditEntry.objects.get(action="playbook.failed").message


def test_rollback_steps_are_skipped_when_nothing_fails():
    run = drive(run_of({**WORKS, "on_failure": "rollback"}, {**WORKS, "is_rollback": True}))
    assert run.status == PlaybookRun.Status.SUCCEEDED and statuses(run) == ["succeeded", "skipped"]


def test_verification_records_once_whether_the_trigger_resolved(django_capture_on_commit_callbacks):
    run = run_of({**WORKS, "verify_after_seconds": 30})
    advance_run(run.pk)
    step = run.step_runs.get()
    with django_capture_on_commit_callbacks() as callbacks:
        execute_step(step.pk)
    assert callbacks  # verify_step, 30 s later
    assert verify_step(step.pk) is False  # the trigger is still firing
    step.refresh_from_db()
    assert step.verified is False and "still firing" in step.verification
    Signal.objects.update(status=EventStatus.RESOLVED)
    assert verify_step(step.pk) is False  # recorded once: a late resolution does not rewrite it
    assert AuditEntry.objects.filter(action="step.not_effective").count() == 1


def test_verification_says_so_when_the_remediation_worked():
    run = run_of({**WORKS, "verify_after_seconds": 5})
    drive(run)
    Signal.objects.update(status=EventStatus.RESOLVED)
    step = run.step_runs.get()
    assert verify_step(step.pk) is True
    assert AuditEntry.objects.get(action="step.verified").message.startswith("CrashLoopBackOff resolved within 5s")


def _lose_worker(step: StepRun) -> None:
    """A worker took the step and died mid-call: RUNNING, started long ago."""
    from datetime import timedelta

    from django.utils import timezone

    assert step.claim()
    StepRun.objects.filter(pk=step.pk).update(started_at=timezone.now() - timedelta(seconds=95))


def test_a_lost_call_to_a_tool_safe_to_repeat_runs_again_then_fails_so_the_run_never_hangs():
    from datetime import timedelta

    from django.utils import timezone

    from remediation.recovery import recover_stalled_steps

    run = run_of({**WORKS, "retries": 0, "timeout_seconds": 30}, WORKS)  # get_current_time: read-only
    advance_run(run.pk)
    step = run.step_runs.get(order=1)
    assert step.claim()  # a worker took it ... and died
    assert recover_stalled_steps() == 0  # not overdue yet
    StepRun.objects.filter(pk=step.pk).update(started_at=timezone.now() - timedelta(seconds=95))
    assert recover_stalled_steps() == 1
    step.refresh_from_db()
    # No retries asked, yet an unknown outcome is not a failed attempt: one call more, with the same key.
    assert step.status == StepRun.Status.QUEUED and "called again with the same execution key" in step.error
    _lose_worker(step)  # the second worker dies too
    assert recover_stalled_steps() == 1
    step.refresh_from_db()
    assert step.status == StepRun.Status.FAILED and step.error.endswith("on every attempt")
    run = drive(run)
    assert run.status == PlaybookRun.Status.FAILED and statuses(run) == ["failed", "skipped"]


def test_a_lost_call_to_a_tool_that_may_act_twice_is_never_repeated_whatever_its_retries():
    from mcp_bridge.models import McpTool
    from remediation.recovery import recover_stalled_steps

    run = run_of({**WORKS, "retries": 3, "timeout_seconds": 30})
    advance_run(run.pk)
    # As a third-party server describes a tool that changes things: destructive, not idempotent, no keys.
    McpTool.objects.filter(server="time", name="get_current_time").update(
        annotations={"destructive_hint": True, "idempotent_hint": False})
    step = run.step_runs.get()
    StepRun.objects.filter(pk=step.pk).update(status="queued")
    _lose_worker(step)
    assert recover_stalled_steps() == 1
    step.refresh_from_db()
    assert step.status == StepRun.Status.FAILED and step.attempts == 1
    assert step.error.startswith("outcome unknown") and "is not called again" in step.error
    assert AuditEntry.objects.filter(action="step.failed", message__contains="outcome unknown").exists()


def test_a_queued_step_whose_message_was_lost_is_sent_again_and_runs_once(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from aiops_project.models import OutboxTask
    from remediation.recovery import recover_stalled_steps

    run = run_of(WORKS)
    advance_run(run.pk)
    step = run.step_runs.get()
    assert step.status == StepRun.Status.QUEUED and step.due_at is not None
    OutboxTask.objects.all().delete()  # the message is gone (a worker took it and died before starting it)
    assert recover_stalled_steps() == 0  # not overdue yet
    StepRun.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=False):
        assert recover_stalled_steps() == 1
        assert recover_stalled_steps() == 0  # sent again once per grace period, not at every sweep
    [message] = OutboxTask.objects.all()
    assert (message.task, message.args) == ("remediation.execute_step", [step.pk])
    execute_step(step.pk)
    execute_step(step.pk)  # the message the dead worker held, redelivered after all: the claim refuses it
    step.refresh_from_db()
    assert step.status == StepRun.Status.SUCCEEDED and step.attempts == 1
