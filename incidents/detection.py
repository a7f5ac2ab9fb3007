"""Detection of cluster state: findings in, transitions recorded (the poll, and the watcher's transitions)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.utils import timezone

from aiops_project.live import batched_notices
from incidents import kube
from incidents.detectors import Finding, detect_snapshot, kinds_read
from incidents.models import (
    Cluster,
    ClusterEvent,
    DetectionProblem,
    EventSource,
    EventStatus,
    Signal,
    make_fingerprint,
)
from incidents.transitions import Transition, record_transition, record_transitions, workload_group_key

log = structlog.get_logger(__name__)

# How stale a cluster's last_polled_at may be: a poll writes the row when its outcome (last_poll_error) changes,
# else at most this often, so that an idle poll every 10 s writes no row (bench/embedded_stack.py: 6 rows a
# minute before). The admin's "last polled at" is thus within this of the last poll; /ready reads the error only.
POLL_STAMP_SECONDS = 300


def finding_transition(cluster: Cluster, finding: Finding, status: str) -> Transition:
    return Transition(
        fingerprint=make_fingerprint(cluster.pk, EventSource.KUBERNETES, finding.reason,
                                     finding.namespace, finding.group_kind, finding.group_name),
        # Every finding about one workload (or node) belongs to one incident: a crash loop, the BackOff
        # events it causes and the Deployment short of replicas are one story.
        group_key=workload_group_key(cluster, finding.namespace, finding.group_kind, finding.group_name),
        source=EventSource.KUBERNETES, status=status, reason=finding.reason, severity=finding.severity,
        cluster=cluster, namespace=finding.namespace, object_kind=finding.object_kind,
        object_name=finding.object_name, message=finding.message, labels=finding.labels,
    )


def sync_cluster_findings(cluster: Cluster, findings: Iterable[Finding], *, observed_at: datetime | None = None,
                          covered: Collection[str] | None = None) -> list[ClusterEvent]:
    """Record what started firing, and resolve what fired before and is no longer found.

    `covered`: the kinds whose lists were read whole; a signal judged from a kind that was not (a missing
    permission, a failed list) is left as it is: not seeing it is no proof that it healed. None: every kind.
    Likewise a signal about a namespace the cluster is not limited to (`Cluster.namespaces`) is left as it is.
    Consoles hear once per poll, not once per event.
    """
    with batched_notices():
        return _sync_cluster_findings(cluster, findings, observed_at, covered)


def _sync_cluster_findings(cluster: Cluster, findings: Iterable[Finding], observed_at: datetime | None,
                           covered: Collection[str] | None) -> list[ClusterEvent]:
    firing: dict[str, Transition] = {}
    for finding in findings:
        t = replace(finding_transition(cluster, finding, EventStatus.FIRING), observed_at=observed_at)
        firing.setdefault(t.fingerprint, t)  # two pods of one workload with the same failure: one transition
    seen = set(firing)
    recorded = record_transitions(list(firing.values()))
    gone = (Signal.objects.firing().filter(cluster=cluster, source=EventSource.KUBERNETES)
            .exclude(fingerprint__in=seen).values_list("fingerprint", flat=True))
    for fingerprint in list(gone):
        resolved = resolved_transition(cluster, fingerprint)
        if resolved is None or not within(cluster, resolved.namespace) or (
                covered is not None and not kinds_read(resolved.object_kind, resolved.labels) <= set(covered)):
            continue
        if event := record_transition(replace(resolved, observed_at=observed_at)):
            recorded.append(event)
    return recorded


def within(cluster: Cluster, namespace: str) -> bool:
    """Whether detection reads the namespace: every one, or one the cluster is limited to. A signal about a
    namespace it does not read (no longer, after the limit changed) is nobody's to resolve."""
    return not cluster.namespaces or namespace in cluster.watched_namespaces


def resolved_transition(cluster: Cluster, fingerprint: str) -> Transition | None:
    """The RESOLVED transition of a fingerprint, described by its last event; None if it never had one."""
    last = ClusterEvent.objects.filter(fingerprint=fingerprint).order_by("-id").first()
    if last is None:
        return None
    return Transition(
        fingerprint=fingerprint, group_key=last.group_key, source=last.source, status=EventStatus.RESOLVED,
        reason=last.reason, severity=last.severity, cluster=cluster, namespace=last.namespace,
        object_kind=last.object_kind, object_name=last.object_name, message=f"{last.reason} no longer observed",
        labels=last.labels,
    )


