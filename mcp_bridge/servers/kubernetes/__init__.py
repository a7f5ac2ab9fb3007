"""Kubernetes MCP server bundled with the agent.

    python -m mcp_bridge.servers.kubernetes [--kubeconfig PATH] [--context NAME] [--read-only]
                                            [--allowed-namespaces NS,...]
                                            [--transport stdio|sse|streamable-http] [--host H] [--port N]

Kubeconfig: `--kubeconfig`, else env KUBECONFIG, else the in-cluster service account; context:
`--context`, else env KUBE_CONTEXT. It talks to the API only through the official `kubernetes` client.

The bridge spawns one process per tool call, so start-up time is latency: no Django, and the
`kubernetes` package (about half a second of imports) is loaded on the first tool call only.
Responses are read raw (`_preload_content=False`) and summarised from plain JSON: quicker than
building the generated pydantic models, and indifferent to fields those models do not expect.

One module per group of tools, each with `register(mcp, ctx)`: `pods`, `podexec`, `deployments`, `nodes`,
`objects`, `metrics`, `access` (check_access: what each mutating tool needs, asked with SelfSubjectAccessReviews),
`contexts` (list_contexts, current_context: the kubeconfig's contexts and the one in use, never credentials);
`base` holds the API chokepoint and the server's limits, `rbac` how a missing permission reads and which shipped
RBAC grants it, `summaries` the pure functions from API objects to what the tools return, `server` builds the
server and reads the command line. `autoscaling` (list_hpas, get_hpa, set_hpa_max_replicas) is a tool module too.
`patch` (patch_resource: one generic patch of an allow-listed built-in kind, never a Secret) is one as well.
"""

from mcp_bridge.servers.kubernetes.base import REQUEST_TIMEOUT, Cluster, Context, api_error_message
from mcp_bridge.servers.kubernetes.podexec import EXEC_ALLOWED, exec_argv
from mcp_bridge.servers.kubernetes.server import build_server, main
from mcp_bridge.servers.kubernetes.summaries import (
    container_in_template,
    deployment_summary,
    describe_summary,
    event_summary,
    node_summary,
    pod_summary,
    rollout_state,
    service_summary,
)

__all__ = [
    "EXEC_ALLOWED", "REQUEST_TIMEOUT", "Cluster", "Context", "api_error_message", "build_server",
    "container_in_template", "deployment_summary", "describe_summary", "event_summary", "exec_argv", "main",
    "node_summary", "pod_summary", "rollout_state", "service_summary",
]
