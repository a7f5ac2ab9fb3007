"""A loopback stand-in for Telegram's Bot API: answers what python-telegram-bot sends as Telegram would,
and records every call. Reached through the client's own base URL setting (TELEGRAM_API_BASE_URL)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import json_server


@dataclass
class BotApi:
    url: str
    token: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


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
        "answerCallbackQuery": True, "setWebhook": True, "setMyCommands": True, "deleteWebhook": True,
    }

    def answer(path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        prefix = f"/bot{token}/"
        if not path.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method, params = path[len(prefix):], _params(headers, body)
        api.calls.append((method, params))
        if method == "sendMessage":
            return 200, {"ok": True, "result": {"message_id": next(message_ids), "date": 0,
                                                "text": params.get("text", ""),
                                                "chat": {"id": int(params["chat_id"]), "type": "private"}}}
        if method in fixed:
            return 200, {"ok": True, "result": fixed[method]}
        return 400, {"ok": False, "error_code": 400, "description": f"unknown method {method}"}

    with json_server(answer) as url:
        api.url = url
        yield api
