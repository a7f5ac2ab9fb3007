"""Where this server points: list_contexts (the kubeconfig's contexts) and current_context (the one in use, with the
server's limits). Names, server URLs and namespaces only: never a user entry's credentials (tokens, client
certificates and keys, exec or auth-provider settings) nor a cluster's CA data. Neither tool calls the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult

from mcp_bridge.servers.kubernetes.base import READ, Context, result

SERVICE_ACCOUNT_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


def kubeconfig_entries(paths: str) -> tuple[list[dict[str, Any]], str | None]:
    """The contexts of a kubeconfig (KUBECONFIG's list of files merged as kubectl merges them), each with its
    cluster's server URL, and the file's current-context."""
    from kubernetes.config.kube_config import KubeConfigMerger

    try:
        merged = KubeConfigMerger(paths).config
    except Exception as exc:  # OSError, YAML errors: the file cannot be read
        raise ToolError(f"cannot read kubeconfig {paths}: {exc}") from exc
    if merged is None:
        raise ToolError(f"kubeconfig {paths} holds no configuration")
    config = merged.value
    servers = {(c.value.get("name")): (c.value.get("cluster") or {}).get("server")
               for c in config.get("clusters") or []}
    contexts = []
    for node in config.get("contexts") or []:
        entry = node.value
        spec = entry.get("context") or {}
        contexts.append({"name": entry.get("name"), "cluster": spec.get("cluster"),
                         "server": servers.get(spec.get("cluster")), "namespace": spec.get("namespace")})
    return contexts, config.get("current-context") or None


def in_cluster_namespace() -> str | None:
    try:
        return SERVICE_ACCOUNT_NAMESPACE.read_text().strip() or None
    except OSError:
        return None


def register(mcp: MCPServer, ctx: Context) -> None:
    cluster = ctx.cluster

    def in_use() -> str | None:
        """The context this server talks through: --context (KUBE_CONTEXT), else the kubeconfig's current one."""
        if not cluster.kubeconfig:
            return None
        return cluster.context or kubeconfig_entries(cluster.kubeconfig)[1]

    @mcp.tool(annotations=READ)
    def list_contexts() -> CallToolResult:
        """The kubeconfig's contexts: name, cluster, server URL, default namespace, and which one this server uses.
        Never credentials. In a pod without a kubeconfig: the in-cluster service account's API server."""
        if not cluster.kubeconfig:
            contexts = [{"name": None, "cluster": "in-cluster", "server": cluster.api_client.configuration.host,
                         "namespace": in_cluster_namespace(), "current": True}]
        else:
            found, _ = kubeconfig_entries(cluster.kubeconfig)
            current = in_use()
            contexts = [{**c, "current": c["name"] == current} for c in found]
        text = "\n".join(f"{'*' if c['current'] else ' '} {c['name'] or '(in-cluster)'}: cluster {c['cluster']}, "
                         f"server {c['server']}" + (f", namespace {c['namespace']}" if c["namespace"] else "")
                         for c in contexts) or "the kubeconfig has no contexts"
        return result(text, {"contexts": contexts})

    @mcp.tool(annotations=READ)
    def current_context() -> CallToolResult:
        """The context this server uses: context and cluster names, the API server URL, the default namespace and
        the server's own limits (read-only, allowed namespaces). Never credentials."""
        source = f"kubeconfig {cluster.kubeconfig}" if cluster.kubeconfig else "in-cluster service account"
        name = in_use()
        entry: dict[str, Any] = {}
        if cluster.kubeconfig:
            entry = next((c for c in kubeconfig_entries(cluster.kubeconfig)[0] if c["name"] == name), {})
            if not entry:
                raise ToolError(f"context {name!r} is not in {source}")
        namespace = entry.get("namespace") if cluster.kubeconfig else in_cluster_namespace()
        # From the file, not a loaded client: loading one would run a user's exec plugin, and it is not needed.
        server = entry.get("server") if cluster.kubeconfig else cluster.api_client.configuration.host
        answer = {"context": name, "cluster": entry.get("cluster") or "in-cluster", "server": server,
                  "namespace": namespace, "source": source, "read_only": ctx.read_only,
                  "allowed_namespaces": sorted(ctx.allowed)}
        limits = "read-only" if ctx.read_only else "changes allowed (each through the agent's policy)"
        if ctx.allowed:
            limits += f"; only namespaces {', '.join(sorted(ctx.allowed))}"
        text = (f"context {name or '(in-cluster)'}: cluster {answer['cluster']}, server {server}"
                + (f", namespace {namespace}" if namespace else "") + f" (from {source}); {limits}")
        return result(text, answer)

