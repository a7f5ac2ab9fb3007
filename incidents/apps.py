from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from aiops_project import checks  # noqa: F401  (registers the middleware deploy checks)
        from aiops_project.health import READINESS_DETAILS
        from aiops_project.metrics import register_collector
        from incidents.audit import record_tool_refusal
        from incidents.detection import cluster_states
        from incidents.metrics import IncidentCollector
        from mcp_bridge.ports import REFUSAL_RECORDERS

        READINESS_DETAILS["clusters"] = cluster_states
        register_collector(IncidentCollector())
        REFUSAL_RECORDERS["audit"] = record_tool_refusal
