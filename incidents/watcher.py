"""Watch mode: follow the Kubernetes watch API of every enabled cluster and record transitions as they happen.

One thread per (cluster, kind) LISTs the kind, then WATCHes from the list's resourceVersion, keeping the
latest resourceVersion seen (objects and BOOKMARK events). A `410 Gone` (HTTP status or ERROR event)
means that version is too old: relist. Anything else (disconnect, timeout, 5xx, garbage, database
down) is logged, then the thread backs off exponentially with jitter and reconnects from the last
resourceVersion it fully processed. One cluster's or one kind's trouble never stops the others.

Per cluster, `FindingIndex` remembers which objects produce which fingerprints: a fingerprint fires
when its first producer appears and resolves when its last one goes (the pods of one workload share a
fingerprint). It also keeps the last seen state of every object and runs the detectors on all of them
every `resync_seconds`, as informers resync: a detector that judges how long a state has lasted fires
without a new watch event, and a transition that failed to record is planned again.

The poller may run beside the watcher: `record_transition` claims each transition with a conditional
UPDATE of the Signal row, so whoever sees a change first records it, once.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
import urllib3
from django.db import DatabaseError, close_old_connections, connection
from kubernetes import client

from incidents import kube
from incidents.detection import finding_transition, resolved_transition
from incidents.detectors import Finding, attribute_pod_events, detect_object
from incidents.models import Cluster, ClusterEvent, EventSource, EventStatus, Signal
from incidents.services import record_transition

log = structlog.get_logger(__name__)

ObjectKey = tuple[str, str, str]  # kind, namespace ("" when cluster-scoped), name
Produced = dict[str, Finding]  # fingerprint -> the finding of one object that produces it



# One watch per listed kind per cluster: the kinds the poller lists are the kinds the watcher follows.
WATCHED_KINDS = kube.LISTED_KINDS


# Failures a cluster can cause: logged in one line without a traceback. Anything else is a bug and is
# logged with its traceback; both end in the same backoff, so neither stops the watch.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    kube.ClusterUnreachable, client.ApiException, urllib3.exceptions.HTTPError, OSError, DatabaseError,
)


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


class Backoff:
    """Exponential backoff with jitter: a random delay between half and all of base * 2**failures, capped."""

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap, self.failures = base, cap, 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2 ** min(self.failures, 32))
        self.failures += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


class Expired(Exception):
    """410 Gone: the resourceVersion is older than the server's history. Relist."""


class StreamError(Exception):
    """The API server answered something the watcher cannot use: garbage, an ERROR event, a bad list."""


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


@contextlib.contextmanager
def database_work() -> Iterator[None]:
    """A unit of database work in a long-running thread: never on a connection that went stale meanwhile."""
    close_old_connections()
    try:
        yield
    finally:
        close_old_connections()


def object_key(kind: str, obj: Mapping[str, Any]) -> ObjectKey:
    meta = obj.get("metadata") or {}
    return kind, meta.get("namespace") or "", meta.get("name") or ""


def describe(exc: BaseException) -> str:
    """One line about a failure. Never the request (headers carry credentials) nor a response body."""
    if isinstance(exc, client.ApiException):
        return f"HTTP {exc.status} {exc.reason or ''}".strip()
    return f"{exc.__class__.__name__}: {exc}"[:300]


