"""Trends of an incident's pods from Prometheus, as evidence for the root-cause analysis (when PROMETHEUS_URL is set).

Three range queries over the incident's window (from half an hour before it opened to now, or to when it resolved;
at most six hours, about 120 steps; each bounded by `mcp_bridge.servers.prometheus.client`): every container's
memory working set and CPU use (cAdvisor, as the kubelet exports them) and its restarts (kube-state-metrics), for
the pods the evidence read. They become:

- findings the engine weighs: memory that reached 90 % of the container's limit supports an OOM kill (it explains
  the crash loop beside it); CPU at 90 % of its limit (throttled: slow to answer its probes) supports a probe failure;
- observations the report shows as they are ("memory 180 MiB -> 508 MiB, 99 % of its 512 MiB limit", "restarted 6
  times"), whatever the verdict.

A Prometheus that cannot answer is named among what could not be read ("prometheus"); a metric it does not have is
no finding. Unset PROMETHEUS_URL: nothing is asked, nothing changes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.utils import timezone
from kubernetes.utils import parse_quantity

from incidents.models import Incident
from incidents.rca.findings import Finding, bounded, listed, mapping, name_of, pod_health
from mcp_bridge.servers.prometheus.client import Connection, Prometheus, PrometheusError
from mcp_bridge.servers.prometheus.summaries import iso, number

log = structlog.get_logger(__name__)
BEFORE = timedelta(minutes=30)  # of the incident's opening: what led to it
MAX_WINDOW = timedelta(hours=6)
NEAR_LIMIT = 0.9
_SELECTOR = '{{namespace={namespace}, pod=~`{pods}`, container!="", container!="POD"}}'
QUERIES = {
    "memory": "max by (pod, container) (container_memory_working_set_bytes{selector})",
    "cpu": "max by (pod, container) (rate(container_cpu_usage_seconds_total{selector}[5m]))",
    "restarts": "max by (pod, container) (kube_pod_container_status_restarts_total{selector})",
}


@dataclass
class Trends:
    findings: list[Finding] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)


def connection() -> Connection:
    return Connection(url=settings.PROMETHEUS_URL, bearer_token=settings.PROMETHEUS_BEARER_TOKEN,
                      username=settings.PROMETHEUS_USERNAME, password=settings.PROMETHEUS_PASSWORD,
                      ca_file=settings.PROMETHEUS_CA_FILE, timeout=float(settings.PROMETHEUS_TIMEOUT_SECONDS))


def window(incident: Incident, now: datetime | None = None) -> tuple[datetime, datetime]:
    end = incident.resolved_at or now or timezone.now()
    return max(min(incident.opened_at, end) - BEFORE, end - MAX_WINDOW), end


def read_trends(incident: Incident, objects: list[dict[str, Any]]) -> Trends:
    """The trends of the pods among `objects` (the evidence read from the cluster); empty without Prometheus."""
    pods = [o for o in objects if o.get("kind") == "Pod" and name_of(o).count("/") == 2]
    if not settings.PROMETHEUS_URL or not pods:
        return Trends()
    namespace = mapping(pods[0].get("metadata")).get("namespace") or ""
    names = "|".join(re.escape(str(mapping(p.get("metadata")).get("name"))) for p in pods)
    selector = _SELECTOR.format(namespace=json.dumps(namespace), pods=names)
    start, end = window(incident)
    series: dict[str, list[dict[str, Any]]] = {}
    try:
        with Prometheus(connection()) as prometheus:
            for name, query in QUERIES.items():
                answer = prometheus.query_range(query.format(selector=selector), start, end)
                series[name] = [s for s in answer.result or [] if isinstance(s, dict)]
    except PrometheusError as exc:
        log.info("rca_evidence_unavailable", what="prometheus", error=str(exc)[:300])
        return Trends(unavailable=["prometheus"])
    return trend_findings(pods, series)


def trend_findings(pods: list[dict[str, Any]], series: dict[str, list[dict[str, Any]]]) -> Trends:
    """Findings and observations of the series each query returned, per (pod, container). Pure."""
    by_name = {mapping(p.get("metadata")).get("name"): p for p in pods}
    trends = Trends()
    for kind, reader in (("memory", _memory), ("cpu", _cpu), ("restarts", _restarts)):
        for one in series.get(kind) or []:
            labels = mapping(one.get("metric"))
            pod = by_name.get(labels.get("pod"))
            points = [(number(t), number(v)) for t, v in listed(one.get("values")) if isinstance(t, int | float)]
            points = [(t, v) for t, v in points if math.isfinite(v)]
            if pod is None or not points:
                continue
            container = str(labels.get("container") or "")
            for item in reader(pod, container, points):
                if isinstance(item, Finding):
                    item.container, item.weight = container, pod_health(pod)
                    trends.findings.append(item)
                else:
                    trends.observations.append(bounded(f"{name_of(pod)} ({container}): {item} (Prometheus)", 500))
    return trends


def _limit(pod: dict[str, Any], container: str, resource: str) -> float | None:
    for spec in listed(mapping(pod.get("spec")).get("containers")):
        if mapping(spec).get("name") == container:
            value = mapping(mapping(mapping(spec).get("resources")).get("limits")).get(resource)
            try:
                return float(parse_quantity(value)) if value else None
            except ValueError:
                return None
    return None


def _memory(pod: dict[str, Any], container: str, points: list[tuple[float, float]]) -> Iterator[Finding | str]:
    first, (peak_at, peak), last = points[0][1], max(points, key=lambda p: p[1]), points[-1][1]
    limit = _limit(pod, container, "memory")
    span = _minutes(points[-1][0] - points[0][0])
    share = f", {peak / limit:.0%} of its {_bytes(limit)} limit" if limit else ", no memory limit"
    yield (f"memory working set {_bytes(first)} -> {_bytes(last)} over {span}, peak {_bytes(peak)} at "
           f"{iso(peak_at)}{share}")
    if limit and peak >= NEAR_LIMIT * limit:
        text = (f"memory working set rose from {_bytes(first)} to {_bytes(peak)} ({iso(peak_at)}), {peak / limit:.0%} "
                f"of its {_bytes(limit)} limit (Prometheus, over {span})")
        yield Finding(name_of(pod), "metrics", bounded(text), {"oom_killed": 0.85},
                      f"container {container} of {name_of(pod)} used up its memory limit ({_bytes(peak)} of "
                      f"{_bytes(limit)}, per Prometheus): the kernel kills it when it passes the limit")


def _cpu(pod: dict[str, Any], container: str, points: list[tuple[float, float]]) -> Iterator[Finding | str]:
    peak_at, peak = max(points, key=lambda p: p[1])
    limit = _limit(pod, container, "cpu")
    share = f", {peak / limit:.0%} of its {limit:g}-core limit" if limit else ""
    yield f"CPU {points[-1][1]:.2f} cores at {iso(points[-1][0])}, peak {peak:.2f} at {iso(peak_at)}{share}"
    if limit and peak >= NEAR_LIMIT * limit:
        yield Finding(name_of(pod), "metrics", f"CPU use reached {peak:.2f} cores ({iso(peak_at)}), {peak / limit:.0%} "
                      f"of its {limit:g}-core limit: throttled (Prometheus)", {"probe_failure": 0.45},
                      f"container {container} of {name_of(pod)} ran at its CPU limit: throttled, it may answer its "
                      "probes too late")


def _restarts(pod: dict[str, Any], container: str, points: list[tuple[float, float]]) -> Iterator[Finding | str]:
    restarts = int(max(v for _, v in points) - points[0][1])
    if restarts > 0:
        yield (f"restarted {restarts} time{'s' if restarts > 1 else ''} between {iso(points[0][0])} and "
               f"{iso(points[-1][0])}")


def _bytes(value: float) -> str:
    mib = value / 2**20
    return f"{mib / 1024:.1f} GiB" if mib >= 1024 else f"{mib:.0f} MiB"


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"
