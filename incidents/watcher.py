"""Watch mode: follow the Kubernetes watch API of every enabled cluster and record transitions as they happen.

One thread per (cluster, kind) LISTs the kind, then WATCHes from the list's resourceVersion
(`incidents.kindstream`). One cluster's or one kind's trouble never stops the others. A cluster limited to
namespaces (`Cluster.namespaces`: Roles only, no ClusterRole) gets one thread per (cluster, kind, namespace),
and no watch of the cluster-scoped kinds (nodes), which a Role cannot grant; the union of a kind's
namespaces stands for the cluster-wide list: the kind is listed whole once each of its namespaces is, and a
relist of one namespace drops only that namespace's objects that are gone.

No transition is recorded from a partial view: a kind is judged only once it has been listed whole, and
warning events about pods only once the pods have been too (an event about a pod not seen yet is not
"about a pod that is gone"). When a kind is first listed whole, what fired before (this process started, or
while it was away) and no object of it produces now is resolved; a kind that cannot be read (a missing
permission) resolves nothing.

Per cluster, `FindingIndex` remembers which objects produce which fingerprints: a fingerprint fires
when its first producer appears and resolves when its last one goes (the pods of one workload share a
fingerprint). It also keeps the last seen state of every object and runs the detectors on all of them
every `resync_seconds`, as informers resync: a detector that judges how long a state has lasted fires
without a new watch event, and a transition that failed to record is planned again.

The poller may run beside the watcher: `record_transition` claims each transition with a conditional
UPDATE of the Signal row, so whoever sees a change first records it, once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from django.db import DatabaseError, connection

from aiops_project.leader import Elector
from incidents import kube
from incidents.detection import finding_transition, report_problems, resolved_transition, within
from incidents.detectors import Finding, attribute_pod_events, attribute_rollouts, detect_object, kinds_read
from incidents.detectors.rollouts import owner_replica_set
from incidents.kindstream import EXPECTED_ERRORS, KindStream, ObjectKey, database_work, describe, object_key
from incidents.models import Cluster, DetectionProblem, EventSource, EventStatus, Signal
from incidents.transitions import Transition, record_transition

log = structlog.get_logger(__name__)

Produced = dict[str, Finding]  # fingerprint -> the finding of one object that produces it

# One watch per listed kind per cluster (per namespace, for a cluster limited to namespaces): the kinds the
# poller lists are the kinds the watcher follows.
WATCHED_KINDS = kube.LISTED_KINDS


@dataclass(frozen=True)
class WatchSettings:
    backoff_base: float = 1.0  # seconds before the first reconnect; doubles with each failure in a row
    backoff_cap: float = 30.0
    # Server-side timeoutSeconds of a watch, stretched by a random factor in [1, 2) (as client-go does) so
    # the watches of many kinds do not all reconnect at once. The read timeout allows 30 s on top.
    watch_timeout: int = 300
    connect_timeout: float = 5.0
    list_read_timeout: float = 60.0
    list_page_size: int = 500
    # Every so often the detectors run again on the last seen objects: a detector that judges how long
    # a state has lasted (a pod unready for 5 minutes) must fire when no watch event says anything new.
    resync_seconds: float = 30.0
    stop_timeout: float = 10.0  # how long `stop` waits for the threads


@dataclass
class Change:
    started: dict[str, Finding] = field(default_factory=dict)  # now produced by somebody, before by nobody
    stopped: list[str] = field(default_factory=list)  # produced before, now by nobody

    def __bool__(self) -> bool:
        return bool(self.started or self.stopped)


class FindingIndex:
    """Which objects of one cluster produce which fingerprints. Not thread-safe: `ClusterWatch` locks it."""

    def __init__(self) -> None:
        self.by_object: dict[ObjectKey, Produced] = {}
        self.by_fingerprint: dict[str, set[ObjectKey]] = {}

    def plan(self, updates: Mapping[ObjectKey, Produced]) -> Change:
        """What `apply(updates)` would start and stop, without changing anything."""
        after: dict[str, set[ObjectKey]] = {}
        candidates: dict[str, Finding] = {}
        for key, produced in updates.items():
            for fingerprint in self.by_object.get(key, {}):
                after.setdefault(fingerprint, set(self.by_fingerprint.get(fingerprint, ()))).discard(key)
            for fingerprint, finding in produced.items():
                after.setdefault(fingerprint, set(self.by_fingerprint.get(fingerprint, ()))).add(key)
                candidates.setdefault(fingerprint, finding)
        change = Change()
        for fingerprint, producers in after.items():
            before = self.by_fingerprint.get(fingerprint)
            if producers and not before:
                change.started[fingerprint] = candidates[fingerprint]
            elif before and not producers:
                change.stopped.append(fingerprint)
        return change

    def apply(self, updates: Mapping[ObjectKey, Produced]) -> None:
        for key, produced in updates.items():
            for fingerprint in self.by_object.pop(key, {}):
                producers = self.by_fingerprint[fingerprint]
                producers.discard(key)
                if not producers:
                    del self.by_fingerprint[fingerprint]
            if produced:
                self.by_object[key] = dict(produced)
                for fingerprint in produced:
                    self.by_fingerprint.setdefault(fingerprint, set()).add(key)


class ClusterWatch:
    """The watches of one cluster: one `KindStream` thread per kind (or per kind and namespace), and a resync
    thread, sharing the last seen objects and one `FindingIndex`."""

    def __init__(self, cluster: Cluster, settings: WatchSettings) -> None:
        self.cluster = cluster
        self.settings = settings
        self.index = FindingIndex()
        self.objects: dict[ObjectKey, dict[str, Any]] = {}  # the last seen state of every object
        self.stopping = threading.Event()
        namespaces = cluster.watched_namespaces or ("",)  # "": all namespaces, one stream
        self.kinds = kube.detected_kinds(cluster.watched_namespaces)
        # kind -> the namespaces its streams list; a kind is listed whole once each of them has been
        self.parts: dict[str, frozenset[str]] = {kind: frozenset(namespaces) for kind in self.kinds}
        streams = [KindStream(self, kind, namespace) for kind in self.kinds for namespace in namespaces]
        self.streams = {stream.name: stream for stream in streams}  # by kind, or kind/namespace
        self._listed: dict[str, set[str]] = {}  # kind -> its namespaces listed so far (before it is complete)
        self._problems: dict[str, dict[str, kube.KindUnreadable]] = {}  # kind -> namespace -> its problem
        self._problems_lock = threading.Lock()
        self._resync_thread = threading.Thread(target=self._resync_loop, name=f"watch-{cluster.name}-resync",
                                               daemon=True)
        # One lock per cluster: the objects, the index and the transitions recorded from them change in one
        # order, whichever thread sees a change.
        self._lock = threading.Lock()
        self.complete: set[str] = set()  # kinds listed whole at least once: only their objects are judged
        self._judgeable: frozenset[str] = frozenset()  # follows `complete` (see `_mark_complete`)

    def start(self) -> None:
        for stream in self.streams.values():
            stream.start()
        self._resync_thread.start()

    def stop(self) -> None:
        """Ask every thread to stop and interrupt blocking reads; `join` waits for them."""
        self.stopping.set()
        for stream in self.streams.values():
            stream.interrupt()

    def join(self, deadline: float) -> bool:
        threads = [*(stream.thread for stream in self.streams.values()), self._resync_thread]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    def producers(self, fingerprint: str) -> set[ObjectKey]:
        with self._lock:
            return set(self.index.by_fingerprint.get(fingerprint, ()))

    def observe(self, kind: str, objects: Mapping[ObjectKey, dict[str, Any] | None], *,
                resource_version: str | None, relist: bool = False, namespace: str = "") -> None:
        """Objects of `kind` as they are now (None: deleted); record the transitions that follow.

        After a relist the listed objects are all there is: objects of `kind` (in `namespace`, when the relist
        was of one namespace) not listed are gone. The index changes only once every transition is recorded:
        if recording fails, the caller reconnects from an older resourceVersion (or relists), or the next
        resync plans it again.
        """
        with self._lock:
            if relist:
                objects = {key: None for key in self.objects
                           if key[0] == kind and (not namespace or key[1] == namespace)} | dict(objects)
            for key, obj in objects.items():
                if obj is None:
                    self.objects.pop(key, None)
                else:
                    self.objects[key] = obj
            if relist and kind not in self.complete:
                listed = self._listed.setdefault(kind, set())
                listed.add(namespace)
                if listed >= self.parts.get(kind, {namespace}):  # the union is whole: judge the kind
                    self._first_whole_view(kind, resource_version)
                return
            self._apply({key: {} if obj is None else self._produced(kind, obj) for key, obj in objects.items()},
                        resource_version)

    def judgeable(self) -> frozenset[str]:
        """The kinds whose objects can be judged now: listed whole, and for events, the pods too."""
        return self._judgeable

    def _mark_complete(self, kind: str, complete: bool) -> None:
        if complete:
            self.complete.add(kind)
        else:
            self.complete.discard(kind)
        self._judgeable = frozenset(self.complete - ({"Event"} if "Pod" not in self.complete else set()))

    def _first_whole_view(self, kind: str, resource_version: str | None) -> None:
        """A kind listed whole for the first time: judge it, and what waited for it (events wait for the pods);
        then resolve what fired before and no object produces now, among what became judgeable."""
        before = self.judgeable()
        self._mark_complete(kind, True)
        after = self.judgeable()
        try:
            self._apply({key: self._produced(key[0], obj) for key, obj in self.objects.items()
                         if key[0] in after - before}, resource_version)
            self._resolve_orphans(before, after)
        except Exception:  # e.g. the database: the stream relists, and this first view is taken again
            self._mark_complete(kind, False)
            raise

    def resync(self) -> None:
        """Run the detectors again on every last seen object, and record what changed meanwhile."""
        with self._lock:
            self._apply({key: self._produced(key[0], obj) for key, obj in self.objects.items()}, None)

    def report_problem(self, kind: str, problem: kube.KindUnreadable | None, namespace: str = "") -> None:
        """The kind's detection problem as one of its streams sees it (None: it reads fine). A kind watched in
        several namespaces has one problem: the first namespace's (by name) that has one, until none has."""
        with self._problems_lock:
            problems = self._problems.setdefault(kind, {})
            before = problems.get(namespace)
            if problem is None:
                problems.pop(namespace, None)
            else:
                problems[namespace] = problem
            first = problems[min(problems)] if problems else None
            try:
                with database_work():
                    report_problems(self.cluster, DetectionProblem.Reporter.WATCH, {kind: first} if first else {},
                                    kinds=[kind])
            except Exception:  # not recorded: the stream reports again, from what was recorded before
                if before is None:
                    problems.pop(namespace, None)
                else:
                    problems[namespace] = before
                raise

    def _resync_loop(self) -> None:
        structlog.contextvars.bind_contextvars(cluster=self.cluster.name)
        try:
            while not self.stopping.wait(self.settings.resync_seconds):
                try:
                    self.resync()
                except Exception as exc:  # the next resync tries again; the watches go on meanwhile
                    log.warning("watch_resync_failed", error=describe(exc),
                                exc_info=not isinstance(exc, EXPECTED_ERRORS))
        finally:
            connection.close()

    def _produced(self, kind: str, obj: dict[str, Any]) -> Produced | None:
        """The fingerprints the object produces now; None when that cannot be judged yet (its kind, or for an
        event the pods, not listed whole) or a detector fails: keep what it produced."""
        if kind not in self._judgeable:
            return None
        try:
            findings = detect_object(kind, obj)
            if kind == "Event":
                findings = attribute_pod_events(findings, lambda namespace, name: self.objects.get(
                    ("Pod", namespace, name)))
            elif findings and kind in ("Pod", "Deployment"):
                findings = attribute_rollouts(findings, lambda namespace, name: self.objects.get(
                    ("Deployment", namespace, name)), self._pods_of, datetime.now(UTC))
        except Exception:  # one odd object must not stop the watch of its whole kind
            log.exception("detector_failed", object=object_key(kind, obj))
            return None
        return {finding_transition(self.cluster, f, EventStatus.FIRING).fingerprint: f for f in findings}

    def _pods_of(self, namespace: str, replica_set: str) -> list[dict[str, Any]]:
        """The last seen pods a ReplicaSet owns: a scan, made only for a failing pod or a Deployment short of
        replicas."""
        return [obj for (kind, ns, _), obj in list(self.objects.items())
                if kind == "Pod" and ns == namespace and owner_replica_set(obj) == replica_set]

    def _apply(self, updates: Mapping[ObjectKey, Produced | None], resource_version: str | None) -> None:
        known = {key: produced for key, produced in updates.items() if produced is not None}
        change = self.index.plan(known)
        if change:
            self._record(change, resource_version)
        self.index.apply(known)

    def _record(self, change: Change, resource_version: str | None) -> None:
        with database_work():
            for fingerprint, finding in change.started.items():
                event = record_transition(finding_transition(self.cluster, finding, EventStatus.FIRING))
                log.info("watch_transition", status=EventStatus.FIRING, reason=finding.reason,
                         namespace=finding.namespace, object=finding.object_name, fingerprint=fingerprint,
                         resource_version=resource_version, recorded=event is not None)
            for fingerprint in change.stopped:
                if (transition := resolved_transition(self.cluster, fingerprint)) is not None:
                    self._resolve(transition, resource_version)

    def _resolve(self, transition: Transition, resource_version: str | None) -> None:
        event = record_transition(transition)
        log.info("watch_transition", status=EventStatus.RESOLVED, reason=transition.reason,
                 namespace=transition.namespace, object=transition.object_name, fingerprint=transition.fingerprint,
                 resource_version=resource_version, recorded=event is not None)

    def _resolve_orphans(self, before: Collection[str], after: Collection[str]) -> None:
        """Resolve what fired before and no object produces now, among the signals judgeable `after` and not
        `before` (each is checked once, when the kinds it is judged from have all been listed). A signal about
        a kind not watched here belongs to whoever detects it."""
        with database_work():
            firing = (Signal.objects.firing().filter(cluster=self.cluster, source=EventSource.KUBERNETES)
                      .values_list("fingerprint", flat=True))
            for fingerprint in [fp for fp in firing if fp not in self.index.by_fingerprint]:
                transition = resolved_transition(self.cluster, fingerprint)  # described by its last event
                if transition is None or not within(self.cluster, transition.namespace):
                    continue
                needs = kinds_read(transition.object_kind, transition.labels)
                if needs <= set(after) and not needs <= set(before):
                    self._resolve(transition, None)


