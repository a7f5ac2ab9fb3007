"""Detection on a real kube-apiserver (v1.28, with the real controller manager and scheduler; tests/realkube.py).

What an emulator hides: BOOKMARK objects as the API server sends them, 410 after an etcd compaction, an API
server restart, RBAC that refuses one kind, controllers that mark a scale-up unavailable for a while. The
watcher runs in this process (its threads), the poll is called directly; both record into the test database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from structlog.testing import capture_logs

from incidents.detection import poll_cluster
from incidents.models import Cluster, ClusterEvent, DetectionProblem, Signal
from incidents.watcher import ClusterWatch, Watcher, WatchSettings
from tests.factories import make_cluster, make_user
from tests.helpers import eventually
from tests.kubetools import unique
from tests.realkube import RealKube

pytestmark = pytest.mark.django_db(transaction=True)
QUICK = WatchSettings(backoff_base=0.2, backoff_cap=2.0, resync_seconds=1.0, stop_timeout=15)


def history(namespace: str = "", node: str = "") -> list[tuple[str, str, str]]:
    """(reason, status, workload or node) of every event recorded about a namespace or a node, in order."""
    events = ClusterEvent.objects.order_by("id")
    events = events.filter(namespace=namespace) if namespace else events.filter(labels__node=node, namespace="")
    return [(e.reason, e.status, e.labels.get("workload_name") or e.labels.get("node") or e.object_name)
            for e in events]


@pytest.fixture
def cluster(realkube: RealKube) -> Cluster:
    return make_cluster(unique("real"), kubeconfig_path=str(realkube.kubeconfig))


@pytest.fixture
def watching(cluster: Cluster) -> Iterator[Callable[[], ClusterWatch]]:
    """Start the watcher on the cluster when called; stopped (every thread) after the test."""
    watcher = Watcher([cluster.name], settings=QUICK)

    def start() -> ClusterWatch:
        watcher.refresh()
        watch = watcher.get(cluster.name)
        assert watch is not None
        return watch

    yield start
    assert watcher.stop(), "every watch thread stops"


def listed(watch: ClusterWatch, *kinds: str) -> bool:
    return all(kind in watch.complete for kind in kinds)


def two_more_resyncs(watch: ClusterWatch) -> None:
    """Until the watch's resync thread has judged everything again twice (its loop calls `watch.resync()`)."""
    resync, done = watch.resync, []

    def counted() -> None:
        resync()
        done.append(True)

    watch.resync = counted  # type: ignore[method-assign]
    try:
        eventually(lambda: len(done) >= 2, "two resyncs", timeout=30)
    finally:
        del watch.resync  # the method again


def grant(realkube: RealKube, name: str, namespace: str, rules: str) -> None:
    """A ClusterRole with these rules (YAML list items), bound to the ServiceAccount `name` in `namespace`."""
    realkube.kubectl("apply", "-f", "-", stdin=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: {name}}}
