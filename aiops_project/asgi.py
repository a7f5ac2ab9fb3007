"""ASGI entry point: Django for HTTP, our MCP server at /mcp (token auth), Channels for websockets
(session auth, origin-checked). The composition root: the one module of aiops_project that imports the
apps above it (the layer contract in pyproject.toml names it as its one exception)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from aiops_project import tracing  # noqa: E402

tracing.setup("web")  # when on: before the handler below loads MIDDLEWARE, which it adds to

from aiops_project.asgi_threads import WarmThreadsASGIHandler  # noqa: E402

django_asgi_app = WarmThreadsASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from aiops_project.gc import freeze_startup_heap  # noqa: E402
from remediation.agent_server import McpEndpoint  # noqa: E402
from remediation.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": McpEndpoint(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

freeze_startup_heap()

from aiops_project.uvicorn_tick import install as _slow_uvicorn_tick  # noqa: E402

_slow_uvicorn_tick()  # uvicorn's idle tick once a second, not ten times (a no-op unless uvicorn serves this)
