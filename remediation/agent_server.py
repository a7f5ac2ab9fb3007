"""Our own MCP server, for other agents: read-only views of incidents and approvals, at `/mcp`.

It lives with the console (remediation is the lowest layer that knows both incidents and approvals).

Served by the web process (uvicorn) over streamable HTTP, stateless, JSON answers (POST only: no event stream
is offered, so GET and the rest answer 405). Before anything else the Host header must be one of
`ALLOWED_HOSTS` (400 otherwise, as the REST API answers) and an Origin header, when a browser sends one, must
be the request's own origin or one of `CSRF_TRUSTED_ORIGINS` (403): a page that rebinds its DNS name to this
server gets nothing. Every request needs an API token (`Authorization: Bearer <token>` or `Token <token>`, the
same DRF tokens as the REST API) of an active user; without one the answer is 401 and nothing is read. Step
output (what tools answered) is shown only to a token whose user may read it (`remediation.access`), and
everything returned is redacted once more. Each tool declares its output schema.

The server is built on the first authorised request to /mcp, in a thread: the SDK's server side costs ~0.8 s
of the web process's start (`python -X importtime`) for an endpoint most installations never call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain
from pydantic import Field
from typing_extensions import TypedDict  # nested TypedDicts must be these below Python 3.12 (the SDK's schemas)

from aiops_project.redaction import redact_data
from incidents.models import Incident
from remediation.access import can_view_step_output
from remediation.models import Approval

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

Scope = dict[str, Any]  # as servers pass it (and Django's handler requires)
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]
PATH = "/mcp"
# The token's user, for the tools: set by the endpoint for the request; the SDK runs the tool in a task started
# from it, which inherits it (a test reads step output through /mcp with and without the permission).
_caller: ContextVar[int | None] = ContextVar("mcp_caller", default=None)
HIDDEN_OUTPUT = "(hidden: reading step output needs the remediation.view_steprun permission)"


# The tools' output schemas (published as outputSchema; the SDK validates every answer against them).
class IncidentRow(TypedDict):
    id: int
    title: str
    status: str
    severity: str
    cluster: str | None
    namespace: str
    object: str
    opened_at: str
    resolved_at: str | None


class IncidentList(TypedDict):
    incidents: list[IncidentRow]


class EventRow(TypedDict):
    at: str
    status: str
    reason: str
    source: str
    message: str


class StepRow(TypedDict):
    order: int
    name: str
    tool: str
    risk: str
    status: str
    output: str


class RunRow(TypedDict):
    playbook: str
    status: str
    steps: list[StepRow]


class TimelineRow(TypedDict):
    at: str
    actor: str
    via: str
    action: str
    message: str


class IncidentDetail(IncidentRow):
    events: list[EventRow]
    runs: list[RunRow]
    timeline: list[TimelineRow]


class RcaReports(TypedDict):
    incident_id: int
    reports: list[dict[str, Any]]


class ApprovalRow(TypedDict):
    id: int
    incident_id: int | None
    step: str
    tool: str
    arguments: dict[str, Any]
    risk: str
    expires_at: str


class ApprovalList(TypedDict):
    approvals: list[ApprovalRow]


def _not_found(what: str) -> Exception:
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(what)


def _incident_row(incident: Incident) -> IncidentRow:
    return {"id": incident.pk, "title": incident.title, "status": incident.status, "severity": incident.severity,
            "cluster": incident.cluster.name if incident.cluster else None, "namespace": incident.namespace,
            "object": f"{incident.object_kind}/{incident.object_name}", "opened_at": incident.opened_at.isoformat(),
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None}


def _incidents(status: str, limit: int) -> list[IncidentRow]:
    rows = Incident.objects.select_related("cluster").order_by("-opened_at")
    if status == "open":
        rows = rows.open()
    elif status == "resolved":
        rows = rows.filter(status=Incident.Status.RESOLVED)
    return [_incident_row(i) for i in rows[:limit]]


def _incident_detail(incident_id: int, user_id: int | None) -> IncidentDetail:
    incident = Incident.objects.select_related("cluster").filter(pk=incident_id).first()
    if incident is None:
        raise _not_found(f"no incident {incident_id}")
    may_see_output = can_view_step_output(_user(user_id))
    return {
        **_incident_row(incident),
        "events": [{"at": e.recorded_at.isoformat(), "status": e.status, "reason": e.reason,
                    "source": e.source, "message": e.message} for e in incident.events.order_by("recorded_at")],
        "runs": [{"playbook": run.playbook.name, "status": run.status,
                  "steps": [{"order": s.order, "name": s.name, "tool": f"{s.server}.{s.tool}", "risk": s.risk,
                             "status": s.status,
                             "output": (s.error or s.output)[:2000] if may_see_output else HIDDEN_OUTPUT}
                            for s in run.step_runs.order_by("order")]}
                 for run in incident.playbook_runs.select_related("playbook").order_by("created_at")],
        "timeline": [{"at": a.at.isoformat(), "actor": a.actor_label, "via": a.via, "action": a.action,
                      "message": a.message} for a in incident.timeline()],
    }


def _user(user_id: int | None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None


def _rca(incident_id: int) -> RcaReports:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise _not_found(f"no incident {incident_id}")
    return {"incident_id": incident_id,
            "reports": [{"at": r.created_at.isoformat(), **r.report} for r in incident.rca_reports.all()]}


def _pending_approvals() -> list[ApprovalRow]:
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
    ) -> IncidentList:
        """Incidents, newest first: open ones by default."""
        return redact_data({"incidents": await sync_to_async(_incidents)(status, limit)})

    @mcp.tool(annotations=read)
    async def get_incident(incident_id: Annotated[int, Field(ge=1)]) -> IncidentDetail:
        """One incident with its events, playbook runs (steps, risk, status, output) and timeline. Step output is
        shown to tokens whose user may read it (remediation.view_steprun or an approve permission)."""
        return redact_data(await sync_to_async(_incident_detail)(incident_id, _caller.get()))

    @mcp.tool(annotations=read)
    async def get_rca(incident_id: Annotated[int, Field(ge=1)]) -> RcaReports:
        """The root-cause analyses of an incident, newest first (empty until one has run)."""
        return redact_data(await sync_to_async(_rca)(incident_id))

    @mcp.tool(annotations=read)
    async def list_pending_approvals() -> ApprovalList:
        """Approvals waiting for a person: the step, its tool and arguments, its risk, and when it expires."""
        return redact_data({"approvals": await sync_to_async(_pending_approvals)()})

    return mcp


class McpEndpoint:
    """ASGI: `/mcp` to our MCP server (token required), everything else to `app` (Django)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.server: MCPServer | None = None  # built with the first authorised request (see the docstring)
        self.mcp_app: ASGIApp | None = None
        self._running: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _build(self) -> None:
        from mcp.server.transport_security import TransportSecuritySettings

        server = build_server()
        self.mcp_app = server.streamable_http_app(
            streamable_http_path=PATH, stateless_http=True, json_response=True,
            # Host and Origin are checked before the request reaches the SDK (`_refusal`), against Django's
            # ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS, whose forms (".example.com", "*") the SDK does not know.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        self.server = server

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != PATH:
            await self.app(scope, receive, send)
            return
        if (refusal := _refusal(scope)) is not None:
            await _answer(send, *refusal)
            return
        user_id = await _token_user(scope)
        if user_id is None:
            await _unauthorized(send)
            return
        _caller.set(user_id)
        await self._ensure_running()
        assert self.mcp_app is not None
        await self.mcp_app(scope, receive, send)

    async def _ensure_running(self) -> None:
        """The SDK's session manager must run in a task of its own (the web server runs with --lifespan off).
        The first caller builds the server (its imports in a thread: the loop keeps serving); the others wait."""
        loop = asyncio.get_running_loop()
        if self._running is not None and self._loop is loop:
            await asyncio.shield(self._running)
            return
        # First request, or the first on another event loop (tests run one per test): the SDK's session manager
        # runs once per instance, in one loop, so a fresh server is built for it.
        self._loop = loop
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


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers") or []}


def _refusal(scope: Scope) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
    """(status, reason, extra headers) for a request refused before its token is even looked at, or None."""
    headers = _headers(scope)
    host = headers.get("x-forwarded-host", "") if settings.USE_X_FORWARDED_HOST else ""
    host = host or headers.get("host", "")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    if not domain or not validate_host(domain, allowed):
        return 400, f"Invalid Host header {host[:100]!r}: not in ALLOWED_HOSTS.", []
    origin = headers.get("origin")
    if origin is not None and not _origin_ok(origin, host, scope):
        return 403, f"Origin {origin[:100]!r} is not allowed (not this server, nor in CSRF_TRUSTED_ORIGINS).", []
    if scope.get("method") != "POST":
        return 405, "This MCP server answers POST only (stateless, no event stream).", [(b"allow", b"POST")]
    return None


def _origin_ok(origin: str, host: str, scope: Scope) -> bool:
    """The request's own origin, or one of CSRF_TRUSTED_ORIGINS (with their "https://*.example.com" form)."""
    parts = urlsplit(origin.strip())
    if not parts.scheme or not parts.netloc:
        return False  # "null" (a sandboxed page, a file) and other opaque origins
    if parts.netloc.lower() == host.lower() and parts.scheme in {"http", "https"}:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        allowed = urlsplit(trusted)
        if allowed.scheme != parts.scheme:
            continue
        if allowed.netloc.lower() == parts.netloc.lower() or (
                allowed.netloc.startswith("*.") and is_same_domain(parts.netloc.lower(), allowed.netloc[1:].lower())):
            return True
    return False


async def _answer(send: Any, status: int, reason: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), *extra]})
    await send({"type": "http.response.body", "body": body})


@sync_to_async
def _token_user(scope: Scope) -> int | None:
    """The id of the active user whose API token the request carries, or None."""
    from rest_framework.authtoken.models import Token

    header = _headers(scope).get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in {"bearer", "token"} or not key.strip():
        return None
    with contextlib.suppress(Token.DoesNotExist):
        user = Token.objects.select_related("user").get(key=key.strip()).user
        return user.pk if user.is_active else None
    return None


async def _unauthorized(send: Any) -> None:
    body = b'{"detail": "Send Authorization: Bearer <API token>."}'
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b'Bearer realm="mcp"')]})
    await send({"type": "http.response.body", "body": body})
