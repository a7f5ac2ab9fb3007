"""Watch mode: the watcher follows real watch streams (kmock's Kubernetes emulator over HTTP, and a
simulated-cluster process for the management command) and records transitions without any poll."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import aiohttp.web
import kmock
import pytest
from django.conf import settings
from structlog.testing import capture_logs

from incidents.detection import sync_cluster_findings
from incidents.detectors import DETECTORS, Finding
from incidents.kindstream import Backoff
from incidents.models import Cluster, ClusterEvent, DetectionProblem, Signal
from incidents.watcher import ClusterWatch, Watcher, WatchSettings
from tests.factories import make_cluster
from tests.helpers import eventually as eventually_sync
from tests.helpers import eventually_async, running, stop
from tests.kmocks import HASH, declare_kinds, kubeconfig_for
from tests.simulated import start_simcluster
from tests.threads import in_thread

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
PODS = kmock.resource("v1/pods")
FAST = WatchSettings(backoff_base=0.05, backoff_cap=0.5, stop_timeout=5)


class WatchEmulator(kmock.KubernetesEmulator):
    """kmock's emulator, reading the official client's `watch=True` (kmock only recognises `watch=true`)."""

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        if raw_request.query.get("watch", "").lower() == "true":
            raw_request = raw_request.clone(rel_url=raw_request.rel_url.update_query(watch="true"))
        return await super().__call__(raw_request)


pytestmark = [pytest.mark.kmock(cls=WatchEmulator)]


def container(state: str) -> dict[str, Any]:
    status: dict[str, Any] = {"name": "app", "image": "example/checkout:1", "restartCount": 5}
    if state == "crashloop":
        return status | {"ready": False, "lastState": {"terminated": {"reason": "Error", "exitCode": 1}},
                         "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s"}}}
    return status | {"ready": True, "lastState": {}, "state": {"running": {"startedAt": "2026-11-03T09:14:02Z"}}}


def pod(name: str, state: str = "running") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name, "namespace": "shop", "labels": {"app": "checkout", "pod-template-hash": HASH},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"checkout-{HASH}",
                                 "uid": "0b1c7a52-rs", "controller": True}],
        },
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "example/checkout:1"}]},
        "status": {"phase": "Running", "containerStatuses": [container(state)]},
    }


async def eventually(probe: Callable[[], T], what: str = "the condition", timeout: float = 15) -> T:
    """Waits as tests.helpers.eventually_async does; `probe` (which reads the database) runs off kmock's loop."""
    return await eventually_async(lambda: in_thread(probe), what, timeout)


def statuses(**filters: Any) -> list[tuple[str, str]]:
    return list(ClusterEvent.objects.filter(**filters).order_by("id").values_list("status", "object_name"))


@dataclass
class Harness:
    api: Any  # the kmock emulator
    watcher: Watcher
    cluster: Cluster

    @property
    def watch(self) -> ClusterWatch:
        watch = self.watcher.get(self.cluster.name)
        assert watch is not None
        return watch

    async def start(self) -> None:
        await in_thread(self.watcher.refresh)
        await self.subscribed()

    async def subscribed(self) -> None:
        """Wait until a pod watch is live. kmock subscribes a watch to its event bus only after replaying
        the current objects, so a change made before that would never reach the stream (an emulator gap)."""
        await eventually_async(lambda: any(res == PODS and bus.consumer_count for res, bus in self.api._buses.items()),
                               "a pod watch", 15, 0.02)

    async def request(self, method: str, name: str | None = None, body: dict[str, Any] | None = None) -> None:
        path = "/api/v1/namespaces/shop/pods" + (f"/{name}" if name else "")
        async with self.api.request(method, path, json=body) as response:
            assert response.status < 300, await response.text()

    async def create(self, *pods: dict[str, Any]) -> None:
        for obj in pods:
            await self.request("post", body=obj)

    async def set_state(self, name: str, state: str) -> None:
        await self.request("patch", name, {"status": {"containerStatuses": [container(state)]}})

    async def delete(self, name: str) -> None:
        await self.request("delete", name)


