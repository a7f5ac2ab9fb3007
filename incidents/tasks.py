from __future__ import annotations

from celery import shared_task

from aiops_project.schedules import POLL_TASK
from incidents import detection


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
def run_rca(incident_id: int) -> None:
    # Twice is harmless: a second report of the same incident, a moment later.
    import structlog

    from incidents.explain import run_root_cause_analysis

    try:
        run_root_cause_analysis(incident_id)
    except Exception:  # an analysis that fails must not take the worker's task with it; it is logged
        structlog.get_logger(__name__).exception("rca_failed", incident_id=incident_id)
