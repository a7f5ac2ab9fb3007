"""Detectors turn Kubernetes object state (plain JSON dicts, as the API serves them) into findings.

Each detector is registered under a fixed name and returns the findings that are true *now*; the
caller diffs them against the firing signals to record firing and resolved transitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from incidents.models import Severity

Obj = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    reason: str
    severity: str
    namespace: str
    object_kind: str
    object_name: str
    message: str
    # The fingerprint groups by workload when the pod has one: a restart replaces the pod (new
    # name) but the failure of "deployment checkout" is one story, not one per pod.
    group_kind: str
    group_name: str
    labels: dict[str, str] = field(default_factory=dict)


Detector = Callable[[Obj], Iterable[Finding]]
# Registry: object kind ("Pod", "Node", "Deployment", ...) -> detector name -> detector.
DETECTORS: dict[str, dict[str, Detector]] = {}


def detector(kind: str, name: str) -> Callable[[Detector], Detector]:
    def register(fn: Detector) -> Detector:
        DETECTORS.setdefault(kind, {})[name] = fn
        return fn

    return register


def pod_detector(name: str) -> Callable[[Detector], Detector]:
    return detector("Pod", name)


def workload_of(pod: Obj) -> tuple[str, str]:
    """The owning workload of a pod: a ReplicaSet's pods belong to its Deployment."""
    meta = pod.get("metadata", {})
    for owner in meta.get("ownerReferences") or []:
        kind, name = owner.get("kind", ""), owner.get("name", "")
        if kind == "ReplicaSet":
            template_hash = (meta.get("labels") or {}).get("pod-template-hash")
            if template_hash and name.endswith(f"-{template_hash}"):
                return "Deployment", name.removesuffix(f"-{template_hash}")
            return "ReplicaSet", name
        if kind and name:
            return kind, name
    return "Pod", meta.get("name", "")


def _pod_finding(pod: Obj, container: Obj, *, reason: str, severity: str, message: str) -> Finding:
    meta = pod.get("metadata", {})
    group_kind, group_name = workload_of(pod)
    labels = {
        "pod": meta.get("name", ""),
        "container": container.get("name", ""),
        "workload_kind": group_kind,
        "workload_name": group_name,
        "node": pod.get("spec", {}).get("nodeName", "") or "",
        "restart_count": str(container.get("restartCount", 0)),
    }
    return Finding(
        reason=reason,
        severity=severity,
        namespace=meta.get("namespace", ""),
        object_kind="Pod",
        object_name=meta.get("name", ""),
        message=message,
        group_kind=group_kind,
        group_name=group_name,
        labels=labels,
    )


def _container_statuses(pod: Obj) -> list[Obj]:
    status = pod.get("status") or {}
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


@pod_detector("crashloop")
def detect_crashloop(pod: Obj) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") != "CrashLoopBackOff":
            continue
        last = ((cs.get("lastState") or {}).get("terminated") or {})
        if last.get("reason") == "OOMKilled":
            continue  # reported by the oomkilled detector, which names the real cause
        detail = f"; last exit code {last['exitCode']}" if "exitCode" in last else ""
        yield _pod_finding(
            pod, cs, reason="CrashLoopBackOff", severity=Severity.CRITICAL,
            message=f"Container {cs.get('name')} is crash-looping "
                    f"({cs.get('restartCount', 0)} restarts{detail}): {waiting.get('message', '')}".strip(),
        )


@pod_detector("oomkilled")
def detect_oomkilled(pod: Obj) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        last = ((cs.get("lastState") or {}).get("terminated") or {})
        current = ((cs.get("state") or {}).get("terminated") or {})
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if current.get("reason") == "OOMKilled" or (
            last.get("reason") == "OOMKilled" and waiting.get("reason") == "CrashLoopBackOff"
        ):
            yield _pod_finding(
                pod, cs, reason="OOMKilled", severity=Severity.CRITICAL,
                message=f"Container {cs.get('name')} was killed for exceeding its memory limit "
                        f"({cs.get('restartCount', 0)} restarts).",
            )


@pod_detector("image_pull")
def detect_image_pull(pod: Obj) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in {"ImagePullBackOff", "ErrImagePull"}:
            yield _pod_finding(
                pod, cs, reason="ImagePullBackOff", severity=Severity.WARNING,
                message=f"Container {cs.get('name')} cannot pull image {cs.get('image', '?')}: "
                        f"{waiting.get('message', waiting.get('reason'))}",
            )


def detect_object(kind: str, obj: Obj) -> list[Finding]:
    """Every finding that the registered detectors of `kind` report for one object, as it is now."""
    findings: list[Finding] = []
    for fn in DETECTORS.get(kind, {}).values():
        findings.extend(fn(obj))
    return findings


def detect_pod(pod: Obj) -> list[Finding]:
    return detect_object("Pod", pod)
