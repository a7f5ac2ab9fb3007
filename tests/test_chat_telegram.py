"""Telegram, end to end over its wire protocol: webhook updates in (secret token checked), python-telegram-bot
calls out to a loopback Bot API, buttons for approvals, Markdown escaped, long output split."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chat import tasks
from chat.models import ChatIdentity
from remediation.models import Approval
from tests.botapi import BotApi, telegram_bot_api
from tests.factories import make_pending_approval, make_user

pytestmark = pytest.mark.django_db
SECRET = "s3cret-token_with-enough-entropy"
URL = "/api/webhook/telegram"


@pytest.fixture
def bot_api(settings: Any) -> Iterator[BotApi]:
    with telegram_bot_api() as api:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_WEBHOOK_SECRET = api.token, SECRET
        settings.TELEGRAM_API_BASE_URL = api.url
        yield api


def text_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Ana", "username": "ana"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1764400000, "from": user,
                                                "chat": {"id": user_id, "type": "private"}, "text": text}}


def button_update(update_id: int, user_id: int, data: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Ana"}
    message = {"message_id": 7, "date": 1764400000, "chat": {"id": user_id, "type": "private"}, "text": "card"}
    return {"update_id": update_id, "callback_query": {"id": "cb-1", "from": user, "chat_instance": "x",
                                                      "message": message, "data": data}}


def post(client: Any, payload: Any, secret: str | None = SECRET) -> Any:
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    return client.post(URL, payload, content_type="application/json", **headers)


def test_the_webhook_checks_the_secret_token_and_enqueues_after_commit(client, bot_api,
                                                                       django_capture_on_commit_callbacks):
    assert post(client, text_update(1, 42, "/help"), secret=None).status_code == 403
    assert post(client, text_update(1, 42, "/help"), secret="wrong").status_code == 403
    assert post(client, "[1, 2]").status_code == 400
    assert post(client, {"message": {}}).status_code == 400
    with django_capture_on_commit_callbacks() as callbacks:
        assert post(client, text_update(1, 42, "/help")).status_code == 200
    assert len(callbacks) == 1
    assert bot_api.calls == []  # nothing was answered by the request itself


def test_without_credentials_the_adapter_is_off(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    assert post(client, text_update(1, 42, "/help")).status_code == 404


def test_a_message_is_answered_through_the_bot_api_with_markdown_escaped(bot_api):
    tasks.handle_update("telegram", text_update(10, 42, "/help"))
    [sent] = bot_api.sent("sendMessage")
    assert sent["chat_id"] in (42, "42") and sent["parse_mode"] == "MarkdownV2"
    assert "approve <id\\>" in sent["text"] and "\\(yes / no" in sent["text"]  # escaped for MarkdownV2


def test_the_same_update_delivered_twice_is_answered_once(bot_api):
    tasks.handle_update("telegram", text_update(11, 42, "/help"))
    tasks.handle_update("telegram", text_update(11, 42, "/help"))
    assert len(bot_api.sent("sendMessage")) == 1


def test_approval_cards_carry_buttons_and_a_button_press_decides(bot_api):
    approval = make_pending_approval()
    ChatIdentity.objects.create(user=make_user("oncall", "remediation.approve_medium"), telegram_user_id=42)

    tasks.handle_update("telegram", text_update(20, 42, "/approval list"))
    card = bot_api.sent("sendMessage")[-1]
    buttons = card["reply_markup"]["inline_keyboard"][0]
    assert [(b["text"], b["callback_data"]) for b in buttons] == [
        ("Approve", f"approve:{approval.pk}"), ("Reject", f"reject:{approval.pk}")]

    tasks.handle_update("telegram", button_update(21, 42, f"approve:{approval.pk}"))
    assert bot_api.sent("answerCallbackQuery") == [{"callback_query_id": "cb-1"}]
    assert "approved" in bot_api.sent("sendMessage")[-1]["text"]
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED and approval.decided_via == "telegram"


def test_long_output_is_split_at_the_platforms_limit(bot_api):
    from chat.adapters.telegram import TelegramAdapter
    from chat.messages import Reply

    adapter = TelegramAdapter.from_settings()
    assert adapter is not None
    adapter.send_message("42", Reply("\n".join(f"line {n} " + "x" * 90 for n in range(200)), monospace=True))
    pieces = bot_api.sent("sendMessage")
    assert len(pieces) == 5 and all(len(p["text"]) <= 4096 for p in pieces)
    assert all(p["text"].startswith("```") for p in pieces)


def test_the_webhook_command_registers_url_secret_and_menu(bot_api):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("telegram_webhook", "--url", "https://aiops.example.com/api/webhook/telegram", stdout=out)
    [webhook] = bot_api.sent("setWebhook")
    assert webhook["url"] == "https://aiops.example.com/api/webhook/telegram" and webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ["message", "callback_query"]
    assert "k8s" in {c["command"] for c in bot_api.sent("setMyCommands")[0]["commands"]}
    with pytest.raises(CommandError, match="must be the public https"):
        call_command("telegram_webhook", "--url", "http://insecure.example.com/hook")


def test_the_shipped_slack_manifest_points_at_the_webhook():
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).resolve().parent.parent / "deploy/slack/app-manifest.yaml").read_text())
    settings_ = manifest["settings"]
    urls = {settings_["event_subscriptions"]["request_url"], settings_["interactivity"]["request_url"],
            manifest["features"]["slash_commands"][0]["url"]}
    assert urls == {"https://aiops.example.com/api/webhook/slack"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "im:history", "app_mentions:read"} <= scopes
    assert manifest["features"]["slash_commands"][0]["command"] == "/k8s"


def test_an_approval_that_expires_says_so_in_the_channel(bot_api, settings, django_capture_on_commit_callbacks,
                                                         monkeypatch):
    from datetime import timedelta

    from remediation.services import expire_overdue_approvals

    settings.TELEGRAM_NOTIFY_CHAT_ID = "-100500"
    approval = make_pending_approval(expires_in=timedelta(seconds=-1))
    monkeypatch.setattr(tasks.send_notification, "apply_async",
                        lambda args=(), kwargs=None, **options: tasks.send_notification(*args))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_overdue_approvals() == 1
    [notice] = bot_api.sent("sendMessage")
    assert str(notice["chat_id"]) == "-100500" and f"Approval \\#{approval.pk} expired" in notice["text"]