class ClusterWatch:
    """The watches of one cluster: one `KindStream` thread per kind, and a resync thread, sharing the last
    seen objects and one `FindingIndex`."""

    def __init__(self, cluster: Cluster, settings: WatchSettings) -> None:
        self.cluster = cluster
        self.settings = settings
        self.index = FindingIndex()
        self.objects: dict[ObjectKey, dict[str, Any]] = {}  # the last seen state of every object
        self.stopping = threading.Event()
        self.streams = {kind: KindStream(self, kind) for kind in WATCHED_KINDS}
        self._resync_thread = threading.Thread(target=self._resync_loop, name=f"watch-{cluster.name}-resync",
                                               daemon=True)
        # One lock per cluster: the objects, the index and the transitions recorded from them change in one
        # order, whichever thread sees a change.
        self._lock = threading.Lock()
        self._listed: set[str] = set()
        self._orphans_resolved = False

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
                resource_version: str | None, relist: bool = False) -> None:
        """Objects of `kind` as they are now (None: deleted); record the transitions that follow.

        After a relist the listed objects are all there is: objects of `kind` not listed are gone.
        The index changes only once every transition is recorded: if recording fails, the caller
        reconnects from an older resourceVersion (or relists), or the next resync plans it again.
        """
        with self._lock:
            if relist:
                objects = {key: None for key in self.objects if key[0] == kind} | dict(objects)
            updates: dict[ObjectKey, Produced | None] = {}
            for key, obj in objects.items():
                if obj is None:
                    self.objects.pop(key, None)
                    updates[key] = {}
                else:
                    self.objects[key] = obj
                    updates[key] = self._produced(kind, obj)
            self._apply(updates, resource_version)
            if relist:
                self._listed.add(kind)
                if not self._orphans_resolved and self._listed >= set(self.streams):
                    self._resolve_orphans()
                    self._orphans_resolved = True

    def resync(self) -> None:
        """Run the detectors again on every last seen object, and record what changed meanwhile."""
        with self._lock:
            self._apply({key: self._produced(key[0], obj) for key, obj in self.objects.items()}, None)

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
        """The fingerprints the object produces now; None when a detector fails (keep what it produced)."""
        try:
            findings = detect_object(kind, obj)
            if kind == "Event":
                findings = attribute_pod_events(findings, lambda namespace, name: self.objects.get(
                    ("Pod", namespace, name)))
        except Exception:  # one odd object must not stop the watch of its whole kind
            log.exception("detector_failed", object=object_key(kind, obj))
            return None
        return {finding_transition(self.cluster, f, EventStatus.FIRING).fingerprint: f for f in findings}

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
                self._resolve(fingerprint, resource_version)

    def _resolve(self, fingerprint: str, resource_version: str | None) -> None:
        transition = resolved_transition(self.cluster, fingerprint)
        if transition is None:
            return
        event = record_transition(transition)
        log.info("watch_transition", status=EventStatus.RESOLVED, reason=transition.reason,
                 namespace=transition.namespace, object=transition.object_name, fingerprint=fingerprint,
                 resource_version=resource_version, recorded=event is not None)

    def _resolve_orphans(self) -> None:
        """Once every kind has been listed: resolve what fired before (this process started, or while it was
        away) and no object produces now. Only findings about the kinds watched here: a fingerprint about
        another kind belongs to whoever detects it."""
        with database_work():
            firing = (Signal.objects.firing().filter(cluster=self.cluster, source=EventSource.KUBERNETES)
                      .values_list("fingerprint", flat=True))
            for fingerprint in [fp for fp in firing if fp not in self.index.by_fingerprint]:
                last = ClusterEvent.objects.filter(fingerprint=fingerprint).order_by("-id").first()
                if last is not None and last.object_kind in WATCHED_KINDS:
                    self._resolve(fingerprint, None)


