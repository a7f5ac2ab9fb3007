"""The clusters detection covers, and their poll schedules in django-celery-beat."""

from __future__ import annotations

import json
from typing import Any

from incidents.models import Cluster


def ensure_simulated_cluster() -> Cluster:
    cluster, _ = Cluster.objects.get_or_create(
        name="simulated", defaults={"kind": Cluster.Kind.SIMULATED, "enabled": True}
    )
    return cluster


def sync_beat_schedules(poll_every_seconds: int) -> int:
    """Create or update the django-celery-beat rows: one poll per enabled cluster plus the sweepers.

    Idempotent: rows are keyed by name; a disabled cluster's poll is disabled, not deleted. The
    interval is set when a row is created only, so an interval edited in the admin survives restarts.
    """
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from aiops_project.schedules import POLL_TASK, QUEUE_DETECTION, poll_schedule_name, static_schedules

    def upsert(name: str, task: str, every: int, queue: str, expires: int, args: list[Any], enabled: bool) -> None:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "queue": queue, "expire_seconds": expires, "args": json.dumps(args),
                      "enabled": enabled},
            create_defaults={"task": task, "interval": interval, "queue": queue, "expire_seconds": expires,
                             "args": json.dumps(args), "enabled": enabled},
        )

    count = 0
    for cluster in Cluster.objects.all():
        upsert(poll_schedule_name(cluster.name), POLL_TASK, poll_every_seconds, QUEUE_DETECTION,
               max(poll_every_seconds - 1, 1), [cluster.pk], cluster.enabled)
        count += 1
    for schedule in static_schedules():
        upsert(schedule.name, schedule.task, schedule.every_seconds, schedule.queue, schedule.expires_seconds,
               [], True)
        count += 1
    return count
