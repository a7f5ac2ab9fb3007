"""An incident is titled after its most important signal (severity, then specificity: incidents.titles), and
renamed, on its timeline and for open consoles, when a more important failure joins or reopens it."""

from __future__ import annotations

import pytest

from incidents.detection import sync_cluster_findings
from incidents.detectors import Finding
from incidents.models import AuditEntry, Incident
from incidents.titles import SPECIFICITY, signal_rank
from tests.factories import make_cluster, make_rule

pytestmark = pytest.mark.django_db

REASONS = ["CrashLoopBackOff", "OOMKilled", "ReplicaShortfall", "ContainerNotReady", "FrequentRestarts"]


def pod_failure(reason: str, severity: str = "critical", pod: str = "checkout-abc-1") -> Finding:
    return Finding(reason=reason, severity=severity, namespace="shop", object_kind="Pod", object_name=pod,
                   message=f"{reason} on {pod}", group_kind="Deployment", group_name="checkout",
                   labels={"pod": pod, "workload_kind": "Deployment", "workload_name": "checkout"})


def shortfall(severity: str = "critical") -> Finding:
    return Finding(reason="ReplicaShortfall", severity=severity, namespace="shop", object_kind="Deployment",
                   object_name="checkout", message="Deployment shop/checkout has 0 of 2 available replicas",
                   group_kind="Deployment", group_name="checkout",
                   labels={"workload_kind": "Deployment", "workload_name": "checkout"})


def retitles(incident: Incident) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(incident=incident, action="incident.retitled").order_by("pk"))


@pytest.fixture
def cluster():  # type: ignore[no-untyped-def]
    make_rule(reasons=REASONS)
    return make_cluster()


def test_a_crash_loop_that_follows_the_replica_shortfall_it_causes_renames_the_incident(
        cluster, django_capture_on_commit_callbacks):
    sync_cluster_findings(cluster, [shortfall()])
    incident = Incident.objects.get()
    assert incident.title == "ReplicaShortfall: shop/checkout"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [crash] = sync_cluster_findings(cluster, [shortfall(), pod_failure("CrashLoopBackOff")])
    incident.refresh_from_db()
    assert crash.incident == incident and incident.title == "CrashLoopBackOff: shop/checkout"
    [entry] = retitles(incident)
    assert entry.details == {"event_id": crash.pk, "previous": "ReplicaShortfall: shop/checkout",
                             "title": "CrashLoopBackOff: shop/checkout"}
    assert entry.message == ("Title changed from 'ReplicaShortfall: shop/checkout' to "
                             "'CrashLoopBackOff: shop/checkout': CrashLoopBackOff joined it")
    assert callbacks  # open consoles are told after commit, as of every other change
    assert incident.timeline()[-1].action == "incident.retitled"


def test_a_crash_loop_seen_first_keeps_the_title_when_its_replica_shortfall_follows(cluster):
    sync_cluster_findings(cluster, [pod_failure("CrashLoopBackOff")])
    sync_cluster_findings(cluster, [pod_failure("CrashLoopBackOff"), shortfall()])
    incident = Incident.objects.get()
    assert incident.events.count() == 2
    assert incident.title == "CrashLoopBackOff: shop/checkout" and retitles(incident) == []


def test_both_seen_in_one_poll_title_the_incident_after_the_crash_loop_whatever_their_order(cluster):
    sync_cluster_findings(cluster, [shortfall(), pod_failure("CrashLoopBackOff")])
    assert Incident.objects.get().title == "CrashLoopBackOff: shop/checkout"


def test_a_less_important_later_signal_does_not_rename_the_incident(cluster):
    sync_cluster_findings(cluster, [pod_failure("OOMKilled")])
    later = [pod_failure("OOMKilled"), pod_failure("CrashLoopBackOff", pod="checkout-abc-2"),
             pod_failure("FrequentRestarts", "warning", pod="checkout-abc-3"), shortfall()]
    sync_cluster_findings(cluster, later)
    incident = Incident.objects.get()
    assert incident.events.count() == 4
    assert incident.title == "OOMKilled: shop/checkout" and retitles(incident) == []


def test_a_more_severe_signal_outranks_a_more_specific_one(cluster):
    sync_cluster_findings(cluster, [pod_failure("FrequentRestarts", "warning")])
    sync_cluster_findings(cluster, [pod_failure("FrequentRestarts", "warning"), shortfall("critical")])
    incident = Incident.objects.get()
    assert incident.title == "ReplicaShortfall: shop/checkout" and incident.severity == "critical"
    assert [e.action for e in incident.timeline()][-2:] == ["incident.escalated", "incident.retitled"]


def test_a_reopen_by_a_different_worse_failure_renames_it_and_a_lesser_one_does_not(cluster):
    sync_cluster_findings(cluster, [shortfall("warning")])
    sync_cluster_findings(cluster, [])
    incident = Incident.objects.get()
    assert incident.status == "resolved" and incident.title == "ReplicaShortfall: shop/checkout"
    [event] = sync_cluster_findings(cluster, [pod_failure("CrashLoopBackOff")])
    incident.refresh_from_db()
    assert event.incident == incident and incident.is_open and incident.title == "CrashLoopBackOff: shop/checkout"
    [entry] = retitles(incident)
    assert entry.message.endswith(": reopened by CrashLoopBackOff")
    assert [e.action for e in incident.timeline()][-2:] == ["incident.reopened", "incident.retitled"]

    sync_cluster_findings(cluster, [])
    sync_cluster_findings(cluster, [shortfall("critical")])  # back, but only the symptom
    incident.refresh_from_db()
    assert incident.is_open and incident.title == "CrashLoopBackOff: shop/checkout" and len(retitles(incident)) == 1


def test_the_specificity_order_puts_causes_before_unknown_reasons_before_symptoms():
    assert signal_rank("OOMKilled", "critical") > signal_rank("CrashLoopBackOff", "critical")
    assert signal_rank("CrashLoopBackOff", "critical") > signal_rank("KubePodCrashLooping", "critical")
    assert signal_rank("KubePodCrashLooping", "critical") > signal_rank("ReplicaShortfall", "critical")
    assert signal_rank("ReplicaShortfall", "critical") > signal_rank("OOMKilled", "warning")
    assert len(set(SPECIFICITY)) == len(SPECIFICITY) and None in SPECIFICITY
