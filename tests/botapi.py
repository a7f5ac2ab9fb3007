"""A loopback stand-in for Telegram's Bot API: answers what python-telegram-bot sends as Telegram would,
and records every call. Reached through the client's own base URL setting (TELEGRAM_API_BASE_URL)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class BotApi:
    url: str
    token: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0)).decode()
    if "json" in (handler.headers.get("Content-Type") or ""):
        return json.loads(body or "{}")
    params: dict[str, Any] = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
    for key, value in params.items():  # structured fields arrive JSON-encoded in a form
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


@contextmanager
def telegram_bot_api(token: str = "123456:TEST-token") -> Iterator[BotApi]:  # noqa: S107 (a test bot)
    api = BotApi("", token)
    message_ids = iter(range(1, 1_000_000))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            prefix = f"/bot{token}/"
            if not self.path.startswith(prefix):
                self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            method, params = self.path[len(prefix):], _params(self)
            api.calls.append((method, params))
            results: dict[str, Any] = {
                "getMe": {"id": 123456, "is_bot": True, "first_name": "AIOps", "username": "aiops_test_bot"},
                "answerCallbackQuery": True, "setWebhook": True, "setMyCommands": True, "deleteWebhook": True,
            }
            if method == "sendMessage":
                result = {"message_id": next(message_ids), "date": 0, "text": params.get("text", ""),
                          "chat": {"id": int(params["chat_id"]), "type": "private"}}
            elif method in results:
                result = results[method]
            else:
                self._answer(400, {"ok": False, "error_code": 400, "description": f"unknown method {method}"})
                return
            self._answer(200, {"ok": True, "result": result})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
