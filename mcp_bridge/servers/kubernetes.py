"""Kubernetes MCP server bundled with the agent.

    python -m mcp_bridge.servers.kubernetes [--kubeconfig PATH] [--context NAME] [--read-only]
                                            [--transport stdio|sse|streamable-http] [--host H] [--port N]

Kubeconfig: `--kubeconfig`, else env KUBECONFIG, else the in-cluster service account; context:
`--context`, else env KUBE_CONTEXT. It talks to the API only through the official `kubernetes` client.

The bridge spawns one process per tool call, so start-up time is latency: no Django, and the
`kubernetes` package (about half a second of imports) is loaded on the first tool call only.
Responses are read raw (`_preload_content=False`) and summarised from plain JSON: quicker than
building the generated pydantic models, and indifferent to fields those models do not expect.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# (connect, read) seconds for every API request: a dead API server must not hang a tool call.
REQUEST_TIMEOUT = (5, 20)

READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
MUTATE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True)

Namespace = Annotated[str, Field(min_length=1, description="Kubernetes namespace")]
Name = Annotated[str, Field(min_length=1, description="object name")]


class Cluster:
    """One chokepoint for API calls: lazy client set-up, raw JSON reads, errors as `ToolError`."""

    def __init__(self, kubeconfig: str | None, context: str | None) -> None:
        self.kubeconfig = kubeconfig
        self.context = context

    @functools.cached_property
    def api_client(self) -> ApiClient:
        from kubernetes import client, config

        configuration = client.Configuration()
        try:
            if self.kubeconfig:
                config.load_kube_config(self.kubeconfig, self.context, client_configuration=configuration)
            else:
                config.load_incluster_config(client_configuration=configuration)
        except Exception as exc:  # ConfigException, OSError, YAML errors: all mean "cannot connect"
            source = f"kubeconfig {self.kubeconfig}" if self.kubeconfig else "in-cluster config (no KUBECONFIG)"
            context = f" context {self.context!r}" if self.context else ""
            raise ToolError(f"cannot load Kubernetes {source}{context}: {exc}") from exc
        # One retry, not urllib3's three: with REQUEST_TIMEOUT this answers before the bridge gives up.
        configuration.retries = 1
        return client.ApiClient(configuration)

    @functools.cached_property
    def core(self) -> Any:
        from kubernetes.client import CoreV1Api

        return CoreV1Api(self.api_client)

    @functools.cached_property
    def apps(self) -> Any:
        from kubernetes.client import AppsV1Api

        return AppsV1Api(self.api_client)

    def call(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> bytes:
        """Call a generated API method and return the raw body; `what` names the target in errors."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            response = method(*args, _preload_content=False, _request_timeout=REQUEST_TIMEOUT, **kwargs)
            return response.data
        except ApiException as exc:
            raise ToolError(_api_error_message(what, exc)) from exc
        except HTTPError as exc:
            host = self.api_client.configuration.host
            raise ToolError(f"cannot reach the Kubernetes API at {host}: {exc}") from exc

    def json(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return json.loads(self.call(what, method, *args, **kwargs))


def _api_error_message(what: str, exc: Any) -> str:
    try:
        message = json.loads(exc.body or "{}").get("message") or exc.reason
    except (ValueError, AttributeError):
        message = exc.body or exc.reason
    if exc.status == 404:
        return f"{what} not found"
    if exc.status in (401, 403):
        return f"access to {what} denied (HTTP {exc.status}): {message}"
    return f"Kubernetes API error for {what} (HTTP {exc.status}): {message}"


def _workload_api(cluster: Cluster, kind: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    api_name = {"Deployment": "deployment", "StatefulSet": "stateful_set", "DaemonSet": "daemon_set"}[kind]
    return getattr(cluster.apps, f"read_namespaced_{api_name}"), getattr(cluster.apps, f"patch_namespaced_{api_name}")


def _quantity(value: str, resource: str) -> str:
    """Refuse what the API would refuse, with a clearer message: a quantity like 512Mi or 250m."""
    from kubernetes.utils.quantity import parse_quantity

    try:
        amount = parse_quantity(value)
    except ValueError:
        raise ToolError(f"{resource}: {value!r} is not a Kubernetes quantity (e.g. 512Mi, 1Gi, 250m)") from None
    if amount <= 0:
        raise ToolError(f"{resource}: {value!r} must be more than zero")
    return value


def _raised_memory(current: str, factor: float, ceiling: str) -> str:
    from decimal import ROUND_CEILING, Decimal

    from kubernetes.utils.quantity import parse_quantity

    try:
        now, cap = parse_quantity(current), parse_quantity(ceiling)
    except ValueError as exc:
        raise ToolError(f"cannot read the memory limit: {exc}") from None
    mebibytes = (now * Decimal(str(factor)) / 2**20).to_integral_value(ROUND_CEILING)
    if now >= cap:
        raise ToolError(f"memory limit {current} is already at or above the ceiling {ceiling}")
    return f"{min(int(mebibytes), int(cap / 2**20))}Mi"


def _result(text: str, structured: dict[str, Any] | None = None) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def _compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _owner(meta: dict[str, Any]) -> str | None:
    refs = meta.get("ownerReferences") or []
    ref = next((r for r in refs if r.get("controller")), refs[0] if refs else None)
    return f"{ref.get('kind')}/{ref.get('name')}" if ref else None


def _waiting_reason(statuses: Iterable[dict[str, Any]]) -> str | None:
    return next((s["state"]["waiting"].get("reason") for s in statuses if (s.get("state") or {}).get("waiting")), None)


def pod_summary(pod: dict[str, Any]) -> dict[str, Any]:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    statuses = status.get("containerStatuses") or []
    return {
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "phase": status.get("phase"),
        "ready": f"{sum(1 for s in statuses if s.get('ready'))}/{len(spec.get('containers') or statuses)}",
        "restarts": sum(s.get("restartCount") or 0 for s in statuses),
        "waiting_reason": _waiting_reason([*(status.get("initContainerStatuses") or []), *statuses]),
        "node": spec.get("nodeName"),
        "owner": _owner(meta),
    }


def _container_status(status: dict[str, Any]) -> dict[str, Any]:
    def state(value: dict[str, Any] | None) -> dict[str, Any] | None:
        if not value:
            return None
        kind, detail = next(iter(value.items()))
        keep = ("reason", "message", "exitCode", "startedAt", "finishedAt")
        return {
            "state": kind,
            **{k: v for k, v in (detail or {}).items() if k in keep and v not in (None, "")},
        }

    return {
        "name": status.get("name"),
        "image": status.get("image"),
        "ready": status.get("ready"),
        "restarts": status.get("restartCount") or 0,
        "state": state(status.get("state")),
        "last_state": state(status.get("lastState")),
    }


def event_summary(event: dict[str, Any]) -> dict[str, Any]:
    meta, obj = event.get("metadata") or {}, event.get("involvedObject") or {}
    return {
        "last_seen": event.get("lastTimestamp") or event.get("eventTime") or meta.get("creationTimestamp"),
        "type": event.get("type"),
        "reason": event.get("reason"),
        "object": f"{obj.get('kind')}/{obj.get('name')}",
        "namespace": meta.get("namespace") or obj.get("namespace"),
        "message": event.get("message"),
        "count": event.get("count") or 1,
    }


def _recent(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    summaries = sorted((event_summary(e) for e in events), key=lambda e: e["last_seen"] or "", reverse=True)
    return summaries[:limit]


def deployment_summary(deployment: dict[str, Any]) -> dict[str, Any]:
    meta, spec, status = (
        deployment.get("metadata") or {},
        deployment.get("spec") or {},
        deployment.get("status") or {},
    )
    template = spec.get("template") or {}
    containers = (template.get("spec") or {}).get("containers") or []
    return {
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "replicas": spec.get("replicas"),
        "ready": status.get("readyReplicas") or 0,
        "updated": status.get("updatedReplicas") or 0,
        "available": status.get("availableReplicas") or 0,
        "unavailable": status.get("unavailableReplicas") or 0,
        "images": {c.get("name"): c.get("image") for c in containers},
        "restarted_at": ((template.get("metadata") or {}).get("annotations") or {}).get(RESTARTED_AT),
        "paused": bool(spec.get("paused")),
        "generation": meta.get("generation"),
        "observed_generation": status.get("observedGeneration"),
        "conditions": [
            {k: c.get(k) for k in ("type", "status", "reason", "message")} for c in status.get("conditions") or []
        ],
    }


def build_server(kubeconfig: str | None = None, context: str | None = None, *, read_only: bool = False) -> MCPServer:
    cluster = Cluster(kubeconfig, context)
    mcp = MCPServer(
        "kubernetes",
        instructions="Inspect and remediate workloads in one Kubernetes cluster."
        + (" Read-only: mutations are refused." if read_only else ""),
        version="1.0",
        log_level="WARNING",
    )

    def refuse_if_read_only() -> None:
        if read_only:
            raise ToolError("refused: the server runs in --read-only mode")

    @mcp.tool(annotations=READ)
    def list_pods(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
        label_selector: Annotated[str | None, Field(description="e.g. app=web,tier!=db")] = None,
    ) -> CallToolResult:
        """List pods with phase, readiness, restarts, waiting reason (e.g. CrashLoopBackOff), node, owner."""
        kwargs = {"label_selector": label_selector} if label_selector else {}
        if namespace:
            data = cluster.json(f"pods in namespace {namespace}", cluster.core.list_namespaced_pod, namespace, **kwargs)
        else:
            data = cluster.json("pods", cluster.core.list_pod_for_all_namespaces, **kwargs)
        pods = [pod_summary(p) for p in data.get("items") or []]
        return _result(_compact(pods), {"pods": pods})

    @mcp.tool(annotations=READ, structured_output=False)
    def get_pod_logs(
        namespace: Namespace,
        name: Name,
        container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
        tail_lines: Annotated[int, Field(ge=1, le=10_000)] = 100,
        previous: Annotated[bool, Field(description="logs of the previous (crashed) container")] = False,
    ) -> str:
        """Return the last lines of a pod container's log as text."""
        kwargs: dict[str, Any] = {"tail_lines": tail_lines, "previous": previous}
        if container:
            kwargs["container"] = container
        raw = cluster.call(
            f"logs of pod {namespace}/{name}", cluster.core.read_namespaced_pod_log, name, namespace, **kwargs
        )
        return raw.decode("utf-8", errors="replace")

    @mcp.tool(annotations=READ)
    def describe_pod(namespace: Namespace, name: Name) -> CallToolResult:
        """Summarise a pod: status, conditions, container states and its recent events."""
        pod = cluster.json(f"pod {namespace}/{name}", cluster.core.read_namespaced_pod, name, namespace)
        try:
            events = cluster.json(
                f"events in namespace {namespace}",
                cluster.core.list_namespaced_event,
                namespace,
                field_selector=f"involvedObject.kind=Pod,involvedObject.name={name}",
            )
            events_error = None
        except ToolError as exc:  # the pod's state is worth returning without its events
            events, events_error = {}, str(exc)
        # Filter again: not every API server (or emulator) honours field selectors.
        mine = [
            e
            for e in events.get("items") or []
            if (e.get("involvedObject") or {}).get("kind") == "Pod"
            and (e.get("involvedObject") or {}).get("name") == name
        ]
        status = pod.get("status") or {}
        summary = {
            **pod_summary(pod),
            "pod_ip": status.get("podIP"),
            "started": status.get("startTime"),
            "reason": status.get("reason"),
            "message": status.get("message"),
            "conditions": [
                {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k) is not None}
                for c in status.get("conditions") or []
            ],
            "init_containers": [_container_status(s) for s in status.get("initContainerStatuses") or []],
            "containers": [_container_status(s) for s in status.get("containerStatuses") or []],
            "events": _recent(mine, 20),
        }
        if events_error:
            summary["events_error"] = events_error
        return _result(_compact(summary), summary)

    @mcp.tool(annotations=READ)
    def get_deployment(namespace: Namespace, name: Name) -> CallToolResult:
        """Summarise a deployment: desired/ready/updated/available replicas, images, last restart."""
        deployment = cluster.json(
            f"deployment {namespace}/{name}", cluster.apps.read_namespaced_deployment, name, namespace
        )
        summary = deployment_summary(deployment)
        return _result(_compact(summary), summary)

    @mcp.tool(annotations=MUTATE)
    def rollout_restart(namespace: Namespace, name: Name) -> CallToolResult:
        """Restart a deployment's pods the way `kubectl rollout restart` does (refused in read-only mode)."""
        refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        deployment = cluster.json(what, cluster.apps.read_namespaced_deployment, name, namespace)
        if (deployment.get("spec") or {}).get("paused"):
            raise ToolError(f"cannot restart paused {what} (resume the rollout first)")
        # kubectl formats with Go's time.RFC3339; in UTC that is second precision with a Z suffix.
        restarted_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: restarted_at}}}}}
        cluster.call(
            what,
            cluster.apps.patch_namespaced_deployment,
            name,
            namespace,
            patch,
            _content_type="application/strategic-merge-patch+json",
        )
        return _result(
            f"{what} restarted ({RESTARTED_AT}={restarted_at})",
            {"namespace": namespace, "name": name, "restarted_at": restarted_at},
        )

    def revisions(namespace: str, name: str) -> list[tuple[int, dict[str, Any]]]:
        """The deployment's ReplicaSets by revision, newest first (owner checked: selectors may be ignored)."""
        data = cluster.json(f"replicasets in namespace {namespace}", cluster.apps.list_namespaced_replica_set,
                            namespace)
        owned = []
        for rs in data.get("items") or []:
            meta = rs.get("metadata") or {}
            if any(r.get("kind") == "Deployment" and r.get("name") == name for r in meta.get("ownerReferences") or []):
                revision = (meta.get("annotations") or {}).get(REVISION)
                if revision and revision.isdigit():
                    owned.append((int(revision), rs))
        return sorted(owned, key=lambda pair: pair[0], reverse=True)

    @mcp.tool(annotations=READ)
    def rollout_history(namespace: Namespace, name: Name) -> CallToolResult:
        """A deployment's revisions, newest first: revision, ReplicaSet, images and change cause."""
        history = [
            {"revision": revision, "replica_set": (rs.get("metadata") or {}).get("name"),
             "images": [c.get("image") for c in (((rs.get("spec") or {}).get("template") or {}).get("spec") or {})
                        .get("containers") or []],
             "change_cause": ((rs.get("metadata") or {}).get("annotations") or {}).get(CHANGE_CAUSE)}
            for revision, rs in revisions(namespace, name)
        ]
        return _result(_compact(history), {"revisions": history})

    @mcp.tool(annotations=MUTATE)
    def rollout_undo(
        namespace: Namespace,
        name: Name,
        to_revision: Annotated[int, Field(ge=0, description="0: the revision before the current one")] = 0,
    ) -> CallToolResult:
        """Roll a deployment back to an earlier revision's pod template, as `kubectl rollout undo` does
        (refused in read-only mode)."""
        refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        deployment = cluster.json(what, cluster.apps.read_namespaced_deployment, name, namespace)
        if (deployment.get("spec") or {}).get("paused"):
            raise ToolError(f"cannot roll back paused {what} (resume the rollout first)")
        current = int(((deployment.get("metadata") or {}).get("annotations") or {}).get(REVISION) or 0)
        history = revisions(namespace, name)
        if to_revision:
            target = next((pair for pair in history if pair[0] == to_revision), None)
        else:
            target = next((pair for pair in history if pair[0] < current), None) if current else (
                history[1] if len(history) > 1 else None)
        if target is None:
            known = ", ".join(str(r) for r, _ in history) or "none"
            wanted = f"revision {to_revision}" if to_revision else "a previous revision"
            raise ToolError(f"{what} has no {wanted} to roll back to (revisions: {known})")
        revision, rs = target
        template = json.loads(json.dumps((rs.get("spec") or {}).get("template") or {}))
        labels = (template.get("metadata") or {}).get("labels") or {}
        labels.pop("pod-template-hash", None)  # added by the controller to each ReplicaSet, not the deployment's
        cluster.call(what, cluster.apps.patch_namespaced_deployment, name, namespace,
                     [{"op": "replace", "path": "/spec/template", "value": template}],
                     _content_type="application/json-patch+json")
        images = [c.get("image") for c in (template.get("spec") or {}).get("containers") or []]
        return _result(f"{what} rolled back to revision {revision} ({', '.join(filter(None, images))})",
                       {"namespace": namespace, "name": name, "revision": revision, "previous_revision": current,
                        "images": images})

    @mcp.tool(annotations=MUTATE)
    def scale_deployment(
        namespace: Namespace, name: Name, replicas: Annotated[int, Field(ge=0, le=1000)]
    ) -> CallToolResult:
        """Set a deployment's desired replicas through its scale subresource (refused in read-only mode)."""
        refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        deployment = cluster.json(what, cluster.apps.read_namespaced_deployment, name, namespace)
        before = (deployment.get("spec") or {}).get("replicas")
        cluster.call(
            what,
            cluster.apps.patch_namespaced_deployment_scale,
            name,
            namespace,
            {"spec": {"replicas": replicas}},
            _content_type="application/merge-patch+json",
        )
        return _result(
            f"{what} scaled from {before} to {replicas} replicas",
            {"namespace": namespace, "name": name, "replicas_before": before, "replicas": replicas},
        )

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
        refuse_if_read_only()
        wanted = {("limits", "memory"): memory_limit, ("requests", "memory"): memory_request,
                  ("limits", "cpu"): cpu_limit, ("requests", "cpu"): cpu_request}
        if memory_limit is not None and memory_limit_factor is not None:
            raise ToolError("give memory_limit or memory_limit_factor, not both")
        if all(v is None for v in wanted.values()) and memory_limit_factor is None:
            raise ToolError("nothing to set: give at least one limit, request or memory_limit_factor")
        read, patch_method = _workload_api(cluster, kind)
        what = f"{kind.lower()} {namespace}/{name}"
        workload = cluster.json(what, read, name, namespace)
        containers = (((workload.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []
        index = next((i for i, c in enumerate(containers) if c.get("name") == container), None)
        if index is None:
            names = ", ".join(c.get("name", "?") for c in containers) or "none"
            raise ToolError(f"{what} has no container {container!r} (it has: {names})")
        before = containers[index].get("resources") or {}
        if memory_limit_factor is not None:
            current = (before.get("limits") or {}).get("memory")
            if not current:
                raise ToolError(f"container {container!r} of {what} has no memory limit to raise; give memory_limit")
            wanted["limits", "memory"] = _raised_memory(current, memory_limit_factor, max_memory_limit)
        after = {section: dict(before.get(section) or {}) for section in ("limits", "requests")}
        for (section, resource), value in wanted.items():
            if value is not None:
                after[section][resource] = _quantity(value, resource)
        after = {section: values for section, values in after.items() if values}
        path = f"/spec/template/spec/containers/{index}"
        # JSON patch by index, guarded by a test of the name: a concurrent edit fails the patch, not the pod.
        cluster.call(what, patch_method, name, namespace,
                     [{"op": "test", "path": f"{path}/name", "value": container},
                      {"op": "add", "path": f"{path}/resources", "value": {**before, **after}}],
                     _content_type="application/json-patch+json")
        changes = {f"{s}.{r}": {"before": (before.get(s) or {}).get(r), "after": after.get(s, {}).get(r)}
                   for (s, r), v in wanted.items() if v is not None}
        text = f"{what} container {container}: " + ", ".join(
            f"{key} {change['before'] or 'unset'} -> {change['after']}" for key, change in changes.items())
        return _result(text, {"namespace": namespace, "name": name, "kind": kind, "container": container,
                              "changes": changes})

    @mcp.tool(annotations=READ)
    def describe_node(name: Name) -> CallToolResult:
        """Summarise a node: conditions, taints, whether it is cordoned, capacity and allocatable resources."""
        node = cluster.json(f"node {name}", cluster.core.read_node, name)
        spec, status = node.get("spec") or {}, node.get("status") or {}
        summary = {
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
        return _result(_compact(summary), summary)

    def set_unschedulable(name: str, unschedulable: bool) -> CallToolResult:
        refuse_if_read_only()
        what = f"node {name}"
        node = cluster.json(what, cluster.core.read_node, name)
        before = bool((node.get("spec") or {}).get("unschedulable"))
        if before != unschedulable:
            cluster.call(what, cluster.core.patch_node, name, {"spec": {"unschedulable": unschedulable or None}},
                         _content_type="application/merge-patch+json")
        state = "cordoned" if unschedulable else "uncordoned"
        text = f"{what} {state}" if before != unschedulable else f"{what} was already {state}"
        return _result(text, {"name": name, "unschedulable": unschedulable, "changed": before != unschedulable})

    @mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                          open_world_hint=True))
    def cordon_node(name: Name) -> CallToolResult:
        """Mark a node unschedulable, as `kubectl cordon` does: running pods stay (refused in read-only mode)."""
        return set_unschedulable(name, True)

    @mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                          open_world_hint=True))
    def uncordon_node(name: Name) -> CallToolResult:
        """Make a cordoned node schedulable again, as `kubectl uncordon` does (refused in read-only mode)."""
        return set_unschedulable(name, False)

    @mcp.tool(annotations=READ)
    def list_events(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
        warnings_only: bool = True,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
    ) -> CallToolResult:
        """List the most recent events, newest first (only warnings by default)."""
        kwargs = {"field_selector": "type=Warning"} if warnings_only else {}
        if namespace:
            data = cluster.json(
                f"events in namespace {namespace}", cluster.core.list_namespaced_event, namespace, **kwargs
            )
        else:
            data = cluster.json("events", cluster.core.list_event_for_all_namespaces, **kwargs)
        items = [e for e in data.get("items") or [] if not warnings_only or e.get("type") == "Warning"]
        events = _recent(items, limit)
        return _result(_compact(events), {"events": events})

    return mcp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.servers.kubernetes", description=__doc__.split("\n")[0])
    parser.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG") or None)
    parser.add_argument("--context", default=os.environ.get("KUBE_CONTEXT") or None)
    parser.add_argument("--read-only", action="store_true", help="refuse every mutating tool")
    parser.add_argument("--transport", choices=["stdio", "sse", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    server = build_server(args.kubeconfig, args.context, read_only=args.read_only)
    if args.transport == "stdio":
        server.run("stdio")
    elif args.transport == "sse":
        server.run("sse", host=args.host, port=args.port)
    else:
        server.run("streamable-http", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
