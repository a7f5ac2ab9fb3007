"""Detection decodes list bodies projected to the fields detectors read (incidents/kube.py). Every
detector must find the same on a projected object as on the whole one: a detector that starts reading
a field the projection drops fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from incidents import kube
from incidents.detectors import DETECTORS, detect_object, detect_snapshot
from tests.kubeobjects import (
    NOW,
    ago,
    changed,
    finished_pod,
    make_daemonset,
    make_deployment,
    make_event,
    make_hpa,
    make_job,
    make_node,
    make_pod,
    make_statefulset,
    not_ready_pod,
    restarted_pod,
    set_condition,
)


def failing_objects() -> dict[str, list[dict[str, Any]]]:
    """At least one object per detector that makes it fire, and healthy ones beside them."""
    evicted = make_pod("checkout-7d9f8b6c5-ev1ct")
    evicted["status"] |= {"phase": "Failed", "reason": "Evicted", "message": "The node was low on memory."}
    unschedulable = make_pod("checkout-7d9f8b6c5-pend1")
    unschedulable["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available"}]}
    init_crash = make_pod("checkout-7d9f8b6c5-init1")
    init_crash["status"]["initContainerStatuses"] = [
        {"name": "migrate", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]
    pods = [
        make_pod(), make_pod("a-1", waiting="CrashLoopBackOff", last_reason="Error", restarts=7),
        make_pod("a-2", waiting="CrashLoopBackOff", last_reason="OOMKilled", restarts=3),
        make_pod("a-3", waiting="ImagePullBackOff"), make_pod("a-4", waiting="ErrImagePull"),
        make_pod("a-5", waiting="CreateContainerConfigError", waiting_message='secret "db" not found'),
        make_pod("a-6", owner=("StatefulSet", "db"), waiting="CrashLoopBackOff", restarts=2),
        not_ready_pod(12), evicted, unschedulable, init_crash, restarted_pod(5, 2), finished_pod(),
    ]
    for pod in pods:  # what list calls return beside what detectors read
        pod["metadata"]["managedFields"] = [{"manager": "kubelet", "fieldsV1": {"f:status": {}}}]
        pod["spec"]["containers"] = [{"name": "app", "image": "shop/checkout:1.4.2", "env": [{"name": "A"}]}]
    pressured = set_condition(make_node("node-3"), "DiskPressure", status="True", message="disk is 92% full")
    not_ready = set_condition(make_node("node-4"), "Ready", status="Unknown", reason="NodeStatusUnknown")
    stale_event = make_event("Unhealthy", message="Readiness probe failed")
    stale_event["lastTimestamp"] = ago(40)
    series_event = make_event("BackOff", name="a-1", message="Back-off restarting failed container")
    series_event |= {"count": None, "lastTimestamp": None, "series": {"count": 7, "lastObservedTime": ago(1)}}
    return {
        "Pod": pods,
        "Node": [make_node(), pressured, not_ready],
        "Deployment": [make_deployment(), make_deployment(3, 1), make_deployment(3, 0)],
        # Settled long ago, or changed a minute ago (a rollout in progress): the times come from managedFields.
        "StatefulSet": [make_statefulset(), make_statefulset(3, 1), changed(make_statefulset(3, 1), 90, ("", 1))],
        "DaemonSet": [make_daemonset(), make_daemonset(3, 2), changed(make_daemonset(3, 2), 90, ("status", 1))],
        "Job": [make_job(failed=False), make_job(failed=True), make_job(failed=True, cronjob="nightly-report")],
        "HorizontalPodAutoscaler": [make_hpa(current=3), make_hpa()],
        "Event": [make_event(), make_event("FailedScheduling", kind="Pod", name="checkout-7d9f8b6c5-pend1"),
                  make_event("FailedMount", kind="Node", name="node-3"), stale_event, series_event],
    }


def projected(kind: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = json.dumps({"kind": f"{kind}List", "apiVersion": "v1", "metadata": {"resourceVersion": "9"},
                       "items": objects}).encode()
    return kube.decode_list(kind, body)["items"]


@pytest.mark.parametrize("kind", sorted(DETECTORS))
def test_every_detector_finds_the_same_on_projected_objects(kind: str) -> None:
    objects = failing_objects()[kind]
    whole = [detect_object(kind, obj, NOW) for obj in objects]
    assert any(whole), f"the {kind} fixtures make no detector fire"
    assert [detect_object(kind, obj, NOW) for obj in projected(kind, objects)] == whole


def test_every_detector_fires_on_the_fixtures() -> None:
    objects = failing_objects()
    fired = {(f.object_kind if kind != "Event" else "Event", f.reason)
             for kind, items in objects.items() for obj in items for f in detect_object(kind, obj, NOW)}
    reasons = {reason for _, reason in fired}
    assert reasons >= {"CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "CreateContainerConfigError",
                       "Unschedulable", "Evicted", "ContainerNotReady", "NodeNotReady", "DiskPressure",
                       "ReplicaShortfall", "JobFailed", "FailedMount", "FailedScheduling", "BackOff",
                       "FrequentRestarts", "PodFailed", "HPAMaxedOut"}


def test_a_whole_projected_snapshot_finds_the_same() -> None:
    objects = failing_objects()
    assert detect_snapshot({k: projected(k, v) for k, v in objects.items()}, NOW) == detect_snapshot(objects, NOW)


def test_projection_drops_what_no_detector_reads() -> None:
    [pod] = projected("Pod", [failing_objects()["Pod"][0]])
    assert "managedFields" not in pod["metadata"] and pod["spec"] == {"nodeName": "node-1"}


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"items": {}}', b'{"items": [1]}', b'{"metadata": {}}',
                                  b'{"items": [{"metadata": {"name": 5}}]}'])
def test_a_body_that_is_not_a_list_of_that_kind_is_refused(body: bytes) -> None:
    with pytest.raises(kube.Undecodable):
        kube.decode_list("Pod", body)


def test_every_bookmark_a_real_api_server_sends_decodes() -> None:
    lines = (Path(__file__).parent / "fixtures" / "realkube" / "bookmarks.jsonl").read_bytes().splitlines()
    kinds = set()
    for line in lines:  # captured from kube-apiserver v1.28.0: "creationTimestamp": null, "containers": null
        event = kube.decode_watch_event(json.loads(line)["object"]["kind"], line)
        assert event["type"] == "BOOKMARK" and event["object"]["metadata"]["resourceVersion"]
        kinds.add(event["object"]["kind"])
    assert kinds == set(kube.PROJECTIONS) - {"Event"}  # events are not in the watch cache: no bookmarks


def test_a_watch_error_event_keeps_its_status_fields() -> None:
    line = (b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
            b'"message":"too old resource version: 5 (90)","reason":"Expired","code":410}}')
    event = kube.decode_watch_event("Pod", line)
    assert event["type"] == "ERROR" and event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"
