"""Pod tools: list, get, describe, logs, log analysis, delete, delete the failed ones.

Those that name one pod also take its `workload`: when the pod is gone, they act on the workload's current pod
and say so first in their output (see `workloads`).
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import (
    MUTATE,
    READ,
    Cluster,
    Conflict,
    Context,
    Name,
    Namespace,
    NotFound,
    compact,
    result,
)
from mcp_bridge.servers.kubernetes.summaries import container_status, pod_summary, recent_events
from mcp_bridge.servers.kubernetes.workloads import Target, Workload, parse_workload, resolve_pod


def noted(target: Target, summary: dict[str, Any]) -> CallToolResult:
    """A summary as text and structure, led by the note when the tool acts on another pod than the one named."""
    if target.note is None:
        return result(compact(summary), summary)
    summary = {"note": target.note, **summary}
    return result(f"{target.note}\n{compact(summary)}", summary)


def read_pod(cluster: Cluster, namespace: str, target: Target) -> dict[str, Any]:
    """The target's pod: as `resolve_pod` read it, else read now."""
    return target.pod or cluster.json(f"pod {namespace}/{target.name}", cluster.core.read_namespaced_pod,
                                      target.name, namespace)


def analyzed_logs(cluster: Cluster, namespace: str, name: str, **options: Any) -> dict[str, Any]:
    """Log analysis of the pod's current and previous container; a missing previous log is noted, not raised."""
    from aiops_project.loganalysis import analyze_logs as analyze

    report: dict[str, Any] = {"namespace": namespace, "pod": name}
    for which, previous in (("current", False), ("previous", True)):
        try:
            raw = cluster.call(f"logs of pod {namespace}/{name}", cluster.core.read_namespaced_pod_log, name,
                               namespace, previous=previous, **options)
        except ToolError as exc:
            if not previous:
                raise
            report[which] = {"error": str(exc)}  # no previous container (never restarted)
            continue
        analysis = analyze(raw.decode("utf-8", errors="replace"))
        report[which] = {**analysis.as_dict(), "summary": analysis.summary()}
    return report


def pod_events(cluster: Cluster, namespace: str, name: str) -> tuple[list[dict[str, Any]], str | None]:
    """The pod's events and, when they cannot be read, why (a pod's state is worth returning without them)."""
    try:
        events = cluster.json(
            f"events in namespace {namespace}",
            cluster.core.list_namespaced_event,
            namespace,
            field_selector=f"involvedObject.kind=Pod,involvedObject.name={name}",
        )
    except ToolError as exc:
        return [], str(exc)
    # Filter again: not every API server (or emulator) honours field selectors.
    mine = [
        e
        for e in events.get("items") or []
        if (e.get("involvedObject") or {}).get("kind") == "Pod"
        and (e.get("involvedObject") or {}).get("name") == name
    ]
    return mine, None


def pod_description(pod: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """`describe_pod`'s summary: status, conditions, container states and the 20 newest events."""
    status = pod.get("status") or {}
    return {
        **pod_summary(pod),
        "pod_ip": status.get("podIP"),
        "started": status.get("startTime"),
        "reason": status.get("reason"),
        "message": status.get("message"),
        "conditions": [
            {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k) is not None}
            for c in status.get("conditions") or []
        ],
        "init_containers": [container_status(s) for s in status.get("initContainerStatuses") or []],
        "containers": [container_status(s) for s in status.get("containerStatuses") or []],
        "events": recent_events(events, 20),
    }


def register(mcp: MCPServer, ctx: Context) -> None:
    register_list(mcp, ctx)
    register_logs(mcp, ctx)
    register_details(mcp, ctx)
    register_delete(mcp, ctx)


def register_list(mcp: MCPServer, ctx: Context) -> None:
    """list_pods."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ)
    def list_pods(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
        label_selector: Annotated[str | None, Field(description="e.g. app=web,tier!=db")] = None,
    ) -> CallToolResult:
        """List pods with phase, readiness, restarts, waiting reason (e.g. CrashLoopBackOff), node, owner."""
        kwargs = {"label_selector": label_selector} if label_selector else {}
        items = ctx.list_items("pods", namespace, cluster.core.list_namespaced_pod,
                               cluster.core.list_pod_for_all_namespaces, **kwargs)
        pods = [pod_summary(p) for p in items]
        return result(compact(pods), {"pods": pods})


def register_logs(mcp: MCPServer, ctx: Context) -> None:
    """get_pod_logs, analyze_logs."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ, structured_output=False)
    def get_pod_logs(
        namespace: Namespace,
        name: Name,
        container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
        tail_lines: Annotated[int, Field(ge=1, le=10_000)] = 100,
        previous: Annotated[bool, Field(description="logs of the previous (crashed) container")] = False,
        workload: Workload = None,
    ) -> str:
        """Return the last lines of a pod container's log as text."""
        ctx.guard(namespace)
        target = resolve_pod(ctx, namespace, name, workload, "reading the logs of")
        name = target.name
        kwargs: dict[str, Any] = {"tail_lines": tail_lines, "previous": previous}
        if container:
            kwargs["container"] = container
        raw = cluster.call(
            f"logs of pod {namespace}/{name}", cluster.core.read_namespaced_pod_log, name, namespace, **kwargs
        )
        text = raw.decode("utf-8", errors="replace")
        return f"{target.note}\n{text}" if target.note else text

    @mcp.tool(annotations=READ)
    def analyze_logs(
        namespace: Namespace,
        name: Name,
        container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
        tail_lines: Annotated[int, Field(ge=1, le=10_000)] = 1000,
        workload: Workload = None,
    ) -> CallToolResult:
        """Known failure patterns (OOM, panics and stack traces, refused/timed-out connections, DNS, TLS,
        permissions, missing config or env, disk full, probes, exit codes...) in the current and the
        previous container's logs, with categories and (redacted) evidence lines."""
        ctx.guard(namespace)
        target = resolve_pod(ctx, namespace, name, workload, "analysing the logs of")
        name = target.name
        kwargs: dict[str, Any] = {"tail_lines": tail_lines}
        if container:
            kwargs["container"] = container
        report = analyzed_logs(cluster, namespace, name, **kwargs)
        text = f"pod {namespace}/{name}: current: {report['current']['summary']}"
        if "summary" in report.get("previous", {}):
            text += f"; previous: {report['previous']['summary']}"
        if target.note:
            return result(f"{target.note}\n{text}", {"note": target.note, **report})
        return result(text, report)


