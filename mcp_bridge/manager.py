"""Warm MCP sessions for a worker process: opened once, reused by every call, reopened when they break.

    result = sessions().call_tool(config, "rollout_restart", {"namespace": "shop", "name": "web"},
                                  env={"KUBECONFIG": "/etc/aiops/prod.kubeconfig"}, timeout=60)

One background thread per process runs an asyncio loop that owns every session (the SDK's `Client`
over stdio, SSE or streamable HTTP). Callers are synchronous (Celery tasks, management commands): they
hand a coroutine to the loop and wait for its answer. A session is keyed by the server and the extra
environment of the call (a stdio server started for one cluster's KUBECONFIG serves only that cluster).

- Concurrency: at most `max_concurrency` calls in flight per server (further calls wait their turn
  within their own timeout).
- Timeouts: a call that does not answer in time raises `McpBridgeError`; its session is closed (a
  stdio server is stopped) and the next call opens a fresh one, so a hung server never wedges others.
- Breakage: a session whose transport fails is dropped; reconnecting waits out a backoff that doubles
  after each failure (0.5 s up to 30 s). Within the backoff a call fails at once with the last error,
  rather than piling up on a server that is down. One server being down never affects another.
- `notifications/tools/list_changed` marks the server's tools stale; `take_stale_tools()` tells the
  caller, which refreshes the registry (the database is not touched from the loop's thread).
- After a fork (Celery's prefork pool) the child starts its own loop on first use; sessions of the
  parent are never shared.
- The SDK is imported by the first session (as in mcp_bridge/client.py: not at every process's start).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, TypeVar

from mcp_bridge.client import ToolResult, _describe, _explain, _transport, call_on, client_info, list_on
from mcp_bridge.config import ServerConfig
from mcp_bridge.exceptions import McpBridgeError

if TYPE_CHECKING:
    from mcp import Client

logger = logging.getLogger(__name__)
_T = TypeVar("_T")
BACKOFF_MIN, BACKOFF_MAX = 0.5, 30.0
CLOSE_GRACE_SECONDS = 5.0
IDLE_SECONDS = 600.0  # a session unused this long is closed (its stdio server stopped)
MAX_SESSIONS = 32  # beyond this, the least recently used session is closed


@dataclass
class ServerHealth:
    """What this process last saw of a server: `up` after a successful call, `down` after a failure."""

    state: str = "unknown"
    error: str = ""
    changed_at: float = field(default_factory=time.time)


class _Session:
    """One open `Client`, kept open by its own task until closed."""

    def __init__(self, config: ServerConfig, env: Mapping[str, str], timeout: float) -> None:
        self.config, self.env, self.timeout = config, dict(env), timeout
        self.client: Client | None = None
        self.error: BaseException | None = None
        self.opened = asyncio.Event()
        self.stop = asyncio.Event()
        self.errlog: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the session ends)
        self.last_used = time.monotonic()
        self.stale_tools = False  # the server said its tools changed
        self.task = asyncio.get_running_loop().create_task(self._hold())

    async def _hold(self) -> None:
        from mcp import Client

        try:
            client = Client(_transport(self.config, self.env, self.errlog, self.timeout),
                            message_handler=self._on_message, client_info=client_info())
            async with client:
                listening = asyncio.Event()
                listener = asyncio.get_running_loop().create_task(self._listen(client, listening))
                # Subscribed before the first call, so that no change goes unheard.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(listening.wait(), self.timeout)
                self.client = client
                self.opened.set()
                try:
                    await self.stop.wait()
                finally:
                    listener.cancel()
        except BaseException as exc:  # recorded for the caller; a session's end is never fatal to the loop
            self.error = exc
        finally:
            self.client = None
            self.opened.set()
            self.errlog.close()

    async def _listen(self, client: Client, listening: asyncio.Event) -> None:
        """Servers on the 2026-07-28 protocol announce tool changes on a `subscriptions/listen` stream;
        older ones send `notifications/tools/list_changed`, which `_on_message` hears."""
        try:
            async with client.listen(tools_list_changed=True) as subscription:
                listening.set()
                async for _event in subscription:
                    self.stale_tools = True
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # not supported, or the stream ended: calls still work
            logger.debug("no tool-change stream from MCP server %r: %s", self.config.name, exc)
        finally:
            listening.set()

    async def _on_message(self, message: Any) -> None:
        from mcp_types import ToolListChangedNotification

        if isinstance(message, ToolListChangedNotification):
            self.stale_tools = True

    async def close(self) -> None:
        self.stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(self.task), CLOSE_GRACE_SECONDS)
        except (TimeoutError, asyncio.CancelledError):
            self.task.cancel()

    def describe(self, problem: str) -> str:
        try:
            return _describe(self.config, problem, self.errlog)
        except ValueError:  # the log is closed already
            return f"MCP server {self.config.name!r}: {problem}"


class SessionManager:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sessions: dict[tuple[str, str, tuple[tuple[str, str], ...]], _Session] = {}
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._failures: dict[str, tuple[int, float, str]] = {}  # server -> (count, retry_at, error)
        self.health: dict[str, ServerHealth] = {}

    # -- the loop ---------------------------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                # First use in this process (or a forked child): a fresh loop; inherited state is dropped.
                self._pid = os.getpid()
                self._sessions, self._limits, self._failures = {}, {}, {}
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="mcp-sessions", daemon=True).start()
                self._loop = loop
            return self._loop

    def _run(self, coro_fn: Callable[[], Coroutine[Any, Any, _T]], timeout: float) -> _T:
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(coro_fn(), loop)
        try:
            return future.result(timeout + CLOSE_GRACE_SECONDS + 1)
        except FutureTimeout:  # the loop itself is stuck: should never happen, but never hang a worker
            future.cancel()
            raise McpBridgeError(f"MCP bridge: no answer within {timeout:g} s") from None

    # -- public, synchronous ----------------------------------------------------------------------

    def call_tool(self, config: ServerConfig, tool: str, arguments: dict[str, Any], *,
                  env: Mapping[str, str] | None = None, timeout: float = 60,
                  execution_key: str | None = None) -> ToolResult:
        return self._run(lambda: self._with_session(
            config, env or {}, timeout, lambda client: call_on(client, tool, arguments, execution_key)), timeout)

    def list_tools(self, config: ServerConfig, *, env: Mapping[str, str] | None = None,
                   timeout: float = 60) -> list[dict[str, Any]]:
        return self._run(lambda: self._with_session(config, env or {}, timeout, list_on), timeout)

    def take_stale_tools(self) -> set[str]:
        """Servers that said their tool list changed since the last time this was asked."""
        stale = set()
        for session in list(self._sessions.values()):
            if session.stale_tools:
                session.stale_tools = False
                stale.add(session.config.name)
        return stale

    def close_all(self) -> None:
        """Close every session (stdio servers are stopped); the next call opens new ones."""
        if self._loop is None or self._pid != os.getpid():
            return

        async def close() -> None:
            sessions, self._sessions = list(self._sessions.values()), {}
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(CLOSE_GRACE_SECONDS + 5)
        except Exception:  # at exit, best effort
            logger.warning("closing MCP sessions failed", exc_info=True)

    # -- inside the loop --------------------------------------------------------------------------

    async def _with_session(self, config: ServerConfig, env: Mapping[str, str], timeout: float,
                            action: Callable[[Client], Awaitable[_T]]) -> _T:
        from mcp.shared.exceptions import MCPError
        from mcp_types import CONNECTION_CLOSED

        # The whole definition is part of the key: a changed config file never reuses an old session.
        key = (config.name, repr(config), tuple(sorted(env.items())))
        limit = self._limits.setdefault(config.name, asyncio.Semaphore(config.max_concurrency))
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                async with limit:
                    session = await self._open(key, config, env, timeout)
                    assert session.client is not None
                    result = await action(session.client)
        except TimeoutError:
            # A hung call may mean a wedged server: start afresh next time.
            await self._discard(key)
            raise self._failed(config, f"no answer within {timeout:g} s") from None
        except McpBridgeError:
            raise
        except MCPError as exc:
            if exc.code != CONNECTION_CLOSED:  # the server answered with a protocol error: it is up
                self._mark(config.name, "up")
                raise McpBridgeError(f"MCP server {config.name!r}: {_explain(config, exc)}") from exc
            broken = self._sessions.get(key)
            await self._discard(key)
            raise self._failed(config, _explain(config, exc), broken) from exc
        except Exception as exc:
            broken = self._sessions.get(key)
            await self._discard(key)
            raise self._failed(config, _explain(config, exc), broken) from exc
        self._mark(config.name, "up")
        return result

    async def _open(self, key: Any, config: ServerConfig, env: Mapping[str, str], timeout: float) -> _Session:
        session = self._sessions.get(key)
        if session is not None and session.client is not None and not session.stop.is_set():
            session.last_used = time.monotonic()
            return session
        await self._reap()
        if session is not None:
            await self._discard(key)
        _, retry_at, error = self._failures.get(config.name, (0, 0.0, ""))
        if time.monotonic() < retry_at:
            raise McpBridgeError(f"MCP server {config.name!r} is down ({error}); "
                                 f"next attempt in {retry_at - time.monotonic():.1f} s")
        session = self._sessions[key] = _Session(config, env, timeout)
        await session.opened.wait()
        if session.client is None:
            self._sessions.pop(key, None)
            problem = _explain(config, session.error) if session.error else "the session ended at once"
            raise self._failed(config, problem, session, backoff=True)
        self._failures.pop(config.name, None)
        return session

    async def _reap(self) -> None:
        now = time.monotonic()
        by_age = sorted(self._sessions.items(), key=lambda item: item[1].last_used)
        for n, (key, session) in enumerate(by_age):
            if now - session.last_used > IDLE_SECONDS or len(by_age) - n >= MAX_SESSIONS:
                await self._discard(key)

    async def _discard(self, key: Any) -> None:
        session = self._sessions.pop(key, None)
        if session is not None:
            asyncio.get_running_loop().create_task(session.close())

    def _failed(self, config: ServerConfig, problem: str, session: _Session | None = None, *,
                backoff: bool = False) -> McpBridgeError:
        """Record a failure; one to connect also delays the next attempt (doubling, up to BACKOFF_MAX).
        A call that broke its session just drops it: the next call reconnects at once."""
        if backoff:
            count = self._failures.get(config.name, (0, 0.0, ""))[0]
            delay = min(BACKOFF_MAX, BACKOFF_MIN * 2**count)
            self._failures[config.name] = (count + 1, time.monotonic() + delay, problem)
        self._mark(config.name, "down", problem)
        return McpBridgeError(session.describe(problem) if session is not None
                              else f"MCP server {config.name!r}: {problem}")

    def _mark(self, server: str, state: str, error: str = "") -> None:
        health = self.health.get(server)
        if health is None or health.state != state or health.error != error:
            self.health[server] = ServerHealth(state, error)


_manager = SessionManager()
atexit.register(_manager.close_all)


def sessions() -> SessionManager:
    return _manager
