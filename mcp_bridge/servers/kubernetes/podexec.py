"""exec_readonly: one allow-listed, read-only diagnostic command in a container, no shell."""

from __future__ import annotations

import json
import re
import shlex
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import READ, REQUEST_TIMEOUT, Context, Name, Namespace, api_error_message
from mcp_bridge.servers.kubernetes.workloads import Workload, resolve_pod

# Read-only diagnostics an operator (or a model) may run in a container: exact argv, no shell.
EXEC_ALLOWED = {"ps aux", "ps -ef", "df -h", "free -m", "uptime", "date", "id", "hostname", "cat /etc/resolv.conf",
                "cat /etc/hosts", "mount", "ip addr", "ss -tlnp", "netstat -tlnp"}
_HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")
# How the websocket client words a refused upgrade: status line, response headers, body, between markers.
_HANDSHAKE = re.compile(r"Handshake status (\d+)\s*([^-]*?)\s*-\+-\+- .*? -\+-\+- (.*)\Z", re.DOTALL)


def exec_argv(command: str) -> list[str]:
    argv = shlex.split(command)
    text = " ".join(argv)
    if text in EXEC_ALLOWED:
        return argv
    if len(argv) == 2 and argv[0] == "nslookup" and _HOST.match(argv[1]):
        return argv
    if len(argv) == 3 and argv[:2] == ["getent", "hosts"] and _HOST.match(argv[2]):
        return argv
    raise ToolError(f"refused: {command!r} is not an allowed read-only command "
                    f"(allowed: {', '.join(sorted(EXEC_ALLOWED))}, nslookup HOST, getent hosts HOST)")


def exec_failure(namespace: str, name: str, status: int, status_text: str, body: str | bytes | None) -> str:
    """A refused exec as a person reads it: the API server's Status message (or the body it passed on from the
    node), never the response headers."""
    text = (body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body or "").strip()
    try:
        status_object = json.loads(text) if text.startswith("{") else None
    except ValueError:
        status_object = None
    message = status_object.get("message") if isinstance(status_object, dict) else None
    if status == 404 and message:
        return api_error_message(f"pod {namespace}/{name}", 404, None, None)
    if status in (401, 403):
        return api_error_message(f"exec in pod {namespace}/{name}", status, None, message or text or status_text)
    where = f"HTTP {status} {status_text}".strip()
    return f"exec in pod {namespace}/{name} failed ({where}): {(message or text or 'no message')[:500]}"


def _refused_upgrade(exc: BaseException) -> tuple[int, str, str | bytes | None] | None:
    """(status, status text, body) of a refused websocket upgrade, from the client's exception chain."""
    for error in (exc, exc.__context__, exc.__cause__):
        status = getattr(error, "status_code", None)
        if isinstance(status, int):
            return status, getattr(error, "status_message", None) or "", getattr(error, "resp_body", None)
    found = _HANDSHAKE.search(str(getattr(exc, "reason", None) or exc))
    return (int(found[1]), found[2], found[3]) if found else None


def register(mcp: MCPServer, ctx: Context) -> None:
    cluster = ctx.cluster

    @mcp.tool(annotations=READ, structured_output=False)
    def exec_readonly(namespace: Namespace, name: Name,
                      command: Annotated[str, Field(description="one of: " + ", ".join(sorted(EXEC_ALLOWED)) +
                                                    ", nslookup HOST, getent hosts HOST")],
                      container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
                      workload: Workload = None,
                      ) -> str:
        """Run one allow-listed, read-only diagnostic command in a container (no shell, no other commands)."""
        ctx.guard(namespace)
        argv = exec_argv(command)
        target = resolve_pod(ctx, namespace, name, workload, "running the command in")
        name = target.name
        from kubernetes.stream import stream

        kwargs: dict[str, Any] = {"container": container} if container else {}
        try:
            output = stream(cluster.core.connect_get_namespaced_pod_exec, name, namespace, command=argv,
                            stderr=True, stdin=False, stdout=True, tty=False, _request_timeout=REQUEST_TIMEOUT,
                            **kwargs)
        except Exception as exc:  # ApiException, websocket errors: all mean "could not run it"
            refused = _refused_upgrade(exc)
            if refused is None:
                raise ToolError(f"exec in pod {namespace}/{name} failed: {exc}") from exc
            raise ToolError(exec_failure(namespace, name, *refused)) from exc
        return f"{target.note}\n{output}" if target.note else output
