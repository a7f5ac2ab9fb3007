"""ASGI entry point: Django for HTTP, our MCP server at /mcp (token auth), Channels for websockets
(session auth, origin-checked)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from aiops_project.gc import freeze_startup_heap  # noqa: E402
from aiops_project.routing import websocket_urlpatterns  # noqa: E402
from mcp_bridge.servers.agent import McpEndpoint  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": McpEndpoint(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

freeze_startup_heap()
