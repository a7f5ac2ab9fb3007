from django.apps import AppConfig


class McpBridgeConfig(AppConfig):
    name = "mcp_bridge"
    verbose_name = "MCP bridge"

    def ready(self) -> None:
        from aiops_project.health import READINESS_DETAILS
        from mcp_bridge import checks  # noqa: F401 (registers the system check)
        from mcp_bridge.models import server_states

        READINESS_DETAILS["mcp_servers"] = server_states
