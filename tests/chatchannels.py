"""The notification channels on their wire protocols (loopback Telegram Bot API and Slack Web API, reached through
the clients' base-URL settings), and a stand-in worker that runs what the outbox sends, in order."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from celery.app.task import Task

from chat.adapters.slack import bolt_app
from tests.botapi import BotApi, telegram_bot_api
from tests.slackapi import SlackApi, slack_web_api

TELEGRAM_CHAT, SLACK_CHANNEL = "-100777", "COPS"


@dataclass
class Channels:
    telegram: BotApi
    slack: SlackApi

    def telegram_texts(self) -> list[str]:
        """As people read them: MarkdownV2's escapes taken off."""
        return [re.sub(r"\\(.)", r"\1", m["text"]) for m in self.telegram.sent("sendMessage")
                if str(m["chat_id"]) == TELEGRAM_CHAT]

    def slack_texts(self) -> list[str]:
        return [m["blocks"][0]["text"]["text"] for m in self.slack.sent("chat.postMessage")
                if m["channel"] == SLACK_CHANNEL]


@contextmanager
def notification_channels(settings: Any) -> Iterator[Channels]:
    """Both platforms configured as notification channels (TELEGRAM_NOTIFY_CHAT_ID, SLACK_NOTIFY_CHANNEL)."""
    with telegram_bot_api() as telegram, slack_web_api() as slack:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL = telegram.token, telegram.url
        settings.TELEGRAM_NOTIFY_CHAT_ID = TELEGRAM_CHAT
        settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET = "xoxb-notices", "slack-signing-secret-notices"
        settings.SLACK_API_BASE_URL, settings.SLACK_NOTIFY_CHANNEL = slack.url, SLACK_CHANNEL
        bolt_app.cache_clear()
        try:
            yield Channels(telegram, slack)
        finally:
            bolt_app.cache_clear()


@pytest.fixture(name="worker")
def worker_fixture(monkeypatch: Any) -> Callable[[], list[str]]:
    """Collects the tasks sent (from any thread: a live server's too); `worker()` runs them, and what they send,
    to the end, and returns their names. Outside a test transaction (on_commit hooks run at each commit)."""
    queue: list[tuple[Task, tuple[Any, ...]]] = []
    lock = threading.Lock()

    def send(self: Task, args: Any = (), kwargs: Any = None, **options: Any) -> None:
        with lock:
            queue.append((self, tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", send)

    def run() -> list[str]:
        names = []
        while True:
            with lock:
                if not queue:
                    return names
                task, args = queue.pop(0)
            names.append(task.name)
            task.run(*args)

    return run
