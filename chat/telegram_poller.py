"""Telegram without a public URL: long polling of the Bot API's getUpdates, in a process of its own
(`manage.py telegram_poll`; `make run` starts it when TELEGRAM_POLLING, docker-compose runs it as `telegram`, the
chart as the telegram Deployment).

Every update takes the webhook's way on (`chat.adapters.telegram.enqueue_update`, then `chat.tasks.handle_update`):
it is answered as if it came by the webhook, and handled once by its update_id whichever way, and however often, it
arrives.

- One poller at a time: only the leader of the "telegram" lease (aiops_project/leader.py) polls. Telegram answers
  409 to a second getUpdates anyway, and a standby takes over when the leader stops or dies.
- Each term as leader starts with deleteWebhook: Telegram refuses getUpdates while a webhook is set.
- Offsets: Telegram keeps the position. An update is confirmed by the next getUpdates with offset = its id + 1,
  sent once the update is enqueued (an update that could not be enqueued is fetched again); a clean stop confirms
  the last batch with one more short getUpdates. After a crash the unconfirmed batch comes again and the
  deduplication drops it.
- Errors never end the process (the supervisor would restart it in a loop): network errors, 409 and Telegram's 5xx
  are retried after 1 s, doubling up to 60 s; 429 after Telegram's retry_after; a refused token (401) is logged as
  an error and tried again every 10 minutes (a new token needs a restart anyway).
- stop() (SIGTERM, Ctrl-C) cancels the long poll under way: the process ends within a second or two.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import warnings
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from kombu.exceptions import OperationalError as BrokerError
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from aiops_project.leader import Elector, LeaseBackend, describe
from chat.adapters.telegram import ALLOWED_UPDATES, TelegramAdapter, enqueue_update, update_refusal

log = structlog.get_logger(__name__)
T = TypeVar("T")

LEASE = "telegram"
POLL_TIMEOUT_SECONDS = 25  # one long poll; Telegram answers at once when an update is waiting
FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 1.0, 60.0
TOKEN_RETRY_SECONDS = 600.0
CONFIRM_TIMEOUT_SECONDS = 5.0  # the last getUpdates of a clean stop


class Interrupted(Exception):
    """The call under way was cancelled: the poller stops, or no longer leads."""


class TelegramPoller:
    """Polls while it leads the "telegram" lease, until `stop()`. `run()` blocks; `stop()` may be called from any
    thread or a signal handler."""

    def __init__(self, adapter: TelegramAdapter, *, identity: str | None = None,
                 backend: LeaseBackend | None = None) -> None:
        self.adapter = adapter
        self.offset: int | None = None  # the id after the last update handed over; None = where Telegram stands
        self._stopping = threading.Event()
        self._role_changed = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[Any] | None = None  # the Bot API call under way
        self._elector = Elector(LEASE, identity, backend=backend, on_change=self._on_role)

    # --- from other threads ---------------------------------------------------------------------------

    def stop(self) -> None:
        self._stopping.set()
        self._role_changed.set()
        self._interrupt()

    def _on_role(self, leading: bool) -> None:
        self._role_changed.set()
        if not leading:
            self._interrupt()

    def _interrupt(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing runs
            self._loop.call_soon_threadsafe(self._cancel_call)

    def _cancel_call(self) -> None:
        if self._task is not None:
            self._task.cancel()

    # --- the poller's own thread ----------------------------------------------------------------------

    def run(self) -> None:
        log.info("telegram_poller_started", api=self.adapter.base_url, lease=LEASE)
        try:
            with self._elector:
                while not self._stopping.is_set():
                    if self._elector.is_leader():
                        self._lead()
                    else:  # standby: woken when the role changes (or stop), and looks again now and then
                        self._role_changed.wait(5.0)
                        self._role_changed.clear()
        finally:
            self._loop.close()
        log.info("telegram_poller_stopped", offset=self.offset)

    def _leads(self) -> bool:
        return not self._stopping.is_set() and self._elector.is_leader()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run one Bot API call; `Interrupted` when stop() or the loss of the lease cancels it."""

        async def cancellable() -> T:
            self._task = asyncio.current_task()
            try:
                if not self._leads():  # asked to stop before the task could be cancelled
                    raise asyncio.CancelledError
                return await coroutine
            finally:
                self._task = None

        try:
            return self._loop.run_until_complete(cancellable())
        except asyncio.CancelledError:
            raise Interrupted from None
        finally:
            coroutine.close()  # never awaited when interrupted first: no "never awaited" warning

    def _pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _lead(self) -> None:
        """One term as leader: the bot, deleteWebhook, then long polls until the lease is lost or stop()."""
        bot = self.adapter.bot()
        ready, backoff = False, FIRST_BACKOFF_SECONDS
        self.offset = None  # another replica may have confirmed more meanwhile: Telegram knows
        try:
            while self._leads():
                try:
                    if not ready:
                        self._call(bot.initialize())  # getMe: the token is checked here first
                        self._drop_webhook(bot)
                        ready = True
                        log.info("telegram_polling", bot=bot.username)
                    self._hand_over(self._call(bot.get_updates(
                        offset=self.offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES)))
                    backoff = FIRST_BACKOFF_SECONDS
                except Interrupted:
                    break
                except Exception as exc:  # never the end of the process
                    self._pause(self._retry_in(exc, backoff))
                    backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                    ready = False  # getMe and deleteWebhook again: a webhook set meanwhile is one cause of 409
            if self._stopping.is_set() and self._elector.is_leader():
                self._confirm(bot)
        finally:
            self._loop.run_until_complete(bot.shutdown())

    def _retry_in(self, exc: Exception, backoff: float) -> float:
        """Say what went wrong; the seconds to wait before trying again."""
        if isinstance(exc, InvalidToken):
            log.error("telegram_token_refused", error=str(exc), retry_in=TOKEN_RETRY_SECONDS,
                      hint="Telegram refuses TELEGRAM_BOT_TOKEN (revoked or mistyped): set the right one and restart")
            return TOKEN_RETRY_SECONDS
        if isinstance(exc, RetryAfter):
            with warnings.catch_warnings():  # PTB 22's int-or-timedelta transition warns on reading it
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.warning("telegram_poll_throttled", retry_in=seconds)
            return seconds
        if isinstance(exc, Conflict):
            hint = ("a webhook was set after polling began: it is deleted again (set TELEGRAM_WEBHOOK_SECRET or "
                    "TELEGRAM_MODE=webhook to use one)" if "webhook" in str(exc).lower() else
                    "another process polls this bot: a second agent, or upstream's still running?")
            log.warning("telegram_poll_conflict", error=str(exc), retry_in=backoff, hint=hint)
            return backoff
        # Network errors, Telegram's 5xx, a broker that cannot take the task (that update is fetched again): said in
        # a line; anything else with its traceback.
        (log.warning if isinstance(exc, TelegramError | BrokerError) else log.exception)(
            "telegram_poll_failed", error=describe(exc), retry_in=backoff, offset=self.offset)
        return backoff

    def _drop_webhook(self, bot: Bot) -> None:
        info = self._call(bot.get_webhook_info())
        if info.url:
            log.warning("telegram_webhook_deleted", url=info.url,
                        hint="TELEGRAM_MODE resolves to polling: Telegram refuses getUpdates while a webhook is set")
        self._call(bot.delete_webhook(drop_pending_updates=False))

    def _hand_over(self, updates: tuple[Update, ...]) -> None:
        """Each update to the worker, in order; the offset moves past each once it is enqueued."""
        for update in updates:
            payload = json.loads(update.to_json())  # the webhook's JSON, as Telegram would post it
            if (refusal := update_refusal(payload)) is not None:
                log.warning("telegram_update_refused", update_id=update.update_id, reason=refusal)
            else:
                enqueue_update(payload)
            self.offset = update.update_id + 1

    def _confirm(self, bot: Bot) -> None:
        """Confirm what was handed over (getUpdates with the offset, no long poll), so a restart does not fetch it
        again; bounded, since a stop must not wait on Telegram."""
        if self.offset is None:
            return
        try:
            self._loop.run_until_complete(asyncio.wait_for(
                bot.get_updates(offset=self.offset, timeout=0, allowed_updates=ALLOWED_UPDATES),
                CONFIRM_TIMEOUT_SECONDS))
        except (TelegramError, TimeoutError) as exc:
            log.warning("telegram_offset_unconfirmed", offset=self.offset, error=describe(exc),
                        hint="the last updates come again after a restart; the deduplication drops them")
