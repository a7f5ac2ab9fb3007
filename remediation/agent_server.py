"""Our own MCP server, for other agents: read-only views of incidents and approvals, at `/mcp`.

It lives with the console (remediation is the lowest layer that knows both incidents and approvals).

Served by the web process (uvicorn) over streamable HTTP, stateless, JSON answers. Every request needs
an API token (`Authorization: Bearer <token>` or `Token <token>`, the same DRF tokens as the REST API)
of an active user; without one the answer is 401 and nothing is read.

The server is built on the first authorised request to /mcp, in a thread: the SDK's server side costs ~0.8 s
of the web process's start (`python -X importtime`) for an endpoint most installations never call.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from asgiref.sync import sync_to_async
from pydantic import Field

from incidents.models import Incident
from remediation.models import Approval

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

Scope = dict[str, Any]  # as servers pass it (and Django's handler requires)
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]
PATH = "/mcp"


def _not_found(what: str) -> Exception:
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(what)


def _incident_row(incident: Incident) -> dict[str, Any]:
    return {"id": incident.pk, "title": incident.title, "status": incident.status, "severity": incident.severity,
            "cluster": incident.cluster.name if incident.cluster else None, "namespace": incident.namespace,
            "object": f"{incident.object_kind}/{incident.object_name}", "opened_at": incident.opened_at.isoformat(),
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None}


def _incidents(status: str, limit: int) -> list[dict[str, Any]]:
    rows = Incident.objects.select_related("cluster").order_by("-opened_at")
    if status == "open":
        rows = rows.open()
    elif status == "resolved":
        rows = rows.filter(status=Incident.Status.RESOLVED)
    return [_incident_row(i) for i in rows[:limit]]


def _incident_detail(incident_id: int) -> dict[str, Any]:
    incident = Incident.objects.select_related("cluster").filter(pk=incident_id).first()
    if incident is None:
        raise _not_found(f"no incident {incident_id}")
    return {
        **_incident_row(incident),
        "events": [{"at": e.recorded_at.isoformat(), "status": e.status, "reason": e.reason,
                    "source": e.source, "message": e.message} for e in incident.events.order_by("recorded_at")],
        "runs": [{"playbook": run.playbook.name, "status": run.status,
                  "steps": [{"order": s.order, "name": s.name, "tool": f"{s.server}.{s.tool}", "risk": s.risk,
                             "status": s.status, "output": (s.error or s.output)[:2000]}
                            for s in run.step_runs.order_by("order")]}
                 for run in incident.playbook_runs.select_related("playbook").order_by("created_at")],
        "timeline": [{"at": a.at.isoformat(), "actor": a.actor_label, "via": a.via, "action": a.action,
                      "message": a.message} for a in incident.timeline()],
    }


def _rca(incident_id: int) -> dict[str, Any]:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise _not_found(f"no incident {incident_id}")
    return {"incident_id": incident_id,
            "reports": [{"at": r.created_at.isoformat(), **r.report} for r in incident.rca_reports.all()]}


def _pending_approvals() -> list[dict[str, Any]]:
    pending = Approval.objects.pending().select_related("step_run__run__incident").order_by("expires_at")
    return [{"id": a.pk, "incident_id": a.step_run.run.incident_id, "step": a.step_run.name,
             "tool": f"{a.step_run.server}.{a.step_run.tool}", "arguments": a.step_run.arguments,
             "risk": a.step_run.risk, "expires_at": a.expires_at.isoformat()} for a in pending]


def build_server() -> MCPServer:
    """The tools read through the ORM in a thread (`sync_to_async`): the server runs on the ASGI server's event loop."""
    from mcp.server.mcpserver import MCPServer
    from mcp_types import ToolAnnotations

    read = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    mcp = MCPServer("aiops-agent", version="1.0", log_level="WARNING",
                    instructions="Read-only: the incidents, their timelines and root-cause analyses, and the "
                                 "approvals waiting for a person, of this AIOps agent.")

    @mcp.tool(annotations=read)
    async def list_incidents(
        status: Annotated[str, Field(pattern="^(open|resolved|all)$")] = "open",
        limit: Annotated[int, Field(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """Incidents, newest first: open ones by default."""
        return {"incidents": await sync_to_async(_incidents)(status, limit)}

    @mcp.tool(annotations=read)
    async def get_incident(incident_id: Annotated[int, Field(ge=1)]) -> dict[str, Any]:
        """One incident with its events, playbook runs (steps, risk, status, output) and timeline."""
        return await sync_to_async(_incident_detail)(incident_id)

    @mcp.tool(annotations=read)
    async def get_rca(incident_id: Annotated[int, Field(ge=1)]) -> dict[str, Any]:
        """The root-cause analyses of an incident, newest first (empty until one has run)."""
        return await sync_to_async(_rca)(incident_id)

    @mcp.tool(annotations=read)
    async def list_pending_approvals() -> dict[str, Any]:
        """Approvals waiting for a person: the step, its tool and arguments, its risk, and when it expires."""
        return {"approvals": await sync_to_async(_pending_approvals)()}

    return mcp


class McpEndpoint:
    """ASGI: `/mcp` to our MCP server (token required), everything else to `app` (Django)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.server: MCPServer | None = None  # built with the first authorised request (see the docstring)
        self.mcp_app: ASGIApp | None = None
        self._running: asyncio.Future[None] | None = None

    def _build(self) -> None:
        from mcp.server.transport_security import TransportSecuritySettings

        server = build_server()
        self.mcp_app = server.streamable_http_app(
            streamable_http_path=PATH, stateless_http=True, json_response=True,
            # Host checks are Django's job elsewhere; here the token is what lets a request in.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        self.server = server

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != PATH:
            await self.app(scope, receive, send)
            return
        if not await _token_user_ok(scope):
            await _unauthorized(send)
            return
        await self._ensure_running()
        assert self.mcp_app is not None
        await self.mcp_app(scope, receive, send)

    async def _ensure_running(self) -> None:
        """The SDK's session manager must run in a task of its own (the web server runs with --lifespan off).
        The first caller builds the server (its imports in a thread: the loop keeps serving); the others wait."""
        if self._running is not None:
            await asyncio.shield(self._running)
            return
        loop = asyncio.get_running_loop()
        self._running = started = loop.create_future()

        async def hold() -> None:
            try:
                await asyncio.to_thread(self._build)
            except Exception as exc:  # the waiting requests fail with it; the next request tries again
                self._running = None
                started.set_exception(exc)
                return
            assert self.server is not None
            async with self.server.session_manager.run():
                started.set_result(None)
                await asyncio.Event().wait()

        self._holder = loop.create_task(hold())
        await asyncio.shield(started)


@sync_to_async
def _token_user_ok(scope: Scope) -> bool:
    from rest_framework.authtoken.models import Token

    header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in {"bearer", "token"} or not key.strip():
        return False
    with contextlib.suppress(Token.DoesNotExist):
        return Token.objects.select_related("user").get(key=key.strip()).user.is_active
    return False


async def _unauthorized(send: Any) -> None:
    body = b'{"detail": "Send Authorization: Bearer <API token>."}'
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b'Bearer realm="mcp"')]})
    await send({"type": "http.response.body", "body": body})
