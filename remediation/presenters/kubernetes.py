"""Views of what the bundled Kubernetes server's tools answer (mcp_bridge/servers/kubernetes/): a pod, a
deployment or a node described, any other object described, and lists. Each takes the tool's structured result
(a dict) and the page's limits."""

from __future__ import annotations

from typing import Any

from remediation.presenters.base import (
    Fact,
    Limits,
    Row,
    StepView,
    Table,
    cell,
    condition_css,
    event_css,
    facts,
    is_rows,
    label,
    mapping,
    pretty,
    table,
)

REVISION = "deployment.kubernetes.io/revision"
EVENT_COLUMNS = ["last_seen", "type", "reason", "count", "message"]
CONDITION_COLUMNS = ["type", "status", "reason", "message"]
SERIES_COLUMNS = ["series", "value", "time", "points", "first", "last", "min", "max", "max_at", "mean", "change",
                  "from", "to"]


def events_table(data: dict[str, Any], limits: Limits) -> list[Table]:
    events = data.get("events")
    if not isinstance(events, list):
        return []
    return [table(f"Recent events ({len(events)})", events, limits, EVENT_COLUMNS, event_css)]


def conditions_table(conditions: Any, limits: Limits) -> list[Table]:
    if not is_rows(conditions):
        return []
    return [table("Conditions", conditions, limits, CONDITION_COLUMNS, condition_css)]


def state_text(state: Any) -> str:
    """{"state": "waiting", "reason": "CrashLoopBackOff"} -> waiting (CrashLoopBackOff)."""
    if not isinstance(state, dict):
        return ""
    reason = state.get("reason")
    return f"{state.get('state', '')}" + (f" ({reason})" if reason else "")


def containers_table(containers: Any, caption: str, limits: Limits) -> list[Table]:
    """Each container's readiness, restarts, state and last state with its exit code and reason."""
    if not is_rows(containers):
        return []
    rows = []
    for container in containers[:limits.rows]:
        last, now = mapping(container.get("last_state")), mapping(container.get("state"))
        # The exit code and reason of the last termination: the last state's, or the current one's if it ended.
        ended = last or (now if now.get("state") == "terminated" else {})
        bad = not container.get("ready") or ended.get("exitCode") not in (None, 0)
        values = [container.get("name"), container.get("image"), container.get("ready"), container.get("restarts"),
                  state_text(now), state_text(last), ended.get("exitCode"), ended.get("reason"),
                  ended.get("finishedAt"), now.get("message") or ended.get("message")]
        rows.append(Row([cell(value, limits.cell_chars) for value in values], "bad" if bad else ""))
    columns = ["name", "image", "ready", "restarts", "state", "last state", "exit code", "reason", "finished",
               "message"]
    return [Table(caption, columns, rows, hidden=max(0, len(containers) - limits.rows))]


def pod_view(data: dict[str, Any], limits: Limits) -> StepView:
    """describe_pod (or get_pod): phase, readiness, restarts, container states, conditions, events."""
    view = StepView("pod", title=f"Pod {data.get('namespace') or ''}/{data.get('name') or ''}".replace(" /", " "))
    view.facts = facts(data, ["phase", "ready", "restarts", "waiting_reason", "node", "owner", "pod_ip", "started",
                              "reason", "message", "events_error"], limits)
    view.tables = [*containers_table(data.get("init_containers"), "Init containers", limits),
                   *containers_table(data.get("containers") if _has_states(data) else None, "Containers", limits),
                   *conditions_table(data.get("conditions"), limits), *events_table(data, limits)]
    if not _has_states(data) and is_rows(data.get("containers")):  # get_pod: images, resources, probes
        view.tables.insert(0, table("Containers", data["containers"], limits))
    return view


def _has_states(data: dict[str, Any]) -> bool:
    return any("state" in c or "last_state" in c for c in data.get("containers") or [] if isinstance(c, dict))