def register_details(mcp: MCPServer, ctx: Context) -> None:
    """describe_pod, get_pod."""
    cluster = ctx.cluster

    @mcp.tool(annotations=READ)
    def describe_pod(namespace: Namespace, name: Name, workload: Workload = None) -> CallToolResult:
        """Summarise a pod: status, conditions, container states and its recent events."""
        ctx.guard(namespace)
        target = resolve_pod(ctx, namespace, name, workload, "showing")
        pod = read_pod(cluster, namespace, target)
        events, events_error = pod_events(cluster, namespace, target.name)
        summary = pod_description(pod, events)
        if events_error:
            summary["events_error"] = events_error
        return noted(target, summary)

    @mcp.tool(annotations=READ)
    def get_pod(namespace: Namespace, name: Name, workload: Workload = None) -> CallToolResult:
        """A pod's status summary plus each container's image, resources, ports and probes."""
        ctx.guard(namespace)
        target = resolve_pod(ctx, namespace, name, workload, "showing")
        pod = read_pod(cluster, namespace, target)
        containers = [{k: c.get(k) for k in ("name", "image", "resources", "ports", "livenessProbe",
                                             "readinessProbe") if c.get(k) is not None}
                      for c in (pod.get("spec") or {}).get("containers") or []]
        summary = {**pod_summary(pod), "containers": containers,
                   "labels": (pod.get("metadata") or {}).get("labels") or {}}
        return noted(target, summary)


def register_delete(mcp: MCPServer, ctx: Context) -> None:
    """delete_pod, delete_failed_pods."""
    cluster = ctx.cluster

    @mcp.tool(annotations=MUTATE)
    def delete_pod(namespace: Namespace, name: Name,
                   grace_period_seconds: Annotated[int | None, Field(ge=0, le=3600)] = None,
                   workload: Workload = None) -> CallToolResult:
        """Delete one pod; its controller (if any) replaces it (refused in read-only mode). With `workload`, a pod
        that is gone stands for the workload's current pod, which is deleted only if it is failing too."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        target = resolve_pod(ctx, namespace, name, workload, "deleting")
        if target.note and target.failing is None:
            kind, owner = parse_workload(workload) or ("", "")
            text = (f"pod {namespace}/{name} is gone and no pod of {kind} {owner} is failing now (its current pod "
                    f"{namespace}/{target.name} is not): nothing deleted")
            return result(text, {"namespace": namespace, "name": name, "deleted": None, "note": text})
        kwargs = {"grace_period_seconds": grace_period_seconds} if grace_period_seconds is not None else {}
        cluster.call(f"pod {namespace}/{target.name}", cluster.core.delete_namespaced_pod, target.name, namespace,
                     **kwargs)
        text = f"pod {namespace}/{target.name} deleted"
        if target.note is None:
            return result(text, {"namespace": namespace, "name": name})
        return result(f"{target.note}\n{text}",
                      {"namespace": namespace, "name": target.name, "deleted": target.name, "note": target.note})

    @mcp.tool(annotations=MUTATE)
    def delete_failed_pods(
        namespace: Namespace,
        names: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1, max_length=100)],
    ) -> CallToolResult:
        """Delete the named pods that ended in phase Failed (Evicted, Error, OOM-killed bare pods...), as a cleanup;
        each is read again first and kept unless it is still that same failed pod (refused in read-only mode)."""
        ctx.guard(namespace)
        ctx.refuse_if_read_only()
        deleted: list[str] = []
        kept: list[dict[str, str]] = []
        for name in dict.fromkeys(names):
            what = f"pod {namespace}/{name}"
            try:
                pod = cluster.json(what, cluster.core.read_namespaced_pod, name, namespace)
            except NotFound:
                kept.append({"name": name, "why": "gone already"})
                continue
            phase = (pod.get("status") or {}).get("phase")
            if phase != "Failed":
                kept.append({"name": name, "why": f"phase {phase}, not Failed"})
                continue
            # Only the pod read above: a new pod of the same name (a StatefulSet's) is not deleted.
            uid = (pod.get("metadata") or {}).get("uid")
            try:
                cluster.call(what, cluster.core.delete_namespaced_pod, name, namespace,
                             body={"preconditions": {"uid": uid}} if uid else None)
            except (NotFound, Conflict):
                kept.append({"name": name, "why": "gone or replaced meanwhile"})
                continue
            deleted.append(name)
        text = f"deleted {len(deleted)} failed pod(s) in {namespace}" + (f": {', '.join(deleted)}" if deleted else "")
        if kept:
            text += "; kept " + "; ".join(f"{k['name']} ({k['why']})" for k in kept)
        return result(text, {"namespace": namespace, "deleted": deleted, "kept": kept})
