"""The workload detectors (Deployments, StatefulSets, DaemonSets, Jobs) on objects shaped like `kubectl get
-o json` output: a shortfall is reported only once a rollout is past its deadline or settled."""

from __future__ import annotations

from typing import Any

import pytest

from incidents.detectors import detect_object
from tests.kubeobjects import (
    NOW,
    ago,
    changed,
    make_daemonset,
    make_deployment,
    make_job,
    make_statefulset,
    set_condition,
)

# --- Workloads ----------------------------------------------------------------------------------




def test_a_fully_available_deployment_has_no_findings() -> None:
    assert detect_object("Deployment", make_deployment(), NOW) == []


def test_a_deployment_without_minimum_availability_is_short_of_replicas() -> None:
    [finding] = detect_object("Deployment", make_deployment(3, 1), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "warning")
    assert finding.message == ("Deployment shop/checkout has 1 of 3 replicas available: Deployment does not have "
                               "minimum availability.")
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")
    assert finding.labels["workload_kind"] == "Deployment" and finding.labels["workload_name"] == "checkout"


def test_a_deployment_with_nothing_available_is_critical() -> None:
    [finding] = detect_object("Deployment", make_deployment(3, 0), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "critical")
    assert "has 0 of 3 replicas available" in finding.message


def test_a_rolling_update_within_its_budget_is_not_a_shortfall() -> None:
    # 7 of 8: one pod replaced at a time, the Deployment still reports minimum availability.
    assert detect_object("Deployment", make_deployment(8, 7, condition_status="True"), NOW) == []


def test_a_deployment_scaled_to_zero_has_no_findings() -> None:
    assert detect_object("Deployment", make_deployment(0, 0, condition_status="True"), NOW) == []


def test_a_scale_up_in_progress_is_no_shortfall_until_its_progress_deadline() -> None:
    # 2 -> 3: with maxUnavailable rounding down to 0 the controller says Available=False at once.
    scaling = set_condition(make_deployment(3, 2), "Available", status="False",
                             reason="MinimumReplicasUnavailable", message="Deployment does not have minimum "
                             "availability.", lastTransitionTime=ago(2))
    assert detect_object("Deployment", scaling, NOW) == []  # 2 minutes in, the default deadline is 10
    scaling["spec"]["progressDeadlineSeconds"] = 60
    [late] = detect_object("Deployment", scaling, NOW)
    assert late.reason == "ReplicaShortfall" and late.message.endswith("minimum availability.")


@pytest.mark.parametrize(("type_", "status", "reason", "message"), [
    ("ReplicaFailure", "True", "FailedCreate", 'pods "checkout-7d9f8b6c5-" is forbidden: exceeded quota: '
                                               "compute, requested: cpu=2, used: cpu=8, limited: cpu=8"),
    ("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "checkout-7d9f8b6c5" has timed out '
                                                         "progressing."),
])
def test_a_deployment_the_controller_gave_up_on_is_short_at_once(type_: str, status: str, reason: str,
                                                                 message: str) -> None:
    deploy = set_condition(make_deployment(3, 2), "Available", status="False", lastTransitionTime=ago(1))
    set_condition(deploy, type_, status=status, reason=reason, message=message, lastTransitionTime=ago(1))
    [finding] = detect_object("Deployment", deploy, NOW)
    assert finding.message == f"Deployment shop/checkout has 2 of 3 replicas available: {message}"




def test_a_statefulset_with_every_replica_ready_has_no_findings() -> None:
    assert detect_object("StatefulSet", make_statefulset(), NOW) == []


def test_a_statefulset_short_of_ready_replicas() -> None:
    [finding] = detect_object("StatefulSet", make_statefulset(3, 2), NOW)
    assert (finding.reason, finding.severity) == ("ReplicaShortfall", "warning")
    assert finding.message == "StatefulSet shop/db has 2 of 3 replicas ready"
    assert (finding.group_kind, finding.group_name) == ("StatefulSet", "db")
    [critical] = detect_object("StatefulSet", make_statefulset(3, 0), NOW)
    assert critical.severity == "critical"




@pytest.mark.parametrize(("kind", "make"), [("StatefulSet", lambda: make_statefulset(3, 2)),
                                            ("DaemonSet", lambda: make_daemonset(3, 2))])
def test_a_new_or_changing_statefulset_or_daemonset_is_no_shortfall_until_it_settles(kind: str, make: Any) -> None:
    assert detect_object(kind, changed(make(), 2), NOW) == []  # just created
    assert detect_object(kind, changed(make(), 90, ("", 3)), NOW) == []  # scaled 3 minutes ago
    assert detect_object(kind, changed(make(), 90, ("", 60), ("status", 4)), NOW) == []  # a node joined
    [settled] = detect_object(kind, changed(make(), 90, ("", 60), ("status", 11)), NOW)  # short and unchanged
    assert settled.reason == "ReplicaShortfall"




def test_a_daemonset_available_on_every_node_has_no_findings() -> None:
    assert detect_object("DaemonSet", make_daemonset(), NOW) == []


def test_a_daemonset_short_of_available_pods() -> None:
    [finding] = detect_object("DaemonSet", make_daemonset(3, 2), NOW)
    assert (finding.reason, finding.severity, finding.namespace) == ("ReplicaShortfall", "warning", "logging")
    assert finding.message == "DaemonSet logging/fluent-bit has 2 of 3 scheduled pods available"
    [critical] = detect_object("DaemonSet", make_daemonset(3, 0), NOW)
    assert critical.severity == "critical"




def test_a_completed_job_has_no_findings() -> None:
    assert detect_object("Job", make_job(failed=False), NOW) == []


def test_a_failed_job_is_critical() -> None:
    [finding] = detect_object("Job", make_job(failed=True), NOW)
    assert (finding.reason, finding.severity) == ("JobFailed", "critical")
    assert finding.message == ("Job batch/nightly-report-29406240 failed after 7 failed pod(s) "
                               "(BackoffLimitExceeded): Job has reached the specified backoff limit")
    assert (finding.group_kind, finding.group_name) == ("Job", "nightly-report-29406240")


def test_the_failed_runs_of_a_cronjob_are_grouped_under_it() -> None:
    [finding] = detect_object("Job", make_job(failed=True, cronjob="nightly-report"), NOW)
    assert (finding.object_kind, finding.object_name) == ("Job", "nightly-report-29406240")
    assert (finding.group_kind, finding.group_name) == ("CronJob", "nightly-report")
    assert finding.labels == {"job": "nightly-report-29406240", "workload_kind": "CronJob",
                              "workload_name": "nightly-report"}
