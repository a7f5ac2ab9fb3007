"""The supervisor: a process of the stack that dies is started again (and the log says so); one that keeps dying
stops everything, and the exit code says so. With a Telegram bot token and no webhook, Telegram's poller is one of
the processes (the loopback Bot API answers it)."""

from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.botapi import telegram_bot_api
from tests.helpers import child_pids, eventually
from tests.stack import running_stack, wait_ready

pytestmark = [pytest.mark.e2e]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except (urllib.error.URLError, OSError):
        return 0, {}


def test_a_killed_process_is_restarted_and_the_stack_keeps_serving(tmp_path, migrated_sqlite):
    with telegram_bot_api() as telegram, running_stack(tmp_path, migrated_sqlite, TELEGRAM_BOT_TOKEN=telegram.token,
                                                       TELEGRAM_API_BASE_URL=telegram.url) as stack:
        children = child_pids(stack.process.pid)
        assert [cmd for cmd in children.values() if "telegram_poll" in cmd], "polling: no webhook is configured"
        telegram.send_update({"update_id": 301, "message": {
            "message_id": 1, "date": 1764400000, "chat": {"id": 42, "type": "private"}, "text": "/help",
            "from": {"id": 42, "is_bot": False, "first_name": "Ana"}}})
        [answer] = eventually(lambda: telegram.sent("sendMessage"), "the poller's update answered by the worker", 30)
        assert int(answer["chat_id"]) == 42 and "approve <id\\>" in answer["text"]
        background = next(pid for pid, cmd in children.items() if "runbackground" in cmd)
        web = next(pid for pid, cmd in children.items() if "uvicorn" in cmd)
        assert get(f"{stack.base_url}/ready")[1]["workers"]["required"] is True  # runstack's web needs its worker

        os.kill(background, signal.SIGKILL)
        eventually(lambda: "background exited with code -9; restarting in 1s (restart 1 of 5 in 60s)" in stack.log(),
                   "the supervisor to say it restarts the worker", 30, 0.2, explain=lambda: stack.log()[-3000:])
        assert get(f"{stack.base_url}/health")[0] == 200  # the web process serves meanwhile
        new_background = eventually(
            lambda: next((pid for pid, cmd in child_pids(stack.process.pid).items()
                          if "runbackground" in cmd and pid != background), None), "a new worker", 30, 0.2)
        wait_ready(stack.base_url, stack.process, timeout=60)

        os.kill(web, signal.SIGKILL)
        eventually(lambda: "web exited with code -9; restarting in 1s" in stack.log(), "the web restart", 30, 0.2)
        wait_ready(stack.base_url, stack.process, timeout=60)
        assert stack.process.poll() is None, "the stack still runs"

        # A paused worker stops beating: /ready turns 503 naming it, and 200 again once it goes on.
        os.killpg(new_background, signal.SIGSTOP)
        try:
            _status, body = eventually(lambda: (answer := get(f"{stack.base_url}/ready"))[0] == 503 and answer,
                                      "/ready to see no live worker", 60, 0.5)
        finally:
            os.killpg(new_background, signal.SIGCONT)
        assert set(body["failed"]) == {"worker"}, body
        assert body["failed"]["worker"].startswith("no live worker (last heartbeat "), body
        wait_ready(stack.base_url, stack.process, timeout=60)
        # A restarted process hears SIGINT and SIGTERM (the supervisor's own loop blocks them): stopping the
        # stack stops it gracefully rather than killing it after the grace, mid-task.
        assert not blocked_signals(new_background) & {signal.SIGINT, signal.SIGTERM}
    # The poller stopped cleanly with the stack: it confirmed the update it handed over (offset = its id + 1).
    assert int(telegram.sent("getUpdates")[-1]["offset"]) == 302 and "telegram exited" not in stack.log()


def blocked_signals(pid: int) -> set[int]:
    mask = int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("SigBlk:")), 16)
    return {number for number in range(1, 65) if mask & (1 << (number - 1))}


def test_a_process_that_keeps_dying_stops_the_whole_stack(tmp_path, migrated_sqlite):
    with running_stack(tmp_path, migrated_sqlite, AIOPS_SUPERVISOR_MAX_RESTARTS="1") as stack:
        children = child_pids(stack.process.pid)
        web = next(pid for pid, cmd in children.items() if "uvicorn" in cmd)
        os.kill(web, signal.SIGKILL)
        eventually(lambda: "web restarted" in stack.log(), "the web restart", 30, 0.2)
        again = eventually(lambda: next((pid for pid, cmd in child_pids(stack.process.pid).items()
                                         if "uvicorn" in cmd and pid != web), None), "the new web process", 30, 0.2,
                           explain=lambda: stack.log()[-3000:])
        os.kill(again, signal.SIGKILL)
        eventually(lambda: stack.process.poll() is not None, "the stack to stop", 60, 0.2)
        assert stack.process.returncode == 1, stack.log()[-3000:]
        assert "web exited with code -9; 1 restarts in 60s already: stopping the stack" in stack.log()
        assert not [pid for pid in children if alive(pid)], "every other process of the stack was stopped"
