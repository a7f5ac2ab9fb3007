"""JSON bodies from outside, parsed with a bound on nesting.

Python's parsers recurse once per level: a body nested a thousand levels deep raises RecursionError (a 500), and
one a few hundred levels deep parses but breaks later, wherever the value is written out again (a JSONField, a log
line). No body this agent takes (Alertmanager notifications, generic alerts, Telegram and Slack updates, API
requests) comes near MAX_DEPTH levels, so deeper is refused before parsing, as a client error.
"""

from __future__ import annotations

import io
import json
from array import array
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

MAX_DEPTH = 64
_NOT_MARKS = bytes(range(256)).translate(None, b'"[]{}')
_SIGNS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # +1 and -1 as signed bytes


class TooDeep(ValueError):
    def __init__(self) -> None:
        super().__init__(f"JSON nested deeper than {MAX_DEPTH} levels.")


def nesting_depth(body: bytes | str, *, at_least: int = MAX_DEPTH) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count); 0 without
    counting when it has fewer than `at_least` of them in all.

    Byte operations only (no loop in Python over the text): about 0.35 s for a 50 MB notification.
    """
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if data.count(b"[") + data.count(b"{") < at_least:
        return 0
    if b"\\" in data:  # escaped backslashes and quotes out first: what remains of a quote opens or closes a string
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Quotes and brackets only; an empty string ("") goes (and two strings side by side become one: no bracket
    # between them was outside), so that splitting at quotes leaves the text outside strings at even places.
    marks = data.translate(None, _NOT_MARKS).replace(b'""', b"")
    outside = b"".join(marks.split(b'"')[::2])
    return max(accumulate(array("b", outside.translate(_SIGNS))), default=0)


def check_depth(body: bytes | str) -> None:
    if nesting_depth(body, at_least=MAX_DEPTH + 1) > MAX_DEPTH:
        raise TooDeep


class JSONParser(DRFJSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_DEPTH (400 with the reason) before parsing."""

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        body = stream.read() if stream is not None else b""
        try:
            check_depth(body)
        except TooDeep as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return super().parse(io.BytesIO(body), media_type, parser_context)


class JSONRenderer(DRFJSONRenderer):
    """DRF's JSON renderer; a lone surrogate quoted back from a request (a validation error names the value it
    refused) is written as its escape instead of failing the response."""

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _EscapingJSONRenderer().render(data, accepted_media_type, renderer_context)


class _EscapingJSONRenderer(DRFJSONRenderer):
    ensure_ascii = True


def unstorable(value: Any) -> str | None:
    """Why a parsed JSON value cannot be stored in the database, or None: U+0000 (PostgreSQL refuses it in text and
    JSON) or a lone UTF-16 surrogate (not text: neither database can encode it)."""
    text = json.dumps(value, ensure_ascii=False)  # NUL written as \u0000, surrogates as themselves
    if "\\u0000" in text:
        return "NUL characters (\\u0000) cannot be stored."
    try:
        text.encode()
    except UnicodeEncodeError:
        return "Lone UTF-16 surrogates (\\ud800 to \\udfff) are not text and cannot be stored."
    return None
