"""The supervisor: if one process of the stack dies, everything is stopped and the exit code says so."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.helpers import eventually
from tests.stack import running_stack

pytestmark = [pytest.mark.e2e]


def child_pids(pid: int) -> dict[int, str]:
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


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_dying_process_stops_the_whole_stack(tmp_path, migrated_sqlite):
    with running_stack(tmp_path, migrated_sqlite) as stack:
        children = child_pids(stack.process.pid)
        web = next(pid for pid, cmd in children.items() if "uvicorn" in cmd)
        assert any("runbackground" in cmd for cmd in children.values())  # the worker with beat and the watcher
        os.kill(web, signal.SIGKILL)
        eventually(lambda: stack.process.poll() is not None, "the stack to stop", 60, 0.2)
        assert stack.process.returncode == 1, stack.log()[-3000:]
        assert "web exited with code -9; stopping the stack" in stack.log()
        assert not [pid for pid in children if alive(pid)], "every other process of the stack was stopped"
