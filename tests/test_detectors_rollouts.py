"""Findings about a Deployment's fresh revision failing carry rollout labels (the rule `deployment-rollback` matches
them); an autoscaler held at its ceiling under load is found. On objects shaped like `kubectl get -o json`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from incidents.detectors import detect_object, detect_snapshot
from tests.kubeobjects import NOW, ago, make_deployment, make_hpa, make_pod, set_condition

pytestmark = pytest.mark.once  # pure functions: not about the database engine

NEW_RS, OLD_RS = "checkout-6b8f9c7d5", "checkout-7d9f8b6c5"


def pod(name: str, replica_set: str, *, minutes: float, crashing: bool = False) -> dict[str, Any]:
    obj = make_pod(f"{replica_set}-{name}", owner=("ReplicaSet", replica_set),
                   waiting="CrashLoopBackOff" if crashing else None, last_reason="Error" if crashing else None,
                   restarts=4 if crashing else 0)
    obj["metadata"]["creationTimestamp"] = ago(minutes)
    obj["metadata"]["labels"]["pod-template-hash"] = replica_set.rsplit("-", 1)[1]
    return obj


def rolled_out(revision: int = 5, replica_set: str = NEW_RS, *, done: bool = True) -> dict[str, Any]:
    """The Deployment after its rollout to `replica_set` (done, or still progressing)."""
    deploy = make_deployment(1, 0 if done else 1)
    deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
    message = f'ReplicaSet "{replica_set}" ' + ("has successfully progressed." if done else "is progressing.")
    return set_condition(deploy, "Progressing", reason="NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
                         message=message, lastUpdateTime=ago(4))


def labels_of(snapshot: dict[str, list[dict[str, Any]]], reason: str = "CrashLoopBackOff") -> dict[str, str]:
    [finding] = [f for f in detect_snapshot(snapshot, NOW) if f.reason == reason]
    return finding.labels


def test_a_crash_loop_of_the_revision_rolled_out_minutes_ago_is_labelled_a_failed_rollout() -> None:
    # The rollout finished (the new pod was ready for a moment), then its pod started to crash.
    labels = labels_of({"Deployment": [rolled_out()], "Pod": [pod("a1", NEW_RS, minutes=6, crashing=True)]})
    assert labels["rollout_revision"] == "5" and labels["rollout_replica_set"] == NEW_RS
    assert labels["workload_name"] == "checkout"


def test_a_stuck_rollout_whose_new_pod_crashes_beside_the_old_serving_one_is_labelled() -> None:
    snapshot = {"Deployment": [rolled_out(done=False)],
                "Pod": [pod("old1", OLD_RS, minutes=3000), pod("a1", NEW_RS, minutes=3, crashing=True)]}
    assert labels_of(snapshot)["rollout_revision"] == "5"


@pytest.mark.parametrize("case", ["first revision", "old revision", "settled long ago", "scale-up", "no deployment",
                                  "unnamed replica set"])
def test_a_crash_loop_that_is_no_fresh_rollout_is_not_labelled(case: str) -> None:
    deploy, pods = rolled_out(), [pod("a1", NEW_RS, minutes=6, crashing=True)]
    if case == "first revision":  # nothing to roll back to: the crash-loop playbook's turn
        deploy = rolled_out(revision=1)
    elif case == "old revision":  # a pod of the older ReplicaSet crashes while the new one rolls out: no
        pods = [pod("old1", OLD_RS, minutes=3000, crashing=True), pod("a1", NEW_RS, minutes=2)]
    elif case == "settled long ago":
        pods = [pod("a1", NEW_RS, minutes=45, crashing=True)]
    elif case == "scale-up":  # a young pod beside an old one of the same revision
        pods = [pod("a0", NEW_RS, minutes=3000), pod("a1", NEW_RS, minutes=2, crashing=True)]
    elif case == "unnamed replica set":  # an emulator's condition that names no ReplicaSet
        set_condition(deploy, "Progressing", message="ReplicaSet is progressing.")
    snapshot = {"Pod": pods} if case == "no deployment" else {"Deployment": [deploy], "Pod": pods}
    crashing = [f for f in detect_snapshot(snapshot, NOW) if f.reason == "CrashLoopBackOff"]
    assert crashing and all("rollout_revision" not in f.labels for f in crashing)


def test_a_shortfall_past_the_deadline_of_a_fresh_rollout_is_labelled() -> None:
    # Readiness never passes: nothing crashes, the rollout times out with the old pod still serving.
    deploy = set_condition(make_deployment(2, 1), "Progressing", status="False", reason="ProgressDeadlineExceeded",
                           message=f'ReplicaSet "{NEW_RS}" has timed out progressing.')
    deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2"
    snapshot = {"Deployment": [deploy], "Pod": [pod("old1", OLD_RS, minutes=3000), pod("a1", NEW_RS, minutes=12)]}
    assert labels_of(snapshot, "ReplicaShortfall")["rollout_revision"] == "2"
    snapshot["Pod"][1]["metadata"]["creationTimestamp"] = ago(300)  # the same, five hours on: a plain shortfall
    assert "rollout_revision" not in labels_of(snapshot, "ReplicaShortfall")


def test_the_labels_survive_the_projection_detection_reads_through() -> None:
    from tests.test_projection import projected

    snapshot = {"Deployment": [rolled_out()], "Pod": [pod("a1", NEW_RS, minutes=6, crashing=True)]}
    assert labels_of({kind: projected(kind, objs) for kind, objs in snapshot.items()}) == labels_of(snapshot)


# --- Autoscalers --------------------------------------------------------------------------------


def test_an_autoscaler_at_its_maximum_that_would_scale_further_is_maxed_out() -> None:
    [finding] = detect_object("HorizontalPodAutoscaler", make_hpa(), NOW)
    assert (finding.reason, finding.severity, finding.object_kind) == ("HPAMaxedOut", "warning",
                                                                        "HorizontalPodAutoscaler")
    assert (finding.group_kind, finding.group_name) == ("Deployment", "web")  # the workload's incident
    assert finding.labels == {"hpa": "web-hpa", "workload_kind": "Deployment", "workload_name": "web",
                              "min_replicas": "2", "max_replicas": "4", "current_replicas": "4"}
    assert finding.message == ("HorizontalPodAutoscaler shop/web-hpa holds Deployment web at its maximum of 4 "
                               "replicas and would scale further: cpu at 135% of requests (target 60%)")


@pytest.mark.parametrize("hpa", [
    make_hpa(current=3),  # below its maximum: it can still scale
    make_hpa(limited="False", reason="DesiredWithinRange"),  # at the maximum, and the load fits
    make_hpa(reason="TooFewReplicas"),  # held at its minimum: no load
], ids=["below the maximum", "load fits", "held at the minimum"])
def test_an_autoscaler_not_held_back_under_load_is_fine(hpa: dict[str, Any]) -> None:
    assert detect_object("HorizontalPodAutoscaler", hpa, NOW) == []


def test_an_autoscaler_projected_as_detection_reads_it_finds_the_same() -> None:
    from tests.test_projection import projected

    hpa = make_hpa()
    whole = detect_object("HorizontalPodAutoscaler", copy.deepcopy(hpa), NOW)
    assert detect_object("HorizontalPodAutoscaler", projected("HorizontalPodAutoscaler", [hpa])[0], NOW) == whole


@pytest.mark.django_db(transaction=True)
def test_the_watcher_labels_a_fresh_revisions_crash_loop_from_the_objects_it_holds() -> None:
    from datetime import UTC, datetime, timedelta

    from incidents.models import ClusterEvent
    from incidents.watcher import ClusterWatch, WatchSettings
    from tests.factories import make_cluster

    watch = ClusterWatch(make_cluster("watched"), WatchSettings())  # not started: the test plays the streams
    crashing = pod("a1", NEW_RS, minutes=0, crashing=True)
    # The watcher judges at the wall clock's now: the pod was created six minutes before it.
    crashing["metadata"]["creationTimestamp"] = (datetime.now(UTC) - timedelta(minutes=6)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    watch.observe("Deployment", {("Deployment", "shop", "checkout"): rolled_out()}, resource_version="1", relist=True)
    watch.observe("Pod", {("Pod", "shop", crashing["metadata"]["name"]): crashing}, resource_version="2",
                  relist=True)
    event = ClusterEvent.objects.get(reason="CrashLoopBackOff")
    assert (event.labels["rollout_revision"], event.labels["rollout_replica_set"]) == ("5", NEW_RS)
