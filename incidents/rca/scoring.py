"""Scores of the RCA engine over labelled cases: accuracy, per-category precision and recall, confusion, and
calibration (is a confident answer right as often as it claims?). Plain Python, used by `manage.py rca_eval`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Confidence bins of the calibration table: [low, high).
BINS = ((0.0, 0.5), (0.5, 0.65), (0.65, 0.8), (0.8, 0.9), (0.9, 1.01))
CONFIDENT = 0.8


@dataclass
class Outcome:
    name: str
    expected: str
    got: str
    confidence: float

    @property
    def right(self) -> bool:
        return self.expected == self.got


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, name: str, expected: str, got: str, confidence: float) -> None:
        self.outcomes.append(Outcome(name, expected, got, confidence))

    @property
    def right(self) -> int:
        return sum(o.right for o in self.outcomes)

    def per_category(self) -> dict[str, tuple[int, int, float | None, float | None]]:
        """category -> (cases, right, precision, recall); precision is None when never answered."""
        cases = Counter(o.expected for o in self.outcomes)
        answered = Counter(o.got for o in self.outcomes)
        right = Counter(o.expected for o in self.outcomes if o.right)
        out = {}
        for category in sorted(set(cases) | set(answered)):
            precision = right[category] / answered[category] if answered[category] else None
            recall = right[category] / cases[category] if cases[category] else None
            out[category] = (cases[category], right[category], precision, recall)
        return out

    def confusion(self) -> dict[tuple[str, str], int]:
        """(expected, got) -> count, for the misses only."""
        return dict(Counter((o.expected, o.got) for o in self.outcomes if not o.right))

    def calibration(self) -> list[tuple[float, float, int, int]]:
        """(low, high, cases, right) per confidence bin."""
        return [(low, high, len(group := [o for o in self.outcomes if low <= o.confidence < high]),
                 sum(o.right for o in group)) for low, high in BINS]

    def confident(self) -> tuple[int, int]:
        """(cases, right) among answers at confidence >= CONFIDENT."""
        group = [o for o in self.outcomes if o.confidence >= CONFIDENT]
        return len(group), sum(o.right for o in group)

    def lines(self, label: str = "") -> list[str]:
        """The report: per category, the confusions, calibration, then `accuracy: X/Y` last."""
        suffix = f" ({label})" if label else ""
        out = [f"{'category':26} {'cases':>5} {'right':>5} {'precision':>9} {'recall':>7}"]
        for category, (cases, right, precision, recall) in self.per_category().items():
            out.append(f"{category:26} {cases:5} {right:5} {_pct(precision):>9} {_pct(recall):>7}")
        confusion = sorted(self.confusion().items(), key=lambda item: (-item[1], item[0]))
        if confusion:
            out.append("confusions (expected -> got):")
            out += [f"  {expected} -> {got}: {count}" for (expected, got), count in confusion]
        out.append("calibration (confidence: right/cases):")
        out += [f"  [{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}: {right}/{cases}"
                + (f" = {right / cases:.0%}" if cases else "") for low, high, cases, right in self.calibration()]
        cases, right = self.confident()
        out.append(f"confident (>= {CONFIDENT}): {right}/{cases}" + (f" = {right / cases:.0%}" if cases else ""))
        out.append(f"accuracy{suffix}: {self.right}/{len(self.outcomes)}")
        return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
