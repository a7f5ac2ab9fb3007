"""`manage.py telegram_poll`: fetch Telegram's updates by long polling (getUpdates) until SIGTERM/Ctrl-C, for an
agent Telegram cannot reach (no public URL). See chat/telegram_poller.py.

It polls when TELEGRAM_POLLING (TELEGRAM_BOT_TOKEN set, and TELEGRAM_MODE=polling, or auto without
TELEGRAM_WEBHOOK_SECRET); otherwise it says why and exits 0 (docker-compose's `telegram` service does not restart
it then). Several replicas may run: only the leader of the "telegram" lease polls.
"""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from chat.adapters.telegram import TelegramAdapter
from chat.telegram_poller import TelegramPoller


class Command(BaseCommand):
    help = "Fetch Telegram's updates by long polling (no public URL needed) until SIGTERM/Ctrl-C."

    def handle(self, *args: Any, **options: Any) -> None:
        adapter = TelegramAdapter.from_settings()
        if adapter is None or not settings.TELEGRAM_POLLING:
            why = ("TELEGRAM_BOT_TOKEN is unset" if adapter is None else
                   f"TELEGRAM_MODE={settings.TELEGRAM_MODE} with TELEGRAM_WEBHOOK_SECRET set: updates come by webhook")
            self.stdout.write(f"Telegram polling is off ({why}); nothing to do.")
            return
        poller = TelegramPoller(adapter)

        def on_signal(signum: int, frame: Any) -> None:
            poller.stop()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        poller.run()
