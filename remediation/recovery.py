"""Runs never hang, and no step runs twice because a worker died: the sweep behind `recover_stalled_steps`.

Three things can be lost, and each leaves a mark in the database that the sweep (every 30 s) reads:
- a queued step whose message never reached a worker, or reached one that died before starting it (Redis keeps
  an unacknowledged message for its visibility timeout, an hour): QUEUED past its due time. It is sent again;
  the claim (QUEUED -> RUNNING, one winner) makes a second copy of the message harmless.
- an attempt whose worker died mid-call: RUNNING past its timeout. Whether the call acted is unknown. It is run
  again only if repeating it cannot act twice: the tool is read-only or idempotent by its MCP annotations, or it
  honours the step's execution key (`StepRun.execution_key`, sent with every attempt), so the second call sees
  the first one's work and does nothing. Any other tool is not called again, whatever its retries say: the step
  fails as "outcome unknown", and the people who approved it are told to look.
- a root-cause analysis whose worker died: its run is advanced without a verdict.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aiops_project import outbox
from aiops_project.notices import Notice, publish
from incidents.audit import audit
from mcp_bridge.execution import EXECUTION_KEY
from mcp_bridge.registry import server_tools
from remediation.models import PlaybookRun, StepRun
from remediation.services import retry_step
from remediation.verdict import RCA_WAIT

log = structlog.get_logger(__name__)


def recover_stalled_steps() -> int:
    """Resume what a lost worker or message left behind. Returns how many steps and runs it moved on."""
    now = timezone.now()
    # A step still RUNNING this long past its timeout lost its worker (killed, OOM, machine gone): far beyond what
    # a live worker takes, as the MCP call itself is bounded by the timeout. One QUEUED this long past its due time
    # was not picked up: its message is lost, or held by a dead worker.
    grace = timedelta(seconds=settings.STEP_LOST_GRACE_SECONDS)
    recovered = _send_lost_messages(now, grace) + _settle_lost_attempts(now, grace)
    # A run whose root-cause analysis was lost (its worker died): advanced, it goes on without a verdict.
    from remediation import tasks

    lost = PlaybookRun.objects.filter(rca_state=PlaybookRun.Rca.RUNNING,
                                      rca_requested_at__lt=now - RCA_WAIT - grace)
    for run_id in lost.values_list("pk", flat=True):
        outbox.enqueue(tasks.advance_run, run_id)
        recovered += 1
    if recovered:
        log.warning("stalled_steps_recovered", count=recovered)
    return recovered


def repeatable(step: StepRun) -> bool:
    """Whether calling the step's tool again after an unknown outcome cannot act twice."""
    info = server_tools(step.server).get(step.tool)
    if info is None:
        return False
    hints = info.annotations
    return bool(hints.get("read_only_hint") or hints.get("idempotent_hint") or hints.get(EXECUTION_KEY))


def _send_lost_messages(now: datetime, grace: timedelta) -> int:
    from remediation import tasks

    sent = 0
    overdue = StepRun.objects.filter(Q(due_at__lt=now - grace) | Q(due_at__isnull=True),
                                     status=StepRun.Status.QUEUED)
    for step in overdue.only("pk", "due_at"):
        with transaction.atomic():
            # due_at moves on: the next look is a grace period later, not at every sweep.
            if StepRun.objects.filter(pk=step.pk, status=StepRun.Status.QUEUED, due_at=step.due_at).update(due_at=now):
                outbox.enqueue(tasks.execute_step, step.pk)
                log.warning("queued_step_sent_again", step_run_id=step.pk,
                            due_at=step.due_at.isoformat() if step.due_at else None)
                sent += 1
    return sent


def _settle_lost_attempts(now: datetime, grace: timedelta) -> int:
    from remediation import tasks

    settled = 0
    for step in StepRun.objects.filter(status=StepRun.Status.RUNNING).select_related("run__incident"):
        if step.started_at is None or now - step.started_at < timedelta(seconds=step.timeout_seconds) + grace:
            continue
        lost = f"worker lost: no outcome {step.timeout_seconds}s (+ {grace.seconds}s grace) after it started"
        safe = repeatable(step)
        # An unknown outcome is not a failed attempt: a tool safe to repeat gets one call more than its retries.
        if safe and step.attempts <= step.retries + 1:
            retry_step(step, step.output, f"{lost}; called again with the same execution key (safe to repeat)")
            settled += 1
            continue
        error = (f"{lost}, on every attempt" if safe else
                 f"outcome unknown ({lost}): {step.server}.{step.tool} may have acted, and calling it again could act "
                 "twice, so it is not called again; check its target before running it by hand")
        with transaction.atomic():
            if not StepRun.objects.filter(pk=step.pk, status=StepRun.Status.RUNNING).update(
                    status=StepRun.Status.FAILED, error=error, finished_at=now):
                continue  # it finished meanwhile
            audit("step.failed", incident=step.run.incident, target=step, message=f"{step.name}: {error}")
            if step.needs_approval:
                publish(Notice("step.finished", f"Step '{step.name}' ({step.server}.{step.tool}) failed", detail=error,
                               incident_id=step.run.incident_id, reply_to=step.run.reply_to, audience="operators"))
            outbox.enqueue(tasks.advance_run, step.run_id)
        settled += 1
    return settled
