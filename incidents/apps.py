import contextlib

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from aiops_project.metrics import DomainCollector

        with contextlib.suppress(ValueError):  # already registered: ready() ran twice in this process
            REGISTRY.register(DomainCollector())
