"""From findings to events, incidents and playbook runs, on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from incidents.detection import sync_cluster_findings
from incidents.detectors import Finding
from incidents.models import AuditEntry, ClusterEvent, Incident, Signal
from remediation.models import Approval, PlaybookRun, Risk, StepRun
from remediation.services import advance_run
from remediation.verdict import analyse_run
from tests.factories import make_cluster, make_playbook, make_rule

pytestmark = pytest.mark.django_db


def crashloop(pod: str = "checkout-abc-1") -> Finding:
    return Finding(reason="CrashLoopBackOff", severity="critical", namespace="shop", object_kind="Pod",
                   object_name=pod, message="crash-looping", group_kind="Deployment", group_name="checkout",
                   labels={"pod": pod, "workload_kind": "Deployment", "workload_name": "checkout"})


@pytest.fixture
def cluster():  # type: ignore[no-untyped-def]
    return make_cluster()


@pytest.fixture
def rule_with_playbook():  # type: ignore[no-untyped-def]
    playbook = make_playbook("crashloop", steps=[
        {"name": "Logs", "tool": "get_pod_logs", "risk": Risk.LOW,
         "arguments": {"namespace": "{{ event.namespace }}", "name": "{{ event.labels.pod }}"}},
        {"name": "Restart", "tool": "rollout_restart", "risk": Risk.MEDIUM,
         "arguments": {"namespace": "{{ event.namespace }}", "name": "{{ event.labels.workload_name }}"}},
    ])
    return make_rule(playbook=playbook)


def test_a_new_failure_records_one_event_and_opens_an_incident_with_a_run(cluster, rule_with_playbook,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        [event] = sync_cluster_findings(cluster, [crashloop()])
    incident = Incident.objects.get()
    assert event.incident == incident and incident.is_open
    assert incident.title == "CrashLoopBackOff: shop/checkout"
    run = PlaybookRun.objects.get(incident=incident)
    steps = list(run.step_runs.all())
    # Arguments are rendered at start, so an approver sees exactly what will run.
    assert steps[0].arguments == {"namespace": "shop", "name": "checkout-abc-1"}
    assert steps[1].arguments == {"namespace": "shop", "name": "checkout"}
    assert len(callbacks) >= 1  # advance_run enqueued after commit, not before
    assert AuditEntry.objects.filter(incident=incident, action="incident.opened").exists()


def test_the_same_failure_seen_again_records_nothing(cluster, rule_with_playbook):
    sync_cluster_findings(cluster, [crashloop()])
    assert sync_cluster_findings(cluster, [crashloop("checkout-abc-2")]) == []
    assert ClusterEvent.objects.count() == 1
    assert Incident.objects.count() == 1
    assert PlaybookRun.objects.count() == 1


def test_a_failure_no_longer_seen_is_resolved_with_its_incident(cluster, rule_with_playbook):
    sync_cluster_findings(cluster, [crashloop()])
    [resolved] = sync_cluster_findings(cluster, [])
    assert resolved.status == "resolved"
    incident = Incident.objects.get()
    assert resolved.incident == incident
    assert incident.status == Incident.Status.RESOLVED and incident.resolved_at is not None
    assert Signal.objects.get().status == "resolved"
    # Events are append-only: the firing row is still there, unchanged.
    assert list(ClusterEvent.objects.order_by("id").values_list("status", flat=True)) == ["firing", "resolved"]


def test_a_recurrence_soon_after_resolution_reopens_the_incident(cluster, rule_with_playbook):
    sync_cluster_findings(cluster, [crashloop()])
    sync_cluster_findings(cluster, [])
    [event] = sync_cluster_findings(cluster, [crashloop()])
    incident = Incident.objects.get()
    assert incident.status == Incident.Status.OPEN and incident.resolved_at is None
    assert event.incident == incident
    assert AuditEntry.objects.filter(incident=incident, action="incident.reopened").count() == 1
    assert not AuditEntry.objects.filter(action="incident.retitled").exists()  # the same failure, the same title
    assert incident.events.count() == 3


def oomkilled(pod: str = "checkout-abc-2") -> Finding:
    return Finding(reason="OOMKilled", severity="critical", namespace="shop", object_kind="Pod", object_name=pod,
                   message="killed at its memory limit", group_kind="Deployment", group_name="checkout",
                   labels={"pod": pod, "workload_kind": "Deployment", "workload_name": "checkout"})


def test_another_failure_that_reopens_an_incident_gives_it_its_title_on_the_timeline(cluster):
    make_rule(reasons=["CrashLoopBackOff", "OOMKilled"])
    sync_cluster_findings(cluster, [crashloop()])
    assert Incident.objects.get().title == "CrashLoopBackOff: shop/checkout"
    sync_cluster_findings(cluster, [])
    [event] = sync_cluster_findings(cluster, [oomkilled()])
    incident = Incident.objects.get()
    assert incident.is_open and event.incident == incident
    assert incident.title == "OOMKilled: shop/checkout"
    [entry] = AuditEntry.objects.filter(incident=incident, action="incident.retitled")
    assert entry.details == {"event_id": event.pk, "previous": "CrashLoopBackOff: shop/checkout",
                             "title": "OOMKilled: shop/checkout"}
    assert entry.message == ("Title changed from 'CrashLoopBackOff: shop/checkout' to 'OOMKilled: shop/checkout': "
                             "reopened by OOMKilled")
    # The timeline reads in order: reopened, then renamed.
    actions = list(AuditEntry.objects.filter(incident=incident).order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["incident.reopened", "incident.retitled"]

    # The same failure coming back keeps the title and renames nothing.
    sync_cluster_findings(cluster, [])
    sync_cluster_findings(cluster, [oomkilled()])
    incident.refresh_from_db()
    assert incident.is_open and incident.title == "OOMKilled: shop/checkout"
    assert AuditEntry.objects.filter(incident=incident, action="incident.reopened").count() == 2
    assert AuditEntry.objects.filter(incident=incident, action="incident.retitled").count() == 1


def test_a_recurrence_after_the_reopen_window_opens_a_new_incident(cluster, rule_with_playbook, settings):
    settings.INCIDENT_REOPEN_SECONDS = 0
    sync_cluster_findings(cluster, [crashloop()])
    sync_cluster_findings(cluster, [])
    sync_cluster_findings(cluster, [crashloop()])
    assert Incident.objects.count() == 2
    assert Incident.objects.open().count() == 1


def test_events_are_append_only(cluster):
    sync_cluster_findings(cluster, [crashloop()])
    event = ClusterEvent.objects.get()
    event.message = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_advancing_a_run_queues_low_steps_and_asks_approval_for_medium(cluster, rule_with_playbook,
                                                                      django_capture_on_commit_callbacks):
    sync_cluster_findings(cluster, [crashloop()])
    run = PlaybookRun.objects.get()
    with django_capture_on_commit_callbacks() as first:
        advance_run(run.pk)
    with django_capture_on_commit_callbacks() as second:
        advance_run(run.pk)  # safe to run twice: the step is already queued, nothing more is enqueued
    low, medium = run.step_runs.all()
    assert low.status == StepRun.Status.QUEUED
    assert len(first) == 2 and second == []  # the execute_step task and a console notice
    StepRun.objects.filter(pk=low.pk).update(status=StepRun.Status.SUCCEEDED)
    advance_run(run.pk)  # the root cause first: the analysis is asked for, nobody yet
    run.refresh_from_db()
    assert run.rca_state == PlaybookRun.Rca.RUNNING and not Approval.objects.exists()
    analyse_run(run.pk)  # what the analyse_run task does
    advance_run(run.pk)
    medium.refresh_from_db()
    assert medium.status == StepRun.Status.WAITING_APPROVAL
    approval = Approval.objects.get(step_run=medium)
    assert approval.status == Approval.Status.PENDING and approval.expires_at > approval.requested_at
    assert approval.verdict["report_id"] == PlaybookRun.objects.get(pk=run.pk).rca_report_id
    run.refresh_from_db()
    assert run.status == PlaybookRun.Status.WAITING_APPROVAL


def test_a_template_naming_a_missing_field_fails_the_run_instead_of_guessing(cluster):
    playbook = make_playbook("bad", steps=[{"name": "Logs", "tool": "get_pod_logs", "risk": Risk.LOW,
                                            "arguments": {"name": "{{ event.labels.nope }}"}}])
    make_rule(playbook=playbook)
    sync_cluster_findings(cluster, [crashloop()])
    [step] = StepRun.objects.all()
    assert step.status == StepRun.Status.FAILED and "nope" in step.error
    advance_run(step.run_id)
    assert PlaybookRun.objects.get().status == PlaybookRun.Status.FAILED


def shortfall() -> Finding:
    return Finding(reason="ReplicaShortfall", severity="warning", namespace="shop", object_kind="Deployment",
                   object_name="checkout", message="Deployment shop/checkout has 1 of 3 replicas available",
                   group_kind="Deployment", group_name="checkout",
                   labels={"workload_kind": "Deployment", "workload_name": "checkout"})


def test_findings_about_one_workload_share_one_incident_until_the_last_resolves(cluster, rule_with_playbook):
    make_rule("any-kubernetes-failure", reasons=[], priority=200)
    [first] = sync_cluster_findings(cluster, [shortfall()])
    incident = Incident.objects.get()
    assert (incident.title, incident.severity) == ("ReplicaShortfall: shop/checkout", "warning")
    assert not PlaybookRun.objects.exists()  # the catch-all rule opens, it does not remediate

    [crash] = sync_cluster_findings(cluster, [shortfall(), crashloop()])
    assert Incident.objects.get() == incident == crash.incident
    assert crash.fingerprint != first.fingerprint and crash.group_key == first.group_key == incident.group_key
    incident.refresh_from_db()
    assert incident.severity == "critical"  # raised by the crash loop, and audited
    assert AuditEntry.objects.filter(incident=incident, action="incident.escalated").count() == 1
    assert PlaybookRun.objects.get().incident == incident  # the crash loop's rule starts its playbook

    # The crash loop ends first: the Deployment is still short, so the incident stays open.
    [crash_resolved] = sync_cluster_findings(cluster, [shortfall()])
    assert crash_resolved.incident == incident
    incident.refresh_from_db()
    assert incident.is_open

    [last] = sync_cluster_findings(cluster, [])
    incident.refresh_from_db()
    assert last.incident == incident and incident.status == Incident.Status.RESOLVED


def test_another_workload_gets_its_own_incident(cluster, rule_with_playbook):
    other = Finding(reason="CrashLoopBackOff", severity="critical", namespace="shop", object_kind="Pod",
                    object_name="cart-abc-1", message="crash-looping", group_kind="Deployment", group_name="cart",
                    labels={"pod": "cart-abc-1", "workload_kind": "Deployment", "workload_name": "cart"})
    sync_cluster_findings(cluster, [crashloop(), other])
    assert sorted(Incident.objects.values_list("object_name", flat=True)) == ["cart", "checkout"]


def test_a_flapping_signal_is_recorded_and_marked_but_starts_no_playbook(cluster, rule_with_playbook, settings):
    settings.FLAP_TRANSITIONS = 4
    events = []
    for findings in ([crashloop()], [], [crashloop()], []):  # transitions 1-4: the 4th makes it flap
        [event] = sync_cluster_findings(cluster, findings)
        events.append(event)
    assert [e.flapping for e in events] == [False, False, False, True]
    assert Signal.objects.get().flapping
    PlaybookRun.objects.update(status=PlaybookRun.Status.FAILED)  # nothing under way that would hold it anyway

    [again] = sync_cluster_findings(cluster, [crashloop()])
    assert again.flapping and again.incident is not None and again.incident.is_open  # still one incident
    assert PlaybookRun.objects.count() == 1  # the crash loop's rule matched, and held its playbook
    held = AuditEntry.objects.get(action="playbook.held")
    assert held.incident == again.incident and "flapping" in held.message
    assert ClusterEvent.objects.count() == 5  # every transition recorded: append-only truth

    settings.FLAP_WINDOW_SECONDS = 1
    ClusterEvent.objects.update(recorded_at=F("recorded_at") - timedelta(minutes=5))  # it settled long ago
    [calm] = sync_cluster_findings(cluster, [])
    assert not calm.flapping and not Signal.objects.get().flapping
    [fresh] = sync_cluster_findings(cluster, [crashloop()])
    assert not fresh.flapping and PlaybookRun.objects.count() == 2  # remediation is back


def test_a_remediation_budget_stops_the_same_fix_from_running_again_and_again(cluster, rule_with_playbook, settings):
    settings.FLAP_TRANSITIONS = 100  # not flapping: the budget is what holds it
    rule_with_playbook.playbook.max_runs_per_hour = 2
    rule_with_playbook.playbook.save()
    for _ in range(3):
        sync_cluster_findings(cluster, [crashloop()])
        PlaybookRun.objects.update(status=PlaybookRun.Status.FAILED)  # each fix ran and did not help
        sync_cluster_findings(cluster, [])
    assert PlaybookRun.objects.count() == 2
    held = AuditEntry.objects.get(action="playbook.budget_exhausted")
    assert "already ran 2 time(s) for this workload within the hour" in held.message


def test_an_older_observation_never_flips_back_what_changed_since(cluster, rule_with_playbook):
    from django.utils import timezone

    listed_at = timezone.now()  # a poll lists the cluster: the crash loop is there ...
    sync_cluster_findings(cluster, [crashloop()])  # ... while the watcher records it firing
    sync_cluster_findings(cluster, [])  # and, right after, resolved
    assert sync_cluster_findings(cluster, [crashloop()], observed_at=listed_at) == []  # the poll's late news
    assert Signal.objects.get().status == "resolved"
    assert list(ClusterEvent.objects.order_by("id").values_list("status", flat=True)) == ["firing", "resolved"]

    sync_cluster_findings(cluster, [crashloop()])
    before = timezone.now() - timedelta(minutes=1)
    assert sync_cluster_findings(cluster, [], observed_at=before) == []  # gone in an old list: not resolved
    assert Signal.objects.get().status == "firing"
    later = timezone.now()
    [resolved] = sync_cluster_findings(cluster, [], observed_at=later)  # a list newer than the change: applies
    assert resolved.status == "resolved"