@pytest.fixture
async def harness(kmock: Any, tmp_path: Path) -> AsyncIterator[Harness]:
    declare_kinds(kmock, "list", "watch")
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")
    cluster = await in_thread(lambda: make_cluster("kmock", kubeconfig_path=str(kubeconfig)))
    harness = Harness(kmock, Watcher(settings=FAST), cluster)
    yield harness
    assert await in_thread(harness.watcher.stop), "every watch thread stops"


@pytest.mark.django_db(transaction=True)
async def test_a_pod_turning_crashloop_is_recorded_from_its_watch_event_without_a_poll(harness: Harness) -> None:
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    assert await in_thread(statuses) == []
    await harness.set_state("checkout-5d4f8-a", "crashloop")
    await eventually(lambda: statuses(reason="CrashLoopBackOff") == [("firing", "checkout-5d4f8-a")])
    event = await in_thread(lambda: ClusterEvent.objects.get())
    assert (event.namespace, event.labels["workload_name"]) == ("shop", "checkout")
    assert event.cluster_id == harness.cluster.pk
    cluster = await in_thread(lambda: Cluster.objects.get(pk=harness.cluster.pk))
    assert cluster.last_polled_at is None  # nothing polled: the watch alone saw it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["recovers", "is deleted"])
async def test_a_failing_pod_that_recovers_or_is_deleted_resolves_its_failure(harness: Harness, how: str) -> None:
    await harness.create(pod("checkout-5d4f8-a", "crashloop"))
    await harness.start()
    await eventually(lambda: statuses() == [("firing", "checkout-5d4f8-a")])  # from the initial LIST
    if how == "recovers":
        await harness.set_state("checkout-5d4f8-a", "running")  # MODIFIED
    else:
        await harness.delete("checkout-5d4f8-a")  # DELETED
    await eventually(lambda: [status for status, _ in statuses()] == ["firing", "resolved"])
    assert await in_thread(lambda: Signal.objects.get().status) == "resolved"


@pytest.mark.django_db(transaction=True)
async def test_a_workload_keeps_firing_while_any_of_its_pods_still_fails(harness: Harness) -> None:
    await harness.create(pod("checkout-5d4f8-a", "crashloop"), pod("checkout-5d4f8-b", "crashloop"))
    await harness.start()
    await eventually(lambda: len(statuses()) == 1)  # two pods, one workload: one fingerprint
    fingerprint = await in_thread(lambda: ClusterEvent.objects.get().fingerprint)
    a, b = ("Pod", "shop", "checkout-5d4f8-a"), ("Pod", "shop", "checkout-5d4f8-b")
    assert harness.watch.producers(fingerprint) == {a, b}

    await harness.set_state("checkout-5d4f8-a", "running")
    await eventually(lambda: harness.watch.producers(fingerprint) == {b})
    assert [status for status, _ in await in_thread(statuses)] == ["firing"]
    assert await in_thread(lambda: Signal.objects.get().status) == "firing"

    await harness.set_state("checkout-5d4f8-b", "running")
    await eventually(lambda: [status for status, _ in statuses()] == ["firing", "resolved"])
    assert harness.watch.producers(fingerprint) == set()


