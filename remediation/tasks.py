from __future__ import annotations

from typing import TypedDict

from celery import shared_task
from django.db import OperationalError

from aiops_project.schedules import EXPIRE_APPROVALS_TASK, RECOVER_STEPS_TASK
from remediation import recovery, services, verdict


class StepTaskOptions(TypedDict):
    """The options the step tasks share, typed so that celery's overloads still type each task."""

    acks_late: bool
    reject_on_worker_lost: bool
    ignore_result: bool
    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    max_retries: int


# Tasks that move a run on: redelivered if a worker dies (each is safe to run twice), retried while the
# database is unreachable.
STEP_TASK: StepTaskOptions = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True,
                              "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="remediation.advance_run", **STEP_TASK)
def advance_run(run_id: int) -> None:
    services.advance_run(run_id)


@shared_task(name="remediation.analyse_run", **STEP_TASK)
def analyse_run(run_id: int) -> None:
    # Safe to run twice: only a run still waiting for its analysis is analysed; the run is advanced either way.
    verdict.analyse_run(run_id)
    services.advance_run(run_id)


@shared_task(name="remediation.execute_step", **STEP_TASK)
def execute_step(step_run_id: int) -> None:
    # Safe to run twice: the step is claimed (QUEUED -> RUNNING) by a conditional UPDATE.
    services.execute_step(step_run_id)


@shared_task(name="remediation.verify_step", **STEP_TASK)
def verify_step(step_run_id: int) -> None:
    # Safe to run twice: the verdict is recorded by a conditional UPDATE, once.
    services.verify_step(step_run_id)


@shared_task(
    name=EXPIRE_APPROVALS_TASK,
    acks_late=True,
    ignore_result=True,
    expires=14,
)
def expire_approvals() -> None:
    services.expire_overdue_approvals()


@shared_task(name=RECOVER_STEPS_TASK, acks_late=True, ignore_result=True, expires=29)
def recover_stalled_steps() -> None:
    recovery.recover_stalled_steps()
