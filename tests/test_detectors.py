from __future__ import annotations

from typing import Any

from incidents.detectors import detect_pod, workload_of


def make_pod(name: str = "checkout-7d9f8b6c5-x2x9q", *, waiting: str | None = None, last_reason: str | None = None,
             restarts: int = 0, owner: tuple[str, str] | None = ("ReplicaSet", "checkout-7d9f8b6c5")) -> dict[str, Any]:
    state: dict[str, Any] = {"running": {"startedAt": "2026-11-28T10:00:00Z"}}
    if waiting:
        state = {"waiting": {"reason": waiting, "message": "back-off 5m0s restarting failed container"}}
    container: dict[str, Any] = {"name": "app", "image": "shop/checkout:1.4.2", "ready": waiting is None,
                                 "restartCount": restarts, "state": state}
    if last_reason:
        exit_code = 137 if last_reason == "OOMKilled" else 1
        container["lastState"] = {"terminated": {"reason": last_reason, "exitCode": exit_code}}
    labels = {"app": "checkout", "pod-template-hash": "7d9f8b6c5"}
    meta: dict[str, Any] = {"name": name, "namespace": "shop", "labels": labels}
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "apiVersion": "apps/v1", "uid": "u"}]
    status = {"phase": "Running", "containerStatuses": [container]}
    return {"metadata": meta, "spec": {"nodeName": "node-1"}, "status": status}


def test_healthy_pod_has_no_findings() -> None:
    assert detect_pod(make_pod()) == []


def test_crashloop_is_reported_against_the_owning_deployment() -> None:
    [finding] = detect_pod(make_pod(waiting="CrashLoopBackOff", last_reason="Error", restarts=7))
    assert finding.reason == "CrashLoopBackOff"
    assert finding.severity == "critical"
    assert (finding.group_kind, finding.group_name) == ("Deployment", "checkout")
    assert finding.labels["pod"] == "checkout-7d9f8b6c5-x2x9q"
    assert "7 restarts" in finding.message and "exit code 1" in finding.message


def test_oomkilled_crashloop_is_reported_once_as_oomkilled() -> None:
    findings = detect_pod(make_pod(waiting="CrashLoopBackOff", last_reason="OOMKilled", restarts=3))
    assert [f.reason for f in findings] == ["OOMKilled"]


def test_image_pull_backoff_is_a_warning() -> None:
    [finding] = detect_pod(make_pod(waiting="ErrImagePull"))
    assert (finding.reason, finding.severity) == ("ImagePullBackOff", "warning")
    assert "shop/checkout:1.4.2" in finding.message


def test_workload_of_pods_without_deployment() -> None:
    assert workload_of(make_pod(owner=("StatefulSet", "db"))) == ("StatefulSet", "db")
    assert workload_of(make_pod("lonely", owner=None)) == ("Pod", "lonely")
    # A ReplicaSet whose name does not carry the template hash is not guessed into a Deployment.
    assert workload_of(make_pod(owner=("ReplicaSet", "handmade"))) == ("ReplicaSet", "handmade")
