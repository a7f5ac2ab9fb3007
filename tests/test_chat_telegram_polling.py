"""Telegram without a public URL: the poller (chat/telegram_poller.py) long-polls the loopback Bot API's getUpdates
and hands each update to the webhook's own path, so a message gets the same answer either way and an update_id is
handled once; only the leader of the "telegram" lease polls; errors never end it; it runs only when no webhook is
configured. (`make run` running it as a process of its own: tests/test_runstack.py.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.app.task import Task
from kombu.exceptions import OperationalError as BrokerError
from structlog.testing import capture_logs

from chat.adapters.telegram import TelegramAdapter
from chat.telegram_poller import TelegramPoller
from tests.botapi import WEBHOOK_CONFLICT, BotApi, telegram_bot_api
from tests.helpers import eventually, free_port
from tests.test_chat_telegram import SECRET, post, text_update
from tests.test_settings import run_manage

# Transactional: the electors' threads claim the lease on connections of their own.
in_threads = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bot_api(settings: Any) -> Iterator[BotApi]:
    with telegram_bot_api() as api:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL = api.token, api.url
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET  # the webhook route stays open beside the poller
        yield api


class Broker(list[tuple[Task, tuple[Any, ...]]]):
    """What is sent to the worker (by the poller's thread or the webhook), for the test to run as the worker would;
    while `down`, a send fails as Celery's does when Redis cannot be reached."""

    down = 0


@pytest.fixture
def enqueued(monkeypatch: Any) -> Broker:
    broker = Broker()

    def apply_async(self: Task, args: tuple[Any, ...] = (), kwargs: Any = None, **options: Any) -> None:
        if broker.down:
            broker.down -= 1
            raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")
        broker.append((self, args))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return broker


@contextmanager
def polling(identity: str) -> Iterator[TelegramPoller]:
    """A poller in a thread of its own, as `manage.py telegram_poll` runs it; stopped (and joined) at the end."""
    adapter = TelegramAdapter.from_settings()
    assert adapter is not None
    poller = TelegramPoller(adapter, identity=identity)
    thread = threading.Thread(target=poller.run, name=f"poller-{identity}", daemon=True)
    thread.start()
    try:
        yield poller
    finally:
        poller.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), f"poller {identity} did not stop within 10 s"


def work(enqueued: Broker) -> list[str]:
    names = []
    while enqueued:
        task, args = enqueued.pop(0)
        names.append(f"{task.name}{args[0], args[1]['update_id']}")
        task.run(*args)
    return names


@in_threads
def test_a_message_by_polling_is_answered_as_by_the_webhook_and_an_update_id_is_handled_once(client, bot_api,
                                                                                              enqueued):
    bot_api.set_webhook("https://old.example.com/api/webhook/telegram")  # left from before: polling deletes it
    with capture_logs() as logs, polling("replica-a"), polling("replica-b"):
        bot_api.send_update(text_update(101, 42, "/help"))
        eventually(lambda: len(enqueued) == 1, "the polled update to be enqueued", 15)
        assert post(client, text_update(102, 42, "/help")).status_code == 200  # the same words by the webhook
        bot_api.send_update(text_update(102, 42, "/help"))  # and that very update again by polling
        eventually(lambda: len(enqueued) == 3, "the repeat to be enqueued", 15)
        assert bot_api.conflicts == []  # one poller at a time: the standby never asked
    assert bot_api.webhook_url == "" and len(bot_api.sent("deleteWebhook")) == 1
    assert [e["url"] for e in logs if e["event"] == "telegram_webhook_deleted"] == [
        "https://old.example.com/api/webhook/telegram"]

    assert work(enqueued) == ["chat.tasks.handle_update('telegram', 101)", "chat.tasks.handle_update('telegram', 102)",
                              "chat.tasks.handle_update('telegram', 102)"]
    by_polling, by_webhook = bot_api.sent("sendMessage")  # the repeat of 102 was not answered
    assert by_polling == by_webhook and "approve <id\\>" in by_polling["text"]
    # The clean stop confirmed what was handed over: Telegram would not send it to the next poller.
    assert int(bot_api.sent("getUpdates")[-1]["offset"]) == 103 and bot_api.pending == []


@in_threads
def test_a_webhook_set_meanwhile_a_broker_or_api_away_or_a_revoked_token_never_end_the_poller(bot_api, enqueued,
                                                                                              settings):
    with capture_logs() as logs, polling("only") as poller:
        eventually(lambda: bot_api.sent("getUpdates"), "the first long poll")
        bot_api.set_webhook("https://elsewhere.example.com/hook")  # the long poll under way gets 409
        bot_api.send_update(text_update(201, 42, "/help"))
        eventually(lambda: len(enqueued) == 1, "the update, once the webhook is deleted again", 15)
        assert bot_api.conflicts == [WEBHOOK_CONFLICT] and bot_api.webhook_url == ""

        enqueued.down = 1  # Redis is away for a moment: the update stays unconfirmed, and is fetched again
        bot_api.send_update(text_update(202, 42, "/help"))
        eventually(lambda: len(enqueued) == 2, "the update, once the broker takes it", 15)
        [failed] = [e for e in logs if e["event"] == "telegram_poll_failed"]
        assert "OperationalError" in failed["error"] and failed["offset"] == 202 and "exc_info" not in failed

        bot_api.revoke_token()
        eventually(lambda: any(e["event"] == "telegram_token_refused" for e in logs), "the refusal said")
        assert poller.offset == 203  # waiting 10 minutes for a better token; stop() still ends it at once

    settings.TELEGRAM_API_BASE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with capture_logs() as logs, polling("only"):
        eventually(lambda: [e for e in logs if e["event"] == "telegram_poll_failed"], "the network error said")
    [failed, *_] = [e for e in logs if e["event"] == "telegram_poll_failed"]
    assert failed["log_level"] == "warning" and failed["retry_in"] == 1.0 and "NetworkError" in failed["error"]


@pytest.mark.once
def test_the_poller_runs_only_without_a_webhook_and_a_webhook_mode_without_its_secret_is_refused(tmp_path):
    token = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token"}
    by_webhook = run_manage(tmp_path, "telegram_poll", **token, TELEGRAM_WEBHOOK_SECRET=SECRET)
    assert by_webhook.returncode == 0, by_webhook.stderr
    assert "Telegram polling is off (TELEGRAM_MODE=auto with TELEGRAM_WEBHOOK_SECRET set" in by_webhook.stdout
    no_secret = run_manage(tmp_path, "telegram_poll", **token, TELEGRAM_MODE="webhook")
    assert no_secret.returncode != 0 and "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET" in no_secret.stderr



@pytest.mark.django_db
def test_without_a_webhook_secret_the_webhook_is_off_and_registering_one_while_polling_is_refused(client, bot_api,
                                                                                                   settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.TELEGRAM_WEBHOOK_SECRET = ""
    response = post(client, text_update(1, 42, "/help"), secret="")
    assert response.status_code == 404 and "TELEGRAM_WEBHOOK_SECRET is unset" in response.json()["detail"]
    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("telegram_webhook", "--url", "https://aiops.example.com/api/webhook/telegram")
    settings.TELEGRAM_WEBHOOK_SECRET, settings.TELEGRAM_POLLING = SECRET, True  # TELEGRAM_MODE=polling
    with pytest.raises(CommandError, match="would delete this webhook"):
        call_command("telegram_webhook", "--url", "https://aiops.example.com/api/webhook/telegram")
    assert bot_api.sent("setWebhook") == []
