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
import re
import shlex
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

    @functools.cached_property
    def batch(self) -> Any:
        from kubernetes.client import BatchV1Api

        return BatchV1Api(self.api_client)

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
# Read-only diagnostics an operator (or a model) may run in a container: exact argv, no shell.
EXEC_ALLOWED = {"ps aux", "ps -ef", "df -h", "free -m", "uptime", "date", "id", "hostname", "cat /etc/resolv.conf",
                "cat /etc/hosts", "mount", "ip addr", "ss -tlnp", "netstat -tlnp"}
_HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")


def exec_argv(command: str) -> list[str]:
    argv = shlex.split(command)
    text = " ".join(argv)
    if text in EXEC_ALLOWED:
        return argv
    if len(argv) == 2 and argv[0] == "nslookup" and _HOST.match(argv[1]):
        return argv
    if len(argv) == 3 and argv[:2] == ["getent", "hosts"] and _HOST.match(argv[2]):
        return argv
    raise ToolError(f"refused: {command!r} is not an allowed read-only command "
                    f"(allowed: {', '.join(sorted(EXEC_ALLOWED))}, nslookup HOST, getent hosts HOST)")


def node_summary(node: dict[str, Any]) -> dict[str, Any]:
    meta, spec, status = node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), "Unknown")
    roles = sorted(k.removeprefix("node-role.kubernetes.io/") for k in meta.get("labels") or {}
                   if k.startswith("node-role.kubernetes.io/"))
    allocatable = status.get("allocatable") or {}
    return {"name": meta.get("name"), "ready": ready, "unschedulable": bool(spec.get("unschedulable")),
            "roles": roles, "kubelet_version": (status.get("nodeInfo") or {}).get("kubeletVersion"),
            "cpu": allocatable.get("cpu"), "memory": allocatable.get("memory")}


