"""Workload tools: deployments (get, list, rollout status/history/restart/undo, scale, image) and the resources
of a Deployment's, StatefulSet's or DaemonSet's pod template."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context as Request
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from mcp_bridge.execution import EXECUTION_KEY, key_of
from mcp_bridge.servers.kubernetes.base import (
    MUTATE,
    READ,
    SET,
    Cluster,
    Conflict,
    Context,
    Name,
    Namespace,
    compact,
    result,
)
from mcp_bridge.servers.kubernetes.summaries import (
    CHANGE_CAUSE,
    RESTARTED_AT,
    REVISION,
    container_in_template,
    deployment_summary,
    quantity,
    raised_memory,
    rollout_state,
)


def workload_api(cluster: Cluster, kind: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(read, patch) methods for a Deployment, StatefulSet or DaemonSet."""
    api_name = {"Deployment": "deployment", "StatefulSet": "stateful_set", "DaemonSet": "daemon_set"}[kind]
    return getattr(cluster.apps, f"read_namespaced_{api_name}"), getattr(cluster.apps, f"patch_namespaced_{api_name}")


def read_deployment(cluster: Cluster, namespace: str, name: str) -> dict[str, Any]:
    return cluster.json(f"deployment {namespace}/{name}", cluster.apps.read_namespaced_deployment, name, namespace)


