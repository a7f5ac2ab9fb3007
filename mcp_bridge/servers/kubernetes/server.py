"""The server: one `MCPServer` whose tools each module registers, and the command line."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable

from mcp.server.mcpserver import MCPServer

from mcp_bridge.servers.kubernetes import (
    access,
    autoscaling,
    contexts,
    deployments,
    metrics,
    nodes,
    objects,
    patch,
    podexec,
    pods,
)
from mcp_bridge.servers.kubernetes.base import Cluster, Context

TOOL_MODULES = (pods, deployments, autoscaling, nodes, objects, metrics, podexec, access, contexts, patch)


def build_server(kubeconfig: str | None = None, context: str | None = None, *, read_only: bool = False,
                 allowed_namespaces: Iterable[str] | None = None) -> MCPServer:
    ctx = Context(Cluster(kubeconfig, context), read_only=read_only, allowed=frozenset(allowed_namespaces or ()))
    mcp = MCPServer(
        "kubernetes",
        instructions="Inspect and remediate workloads in one Kubernetes cluster."
        + (" Read-only: mutations are refused." if read_only else ""),
        version="1.0",
        log_level="WARNING",
    )
    for module in TOOL_MODULES:
        module.register(mcp, ctx)
    return mcp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.servers.kubernetes",
                                     description="Kubernetes MCP server bundled with the agent.")
    parser.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG") or None)
    parser.add_argument("--context", default=os.environ.get("KUBE_CONTEXT") or None)
    parser.add_argument("--read-only", action="store_true", help="refuse every mutating tool")
    parser.add_argument("--allowed-namespaces", default=os.environ.get("KUBE_ALLOWED_NAMESPACES", ""),
                        help="comma-separated: read and change nothing outside these namespaces")
    parser.add_argument("--transport", choices=["stdio", "sse", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    namespaces = [ns.strip() for ns in args.allowed_namespaces.split(",") if ns.strip()]
    server = build_server(args.kubeconfig, args.context, read_only=args.read_only, allowed_namespaces=namespaces)
    if args.transport == "stdio":
        server.run("stdio")
    elif args.transport == "sse":
        server.run("sse", host=args.host, port=args.port)
    else:
        server.run("streamable-http", host=args.host, port=args.port)
