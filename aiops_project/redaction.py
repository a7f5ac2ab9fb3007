"""The one redaction pass: secrets are replaced before anything is stored, shown, logged or sent.

    redact("DATABASE_URL=postgres://app:hunter2@db/shop")  # -> "DATABASE_URL=[REDACTED]"
    redact_data({"env": {"API_TOKEN": "abc"}, "text": "Bearer eyJ..."})  # the same, through JSON-like data

What it knows (tests/secret_seeds.py holds one seed of each shape, and the tests look for every seed
everywhere): PEM private key blocks (also cut short, or with escaped newlines inside JSON), credentials in
URLs, `Authorization: Bearer/Basic` values, well-known token formats (GitHub `ghp_`/`github_pat_`, GitLab
`glpat-`, Slack `xox?-` and webhook URLs, OpenAI and Stripe keys, Google API keys, AWS access key ids,
Telegram bot tokens, JWTs), `key=value` / `key: value` / JSON `"key": "value"` pairs whose key names a
password, secret, token, API or access key, private key or credential (`PASS=x` too), command-line flags
(`--password x`), Kubernetes env entries (`{"name": "DB_PASSWORD", "value": "x"}`) and lines of bare key
material (long base64 lines). It errs on the side of hiding: a value is lost sooner than a secret is shown.

Plain Python, no Django: the bundled MCP servers and the log analyzer import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

REDACTED = "[REDACTED]"

# A key that names a secret: *password*, *secret*, *token*, *api_key*, ... and "pass" as a whole word or the
# last part of a name (PASS, DB_PASS, mysql.pass), not "passed" or "bypass".
_KEY_WORDS = (r"password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
                 r"credentials?|auth[_-]?key|session[_-]?key|signing[_-]?key|authorization")
_KEY = rf"(?:[\w.-]*(?:{_KEY_WORDS})[\w.-]*|(?:[\w.-]*[_.-])?pass)"
_SECRET_KEY = re.compile(rf"(?i)^{_KEY}$")

Replacement = str | Callable[[re.Match[str]], str]


def _pair(match: re.Match[str]) -> str:
    """key=value, key: value, "key": "value": the key and separator stay, the value goes (quotes kept)."""
    opening = re.match(r"\\*[\"']", match.group("value"))
    quote = opening.group(0) if opening else ""
    return f"{match.group('key')}{match.group('sep')}{quote}{REDACTED}{quote}"


_PATTERNS: tuple[tuple[re.Pattern[str], Replacement], ...] = (
    # PEM blocks first, whole: their lines would otherwise be redacted piecemeal. A block cut short (a log
    # tail, a bounded read) is hidden up to the first character that cannot be part of it.
    (re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.-]|\\+[nrt])*?"
                r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?=[^A-Za-z0-9+/=\s:,.\\-])|\Z)"),
     "[REDACTED-PRIVATE-KEY]"),
    # Credentials in a URL: scheme://user:password@host (the password may hold '@').
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@\"']*:)[^\s/\"']*@"), rf"\1{REDACTED}@"),
    (re.compile(r"(?i)https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"),
     "https://hooks.slack.com/[REDACTED]"),
    (re.compile(r"(?i)(api\.telegram\.org/(?:file/)?bot)[^/\s]+"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{6,}"), rf"\1\2{REDACTED}"),
    # Tokens recognisable by their own shape, wherever they stand.
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|"
                r"xox[abposre]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|"
                r"[rs]k_(?:live|test)_[A-Za-z0-9]{12,}|AIza[0-9A-Za-z_-]{30,}|npm_[A-Za-z0-9]{30,}|"
                r"\d{8,10}:AA[A-Za-z0-9_-]{30,})"), "[REDACTED-TOKEN]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}"), "[REDACTED-JWT]"),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "[REDACTED-AWS-KEY]"),
    # A Kubernetes env entry: {"name": "DB_PASSWORD", "value": "..."} (also with escaped quotes).
    (re.compile(rf"(?i)(\\*\"name\\*\"\s*:\s*\\*\"{_KEY}\\*\"\s*,\s*\\*\"value\\*\"\s*:\s*)"
                r"(\\*\")[^\"\\]*\\*\""), rf"\1\2{REDACTED}\2"),
    # Command-line flags: --password hunter2, --token=abc, -p is too short to tell.
    (re.compile(rf"(?i)(--{_KEY})(\s+|=)(?!-)(\"[^\"]*\"|'[^']*'|\S+)"), rf"\1\2{REDACTED}"),
    # key=value, key = value, key: value, "key": "value" (the key may close a quote before its separator; no space
    # before a colon: `volume "secret-x" : secret "y" not found` is the kubelet's wording, not a pair).
    (re.compile(rf"(?i)(?P<key>(?<![\w.-]){_KEY})(?P<sep>\\*[\"']?(?:\s*=|:)\s*)"
                r"(?P<value>\\+\"[^\"\\]*\\+\"|\"[^\"]*\"|'[^']*'|"
                r"(?!\[REDACTED|(?:bearer|basic)\s)[^\s,;&}\]]+)"), _pair),
    # A line that is nothing but key material (a PEM body line whose header was cut off, a bare key).
    (re.compile(r"(?m)^[ \t]*(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*\d)"
                r"[A-Za-z0-9+/]{40,}={0,2}[ \t]*$"), "[REDACTED-KEY-MATERIAL]"),
)


def redact(text: str) -> str:
    """`text` with every secret it holds replaced; idempotent."""
    if not text:
        return text
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


def is_secret_key(name: str) -> bool:
    """Does a mapping key (or an env var's name) name a secret? ("DB_PASSWORD", "apiKey", "PASS")"""
    return bool(_SECRET_KEY.match(name.strip()))


def redact_data(value: Any) -> Any:
    """JSON-like data with every string redacted and every value under a secret's key replaced; a new copy.

    A Kubernetes-style entry {"name": "DB_PASSWORD", "value": ...} loses its value too.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        named_secret = isinstance(value.get("name"), str) and is_secret_key(value["name"])
        out = {}
        for key, item in value.items():
            hide = (isinstance(key, str) and is_secret_key(key)) or (named_secret and key == "value")
            out[key] = REDACTED if hide and item not in (None, "", [], {}) and not isinstance(
                item, (dict, list, bool)) else redact_data(item)
        return out
    if isinstance(value, (list, tuple)):
        return [redact_data(item) for item in value]
    return value


__all__ = ["REDACTED", "is_secret_key", "redact", "redact_data"]
