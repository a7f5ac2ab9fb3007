"""Resource use from the metrics API (metrics.k8s.io, served by metrics-server): top_pods, top_nodes."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult

from mcp_bridge.servers.kubernetes.base import READ, Context, Namespace, compact, result


def register(mcp: MCPServer, ctx: Context) -> None:
    cluster = ctx.cluster

    def metrics(path: str) -> dict[str, Any]:
        from kubernetes.client import CustomObjectsApi

        custom = CustomObjectsApi(cluster.api_client)
        namespace, _, plural = path.rpartition("/")
        try:
            if namespace:
                return cluster.json("metrics", custom.list_namespaced_custom_object, "metrics.k8s.io", "v1beta1",
                                    namespace.removeprefix("namespaces/"), plural)
            return cluster.json("metrics", custom.list_cluster_custom_object, "metrics.k8s.io", "v1beta1", plural)
        except ToolError as exc:
            if "not found" in str(exc):
                raise ToolError("the metrics API is not available (is metrics-server installed?)") from exc
            raise

    @mcp.tool(annotations=READ)
    def top_pods(namespace: Namespace) -> CallToolResult:
        """CPU and memory use of each pod in a namespace, from the metrics API (metrics-server)."""
        ctx.guard(namespace)
        data = metrics(f"namespaces/{namespace}/pods")
        pods = [{"name": (p.get("metadata") or {}).get("name"),
                 "containers": [{"name": c.get("name"), **(c.get("usage") or {})} for c in p.get("containers") or []]}
                for p in data.get("items") or []]
        return result(compact(pods), {"pods": pods})

    @mcp.tool(annotations=READ)
    def top_nodes() -> CallToolResult:
        """CPU and memory use of each node, from the metrics API (metrics-server)."""
        nodes = [{"name": (n.get("metadata") or {}).get("name"), **(n.get("usage") or {})}
                 for n in metrics("nodes").get("items") or []]
        return result(compact(nodes), {"nodes": nodes})