class KindStream:
    """LIST then WATCH one kind of one cluster, in a thread of its own, until the cluster watch stops."""

    def __init__(self, owner: ClusterWatch, kind: str) -> None:
        self.owner = owner
        self.kind = kind
        self.resource_version: str | None = None  # None: (re)list before watching
        self.reconnects = 0
        self._response: Any = None  # the response being read, so that `interrupt` can shut it down
        self.thread = threading.Thread(target=self._run, name=f"watch-{owner.cluster.name}-{kind}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def interrupt(self) -> None:
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):  # already finished or released: nothing to interrupt
                response.shutdown()

    @property
    def _stopping(self) -> threading.Event:
        return self.owner.stopping

    def _run(self) -> None:
        structlog.contextvars.bind_contextvars(cluster=self.owner.cluster.name, kind=self.kind)
        settings = self.owner.settings
        backoff = Backoff(settings.backoff_base, settings.backoff_cap)
        api: client.ApiClient | None = None
        try:
            while not self._stopping.is_set():
                try:
                    if api is None:
                        api = kube.api_client_for(self.owner.cluster)
                    if self.resource_version is None:
                        self._list(api)
                    self._watch(api)
                    backoff.reset()  # the server ended a healthy watch (its timeout): resume at once
                except Exception as exc:
                    if self._stopping.is_set():
                        break
                    if isinstance(exc, Expired) or (isinstance(exc, client.ApiException) and exc.status == 410):
                        log.info("watch_expired", resource_version=self.resource_version, error=describe(exc))
                        self.resource_version = None  # relist at once: the server is fine, our version is old
                        continue
                    delay = backoff.next_delay()
                    self.reconnects += 1
                    log.warning("watch_reconnect", resource_version=self.resource_version, error=describe(exc),
                                retry_in=round(delay, 2), exc_info=not isinstance(exc, (*EXPECTED_ERRORS, StreamError)))
                    if api is not None:
                        with contextlib.suppress(Exception):
                            api.close()
                        api = None  # fresh credentials on reconnect (tokens rotate)
                    self._stopping.wait(delay)
        finally:
            if api is not None:
                with contextlib.suppress(Exception):
                    api.close()
            connection.close()  # this thread's database connection

    def _call(self, api: client.ApiClient, **kwargs: Any) -> Any:
        watched = WATCHED_KINDS[self.kind]
        return getattr(watched.api(api), watched.method)(**watched.params, _preload_content=False, **kwargs)

    def _list(self, api: client.ApiClient) -> None:
        """LIST every object (raw JSON, page by page), then reconcile the kind from scratch."""
        settings = self.owner.settings
        objects: dict[ObjectKey, dict[str, Any] | None] = {}
        resource_version: str | None = None
        token = None
        while True:
            kwargs: dict[str, Any] = {"limit": settings.list_page_size,
                                      "_request_timeout": (settings.connect_timeout, settings.list_read_timeout)}
            if token:
                kwargs["_continue"] = token
            response = self._call(api, **kwargs)
            self._response = response
            try:
                body = kube.decode_list(self.kind, response.data)  # projected: only what detectors read
            except kube.Undecodable as exc:
                raise StreamError(f"the LIST answer is not a list of {self.kind}: {exc}"[:300]) from None
            finally:
                self._response = None
                response.release_conn()
            meta = body.get("metadata") or {}
            if resource_version is None:  # the first page's version is the snapshot's
                resource_version = str(meta.get("resourceVersion") or "")
            objects |= {object_key(self.kind, obj): obj for obj in body["items"]}
            token = meta.get("continue")
            if not token:
                break
        self.owner.observe(self.kind, objects, resource_version=resource_version, relist=True)
        self.resource_version = resource_version
        log.info("watch_listed", objects=len(objects), resource_version=resource_version)

    def _watch(self, api: client.ApiClient) -> None:
        settings = self.owner.settings
        timeout = random.randint(settings.watch_timeout, 2 * settings.watch_timeout)
        started = time.monotonic()
        response = self._call(api, watch=True, resource_version=self.resource_version, allow_watch_bookmarks=True,
                              timeout_seconds=timeout, _request_timeout=(settings.connect_timeout, timeout + 30))
        self._response = response
        try:
            if self._stopping.is_set():
                return
            for line in _lines(response):
                self._handle(line)
                if self._stopping.is_set():
                    return
        finally:
            self._response = None
            with contextlib.suppress(Exception):
                response.release_conn()
        if not self._stopping.is_set() and time.monotonic() - started < 1:
            # A watch lasts minutes; one the server ends at once would make a tight reconnect loop.
            raise StreamError("the API server ended the watch at once")

    def _handle(self, line: bytes) -> None:
        try:
            event = kube.decode_watch_event(self.kind, line)
        except kube.Undecodable as exc:
            raise StreamError(f"a watch line ({len(line)} bytes) is not a watch event: {exc}"[:300]) from None
        kind, obj = event.get("type"), event["object"]
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise Expired(obj.get("message") or "Gone")
            raise StreamError(f"ERROR event: {obj.get('code')} {obj.get('reason')}: {obj.get('message')}"[:300])
        resource_version = (obj.get("metadata") or {}).get("resourceVersion")
        if kind in ("ADDED", "MODIFIED", "DELETED"):
            now = None if kind == "DELETED" else obj
            self.owner.observe(self.kind, {object_key(self.kind, obj): now}, resource_version=resource_version)
        elif kind != "BOOKMARK":
            raise StreamError(f"unknown watch event type {kind!r}")
        if resource_version:  # only once the event is processed: a reconnect replays what failed
            self.resource_version = str(resource_version)


def _lines(response: Any) -> Iterator[bytes]:
    """The lines of a streamed (chunked) response, as they arrive."""
    buffer = b""
    for chunk in response.stream(amt=None, decode_content=True):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        yield from (line for line in lines if line.strip())
    if buffer.strip():
        yield buffer


def cluster_config(cluster: Cluster) -> tuple[str, str, str, str]:
    return cluster.name, cluster.kind, cluster.kubeconfig_path, cluster.kubeconfig_secret, cluster.context


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
                log.info("cluster_watched", cluster=cluster.name, kinds=list(WATCHED_KINDS))

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
