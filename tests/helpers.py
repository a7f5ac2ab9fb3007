"""What every kind of test shares: a free loopback port, and waiting for a condition instead of sleeping.

    pod = eventually(lambda: pods_of(core, ns, "web"), "a pod of shop/web")
    await eventually_async(lambda: statuses() == ["firing"], "the firing transition")

A wait polls its probe until it returns something truthy and returns that; past the timeout it fails naming
what never came (and, with `explain`, what the test's processes said meanwhile).
"""

from __future__ import annotations

import asyncio
import inspect
import signal
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(probe: Callable[[], T], what: str = "the condition", timeout: float = 30, interval: float = 0.05,
               explain: Callable[[], str] | None = None) -> T:
    """Poll `probe` until it returns something truthy; return that. Fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}" + (f"\n{explain()}" if explain else ""))
        time.sleep(interval)
    return found


async def eventually_async(probe: Callable[[], T | Awaitable[T]], what: str = "the condition", timeout: float = 30,
                           interval: float = 0.05) -> T:
    """`eventually` for a test whose event loop must keep serving (kmock) while it waits; `probe` may return an
    awaitable (a blocking check run off the loop with tests.threads.in_thread)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if inspect.isawaitable(found):
            found = await found
        if found:
            return found  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}; last answer: {found!r}")
        await asyncio.sleep(interval)


def accepts_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def running(process: subprocess.Popen[Any], what: str) -> bool:
    """True while `process` runs; fails with the end of its stderr (when piped) once it has exited."""
    if process.poll() is None:
        return True
    stderr = (process.communicate()[1] if process.stderr else None) or b""
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    raise AssertionError(f"{what} exited with {process.returncode}: {text[-2000:]}")


def wait_listening(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 30) -> None:
    """Until something accepts connections on the loopback port; fails at once, with its stderr, if `process` dies."""
    try:
        eventually(lambda: running(process, what) and accepts_connections(port), f"{what} to listen on port {port}",
                   timeout)
    except AssertionError:
        stop(process, signal.SIGKILL)
        raise


def stop(process: subprocess.Popen[Any], sig: int = signal.SIGTERM, timeout: float = 15) -> int:
    """Signal `process` (SIGINT: Ctrl-C, as a person would), kill it if it does not exit in time; its exit code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def child_pids(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found
