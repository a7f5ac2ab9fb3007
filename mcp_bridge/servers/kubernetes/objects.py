"""Tools about any object or the cluster as a whole: describe, label, events, namespaces, services."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import READ, Context, Name, compact, result
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
        items = cluster.json("namespaces", cluster.core.list_namespace).get("items") or []
        namespaces = [{"name": (n.get("metadata") or {}).get("name"), "phase": (n.get("status") or {}).get("phase")}
                      for n in items if not ctx.allowed or (n.get("metadata") or {}).get("name") in ctx.allowed]
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

    @mcp.tool(annotations=READ)
    def describe(
        kind: Annotated[str, Field(description="Pod, Node, Deployment, StatefulSet, DaemonSet, ReplicaSet, Service, "
                                               "ConfigMap, Job, PersistentVolumeClaim or Namespace")],
        name: Name,
        namespace: Annotated[str | None, Field(description="for namespaced kinds")] = None,
    ) -> CallToolResult:
        """Any object's labels, spec and status (trimmed), and its recent events, as `kubectl describe` would.
        Secrets are never described; a ConfigMap shows its keys, not their values."""
        key = kind.strip().lower()
        if key in {"secret", "secrets"}:
            raise ToolError("refused: Secrets are not described (their values would leave the cluster)")
        if key not in DESCRIBABLE:
            raise ToolError(f"cannot describe kind {kind!r} (known: {', '.join(sorted(DESCRIBABLE.values()))})")
        canonical = DESCRIBABLE[key]
        api, method, namespaced = DESCRIBE_API[canonical]
        if namespaced:
            if not namespace:
                raise ToolError(f"{canonical} is namespaced: give a namespace")
            ctx.guard(namespace)
            obj = cluster.json(f"{canonical.lower()} {namespace}/{name}", getattr(getattr(cluster, api), method),
                               name, namespace)
        else:
            if canonical == "Namespace":
                ctx.guard(name)
            obj = cluster.json(f"{canonical.lower()} {name}", getattr(getattr(cluster, api), method), name)
        summary = describe_summary(canonical, obj)
        if namespace or canonical == "Namespace":
            events_ns = namespace or name
            try:
                data = cluster.json(f"events in namespace {events_ns}", cluster.core.list_namespaced_event, events_ns)
                summary["events"] = recent_events([e for e in data.get("items") or []
                                                   if (e.get("involvedObject") or {}).get("name") == name
                                                   and (e.get("involvedObject") or {}).get("kind") == canonical], 15)
            except ToolError as exc:
                summary["events_error"] = str(exc)
        return result(compact(summary), summary)

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
        api, method, namespaced = LABEL_API[key]
        patch = {"metadata": {"labels": labels}}
        if namespaced:
            if not namespace:
                raise ToolError(f"{kind} is namespaced: give a namespace")
            ctx.guard(namespace)
            cluster.call(f"{key} {namespace}/{name}", getattr(getattr(cluster, api), method), name, namespace, patch,
                         _content_type="application/merge-patch+json")
        else:
            if key == "namespace":
                ctx.guard(name)
            else:
                ctx.cluster_wide_change(f"labelling node {name}")
            cluster.call(f"{key} {name}", getattr(getattr(cluster, api), method), name, patch,
                         _content_type="application/merge-patch+json")
        return result(f"{key} {name}: labels {labels}", {"kind": key, "name": name, "labels": labels})
