"""A deterministic OpenAI-compatible server on loopback: /v1/chat/completions answers from a script (text
or tool calls) and records every request. The openai SDK reaches it through its own OPENAI_BASE_URL."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LlmApi:
    url: str
    script: list[dict[str, Any]] = field(default_factory=list)  # {"content": ...} | {"tool": name, "arguments": {}}
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200  # another status: the provider fails


def _completion(model: str, step: dict[str, Any], n: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.get("content")}
    finish = "stop"
    if "tool" in step:
        message["tool_calls"] = [{"id": f"call_{n}", "type": "function",
                                  "function": {"name": step["tool"], "arguments": json.dumps(step["arguments"])}}]
        finish = "tool_calls"
    return {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


@contextmanager
def openai_compatible_server() -> Iterator[LlmApi]:
    api = LlmApi("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            api.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
            if api.status != 200:
                data = json.dumps({"error": {"message": "overloaded", "type": "server_error"}}).encode()
                status = api.status
            else:
                step = api.script.pop(0) if api.script else {"content": "(script ran out)"}
                data, status = json.dumps(_completion(body.get("model", "?"), step, len(api.requests))).encode(), 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
