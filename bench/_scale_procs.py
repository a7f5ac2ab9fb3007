"""Processes for bench/scale_out.py: the command lines `manage.py runstack` uses, started and stopped, and
their CPU time read from /proc (Linux), so that each process's share of the machine's cores can be printed."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the command lines of runstack, read at run time --------------------------------------------------


class _NotStarted:
    """Stands for a child runstack would have started: alive, never exits."""

    pid, returncode = 0, None

    def poll(self) -> None:
        return None


def runstack_web_argv(port: int) -> list[str]:
    """The web command line `manage.py runstack --port PORT` would start.

    Its own code decides it (nothing is started): whatever ASGI server and options it uses when this runs is
    what is measured. Needs Django set up.
    """
    from incidents.management.commands import runstack

    captured: dict[str, list[str]] = {}

    class Capture(runstack.Command):
        def _spawn(self, name: str, argv: list[str], *args: Any, **kwargs: Any) -> Any:
            captured[name] = list(argv)
            child = _NotStarted()
            self.children.append(runstack.Child(name, child))  # type: ignore[arg-type]
            return child

        def _wait_for(self, *args: Any, **kwargs: Any) -> None:
            return None

    command = Capture()
    options = vars(
        command.create_parser("manage.py", "runstack").parse_args(["--host", "127.0.0.1", "--port", str(port)])
    )
    command.children, command.stopping = [], False
    command._start_all(options)
    if "web" not in captured:
        raise SystemExit(
            f"runstack started no 'web' child (it started {sorted(captured)}): "
            f"bench/_scale_procs.py needs to learn its new process layout"
        )
    return captured["web"]


def worker_argv(hostname: str) -> list[str]:
    """A worker replica as production runs one (docker-compose.yml, the Helm chart), with one pool process."""
    from aiops_project.schedules import ALL_QUEUES

    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "aiops_project",
        "worker",
        "--loglevel",
        "INFO",
        "--queues",
        ",".join(ALL_QUEUES),
        "--concurrency",
        "1",
        "--hostname",
        hostname,
    ]


# -- started processes ----------------------------------------------------------------------------------


@dataclass
class Proc:
    """A process of ours in a session of its own, its output in a log file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        with self.log.open("wb") as log_file:
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{self.name} exited with code {self.process.returncode}:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown; a Celery worker stops its pool itself
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_http(proc: Proc, port: int, path: str = "/ready", timeout: float = 90) -> None:
    """Until the web process answers `path` with 200."""
    deadline = time.monotonic() + timeout
    while True:
        proc.check_alive()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise SystemExit(f"{proc.name} did not answer GET {path} with 200 within {timeout:.0f} s")
        time.sleep(0.2)


# -- CPU time from /proc ----------------------------------------------------------------------------


def _all_stats() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, command name, CPU ticks of it and its reaped children)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), comm, sum(int(v) for v in fields[11:15]))
    return stats


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _machine_busy_ticks() -> int:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


class CpuMeter:
    """CPU seconds of named process trees (a pid and its descendants), of PostgreSQL's backends serving
    `database` and of its other processes (background writers, other databases: shared with anyone), of the
    redis-server on `redis_port`, of this process, and of the whole machine; `share()` over a window.

    A backend that exits hands its CPU time to the postmaster's, so the backends of `database` are sampled
    every 0.5 s during the window: what one used before it exited is still counted as this database's."""

    def __init__(self, trees: dict[str, int], database: str, redis_port: int) -> None:
        self.trees, self.database, self.redis_port = trees, database, redis_port
        self._start: dict[str, int] = {}
        self._base: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = self.wall = 0.0

    def _sample(self) -> tuple[dict[str, int], dict[int, int]]:
        """Ticks per name, and per backend of `database`."""
        stats = _all_stats()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)

        def tree(root: int) -> int:
            todo, ticks = [root], 0
            while todo:
                pid = todo.pop()
                ticks += stats.get(pid, (0, "", 0))[2]
                todo.extend(children.get(pid, []))
            return ticks

        ticks = {name: tree(pid) for name, pid in self.trees.items()}
        postgres = {pid: t for pid, (_, comm, t) in stats.items() if comm.startswith("postgres")}
        ticks["postgres"] = sum(postgres.values())
        ours = {pid: t for pid, t in postgres.items() if f" {self.database} " in _cmdline(pid)}
        ticks["Redis"] = sum(
            t
            for pid, (_, comm, t) in stats.items()
            if comm.startswith("redis-server") and f":{self.redis_port}" in _cmdline(pid)
        )
        ticks["bench (client)"] = tree(os.getpid()) - sum(ticks[name] for name in self.trees)
        ticks["machine"] = _machine_busy_ticks()
        return ticks, ours

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self._last.update(self._sample()[1])

    def start(self) -> None:
        self._start, self._base = self._sample()
        self._last, self._t0 = dict(self._base), time.monotonic()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="cpu-meter", daemon=True)
        self._thread.start()

    def share(self) -> dict[str, float]:
        """Per name, the share of one core used since start() (1.0 = a whole core; the machine has os.cpu_count())."""
        end, ours = self._sample()
        self.wall = time.monotonic() - self._t0
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._last.update(ours)
        delta = {name: end[name] - self._start.get(name, 0) for name in end}
        ours_ticks = sum(t - self._base.get(pid, 0) for pid, t in self._last.items())
        postgres = delta.pop("postgres")
        delta = {
            **{k: v for k, v in delta.items() if k in self.trees},
            "postgres (this db)": ours_ticks,
            "postgres (rest)": max(postgres - ours_ticks, 0),
            **{k: v for k, v in delta.items() if k not in self.trees},
        }
        return {name: ticks / CLOCK_TICKS / self.wall for name, ticks in delta.items()}


def format_shares(shares: dict[str, float]) -> str:
    known = sum(v for k, v in shares.items() if k != "machine")
    others = max(shares["machine"] - known, 0.0)
    parts = [f"{name} {100 * value:3.0f}%" for name, value in shares.items() if name != "machine"]
    return (
        ", ".join(parts) + f"; other processes {100 * others:3.0f}%; machine busy {100 * shares['machine']:3.0f}% "
        f"of {100 * (os.cpu_count() or 1)}%"
    )
