"""Geometry for the console's charts: time axes, ticks, bar scales and colours, as plain numbers and strings.

The charts are SVG written by Django templates from what these functions compute, not drawn by a charting
library in the browser: a page stays a few kilobytes, needs no script (the console's pages work with
script off, and the incident panel is re-rendered as HTML on every change), loads nothing from another
origin (the pages must work offline), and every label passes through the templates' autoescaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# The console's palette (templates/base.html): fills are SVG presentation attributes, which the page's
# Content-Security-Policy does not govern (a <style> element in a re-rendered panel would not apply).
OK, WARN, BAD, ACCENT, MUTED, GRID = "#3fb950", "#d29922", "#f85149", "#58a6ff", "#8b98a5", "#2d333b"
SEVERITY_COLOURS = {"critical": BAD, "warning": WARN, "info": ACCENT}
OUTCOME_COLOURS = {
    "succeeded": OK, "approved": OK, "resolved": OK,
    "failed": BAD, "rejected": "#a371f7", "expired": "#db6d28",
    "running": ACCENT, "waiting_approval": WARN, "pending": WARN, "firing": BAD,
    "skipped": MUTED,
}

# Whole steps for a time axis, in seconds: the smallest one that gives at most MAX_TICKS ticks is used.
TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
              86400, 172800, 604800, 2592000)
MAX_TICKS = 7


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    title: str


@dataclass
class TimeScale:
    """Maps instants onto [x0, x1] for the interval [start, end] (UTC)."""

    start: datetime
    end: datetime
    x0: float
    x1: float
    ticks: list[Tick] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            self.end = self.start + timedelta(minutes=1)
        self.ticks = time_ticks(self)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def x(self, at: datetime) -> float:
        share = (at - self.start).total_seconds() / self.seconds
        return round(self.x0 + min(max(share, 0.0), 1.0) * (self.x1 - self.x0), 1)

    def span(self, begin: datetime, end: datetime, minimum: float = 2.0) -> tuple[float, float]:
        """x and width of [begin, end], at least `minimum` wide so that an instant stays visible."""
        left, right = self.x(begin), self.x(end)
        width = max(right - left, minimum)
        return min(left, self.x1 - width), round(width, 1)


def exact(at: datetime | None) -> str:
    """An instant as the console writes it everywhere: UTC, to the second."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else ""


def duration(seconds: float | None) -> str:
    """A duration in words a person reads at a glance: 45s, 12m 5s, 3h 4m, 2d 5h."""
    if seconds is None:
        return "n/a"
    seconds = max(round(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s" if secs else f"{minutes}m"
    return f"{secs}s"


def time_ticks(scale: TimeScale) -> list[Tick]:
    """Ticks on whole seconds, minutes, hours or days (UTC), at most MAX_TICKS, labelled as short as reads
    unambiguously: the date is written when the axis spans more than one day."""
    step = next((s for s in TIME_STEPS if scale.seconds / s <= MAX_TICKS), TIME_STEPS[-1])
    first = math.ceil(scale.start.timestamp() / step) * step
    several_days = scale.start.astimezone(UTC).date() != scale.end.astimezone(UTC).date()
    ticks: list[Tick] = []
    at = first
    while at <= scale.end.timestamp():
        moment = datetime.fromtimestamp(at, UTC)
        if step >= 86400:
            label = moment.strftime("%b %d")
        elif several_days and (not ticks or moment.hour == moment.minute == moment.second == 0):
            label = moment.strftime("%b %d %H:%M")
        else:
            label = moment.strftime("%H:%M:%S" if step < 60 else "%H:%M")
        ticks.append(Tick(x=scale.x(moment), label=label, title=exact(moment)))
        at += step
    return ticks


def nice_maximum(value: float) -> int:
    """The round number a value axis goes up to: 1, 2, 5, 10, 20, 50, ... at least `value`."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value))


def value_ticks(maximum: int) -> list[int]:
    """Whole-number ticks from 0 to a nice_maximum: 0-1, 0-2 by 1, 0-5 by 1, 0-10 by 2, 0-20 by 5, 0-50 by 10..."""
    divisions = {1: 5, 2: 4, 5: 5}.get(int(str(maximum)[0]), 4)
    step = maximum // divisions if maximum % divisions == 0 else 1
    return list(range(0, maximum + 1, step))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
