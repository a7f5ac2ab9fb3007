"""The poll, end to end over HTTP: the official client lists every kind from kmock's Kubernetes emulator,
the detectors judge the objects, and the transitions land in the database.

kmock serves on the test's event loop: the (blocking) poll and the ORM run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from structlog.testing import capture_logs

from incidents import kube
from incidents.detection import poll_cluster
from incidents.models import Cluster, ClusterEvent, Signal
from simcluster.server import write_kubeconfig
from tests.factories import make_cluster
from tests.threads import in_thread

T = TypeVar("T")
HASH = "5d4f8"  # pod-template-hash: the pod belongs to ReplicaSet checkout-5d4f8 of Deployment checkout
# Every kind the poll lists: declared, so that a kind with no objects lists empty instead of answering 404.
RESOURCES = {
    "v1/pods": ("Pod", True), "v1/nodes": ("Node", False), "v1/events": ("Event", True),
    "apps/v1/deployments": ("Deployment", True), "apps/v1/statefulsets": ("StatefulSet", True),
    "apps/v1/daemonsets": ("DaemonSet", True), "batch/v1/jobs": ("Job", True),
}
POD = ("v1/pods", "shop", f"checkout-{HASH}-a")
NODE = ("v1/nodes", None, "node-2")
JOB = ("batch/v1/jobs", "batch", "nightly-report-29406240")
BACKOFF = ("v1/events", "shop", f"checkout-{HASH}-a.187c3a5f0d1b2e4a")
PULLED = ("v1/events", "shop", f"checkout-{HASH}-a.187c3a5f0d1b0001")

pytestmark = [pytest.mark.django_db(transaction=True)]


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(state: str) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "example/checkout:1", "restartCount": 6,
                                 "containerID": "containerd://4f1e", "imageID": "example/checkout@sha256:ab12"}
    if state == "crashloop":
        container |= {"ready": False, "started": False,
                      "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": stamp(),
                                                   "finishedAt": stamp()}},
                      "state": {"waiting": {"reason": "CrashLoopBackOff",
                                            "message": "back-off 2m40s restarting failed container=app"}}}
    else:
        container |= {"ready": True, "started": True, "lastState": {}, "state": {"running": {"startedAt": stamp()}}}
    ready = "True" if state == "running" else "False"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": POD[2], "namespace": "shop", "uid": "0b1c7a52-pod", "creationTimestamp": stamp(),
            "labels": {"app": "checkout", "pod-template-hash": HASH},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"checkout-{HASH}",
                                 "uid": "0b1c7a52-rs", "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "example/checkout:1"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": ready, "lastProbeTime": None, "lastTransitionTime": stamp()},
                           {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                            "lastTransitionTime": stamp()}],
            "hostIP": "172.18.0.3", "podIP": "10.244.1.17", "startTime": stamp(), "qosClass": "BestEffort",
            "containerStatuses": [container],
        },
    }


def node(name: str, ready: bool) -> dict[str, Any]:
    def cond(type_: str, status: str, reason: str, message: str) -> dict[str, Any]:
        return {"type": type_, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": stamp(), "lastTransitionTime": stamp()}

    unknown = "False" if ready else "Unknown"
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "uid": f"{name}-uid", "labels": {"kubernetes.io/hostname": name}},
        "spec": {"podCIDR": "10.244.2.0/24"},
        "status": {"conditions": [
            cond("MemoryPressure", unknown, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", unknown, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", unknown, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status") if ready else
            cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
        ]},
    }


def failed_job() -> dict[str, Any]:
    failed = {"status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff "
              "limit", "lastProbeTime": stamp(), "lastTransitionTime": stamp()}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": JOB[2], "namespace": "batch", "uid": "job-uid",
                     "labels": {"job-name": JOB[2]}},
        "spec": {"backoffLimit": 6, "completions": 1, "parallelism": 1,
                 "template": {"spec": {"restartPolicy": "Never",
                                       "containers": [{"name": "report", "image": "example/report:2"}]}}},
        "status": {"failed": 7, "startTime": stamp(), "uncountedTerminatedPods": {},
                   "conditions": [{"type": "FailureTarget", **failed}, {"type": "Failed", **failed}]},
    }


def event(key: tuple[str, str, str], type_: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": key[2], "namespace": "shop", "uid": f"{key[2]}-uid", "creationTimestamp": stamp()},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": POD[2], "namespace": "shop",
                           "uid": "0b1c7a52-pod", "fieldPath": "spec.containers{app}"},
        "reason": reason, "message": message, "type": type_, "count": 9,
        "firstTimestamp": stamp(), "lastTimestamp": stamp(),
        "source": {"component": "kubelet", "host": "node-1"}, "reportingComponent": "kubelet",
        "reportingInstance": "node-1",
    }


def poll(cluster: Cluster) -> Callable[[], list[tuple[str, str, str]]]:
    def run() -> list[tuple[str, str, str]]:
        return sorted((e.status, e.reason, e.object_name) for e in poll_cluster(cluster.pk))

    return run


def serve_failures(api: Any) -> None:
    api.objects[POD] = pod("crashloop")
    api.objects["v1/nodes", None, "node-1"] = node("node-1", ready=True)
    api.objects[NODE] = node("node-2", ready=False)
    api.objects[JOB] = failed_job()
    api.objects[BACKOFF] = event(BACKOFF, "Warning", "BackOff",
                                 f"Back-off restarting failed container app in pod {POD[2]}_shop(0b1c7a52-pod)")
    api.objects[PULLED] = event(PULLED, "Normal", "Pulled", 'Container image "example/checkout:1" already present')


FIRING = [
    ("firing", "BackOff", POD[2]),
    ("firing", "CrashLoopBackOff", POD[2]),
    ("firing", "JobFailed", JOB[2]),
    ("firing", "NodeNotReady", "node-2"),
]


@pytest.fixture
async def cluster(kmock: Any, tmp_path: Path) -> Cluster:
    for resource, (kind, namespaced) in RESOURCES.items():
        kmock.resources[resource] = kmock.ResourceInfo(kind=kind, namespaced=namespaced, verbs=["list"])
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(kubeconfig, str(kmock.url).rstrip("/"))
    return await in_thread(lambda: make_cluster("kmock", kubeconfig_path=str(kubeconfig)))


async def test_a_poll_records_what_fails_and_the_next_poll_resolves_what_healed(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    crashloop = await in_thread(lambda: ClusterEvent.objects.get(reason="CrashLoopBackOff"))
    assert (crashloop.namespace, crashloop.labels["workload_name"], crashloop.severity) == ("shop", "checkout",
                                                                                            "critical")
    backoff = await in_thread(lambda: ClusterEvent.objects.get(reason="BackOff"))
    assert (backoff.severity, backoff.labels["container"], backoff.labels["count"]) == ("warning", "app", "9")
    # Each kind was listed once, across all namespaces, and events with the Warning field selector.
    lists = [request for request in kmock if request.method == "GET"]
    assert sorted(request.url.path for request in lists) == sorted([
        "/api/v1/pods", "/api/v1/nodes", "/api/v1/events", "/apis/apps/v1/deployments",
        "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets", "/apis/batch/v1/jobs",
    ])
    [events_list] = [request for request in lists if request.url.path == "/api/v1/events"]
    assert events_list.params.get("fieldSelector") == "type=Warning"

    assert await in_thread(poll(cluster)) == []  # nothing changed: nothing recorded

    kmock.objects[POD] = pod("running")
    kmock.objects[NODE] = node("node-2", ready=True)
    for resource, namespace, name in (JOB, BACKOFF):  # a failed job is deleted; events expire
        async with kmock.request("delete", f"/apis/batch/v1/namespaces/{namespace}/jobs/{name}"
                                 if resource == JOB[0] else f"/api/v1/namespaces/{namespace}/events/{name}") as r:
            assert r.status == 200, await r.text()

    assert await in_thread(poll(cluster)) == [("resolved", reason, name) for _, reason, name in FIRING]
    assert await in_thread(lambda: set(Signal.objects.values_list("status", flat=True))) == {"resolved"}
    refreshed = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk))
    assert refreshed.last_polled_at is not None and refreshed.last_poll_error == ""



async def test_the_snapshot_holds_every_kind_and_warning_events_only(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)  # kmock ignores field selectors: the Normal event comes back, and is dropped

    def snapshot() -> dict[str, list[dict[str, Any]]]:
        with kube.api_client_for(cluster) as api:
            return kube.list_snapshot(api)

    listed = await in_thread(snapshot)
    assert {kind: [obj["metadata"]["name"] for obj in objs] for kind, objs in listed.items()} == {
        "Pod": [POD[2]], "Node": ["node-1", "node-2"], "Event": [BACKOFF[2]], "Deployment": [], "StatefulSet": [],
        "DaemonSet": [], "Job": [JOB[2]],
    }

@pytest.mark.parametrize(("answer", "error"), [
    (500, "listing pods failed: HTTP 500"),
    (b"<html><body>502 Bad Gateway</body></html>", "listing pods failed: the API server answered something that is "
                                                   "not a list of Pod: JSON is malformed"),
    ({"kind": "Status", "status": "Failure"}, "listing pods failed: the API server answered something that is not"),
    ({"kind": "PodList", "items": ["garbage"]}, "listing pods failed: the API server answered something that is not "
                                                "a list of Pod: Expected `object`, got `str` - at `$.items[0]`"),
])
async def test_an_api_server_answering_errors_or_garbage_keeps_the_signals(kmock: Any, cluster: Cluster,
                                                                          answer: Any, error: str) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    kmock[kmock.action.LIST, kmock.resource("v1/pods")] << answer
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == []  # does not raise, records no resolution
    refreshed = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk))
    assert refreshed.last_poll_error.startswith(error), refreshed.last_poll_error
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["poll_failed"]
    assert await in_thread(lambda: list(Signal.objects.values_list("status", flat=True))) == ["firing"] * 4
    assert await in_thread(lambda: ClusterEvent.objects.filter(status="resolved").count()) == 0


async def test_a_kind_the_server_does_not_serve_lists_as_empty(kmock: Any, cluster: Cluster) -> None:
    del kmock.resources["apps/v1/daemonsets"]
    serve_failures(kmock)
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == FIRING
    assert {"event": "kind_not_served", "kind": "DaemonSet", "status": 404, "log_level": "warning"} in logs
    assert await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error) == ""


async def test_a_server_that_does_not_serve_a_core_kind_is_not_a_kubernetes_api(kmock: Any,
                                                                                cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    kmock.objects.clear()  # nodes are no longer declared by their objects either
    del kmock.resources["v1/nodes"]
    kmock.objects[POD] = pod("running")
    assert await in_thread(poll(cluster)) == []  # no resolution: the answer is not trusted
    error = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error)
    assert error.startswith("listing nodes failed: HTTP 404"), error


async def test_an_unreachable_api_server_is_recorded_as_the_poll_error(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(kubeconfig, "http://127.0.0.1:9")  # discard port: nothing listens
    cluster = await in_thread(lambda: make_cluster("gone", kubeconfig_path=str(kubeconfig)))
    assert await in_thread(poll(cluster)) == []
    error = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error)
    assert error.startswith("listing pods failed: MaxRetryError"), error


async def test_a_cluster_named_by_secret_reads_its_kubeconfig_from_the_secrets_dir(
        kmock: Any, tmp_path: Path, settings: Any) -> None:
    for resource, (kind, namespaced) in RESOURCES.items():
        kmock.resources[resource] = kmock.ResourceInfo(kind=kind, namespaced=namespaced, verbs=["list"])
    settings.SECRETS_DIR = tmp_path / "secrets"
    settings.SECRETS_DIR.mkdir()
    write_kubeconfig(settings.SECRETS_DIR / "prod-kubeconfig", str(kmock.url).rstrip("/"))
    cluster = await in_thread(lambda: make_cluster("prod", kubeconfig_path="", kubeconfig_secret="prod-kubeconfig"))
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
