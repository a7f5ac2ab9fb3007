"""check_access: may this server's Kubernetes identity make a call, before anyone is asked to approve it?

Each mutating tool (and exec_readonly) declares here the permissions it needs for given arguments (`NEEDS`);
`check_access` asks the API server about each with a SelfSubjectAccessReview (authorization.k8s.io/v1, which
every authenticated identity may create: the default `system:basic-user` ClusterRole), and answers allowed,
denied (`the agent may not patch deployments in shop`, with the fix) or unknown (a tool it knows nothing of,
or a review the API server would not answer). The server's own limits (--read-only, --allowed-namespaces)
deny too. Read-only itself: it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from mcp_bridge.servers.kubernetes import patch
from mcp_bridge.servers.kubernetes.base import READ, Context, compact, result
from mcp_bridge.servers.kubernetes.rbac import CLUSTER_SCOPED, Need, fixes, may_not

# Workload kinds as the tools take them -> (API group, resource)
KINDS = {"Deployment": ("apps", "deployments"), "StatefulSet": ("apps", "statefulsets"),
         "DaemonSet": ("apps", "daemonsets"), "ReplicaSet": ("apps", "replicasets"), "Job": ("batch", "jobs"),
         "Pod": ("", "pods"), "Service": ("", "services"), "Node": ("", "nodes"), "Namespace": ("", "namespaces")}
LABELLED = {kind.lower(): kind for kind in ("Pod", "Deployment", "Service", "Node", "Namespace")}  # `label` takes
Arguments = dict[str, Any]


def _in(arguments: Arguments) -> tuple[str, str]:
    return str(arguments.get("namespace") or ""), str(arguments.get("name") or "")


def _deployment(*changes: tuple[str, str]) -> Callable[[Arguments], list[Need]]:
    """A deployment tool: it reads the deployment, then makes each (verb, subresource) change."""
    def needs(arguments: Arguments) -> list[Need]:
        ns, name = _in(arguments)
        return [Need("get", "apps", "deployments", "", ns, name),
                *(Need(verb, "apps", "deployments", sub, ns, name) for verb, sub in changes)]
    return needs


def _rollout_undo(arguments: Arguments) -> list[Need]:
    ns, _ = _in(arguments)
    return [*_deployment(("patch", ""))(arguments), Need("list", "apps", "replicasets", "", ns)]


def _set_resources(arguments: Arguments) -> list[Need]:
    ns, name = _in(arguments)
    kind = str(arguments.get("kind") or "Deployment")
    group, resource = KINDS[kind if kind in ("StatefulSet", "DaemonSet") else "Deployment"]
    return [Need("get", group, resource, "", ns, name), Need("patch", group, resource, "", ns, name)]


def _pod(verb: str, sub: str = "") -> Callable[[Arguments], list[Need]]:
    """A pod tool: it reads the pod (or, given its workload, lists the pods), then `verb`s it (or `sub` of it)."""
    def needs(arguments: Arguments) -> list[Need]:
        ns, name = _in(arguments)
        reads = [Need("get", "", "pods", "", ns, name)]
        if arguments.get("workload"):
            reads.append(Need("list", "", "pods", "", ns))
        return [*reads, Need(verb, "", "pods", sub, ns, "" if arguments.get("workload") else name)]
    return needs


def _delete_failed_pods(arguments: Arguments) -> list[Need]:
    ns, _ = _in(arguments)
    return [Need("get", "", "pods", "", ns), Need("delete", "", "pods", "", ns)]


def _node(arguments: Arguments) -> list[Need]:
    _, name = _in(arguments)
    return [Need("get", "", "nodes", "", "", name), Need("patch", "", "nodes", "", "", name)]


def _drain_node(arguments: Arguments) -> list[Need]:
    return [*_node(arguments), Need("list", "", "pods"), Need("create", "", "pods", "eviction")]


def _label(arguments: Arguments) -> list[Need]:
    ns, name = _in(arguments)
    kind = str(arguments.get("kind") or "").strip().lower()
    if kind not in LABELLED:
        return []  # the tool refuses the kind itself
    group, resource = KINDS[LABELLED[kind]]
    return [Need("patch", group, resource, "", "" if resource in CLUSTER_SCOPED else ns, name)]


def _autoscaler(arguments: Arguments) -> list[Need]:
    ns, name = _in(arguments)
    return [Need("get", "autoscaling", "horizontalpodautoscalers", "", ns, name),
            Need("patch", "autoscaling", "horizontalpodautoscalers", "", ns, name)]


NEEDS: dict[str, Callable[[Arguments], list[Need]]] = {
    "rollout_restart": _deployment(("patch", "")),
    "update_image": _deployment(("patch", "")),
    "scale_deployment": _deployment(("patch", "scale")),
    "rollout_undo": _rollout_undo,
    "set_resources": _set_resources,
    "delete_pod": _pod("delete"),
    "delete_failed_pods": _delete_failed_pods,
    "exec_readonly": _pod("get", "exec"),
    "cordon_node": _node,
    "uncordon_node": _node,
    "drain_node": _drain_node,
    "label": _label,
    "patch_resource": patch.needs,
    "set_hpa_max_replicas": _autoscaler,
}
CHANGES = set(NEEDS) - {"exec_readonly"}  # refused by a read-only server
NODE_CHANGES = {"cordon_node": "cordoning", "uncordon_node": "uncordoning", "drain_node": "draining"}


def server_limit(ctx: Context, tool: str, arguments: Arguments) -> str | None:
    """Why this server would refuse the call whatever its RBAC (--read-only, --allowed-namespaces), or None:
    the tools' own checks, in their words."""
    namespace, name = _in(arguments)
    kind = str(arguments.get("kind") or "").strip().lower()
    try:
        if tool in CHANGES:
            ctx.refuse_if_read_only()
        if tool == "patch_resource":
            kind_of = patch.resolve_kind(str(arguments.get("kind") or ""))
            patch.check_scope(ctx, kind_of, name, namespace or None)
        elif tool in NODE_CHANGES:
            ctx.cluster_wide_change(f"{NODE_CHANGES[tool]} node {name}")
        elif tool == "label" and kind == "node":
            ctx.cluster_wide_change(f"labelling node {name}")
        elif tool == "label" and kind == "namespace":
            ctx.guard(name)
        elif namespace:
            ctx.guard(namespace)
    except ToolError as exc:
        return str(exc)
    return None


