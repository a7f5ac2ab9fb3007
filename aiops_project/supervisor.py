"""The supervisor of `manage.py runstack`, run as a script (never imported: the package's __init__ loads Celery).

runstack starts the stack's processes with Django loaded, then replaces itself (exec, same pid) with this
script, which imports neither Django nor the apps: ~10 MiB instead of ~150 MiB for a loop that waits. The
processes stay its children: it reaps them with waitpid. If one exits, every other is stopped (in reverse
order of start: producers first, Redis last) and the exit code is 1; Ctrl-C or SIGTERM stops all with 0.

    python aiops_project/supervisor.py runstack '[["redis", 123], ["web", 124], ...]'
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from types import FrameType

STOP_SECONDS = 15  # each process's grace after SIGTERM before SIGKILL
CHECK_SECONDS = 5.0  # the children are looked at this often even if no signal says one exited
WAITED_SIGNALS = {signal.SIGCHLD, signal.SIGINT, signal.SIGTERM}


class Supervisor:
    def __init__(self, children: list[tuple[str, int]]) -> None:
        self.children = children
        self.exit_codes: dict[int, int] = {}
        self.stopping = False

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
            for name, pid in self.children:
                if (code := self.reap(pid)) is not None:
                    print(f"{name} exited with code {code}; stopping the stack", file=sys.stderr, flush=True)
                    return 1
            info = signal.sigtimedwait(WAITED_SIGNALS, CHECK_SECONDS)
            if info is not None and info.si_signo != signal.SIGCHLD:
                self.stopping = True
        return 0

    def stop_all(self) -> None:
        for _, pid in reversed(self.children):
            if self.reap(pid) is None:
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            while self.reap(pid) is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.reap(pid) is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        print("Stack stopped.", flush=True)


def main(argv: list[str]) -> int:
    children = [(str(name), int(pid)) for name, pid in json.loads(argv[2])]
    supervisor = Supervisor(children)
    signal.signal(signal.SIGINT, supervisor.on_signal)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    code = supervisor.supervise()
    supervisor.stop_all()
    if code:
        print("CommandError: a process of the stack exited unexpectedly; everything was stopped", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
