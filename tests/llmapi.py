"""A deterministic OpenAI-compatible server on loopback: /v1/chat/completions answers from a script (text
or tool calls) and records every request. The openai SDK reaches it through its own OPENAI_BASE_URL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import json_server


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

    def answer(path: str, headers: Any, raw: bytes) -> tuple[int, Any]:
        body = json.loads(raw or b"{}")
        api.requests.append({"path": path, "auth": headers.get("Authorization"), **body})
        if api.status != 200:
            return api.status, {"error": {"message": "overloaded", "type": "server_error"}}
        step = api.script.pop(0) if api.script else {"content": "(script ran out)"}
        return 200, _completion(body.get("model", "?"), step, len(api.requests))

    with json_server(answer) as url:
        api.url = f"{url}/v1"
        yield api
