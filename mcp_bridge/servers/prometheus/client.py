"""The one chokepoint to Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`, label values): bounded.

    with Prometheus(Connection.from_env()) as prometheus:
        answer = prometheus.query_range('container_memory_working_set_bytes{pod="x"}', start, end, step)

Bounded so that no question returns millions of samples: a query of at most MAX_QUERY_CHARS, a range of at most
MAX_RANGE and MAX_POINTS steps, an answer of at most MAX_BODY_BYTES (read as it streams, refused past it), the
timeout given to Prometheus too (it stops evaluating). What Prometheus refuses (bad PromQL: HTTP 400 with its
`errorType` and `error`) comes back as `PrometheusError` with its own words. No Django: the MCP server's process
and the RCA both use it.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import httpx

MAX_QUERY_CHARS = 4000
MAX_RANGE = timedelta(days=7)
MAX_POINTS = 1000  # steps of a range query (Prometheus' own limit is 11,000)
AUTO_POINTS = 120  # a range query without a step gets about this many
MIN_STEP = timedelta(seconds=1)
MAX_BODY_BYTES = 8 * 1024 * 1024  # about 250,000 samples of JSON
DEFAULT_TIMEOUT = 10.0
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


class PrometheusError(Exception):
    """Prometheus could not answer, or refused the question; the message says why, in its own words when it has
    some."""


@dataclass(frozen=True)
class Connection:
    url: str
    bearer_token: str = ""
    username: str = ""
    password: str = ""
    ca_file: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Connection:
        """From PROMETHEUS_URL, PROMETHEUS_BEARER_TOKEN, PROMETHEUS_USERNAME, PROMETHEUS_PASSWORD,
        PROMETHEUS_CA_FILE and PROMETHEUS_TIMEOUT_SECONDS (the names the Django settings read too)."""
        env = os.environ if environ is None else environ
        raw_timeout = env.get("PROMETHEUS_TIMEOUT_SECONDS") or ""
        try:
            timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
        except ValueError:
            raise PrometheusError(f"PROMETHEUS_TIMEOUT_SECONDS={raw_timeout!r} is not a number of seconds") from None
        return cls(url=env.get("PROMETHEUS_URL") or "", bearer_token=env.get("PROMETHEUS_BEARER_TOKEN") or "",
                   username=env.get("PROMETHEUS_USERNAME") or "", password=env.get("PROMETHEUS_PASSWORD") or "",
                   ca_file=env.get("PROMETHEUS_CA_FILE") or "", timeout=timeout)

    def check(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise PrometheusError(f"PROMETHEUS_URL must be an http(s) URL (got {self.url!r})")
        if self.bearer_token and self.username:
            raise PrometheusError("set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PASSWORD, not both")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise PrometheusError(f"PROMETHEUS_TIMEOUT_SECONDS must be a number of seconds above 0 "
                                  f"(got {self.timeout})")


@dataclass(frozen=True)
class Answer:
    result_type: str  # vector, matrix, scalar or string
    result: Any
    warnings: tuple[str, ...] = ()


def parse_duration(text: str) -> timedelta:
    """A Prometheus duration ("30s", "1h30m", "500ms") or a number of seconds."""
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise PrometheusError(f"not a duration: {text!r} (e.g. 30s, 5m, 1h30m, or a number of seconds)") from None
        seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if not math.isfinite(seconds) or seconds < 0:
        raise PrometheusError(f"not a duration: {text!r}")
    return timedelta(seconds=seconds)


def parse_time(text: str, now: datetime) -> datetime:
    """"now", "now-<duration>", an RFC 3339 time or a Unix timestamp (seconds), as an aware datetime."""
    text = text.strip()
    if text == "now":
        return now
    if text.startswith("now-"):
        return now - parse_duration(text[4:])
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PrometheusError(f"not a time: {text!r} (use now, now-1h, an RFC 3339 time or a Unix "
                              "timestamp)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def range_step(start: datetime, end: datetime, step: timedelta | None) -> timedelta:
    """The step of a range query over [start, end], checked against the bounds; about AUTO_POINTS steps when none
    is given (rounded up to whole seconds)."""
    span = end - start
    if span < timedelta(0):
        raise PrometheusError(f"the range ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    if span > MAX_RANGE:
        raise PrometheusError(f"the range is {span} long; at most {MAX_RANGE.days} days may be asked at once")
    if step is None:
        return max(MIN_STEP, timedelta(seconds=math.ceil(span.total_seconds() / AUTO_POINTS)))
    if step < MIN_STEP:
        raise PrometheusError(f"the step must be at least {MIN_STEP.total_seconds():g}s")
    points = span / step + 1
    if points > MAX_POINTS:
        least = timedelta(seconds=math.ceil(span.total_seconds() / (MAX_POINTS - 1)))
        raise PrometheusError(f"{int(points)} points per series at step {step}: at most {MAX_POINTS}; use a step of "
                              f"at least {int(least.total_seconds())}s or a shorter range")
    return step


class Prometheus:
    """Read-only calls on one Prometheus; use as a context manager (one HTTP connection pool)."""

    def __init__(self, connection: Connection, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        connection.check()
        self.connection, self.max_body_bytes = connection, max_body_bytes
        headers = {"User-Agent": "aiops-agent"}
        auth: httpx.BasicAuth | None = None
        if connection.bearer_token:
            headers["Authorization"] = f"Bearer {connection.bearer_token}"
        elif connection.username:
            auth = httpx.BasicAuth(connection.username, connection.password)
        self._client = httpx.Client(base_url=connection.url.rstrip("/") + "/", headers=headers, auth=auth,
                                    timeout=connection.timeout, verify=connection.ca_file or True,
                                    follow_redirects=False)

    def __enter__(self) -> Prometheus:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def query(self, promql: str, at: datetime | None = None) -> Answer:
        form = {"query": _checked(promql)} | ({"time": _stamp(at)} if at is not None else {})
        return self._answer("api/v1/query", form)

    def query_range(self, promql: str, start: datetime, end: datetime, step: timedelta | None = None) -> Answer:
        step = range_step(start, end, step)
        return self._answer("api/v1/query_range", {"query": _checked(promql), "start": _stamp(start),
                                                   "end": _stamp(end), "step": f"{step.total_seconds():g}"})

    def metric_names(self) -> list[str]:
        data, _ = self._call("GET", "api/v1/label/__name__/values", {})
        return [str(name) for name in data] if isinstance(data, list) else []

    def _answer(self, path: str, form: dict[str, str]) -> Answer:
        # Prometheus stops evaluating at its own timeout: it should give up a little before we do.
        form["timeout"] = f"{int(max(self.connection.timeout - 0.5, 0.5) * 1000)}ms"
        data, warnings = self._call("POST", path, form)
        if not isinstance(data, dict) or "resultType" not in data:
            raise PrometheusError(f"{path}: not a Prometheus query answer")
        return Answer(str(data["resultType"]), data.get("result"), warnings)

    def _call(self, method: str, path: str, form: dict[str, str]) -> tuple[Any, tuple[str, ...]]:
        """The `data` of the answer and Prometheus' warnings; PrometheusError when there is no answer."""
        where = f"Prometheus at {self.connection.url}"
        try:
            post = method == "POST"
            with self._client.stream(method, path, data=form if post else None, params=None if post else form) \
                    as response:
                body = _read_bounded(response, self.max_body_bytes)
        except httpx.TimeoutException as exc:
            raise PrometheusError(f"{where} did not answer within {self.connection.timeout:g}s "
                                  f"({exc.__class__.__name__}): narrow the query or the range") from exc
        except httpx.HTTPError as exc:
            raise PrometheusError(f"{where} cannot be reached: {exc}") from exc
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict) or document.get("status") not in {"success", "error"}:
            if response.status_code in (401, 403):
                raise PrometheusError(f"{where} refused our credentials (HTTP {response.status_code}): set "
                                      "PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD")
            raise PrometheusError(f"{where} answered HTTP {response.status_code} with no Prometheus API answer: "
                                  f"{body[:200].decode('utf-8', 'replace')!r} (is PROMETHEUS_URL right?)")
        if document["status"] == "error":
            kind, error = document.get("errorType") or "error", document.get("error") or "no reason given"
            if kind == "timeout":
                raise PrometheusError(f"the query timed out in Prometheus ({error}): narrow it or the range")
            raise PrometheusError(f"Prometheus refused the query ({kind}, HTTP {response.status_code}): {error}")
        return document.get("data"), tuple(str(w) for w in document.get("warnings") or [])


def _checked(promql: str) -> str:
    promql = promql.strip()
    if not promql:
        raise PrometheusError("the query is empty")
    if len(promql) > MAX_QUERY_CHARS:
        raise PrometheusError(f"the query is {len(promql)} characters long; at most {MAX_QUERY_CHARS}")
    return promql


def _stamp(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise PrometheusError(f"the answer is larger than {limit:,} bytes: aggregate (sum by, topk) or narrow "
                                  "the selector, the range or the step")
        chunks.append(chunk)
    return b"".join(chunks)