def deployment_view(data: dict[str, Any], limits: Limits) -> StepView:
    """get_deployment, rollout_status or describe of a Deployment: replicas, conditions, revision, images, events."""
    if isinstance(data.get("spec"), dict) or isinstance(data.get("status"), dict):
        data = {**data, **deployment_from_object(data)}
    view = StepView("deployment", title=f"Deployment {data.get('namespace') or ''}/{data.get('name') or ''}")
    ready, wanted = data.get("ready"), data.get("replicas")
    view.facts = [Fact("desired", cell(wanted, 20)), Fact("ready", cell(ready, 20), "bad" if ready != wanted else ""),
                  Fact("updated", cell(data.get("updated"), 20)), Fact("available", cell(data.get("available"), 20)),
                  *facts(data, ["unavailable", "revision", "state", "message", "paused", "restarted_at",
                                "generation", "observed_generation", "events_error"], limits)]
    images = data.get("images")
    if isinstance(images, dict) and images:
        view.tables.append(table("Images", [{"container": k, "image": v} for k, v in images.items()], limits))
    view.tables += [*conditions_table(data.get("conditions"), limits), *events_table(data, limits)]
    return view


def deployment_from_object(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of deployment_summary, from `describe`'s spec, status and annotations."""
    spec = mapping(data.get("spec"))
    status = mapping(data.get("status"))
    template = spec.get("template") or {}
    containers = (template.get("spec") or {}).get("containers") or []
    annotations = mapping(data.get("annotations"))
    return {"replicas": spec.get("replicas"), "ready": status.get("readyReplicas") or 0,
            "updated": status.get("updatedReplicas") or 0, "available": status.get("availableReplicas") or 0,
            "unavailable": status.get("unavailableReplicas") or 0, "revision": annotations.get(REVISION),
            "images": {c.get("name"): c.get("image") for c in containers if isinstance(c, dict)},
            "paused": bool(spec.get("paused")), "observed_generation": status.get("observedGeneration"),
            "conditions": [{k: c.get(k) for k in CONDITION_COLUMNS} for c in status.get("conditions") or []
                           if isinstance(c, dict)]}


def node_view(data: dict[str, Any], limits: Limits) -> StepView:
    """describe_node or describe of a Node: conditions, taints, unschedulable, allocatable (and capacity)."""
    if isinstance(data.get("spec"), dict) or isinstance(data.get("status"), dict):
        spec = mapping(data.get("spec"))
        status = mapping(data.get("status"))
        data = {**data, "unschedulable": bool(spec.get("unschedulable")), "taints": spec.get("taints") or [],
                "conditions": status.get("conditions") or [], "allocatable": status.get("allocatable") or {},
                "capacity": status.get("capacity") or {},
                "kubelet_version": (status.get("nodeInfo") or {}).get("kubeletVersion")}
    view = StepView("node", title=f"Node {data.get('name') or ''}")
    unschedulable = bool(data.get("unschedulable"))
    view.facts = [Fact("unschedulable", cell(unschedulable, 10), "bad" if unschedulable else ""),
                  *facts(data, ["kubelet_version", "events_error"], limits)]
    view.tables = conditions_table(data.get("conditions"), limits)
    taints = data.get("taints") or []
    view.tables.append(table(f"Taints ({len(taints)})", taints if isinstance(taints, list) else [], limits,
                             ["key", "value", "effect"]))
    allocatable = mapping(data.get("allocatable"))
    capacity = mapping(data.get("capacity"))
    resources = [{"resource": name, "allocatable": allocatable.get(name), "capacity": capacity.get(name)}
                 for name in dict.fromkeys([*allocatable, *capacity])]
    view.tables.append(table("Allocatable", resources, limits, ["resource", "allocatable", "capacity"]))
    view.tables += events_table(data, limits)
    return view


def describe_view(data: dict[str, Any], limits: Limits) -> StepView:
    """`describe` of any kind: Pod, Deployment and Node as their own views; others as keys and values."""
    kind = data.get("kind")
    if kind == "Deployment":
        return deployment_view(data, limits)
    if kind == "Node":
        return node_view(data, limits)
    if kind == "Pod" and isinstance(data.get("status"), dict):
        return pod_view({**data, **pod_from_object(data)}, limits)
    return generic_view(data, limits, title=f"{kind or 'Object'} {data.get('namespace') or ''}/{data.get('name')}"
                        if data.get("namespace") else f"{kind or 'Object'} {data.get('name') or ''}")


def pod_from_object(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of describe_pod, from `describe`'s spec and status of a Pod."""
    spec = mapping(data.get("spec"))
    status = data["status"]

    def state(value: Any) -> dict[str, Any] | None:
        if not isinstance(value, dict) or not value:
            return None
        name, detail = next(iter(value.items()))
        return {"state": name, **{k: v for k, v in (detail or {}).items()
                                  if k in ("reason", "message", "exitCode", "startedAt", "finishedAt")}}

    def containers(key: str) -> list[dict[str, Any]]:
        return [{"name": s.get("name"), "image": s.get("image"), "ready": s.get("ready"),
                 "restarts": s.get("restartCount") or 0, "state": state(s.get("state")),
                 "last_state": state(s.get("lastState"))} for s in status.get(key) or [] if isinstance(s, dict)]

    statuses = containers("containerStatuses")
    return {"phase": status.get("phase"), "node": spec.get("nodeName"), "pod_ip": status.get("podIP"),
            "ready": f"{sum(1 for s in statuses if s['ready'])}/{len(spec.get('containers') or statuses)}",
            "restarts": sum(s["restarts"] for s in statuses), "reason": status.get("reason"),
            "message": status.get("message"), "started": status.get("startTime"),
            "conditions": status.get("conditions") or [], "containers": statuses,
            "init_containers": containers("initContainerStatuses")}


def generic_view(data: dict[str, Any], limits: Limits, title: str = "") -> StepView:
    """Any describe-like dict: its plain values as facts, its lists of records as tables, the rest as JSON."""
    view = StepView("describe", title=title)
    nested: dict[str, Any] = {}
    for key, value in data.items():
        if key == "note":
            continue
        if is_rows(value):
            view.tables.append(table(f"{label(key)} ({len(value)})", value, limits,
                                     EVENT_COLUMNS if key == "events" else None,
                                     event_css if key == "events" else None))
        elif isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
            nested[key] = value
        elif value not in (None, "", [], {}):
            view.facts.append(Fact(label(key), cell(value, limits.cell_chars)))
    if nested:
        view.pretty = pretty(nested, limits.raw_chars)
    return view


def list_view(key: str, items: list[Any], limits: Limits) -> StepView:
    """list_pods, list_deployments, list_events, list_nodes, list_namespaces, list_services, list_hpas, top_*,
    rollout_history...: one table."""
    css = event_css if key == "events" else None
    columns = [*EVENT_COLUMNS[:3], "object", "namespace", "count", "message"] if key == "events" else None
    return StepView("table", tables=[table(f"{label(key).capitalize()} ({len(items)})", items, limits, columns, css)])


def log_analysis_view(data: dict[str, Any], limits: Limits) -> StepView:
    """analyze_logs: the findings of the current and the previous container, with their evidence lines."""
    view = StepView("log_analysis", title=f"Log analysis of pod {data.get('namespace') or ''}/{data.get('pod') or ''}")
    for which in ("current", "previous"):
        part = data.get(which)
        if not isinstance(part, dict):
            continue
        if part.get("error"):
            view.facts.append(Fact(f"{which} container", cell(part["error"], limits.cell_chars)))
            continue
        view.facts.append(Fact(f"{which} container", cell(part.get("summary"), limits.cell_chars)))
        findings = [{**f, "evidence": [f"{e.get('line')}: {e.get('text')}" for e in f.get("evidence") or []
                                       if isinstance(e, dict)]}
                    for f in part.get("findings") or [] if isinstance(f, dict)]
        if findings:
            view.tables.append(table(f"Findings, {which} container", findings, limits,
                                     ["severity", "pattern", "category", "count", "detail", "description",
                                      "evidence"], lambda f: "bad" if f.get("severity") == "critical" else "warn"))
    return view


def metrics_view(data: dict[str, Any], limits: Limits) -> StepView:
    """The Prometheus server's query / query_range: one row per series."""
    series = [s for s in data.get("series") or [] if isinstance(s, dict)]
    rows = [{"series": _labels(s.get("metric")), **{k: v for k, v in s.items() if k not in ("metric", "samples")}}
            for s in series]
    view = StepView("metrics", facts=facts(data, ["result_type", "value", "time", "series_total", "start", "end",
                                                  "warnings"], limits))
    if rows:
        present = {key for row in rows for key in row}
        view.tables.append(table(f"Series ({len(rows)})", rows, limits,
                                 [key for key in SERIES_COLUMNS if key in present]))
    return view


def _labels(metric: Any) -> str:
    if not isinstance(metric, dict):
        return ""
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return f"{metric.get('__name__', '')}{{{inner}}}"
