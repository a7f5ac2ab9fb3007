"""The supervisor of `manage.py runstack`, run as a script (never imported: the package's __init__ loads Celery).

runstack starts the stack's processes with Django loaded, then replaces itself (exec, same pid) with this
script, which imports neither Django nor the apps: ~10 MiB instead of ~150 MiB for a loop that waits. The
processes stay its children: it reaps them with waitpid. If one exits, it is started again with the same command
line and environment, after a backoff (1 s, doubling up to 30 s), and the log says so:

    worker exited with code -9; restarting in 1s (restart 2 of 5 in 60s)

A process that needs more than MAX_RESTARTS restarts within WINDOW_SECONDS is not getting better: then every
process is stopped (in reverse order of start: producers first, Redis last) and the exit code is 1. Ctrl-C or
SIGTERM stops all with 0.

    python aiops_project/supervisor.py runstack '[{"name": "redis", "pid": 123, "argv": [...], "env": {...}}, ...]'

`env` holds only what a child's environment adds to the supervisor's own (which it inherits from runstack), so the
command line carries no secrets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from types import FrameType

STOP_SECONDS = 15  # each process's grace after SIGTERM before SIGKILL
CHECK_SECONDS = 5.0  # the children are looked at this often even if no signal says one exited
WAITED_SIGNALS = {signal.SIGCHLD, signal.SIGINT, signal.SIGTERM}
MAX_RESTARTS = int(os.environ.get("AIOPS_SUPERVISOR_MAX_RESTARTS", "5"))
WINDOW_SECONDS = float(os.environ.get("AIOPS_SUPERVISOR_WINDOW_SECONDS", "60"))
FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 1.0, 30.0


@dataclass
class Child:
    name: str
    pid: int | None
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    restarts: deque[float] = field(default_factory=deque)  # when it was restarted, within the window
    restart_at: float | None = None  # exited: started again at this time (monotonic)
    backoff: float = FIRST_BACKOFF_SECONDS
    quiet: bool = False  # its stdout to /dev/null, as runstack started it (redis-server's banner)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _unblock_waited_signals() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WAITED_SIGNALS)


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.exit_codes: dict[int, int] = {}
        self.stopping = False
        self.gave_up = False

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def reap(self, pid: int) -> int | None:
        """The exit code of `pid` once it has exited (negative: killed by that signal), else None."""
        if pid not in self.exit_codes:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # reaped already or not ours: gone either way
                done, status = pid, 0
            if done == pid:
                self.exit_codes[pid] = os.waitstatus_to_exitcode(status)
        return self.exit_codes.get(pid)

    def supervise(self) -> int:
        # Asleep until a child exits or Ctrl-C/SIGTERM arrives (all three blocked and waited for), not awake every
        # 0.3 s to look: 0.02% of a core idle, the supervisor's whole CPU. A look every CHECK_SECONDS regardless.
        signal.pthread_sigmask(signal.SIG_BLOCK, WAITED_SIGNALS)
        while not self.stopping:
            now = time.monotonic()
            for child in self.children:
                exited = self.reap(child.pid) if child.pid is not None else None
                if exited is not None and not self.schedule_restart(child, exited, now):
                    return 1
                if child.restart_at is not None and child.restart_at <= now:
                    self.restart(child)
                if self.gave_up:
                    return 1
            due = [c.restart_at - now for c in self.children if c.restart_at is not None]
            info = signal.sigtimedwait(WAITED_SIGNALS, max(0.05, min([CHECK_SECONDS, *due])))
            if info is not None and info.si_signo != signal.SIGCHLD:
                self.stopping = True
        return 0

    def schedule_restart(self, child: Child, code: int, now: float) -> bool:
        """Plan `child`'s restart after its backoff; False (said why) past MAX_RESTARTS within the window."""
        child.pid = None
        while child.restarts and now - child.restarts[0] > WINDOW_SECONDS:
            child.restarts.popleft()
        if not child.restarts:
            child.backoff = FIRST_BACKOFF_SECONDS  # quiet for a window: a new crash starts from the first backoff
        if not child.argv or len(child.restarts) >= MAX_RESTARTS:
            why = "no command to restart it with" if not child.argv else \
                f"{len(child.restarts)} restarts in {WINDOW_SECONDS:g}s already"
            say(f"{child.name} exited with code {code}; {why}: stopping the stack")
            return False
        child.restarts.append(now)
        child.restart_at = now + child.backoff
        say(f"{child.name} exited with code {code}; restarting in {child.backoff:g}s "
            f"(restart {len(child.restarts)} of {MAX_RESTARTS} in {WINDOW_SECONDS:g}s)")
        child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
        return True

    def restart(self, child: Child) -> None:
        child.restart_at = None
        try:
            # A session of its own, as runstack started it: Ctrl-C reaches only this supervisor. The signals this
            # loop waits for are blocked here, and a child inherits the mask through exec: unblocked in the child,
            # or it would never hear SIGTERM and be killed at every stop (a worker mid-task included).
            process = subprocess.Popen(child.argv, env={**os.environ, **child.env}, start_new_session=True,
                                       stdout=subprocess.DEVNULL if child.quiet else None,
                                       preexec_fn=_unblock_waited_signals)
        except OSError as exc:
            say(f"{child.name} could not be started again: {exc}")
            child.pid = None
            if not self.schedule_restart(child, 127, time.monotonic()):
                self.gave_up = True
            return
        child.pid = process.pid
        process.returncode = 0  # reaped by this supervisor's waitpid, never by Popen
        say(f"{child.name} restarted (pid {child.pid})")

    def stop_all(self) -> None:
        for child in reversed(self.children):
            if (pid := child.pid) is None:
                continue
            if self.reap(pid) is None:
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            while self.reap(pid) is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.reap(pid) is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        print("Stack stopped.", flush=True)


def parse_plan(raw: str) -> list[Child]:
    children = []
    for entry in json.loads(raw):
        if isinstance(entry, list):  # [name, pid]: a process nobody can restart
            children.append(Child(str(entry[0]), int(entry[1])))
        else:
            children.append(Child(str(entry["name"]), int(entry["pid"]), [str(a) for a in entry.get("argv", [])],
                                  {str(k): str(v) for k, v in entry.get("env", {}).items()},
                                  quiet=bool(entry.get("quiet", False))))
    return children


def main(argv: list[str]) -> int:
    supervisor = Supervisor(parse_plan(argv[2]))
    signal.signal(signal.SIGINT, supervisor.on_signal)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    code = supervisor.supervise()
    supervisor.stop_all()
    if code:
        say("CommandError: a process of the stack kept exiting; everything was stopped")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