GONE_STATUS = {"apiVersion": "v1", "kind": "Status", "status": "Failure", "code": 410, "reason": "Expired",
               "message": "too old resource version: 1 (20)"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answer", ["HTTP 410", "ERROR event 410"])
async def test_a_410_gone_makes_the_watcher_relist_and_continue(harness: Harness, answer: str) -> None:
    api = harness.api
    if answer == "HTTP 410":
        api[kmock.action.WATCH, PODS][:1] << kmock.KubernetesError(410, "Expired", GONE_STATUS["message"])
    else:
        api[kmock.action.WATCH, PODS][:1] << ({"type": "ERROR", "object": GONE_STATUS},)
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    assert len(list(api[kmock.action.LIST, PODS])) == 2, "listed, got 410 on the watch, listed again"
    assert len(list(api[kmock.action.WATCH, PODS])) == 2
    await harness.set_state("checkout-5d4f8-a", "crashloop")
    await eventually(lambda: statuses() == [("firing", "checkout-5d4f8-a")])
    assert harness.watch.streams["Pod"].reconnects == 0  # a 410 is not a failure: no backoff


@pytest.mark.django_db(transaction=True)
async def test_a_relist_resolves_what_vanished_while_the_watch_was_down(harness: Harness) -> None:
    api = harness.api

    async def vanish_then_expire(request: kmock.Request) -> None:
        async with api.delete("/api/v1/namespaces/shop/pods/checkout-5d4f8-a"):
            pass  # deleted while no watch is running: no DELETED event will ever reach the watcher
        raise kmock.KubernetesError(410, "Expired", GONE_STATUS["message"])

    api[kmock.action.WATCH, PODS][:1] << vanish_then_expire
    await harness.create(pod("checkout-5d4f8-a", "crashloop"))
    await harness.start()
    await eventually(lambda: [status for status, _ in statuses()] == ["firing", "resolved"])


@pytest.mark.django_db(transaction=True)
async def test_server_errors_garbage_and_dropped_streams_back_off_and_reconnect(harness: Harness) -> None:
    api = harness.api
    api[kmock.action.LIST, PODS][:1] << 500
    api[kmock.action.WATCH, PODS][:1] << 503
    api[kmock.action.WATCH, PODS][1:2] << (b"<html>502 Bad Gateway</html>\n",)
    api[kmock.action.WATCH, PODS][2:3] << ({"type": "ERROR", "object": {"kind": "Status", "code": 500}},)
    api[kmock.action.WATCH, PODS][3:4] << ({"type": "ADDED", "object": pod("checkout-5d4f8-a")},)  # then EOF
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    stream = harness.watch.streams["Pod"]
    assert stream.reconnects == 5 and stream.is_alive()
    assert len(list(api[kmock.action.WATCH, PODS])) == 5
    await harness.set_state("checkout-5d4f8-a", "crashloop")
    await eventually(lambda: statuses() == [("firing", "checkout-5d4f8-a")])
    assert stream._backoff.failures == 0, "a healthy watch starts the backoff over"


@pytest.mark.django_db(transaction=True)
async def test_bookmarks_move_the_resource_version_the_watch_resumes_from(harness: Harness) -> None:
    api = harness.api
    bookmark = {"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1",
                                              "metadata": {"resourceVersion": "777"}}}
    api[kmock.action.WATCH, PODS][:1] << (bookmark,)  # and the stream ends: reconnect
    await harness.start()
    first, second = list(api[kmock.action.WATCH, PODS])[:2]
    assert first.params["allowWatchBookmarks"].lower() == "true"
    assert second.params["resourceVersion"] == "777"
    assert len(list(api[kmock.action.LIST, PODS])) == 1, "resumed from the bookmark, no relist"


@pytest.mark.django_db(transaction=True)
async def test_a_broken_cluster_does_not_stop_the_others(harness: Harness) -> None:
    await in_thread(lambda: make_cluster("broken", kubeconfig_path="/nonexistent/kubeconfig"))
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    await harness.set_state("checkout-5d4f8-a", "crashloop")
    await eventually(lambda: statuses(cluster=harness.cluster) == [("firing", "checkout-5d4f8-a")])
    broken = harness.watcher.get("broken")
    assert broken is not None
    assert all(s.reconnects >= 1 and s.is_alive() for s in broken.streams.values())


@pytest.mark.django_db(transaction=True)
async def test_a_disabled_cluster_is_no_longer_watched(harness: Harness) -> None:
    await harness.start()
    await in_thread(lambda: Cluster.objects.filter(pk=harness.cluster.pk).update(enabled=False))
    await in_thread(harness.watcher.refresh)
    assert harness.watcher.get(harness.cluster.name) is None


