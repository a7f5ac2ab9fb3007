"""A step's tool result as people read it: `present(step)` picks a view by the tool's name and the result's shape.

    pod, deployment, node   describe_pod / get_pod, get_deployment / rollout_status, describe_node, and `describe`
                            of those kinds: what matters first, in small tables
    describe                any other describe-like result: its values, its lists as tables
    logs                    get_pod_logs, exec_readonly: numbered lines, the analyzer's matches marked
    log_analysis, metrics   analyze_logs' findings; a Prometheus query's series
    table                   lists (pods, deployments, events, nodes, namespaces, services, autoscalers...)
    json / text             anything else, pretty-printed
    error                   the tool's error, with whatever it printed

Every view keeps the raw output (clipped to the page's limits) and counts what it left out, so the page links to
the whole output when something is missing. Values stay plain strings: the template escapes them.
"""

from __future__ import annotations

import json
from typing import Any

from remediation.presenters.base import FULL, PANEL, PARSE_LIMIT, Limits, StepView, clip, compact, is_rows, pretty
from remediation.presenters.kubernetes import (
    deployment_view,
    describe_view,
    generic_view,
    list_view,
    log_analysis_view,
    metrics_view,
    node_view,
    pod_view,
)
from remediation.presenters.logs import log_view

__all__ = ["FULL", "PANEL", "Limits", "StepView", "present", "present_result"]

LOG_TOOLS = {"get_pod_logs", "exec_readonly"}
POD_TOOLS = {"describe_pod", "get_pod"}
DEPLOYMENT_TOOLS = {"get_deployment", "rollout_status"}
DESCRIBE_PREFIXES = ("describe", "get_", "check_", "current_")  # tools that answer with one object
# Keys beside a list that do not make the result more than a list (list_pods answers {"pods": [...]}).
LIST_COMPANIONS = {"note", "namespace", "total", "truncated"}


def present(step: Any, *, limits: Limits = PANEL, page: int = 1) -> StepView:
    """The view of a StepRun's stored result (its tool, output, structured content and error)."""
    return present_result(step.tool, step.output, step.structured, step.error, limits=limits, page=page)


def present_result(tool: str, output: str, structured: Any, error: str = "", *, limits: Limits = PANEL,
                   page: int = 1) -> StepView:
    output, error = output or "", error or ""
    if error and (not output or output == error):
        view = StepView("error")
    else:
        try:
            view = _view(tool, output, structured, limits, page)
        except RecursionError:  # JSON nested deeper than anyone reads: shown as the text it is
            view = StepView("text", text=clip(output, limits.raw_chars))
    view.error = clip(error, limits.raw_chars)
    raw = output
    if structured is not None and _parsed(output) is None:
        raw += ("\n\n" if raw else "") + "Structured content:\n" + compact(structured)
    view.raw, view.raw_hidden = raw[:limits.raw_chars], max(0, len(raw) - limits.raw_chars)
    return view


def _view(tool: str, output: str, structured: Any, limits: Limits, page: int) -> StepView:
    if tool in LOG_TOOLS and structured is None:
        return log_view(output, limits, page)
    # The text when it is the JSON: it keeps the tool's key order (PostgreSQL's jsonb sorts a structured copy's).
    data = _parsed(output)
    if data is None:
        data = structured
    if data is None:
        kind = "text" if output.strip() else "empty"
        return StepView(kind, text=clip(output, limits.raw_chars))
    view = _data_view(tool, data, limits)
    if isinstance(data, dict) and isinstance(data.get("note"), str):
        view.note = clip(data["note"], limits.cell_chars)  # the tool acted on another pod than the one named
    return view


def _data_view(tool: str, data: Any, limits: Limits) -> StepView:
    if isinstance(data, list):
        return list_view(tool.removeprefix("list_") or "items", data, limits)
    if not isinstance(data, dict):
        return StepView("json", pretty=pretty(data, limits.raw_chars))
    if tool == "analyze_logs":
        return log_analysis_view(data, limits)
    if tool in POD_TOOLS:
        return pod_view(data, limits)
    if tool in DEPLOYMENT_TOOLS:
        return deployment_view(data, limits)
    if tool == "describe_node":
        return node_view(data, limits)
    if tool == "describe":
        return describe_view(data, limits)
    if "result_type" in data and isinstance(data.get("series", []), list):
        return metrics_view(data, limits)
    lists = [key for key, value in data.items() if isinstance(value, list) and key not in LIST_COMPANIONS]
    if len(lists) == 1 and set(data) - {lists[0]} <= LIST_COMPANIONS and (is_rows(data[lists[0]])
                                                                         or not data[lists[0]]):
        return list_view(lists[0], data[lists[0]], limits)
    if tool.startswith(DESCRIBE_PREFIXES):
        return generic_view(data, limits)
    return StepView("json", pretty=pretty(data, limits.raw_chars))


def _parsed(output: str) -> Any:
    """The output as JSON, also after a first line of note (a tool that acted on another pod says so first);
    None when it is not JSON, or too long to be worth parsing."""
    text = output.strip()
    if not text or len(text) > PARSE_LIMIT:
        return None
    for candidate in (text, text.partition("\n")[2]):
        if candidate[:1] in ("{", "["):
            try:
                return json.loads(candidate)
            except (ValueError, RecursionError):
                continue
    return None
