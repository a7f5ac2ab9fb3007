import contextlib

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from aiops_project.health import READINESS_DETAILS
        from aiops_project.metrics import DomainCollector
        from incidents.detection import cluster_states

        READINESS_DETAILS["clusters"] = cluster_states

        with contextlib.suppress(ValueError):  # already registered: ready() ran twice in this process
            REGISTRY.register(DomainCollector())