@pytest.mark.django_db(transaction=True)
async def test_a_finding_that_depends_on_time_fires_on_resync_without_any_watch_event(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    overdue = threading.Event()  # stands for the clock passing a detector's threshold ("unready for 5 min")

    def detect_overdue(pod: dict[str, Any], now: Any = None) -> list[Finding]:
        name = pod["metadata"]["name"]
        return [Finding(reason="Overdue", severity="warning", namespace="shop", object_kind="Pod", object_name=name,
                        message="overdue", group_kind="Pod", group_name=name)] if overdue.is_set() else []

    monkeypatch.setitem(DETECTORS["Pod"], "test_overdue", detect_overdue)
    harness.watcher = Watcher(settings=replace(FAST, resync_seconds=0.2))
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    assert await in_thread(statuses) == []
    overdue.set()  # the object does not change: no watch event will come
    await eventually(lambda: statuses(reason="Overdue") == [("firing", "checkout-5d4f8-a")])
    overdue.clear()
    await eventually(lambda: [status for status, _ in statuses(reason="Overdue")] == ["firing", "resolved"])


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    backoff = Backoff(base=1, cap=30)
    for failures in range(10):
        ceiling = min(30, 2**failures)
        assert ceiling / 2 <= backoff.next_delay() <= ceiling
    backoff.reset()
    assert backoff.next_delay() <= 1


# --- the management command, as a process, against a simulated-cluster process ------------------------


def test_watch_clusters_records_a_crashloop_and_exits_cleanly_on_sigint(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    database = migrated_sqlite(tmp_path / "watch.sqlite3")
    env.update(AIOPS_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{database}", LOG_FORMAT="json",
               REDIS_URL=f"unix://{settings.EMBEDDED_REDIS_SOCKET}?db=7" if settings.EMBEDDED_REDIS
               else settings.REDIS_URL)

    def manage(*args: str) -> None:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr

    kubeconfig = tmp_path / "kubeconfig"
    simcluster = start_simcluster(kubeconfig)
    output = tmp_path / "watcher.log"
    with output.open("wb") as out:
        watcher = subprocess.Popen([sys.executable, "manage.py", "watch_clusters", "--refresh-seconds", "0.5"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # Registered after the watcher started: the periodic re-read picks it up.
        manage("shell", "-c", "from incidents.models import Cluster; "
               f"Cluster.objects.create(name='sim', kind='kubeconfig', kubeconfig_path={str(kubeconfig)!r})")

        def crashlooping() -> list[str]:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
                return [name for (name,) in db.execute(
                    "SELECT object_name FROM incidents_clusterevent WHERE status = 'firing' AND reason = ?",
                    ["CrashLoopBackOff"])]

        pods = eventually_sync(lambda: running(watcher, "watch_clusters") and crashlooping(), "the crash loop recorded",
                               explain=output.read_text)
        assert len(pods) == 1 and pods[0].startswith("checkout-")

        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0, output.read_text()
        log = output.read_text()
        assert "Traceback" not in log
        assert '"watch_transition"' in log and '"watcher_stopped"' in log
    finally:
        for process in (watcher, simcluster):
            stop(process)


# --- what a real API server sends, and one kind failing alone ------------------------------------------------

BOOKMARKS = ROOT / "tests" / "fixtures" / "realkube" / "bookmarks.jsonl"  # captured from kube-apiserver v1.28.0


@pytest.mark.django_db(transaction=True)
async def test_a_real_bookmark_with_nulls_moves_the_resource_version_without_breaking_the_watch(
        harness: Harness) -> None:
    api = harness.api
    [line] = [raw for raw in BOOKMARKS.read_bytes().splitlines() if b'"kind":"Pod"' in raw]
    api[kmock.action.WATCH, PODS][:1] << (line + b"\n",)  # and the stream ends: reconnect
    with capture_logs() as logs:
        await harness.start()
        await eventually(lambda: len(list(api[kmock.action.WATCH, PODS])) >= 2)
    second = list(api[kmock.action.WATCH, PODS])[1]
    assert second.params["resourceVersion"] == "242", "resumed from the bookmark"
    assert len(list(api[kmock.action.LIST, PODS])) == 1, "no relist"
    assert not [e for e in logs if "not a watch event" in str(e.get("error", ""))], "the bookmark decoded"


@pytest.mark.django_db(transaction=True)
async def test_a_kind_refused_by_rbac_fails_alone_is_named_once_and_resolves_nothing(harness: Harness) -> None:
    api = harness.api
    forbidden = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
                 "message": 'jobs.batch is forbidden: User "system:serviceaccount:aiops:reader" cannot list '
                            'resource "jobs" in API group "batch" at the cluster scope'}
    api[kmock.action.LIST, kmock.resource("batch/v1/jobs")] << kmock.Response(status=403, payload=forbidden)
    # A job failure recorded earlier (by a poll with more rights, or before the permission was taken away).
    job = Finding(reason="JobFailed", severity="critical", namespace="batch", object_kind="Job",
                  object_name="nightly-1", message="failed", group_kind="CronJob", group_name="nightly",
                  labels={"job": "nightly-1"})
    await in_thread(lambda: sync_cluster_findings(harness.cluster, [job]))
    await harness.create(pod("checkout-5d4f8-a"))
    with capture_logs() as logs:
        await harness.start()
        await harness.set_state("checkout-5d4f8-a", "crashloop")
        await eventually(lambda: statuses(reason="CrashLoopBackOff") == [("firing", "checkout-5d4f8-a")])
        await eventually(lambda: harness.watch.streams["Job"].reconnects >= 3)  # it keeps trying
    problem = await in_thread(lambda: DetectionProblem.objects.get(cluster=harness.cluster))
    assert (problem.kind, problem.reporter) == ("Job", "watch")
    assert problem.summary == "forbidden: list jobs.batch at the cluster scope (HTTP 403)"
    assert problem.detail == forbidden["message"]
    failing = [e for e in logs if e["event"] == "watch_failing"]
    assert [e["error"] for e in failing] == [problem.summary], "said once, not once per retry"
    assert await in_thread(lambda: statuses(reason="JobFailed")) == [("firing", "nightly-1")]  # not resolved
    assert harness.watch.streams["Pod"].reconnects == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answer", [404, 429, 500, 503, b"<html>garbage</html>"])
async def test_one_kind_answering_errors_never_stops_the_others(harness: Harness, answer: Any) -> None:
    api = harness.api
    reply = kmock.Response(status=answer, payload=b"") if isinstance(answer, int) else answer
    api[kmock.action.LIST, kmock.resource("v1/nodes")] << reply  # nodes are a core kind: a 404 is a failure too
    await harness.create(pod("checkout-5d4f8-a"))
    await harness.start()
    await harness.set_state("checkout-5d4f8-a", "crashloop")
    await eventually(lambda: statuses(reason="CrashLoopBackOff") == [("firing", "checkout-5d4f8-a")])
    await eventually(lambda: DetectionProblem.objects.filter(cluster=harness.cluster, kind="Node").exists())
    assert harness.watch.streams["Node"].is_alive() and harness.watch.streams["Node"].reconnects >= 1


@pytest.mark.django_db(transaction=True)
def test_a_first_view_that_fails_to_record_is_taken_again_at_the_relist(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    from incidents import watcher as watcher_module

    cluster = make_cluster("kmock")
    watch = ClusterWatch(cluster, FAST)  # not started: the test plays the streams
    crashing = {("Pod", "shop", "checkout-5d4f8-a"): pod("checkout-5d4f8-a", "crashloop")}
    record = watcher_module.record_transition

    def database_down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("the database is down")

    monkeypatch.setattr(watcher_module, "record_transition", database_down)
    with pytest.raises(OperationalError):
        watch.observe("Pod", crashing, resource_version="10", relist=True)
    assert "Pod" not in watch.complete and statuses() == []

    monkeypatch.setattr(watcher_module, "record_transition", record)
    watch.observe("Pod", crashing, resource_version="11", relist=True)  # the stream's relist after its backoff
    assert "Pod" in watch.complete and statuses() == [("firing", "checkout-5d4f8-a")]
