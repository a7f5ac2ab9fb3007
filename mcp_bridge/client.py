"""Synchronous MCP client for Celery workers: one session per call, over stdio, SSE or streamable HTTP.

    result = call_tool("kubernetes", "rollout_restart", {"namespace": "shop", "name": "web"},
                       env={"KUBECONFIG": "/etc/aiops/prod.kubeconfig"})

Each call opens a session with the official SDK client, calls, and closes it; a stdio server is a
fresh subprocess that the SDK always reaps (stdin closed, then SIGTERM/SIGKILL to its process group),
also on timeout. The SDK gives it only HOME, PATH, SHELL, TERM, USER and LOGNAME of our environment,
plus the configured `env` and the caller's `env`. Its stderr goes to a temporary file: logged at DEBUG,
quoted in errors, never flooding the worker's own stderr. Must not be called from a running event loop
(use a thread).

The SDK (`mcp`, `mcp_types`) is imported by the first call, not with this module: it costs ~0.7 s of every
Django process's start (`python -X importtime`), and the web process makes no MCP call.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import anyio
import httpx2

from aiops_project.redaction import redact
from mcp_bridge.config import ServerConfig, get_server
from mcp_bridge.exceptions import McpBridgeError, McpConfigError
from mcp_bridge.execution import EXECUTION_KEY, request_meta

if TYPE_CHECKING:
    from mcp import Client

__all__ = ["McpBridgeError", "McpConfigError", "ToolResult", "call_tool", "list_tools"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
STDERR_TAIL = 2000  # bytes of a server's stderr quoted in an error
CLIENT_NAME = "aiops-agent"  # our clientInfo in `initialize`: servers' logs name us, not the SDK
SDK_HTTP_ERROR = "Server returned an error response"  # the SDK's words for any HTTP error status of a POST
# The last HTTP error status each streamable HTTP server answered ("HTTP 401 Unauthorized from <url>"): the SDK
# turns it into a bare JSON-RPC error (-32603), so the transport's response hook keeps it for `_explain`.
_http_failures: dict[str, str] = {}


def client_info() -> Any:
    from importlib.metadata import PackageNotFoundError, version

    from mcp_types import Implementation

    try:
        ours = version("aiops-agent")
    except PackageNotFoundError:
        ours = "0"
    return Implementation(name=CLIENT_NAME, version=ours)


@dataclass(frozen=True)
class ToolResult:
    ok: bool
    text: str
    structured: dict[str, Any] | None = None
    error: str | None = None


def call_tool(
    server: str,
    tool: str,
    arguments: dict[str, Any],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    config_path: Path | None = None,
) -> ToolResult:
    """Call one tool. A tool that fails returns ok=False; a server that cannot answer raises McpBridgeError.

    `env` is merged over a stdio server's configured env (e.g. KUBECONFIG of the target cluster).
    `timeout` bounds start-up, handshake and call; stopping a hung stdio server adds at most the
    SDK's grace period (2 s after closing its stdin before SIGTERM).
    """
    return _run(get_server(server, config_path), env, timeout, lambda client: call_on(client, tool, arguments))


def list_tools(
    server: str,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    config_path: Path | None = None,
) -> list[dict[str, Any]]:
    """Name, description, input schema and annotations of every tool the server offers."""
    return _run(get_server(server, config_path), env, timeout, list_on)


async def call_on(client: Client, tool: str, arguments: dict[str, Any], execution_key: str | None = None) -> ToolResult:
    """One `tools/call` on an open session; a tool's own failure is ok=False, not an exception.
    `execution_key`: the same for every attempt of one action (mcp_bridge/execution.py)."""
    from mcp_types import TextContent

    result = await client.call_tool(tool, arguments, meta=request_meta(execution_key))  # type: ignore[arg-type]
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    if result.is_error:
        text = text.removeprefix(f"Error executing tool {tool}: ")  # the Python SDK's words, before the tool's own
        return ToolResult(ok=False, text=text, error=text or f"tool {tool!r} failed without a message")
    return ToolResult(ok=True, text=text, structured=result.structured_content)


async def list_on(client: Client) -> list[dict[str, Any]]:
    """Every page of `tools/list` on an open session (fetched afresh, not from the client's cache)."""
    tools, cursor = [], None
    while True:
        page = await client.list_tools(cursor=cursor, cache_mode="refresh")
        tools += page.tools
        if (cursor := page.next_cursor) is None:
            return _tool_dicts(tools)


def _tool_dicts(tools: list[Any]) -> list[dict[str, Any]]:
    """`tools/list` entries as plain dicts: what the registry stores."""
    return [
        {
            "name": t.name,
            "description": t.description or "",
            "input_schema": t.input_schema,
            # With the annotations: whether the tool honours execution keys (its `_meta` says so).
            "annotations": {**(t.annotations.model_dump(exclude_none=True) if t.annotations else {}),
                            **({EXECUTION_KEY: True} if (t.meta or {}).get(EXECUTION_KEY) is True else {})},
        }
        for t in tools
    ]


def _run(
    config: ServerConfig,
    env: Mapping[str, str] | None,
    timeout: float,
    action: Callable[[Client], Awaitable[_T]],
) -> _T:
    from mcp import Client

    async def session() -> _T:
        with tempfile.TemporaryFile() as errlog:
            try:
                with anyio.fail_after(timeout):
                    async with Client(_transport(config, env, errlog, timeout), client_info=client_info()) as client:
                        return await action(client)
            except TimeoutError as exc:
                raise McpBridgeError(_describe(config, f"no answer within {timeout:g} s", errlog)) from exc
            except Exception as exc:
                raise McpBridgeError(_describe(config, _explain(config, exc), errlog)) from exc
            finally:
                _log_stderr(config, errlog)

    return anyio.run(session)


def _transport(
    config: ServerConfig, env: Mapping[str, str] | None, errlog: IO[bytes], timeout: float
) -> AbstractAsyncContextManager[Any]:
    from mcp import StdioServerParameters
    from mcp.client.sse import sse_client
    from mcp.client.stdio import stdio_client

    if config.type == "stdio":
        assert config.command is not None
        params = StdioServerParameters(
            command=config.command,
            args=list(config.args),
            env={**config.env, **(env or {})},
            cwd=config.cwd,
        )
        return stdio_client(params, errlog=errlog)  # type: ignore[arg-type]  # only its fileno is used
    assert config.url is not None
    if config.type == "sse":
        return sse_client(config.url, headers=dict(config.headers), timeout=timeout, sse_read_timeout=timeout)
    return _streamable_http(config.url, dict(config.headers), timeout)


@asynccontextmanager
async def _streamable_http(url: str, headers: dict[str, str], timeout: float) -> AsyncIterator[Any]:
    from mcp.client.streamable_http import streamable_http_client

    async def keep_failure(response: httpx2.Response) -> None:
        if response.status_code >= 400:
            _http_failures[url] = f"HTTP {response.status_code} {response.reason_phrase} from {redact(url)}"

    _http_failures.pop(url, None)
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(timeout),
                           event_hooks={"response": [keep_failure]}) as http,
        streamable_http_client(url, http_client=http) as streams,
    ):
        yield streams


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups, which anyio task groups produce."""
    while isinstance(exc, BaseExceptionGroup):
        exc = next(
            (e for e in exc.exceptions if not isinstance(e, anyio.get_cancelled_exc_class())),
            exc.exceptions[0],
        )
    return exc


def _explain(config: ServerConfig, exc: BaseException) -> str:
    from mcp.shared.exceptions import MCPError
    from mcp_types import CONNECTION_CLOSED

    exc = _leaf(exc)
    if isinstance(exc, FileNotFoundError) and config.type == "stdio":
        return f"cannot start {config.command!r}: command not found"
    if isinstance(exc, OSError) and config.type == "stdio":
        return f"cannot start {config.command!r}: {exc.strerror or exc}"
    if isinstance(exc, MCPError) and exc.code == CONNECTION_CLOSED:
        return "the server closed the connection (did it exit?)"
    if isinstance(exc, MCPError) and exc.message == SDK_HTTP_ERROR and config.url in _http_failures:
        failure = _http_failures.pop(config.url)
        hint = " (check the token or headers configured for it)" if failure.startswith(("HTTP 401", "HTTP 403")) else ""
        return failure + hint
    if isinstance(exc, MCPError):
        return f"MCP error {exc.code}: {exc.message}"
    if isinstance(exc, httpx2.HTTPError):
        return f"cannot talk to {config.url}: {type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _stderr_tail(errlog: IO[bytes]) -> str:
    size = errlog.seek(0, 2)
    errlog.seek(max(0, size - STDERR_TAIL))
    return errlog.read().decode("utf-8", errors="replace").strip()


def _describe(config: ServerConfig, problem: str, errlog: IO[bytes]) -> str:
    """The error of a server that cannot answer, with the end of its stderr (redacted: it is stored and shown)."""
    tail = redact(_stderr_tail(errlog))
    return f"MCP server {config.name!r}: {problem}" + (f"; its stderr ends with:\n{tail}" if tail else "")


def _log_stderr(config: ServerConfig, errlog: IO[bytes]) -> None:
    tail = _stderr_tail(errlog)
    if tail:
        logger.debug("stderr of MCP server %r:\n%s", config.name, tail)
