"""A loopback stand-in for Slack: signs requests as Slack does, and answers the Web API calls slack_sdk
makes (through its own base_url setting, SLACK_API_BASE_URL), recording them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import json_server


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

    def answer(path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        method = path.removeprefix("/api/").split("?")[0]
        if "json" in (headers.get("Content-Type") or ""):
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            params = {k: json.loads(v) if k == "blocks" else v for k, v in params.items()}
        api.calls.append((method, params))
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "aiops"}
        if method == "chat.postMessage":
            return 200, {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
        return 200, {"ok": False, "error": "unknown_method"}

    with json_server(answer) as url:
        api.url = f"{url}/api/"
        yield api
