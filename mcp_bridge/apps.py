from typing import Any

from django.apps import AppConfig


def close_worker_sessions(**kwargs: Any) -> None:
    """A Celery worker process ends: stop the stdio MCP servers it started (its warm sessions)."""
    from mcp_bridge.manager import sessions

    sessions().close_all()


class McpBridgeConfig(AppConfig):
    name = "mcp_bridge"
    verbose_name = "MCP bridge"

    def ready(self) -> None:
        from celery.signals import worker_process_shutdown

        from aiops_project.health import READINESS_DETAILS
        from mcp_bridge import checks  # noqa: F401 (registers the system check)
        from mcp_bridge.models import server_states

        READINESS_DETAILS["mcp_servers"] = server_states
        worker_process_shutdown.connect(close_worker_sessions, dispatch_uid="mcp_bridge.close_worker_sessions")
