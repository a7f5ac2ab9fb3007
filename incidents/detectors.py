"""Detectors turn Kubernetes object state (plain JSON dicts, as the API serves them) into findings.

Each detector is registered under a fixed name for one object kind and returns the findings that are
true *now* of one object; the caller diffs them against the firing signals to record firing and
resolved transitions. Detectors that depend on how long a state has lasted read the clock they are
given (`now`), never the wall clock, so a caller (or a test) decides what "now" is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from incidents.models import Severity

Obj = dict[str, Any]

# A Running pod whose Ready condition has been False for this long reports ContainerNotReady.
NOT_READY_MINUTES = 5
# A container with at least this many restarts, the last one within the window, reports FrequentRestarts:
# restarting over and over, whether or not the kubelet backs it off (yet, or any more). Quiet for the
# whole window, it resolves.
RESTARTS_THRESHOLD = 3
RESTARTS_WINDOW_MINUTES = 15
# Warning events worth a finding of their own, by reason.
WARNING_EVENT_REASONS = frozenset({"FailedMount", "FailedScheduling", "BackOff", "Unhealthy"})
# A warning event last observed longer ago than this is history, not a finding (the API server keeps
# events for an hour; a failure that is still happening refreshes its event's count and time).
WARNING_EVENT_FRESH_MINUTES = 15
# Waiting reasons that have a detector of their own: ContainerNotReady does not repeat them.
_EXPLAINED_WAITING = frozenset({"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"})
_NODE_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure")


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


Detector = Callable[[Obj, datetime], Iterable[Finding]]
# Registry: object kind ("Pod", "Node", "Deployment", ...) -> detector name -> detector.
DETECTORS: dict[str, dict[str, Detector]] = {}


def detector(kind: str, name: str) -> Callable[[Detector], Detector]:
    def register(fn: Detector) -> Detector:
        DETECTORS.setdefault(kind, {})[name] = fn
        return fn

    return register


def pod_detector(name: str) -> Callable[[Detector], Detector]:
    return detector("Pod", name)


def parse_time(value: object) -> datetime | None:
    """A Kubernetes timestamp ("2026-11-28T10:00:00Z", micro-times too) as an aware datetime, else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def condition(obj: Obj, type_: str) -> Obj:
    """The status condition of that type, or an empty dict (so `.get("status")` is None)."""
    for cond in (obj.get("status") or {}).get("conditions") or ():
        if cond.get("type") == type_:
            return cond
    return {}


def _with_detail(text: str, detail: object) -> str:
    return f"{text}: {detail}" if detail else text


# --- Pods ---------------------------------------------------------------------------------------


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


# --- Nodes --------------------------------------------------------------------------------------


def _object_finding(obj: Obj, kind: str, *, reason: str, severity: str, message: str, labels: dict[str, str],
                    group: tuple[str, str] | None = None) -> Finding:
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    group_kind, group_name = group or (kind, name)
    return Finding(reason=reason, severity=severity, namespace=meta.get("namespace", ""), object_kind=kind,
                   object_name=name, message=message, group_kind=group_kind, group_name=group_name,
                   labels=labels)


@detector("Node", "not_ready")
def detect_node_not_ready(node: Obj, now: datetime) -> Iterable[Finding]:
    ready = condition(node, "Ready")
    if ready and ready.get("status") != "True":  # False, or Unknown when the kubelet stopped reporting
        name = (node.get("metadata") or {}).get("name", "")
        yield _object_finding(
            node, "Node", reason="NodeNotReady", severity=Severity.CRITICAL, labels={"node": name},
            message=_with_detail(f"Node {name} is not ready (Ready={ready.get('status')}, {ready.get('reason')})",
                                 ready.get("message")),
        )


@detector("Node", "pressure")
def detect_node_pressure(node: Obj, now: datetime) -> Iterable[Finding]:
    for cond in (node.get("status") or {}).get("conditions") or ():
        if cond.get("type") in _NODE_PRESSURES and cond.get("status") == "True":
            name = (node.get("metadata") or {}).get("name", "")
            yield _object_finding(
                node, "Node", reason=cond["type"], severity=Severity.WARNING, labels={"node": name},
                message=_with_detail(f"Node {name} reports {cond['type']}", cond.get("message")),
            )