def template_annotations(deployment: dict[str, Any]) -> dict[str, Any]:
    return ((((deployment.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("annotations")) or {}


def refuse_if_paused(deployment: dict[str, Any], doing: str, what: str) -> None:
    if (deployment.get("spec") or {}).get("paused"):
        raise ToolError(f"cannot {doing} paused {what} (resume the rollout first)")


def revisions(cluster: Cluster, namespace: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    """The deployment's ReplicaSets by revision, newest first (owner checked: selectors may be ignored)."""
    data = cluster.json(f"replicasets in namespace {namespace}", cluster.apps.list_namespaced_replica_set, namespace)
    owned = []
    for rs in data.get("items") or []:
        meta = rs.get("metadata") or {}
        if any(r.get("kind") == "Deployment" and r.get("name") == name for r in meta.get("ownerReferences") or []):
            revision = (meta.get("annotations") or {}).get(REVISION)
            if revision and revision.isdigit():
                owned.append((int(revision), rs))
    return sorted(owned, key=lambda pair: pair[0], reverse=True)


def revision_summary(revision: int, rs: dict[str, Any]) -> dict[str, Any]:
    """One line of `rollout_history`: revision, ReplicaSet, images and change cause."""
    meta = rs.get("metadata") or {}
    pod_spec = ((rs.get("spec") or {}).get("template") or {}).get("spec") or {}
    return {"revision": revision, "replica_set": meta.get("name"),
            "images": [c.get("image") for c in pod_spec.get("containers") or []],
            "change_cause": (meta.get("annotations") or {}).get(CHANGE_CAUSE)}


def undo_target(history: list[tuple[int, dict[str, Any]]], current: int,
                to_revision: int) -> tuple[int, dict[str, Any]] | None:
    """The revision `rollout_undo` goes back to: `to_revision`, else the newest before `current` (without a
    current revision, the second newest); None when there is none."""
    if to_revision:
        return next((pair for pair in history if pair[0] == to_revision), None)
    if current:
        return next((pair for pair in history if pair[0] < current), None)
    return history[1] if len(history) > 1 else None


def deployment_template(rs: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ReplicaSet's pod template as its deployment's: without the label the controller adds."""
    template = json.loads(json.dumps((rs.get("spec") or {}).get("template") or {}))
    labels = (template.get("metadata") or {}).get("labels") or {}
    labels.pop("pod-template-hash", None)  # added by the controller to each ReplicaSet, not the deployment's
    return template


Wanted = dict[tuple[str, str], str | None]


def wanted_resources(memory_limit: str | None, memory_request: str | None, cpu_limit: str | None,
                     cpu_request: str | None, memory_limit_factor: float | None) -> Wanted:
    """(section, resource) -> value as given to `set_resources`; refuses contradictory or empty requests."""
    wanted = {("limits", "memory"): memory_limit, ("requests", "memory"): memory_request,
              ("limits", "cpu"): cpu_limit, ("requests", "cpu"): cpu_request}
    if memory_limit is not None and memory_limit_factor is not None:
        raise ToolError("give memory_limit or memory_limit_factor, not both")
    if all(v is None for v in wanted.values()) and memory_limit_factor is None:
        raise ToolError("nothing to set: give at least one limit, request or memory_limit_factor")
    return wanted


def factored_memory_limit(before: dict[str, Any], factor: float, ceiling: str, container: str, what: str) -> str:
    """The container's current memory limit raised by `factor`, at most `ceiling`."""
    current = (before.get("limits") or {}).get("memory")
    if not current:
        raise ToolError(f"container {container!r} of {what} has no memory limit to raise; give memory_limit")
    return raised_memory(current, factor, ceiling)


def resources_after(before: dict[str, Any], wanted: Wanted) -> dict[str, dict[str, str]]:
    """The limits and requests once `wanted` is applied over `before` (empty sections left out)."""
    after = {section: dict(before.get(section) or {}) for section in ("limits", "requests")}
    for (section, resource), value in wanted.items():
        if value is not None:
            after[section][resource] = quantity(value, resource)
    return {section: values for section, values in after.items() if values}


def resource_changes(before: dict[str, Any], after: dict[str, dict[str, str]],
                     wanted: Wanted) -> dict[str, dict[str, Any]]:
    """"limits.memory" -> {"before": ..., "after": ...} for each value set."""
    return {f"{s}.{r}": {"before": (before.get(s) or {}).get(r), "after": after.get(s, {}).get(r)}
            for (s, r), v in wanted.items() if v is not None}


def register(mcp: MCPServer, ctx: Context) -> None:
    register_reads(mcp, ctx)
    register_rollouts(mcp, ctx)
    register_changes(mcp, ctx)


def register_reads(mcp: MCPServer, ctx: Context) -> None:
    """get_deployment, list_deployments, rollout_status."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ)
    def get_deployment(namespace: Namespace, name: Name) -> CallToolResult:
        """Summarise a deployment: desired/ready/updated/available replicas, images, last restart."""
        ctx.guard(namespace)
        summary = deployment_summary(read_deployment(cluster, namespace, name))
        return result(compact(summary), summary)

    @mcp.tool(annotations=READ)
    def list_deployments(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
    ) -> CallToolResult:
        """List deployments with desired/ready/updated/available replicas and images."""
        items = ctx.list_items("deployments", namespace, cluster.apps.list_namespaced_deployment,
                               cluster.apps.list_deployment_for_all_namespaces)
        deployments = [deployment_summary(d) for d in items]
        return result(compact(deployments), {"deployments": deployments})

    @mcp.tool(annotations=READ)
    def rollout_status(namespace: Namespace, name: Name) -> CallToolResult:
        """Whether a deployment's rollout is complete, progressing, or failed, as `kubectl rollout status`."""
        ctx.guard(namespace)
        deployment = read_deployment(cluster, namespace, name)
        summary = deployment_summary(deployment)
        state = rollout_state(deployment)
        return result(f"deployment {namespace}/{name}: {state['message']}", {**summary, **state})


def register_rollouts(mcp: MCPServer, ctx: Context) -> None:
    """rollout_restart, rollout_history, rollout_undo."""
    cluster = ctx.cluster

    @mcp.tool(annotations=MUTATE, meta={EXECUTION_KEY: True})
    def rollout_restart(namespace: Namespace, name: Name, request: Request) -> CallToolResult:
        """Restart a deployment's pods the way `kubectl rollout restart` does (refused in read-only mode).

        Called again with the execution key of a restart already made, it restarts nothing and says so."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        key = key_of(request.request_context.meta)
        for _ in range(3):  # a conflict means someone changed the deployment between read and patch: read again
            deployment = read_deployment(cluster, namespace, name)
            marks = template_annotations(deployment)
            if key and marks.get(EXECUTION_KEY) == key:
                return result(f"{what} was already restarted by this execution ({RESTARTED_AT}="
                              f"{marks.get(RESTARTED_AT)}); not restarted again",
                              {"namespace": namespace, "name": name, "restarted_at": marks.get(RESTARTED_AT),
                               "already_done": True})
            refuse_if_paused(deployment, "restart", what)
            # kubectl formats with Go's time.RFC3339; in UTC that is second precision with a Z suffix.
            restarted_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            patch: dict[str, Any] = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: restarted_at}}}}}
            if key:  # the key goes with the change, and the change applies only to the deployment as read
                patch["spec"]["template"]["metadata"]["annotations"][EXECUTION_KEY] = key
                patch["metadata"] = {"resourceVersion": (deployment.get("metadata") or {}).get("resourceVersion")}
            try:
                cluster.call(what, cluster.apps.patch_namespaced_deployment, name, namespace, patch,
                             _content_type="application/strategic-merge-patch+json")
            except Conflict:
                continue
            return result(f"{what} restarted ({RESTARTED_AT}={restarted_at})",
                          {"namespace": namespace, "name": name, "restarted_at": restarted_at})
        raise ToolError(f"{what} kept changing while it was being restarted; try again")

    @mcp.tool(annotations=READ)
    def rollout_history(namespace: Namespace, name: Name) -> CallToolResult:
        """A deployment's revisions, newest first: revision, ReplicaSet, images and change cause."""
        ctx.guard(namespace)
        history = [revision_summary(revision, rs) for revision, rs in revisions(cluster, namespace, name)]
        return result(compact(history), {"revisions": history})

    @mcp.tool(annotations=MUTATE)
    def rollout_undo(
        namespace: Namespace,
        name: Name,
        to_revision: Annotated[int, Field(ge=0, description="0: the revision before the current one")] = 0,
    ) -> CallToolResult:
        """Roll a deployment back to an earlier revision's pod template, as `kubectl rollout undo` does
        (refused in read-only mode)."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        deployment = read_deployment(cluster, namespace, name)
        refuse_if_paused(deployment, "roll back", what)
        current = int(((deployment.get("metadata") or {}).get("annotations") or {}).get(REVISION) or 0)
        history = revisions(cluster, namespace, name)
        target = undo_target(history, current, to_revision)
        if target is None:
            known = ", ".join(str(r) for r, _ in history) or "none"
            wanted = f"revision {to_revision}" if to_revision else "a previous revision"
            raise ToolError(f"{what} has no {wanted} to roll back to (revisions: {known})")
        revision, rs = target
        template = deployment_template(rs)
        cluster.call(what, cluster.apps.patch_namespaced_deployment, name, namespace,
                     [{"op": "replace", "path": "/spec/template", "value": template}],
                     _content_type="application/json-patch+json")
        images = [c.get("image") for c in (template.get("spec") or {}).get("containers") or []]
        return result(f"{what} rolled back to revision {revision} ({', '.join(filter(None, images))})",
                      {"namespace": namespace, "name": name, "revision": revision, "previous_revision": current,
                       "images": images})


def register_changes(mcp: MCPServer, ctx: Context) -> None:
    """scale_deployment, update_image, set_resources."""
    cluster = ctx.cluster

    @mcp.tool(annotations=SET)
    def scale_deployment(
        namespace: Namespace, name: Name, replicas: Annotated[int, Field(ge=0, le=1000)]
    ) -> CallToolResult:
        """Set a deployment's desired replicas through its scale subresource (refused in read-only mode)."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        before = (read_deployment(cluster, namespace, name).get("spec") or {}).get("replicas")
        cluster.call(what, cluster.apps.patch_namespaced_deployment_scale, name, namespace,
                     {"spec": {"replicas": replicas}}, _content_type="application/merge-patch+json")
        return result(f"{what} scaled from {before} to {replicas} replicas",
                      {"namespace": namespace, "name": name, "replicas_before": before, "replicas": replicas})

    @mcp.tool(annotations=SET)
    def update_image(namespace: Namespace, name: Name, container: Annotated[str, Field(min_length=1)],
                     image: Annotated[str, Field(min_length=1, pattern=r"^[^\s]+$")]) -> CallToolResult:
        """Set one container's image in a deployment, as `kubectl set image` does (refused in read-only mode)."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        index, spec = container_in_template(read_deployment(cluster, namespace, name), container, what)
        before = spec.get("image")
        path = f"/spec/template/spec/containers/{index}"
        cluster.call(what, cluster.apps.patch_namespaced_deployment, name, namespace,
                     [{"op": "test", "path": f"{path}/name", "value": container},
                      {"op": "replace", "path": f"{path}/image", "value": image}],
                     _content_type="application/json-patch+json")
        return result(f"{what} container {container}: image {before} -> {image}",
                      {"namespace": namespace, "name": name, "container": container, "before": before,
                       "image": image})

    @mcp.tool(annotations=MUTATE)
    def set_resources(
        namespace: Namespace,
        name: Name,
        container: Annotated[str, Field(min_length=1, description="container in the pod template")],
        kind: Literal["Deployment", "StatefulSet", "DaemonSet"] = "Deployment",
        memory_limit: Annotated[str | None, Field(description="e.g. 512Mi")] = None,
        memory_request: Annotated[str | None, Field(description="e.g. 256Mi")] = None,
        cpu_limit: Annotated[str | None, Field(description="e.g. 500m")] = None,
        cpu_request: Annotated[str | None, Field(description="e.g. 100m")] = None,
        memory_limit_factor: Annotated[
            float | None, Field(gt=1, le=4, description="raise the current memory limit by this factor")
        ] = None,
        max_memory_limit: Annotated[str, Field(description="never raise the memory limit above this")] = "16Gi",
    ) -> CallToolResult:
        """Set a container's resource limits/requests in a workload's pod template (refused in read-only mode).

        `memory_limit_factor` raises the current memory limit (e.g. 1.5 after an OOM kill), capped by
        `max_memory_limit`; the workload rolls out new pods as for `kubectl set resources`.
        """
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        wanted = wanted_resources(memory_limit, memory_request, cpu_limit, cpu_request, memory_limit_factor)
        read, patch_method = workload_api(cluster, kind)
        what = f"{kind.lower()} {namespace}/{name}"
        workload = cluster.json(what, read, name, namespace)
        index, spec = container_in_template(workload, container, what)
        before = spec.get("resources") or {}
        if memory_limit_factor is not None:
            wanted["limits", "memory"] = factored_memory_limit(before, memory_limit_factor, max_memory_limit,
                                                               container, what)
        after = resources_after(before, wanted)
        path = f"/spec/template/spec/containers/{index}"
        # JSON patch by index, guarded by a test of the name: a concurrent edit fails the patch, not the pod.
        cluster.call(what, patch_method, name, namespace,
                     [{"op": "test", "path": f"{path}/name", "value": container},
                      {"op": "add", "path": f"{path}/resources", "value": {**before, **after}}],
                     _content_type="application/json-patch+json")
        changes = resource_changes(before, after, wanted)
        text = f"{what} container {container}: " + ", ".join(
            f"{key} {change['before'] or 'unset'} -> {change['after']}" for key, change in changes.items())
        return result(text, {"namespace": namespace, "name": name, "kind": kind, "container": container,
                             "changes": changes})
