"""Every queue name and periodic schedule in one place (seeded into django-celery-beat by load_defaults)."""

from __future__ import annotations

from dataclasses import dataclass

QUEUE_DEFAULT = "default"
QUEUE_DETECTION = "detection"
QUEUE_REMEDIATION = "remediation"
ALL_QUEUES = (QUEUE_DEFAULT, QUEUE_DETECTION, QUEUE_REMEDIATION)

POLL_TASK = "incidents.poll_cluster"
EXPIRE_APPROVALS_TASK = "remediation.expire_approvals"
RECOVER_STEPS_TASK = "remediation.recover_stalled_steps"
DRAIN_OUTBOX_TASK = "aiops.drain_outbox"


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_seconds: int
    queue: str
    expires_seconds: int  # a beat entry older than this is dropped rather than run late


def poll_schedule_name(cluster_name: str) -> str:
    return f"poll cluster {cluster_name}"


def static_schedules() -> list[Schedule]:
    return [
        Schedule("expire overdue approvals", EXPIRE_APPROVALS_TASK, 15, QUEUE_REMEDIATION, 14),
        Schedule("recover stalled steps", RECOVER_STEPS_TASK, 30, QUEUE_REMEDIATION, 29),
        # Tasks a committed change called for while the broker could not take them (aiops_project/outbox.py).
        Schedule("drain the outbox", DRAIN_OUTBOX_TASK, 10, QUEUE_DEFAULT, 9),
    ]