# --- Workloads ----------------------------------------------------------------------------------


def _shortfall(obj: Obj, kind: str, *, have: int, want: int, what: str, detail: object = None) -> Finding:
    meta = obj.get("metadata") or {}
    name, namespace = meta.get("name", ""), meta.get("namespace", "")
    return _object_finding(
        obj, kind, reason="ReplicaShortfall",
        severity=Severity.CRITICAL if have == 0 else Severity.WARNING,
        message=_with_detail(f"{kind} {namespace}/{name} has {have} of {want} {what}", detail),
        labels={"workload_kind": kind, "workload_name": name, "desired": str(want), "available": str(have)},
    )


def _desired_replicas(obj: Obj) -> int:
    replicas = (obj.get("spec") or {}).get("replicas")
    return 1 if replicas is None else int(replicas)  # the API server's default


@detector("Deployment", "replica_shortfall")
def detect_deployment_shortfall(deploy: Obj, now: datetime) -> Iterable[Finding]:
    # Only once the Deployment itself says it lacks minimum availability: a rolling update within its
    # maxUnavailable budget is short of replicas on purpose.
    available = condition(deploy, "Available")
    if available.get("status") != "False":
        return
    want, have = _desired_replicas(deploy), int((deploy.get("status") or {}).get("availableReplicas") or 0)
    if have < want:
        yield _shortfall(deploy, "Deployment", have=have, want=want, what="replicas available",
                         detail=available.get("message"))


@detector("StatefulSet", "replica_shortfall")
def detect_statefulset_shortfall(sts: Obj, now: datetime) -> Iterable[Finding]:
    want, have = _desired_replicas(sts), int((sts.get("status") or {}).get("readyReplicas") or 0)
    if have < want:
        yield _shortfall(sts, "StatefulSet", have=have, want=want, what="replicas ready")


@detector("DaemonSet", "replica_shortfall")
def detect_daemonset_shortfall(ds: Obj, now: datetime) -> Iterable[Finding]:
    status = ds.get("status") or {}
    want, have = int(status.get("desiredNumberScheduled") or 0), int(status.get("numberAvailable") or 0)
    if have < want:
        yield _shortfall(ds, "DaemonSet", have=have, want=want, what="scheduled pods available")


@detector("Job", "failed")
def detect_job_failed(job: Obj, now: datetime) -> Iterable[Finding]:
    failed = condition(job, "Failed")
    if failed.get("status") != "True":
        return
    meta = job.get("metadata") or {}
    name, namespace = meta.get("name", ""), meta.get("namespace", "")
    # The runs of a CronJob are one story: group them under it, as pods are grouped under their workload.
    group = next(((o["kind"], o["name"]) for o in meta.get("ownerReferences") or ()
                  if o.get("kind") == "CronJob" and o.get("name")), ("Job", name))
    pods = int((job.get("status") or {}).get("failed") or 0)
    yield _object_finding(
        job, "Job", reason="JobFailed", severity=Severity.CRITICAL, group=group,
        labels={"job": name, "workload_kind": group[0], "workload_name": group[1]},
        message=_with_detail(f"Job {namespace}/{name} failed after {pods} failed pod(s) ({failed.get('reason')})",
                             failed.get("message")),
    )


# --- Events -------------------------------------------------------------------------------------


def _container_of(field_path: object) -> str:
    """`spec.containers{app}` -> `app`."""
    if isinstance(field_path, str) and field_path.endswith("}") and "{" in field_path:
        return field_path[field_path.index("{") + 1 : -1]
    return ""


