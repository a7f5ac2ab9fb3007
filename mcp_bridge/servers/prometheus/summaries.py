"""Prometheus answers summarised for a person or a model: a few series, a few numbers each. Pure functions.

An instant vector keeps its values; a range (matrix) becomes, per series, its first, last, lowest, highest and
mean value, its change, and at most SAMPLES_SHOWN samples picked evenly. At most `max_series` series are kept,
the largest first, and the text says how many were left out and how to ask for fewer.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

SAMPLES_SHOWN = 12


def labels_text(metric: dict[str, Any]) -> str:
    labels = {k: v for k, v in metric.items() if k != "__name__"}
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{metric.get('__name__', '')}{{{inner}}}"


def number(value: Any) -> float:
    """A sample value as Prometheus writes it ("1.5", "NaN", "+Inf") as a float (NaN when it is not one)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def fmt(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def iso(stamp: Any) -> str:
    return datetime.fromtimestamp(number(stamp), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rank(value: float) -> float:
    return value if not math.isnan(value) else -math.inf


def summarise_series(values: list[Any]) -> dict[str, Any]:
    """Statistics of one range series ([[timestamp, "value"], ...])."""
    points = [(number(t), number(v)) for t, v in values]
    finite = [(t, v) for t, v in points if math.isfinite(v)]
    summary: dict[str, Any] = {"points": len(points)}
    if not finite:
        return summary
    low, high = min(finite, key=lambda p: p[1]), max(finite, key=lambda p: p[1])
    step = max(1, math.ceil(len(points) / SAMPLES_SHOWN))
    picked = points[::step]
    if picked[-1] is not points[-1]:
        picked = [*picked[:SAMPLES_SHOWN - 1], points[-1]]
    summary.update({
        "first": finite[0][1], "last": finite[-1][1], "min": low[1], "max": high[1], "max_at": iso(high[0]),
        "mean": sum(v for _, v in finite) / len(finite), "change": finite[-1][1] - finite[0][1],
        "from": iso(points[0][0]), "to": iso(points[-1][0]),
        "samples": [[iso(t), v if math.isfinite(v) else str(v)] for t, v in picked],
    })
    return summary


def summarise(result_type: str, result: Any, max_series: int) -> tuple[str, dict[str, Any]]:
    """(text, structured) of one query's result."""
    if result_type in {"scalar", "string"}:
        stamp, value = result if isinstance(result, list) and len(result) == 2 else (0, "")
        said = fmt(number(value)) if result_type == "scalar" else str(value)
        return f"{result_type} {said} at {iso(stamp)}", {"result_type": result_type, "value": said,
                                                         "time": iso(stamp)}
    series = [s for s in result if isinstance(s, dict)] if isinstance(result, list) else []
    rows: list[dict[str, Any]]
    if result_type == "vector":
        rows = [{"metric": s.get("metric") or {}, "value": number((s.get("value") or [0, "NaN"])[1]),
                 "time": iso((s.get("value") or [0])[0])} for s in series]
        rows.sort(key=lambda r: -_rank(r["value"]))
        lines = [f"  {labels_text(r['metric'])} = {fmt(r['value'])}" for r in rows[:max_series]]
        head = f"{len(rows)} series (instant" + (f", {rows[0]['time']})" if rows else ")")
    else:
        rows = [{"metric": s.get("metric") or {}, **summarise_series(s.get("values") or [])} for s in series]
        rows.sort(key=lambda r: -_rank(r.get("max", math.nan)))
        lines = [_range_line(r) for r in rows[:max_series]]
        head = f"{len(rows)} series over a range" + (f" ({rows[0]['from']} to {rows[0]['to']})"
                                                     if rows and "from" in rows[0] else "")
    for row in rows:
        for key in ("value", "first", "last", "min", "max", "mean", "change"):
            if key in row and not math.isfinite(row[key]):
                row[key] = str(row[key])  # JSON has no NaN
    shown = rows[:max_series]
    text = head + (":\n" + "\n".join(lines) if lines else ": no series match (the metric may not exist, its labels "
                   "may differ, or it has no samples then)")
    if len(rows) > max_series:
        text += (f"\n({len(rows) - max_series} more series not shown, of {len(rows)}; the largest are shown first. "
                 "Aggregate (sum by (...), topk) or narrow the label selector.)")
    return text, {"result_type": result_type, "series_total": len(rows), "series_shown": len(shown),
                  "truncated": len(rows) > max_series, "series": shown}


def _range_line(row: dict[str, Any]) -> str:
    name = labels_text(row["metric"])
    if "first" not in row:
        return f"  {name}: {row['points']} points, none a number"
    change = row["change"]
    trend = "rising" if change > 0 else "falling" if change < 0 else "flat"
    return (f"  {name}: {row['points']} points; first {fmt(row['first'])}, last {fmt(row['last'])}, min "
            f"{fmt(row['min'])}, max {fmt(row['max'])} (at {row['max_at']}), mean {fmt(row['mean'])}; {trend} "
            f"({'+' if change > 0 else ''}{fmt(change)})")
