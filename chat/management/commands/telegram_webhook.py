"""`manage.py telegram_webhook --url https://<host>/api/webhook/telegram`: point Telegram at the agent.

Calls setWebhook with TELEGRAM_WEBHOOK_SECRET as the secret token (Telegram sends it back on every update,
the webhook refuses updates without it) and only the updates the agent reads, then setMyCommands so the
commands show in Telegram's menu. `--delete` removes the webhook. Without a public URL, poll instead
(TELEGRAM_MODE, manage.py telegram_poll).
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from telegram import BotCommand
from telegram.error import TelegramError

from chat.adapters.telegram import ALLOWED_UPDATES, TelegramAdapter

COMMANDS = [("help", "What I understand"), ("k8s", "pods, logs, events, nodes, restart, scale"),
            ("incident", "list | show <id>"), ("approval", "list | approve <id> | reject <id>"),
            ("alert", "what is firing"), ("status", "incidents, approvals, tool servers"),
            ("model", "the LLM model of this chat"), ("reset", "forget this conversation")]


class Command(BaseCommand):
    help = "Register (or delete) the agent's Telegram webhook and its command menu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="public https URL of /api/webhook/telegram")
        parser.add_argument("--delete", action="store_true", help="remove the webhook instead")

    def handle(self, *args: Any, **options: Any) -> None:
        adapter = TelegramAdapter.from_settings()
        if adapter is None or (not options["delete"] and not settings.TELEGRAM_WEBHOOK_SECRET):
            raise CommandError("Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first.")
        if not options["delete"] and not (options["url"] or "").startswith("https://"):
            raise CommandError("--url must be the public https:// URL of /api/webhook/telegram")
        if not options["delete"] and settings.TELEGRAM_POLLING:
            raise CommandError("TELEGRAM_MODE=polling: the poller (manage.py telegram_poll) would delete this "
                               "webhook. Set TELEGRAM_MODE=webhook (or auto) to use one.")
        try:
            asyncio.run(self._register(adapter, options["url"], options["delete"]))
        except TelegramError as exc:
            raise CommandError(f"Telegram refused: {exc}") from None
        self.stdout.write("Webhook deleted." if options["delete"] else f"Webhook set to {options['url']}.")

    async def _register(self, adapter: TelegramAdapter, url: str, delete: bool) -> None:
        async with adapter.bot() as bot:
            if delete:
                await bot.delete_webhook()
                return
            await bot.set_webhook(url=url, secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                                  allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
            await bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