@detector("Event", "warning")
def detect_warning_event(event: Obj, now: datetime) -> Iterable[Finding]:
    """One finding per (involved object, reason): repeats of an event raise its count, not a new finding.

    It fires while the event is fresh (observed within WARNING_EVENT_FRESH_MINUTES). Events about pods
    are further tied to their pod by `attribute_pod_events`.
    """
    reason = event.get("reason")
    if event.get("type") != "Warning" or reason not in WARNING_EVENT_REASONS:
        return
    last_seen = next(filter(None, map(parse_time, (
        (event.get("series") or {}).get("lastObservedTime"), event.get("lastTimestamp"), event.get("eventTime"),
        event.get("firstTimestamp"),
    ))), None)
    if last_seen is not None and now - last_seen > timedelta(minutes=WARNING_EVENT_FRESH_MINUTES):
        return
    involved = event.get("involvedObject") or {}
    kind, name = involved.get("kind", ""), involved.get("name", "")
    # Not the event's own namespace: events about cluster-scoped objects (nodes) live in "default".
    namespace = involved.get("namespace") or ""
    labels = {"involved_kind": kind}
    if kind == "Pod":
        labels["pod"] = name
        if container := _container_of(involved.get("fieldPath")):
            labels["container"] = container
        if host := (event.get("source") or {}).get("host"):
            labels["node"] = host
    elif kind == "Node":
        labels["node"] = name
    else:
        labels |= {"workload_kind": kind, "workload_name": name}
    count = event.get("count") or (event.get("series") or {}).get("count") or 1
    labels["count"] = str(count)
    seen = f" (seen {count} times)" if count != 1 else ""
    yield Finding(reason=reason, severity=Severity.WARNING, namespace=namespace, object_kind=kind, object_name=name,
                  message=f"{kind} {name}: {event.get('message') or reason}{seen}", group_kind=kind, group_name=name,
                  labels=labels)


# --- Running them -------------------------------------------------------------------------------


def detect_object(kind: str, obj: Obj, now: datetime | None = None) -> list[Finding]:
    """Every finding that the registered detectors of `kind` report for one object, as it is at `now`."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    for fn in DETECTORS.get(kind, {}).values():
        findings.extend(fn(obj, now))
    return findings


def detect_pod(pod: Obj, now: datetime | None = None) -> list[Finding]:
    return detect_object("Pod", pod, now)


PodLookup = Callable[[str, str], Obj | None]  # (namespace, name) -> the pod as last listed, or None


def attribute_pod_events(findings: Iterable[Finding], pod: PodLookup) -> list[Finding]:
    """Tie the findings of warning events about pods to those pods.

    An event about a pod that no longer exists is history (a restart replaced the pod): dropped. One about
    a live pod is grouped under the pod's workload, like the pod's own findings, so "BackOff of deployment
    checkout" is one fingerprint across pod restarts and joins the workload's incident.
    """
    attributed: list[Finding] = []
    for finding in findings:
        if finding.labels.get("involved_kind") != "Pod":
            attributed.append(finding)
            continue
        live = pod(finding.namespace, finding.object_name)
        if live is None:
            continue
        group_kind, group_name = workload_of(live)
        attributed.append(replace(finding, group_kind=group_kind, group_name=group_name,
                                  labels={**finding.labels, "workload_kind": group_kind,
                                          "workload_name": group_name}))
    return attributed


def detect_snapshot(snapshot: Mapping[str, Iterable[Obj]], now: datetime | None = None) -> list[Finding]:
    """Every finding of every object of a snapshot (kind -> objects), all judged at the same `now`."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    extend = findings.extend
    for kind, objects in snapshot.items():
        if kind == "Event":
            continue  # below, once every pod is known
        detectors = tuple(DETECTORS.get(kind, {}).values())
        for obj in objects:
            for fn in detectors:
                extend(fn(obj, now))
    pods = {((p.get("metadata") or {}).get("namespace", ""), (p.get("metadata") or {}).get("name", "")): p
            for p in snapshot.get("Pod", ())}
    events = [f for event in snapshot.get("Event", ()) for f in detect_object("Event", event, now)]
    findings.extend(attribute_pod_events(events, lambda namespace, name: pods.get((namespace, name))))
    return findings
