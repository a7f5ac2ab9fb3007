"""Node and workload detectors: node conditions, replica shortfalls, failed Jobs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from incidents.detectors.base import Finding, Obj, _object_finding, _with_detail, condition, detector, parse_time
from incidents.models import Severity

_NODE_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure")
# A workload short of replicas while it rolls out or scales is not failing yet: a Deployment within its
# progressDeadlineSeconds (the API server's default, 600 s, when unset), a StatefulSet or DaemonSet within this
# long of its last change (they have no progress deadline; the same default).
ROLLOUT_GRACE_SECONDS = 600



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
    """A pressure condition the kubelet reports True: one finding per condition (its reason, and the label
    `condition`), resolved when it goes False again (or Unknown: a node that stopped reporting is NodeNotReady's)."""
    for cond in (node.get("status") or {}).get("conditions") or ():
        if cond.get("type") in _NODE_PRESSURES and cond.get("status") == "True":
            name = (node.get("metadata") or {}).get("name", "")
            yield _object_finding(
                node, "Node", reason=cond["type"], severity=Severity.WARNING,
                labels={"node": name, "condition": cond["type"]},
                message=_with_detail(f"Node {name} reports {cond['type']}", cond.get("message")),
            )




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
    want, have = _desired_replicas(deploy), int((deploy.get("status") or {}).get("availableReplicas") or 0)
    if have >= want:
        return
    # The controller cannot create pods (a quota, an admission webhook): a failure at once, whatever the deadline.
    if (failure := condition(deploy, "ReplicaFailure")).get("status") == "True":
        yield _shortfall(deploy, "Deployment", have=have, want=want, what="replicas available",
                         detail=failure.get("message"))
        return
    if (progressing := condition(deploy, "Progressing")).get("status") == "False":  # ProgressDeadlineExceeded
        yield _shortfall(deploy, "Deployment", have=have, want=want, what="replicas available",
                         detail=progressing.get("message"))
        return
    # Only once the Deployment itself says it lacks minimum availability (a rolling update within its
    # maxUnavailable budget is short on purpose), and for longer than its progress deadline: a rollout or a
    # scale-up in progress is not a failure. No transition time (an emulator): judged at once.
    available = condition(deploy, "Available")
    if available.get("status") != "False":
        return
    since = parse_time(available.get("lastTransitionTime"))
    deadline = (deploy.get("spec") or {}).get("progressDeadlineSeconds") or ROLLOUT_GRACE_SECONDS
    if since is None or now - since >= timedelta(seconds=deadline):
        yield _shortfall(deploy, "Deployment", have=have, want=want, what="replicas available",
                         detail=available.get("message"))


def last_changed(obj: Obj) -> datetime | None:
    """When the object last changed, by anyone (its creation, and each field manager's latest write)."""
    meta = obj.get("metadata") or {}
    times = [meta.get("creationTimestamp"), *((m or {}).get("time") for m in meta.get("managedFields") or ())]
    return max(filter(None, map(parse_time, times)), default=None)


def _settled(obj: Obj, now: datetime) -> bool:
    """No change for the rollout grace period: a shortfall now is not a rollout or a scale-up in progress."""
    changed = last_changed(obj)
    return changed is None or now - changed >= timedelta(seconds=ROLLOUT_GRACE_SECONDS)


@detector("StatefulSet", "replica_shortfall")
def detect_statefulset_shortfall(sts: Obj, now: datetime) -> Iterable[Finding]:
    want, have = _desired_replicas(sts), int((sts.get("status") or {}).get("readyReplicas") or 0)
    if have < want and _settled(sts, now):
        yield _shortfall(sts, "StatefulSet", have=have, want=want, what="replicas ready")


@detector("DaemonSet", "replica_shortfall")
def detect_daemonset_shortfall(ds: Obj, now: datetime) -> Iterable[Finding]:
    status = ds.get("status") or {}
    want, have = int(status.get("desiredNumberScheduled") or 0), int(status.get("numberAvailable") or 0)
    if have < want and _settled(ds, now):  # a new node's pod starting is not a failure either
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