def review(ctx: Context, need: Need) -> dict[str, Any]:
    """One SelfSubjectAccessReview's status: {"allowed": bool, "reason"?, "evaluationError"?}."""
    from kubernetes.client import AuthorizationV1Api

    cluster = ctx.cluster
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": need.resource_attributes()}}
    answer = cluster.json(f"a review of access to {need.plural}",
                          AuthorizationV1Api(cluster.api_client).create_self_subject_access_review, body)
    return answer.get("status") or {}


def access(ctx: Context, tool: str, arguments: Arguments) -> dict[str, Any]:
    """check_access's answer (see the tool's description)."""
    if tool not in NEEDS:
        return {"tool": tool, "allowed": None, "message": f"no permissions are declared for {tool!r}: not checked"}
    if (limit := server_limit(ctx, tool, arguments)) is not None:
        return {"tool": tool, "allowed": False, "message": limit, "fix": "", "checks": []}
    needs = list(dict.fromkeys(NEEDS[tool](arguments)))
    checks, denied = [], []
    for need in needs:
        try:
            status = review(ctx, need)
        except ToolError as exc:  # e.g. an API server without authorization.k8s.io: nobody can tell
            return {"tool": tool, "allowed": None, "message": f"cannot check access: {exc}"}
        if not isinstance(status.get("allowed"), bool):  # not a review's answer (an emulator storing the object)
            return {"tool": tool, "allowed": None, "message": "cannot check access: the API server did not review it"}
        allowed = status["allowed"]
        checks.append({**need.resource_attributes(), "allowed": allowed,
                       **{k: status[k] for k in ("reason", "evaluationError") if status.get(k)}})
        if not allowed:
            denied.append(need)
    if denied:
        return {"tool": tool, "allowed": False, "message": may_not(denied), "fix": fixes(denied), "checks": checks}
    return {"tool": tool, "allowed": True, "message": f"the agent may {tool} with these arguments",
            "checks": checks}


def register(mcp: MCPServer, ctx: Context) -> None:
    @mcp.tool(annotations=READ)
    def check_access(
        tool: Annotated[str, Field(min_length=1, description="a tool of this server, e.g. rollout_restart")],
        arguments: Annotated[dict[str, Any], Field(description="the arguments the call would have")],
    ) -> CallToolResult:
        """Whether this server's Kubernetes identity may make that call, checked with SelfSubjectAccessReviews
        (changes nothing). `allowed`: true, false (`message` says which permission is missing, e.g. "the agent
        may not patch deployments in shop", `fix` how to grant it) or null (not checked: `message` says why)."""
        answer = access(ctx, tool, dict(arguments))
        return result(compact(answer), answer)