rules:
{rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: {name}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {name}}}
subjects: [{{kind: ServiceAccount, name: {name}, namespace: {namespace}}}]
""")


READ_CORE = "- {apiGroups: [''], resources: [nodes, events], verbs: [list, watch]}"
READ_PODS = "- {apiGroups: [''], resources: [pods], verbs: [list, watch]}"
READ_APPS = ("- {apiGroups: [apps], resources: [deployments, statefulsets, daemonsets], verbs: [list, watch]}\n"
             "- {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: [list, watch]}")
READ_JOBS = "- {apiGroups: [batch], resources: [jobs], verbs: [list, watch]}"


def service_account(realkube: RealKube, tmp_path: Path, name: str, *rules: str) -> Path:
    realkube.kubectl("create", "namespace", name)
    realkube.kubectl("create", "serviceaccount", name, "-n", name)
    grant(realkube, name, name, "\n".join(rules))
    return realkube.service_account_kubeconfig(name, name, tmp_path / f"{name}.kubeconfig")


@pytest.mark.once  # not about the database engine: one CI pass
def test_events_listed_before_pods_resolve_nothing_they_could_not_judge(
        realkube: RealKube, cluster: Cluster, watching: Callable[[], ClusterWatch], tmp_path: Path) -> None:
    """The start-up race made certain: the watcher may read events but not pods until the permission comes."""
    ns, node = unique("race"), unique("node")
    realkube.sim("node", node)
    realkube.sim("deploy", ns, "checkout", "--node", node)
    realkube.sim("pods", ns, "checkout", "crashloop", "--restarts", "4", "--node", node)
    pod = realkube.get(f"/api/v1/namespaces/{ns}/pods?labelSelector=app%3Dcheckout")["items"][0]["metadata"]["name"]
    realkube.sim("event", ns, pod, "BackOff", "Back-off restarting failed container app")
    poll_cluster(cluster.pk)  # what a poll with every right recorded before the watcher started
    before = history(ns)
    assert sorted(before) == [("BackOff", "firing", "checkout"), ("CrashLoopBackOff", "firing", "checkout")]

    account = unique("reader")
    Cluster.objects.filter(pk=cluster.pk).update(
        kubeconfig_path=str(service_account(realkube, tmp_path, account, READ_CORE, READ_APPS, READ_JOBS)))
    watch = watching()
    eventually(lambda: listed(watch, "Event", "Node", "Job"), "the events listed")
    problem = eventually(lambda: DetectionProblem.objects.filter(cluster=cluster, kind="Pod").first(),
                         "the pods refused")
    assert problem.summary == "forbidden: list pods at the cluster scope (HTTP 403)"
    assert "Pod" not in watch.complete

    grant(realkube, account, account, "\n".join([READ_CORE, READ_PODS, READ_APPS, READ_JOBS]))
    eventually(lambda: listed(watch, "Pod"), "the pods listed once allowed")
    eventually(lambda: not DetectionProblem.objects.filter(cluster=cluster).exists(), "the problem ended")
    two_more_resyncs(watch)  # they judge everything again meanwhile
    assert history(ns) == before, "no transition from the partial view: nothing resolved, nothing fired twice"
    fingerprints = set(ClusterEvent.objects.filter(namespace=ns).values_list("fingerprint", flat=True))
    assert all(watch.producers(fp) for fp in fingerprints), "the watcher holds both as its own"


@pytest.mark.once  # not about the database engine: one CI pass
def test_a_scale_up_and_new_workloads_in_progress_are_not_a_shortfall(
        realkube: RealKube, cluster: Cluster, watching: Callable[[], ClusterWatch]) -> None:
    ns, node = unique("rollout"), unique("node")
    realkube.sim("node", node)
    realkube.sim("deploy", ns, "web", "--replicas", "2", "--node", node)
    realkube.sim("pods", ns, "web", "running", "--node", node)
    eventually(lambda: (realkube.get(f"/apis/apps/v1/namespaces/{ns}/deployments/web")
                        .get("status") or {}).get("availableReplicas") == 2, "web available")
    watch = watching()
    eventually(lambda: listed(watch, *watch.streams), "every kind listed")

    realkube.kubectl("scale", "deployment/web", "-n", ns, "--replicas", "3")  # the new pod never runs here
    eventually(lambda: any(
        c["type"] == "Available" and c["status"] == "False" for c in (
            realkube.get(f"/apis/apps/v1/namespaces/{ns}/deployments/web").get("status") or {}).get("conditions", [])),
        "the controller marking the scale-up unavailable")
    realkube.kubectl("apply", "-n", ns, "-f", "-", stdin=f"""
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db}}
spec:
  serviceName: db
  replicas: 1
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec: {{containers: [{{name: db, image: registry.invalid/db:1}}], nodeName: {node}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec: {{containers: [{{name: agent, image: registry.invalid/agent:1}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: stuck}}
spec:
  progressDeadlineSeconds: 2
  replicas: 1
  selector: {{matchLabels: {{app: stuck}}}}
  template:
    metadata: {{labels: {{app: stuck}}}}
    spec: {{containers: [{{name: app, image: registry.invalid/stuck:1}}], nodeName: {node}}}
""")
    eventually(lambda: (realkube.get(f"/apis/apps/v1/namespaces/{ns}/daemonsets/agent")
                        .get("status") or {}).get("desiredNumberScheduled", 0) >= 1, "the daemonset scheduled")
    # Past the deadline of `stuck` (2 s), well within the others' grace; the watcher resyncs every second.
    eventually(lambda: ("ReplicaShortfall", "firing", "stuck") in history(ns),
               "the deployment past its progress deadline", timeout=60)
    poll_cluster(cluster.pk)
    two_more_resyncs(watch)
    assert history(ns) == [("ReplicaShortfall", "firing", "stuck")]


@pytest.mark.once  # not about the database engine: one CI pass
def test_a_kind_without_permission_fails_alone_and_is_named_where_operators_look(
        realkube: RealKube, cluster: Cluster, watching: Callable[[], ClusterWatch], tmp_path: Path,
        client: Client) -> None:
    ns, node = unique("rbac"), unique("node")
    realkube.sim("node", node)
    realkube.sim("deploy", ns, "checkout", "--node", node)
    realkube.sim("pods", ns, "checkout", "crashloop", "--restarts", "4", "--node", node)
    account = unique("nojobs")
    Cluster.objects.filter(pk=cluster.pk).update(
        kubeconfig_path=str(service_account(realkube, tmp_path, account, READ_CORE, READ_PODS, READ_APPS)))
    forbidden = "forbidden: list jobs.batch at the cluster scope (HTTP 403)"

    with capture_logs() as logs:
        for _ in range(3):
            poll_cluster(cluster.pk)
    assert ("CrashLoopBackOff", "firing", "checkout") in history(ns), "the poll detects the other kinds"
    problem = DetectionProblem.objects.get(cluster=cluster, reporter="poll")
    assert (problem.kind, problem.summary) == ("Job", forbidden)
    assert f'system:serviceaccount:{account}:{account}" cannot list resource "jobs"' in problem.detail
    assert [e["kind"] for e in logs if e["event"] == "detection_kind_unreadable"] == ["Job"], "once, not per poll"

    watch = watching()
    eventually(lambda: DetectionProblem.objects.filter(
        cluster=cluster, reporter="watch", kind="Job").exists(), "the watcher's problem")
    eventually(lambda: listed(watch, "Pod", "Event", "Node", "Deployment", "StatefulSet", "DaemonSet"),
               "the other kinds listed")
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    eventually(lambda: ("CrashLoopBackOff", "resolved", "checkout") in history(ns), "the watcher going on")

    assert client.get("/ready").json()["clusters"][cluster.name] == {"detection": "degraded",
                                                                     "unreadable": {"Job": forbidden}}
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/incidents/cluster/{cluster.pk}/change/").content.decode()
    assert forbidden in page and "cannot list resource &quot;jobs&quot;" in page


def test_the_watcher_and_the_poll_agree_through_bookmarks_an_api_server_restart_and_a_compaction(
        realkube: RealKube, cluster: Cluster, watching: Callable[[], ClusterWatch],
        caplog: pytest.LogCaptureFixture) -> None:
    """On a real API server, with a poll every 3 s beside the watcher: each transition recorded once, whichever
    of poll and watch saw it; bookmarks flow without breaking anything; a restart after an etcd compaction ends
    in a relist; polls after the last change record nothing more."""
    ns, node = unique("soak"), unique("node")
    realkube.sim("node", node)
    realkube.sim("deploy", ns, "checkout", "--replicas", "2", "--node", node)
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    watch = watching()
    eventually(lambda: listed(watch, *watch.streams), "every kind listed")
    polling, polls = threading.Event(), []

    def poll_every_few_seconds() -> None:
        from django.db import connection

        try:
            while not polling.wait(3):
                poll_cluster(cluster.pk)
                polls.append(True)
        finally:
            connection.close()

    poller = threading.Thread(target=poll_every_few_seconds, daemon=True)
    poller.start()

    def expect(*transition: str, where: Callable[[], list[tuple[str, str, str]]]) -> None:
        eventually(lambda: transition in where(), f"{transition} recorded")

    def in_ns() -> list[tuple[str, str, str]]:
        return history(ns)

    def on_node() -> list[tuple[str, str, str]]:
        return history(node=node)

    try:
        with capture_logs() as logs:
            realkube.sim("pods", ns, "checkout", "crashloop", "--node", node)
            expect("CrashLoopBackOff", "firing", "checkout", where=in_ns)
            realkube.sim("pods", ns, "checkout", "running", "--node", node)
            expect("CrashLoopBackOff", "resolved", "checkout", where=in_ns)
            realkube.sim("node", node, "notready")
            expect("NodeNotReady", "firing", node, where=on_node)
            realkube.sim("node", node, "ready")
            expect("NodeNotReady", "resolved", node, where=on_node)
            # Bookmarks arrive about once a minute on a quiet cluster (etcd progress notifications every 5 s).
            eventually(lambda: watch.streams["Pod"].bookmarks >= 1 and watch.streams["Node"].bookmarks >= 1,
                       "bookmarks on the pod and node watches", timeout=150)
            quiet = {kind: stream.reconnects for kind, stream in watch.streams.items()}
            assert quiet == dict.fromkeys(watch.streams, 0), "no reconnect on a quiet cluster: bookmarks decode"

            relists = {kind: stream.relists for kind, stream in watch.streams.items()}
            # Compacted while the API server is down, past any resourceVersion the watcher holds (a bookmark can
            # no longer carry it past the compaction): its resumed watches must answer 410.
            realkube.stop_apiserver()
            realkube.compact(advance=True)
            realkube.start_apiserver()
            realkube.sim("pods", ns, "checkout", "oom", "--node", node)
            expect("OOMKilled", "firing", "checkout", where=in_ns)
            realkube.sim("pods", ns, "checkout", "running", "--node", node)
            expect("OOMKilled", "resolved", "checkout", where=in_ns)
            after_last_change = len(polls)
            eventually(lambda: len(polls) >= after_last_change + 3, "three more polls beside the watcher", timeout=60)
    finally:
        polling.set()
        poller.join(timeout=30)
    assert any(stream.relists > relists[kind] for kind, stream in watch.streams.items()), \
        "a 410 after the compaction made at least one kind relist"
    assert not [e for e in logs if "not a watch event" in str(e.get("error", ""))], "no decode failure"
    assert not [e for e in logs if e["event"] == "detector_failed"]
    # Each failing kind is said once for the restart, not once per retry.
    failing = [e["kind"] for e in logs if e["event"] == "watch_failing"]
    assert len(failing) == len(set(failing)), failing
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")], "no warning per retry"

    assert in_ns() == [("CrashLoopBackOff", "firing", "checkout"), ("CrashLoopBackOff", "resolved", "checkout"),
                       ("OOMKilled", "firing", "checkout"), ("OOMKilled", "resolved", "checkout")]
    assert on_node() == [("NodeNotReady", "firing", node), ("NodeNotReady", "resolved", node)]
    # A last poll finds nothing the watcher had not recorded already.
    assert [e for e in poll_cluster(cluster.pk) if e.namespace == ns or e.labels.get("node") == node] == []
    assert not Signal.objects.firing().filter(
        fingerprint__in=ClusterEvent.objects.filter(namespace=ns).values("fingerprint")).exists()