def poll_cluster(cluster_id: int) -> list[ClusterEvent]:
    """List every kind detection covers (one call per kind, or per kind and namespace for a cluster limited to
    namespaces), run the detectors, record transitions.

    Each kind fails alone: the kinds that could be read are judged (and may resolve their signals), the
    others are reported as detection problems and keep their signals as they are. A kind not read at all
    (nodes, for a cluster limited to namespaces) is no problem: its signals stay as they are.
    """
    cluster = Cluster.objects.get(pk=cluster_id)
    structlog.contextvars.bind_contextvars(cluster=cluster.name)
    listed_at = timezone.now()  # the snapshot is at least this old when it is recorded
    try:
        api = kube.api_client_for(cluster)
        with api:
            snapshot, failures = kube.list_snapshot(api, cluster.watched_namespaces)
    except kube.ClusterUnreachable as exc:
        # Keep the signals as they are: an unreachable API server is not proof that anything recovered.
        _record_poll(cluster, str(exc))
        if str(exc) != cluster.last_poll_error:  # said once per change, not every poll
            log.warning("poll_failed", error=str(exc))
        return []
    findings = detect_snapshot(snapshot)
    # A watcher may have recorded fresher changes while the lists were read: those win.
    events = sync_cluster_findings(cluster, findings, observed_at=listed_at, covered=snapshot.keys())
    report_problems(cluster, DetectionProblem.Reporter.POLL, failures, kinds=kube.LISTED_KINDS)
    _record_poll(cluster, "")
    if cluster.last_poll_error:
        log.info("poll_recovered", previous_error=cluster.last_poll_error)
    log.info("poll_done", objects={kind: len(items) for kind, items in snapshot.items()}, findings=len(findings),
             transitions=len(events), unreadable=sorted(failures))
    return events


def _record_poll(cluster: Cluster, error: str) -> None:
    """Write the poll's outcome when it changed, or when last_polled_at is POLL_STAMP_SECONDS old."""
    now = timezone.now()
    stamp_due = cluster.last_polled_at is None or now - cluster.last_polled_at >= timedelta(seconds=POLL_STAMP_SECONDS)
    if error != cluster.last_poll_error or stamp_due:
        Cluster.objects.filter(pk=cluster.pk).update(last_polled_at=now, last_poll_error=error)


def report_problems(cluster: Cluster, reporter: str, failures: Mapping[str, kube.KindUnreadable],
                    kinds: Iterable[str]) -> None:
    """Record which of `kinds` the reporter cannot read now, and why; the others are fine again.

    Written (and logged) only when a kind's problem starts, changes or ends: a retry that fails the same
    way says nothing new. One read of the reporter's current rows per call.
    """
    current = {p.kind: p for p in DetectionProblem.objects.filter(cluster=cluster, reporter=reporter)}
    for kind in kinds:
        failure, known = failures.get(kind), current.get(kind)
        if failure is None:
            if known is not None:
                known.delete()
                log.info("detection_kind_readable", kind=kind, reporter=reporter, previous=known.summary)
            continue
        if known is not None and (known.summary, known.detail) == (failure.summary, failure.detail):
            continue
        DetectionProblem.objects.update_or_create(
            cluster=cluster, kind=kind, reporter=reporter,
            defaults={"summary": failure.summary[:300], "detail": failure.detail,
                      **({"since": timezone.now()} if known is None or known.summary != failure.summary else {})},
        )
        log.warning("detection_kind_unreadable", kind=kind, reporter=reporter, problem=failure.summary,
                    detail=failure.detail)


def cluster_states() -> dict[str, dict[str, Any]]:
    """Each enabled cluster's detection, for /ready: `ok`, `degraded` (some kinds unreadable, named with what
    is missing) or `unreachable` (the last poll read nothing). No addresses, paths or identities."""
    problems: dict[int, dict[str, str]] = {}
    for cluster_id, kind, summary in DetectionProblem.objects.values_list("cluster_id", "kind", "summary"):
        problems.setdefault(cluster_id, {}).setdefault(kind, summary)
    states: dict[str, dict[str, Any]] = {}
    for cluster in Cluster.objects.filter(enabled=True).only("pk", "name", "last_poll_error"):
        unreadable = problems.get(cluster.pk, {})
        state = "unreachable" if cluster.last_poll_error else "degraded" if unreadable else "ok"
        states[cluster.name] = {"detection": state, **({"unreadable": unreadable} if unreadable else {})}
    return states
