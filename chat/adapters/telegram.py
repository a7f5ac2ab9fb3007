"""Telegram through python-telegram-bot. Updates arrive at POST /api/webhook/telegram (checked against
TELEGRAM_WEBHOOK_SECRET, which Telegram sends as X-Telegram-Bot-Api-Secret-Token), or, without a public URL,
by long polling (chat/telegram_poller.py); either way through `enqueue_update`. Replies go out through the
Bot API at TELEGRAM_API_BASE_URL (default Telegram's own)."""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.helpers import escape_markdown

from aiops_project.jsonbody import check_depth, unstorable
from chat.adapters.base import BaseAdapter, split_text
from chat.messages import IncomingMessage, Reply

ALLOWED_UPDATES = ["message", "callback_query"]  # the updates the agent reads (setWebhook's and getUpdates')


class TelegramAdapter(BaseAdapter):
    channel_type = "telegram"
    max_length = MessageLimit.MAX_TEXT_LENGTH  # 4096

    def __init__(self, token: str, base_url: str) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")

    @classmethod
    def from_settings(cls) -> TelegramAdapter | None:
        if not settings.TELEGRAM_BOT_TOKEN:  # the webhook also wants TELEGRAM_WEBHOOK_SECRET; polling does not
            cls.disabled("TELEGRAM_BOT_TOKEN")
            return None
        return cls(settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL)

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        """Telegram sends the secret given to setWebhook back in X-Telegram-Bot-Api-Secret-Token; without a secret
        configured there is no webhook (the agent polls, or Telegram is reached by nobody)."""
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            return JsonResponse({"detail": "Telegram's webhook is off on this agent: TELEGRAM_WEBHOOK_SECRET is "
                                           "unset (updates are fetched by polling, manage.py telegram_poll)."},
                                status=404)
        sent = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(sent.encode(), settings.TELEGRAM_WEBHOOK_SECRET.encode()):
            return JsonResponse({"detail": "Wrong or missing X-Telegram-Bot-Api-Secret-Token."}, status=403)
        try:
            check_depth(request.body)
            payload = json.loads(request.body)
        except ValueError as exc:  # TooDeep is one
            return JsonResponse({"detail": f"Not JSON: {exc}"}, status=400)
        if (reason := update_refusal(payload)) is not None:
            return JsonResponse({"detail": reason}, status=400)
        transaction.on_commit(lambda: enqueue_update(payload))
        return JsonResponse({"ok": True})

    def bot(self) -> Bot:
        return Bot(self.token, base_url=f"{self.base_url}/bot", base_file_url=f"{self.base_url}/file/bot")

    def parse_update(self, payload: dict[str, Any]) -> IncomingMessage | None:
        update = Update.de_json(payload, None)
        if update is None:
            return None
        if (query := update.callback_query) is not None and query.data and query.message is not None:
            # A button: "approve:12" reads as the words "approve 12".
            return IncomingMessage(str(query.from_user.id), self.channel_type, query.data.replace(":", " ", 1),
                                   {"chat_id": query.message.chat.id, "callback_query_id": query.id,
                                    "username": query.from_user.username or "", "update_id": update.update_id})
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return None
        return IncomingMessage(str(message.from_user.id), self.channel_type, message.text,
                               {"chat_id": message.chat.id, "username": message.from_user.username or "",
                                "update_id": update.update_id})

    def send_message(self, conversation_id: str, reply: Reply) -> None:
        asyncio.run(self._send(conversation_id, [reply]))

    def send_replies(self, message: IncomingMessage, replies: list[Reply]) -> None:
        asyncio.run(self._send(message.conversation_id, replies, message.metadata.get("callback_query_id")))

    async def _send(self, chat_id: str, replies: list[Reply], callback_query_id: str | None = None) -> None:
        async with self.bot() as bot:
            if callback_query_id:  # stops the button's spinner
                await bot.answer_callback_query(callback_query_id)
            for reply in replies:
                pieces = split_text(reply.text, self.max_length - 16)
                for n, piece in enumerate(pieces, start=1):
                    text = (f"```\n{escape_markdown(piece, version=2, entity_type='pre')}\n```" if reply.monospace
                            else escape_markdown(piece, version=2))
                    markup = None
                    if reply.buttons and n == len(pieces):
                        markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.value)
                                                        for b in reply.buttons]])
                    await bot.send_message(chat_id=int(chat_id), text=text, parse_mode=ParseMode.MARKDOWN_V2,
                                           reply_markup=markup)


def update_refusal(payload: Any) -> str | None:
    """Why `payload` is not an update the agent takes (the webhook answers 400 with it); None when it is."""
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return "Not a Telegram update: an object with an integer update_id."
    return unstorable(payload)


def enqueue_update(payload: dict[str, Any]) -> None:
    """Hand one update to the worker. The webhook (after its request's commit) and the poller both come here: an
    update is answered the same, and handled once by its update_id (chat.tasks.handle_update), whichever way and
    however often it arrives."""
    from chat import tasks

    tasks.handle_update.delay(TelegramAdapter.channel_type, payload)
