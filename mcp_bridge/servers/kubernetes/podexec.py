"""exec_readonly: one allow-listed, read-only diagnostic command in a container, no shell."""

from __future__ import annotations

import re
import shlex
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import READ, REQUEST_TIMEOUT, Context, Name, Namespace

# Read-only diagnostics an operator (or a model) may run in a container: exact argv, no shell.
EXEC_ALLOWED = {"ps aux", "ps -ef", "df -h", "free -m", "uptime", "date", "id", "hostname", "cat /etc/resolv.conf",
                "cat /etc/hosts", "mount", "ip addr", "ss -tlnp", "netstat -tlnp"}
_HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")


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


def register(mcp: MCPServer, ctx: Context) -> None:
    cluster = ctx.cluster

    @mcp.tool(annotations=READ, structured_output=False)
    def exec_readonly(namespace: Namespace, name: Name,
                      command: Annotated[str, Field(description="one of: " + ", ".join(sorted(EXEC_ALLOWED)) +
                                                    ", nslookup HOST, getent hosts HOST")],
                      container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
                      ) -> str:
        """Run one allow-listed, read-only diagnostic command in a container (no shell, no other commands)."""
        ctx.guard(namespace)
        argv = exec_argv(command)
        from kubernetes.stream import stream

        kwargs: dict[str, Any] = {"container": container} if container else {}
        try:
            return stream(cluster.core.connect_get_namespaced_pod_exec, name, namespace, command=argv,
                          stderr=True, stdin=False, stdout=True, tty=False, _request_timeout=REQUEST_TIMEOUT,
                          **kwargs)
        except Exception as exc:  # ApiException, websocket errors: all mean "could not run it"
            raise ToolError(f"exec in pod {namespace}/{name} failed: {exc}") from exc
