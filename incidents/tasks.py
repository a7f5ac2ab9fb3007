from __future__ import annotations

from typing import Any

from celery import shared_task

from aiops_project.schedules import POLL_TASK
from incidents import detection
from incidents.announce import announce


@shared_task(
    name=POLL_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    expires=60,
    soft_time_limit=120,
    time_limit=150,
)
def poll_cluster(cluster_id: int) -> None:
    # Safe to run twice: transitions are claimed by conditional updates on Signal rows.
    detection.poll_cluster(cluster_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def run_rca(incident_id: int, requested_by_id: int | None = None, via: str = "",
            reply_to: dict[str, str] | None = None) -> None:
    """`requested_by_id` and `via` go on the audit entry; `reply_to` ({"channel_type", "conversation_id"}) is
    the conversation that asked, which hears the result."""
    # Twice is harmless: a second report of the same incident, a moment later.
    import structlog
    from django.contrib.auth import get_user_model

    from incidents.rca.service import run_root_cause_analysis

    requested_by = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    try:
        run_root_cause_analysis(incident_id, requested_by=requested_by, via=via, reply_to=reply_to)
    except Exception:  # an analysis that fails must not take the worker's task with it; it is logged
        structlog.get_logger(__name__).exception("rca_failed", incident_id=incident_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def announce_alerts(firing: list[int], resolved: list[int], more: list[list[Any]], unchanged: int,
                    shared: dict[str, str]) -> None:
    """One Alertmanager notification's alerts told to the operators in one message (incidents.announce)."""
    # Twice posts the message twice: a repeat beats a loss.
    announce(firing, resolved, more, unchanged, shared)
