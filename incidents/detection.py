"""Detection of cluster state: findings in, transitions recorded (the poll, and the watcher's transitions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

import structlog
from django.utils import timezone

from aiops_project.live import batched_notices
from incidents import kube
from incidents.detectors import Finding, detect_snapshot
from incidents.models import Cluster, ClusterEvent, EventSource, EventStatus, Signal, make_fingerprint
from incidents.services import Transition, record_transition, record_transitions, workload_group_key

log = structlog.get_logger(__name__)


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


def sync_cluster_findings(cluster: Cluster, findings: Iterable[Finding], *,
                          observed_at: datetime | None = None) -> list[ClusterEvent]:
    """Record what started firing, and resolve what fired before and is no longer found.

    Consoles hear once per poll, not once per event.
    """
    with batched_notices():
        return _sync_cluster_findings(cluster, findings, observed_at)


def _sync_cluster_findings(cluster: Cluster, findings: Iterable[Finding],
                           observed_at: datetime | None) -> list[ClusterEvent]:
    firing: dict[str, Transition] = {}
    for finding in findings:
        t = replace(finding_transition(cluster, finding, EventStatus.FIRING), observed_at=observed_at)
        firing.setdefault(t.fingerprint, t)  # two pods of one workload with the same failure: one transition
    seen = set(firing)
    recorded = record_transitions(list(firing.values()))
    gone = (Signal.objects.firing().filter(cluster=cluster, source=EventSource.KUBERNETES)
            .exclude(fingerprint__in=seen).values_list("fingerprint", flat=True))
    for fingerprint in list(gone):
        t = resolved_transition(cluster, fingerprint)
        if t is not None and (event := record_transition(replace(t, observed_at=observed_at))):
            recorded.append(event)
    return recorded


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
    """List every kind detection covers (one call per kind), run the detectors, record transitions."""
    cluster = Cluster.objects.get(pk=cluster_id)
    structlog.contextvars.bind_contextvars(cluster=cluster.name)
    listed_at = timezone.now()  # the snapshot is at least this old when it is recorded
    try:
        api = kube.api_client_for(cluster)
        with api:
            snapshot = kube.list_snapshot(api)
    except kube.ClusterUnreachable as exc:
        # Keep the signals as they are: an unreachable API server is not proof that anything recovered.
        Cluster.objects.filter(pk=cluster.pk).update(last_polled_at=timezone.now(), last_poll_error=str(exc))
        log.warning("poll_failed", error=str(exc))
        return []
    findings = detect_snapshot(snapshot)
    # A watcher may have recorded fresher changes while the lists were read: those win.
    events = sync_cluster_findings(cluster, findings, observed_at=listed_at)
    Cluster.objects.filter(pk=cluster.pk).update(last_polled_at=timezone.now(), last_poll_error="")
    log.info("poll_done", objects={kind: len(items) for kind, items in snapshot.items()}, findings=len(findings),
             transitions=len(events))
    return events


