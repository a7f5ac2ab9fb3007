from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from mcp_bridge.config import load_config
from mcp_bridge.exceptions import McpConfigError


@register()
def check_mcp_config(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A malformed `.mcp-config.json` stops start-up (migrate, runstack, the worker) naming server and field."""
    try:
        load_config(settings.MCP_CONFIG_FILE)
    except McpConfigError as exc:
        return [Error(str(exc), hint="Fix the file or point AIOPS_MCP_CONFIG at another one.", id="mcp_bridge.E001")]
    return []
