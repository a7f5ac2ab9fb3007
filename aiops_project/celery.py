"""The Celery app. Queue names and beat schedules live in aiops_project/schedules.py."""

import os

from celery import Celery
from celery.signals import setup_logging, task_prerun, worker_process_init

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


@task_prerun.connect
def _bind_task_context(task_id: str | None = None, task: object = None, **kwargs: object) -> None:
    import structlog

    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=task_id, task=getattr(task, "name", None))
