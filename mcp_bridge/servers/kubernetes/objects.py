"""Tools about any object or the cluster as a whole: describe, label, events, namespaces, services."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import READ, Cluster, Context, Name, NotFound, compact, result
from mcp_bridge.servers.kubernetes.summaries import describe_summary, recent_events, service_summary

DESCRIBE_API = {
    "Pod": ("core", "read_namespaced_pod", True), "Node": ("core", "read_node", False),
    "Deployment": ("apps", "read_namespaced_deployment", True),
    "StatefulSet": ("apps", "read_namespaced_stateful_set", True),
    "DaemonSet": ("apps", "read_namespaced_daemon_set", True),
    "ReplicaSet": ("apps", "read_namespaced_replica_set", True),
    "Service": ("core", "read_namespaced_service", True), "ConfigMap": ("core", "read_namespaced_config_map", True),
    "Job": ("batch", "read_namespaced_job", True),
    "PersistentVolumeClaim": ("core", "read_namespaced_persistent_volume_claim", True),
    "Namespace": ("core", "read_namespace", False),
}
DESCRIBABLE = {kind.lower(): kind for kind in DESCRIBE_API} | {"pvc": "PersistentVolumeClaim", "ns": "Namespace"}
LABEL_API = {
    "pod": ("core", "patch_namespaced_pod", True),
    "deployment": ("apps", "patch_namespaced_deployment", True),
    "service": ("core", "patch_namespaced_service", True),
    "node": ("core", "patch_node", False),
    "namespace": ("core", "patch_namespace", False),
}
LABEL = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


def register(mcp: MCPServer, ctx: Context) -> None:
    register_lists(mcp, ctx)
    register_describe(mcp, ctx)
    register_label(mcp, ctx)


def register_lists(mcp: MCPServer, ctx: Context) -> None:
    """list_events, list_namespaces, list_services."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ)
    def list_events(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
        warnings_only: bool = True,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
    ) -> CallToolResult:
        """List the most recent events, newest first (only warnings by default)."""
        kwargs = {"field_selector": "type=Warning"} if warnings_only else {}
        found = ctx.list_items("events", namespace, cluster.core.list_namespaced_event,
                               cluster.core.list_event_for_all_namespaces, **kwargs)
        items = [e for e in found if not warnings_only or e.get("type") == "Warning"]
        events = recent_events(items, limit)
        return result(compact(events), {"events": events})

    @mcp.tool(annotations=READ)
    def list_namespaces() -> CallToolResult:
        """List namespaces with their phase (only the allowed ones with --allowed-namespaces)."""
        if ctx.allowed:  # each read by name: a Role in the namespace may grant that, never the cluster-wide list
            namespaces = [summary for name in sorted(ctx.allowed) if (summary := allowed_namespace(cluster, name))]
            return result(compact(namespaces), {"namespaces": namespaces})
        items = cluster.json("namespaces", cluster.core.list_namespace).get("items") or []
        namespaces = [{"name": (n.get("metadata") or {}).get("name"), "phase": (n.get("status") or {}).get("phase")}
                      for n in items]
        return result(compact(namespaces), {"namespaces": namespaces})

    @mcp.tool(annotations=READ)
    def list_services(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
    ) -> CallToolResult:
        """List services: type, cluster IP, ports and selector."""
        items = ctx.list_items("services", namespace, cluster.core.list_namespaced_service,
                               cluster.core.list_service_for_all_namespaces)
        services = [service_summary(s) for s in items]
        return result(compact(services), {"services": services})


def allowed_namespace(cluster: Cluster, name: str) -> dict[str, Any] | None:
    """An allowed namespace with its phase (None: it does not exist), or with why it could not be read."""
    try:
        found = cluster.json(f"namespace {name}", cluster.core.read_namespace, name)
    except NotFound:
        return None
    except ToolError as exc:
        return {"name": name, "phase": None, "error": str(exc)}
    return {"name": name, "phase": (found.get("status") or {}).get("phase")}


def describable_kind(kind: str) -> str:
    """The canonical kind `describe` reads for what the caller wrote ("pvc", "deployment"...)."""
    key = kind.strip().lower()
    if key in {"secret", "secrets"}:
        raise ToolError("refused: Secrets are not described (their values would leave the cluster)")
    if key not in DESCRIBABLE:
        raise ToolError(f"cannot describe kind {kind!r} (known: {', '.join(sorted(DESCRIBABLE.values()))})")
    return DESCRIBABLE[key]


