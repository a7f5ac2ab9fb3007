"""A loopback stand-in for Telegram's Bot API: answers what python-telegram-bot sends as Telegram would,
and records every call. Reached through the client's own base URL setting (TELEGRAM_API_BASE_URL).

Updates a test sends (`send_update`) wait for getUpdates as at Telegram: a long poll answers as soon as one is
there; an update is forgotten once a getUpdates' offset passes it (confirmed); a getUpdates while a webhook is
set, or one overtaken by a newer getUpdates, gets 409; a revoked token gets 401 on every call."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import json_server

WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete " \
                   "the webhook first"
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


@dataclass
class BotApi:
    url: str
    token: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)  # updates not confirmed yet
    webhook_url: str = ""
    conflicts: list[str] = field(default_factory=list)  # the 409s answered, by description
    token_revoked: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    polls: int = 0  # getUpdates requests so far: a newer one ends an older one's wait with 409
    closed: bool = False

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def send_update(self, update: dict[str, Any]) -> None:
        """Somebody wrote to the bot: the update waits for getUpdates."""
        self._change(lambda: self.pending.append(update))

    def set_webhook(self, url: str) -> None:
        """A webhook set behind the agent's back (another deployment, a person with curl)."""
        self._change(lambda: setattr(self, "webhook_url", url))

    def revoke_token(self) -> None:
        self._change(lambda: setattr(self, "token_revoked", True))

    def close(self) -> None:
        self._change(lambda: setattr(self, "closed", True))

    def _change(self, change: Any) -> None:
        with self.changed:
            change()
            self.changed.notify_all()

    def get_updates(self, params: dict[str, Any]) -> tuple[int, Any]:
        offset, timeout = int(params.get("offset") or 0), float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self.changed:
            if offset > 0:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            self.polls += 1
            mine = self.polls
            self.changed.notify_all()
            while True:
                if self.token_revoked:
                    return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                conflict = WEBHOOK_CONFLICT if self.webhook_url else POLL_CONFLICT if self.polls != mine else None
                if conflict is not None:
                    self.conflicts.append(conflict)
                    return 409, {"ok": False, "error_code": 409, "description": conflict}
                remaining = deadline - time.monotonic()
                if self.pending or self.closed or remaining <= 0:
                    return 200, {"ok": True, "result": self.pending[:limit]}
                self.changed.wait(remaining)


def _params(headers: Any, body: bytes) -> dict[str, Any]:
    if "json" in (headers.get("Content-Type") or ""):
        return json.loads(body or b"{}")
    params: dict[str, Any] = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
    for key, value in params.items():  # structured fields arrive JSON-encoded in a form
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


@contextmanager
def telegram_bot_api(token: str = "123456:TEST-token") -> Iterator[BotApi]:  # noqa: S107 (a test bot)
    api = BotApi("", token)
    message_ids = iter(range(1, 1_000_000))
    fixed: dict[str, Any] = {
        "getMe": {"id": 123456, "is_bot": True, "first_name": "AIOps", "username": "aiops_test_bot"},
        "answerCallbackQuery": True, "setMyCommands": True,
    }

    def answer(path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        prefix = f"/bot{token}/"
        if not path.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method, params = path[len(prefix):], _params(headers, body)
        api.calls.append((method, params))
        if api.token_revoked:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "sendMessage":
            return 200, {"ok": True, "result": {"message_id": next(message_ids), "date": 0,
                                                "text": params.get("text", ""),
                                                "chat": {"id": int(params["chat_id"]), "type": "private"}}}
        if method == "getUpdates":
            return api.get_updates(params)
        if method in ("setWebhook", "deleteWebhook"):
            with api.changed:
                api.webhook_url = params.get("url", "") if method == "setWebhook" else ""
                if str(params.get("drop_pending_updates")).lower() == "true":
                    api.pending.clear()
                api.changed.notify_all()
            return 200, {"ok": True, "result": True}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": api.webhook_url, "has_custom_certificate": False,
                                                "pending_update_count": len(api.pending)}}
        if method in fixed:
            return 200, {"ok": True, "result": fixed[method]}
        return 400, {"ok": False, "error_code": 400, "description": f"unknown method {method}"}

    with json_server(answer) as url:
        api.url = url
        try:
            yield api
        finally:
            api.close()  # long polls under way answer now: the server can stop
