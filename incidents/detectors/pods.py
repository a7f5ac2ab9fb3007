"""Pod detectors: container states, scheduling, eviction, readiness, bare pods that failed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from incidents.detectors.base import Finding, Obj, _with_detail, condition, parse_time, pod_detector
from incidents.models import Severity

# A Running pod whose Ready condition has been False for this long reports ContainerNotReady.
NOT_READY_MINUTES = 5
# A container with at least this many restarts, the last one within the window, reports FrequentRestarts:
# restarting over and over, whether or not the kubelet backs it off (yet, or any more). Quiet for the
# whole window, it resolves.
RESTARTS_THRESHOLD = 3
RESTARTS_WINDOW_MINUTES = 15
# Waiting reasons that have a detector of their own: ContainerNotReady does not repeat them.
_EXPLAINED_WAITING = frozenset({"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"})
# How much of a failed container's termination message a PodFailed finding quotes.
TERMINATION_MESSAGE_CHARS = 300



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


def _pod_finding(pod: Obj, container: Obj | None, *, reason: str, severity: str, message: str) -> Finding:
    meta = pod.get("metadata", {})
    group_kind, group_name = workload_of(pod)
    labels = {
        "pod": meta.get("name", ""),
        "workload_kind": group_kind,
        "workload_name": group_name,
        "node": (pod.get("spec") or {}).get("nodeName", "") or "",
    }
    if container is not None:
        labels["container"] = container.get("name", "")
        labels["restart_count"] = str(container.get("restartCount", 0))
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
def detect_crashloop(pod: Obj, now: datetime) -> Iterable[Finding]:
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
def detect_oomkilled(pod: Obj, now: datetime) -> Iterable[Finding]:
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


@pod_detector("frequent_restarts")
def detect_frequent_restarts(pod: Obj, now: datetime) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        if ((cs.get("state") or {}).get("waiting") or {}).get("reason") == "CrashLoopBackOff":
            continue  # reported by the crashloop (or oomkilled) detector
        restarts = cs.get("restartCount") or 0
        last = (cs.get("lastState") or {}).get("terminated") or {}
        finished = parse_time(last.get("finishedAt"))
        if restarts < RESTARTS_THRESHOLD or finished is None:
            continue
        if now - finished > timedelta(minutes=RESTARTS_WINDOW_MINUTES):
            continue
        minutes = max(int((now - finished).total_seconds() // 60), 0)
        yield _pod_finding(
            pod, cs, reason="FrequentRestarts", severity=Severity.WARNING,
            message=f"Container {cs.get('name')} has restarted {restarts} times, the last {minutes} minutes ago "
                    f"({last.get('reason', 'unknown reason')}, exit code {last.get('exitCode')}).",
        )


@pod_detector("image_pull")
def detect_image_pull(pod: Obj, now: datetime) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in {"ImagePullBackOff", "ErrImagePull"}:
            yield _pod_finding(
                pod, cs, reason="ImagePullBackOff", severity=Severity.WARNING,
                message=f"Container {cs.get('name')} cannot pull image {cs.get('image', '?')}: "
                        f"{waiting.get('message', waiting.get('reason'))}",
            )


@pod_detector("create_container_config")
def detect_create_container_config(pod: Obj, now: datetime) -> Iterable[Finding]:
    for cs in _container_statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") == "CreateContainerConfigError":
            # The kubelet's message names what is missing, e.g. `secret "checkout-db" not found`.
            yield _pod_finding(
                pod, cs, reason="CreateContainerConfigError", severity=Severity.WARNING,
                message=_with_detail(f"Container {cs.get('name')} cannot be created from its configuration",
                                     waiting.get("message")),
            )


@pod_detector("unschedulable")
def detect_unschedulable(pod: Obj, now: datetime) -> Iterable[Finding]:
    scheduled = condition(pod, "PodScheduled")
    if scheduled.get("status") == "False" and scheduled.get("reason") == "Unschedulable":
        # The scheduler's own words: "0/3 nodes are available: 3 Insufficient cpu. preemption: ..."
        name = (pod.get("metadata") or {}).get("name", "")
        yield _pod_finding(pod, None, reason="Unschedulable", severity=Severity.WARNING,
                           message=scheduled.get("message") or f"Pod {name} cannot be scheduled on any node.")


@pod_detector("evicted")
def detect_evicted(pod: Obj, now: datetime) -> Iterable[Finding]:
    status = pod.get("status") or {}
    if status.get("reason") == "Evicted":
        name = (pod.get("metadata") or {}).get("name", "")
        node = (pod.get("spec") or {}).get("nodeName") or "its node"
        yield _pod_finding(pod, None, reason="Evicted", severity=Severity.WARNING,
                           message=_with_detail(f"Pod {name} was evicted from {node}", status.get("message")))


def _not_ready_detail(cs: Obj) -> str | None:
    """Why a container is not ready, or None when another detector already reports it."""
    state = cs.get("state") or {}
    if "running" in state:
        return "running, but not passing its readiness probe"
    if waiting := state.get("waiting"):
        if waiting.get("reason") in _EXPLAINED_WAITING:
            return None
        return _with_detail(f"waiting ({waiting.get('reason', 'unknown reason')})", waiting.get("message"))
    if terminated := state.get("terminated"):
        if terminated.get("reason") == "OOMKilled":
            return None
        return f"terminated ({terminated.get('reason', 'unknown reason')}, exit code {terminated.get('exitCode')})"
    return "in no known state"


@pod_detector("not_ready")
def detect_not_ready(pod: Obj, now: datetime) -> Iterable[Finding]:
    status = pod.get("status") or {}
    if status.get("phase") != "Running" or (pod.get("metadata") or {}).get("deletionTimestamp"):
        return  # a terminating pod is expected to go unready
    ready = condition(pod, "Ready")
    if ready.get("status") != "False":
        return
    since = parse_time(ready.get("lastTransitionTime"))
    if since is None or now - since < timedelta(minutes=NOT_READY_MINUTES):
        return  # no way to tell how long, or not long enough: a starting pod is briefly unready
    minutes = int((now - since).total_seconds() // 60)
    for cs in status.get("containerStatuses") or []:
        if cs.get("ready"):
            continue
        detail = _not_ready_detail(cs)
        if detail is not None:
            yield _pod_finding(pod, cs, reason="ContainerNotReady", severity=Severity.WARNING,
                               message=f"Container {cs.get('name')} has not been ready for {minutes} minutes: "
                                       f"{detail}")


def _controlled(pod: Obj) -> bool:
    """Whether a controller owns the pod (a ReplicaSet, a Job, a DaemonSet, a node for a static pod...)."""
    return any(owner.get("controller") for owner in (pod.get("metadata") or {}).get("ownerReferences") or ())


@pod_detector("failed_bare")
def detect_failed_bare_pod(pod: Obj, now: datetime) -> Iterable[Finding]:
    """A pod no controller owns that ended Failed, a container having exited non-zero: nobody will run it again.

    A controller's pod is its controller's story: a Job retries it and reports JobFailed once out of retries, a
    ReplicaSet replaces it. An eviction (Evicted) and an OOM kill (OOMKilled) have detectors of their own; a pod
    stays Failed until someone deletes it, which resolves the finding.
    """
    status = pod.get("status") or {}
    if status.get("phase") != "Failed" or status.get("reason") == "Evicted" or _controlled(pod):
        return
    failed = [(cs, terminated) for cs in _container_statuses(pod)
              if (terminated := (cs.get("state") or {}).get("terminated") or {}).get("exitCode")
              and terminated.get("reason") != "OOMKilled"]
    if not failed:
        return  # every container exited 0 (or was OOM-killed, or never ran: a pod-level reason only)
    first, terminated = failed[0]
    exits = ", ".join(f"{cs.get('name')} exited with code {t.get('exitCode')} ({t.get('reason') or 'Error'})"
                      for cs, t in failed)
    name = (pod.get("metadata") or {}).get("name", "")
    # The container's termination message (up to 4 KiB, e.g. the last lines of its log), else the kubelet's.
    detail = str(terminated.get("message") or status.get("message") or "").strip()[:TERMINATION_MESSAGE_CHARS]
    finding = _pod_finding(pod, first, reason="PodFailed", severity=Severity.WARNING,
                           message=_with_detail(f"Pod {name} (no controller) failed: {exits}", detail))
    yield replace(finding, labels={**finding.labels, "exit_code": str(terminated.get("exitCode"))})