def read_object(ctx: Context, kind: str, name: str, namespace: str | None) -> dict[str, Any]:
    """One object of a describable kind, within the allowed namespaces."""
    cluster = ctx.cluster
    api, method, namespaced = DESCRIBE_API[kind]
    if namespaced:
        if not namespace:
            raise ToolError(f"{kind} is namespaced: give a namespace")
        ctx.guard(namespace)
        return cluster.json(f"{kind.lower()} {namespace}/{name}", getattr(getattr(cluster, api), method),
                            name, namespace)
    if kind == "Namespace":
        ctx.guard(name)
    return cluster.json(f"{kind.lower()} {name}", getattr(getattr(cluster, api), method), name)


def add_events(cluster: Cluster, summary: dict[str, Any], namespace: str, kind: str, name: str) -> None:
    """The object's recent events into `summary` (or, when they cannot be read, why)."""
    try:
        data = cluster.json(f"events in namespace {namespace}", cluster.core.list_namespaced_event, namespace)
    except ToolError as exc:
        summary["events_error"] = str(exc)
        return
    summary["events"] = recent_events([e for e in data.get("items") or []
                                       if (e.get("involvedObject") or {}).get("name") == name
                                       and (e.get("involvedObject") or {}).get("kind") == kind], 15)


def register_describe(mcp: MCPServer, ctx: Context) -> None:
    """describe."""

    @mcp.tool(annotations=READ)
    def describe(
        kind: Annotated[str, Field(description="Pod, Node, Deployment, StatefulSet, DaemonSet, ReplicaSet, Service, "
                                               "ConfigMap, Job, PersistentVolumeClaim or Namespace")],
        name: Name,
        namespace: Annotated[str | None, Field(description="for namespaced kinds")] = None,
    ) -> CallToolResult:
        """Any object's labels, spec and status (trimmed), and its recent events, as `kubectl describe` would.
        Secrets are never described; a ConfigMap shows its keys, not their values."""
        canonical = describable_kind(kind)
        summary = describe_summary(canonical, read_object(ctx, canonical, name, namespace))
        if namespace or canonical == "Namespace":
            add_events(ctx.cluster, summary, namespace or name, canonical, name)
        return result(compact(summary), summary)


def patch_labels(ctx: Context, key: str, kind: str, name: str, namespace: str | None,
                 labels: dict[str, str | None]) -> None:
    """Merge-patch the labels of one object of a kind in LABEL_API, within the server's limits."""
    cluster = ctx.cluster
    api, method, namespaced = LABEL_API[key]
    patch = {"metadata": {"labels": labels}}
    if namespaced:
        if not namespace:
            raise ToolError(f"{kind} is namespaced: give a namespace")
        ctx.guard(namespace)
        cluster.call(f"{key} {namespace}/{name}", getattr(getattr(cluster, api), method), name, namespace, patch,
                     _content_type="application/merge-patch+json")
        return
    if key == "namespace":
        ctx.guard(name)
    else:
        ctx.cluster_wide_change(f"labelling node {name}")
    cluster.call(f"{key} {name}", getattr(getattr(cluster, api), method), name, patch,
                 _content_type="application/merge-patch+json")


def register_label(mcp: MCPServer, ctx: Context) -> None:
    """label."""

    @mcp.tool(annotations=LABEL)
    def label(
        kind: Annotated[str, Field(description="Pod, Node, Deployment, Service or Namespace")],
        name: Name,
        labels: Annotated[dict[str, str | None], Field(description="value null removes the label")],
        namespace: Annotated[str | None, Field(description="for namespaced kinds")] = None,
    ) -> CallToolResult:
        """Add, change or remove labels on an object (refused in read-only mode)."""
        ctx.refuse_if_read_only()
        key = kind.strip().lower()
        if key not in LABEL_API:
            raise ToolError(f"cannot label kind {kind!r} (known: Pod, Deployment, Service, Node, Namespace)")
        if not labels:
            raise ToolError("no labels given")
        patch_labels(ctx, key, kind, name, namespace, labels)
        return result(f"{key} {name}: labels {labels}", {"kind": key, "name": name, "labels": labels})
