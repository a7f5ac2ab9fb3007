"""LIST then WATCH one kind of one cluster, in a thread of its own (the watcher's per-kind stream); for a cluster
limited to namespaces, one kind in one namespace (one stream per kind and namespace).

The stream keeps the latest resourceVersion it fully processed (objects and BOOKMARK events). A `410 Gone`
(HTTP status or ERROR event) means that version is too old: relist at once. Anything else (a refused
connection, a timeout, 403, 429, 5xx, garbage, the database down) ends in a jittered exponential backoff and a
reconnect from that version; a watch that was healthy (it delivered at least one event) starts the backoff
over. Failures are said once per change of state, not once per retry: the first failure of a kind (or a
different one) is a warning and, when the API server answered, a `DetectionProblem`; the same failure again is
a debug line; the first success after failures is `watch_recovered`.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import structlog
import urllib3
from django.db import DatabaseError, close_old_connections, connection
from kubernetes import client

from incidents import kube

if TYPE_CHECKING:
    from incidents.watcher import ClusterWatch

log = structlog.get_logger(__name__)

ObjectKey = tuple[str, str, str]  # kind, namespace ("" when cluster-scoped), name

# Failures a cluster can cause: logged in one line without a traceback. Anything else is a bug and is
# logged with its traceback; both end in the same backoff, so neither stops the watch.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    kube.ClusterUnreachable, client.ApiException, urllib3.exceptions.HTTPError, OSError, DatabaseError,
)


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
    if isinstance(exc, kube.KindUnreadable):
        return exc.summary
    if isinstance(exc, client.ApiException):
        return f"HTTP {exc.status} {exc.reason or ''}".strip()
    return f"{exc.__class__.__name__}: {exc}"[:300]


def failure_state(exc: BaseException) -> str:
    """What kind of trouble a failure is, so that one outage is said once: a dropped stream, then refused
    connections while the API server restarts, are one state (unreachable); a 403 is another."""
    if isinstance(exc, kube.KindUnreadable):
        return exc.summary
    if isinstance(exc, client.ApiException):
        return f"HTTP {exc.status}"
    if isinstance(exc, (kube.ClusterUnreachable, urllib3.exceptions.HTTPError, OSError)):
        return "unreachable"
    return exc.__class__.__name__


class KindStream:
    """LIST then WATCH one kind of one cluster (in one namespace, when given), in a thread of its own, until the
    cluster watch stops."""

    def __init__(self, owner: ClusterWatch, kind: str, namespace: str = "") -> None:
        self.owner = owner
        self.kind = kind
        self.namespace = namespace  # "": every namespace (and the cluster-scoped kinds)
        self.resource_version: str | None = None  # None: (re)list before watching
        self.reconnects = 0  # failures that ended in a backoff (a 410 or a watch the server ended are not)
        self.relists = 0
        self.bookmarks = 0
        self._backoff = Backoff(owner.settings.backoff_base, owner.settings.backoff_cap)
        self._failing: str | None = None  # what the last failure was, until a success
        self._problem: kube.KindUnreadable | None = None  # what was reported as the kind's detection problem
        self._response: Any = None  # the response being read, so that `interrupt` can shut it down
        self.thread = threading.Thread(target=self._run, name=f"watch-{owner.cluster.name}-{self.name}", daemon=True)

    @property
    def name(self) -> str:
        """The kind, or kind/namespace: the stream's key in its `ClusterWatch.streams`."""
        return f"{self.kind}/{self.namespace}" if self.namespace else self.kind

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
        structlog.contextvars.bind_contextvars(cluster=self.owner.cluster.name, kind=self.kind,
                                               **({"namespace": self.namespace} if self.namespace else {}))
        api: client.ApiClient | None = None
        try:
            while not self._stopping.is_set():
                try:
                    if api is None:
                        api = kube.api_client_for(self.owner.cluster)
                    if self.resource_version is None:
                        self._list(api)
                    self._watch(api)  # returns when the server ends a healthy watch (its timeout): resume at once
                except Exception as exc:
                    if self._stopping.is_set():
                        break
                    if isinstance(exc, Expired) or (isinstance(exc, client.ApiException) and exc.status == 410):
                        log.info("watch_expired", resource_version=self.resource_version, error=describe(exc))
                        self.resource_version = None  # relist at once: the server is fine, our version is old
                        continue
                    self._failed(exc)
                    if api is not None:
                        with contextlib.suppress(Exception):
                            api.close()
                        api = None  # fresh credentials on reconnect (tokens rotate)
                    self._stopping.wait(self._backoff.next_delay())
        finally:
            if api is not None:
                with contextlib.suppress(Exception):
                    api.close()
            connection.close()  # this thread's database connection

    def _failed(self, exc: Exception) -> None:
        self.reconnects += 1
        error, state = describe(exc), failure_state(exc)
        if state != self._failing:  # a new state: say it once
            log.warning("watch_failing", kind=self.kind, resource_version=self.resource_version, error=error,
                        exc_info=not isinstance(exc, (*EXPECTED_ERRORS, StreamError)))
            self._failing = state
        else:
            log.debug("watch_retry", error=error, attempt=self._backoff.failures + 1)
        if isinstance(exc, kube.KindUnreadable):
            self._report(exc)

    def _healthy(self) -> None:
        """The server delivered what was asked: the backoff starts over, and a failure streak ends."""
        self._backoff.reset()
        if self._failing is not None:
            log.info("watch_recovered", previous_state=self._failing, resource_version=self.resource_version)
            self._failing = None
        if self._problem is not None:
            self._report(None)

    def _report(self, problem: kube.KindUnreadable | None) -> None:
        """The kind's detection problem, written when it starts, changes or ends (never per retry)."""
        same = (problem is None and self._problem is None) or (
            problem is not None and self._problem is not None
            and (problem.summary, problem.detail) == (self._problem.summary, self._problem.detail))
        if same:
            return
        try:
            self.owner.report_problem(self.kind, problem, self.namespace)
        except Exception as exc:  # the database may be what fails: the next change of state tries again
            log.warning("detection_problem_not_recorded", error=describe(exc))
            return
        self._problem = problem

    def _call(self, api: client.ApiClient, verb: str, **kwargs: Any) -> Any:
        watched = kube.LISTED_KINDS[self.kind]
        try:
            return watched.lister(api, self.namespace)(**watched.params, _preload_content=False, **kwargs)
        except client.ApiException as exc:
            if exc.status == 410:
                raise
            raise kube.unreadable(self.kind, verb, exc, self.namespace) from None

    def _list(self, api: client.ApiClient) -> None:
        """LIST every object (raw JSON, page by page), then reconcile the kind (in the namespace) from scratch."""
        settings = self.owner.settings
        objects: dict[ObjectKey, dict[str, Any] | None] = {}
        resource_version: str | None = None
        token = None
        while True:
            kwargs: dict[str, Any] = {"limit": settings.list_page_size,
                                      "_request_timeout": (settings.connect_timeout, settings.list_read_timeout)}
            if token:
                kwargs["_continue"] = token
            response = self._call(api, "list", **kwargs)
            self._response = response
            try:
                body = kube.decode_list(self.kind, response.data)  # projected: only what detectors read
            except kube.Undecodable as exc:
                raise kube.unreadable(self.kind, "list", exc, self.namespace) from None
            finally:
                self._response = None
                response.release_conn()
            meta = body["metadata"]
            if resource_version is None:  # the first page's version is the snapshot's
                resource_version = str(meta.get("resourceVersion") or "")
            objects |= {object_key(self.kind, obj): obj for obj in body["items"]}
            token = meta.get("continue")
            if not token:
                break
        self.owner.observe(self.kind, objects, resource_version=resource_version, relist=True,
                           namespace=self.namespace)
        self.resource_version = resource_version
        self.relists += 1
        self._healthy()
        log.info("watch_listed", objects=len(objects), resource_version=resource_version)

    def _watch(self, api: client.ApiClient) -> None:
        settings = self.owner.settings
        timeout = random.randint(settings.watch_timeout, 2 * settings.watch_timeout)
        started = time.monotonic()
        response = self._call(api, "watch", watch=True, resource_version=self.resource_version,
                              allow_watch_bookmarks=True, timeout_seconds=timeout,
                              _request_timeout=(settings.connect_timeout, timeout + 30))
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
        elif kind == "BOOKMARK":
            self.bookmarks += 1
            log.debug("watch_bookmark", resource_version=resource_version)
        else:
            raise StreamError(f"unknown watch event type {kind!r}")
        if resource_version:  # only once the event is processed: a reconnect replays what failed
            self.resource_version = str(resource_version)
        self._healthy()


def _lines(response: Any) -> Iterator[bytes]:
    """The lines of a streamed (chunked) response, as they arrive."""
    buffer = b""
    for chunk in response.stream(amt=None, decode_content=True):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        yield from (line for line in lines if line.strip())
    if buffer.strip():
        yield buffer