def cluster_config(cluster: Cluster) -> tuple[str, str, str, str, str, tuple[str, ...]]:
    return (cluster.name, cluster.kind, cluster.kubeconfig_path, cluster.kubeconfig_secret, cluster.context,
            cluster.watched_namespaces)


class Watcher:
    """Keeps one `ClusterWatch` running per enabled cluster (or per named cluster among them)."""

    def __init__(self, names: Collection[str] | None = None, settings: WatchSettings | None = None) -> None:
        self.names = set(names) if names else None
        self.settings = settings or WatchSettings()
        self.clusters: dict[int, ClusterWatch] = {}

    def refresh(self) -> None:
        """Start watching new and newly enabled clusters; stop disabled, deleted and reconfigured ones."""
        with database_work():
            enabled = Cluster.objects.filter(enabled=True)
            if self.names is not None:
                enabled = enabled.filter(name__in=self.names)
            wanted = {cluster.pk: cluster for cluster in enabled}
        stale = [pk for pk, running in self.clusters.items()
                 if pk not in wanted or cluster_config(wanted[pk]) != cluster_config(running.cluster)]
        for pk in stale:
            running = self.clusters.pop(pk)
            log.info("cluster_unwatched", cluster=running.cluster.name)
            running.stop()
            running.join(time.monotonic() + self.settings.stop_timeout)
        for pk, cluster in wanted.items():
            if pk not in self.clusters:
                self.clusters[pk] = ClusterWatch(cluster, self.settings)
                self.clusters[pk].start()
                log.info("cluster_watched", cluster=cluster.name, kinds=self.clusters[pk].kinds,
                         namespaces=list(cluster.watched_namespaces) or "all")

    def get(self, name: str) -> ClusterWatch | None:
        return next((w for w in self.clusters.values() if w.cluster.name == name), None)

    def stop(self) -> bool:
        """Stop every watch; True when every thread ended within `stop_timeout`."""
        for running in self.clusters.values():
            running.stop()
        deadline = time.monotonic() + self.settings.stop_timeout
        stopped = all([running.join(deadline) for running in self.clusters.values()])
        if not stopped:
            log.warning("watch_threads_still_busy", timeout=self.settings.stop_timeout)
        self.clusters.clear()
        return stopped


