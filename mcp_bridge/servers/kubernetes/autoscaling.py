"""Autoscaler tools (HorizontalPodAutoscaler, autoscaling/v2): list, describe, and set the replica ceiling."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import READ, SET, Cluster, Context, Name, Namespace, compact, result

MAX_REPLICAS = 1000  # what the tool accepts at most, as scale_deployment


def _metric(metric: dict[str, Any], side: str) -> dict[str, Any]:
    """One metric of the spec (`target`) or of the status (`current`): type, name and its numbers."""
    kind = metric.get("type") or ""
    source = metric.get({"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods",
                         "Object": "object", "External": "external"}.get(kind, "")) or {}
    name = source.get("name") or (source.get("metric") or {}).get("name")
    values = {k: v for k, v in (source.get(side) or {}).items() if k != "type" and v is not None}
    return {"type": kind, "name": name, **values}


def autoscaler_summary(hpa: dict[str, Any]) -> dict[str, Any]:
    """What `get_hpa` and `list_hpas` say of one autoscaler: its target, bounds, replicas, metrics, conditions."""
    meta, spec, status = hpa.get("metadata") or {}, hpa.get("spec") or {}, hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    return {
        "namespace": meta.get("namespace"), "name": meta.get("name"),
        "target": f"{target.get('kind')}/{target.get('name')}",
        "min_replicas": spec.get("minReplicas", 1), "max_replicas": spec.get("maxReplicas"),
        "current_replicas": status.get("currentReplicas"), "desired_replicas": status.get("desiredReplicas"),
        "metrics": [_metric(m, "target") for m in spec.get("metrics") or []],
        "current_metrics": [_metric(m, "current") for m in status.get("currentMetrics") or []],
        "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k) is not None}
                       for c in status.get("conditions") or []],
    }


def _api(cluster: Cluster) -> Any:
    from kubernetes.client import AutoscalingV2Api

    return AutoscalingV2Api(cluster.api_client)


def register(mcp: MCPServer, ctx: Context) -> None:
    cluster = ctx.cluster
    api = functools.cache(lambda: _api(cluster))  # the client is imported on the first call (see __init__)

    def read(namespace: str, name: str) -> dict[str, Any]:
        return cluster.json(f"horizontalpodautoscaler {namespace}/{name}",
                            api().read_namespaced_horizontal_pod_autoscaler, name, namespace)

    @mcp.tool(annotations=READ)
    def list_hpas(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
    ) -> CallToolResult:
        """List HorizontalPodAutoscalers: target workload, min/max/current/desired replicas, metrics, conditions."""
        items = ctx.list_items("horizontalpodautoscalers", namespace, api().list_namespaced_horizontal_pod_autoscaler,
                               api().list_horizontal_pod_autoscaler_for_all_namespaces)
        autoscalers = [autoscaler_summary(hpa) for hpa in items]
        return result(compact(autoscalers), {"autoscalers": autoscalers})

    @mcp.tool(annotations=READ)
    def get_hpa(namespace: Namespace, name: Name) -> CallToolResult:
        """Describe a HorizontalPodAutoscaler: its target, replica bounds, current and desired replicas, each
        metric's target and current value, and its conditions (ScalingLimited says whether the maximum holds it)."""
        ctx.guard(namespace)
        summary = autoscaler_summary(read(namespace, name))
        return result(compact(summary), summary)

    @mcp.tool(annotations=SET)
    def set_hpa_max_replicas(
        namespace: Namespace,
        name: Name,
        max_replicas: Annotated[int, Field(ge=1, le=MAX_REPLICAS, description="the new maxReplicas")],
        only_raise: Annotated[bool, Field(description="refuse a value below the current maxReplicas")] = False,
    ) -> CallToolResult:
        """Set a HorizontalPodAutoscaler's maxReplicas, the most replicas it may scale its workload to (refused in
        read-only mode, and below its minReplicas). The autoscaler scales the workload itself on its next sync."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        what = f"horizontalpodautoscaler {namespace}/{name}"
        spec = read(namespace, name).get("spec") or {}
        before, minimum = spec.get("maxReplicas"), spec.get("minReplicas", 1)
        if max_replicas < minimum:
            raise ToolError(f"{what}: maxReplicas {max_replicas} would be below its minReplicas {minimum}")
        if only_raise and before is not None and max_replicas < before:
            raise ToolError(f"{what}: maxReplicas is {before}; {max_replicas} would lower it (only_raise)")
        if before != max_replicas:
            cluster.call(what, api().patch_namespaced_horizontal_pod_autoscaler, name, namespace,
                         {"spec": {"maxReplicas": max_replicas}}, _content_type="application/merge-patch+json")
        text = (f"{what}: maxReplicas {before} -> {max_replicas}" if before != max_replicas
                else f"{what}: maxReplicas was {max_replicas} already")
        return result(text, {"namespace": namespace, "name": name, "max_replicas_before": before,
                             "max_replicas": max_replicas, "changed": before != max_replicas})
