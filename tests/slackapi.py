"""A loopback stand-in for Slack: signs requests as Slack does, and answers the Web API calls slack_sdk
makes (through its own base_url setting, SLACK_API_BASE_URL), recording them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Django test-client headers carrying Slack's v0 signature of `body`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp, "HTTP_X_SLACK_SIGNATURE": f"v0={digest}"}


@dataclass
class SlackApi:
    url: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


@contextmanager
def slack_web_api() -> Iterator[SlackApi]:
    api = SlackApi("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            method = self.path.removeprefix("/api/").split("?")[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                params = json.loads(body or "{}")
            else:
                params = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                params = {k: json.loads(v) if k == "blocks" else v for k, v in params.items()}
            api.calls.append((method, params))
            if method == "auth.test":
                result = {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "aiops"}
            elif method == "chat.postMessage":
                result = {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
            else:
                result = {"ok": False, "error": "unknown_method"}
            data = json.dumps(result).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
