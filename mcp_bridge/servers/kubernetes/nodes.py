"""Node tools: list, describe, cordon, uncordon, drain (through the Eviction API)."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ToolAnnotations

from mcp_bridge.servers.kubernetes.base import MUTATE, READ, Cluster, Context, Name, compact, result
from mcp_bridge.servers.kubernetes.summaries import node_summary, owner_of

CORDON = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)
UNCORDON = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


def node_description(name: str, node: dict[str, Any]) -> dict[str, Any]:
    """`describe_node`'s summary: conditions, taints, cordoned, capacity and allocatable resources."""
    spec, status = node.get("spec") or {}, node.get("status") or {}
    return {
        "name": name,
        "unschedulable": bool(spec.get("unschedulable")),
        "taints": spec.get("taints") or [],
        "conditions": [
            {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k) is not None}
            for c in status.get("conditions") or []
        ],
        "capacity": status.get("capacity") or {},
        "allocatable": status.get("allocatable") or {},
        "kubelet_version": (status.get("nodeInfo") or {}).get("kubeletVersion"),
    }


def set_unschedulable(ctx: Context, name: str, unschedulable: bool) -> CallToolResult:
    """Cordon or uncordon a node; no patch when it is already so."""
    cluster = ctx.cluster
    ctx.cluster_wide_change(f"{'cordoning' if unschedulable else 'uncordoning'} node {name}")
    what = f"node {name}"
    node = cluster.json(what, cluster.core.read_node, name)
    before = bool((node.get("spec") or {}).get("unschedulable"))
    if before != unschedulable:
        cluster.call(what, cluster.core.patch_node, name, {"spec": {"unschedulable": unschedulable or None}},
                     _content_type="application/merge-patch+json")
    state = "cordoned" if unschedulable else "uncordoned"
    text = f"{what} {state}" if before != unschedulable else f"{what} was already {state}"
    return result(text, {"name": name, "unschedulable": unschedulable, "changed": before != unschedulable})


def stays_on_drain(meta: dict[str, Any]) -> bool:
    """DaemonSet and static (mirror) pods are not evicted by a drain."""
    owner = owner_of(meta) or ""
    return owner.startswith("DaemonSet/") or "kubernetes.io/config.mirror" in (meta.get("annotations") or {})


def evict_pods(cluster: Cluster, node: str,
               pods: list[dict[str, Any]]) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """Evict the node's pods through the Eviction API: (evicted, kept, failed), each pod as namespace/name."""
    evicted, kept, failed = [], [], []
    for pod in pods:
        meta = pod.get("metadata") or {}
        if (pod.get("spec") or {}).get("nodeName") != node:
            continue  # not every API server (or emulator) honours field selectors
        label = f"{meta.get('namespace')}/{meta.get('name')}"
        if stays_on_drain(meta):
            kept.append(label)
            continue
        body = {"apiVersion": "policy/v1", "kind": "Eviction",
                "metadata": {"name": meta.get("name"), "namespace": meta.get("namespace")}}
        try:
            cluster.call(f"eviction of pod {label}", cluster.core.create_namespaced_pod_eviction,
                         meta.get("name"), meta.get("namespace"), body)
            evicted.append(label)
        except ToolError as exc:  # e.g. 429: a PodDisruptionBudget forbids it now
            failed.append({"pod": label, "error": str(exc)})
    return evicted, kept, failed


def register(mcp: MCPServer, ctx: Context) -> None:
    register_reads(mcp, ctx)
    register_scheduling(mcp, ctx)


def register_reads(mcp: MCPServer, ctx: Context) -> None:
    """list_nodes, describe_node."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ)
    def list_nodes() -> CallToolResult:
        """List nodes: Ready, cordoned, roles, kubelet version, allocatable CPU and memory."""
        nodes = [node_summary(n) for n in cluster.json("nodes", cluster.core.list_node).get("items") or []]
        return result(compact(nodes), {"nodes": nodes})

    @mcp.tool(annotations=READ)
    def describe_node(name: Name) -> CallToolResult:
        """Summarise a node: conditions, taints, whether it is cordoned, capacity and allocatable resources."""
        summary = node_description(name, cluster.json(f"node {name}", cluster.core.read_node, name))
        return result(compact(summary), summary)


def register_scheduling(mcp: MCPServer, ctx: Context) -> None:
    """cordon_node, uncordon_node, drain_node."""
    cluster = ctx.cluster

    @mcp.tool(annotations=CORDON)
    def cordon_node(name: Name) -> CallToolResult:
        """Mark a node unschedulable, as `kubectl cordon` does: running pods stay (refused in read-only mode)."""
        return set_unschedulable(ctx, name, True)

    @mcp.tool(annotations=UNCORDON)
    def uncordon_node(name: Name) -> CallToolResult:
        """Make a cordoned node schedulable again, as `kubectl uncordon` does (refused in read-only mode)."""
        return set_unschedulable(ctx, name, False)

    @mcp.tool(annotations=MUTATE)
    def drain_node(name: Name) -> CallToolResult:
        """Cordon a node, then evict its pods through the Eviction API (PodDisruptionBudgets are honoured),
        leaving DaemonSet and static pods, as `kubectl drain --ignore-daemonsets` (refused in read-only mode)."""
        ctx.cluster_wide_change(f"draining node {name}")
        set_unschedulable(ctx, name, True)
        pods = cluster.json(f"pods on node {name}", cluster.core.list_pod_for_all_namespaces,
                            field_selector=f"spec.nodeName={name}").get("items") or []
        evicted, kept, failed = evict_pods(cluster, name, pods)
        text = f"node {name} cordoned; evicted {len(evicted)} pod(s), kept {len(kept)} (DaemonSet/static)"
        if failed:
            text += f"; {len(failed)} eviction(s) refused: " + "; ".join(f["error"] for f in failed)
        outcome = result(text, {"name": name, "evicted": evicted, "kept": kept, "failed": failed})
        if failed:
            outcome.is_error = True
        return outcome
