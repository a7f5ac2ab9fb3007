"""A pod named at detection may be gone when a step runs (a controller replaced it while an approval waited,
after an eviction or a restart). Given its workload, a pod tool acts on that workload's current pod instead,
found through owner references, and says so.

The pure part (the reference's grammar, label selectors, which pod is "current") is apart from the lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import Context, NotFound

# kind as the detectors label it (and as kubectl spells it) -> (API group attribute, method suffix)
WORKLOAD_API = {
    "Deployment": ("apps", "deployment"),
    "StatefulSet": ("apps", "stateful_set"),
    "DaemonSet": ("apps", "daemon_set"),
    "ReplicaSet": ("apps", "replica_set"),
    "Job": ("batch", "job"),
}
_DNS_NAME = r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"
WORKLOAD_PATTERN = rf"^$|^({'|'.join(WORKLOAD_API)})/{_DNS_NAME}$"
# Waiting reasons of a container that is merely starting, not failing.
_STARTING = {"ContainerCreating", "PodInitializing"}

Workload = Annotated[
    Annotated[str, Field(pattern=WORKLOAD_PATTERN, max_length=270)] | None,
    Field(description="the pod's controller as KIND/NAME (Deployment, StatefulSet, DaemonSet, ReplicaSet or Job), "
                      "e.g. Deployment/checkout: when the named pod is gone, act on that workload's current pod "
                      "(a failing one first, else the newest); empty or omitted: only the named pod"),
]


def parse_workload(reference: str | None) -> tuple[str, str] | None:
    """("Deployment", "checkout") from "Deployment/checkout"; None when empty."""
    if not reference:
        return None
    kind, _, name = reference.partition("/")
    if kind not in WORKLOAD_API or not name:
        raise ToolError(f"workload {reference!r} is not KIND/NAME with KIND one of {', '.join(WORKLOAD_API)}")
    return kind, name


def selector_string(selector: dict[str, Any] | None) -> str | None:
    """A label selector object as the `labelSelector` query (`app=web,tier in (a,b),!canary`); None if empty."""
    parts = [f"{k}={v}" for k, v in ((selector or {}).get("matchLabels") or {}).items()]
    for expression in (selector or {}).get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif operator == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif operator == "Exists":
            parts.append(str(key))
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def controlled_by(meta: dict[str, Any], kind: str, name: str, uid: str | None) -> bool:
    """Whether the object's controller is that one (by uid when both have one: a namesake recreated later is not)."""
    for ref in meta.get("ownerReferences") or []:
        if ref.get("controller") and ref.get("kind") == kind and ref.get("name") == name:
            return not (uid and ref.get("uid")) or ref.get("uid") == uid
    return False


def failing_reason(pod: dict[str, Any]) -> str | None:
    """Why a pod is failing (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Evicted, ...), or None if it is not."""
    status = pod.get("status") or {}
    if status.get("phase") == "Failed":
        return status.get("reason") or "Failed"
    for container in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        state, last = container.get("state") or {}, container.get("lastState") or {}
        waiting = (state.get("waiting") or {}).get("reason")
        if waiting and waiting not in _STARTING:
            return str(waiting)
        terminated = state.get("terminated") or {}
        if terminated and terminated.get("exitCode"):
            return str(terminated.get("reason") or "Error")
        last_exit = (last.get("terminated") or {}).get("exitCode")
        if last_exit and not container.get("ready"):
            return str((last.get("terminated") or {}).get("reason") or "Error")
    return None


def current_pod(pods: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None] | None:
    """The pod a step about the workload should act on: a failing one first, then the newest; pods being
    deleted only when there is nothing else. (pod, its failing reason or None); None when there are no pods."""
    if not pods:
        return None

    def rank(pod: dict[str, Any]) -> tuple[bool, bool, str]:
        meta = pod.get("metadata") or {}
        return (not meta.get("deletionTimestamp"), failing_reason(pod) is not None, meta.get("creationTimestamp") or "")

    pod = max(pods, key=rank)
    return pod, failing_reason(pod)


@dataclass(frozen=True)
class Target:
    """The pod a tool acts on: the one named, or the current pod of its workload (with a note saying so)."""

    name: str
    pod: dict[str, Any] | None = None  # read on the way when a workload was given
    note: str | None = None
    failing: str | None = None


def workload_pods(ctx: Context, namespace: str, kind: str, name: str) -> list[dict[str, Any]]:
    """The pods a workload controls now: Deployment -> its ReplicaSets -> their pods; other kinds -> their pods."""
    cluster = ctx.cluster
    group, suffix = WORKLOAD_API[kind]
    api = getattr(cluster, group)
    workload = cluster.json(f"{kind.lower()} {namespace}/{name}", getattr(api, f"read_namespaced_{suffix}"),
                            name, namespace)
    meta = workload.get("metadata") or {}
    selector = selector_string((workload.get("spec") or {}).get("selector"))
    query = {"label_selector": selector} if selector else {}
    owners: list[tuple[str, str, str | None]] = [(kind, name, meta.get("uid"))]
    if kind == "Deployment":
        replica_sets = cluster.json(f"replicasets in namespace {namespace}", cluster.apps.list_namespaced_replica_set,
                                    namespace, **query).get("items") or []
        rs_metas = [rs.get("metadata") or {} for rs in replica_sets]
        owners = [("ReplicaSet", m.get("name", ""), m.get("uid"))
                  for m in rs_metas if controlled_by(m, kind, name, meta.get("uid"))]
    pods = cluster.json(f"pods in namespace {namespace}", cluster.core.list_namespaced_pod, namespace,
                        **query).get("items") or []
    # Owners checked here too: a selector may match pods of another workload (or be ignored by an emulator).
    return [p for p in pods if any(controlled_by(p.get("metadata") or {}, *owner) for owner in owners)]


def resolve_pod(ctx: Context, namespace: str, name: str, workload: str | None, doing: str) -> Target:
    """The named pod if it exists (or no workload was given); else the workload's current pod.

    `doing` completes the note: "pod X is gone; {doing} Y, the current pod of Deployment checkout".
    """
    reference = parse_workload(workload)
    if reference is None:
        return Target(name)
    cluster = ctx.cluster
    try:
        return Target(name, cluster.json(f"pod {namespace}/{name}", cluster.core.read_namespaced_pod, name, namespace))
    except NotFound:
        pass
    kind, owner = reference
    try:
        pods = workload_pods(ctx, namespace, kind, owner)
    except NotFound as exc:
        raise NotFound(f"pod {namespace}/{name} not found, and {exc}") from exc
    chosen = current_pod(pods)
    if chosen is None:
        raise NotFound(f"pod {namespace}/{name} not found, and {kind} {owner} has no pods now")
    pod, failing = chosen
    current = (pod.get("metadata") or {}).get("name") or ""
    detail = [failing] if failing else []
    if len(pods) > 1:
        detail.append(f"the newest {'failing ' if failing else ''}of its {len(pods)} pods")
    note = (f"pod {namespace}/{name} is gone; {doing} {namespace}/{current}, the current pod of {kind} {owner}"
            + (f" ({'; '.join(detail)})" if detail else ""))
    return Target(current, pod, note, failing)
