"""The poll, end to end over HTTP: the official client lists every kind from kmock's Kubernetes emulator,
the detectors judge the objects, and the transitions land in the database.

kmock serves on the test's event loop: the (blocking) poll and the ORM run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import kmock
import pytest
from structlog.testing import capture_logs

from incidents import kube
from incidents.detection import poll_cluster
from incidents.models import Cluster, ClusterEvent, DetectionProblem, Signal
from simcluster.server import write_kubeconfig
from tests.factories import make_cluster
from tests.kmocks import HASH, declare_kinds, kubeconfig_for
from tests.threads import in_thread

T = TypeVar("T")
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
    declare_kinds(kmock, "list")
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")
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
        "/apis/autoscaling/v2/horizontalpodautoscalers",
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
            listed, failures = kube.list_snapshot(api)
        assert failures == {}
        return listed

    listed = await in_thread(snapshot)
    assert {kind: [obj["metadata"]["name"] for obj in objs] for kind, objs in listed.items()} == {
        "Pod": [POD[2]], "Node": ["node-1", "node-2"], "Event": [BACKOFF[2]], "Deployment": [], "StatefulSet": [],
        "DaemonSet": [], "Job": [JOB[2]], "HorizontalPodAutoscaler": [],
    }

@pytest.mark.parametrize(("answer", "problem", "detail"), [
    (kmock.Response(status=500, payload=b""), "the API server failed to list pods (HTTP 500", "HTTP 500"),
    (kmock.Response(status=403, payload={
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
        "message": 'pods is forbidden: User "system:serviceaccount:aiops:aiops" cannot list resource "pods" in API '
                   'group "" at the cluster scope'}),
     "forbidden: list pods at the cluster scope (HTTP 403)", 'pods is forbidden: User "system:serviceaccount'),
    (kmock.Response(status=429, payload=b""), "throttled: list pods (HTTP 429)", "HTTP 429"),
    (b"<html><body>502 Bad Gateway</body></html>", "the answer to list pods is not a list of Pod",
     "list pods: JSON is malformed"),
    ({"kind": "Status", "status": "Failure"}, "the answer to list pods is not a list of Pod", "list pods: "),
    ({"kind": "PodList", "items": ["garbage"]}, "the answer to list pods is not a list of Pod",
     "list pods: Expected `object`, got `str` - at `$.items[0]`"),
])
async def test_one_kind_answering_errors_or_garbage_fails_alone_and_keeps_its_signals(
        kmock: Any, cluster: Cluster, answer: Any, problem: str, detail: str) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    failing = True  # None: kmock answers as the emulator it is
    kmock[kmock.action.LIST, kmock.resource("v1/pods")] << (lambda: answer if failing else None)
    kmock.objects[NODE] = node("node-2", ready=True)  # the nodes are still read: this one healed
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == [("resolved", "NodeNotReady", "node-2")]
        assert await in_thread(poll(cluster)) == []  # the same failure again says nothing new
    [unreadable] = await in_thread(lambda: list(DetectionProblem.objects.filter(cluster=cluster)))
    assert (unreadable.kind, unreadable.reporter) == ("Pod", "poll")
    assert unreadable.summary.startswith(problem), unreadable.summary
    assert unreadable.detail.startswith(detail), unreadable.detail
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["detection_kind_unreadable"]
    # What was judged from the pods (the crash loop, the BackOff event about the pod) is kept as it was.
    firing = await in_thread(lambda: sorted(Signal.objects.firing().values_list("fingerprint", flat=True)))
    assert await in_thread(lambda: sorted(ClusterEvent.objects.filter(fingerprint__in=firing)
                                          .values_list("reason", flat=True))) == ["BackOff", "CrashLoopBackOff",
                                                                                  "JobFailed"]
    assert await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error) == ""


async def test_a_kind_readable_again_is_judged_again_and_its_problem_ends(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    failing = True  # None: kmock answers as the emulator it is
    kmock[kmock.action.LIST, kmock.resource("v1/pods")] << (lambda: b"<html>502</html>" if failing else None)
    kmock.objects[POD] = pod("running")
    assert await in_thread(poll(cluster)) == []  # the pod healed, unseen
    assert await in_thread(lambda: DetectionProblem.objects.filter(cluster=cluster).count()) == 1

    failing = False
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == [("resolved", "CrashLoopBackOff", POD[2])]
    assert await in_thread(lambda: DetectionProblem.objects.filter(cluster=cluster).exists()) is False
    assert [entry["event"] for entry in logs if entry["event"].startswith("detection")] == ["detection_kind_readable"]


async def test_a_kind_the_server_does_not_serve_lists_as_empty(kmock: Any, cluster: Cluster) -> None:
    del kmock.resources["apps/v1/daemonsets"]
    serve_failures(kmock)
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == FIRING
    assert {"event": "kind_not_served", "kind": "DaemonSet", "status": 404, "log_level": "info"} in logs
    assert await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error) == ""


async def test_a_core_kind_not_found_is_unreadable_not_empty(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    del kmock.objects[NODE], kmock.objects["v1/nodes", None, "node-1"]
    del kmock.resources["v1/nodes"]
    assert await in_thread(poll(cluster)) == []  # every node "gone" would resolve NodeNotReady: not trusted
    problem = await in_thread(lambda: DetectionProblem.objects.get(cluster=cluster))
    assert (problem.kind, problem.summary) == ("Node", "not found: list nodes (HTTP 404)")


async def test_an_api_server_refusing_every_kind_is_a_poll_error(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING
    kmock[kmock.action.LIST] << 401
    with capture_logs() as logs:
        assert await in_thread(poll(cluster)) == []
        assert await in_thread(poll(cluster)) == []
    error = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error)
    assert error.startswith("no kind could be read; Pod: unauthorized: the API server refused the credentials"), error
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["poll_failed"]  # once
    assert await in_thread(lambda: ClusterEvent.objects.filter(status="resolved").count()) == 0


async def test_an_unreachable_api_server_is_recorded_as_the_poll_error(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(kubeconfig, "http://127.0.0.1:9")  # discard port: nothing listens
    cluster = await in_thread(lambda: make_cluster("gone", kubeconfig_path=str(kubeconfig)))
    assert await in_thread(poll(cluster)) == []
    error = await in_thread(lambda: Cluster.objects.get(pk=cluster.pk).last_poll_error)
    assert error.startswith("listing pods failed: NewConnectionError"), error


async def test_a_cluster_named_by_secret_reads_its_kubeconfig_from_the_secrets_dir(
        kmock: Any, tmp_path: Path, settings: Any) -> None:
    declare_kinds(kmock, "list")
    settings.SECRETS_DIR = tmp_path / "secrets"
    settings.SECRETS_DIR.mkdir()
    kubeconfig_for(kmock, settings.SECRETS_DIR / "prod-kubeconfig")
    cluster = await in_thread(lambda: make_cluster("prod", kubeconfig_path="", kubeconfig_secret="prod-kubeconfig"))
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING


async def test_a_poll_that_finds_nothing_new_leaves_the_cluster_row_alone(kmock: Any, cluster: Cluster) -> None:
    serve_failures(kmock)
    assert await in_thread(poll(cluster)) == FIRING

    def polled() -> tuple[datetime | None, str]:
        row = Cluster.objects.get(pk=cluster.pk)
        return row.last_polled_at, row.last_poll_error

    first = await in_thread(polled)
    assert await in_thread(poll(cluster)) == []
    assert await in_thread(polled) == first  # the same outcome, stamped recently: not written again
    kmock[kmock.action.LIST] << 401
    assert await in_thread(poll(cluster)) == []
    stamp_after_failure, error = await in_thread(polled)
    assert error and stamp_after_failure != first[0]  # a changed outcome is written at once
    # An old stamp is renewed by the next poll, even when its outcome is the same.
    await in_thread(lambda: Cluster.objects.filter(pk=cluster.pk).update(
        last_polled_at=datetime(2020, 1, 1, tzinfo=UTC)))
    assert await in_thread(poll(cluster)) == []
    assert (await in_thread(polled))[0] != datetime(2020, 1, 1, tzinfo=UTC)
