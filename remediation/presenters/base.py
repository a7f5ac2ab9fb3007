"""What every presenter builds: a `StepView` (facts, tables, a log, text, pretty JSON, the raw output) and the
helpers that turn tool values into short, plain table cells. Nothing here is HTML: the template escapes it all."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    """How much of an output one page shows; whatever is left out is counted and one link away."""

    rows: int  # rows of each table
    log_lines: int  # lines of a log (or any text) per page
    raw_chars: int  # characters of the raw output
    cell_chars: int = 1_000  # characters of one table cell or fact
    line_chars: int = 2_000  # characters of one log line


# The incident page shows several steps at once and refreshes itself: a little of each.
PANEL = Limits(rows=20, log_lines=200, raw_chars=10_000)
# The step's own page: everything kept, a page of lines at a time.
FULL = Limits(rows=1_000, log_lines=1_000, raw_chars=200_000, cell_chars=10_000, line_chars=20_000)
# Outputs longer than this are not parsed as JSON (run_step keeps 20,000 characters; this is a safety net).
PARSE_LIMIT = 1_000_000


# A cell with a word longer than this may break anywhere; shorter words (names, times, reasons) stay whole.
LONG_WORD = 24


class Cell(str):
    """A table cell's text, which knows whether it holds a word too long to keep whole (the template marks it so
    that only such cells break inside words)."""

    @property
    def long(self) -> bool:
        return any(len(word) > LONG_WORD for word in self.split())


@dataclass
class Row:
    cells: list[str]
    css: str = ""

    def __post_init__(self) -> None:
        self.cells = [Cell(value) for value in self.cells]


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    hidden: int = 0  # rows left out by the limit


@dataclass
class Fact:
    label: str
    value: str
    css: str = ""


@dataclass
class LogLine:
    number: int
    text: str
    pattern: str = ""  # the log analyzer's pattern this line matches, if any


@dataclass
class LogView:
    lines: list[LogLine]  # this page's lines
    matched: list[LogLine]  # those of them a known failure pattern matches
    findings: list[Fact]  # the analyzer's findings in this page: pattern -> what it means
    total: int  # lines in the whole output
    first: int  # number of this page's first line
    page: int
    pages: int
    clipped: int = 0  # lines of this page cut to the page's line length

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1


@dataclass
class StepView:
    kind: str  # pod, deployment, node, describe, table, logs, log_analysis, metrics, text, json, error, empty
    title: str = ""
    error: str = ""
    note: str = ""
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    log: LogView | None = None
    text: str = ""
    pretty: str = ""
    raw: str = ""
    raw_hidden: int = 0  # characters of the raw output left out

    @property
    def truncated(self) -> bool:
        """Did this page leave anything out (the link to the whole output is then shown)?"""
        log_cut = self.log is not None and (self.log.pages > 1 or self.log.clipped > 0)
        return bool(self.raw_hidden or log_cut or any(t.hidden for t in self.tables))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, saying how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} …({len(text) - limit} more characters)"


def label(key: str) -> str:
    """A field name as a column heading: waiting_reason -> waiting reason, lastSeen -> last seen."""
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in key.replace("_", " "))
    return spaced.strip()


def cell(value: Any, limit: int) -> str:
    """A value as one short line: conditions as Type=Status (reason), mappings as k=v, lists joined."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return clip(str(value), limit)
    if isinstance(value, dict):
        if "type" in value and "status" in value:
            return condition_text(value)
        if any(isinstance(v, dict) for v in value.values()):  # resources: requests: cpu=100m; limits: ...
            return clip("; ".join(f"{k}: {cell(v, limit)}" for k, v in value.items()), limit)
        return clip(", ".join(f"{k}={cell(v, limit)}" for k, v in value.items()), limit)
    if isinstance(value, list):
        return clip(", ".join(cell(item, limit) for item in value[:50]) + (" …" if len(value) > 50 else ""), limit)
    return clip(compact(value), limit)


def condition_text(condition: dict[str, Any]) -> str:
    reason = condition.get("reason")
    return f"{condition.get('type')}={condition.get('status')}" + (f" ({reason})" if reason else "")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def pretty(value: Any, limit: int) -> str:
    return clip(json.dumps(value, indent=2, ensure_ascii=False, default=str), limit)


def table(caption: str, items: list[Any], limits: Limits, columns: list[str] | None = None,
          css: Any = None) -> Table:
    """A table of dicts (first `limits.rows`), its columns those given or the keys the items have, in order."""
    dicts = [item if isinstance(item, dict) else {"value": item} for item in items]
    if columns is None:
        columns = list(dict.fromkeys(key for item in dicts[:limits.rows] for key in item))[:12]
    rows = [Row([cell(item.get(key), limits.cell_chars) for key in columns], css(item) if css else "")
            for item in dicts[:limits.rows]]
    return Table(caption, [label(c) for c in columns], rows, hidden=max(0, len(dicts) - limits.rows))


def facts(data: dict[str, Any], keys: list[str], limits: Limits) -> list[Fact]:
    """The given keys of `data` that have a value, as label/value pairs."""
    return [Fact(label(key), cell(data.get(key), limits.cell_chars)) for key in keys
            if data.get(key) not in (None, "", [], {})]


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a dict, else an empty one: tool results are read, never trusted to have a shape."""
    return value if isinstance(value, dict) else {}


def is_rows(value: Any) -> bool:
    """A list of records: what a table shows."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value[:20])


def event_css(event: dict[str, Any]) -> str:
    return "warn" if event.get("type") == "Warning" else ""


def condition_css(condition: dict[str, Any]) -> str:
    """A condition that says something is wrong: Ready/Available/... False, or a pressure True."""
    kind, status = str(condition.get("type") or ""), condition.get("status")
    if kind.endswith("Pressure") or kind == "NetworkUnavailable":
        return "bad" if status == "True" else ""
    return "bad" if status in ("False", "Unknown") else ""
