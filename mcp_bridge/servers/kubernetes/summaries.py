"""Pure functions from API objects (plain JSON) to the summaries the tools return; no I/O, no client."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"


def owner_of(meta: dict[str, Any]) -> str | None:
    """KIND/NAME of an object's controller (else its first owner), or None."""
    refs = meta.get("ownerReferences") or []
    ref = next((r for r in refs if r.get("controller")), refs[0] if refs else None)
    return f"{ref.get('kind')}/{ref.get('name')}" if ref else None


def waiting_reason(statuses: Iterable[dict[str, Any]]) -> str | None:
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
        "waiting_reason": waiting_reason([*(status.get("initContainerStatuses") or []), *statuses]),
        "node": spec.get("nodeName"),
        "owner": owner_of(meta),
    }


def container_status(status: dict[str, Any]) -> dict[str, Any]:
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


def recent_events(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Event summaries, newest first, at most `limit`."""
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


def rollout_state(deployment: dict[str, Any]) -> dict[str, Any]:
    """kubectl's rollout status logic, for a Deployment."""
    meta, spec, status = deployment.get("metadata") or {}, deployment.get("spec") or {}, deployment.get("status") or {}
    desired = spec.get("replicas", 1)
    updated, available = status.get("updatedReplicas") or 0, status.get("availableReplicas") or 0
    total = status.get("replicas") or 0
    progressing: dict[str, Any] = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"),
                                       {})
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


def node_summary(node: dict[str, Any]) -> dict[str, Any]:
    meta, spec, status = node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    ready = next((c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"), "Unknown")
    roles = sorted(k.removeprefix("node-role.kubernetes.io/") for k in meta.get("labels") or {}
                   if k.startswith("node-role.kubernetes.io/"))
    allocatable = status.get("allocatable") or {}
    return {"name": meta.get("name"), "ready": ready, "unschedulable": bool(spec.get("unschedulable")),
            "roles": roles, "kubelet_version": (status.get("nodeInfo") or {}).get("kubeletVersion"),
            "cpu": allocatable.get("cpu"), "memory": allocatable.get("memory")}


def service_summary(service: dict[str, Any]) -> dict[str, Any]:
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    ports = [{k: p.get(k) for k in ("name", "port", "targetPort", "protocol", "nodePort") if p.get(k) is not None}
             for p in spec.get("ports") or []]
    return {"name": meta.get("name"), "namespace": meta.get("namespace"), "type": spec.get("type"),
            "cluster_ip": spec.get("clusterIP"), "ports": ports, "selector": spec.get("selector") or {}}


def describe_summary(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata") or {}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    summary: dict[str, Any] = {"kind": kind, "name": meta.get("name"), "namespace": meta.get("namespace"),
                               "labels": meta.get("labels") or {}, "annotations": annotations,
                               "created": meta.get("creationTimestamp"), "owner": owner_of(meta)}
    if kind == "ConfigMap":
        summary["data_keys"] = sorted({**(obj.get("data") or {}), **(obj.get("binaryData") or {})})
    else:
        summary["spec"] = trimmed(obj.get("spec"))
        summary["status"] = trimmed(obj.get("status"))
    return summary


def trimmed(value: Any, limit: int = 6000) -> Any:
    """A spec or status, whole when small; else as much of its JSON text as fits."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value if len(text) <= limit else text[:limit] + "…(truncated)"


def container_in_template(workload: dict[str, Any], container: str, what: str) -> tuple[int, dict[str, Any]]:
    """(index, spec) of a container in a workload's pod template, for a JSON patch by index."""
    containers = (((workload.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []
    index = next((i for i, c in enumerate(containers) if c.get("name") == container), None)
    if index is None:
        names = ", ".join(c.get("name", "?") for c in containers) or "none"
        raise ToolError(f"{what} has no container {container!r} (it has: {names})")
    return index, containers[index]


def quantity(value: str, resource: str) -> str:
    """Refuse what the API would refuse, with a clearer message: a quantity like 512Mi or 250m."""
    from kubernetes.utils.quantity import parse_quantity

    try:
        amount = parse_quantity(value)
    except ValueError:
        raise ToolError(f"{resource}: {value!r} is not a Kubernetes quantity (e.g. 512Mi, 1Gi, 250m)") from None
    if amount <= 0:
        raise ToolError(f"{resource}: {value!r} must be more than zero")
    return value


def raised_memory(current: str, factor: float, ceiling: str) -> str:
    """`current` times `factor`, in whole MiB rounded up, never above `ceiling`."""
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
