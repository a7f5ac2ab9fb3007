"""The Celery app. Queue names and beat schedules live in aiops_project/schedules.py."""

import os
from typing import Any

from celery import Celery, bootsteps
from celery.signals import beat_init, setup_logging, task_prerun, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")

app = Celery("aiops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_django_logging(**kwargs: object) -> None:
    """Connecting any receiver stops Celery from replacing the logging that settings.py configured."""


@worker_process_init.connect
def _freeze_startup_heap(**kwargs: object) -> None:
    from aiops_project.gc import freeze_startup_heap

    freeze_startup_heap()


# Tracing (aiops_project/tracing.py), once the process that runs tasks exists: in each prefork child after the fork
# (the SDK's export thread and sockets are the child's own), at the worker's start for a pool of threads
# (runbackground).
@worker_process_init.connect
def _trace_pool_process(**kwargs: object) -> None:
    from aiops_project import tracing

    tracing.setup("worker")


@worker_init.connect
def _trace_worker(sender: Any = None, **kwargs: object) -> None:
    from celery.concurrency import get_implementation
    from django.conf import settings

    if settings.TRACING_ENABLED and get_implementation(sender.pool_cls).__module__ != "celery.concurrency.prefork":
        from aiops_project import tracing

        tracing.setup("worker")


@beat_init.connect
def _trace_beat(**kwargs: object) -> None:
    from aiops_project import tracing

    tracing.setup("beat")  # in runbackground, beat is a thread of the worker's process: set up already


@task_prerun.connect
def _bind_task_context(task_id: str | None = None, task: object = None, **kwargs: object) -> None:
    import structlog

    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=task_id, task=getattr(task, "name", None))


class Heartbeat(bootsteps.StartStopStep):
    """Stamps this worker's heartbeat in Redis every few seconds (aiops_project/heartbeat.py; /ready reads it).

    On the consumer's timer: it beats only while the consumer runs its loop (started once the broker is connected,
    stopped while it reconnects), so a paused, dead or stuck worker stops beating."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_ref: Any = None
        self.failing = False

    def start(self, parent: Any) -> None:
        from aiops_project.heartbeat import BEAT_SECONDS

        self.worker = parent.hostname
        self.beat()
        self.timer_ref = parent.timer.call_repeatedly(BEAT_SECONDS, self.beat, priority=10)

    def stop(self, parent: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    shutdown = stop

    def beat(self) -> None:
        import structlog

        from aiops_project.heartbeat import beat

        try:
            beat(self.worker)
        except Exception as exc:  # Redis down: the heartbeat goes stale, which is what /ready should see
            if not self.failing:
                structlog.get_logger(__name__).warning("worker_heartbeat_failed", error=str(exc)[:200])
            self.failing = True
        else:
            self.failing = False


app.steps["consumer"].add(Heartbeat)