def container_in_template(workload: dict[str, Any], container: str, what: str) -> tuple[int, dict[str, Any]]:
    """(index, spec) of a container in a workload's pod template, for a JSON patch by index."""
    containers = (((workload.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []
    index = next((i for i, c in enumerate(containers) if c.get("name") == container), None)
    if index is None:
        names = ", ".join(c.get("name", "?") for c in containers) or "none"
        raise ToolError(f"{what} has no container {container!r} (it has: {names})")
    return index, containers[index]


def service_summary(service: dict[str, Any]) -> dict[str, Any]:
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    ports = [{k: p.get(k) for k in ("name", "port", "targetPort", "protocol", "nodePort") if p.get(k) is not None}
             for p in spec.get("ports") or []]
    return {"name": meta.get("name"), "namespace": meta.get("namespace"), "type": spec.get("type"),
            "cluster_ip": spec.get("clusterIP"), "ports": ports, "selector": spec.get("selector") or {}}


def rollout_state(deployment: dict[str, Any]) -> dict[str, Any]:
    """kubectl's rollout status logic, for a Deployment."""
    meta, spec, status = deployment.get("metadata") or {}, deployment.get("spec") or {}, deployment.get("status") or {}
    desired = spec.get("replicas", 1)
    updated, available = status.get("updatedReplicas") or 0, status.get("availableReplicas") or 0
    total = status.get("replicas") or 0
    progressing = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), {})
    if (meta.get("generation") or 0) > (status.get("observedGeneration") or 0):
        return {"state": "progressing", "message": "waiting for the rollout to be observed"}
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return {"state": "failed", "message": f"rollout failed: {progressing.get('message', 'deadline exceeded')}"}
    if updated < desired:
        return {"state": "progressing", "message": f"{updated} of {desired} updated replicas are available"}
    if total > updated:
        return {"state": "progressing", "message": f"{total - updated} old replicas are pending termination"}
    if available < updated:
        return {"state": "progressing", "message": f"{available} of {updated} updated replicas are available"}
    return {"state": "complete", "message": "successfully rolled out"}


def describe_summary(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata") or {}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    summary: dict[str, Any] = {"kind": kind, "name": meta.get("name"), "namespace": meta.get("namespace"),
                               "labels": meta.get("labels") or {}, "annotations": annotations,
                               "created": meta.get("creationTimestamp"), "owner": _owner(meta)}
    if kind == "ConfigMap":
        summary["data_keys"] = sorted({**(obj.get("data") or {}), **(obj.get("binaryData") or {})})
    else:
        summary["spec"] = _trimmed(obj.get("spec"))
        summary["status"] = _trimmed(obj.get("status"))
    return summary


def _trimmed(value: Any, limit: int = 6000) -> Any:
    """A spec or status, whole when small; else as much of its JSON text as fits."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value if len(text) <= limit else text[:limit] + "…(truncated)"


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


def build_server(kubeconfig: str | None = None, context: str | None = None, *, read_only: bool = False,
                 allowed_namespaces: Iterable[str] | None = None) -> MCPServer:
    cluster = Cluster(kubeconfig, context)
    allowed = frozenset(allowed_namespaces or ())
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

    def guard(namespace: str) -> None:
        """--allowed-namespaces: nothing outside them is read or changed."""
        if allowed and namespace not in allowed:
            raise ToolError(f"refused: namespace {namespace!r} is not allowed (allowed: {', '.join(sorted(allowed))})")

    def cluster_wide_change(what: str) -> None:
        refuse_if_read_only()
        if allowed:
            raise ToolError(f"refused: {what} affects every namespace, and this server is limited to "
                            f"{', '.join(sorted(allowed))}")

    def list_items(what: str, namespace: str | None, namespaced: Callable[..., Any],
                   everywhere: Callable[..., Any], **kwargs: Any) -> list[dict[str, Any]]:
        """Items in one namespace, in all (namespace None), or in each allowed one."""
        if namespace:
            guard(namespace)
            return cluster.json(f"{what} in namespace {namespace}", namespaced, namespace, **kwargs).get("items") or []
        if allowed:
            return [item for ns in sorted(allowed)
                    for item in cluster.json(f"{what} in namespace {ns}", namespaced, ns, **kwargs).get("items") or []]
        return cluster.json(what, everywhere, **kwargs).get("items") or []

    @mcp.tool(annotations=READ)
    def list_pods(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
        label_selector: Annotated[str | None, Field(description="e.g. app=web,tier!=db")] = None,
    ) -> CallToolResult:
        """List pods with phase, readiness, restarts, waiting reason (e.g. CrashLoopBackOff), node, owner."""
        kwargs = {"label_selector": label_selector} if label_selector else {}
        items = list_items("pods", namespace, cluster.core.list_namespaced_pod,
                           cluster.core.list_pod_for_all_namespaces, **kwargs)
        pods = [pod_summary(p) for p in items]
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
        guard(namespace)
        kwargs: dict[str, Any] = {"tail_lines": tail_lines, "previous": previous}
        if container:
            kwargs["container"] = container
        raw = cluster.call(
            f"logs of pod {namespace}/{name}", cluster.core.read_namespaced_pod_log, name, namespace, **kwargs
        )
        return raw.decode("utf-8", errors="replace")

    @mcp.tool(annotations=READ)
    def analyze_logs(
        namespace: Namespace,
        name: Name,
        container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
        tail_lines: Annotated[int, Field(ge=1, le=10_000)] = 1000,
    ) -> CallToolResult:
        """Known failure patterns (OOM, panics and stack traces, refused/timed-out connections, DNS, TLS,
        permissions, missing config or env, disk full, probes, exit codes...) in the current and the
        previous container's logs, with categories and (redacted) evidence lines."""
        from incidents.loganalysis import analyze_logs as analyze

        guard(namespace)
        kwargs: dict[str, Any] = {"tail_lines": tail_lines}
        if container:
            kwargs["container"] = container
        report: dict[str, Any] = {"namespace": namespace, "pod": name}
        for which, previous in (("current", False), ("previous", True)):
            try:
                raw = cluster.call(f"logs of pod {namespace}/{name}", cluster.core.read_namespaced_pod_log, name,
                                   namespace, previous=previous, **kwargs)
            except ToolError as exc:
                if not previous:
                    raise
                report[which] = {"error": str(exc)}  # no previous container (never restarted)
                continue
            analysis = analyze(raw.decode("utf-8", errors="replace"))
            report[which] = {**analysis.as_dict(), "summary": analysis.summary()}
        text = f"pod {namespace}/{name}: current: {report['current']['summary']}"
        if "summary" in report.get("previous", {}):
            text += f"; previous: {report['previous']['summary']}"
        return _result(text, report)

    @mcp.tool(annotations=READ)
    def describe_pod(namespace: Namespace, name: Name) -> CallToolResult:
        """Summarise a pod: status, conditions, container states and its recent events."""
        guard(namespace)
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
        guard(namespace)
        deployment = cluster.json(
            f"deployment {namespace}/{name}", cluster.apps.read_namespaced_deployment, name, namespace
        )
        summary = deployment_summary(deployment)
        return _result(_compact(summary), summary)

    @mcp.tool(annotations=MUTATE)
    def rollout_restart(namespace: Namespace, name: Name) -> CallToolResult:
        """Restart a deployment's pods the way `kubectl rollout restart` does (refused in read-only mode)."""
        guard(namespace)
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
        guard(namespace)
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
        guard(namespace)
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
        guard(namespace)
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
        guard(namespace)
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
        index, spec = container_in_template(workload, container, what)
        before = spec.get("resources") or {}
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
        cluster_wide_change(f"{'cordoning' if unschedulable else 'uncordoning'} node {name}")
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
        found = list_items("events", namespace, cluster.core.list_namespaced_event,
                           cluster.core.list_event_for_all_namespaces, **kwargs)
        items = [e for e in found if not warnings_only or e.get("type") == "Warning"]
        events = _recent(items, limit)
        return _result(_compact(events), {"events": events})

    @mcp.tool(annotations=READ)
    def list_namespaces() -> CallToolResult:
        """List namespaces with their phase (only the allowed ones with --allowed-namespaces)."""
        items = cluster.json("namespaces", cluster.core.list_namespace).get("items") or []
        namespaces = [{"name": (n.get("metadata") or {}).get("name"), "phase": (n.get("status") or {}).get("phase")}
                      for n in items if not allowed or (n.get("metadata") or {}).get("name") in allowed]
        return _result(_compact(namespaces), {"namespaces": namespaces})

    @mcp.tool(annotations=READ)
    def get_pod(namespace: Namespace, name: Name) -> CallToolResult:
        """A pod's status summary plus each container's image, resources, ports and probes."""
        guard(namespace)
        pod = cluster.json(f"pod {namespace}/{name}", cluster.core.read_namespaced_pod, name, namespace)
        containers = [{k: c.get(k) for k in ("name", "image", "resources", "ports", "livenessProbe",
                                             "readinessProbe") if c.get(k) is not None}
                      for c in (pod.get("spec") or {}).get("containers") or []]
        summary = {**pod_summary(pod), "containers": containers,
                   "labels": (pod.get("metadata") or {}).get("labels") or {}}
        return _result(_compact(summary), summary)

    @mcp.tool(annotations=READ)
    def list_nodes() -> CallToolResult:
        """List nodes: Ready, cordoned, roles, kubelet version, allocatable CPU and memory."""
        nodes = [node_summary(n) for n in cluster.json("nodes", cluster.core.list_node).get("items") or []]
        return _result(_compact(nodes), {"nodes": nodes})

    @mcp.tool(annotations=READ)
    def list_deployments(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
    ) -> CallToolResult:
        """List deployments with desired/ready/updated/available replicas and images."""
        items = list_items("deployments", namespace, cluster.apps.list_namespaced_deployment,
                           cluster.apps.list_deployment_for_all_namespaces)
        deployments = [deployment_summary(d) for d in items]
        return _result(_compact(deployments), {"deployments": deployments})

    @mcp.tool(annotations=READ)
    def list_services(
        namespace: Annotated[str | None, Field(description="namespace; all namespaces when omitted")] = None,
    ) -> CallToolResult:
        """List services: type, cluster IP, ports and selector."""
        items = list_items("services", namespace, cluster.core.list_namespaced_service,
                           cluster.core.list_service_for_all_namespaces)
        services = [service_summary(s) for s in items]
        return _result(_compact(services), {"services": services})

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
            guard(namespace)
            obj = cluster.json(f"{canonical.lower()} {namespace}/{name}", getattr(getattr(cluster, api), method),
                               name, namespace)
        else:
            if canonical == "Namespace":
                guard(name)
            obj = cluster.json(f"{canonical.lower()} {name}", getattr(getattr(cluster, api), method), name)
        summary = describe_summary(canonical, obj)
        if namespace or canonical == "Namespace":
            events_ns = namespace or name
            try:
                data = cluster.json(f"events in namespace {events_ns}", cluster.core.list_namespaced_event, events_ns)
                summary["events"] = _recent([e for e in data.get("items") or []
                                             if (e.get("involvedObject") or {}).get("name") == name
                                             and (e.get("involvedObject") or {}).get("kind") == canonical], 15)
            except ToolError as exc:
                summary["events_error"] = str(exc)
        return _result(_compact(summary), summary)

    @mcp.tool(annotations=READ)
    def top_pods(namespace: Namespace) -> CallToolResult:
        """CPU and memory use of each pod in a namespace, from the metrics API (metrics-server)."""
        guard(namespace)
        data = metrics(f"namespaces/{namespace}/pods")
        pods = [{"name": (p.get("metadata") or {}).get("name"),
                 "containers": [{"name": c.get("name"), **(c.get("usage") or {})} for c in p.get("containers") or []]}
                for p in data.get("items") or []]
        return _result(_compact(pods), {"pods": pods})

    @mcp.tool(annotations=READ)
    def top_nodes() -> CallToolResult:
        """CPU and memory use of each node, from the metrics API (metrics-server)."""
        nodes = [{"name": (n.get("metadata") or {}).get("name"), **(n.get("usage") or {})}
                 for n in metrics("nodes").get("items") or []]
        return _result(_compact(nodes), {"nodes": nodes})

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
    def rollout_status(namespace: Namespace, name: Name) -> CallToolResult:
        """Whether a deployment's rollout is complete, progressing, or failed, as `kubectl rollout status`."""
        guard(namespace)
        deployment = cluster.json(f"deployment {namespace}/{name}", cluster.apps.read_namespaced_deployment,
                                  name, namespace)
        summary = deployment_summary(deployment)
        state = rollout_state(deployment)
        return _result(f"deployment {namespace}/{name}: {state['message']}", {**summary, **state})

    @mcp.tool(annotations=MUTATE)
    def update_image(namespace: Namespace, name: Name, container: Annotated[str, Field(min_length=1)],
                     image: Annotated[str, Field(min_length=1, pattern=r"^[^\s]+$")]) -> CallToolResult:
        """Set one container's image in a deployment, as `kubectl set image` does (refused in read-only mode)."""
        guard(namespace)
        refuse_if_read_only()
        what = f"deployment {namespace}/{name}"
        deployment = cluster.json(what, cluster.apps.read_namespaced_deployment, name, namespace)
        index, spec = container_in_template(deployment, container, what)
        before = spec.get("image")
        path = f"/spec/template/spec/containers/{index}"
        cluster.call(what, cluster.apps.patch_namespaced_deployment, name, namespace,
                     [{"op": "test", "path": f"{path}/name", "value": container},
                      {"op": "replace", "path": f"{path}/image", "value": image}],
                     _content_type="application/json-patch+json")
        return _result(f"{what} container {container}: image {before} -> {image}",
                       {"namespace": namespace, "name": name, "container": container, "before": before,
                        "image": image})

    @mcp.tool(annotations=MUTATE)
    def delete_pod(namespace: Namespace, name: Name,
                   grace_period_seconds: Annotated[int | None, Field(ge=0, le=3600)] = None) -> CallToolResult:
        """Delete one pod; its controller (if any) replaces it (refused in read-only mode)."""
        guard(namespace)
        refuse_if_read_only()
        kwargs = {"grace_period_seconds": grace_period_seconds} if grace_period_seconds is not None else {}
        cluster.call(f"pod {namespace}/{name}", cluster.core.delete_namespaced_pod, name, namespace, **kwargs)
        return _result(f"pod {namespace}/{name} deleted", {"namespace": namespace, "name": name})

    @mcp.tool(annotations=MUTATE)
    def drain_node(name: Name) -> CallToolResult:
        """Cordon a node, then evict its pods through the Eviction API (PodDisruptionBudgets are honoured),
        leaving DaemonSet and static pods, as `kubectl drain --ignore-daemonsets` (refused in read-only mode)."""
        cluster_wide_change(f"draining node {name}")
        set_unschedulable(name, True)
        pods = cluster.json(f"pods on node {name}", cluster.core.list_pod_for_all_namespaces,
                            field_selector=f"spec.nodeName={name}").get("items") or []
        evicted, kept, failed = [], [], []
        for pod in pods:
            meta = pod.get("metadata") or {}
            if (pod.get("spec") or {}).get("nodeName") != name:
                continue  # not every API server (or emulator) honours field selectors
            label = f"{meta.get('namespace')}/{meta.get('name')}"
            owner = _owner(meta) or ""
            if owner.startswith("DaemonSet/") or "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
                kept.append(label)
                continue
            body = {"apiVersion": "policy/v1", "kind": "Eviction",
                    "metadata": {"name": meta.get("name"), "namespace": meta.get("namespace")}}
            try:
                cluster.call(f"eviction of pod {label}", cluster.core.create_namespaced_pod_eviction,
                             meta.get("name"), meta.get("namespace"), body)
                evicted.append(label)
            except ToolError as exc:  # e.g. 429: a PodDisruptionBudget forbids it now
                failed.append({"pod": label, "error": str(exc)})
        text = f"node {name} cordoned; evicted {len(evicted)} pod(s), kept {len(kept)} (DaemonSet/static)"
        if failed:
            text += f"; {len(failed)} eviction(s) refused: " + "; ".join(f["error"] for f in failed)
        result = _result(text, {"name": name, "evicted": evicted, "kept": kept, "failed": failed})
        if failed:
            result.is_error = True
        return result

    @mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                          open_world_hint=True))
    def label(
        kind: Annotated[str, Field(description="Pod, Node, Deployment, Service or Namespace")],
        name: Name,
        labels: Annotated[dict[str, str | None], Field(description="value null removes the label")],
        namespace: Annotated[str | None, Field(description="for namespaced kinds")] = None,
    ) -> CallToolResult:
        """Add, change or remove labels on an object (refused in read-only mode)."""
        refuse_if_read_only()
        targets = {
            "pod": ("core", "patch_namespaced_pod", True),
            "deployment": ("apps", "patch_namespaced_deployment", True),
            "service": ("core", "patch_namespaced_service", True),
            "node": ("core", "patch_node", False),
            "namespace": ("core", "patch_namespace", False),
        }
        key = kind.strip().lower()
        if key not in targets:
            raise ToolError(f"cannot label kind {kind!r} (known: Pod, Deployment, Service, Node, Namespace)")
        if not labels:
            raise ToolError("no labels given")
        api, method, namespaced = targets[key]
        patch = {"metadata": {"labels": labels}}
        if namespaced:
            if not namespace:
                raise ToolError(f"{kind} is namespaced: give a namespace")
            guard(namespace)
            cluster.call(f"{key} {namespace}/{name}", getattr(getattr(cluster, api), method), name, namespace, patch,
                         _content_type="application/merge-patch+json")
        else:
            if key == "namespace":
                guard(name)
            else:
                cluster_wide_change(f"labelling node {name}")
            cluster.call(f"{key} {name}", getattr(getattr(cluster, api), method), name, patch,
                         _content_type="application/merge-patch+json")
        return _result(f"{key} {name}: labels {labels}", {"kind": key, "name": name, "labels": labels})

    @mcp.tool(annotations=READ, structured_output=False)
    def exec_readonly(namespace: Namespace, name: Name,
                      command: Annotated[str, Field(description="one of: " + ", ".join(sorted(EXEC_ALLOWED)) +
                                                    ", nslookup HOST, getent hosts HOST")],
                      container: Annotated[str | None, Field(description="needed when the pod has several")] = None,
                      ) -> str:
        """Run one allow-listed, read-only diagnostic command in a container (no shell, no other commands)."""
        guard(namespace)
        argv = exec_argv(command)
        from kubernetes.stream import stream

        kwargs: dict[str, Any] = {"container": container} if container else {}
        try:
            return stream(cluster.core.connect_get_namespaced_pod_exec, name, namespace, command=argv,
                          stderr=True, stdin=False, stdout=True, tty=False, _request_timeout=REQUEST_TIMEOUT,
                          **kwargs)
        except Exception as exc:  # ApiException, websocket errors: all mean "could not run it"
            raise ToolError(f"exec in pod {namespace}/{name} failed: {exc}") from exc

    return mcp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.servers.kubernetes", description=__doc__.split("\n")[0])
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


if __name__ == "__main__":
    main()