def watch_until(stop: threading.Event, names: list[str] | None = None, refresh_seconds: float = 30.0) -> bool:
    """Watch the clusters (all enabled ones, or `names`) while this process leads the "watcher" lease, until
    `stop` is set; re-read them every `refresh_seconds`. Returns whether the last watches stopped cleanly.
    Runs in any thread: `manage.py watch_clusters` alone, or beside the worker (`manage.py runbackground`)."""
    watcher = Watcher(names)
    stopped = True

    def start_watching() -> None:  # each term as leader starts afresh, from a LIST of every kind
        nonlocal watcher
        watcher = Watcher(names)
        refresh()

    def refresh() -> None:
        try:
            watcher.refresh()
        except DatabaseError as exc:  # keep the running watches; the next refresh retries
            log.warning("cluster_refresh_failed", error=str(exc))

    def stop_watching() -> None:
        nonlocal stopped
        stopped = watcher.stop()

    log.info("watcher_started", clusters=names or "all enabled")
    # Only the leader of the "watcher" lease watches; a replica standing by takes over when the lease
    # is released or expires, and a leader that loses it stops its watches at once.
    with Elector("watcher") as elector:
        elector.run_while_leader(stop, on_start=start_watching, on_tick=refresh, on_stop=stop_watching,
                                 tick_seconds=refresh_seconds)
    log.info("watcher_stopped", clean=stopped)
    return stopped
