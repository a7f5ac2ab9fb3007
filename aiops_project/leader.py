"""Leader election: of the replicas of one role (the watcher, Celery beat) only the leader works.

Each role has a lease, named after it ("watcher", "beat"). The leader renews it every `renew_every`
seconds; the others stand by and try to take it at the same pace. A leader stops leading at once
when it sees someone else holding the lease, and in any case `renew_deadline` seconds after its
last successful renewal began (a hung API server or database cannot keep it leading): that is
shorter than the lease, so it has stopped before anyone may take the lease over. A clean exit
releases the lease, and a standby takes it at its next try. The semantics are client-go's
leaderelection: a lease is expired when its record has not changed for its leaseDurationSeconds,
measured on the *observer's* clock from when it saw the record change, never by comparing clocks.

Backends, behind `LeaseBackend`:

- `KubernetesLeases`: a `coordination.k8s.io/v1` Lease (`aiops-<name>`) replaced with the
  resourceVersion read (409 = lost the race). Used in a pod (the service account's namespace) or
  when AIOPS_LEADER_ELECTION=kubernetes (AIOPS_LEADER_KUBECONFIG, AIOPS_LEADER_NAMESPACE).
- "database": a row claimed with one conditional UPDATE, judged by the database's clock. It lives
  beside its model in incidents/leases.py and registers itself in `BACKENDS`: this module imports
  no app.
- `AlwaysLeader` (AIOPS_LEADER_ELECTION=off): a single replica that never asks anyone.
"""

from __future__ import annotations

import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from aiops_project.kubeconfig import new_client_from_config

log = structlog.get_logger(__name__)

LEASE_PREFIX = "aiops-"  # the Lease objects are aiops-watcher and aiops-beat in their namespace
_LEASE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@dataclass(frozen=True)
class Attempt:
    """What one try to acquire or renew saw."""

    acquired: bool  # the identity that tried holds the lease now
    holder: str | None  # who holds it ("" = nobody); None = unknown (an error, or a race lost on write)


@dataclass(frozen=True)
class LeaseRecord:
    """A lease as stored, for operators and tests."""

    holder: str  # "" = nobody
    transitions: int
    renewed: str  # when the holder last renewed, as the backend writes it


class LeaseBackend(Protocol):
    kind: str

    def try_acquire_or_renew(self, name: str, identity: str, lease_seconds: int) -> Attempt: ...

    def release(self, name: str, identity: str) -> None: ...

    def read(self, name: str) -> LeaseRecord | None: ...


# Backends that live in an app (the database one, beside its model), registered when the app loads.
BACKENDS: dict[str, Callable[[], LeaseBackend]] = {}


def register_backend(kind: str, factory: Callable[[], LeaseBackend]) -> None:
    BACKENDS[kind] = factory


class AlwaysLeader:
    """AIOPS_LEADER_ELECTION=off: one replica, always the leader."""

    kind = "off"

    def try_acquire_or_renew(self, name: str, identity: str, lease_seconds: int) -> Attempt:
        return Attempt(True, identity)

    def release(self, name: str, identity: str) -> None:
        pass

    def read(self, name: str) -> LeaseRecord | None:
        return None


def _micro_time(moment: datetime) -> str:
    """A Kubernetes MicroTime (RFC 3339 with exactly six fractional digits)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class LeasePermissionError(Exception):
    """RBAC refuses this process the Lease."""


class KubernetesLeases:
    """`coordination.k8s.io/v1` Leases in one namespace, with client-go's bookkeeping of observed records."""

    kind = "kubernetes"

    def __init__(self, api_client: Any, namespace: str, *, timeout: float = 5.0) -> None:
        from kubernetes import client

        self._api = client.CoordinationV1Api(api_client)
        self._api_client = api_client
        self.namespace = namespace
        self.timeout = timeout
        # name -> (the record last seen, time.monotonic() when it was first seen like that)
        self._observed: dict[str, tuple[tuple[Any, ...], float]] = {}

    def _call(self, method: str, *args: Any) -> dict[str, Any] | None:
        """One API call, its JSON answer; None for 404. Other errors raise `ApiException`."""
        import json

        from kubernetes.client.exceptions import ApiException

        try:
            response = getattr(self._api, method)(*args, _preload_content=False,
                                                  _request_timeout=(self.timeout, self.timeout))
        except ApiException as exc:
            if exc.status == 404:
                return None
            if exc.status == 403:  # a setup problem, said so: the role the lease needs is missing
                verb = method.split("_")[0].replace("read", "get").replace("replace", "update")
                raise LeasePermissionError(
                    f"may not {verb} leases in namespace {self.namespace}: grant get, create and update on "
                    "leases.coordination.k8s.io there") from None
            raise
        try:
            return json.loads(response.data)
        finally:
            response.release_conn()

    def _observe(self, name: str, lease: dict[str, Any]) -> float:
        """Note the record and return when it was first seen as it is now (monotonic)."""
        spec = lease.get("spec") or {}
        record = tuple(spec.get(field) for field in
                       ("holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions"))
        seen = self._observed.get(name)
        if seen is None or seen[0] != record:
            seen = self._observed[name] = (record, time.monotonic())
        return seen[1]

    def try_acquire_or_renew(self, name: str, identity: str, lease_seconds: int) -> Attempt:
        from kubernetes.client.exceptions import ApiException

        lease_name = LEASE_PREFIX + name
        now = _micro_time(datetime.now(UTC))  # informative only: expiry is judged by observation
        spec = {"holderIdentity": identity, "leaseDurationSeconds": lease_seconds, "acquireTime": now,
                "renewTime": now, "leaseTransitions": 0}
        current = self._call("read_namespaced_lease", lease_name, self.namespace)
        try:
            if current is None:
                body = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": lease_name, "namespace": self.namespace}, "spec": spec}
                written = self._call("create_namespaced_lease", self.namespace, body)
            else:
                seen_since = self._observe(name, current)
                old = current.get("spec") or {}
                holder = old.get("holderIdentity") or ""
                duration = old.get("leaseDurationSeconds") or lease_seconds
                if holder and holder != identity and time.monotonic() < seen_since + duration:
                    return Attempt(False, holder)  # held, and renewed within its duration as far as we saw
                transitions = old.get("leaseTransitions") or 0
                if holder == identity:
                    spec |= {"acquireTime": old.get("acquireTime") or now, "leaseTransitions": transitions}
                else:
                    spec["leaseTransitions"] = transitions + 1
                # The metadata carries the resourceVersion read: a write in between answers 409.
                body = {**current, "spec": {**old, **spec}}
                written = self._call("replace_namespaced_lease", lease_name, self.namespace, body)
        except ApiException as exc:
            if exc.status == 409:  # somebody created or changed it since we read it: lost the race
                return Attempt(False, None)
            raise
        if written is not None:
            self._observe(name, written)
        return Attempt(True, identity)

    def release(self, name: str, identity: str) -> None:
        """Give the lease up, as client-go does: no holder, a 1-second duration, the transitions kept."""
        from kubernetes.client.exceptions import ApiException

        lease_name = LEASE_PREFIX + name
        current = self._call("read_namespaced_lease", lease_name, self.namespace)
        if current is None or (current.get("spec") or {}).get("holderIdentity") != identity:
            return
        now = _micro_time(datetime.now(UTC))
        spec = {**current["spec"], "holderIdentity": "", "leaseDurationSeconds": 1, "acquireTime": now,
                "renewTime": now}
        try:
            self._call("replace_namespaced_lease", lease_name, self.namespace, {**current, "spec": spec})
        except ApiException as exc:
            if exc.status != 409:  # 409: it changed meanwhile, so it is no longer ours to release
                raise

    def read(self, name: str) -> LeaseRecord | None:
        lease = self._call("read_namespaced_lease", LEASE_PREFIX + name, self.namespace)
        if lease is None:
            return None
        spec = lease.get("spec") or {}
        return LeaseRecord(spec.get("holderIdentity") or "", spec.get("leaseTransitions") or 0,
                           spec.get("renewTime") or "")


def in_pod() -> bool:
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and (Path(settings.SERVICE_ACCOUNT_DIR) / "token").is_file()


def _kubernetes_backend(timeout: float) -> KubernetesLeases:
    from kubernetes import client, config
    from kubernetes.config.incluster_config import InClusterConfigLoader

    kubeconfig = settings.LEADER_KUBECONFIG
    namespace = settings.LEADER_NAMESPACE
    if kubeconfig:
        if not Path(kubeconfig).is_file():
            raise ImproperlyConfigured(f"Environment variable AIOPS_LEADER_KUBECONFIG={kubeconfig!r}: no such file.")
        try:
            api = new_client_from_config(kubeconfig)
            if not namespace:
                _, context = config.list_kube_config_contexts(config_file=kubeconfig)
                namespace = (context.get("context") or {}).get("namespace") or "default"
        except (config.ConfigException, ValueError, TypeError, KeyError) as exc:
            raise ImproperlyConfigured(
                f"Environment variable AIOPS_LEADER_KUBECONFIG={kubeconfig!r} is not a usable kubeconfig: "
                f"{exc.__class__.__name__}") from None
    elif in_pod():
        account = Path(settings.SERVICE_ACCOUNT_DIR)
        configuration = client.Configuration()
        # The service account's token is read again as the kubelet rotates it.
        InClusterConfigLoader(
            token_filename=str(account / "token"), cert_filename=str(account / "ca.crt"), try_refresh_token=True,
        ).load_and_set(configuration)
        api = client.ApiClient(configuration)
        namespace = namespace or (account / "namespace").read_text().strip()
    else:
        raise ImproperlyConfigured(
            "AIOPS_LEADER_ELECTION=kubernetes needs a pod's service account or AIOPS_LEADER_KUBECONFIG.")
    return KubernetesLeases(api, namespace, timeout=timeout)


def backend_from_settings(lease_seconds: int | None = None) -> LeaseBackend:
    """The backend AIOPS_LEADER_ELECTION chooses (auto: Kubernetes in a pod, else the database)."""
    mode = settings.LEADER_ELECTION
    if mode == "auto":
        mode = "kubernetes" if settings.LEADER_KUBECONFIG or in_pod() else "database"
    if mode == "off":
        return AlwaysLeader()
    if mode == "kubernetes":
        # A call may take a third of the lease at most: a hung one must not outlast the renew deadline.
        return _kubernetes_backend(timeout=max(1.0, (lease_seconds or settings.LEADER_LEASE_SECONDS) / 3))
    if mode not in BACKENDS:
        raise ImproperlyConfigured(f"AIOPS_LEADER_ELECTION={mode}: no such backend is installed "
                                   f"(the database one comes with the incidents app).")
    return BACKENDS[mode]()


def default_identity() -> str:
    """AIOPS_LEADER_IDENTITY, else hostname:pid: the pod (or container) and the process in it."""
    return settings.LEADER_IDENTITY or f"{socket.gethostname()}:{os.getpid()}"


def describe(exc: BaseException) -> str:
    """One line about a failure: never a request (headers carry credentials) nor a response body."""
    status = getattr(exc, "status", None)
    if status is not None and hasattr(exc, "reason"):
        return f"HTTP {status} {getattr(exc, 'reason', '') or ''}".strip()
    return f"{exc.__class__.__name__}: {exc}"[:300]


class Elector:
    """Leads the lease `name` as `identity` while it can; a background thread acquires and renews.

    `is_leader()` is judged locally and at once: a leader whose renewals fail stops being one
    `renew_deadline` seconds after its last successful renewal began, even while a call hangs.
    `on_change(leading)` is called on each change of role (from the elector's thread, or from the
    thread that noticed the deadline pass).
    """

    def __init__(self, name: str, identity: str | None = None, *, backend: LeaseBackend | None = None,
                 lease_seconds: int | None = None, renew_every: float | None = None,
                 renew_deadline: float | None = None, on_change: Callable[[bool], None] | None = None) -> None:
        if not _LEASE_NAME.match(name) or len(name) > 63 - len(LEASE_PREFIX):
            raise ValueError(f"lease name {name!r}: lowercase letters, digits and '-' (a DNS label)")
        self.name = name
        self.identity = identity or default_identity()
        self.lease_seconds = int(lease_seconds or settings.LEADER_LEASE_SECONDS)
        # client-go's ratios (15 s lease, 10 s renew deadline, 2 s retry), a little less chatty.
        self.renew_deadline = renew_deadline or self.lease_seconds * 2 / 3
        self.renew_every = renew_every or self.lease_seconds / 5
        if not self.lease_seconds > self.renew_deadline > self.renew_every * 1.2 > 0:
            raise ValueError(f"lease {name}: need lease_seconds > renew_deadline > 1.2 * renew_every > 0 "
                             f"(got {self.lease_seconds}, {self.renew_deadline}, {self.renew_every})")
        self.backend = backend or backend_from_settings(self.lease_seconds)
        self.on_change = on_change
        self._lock = threading.RLock()  # `on_change` may ask `is_leader()`
        self._leading = False
        self._valid_until = 0.0  # time.monotonic() past which this process no longer leads
        self._holder: str | None = None  # the other holder last seen, logged once per change
        self._failing = False
        self._stopping = threading.Event()
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None

    # --- role ---------------------------------------------------------------------------------------

    def is_leader(self) -> bool:
        with self._lock:
            if self._leading and time.monotonic() >= self._valid_until:
                self._set_role(False, "renew_deadline_passed", None)
            return self._leading

    def _set_role(self, leading: bool, reason: str, holder: str | None) -> None:
        """Called with the lock held."""
        if leading == self._leading:
            return
        self._leading = leading
        fields = {"lease": self.name, "identity": self.identity, "backend": self.backend.kind}
        if leading:
            log.info("leader_acquired", **fields)
        elif reason == "released":
            log.info("leader_released", **fields)
        else:
            log.warning("leader_lost", reason=reason, holder=holder, **fields)
        self._changed.set()
        if self.on_change is not None:
            self.on_change(leading)

    def try_acquire_or_renew(self) -> bool:
        """One try; True when this process leads afterwards. The background thread calls it in a loop."""
        started = time.monotonic()
        try:
            attempt = self.backend.try_acquire_or_renew(self.name, self.identity, self.lease_seconds)
        except Exception as exc:  # the next try repeats it; past the renew deadline a leader steps down
            # One line per streak of failures; the backend is down, not this process.
            (log.debug if self._failing else log.warning)(
                "leader_lease_unreachable", lease=self.name, identity=self.identity, error=describe(exc))
            self._failing = True
            return self.is_leader()
        self._failing = False
        with self._lock:
            if attempt.acquired:
                self._valid_until = started + self.renew_deadline
                self._set_role(time.monotonic() < self._valid_until, "renew_too_slow", None)
            elif attempt.holder:  # somebody else holds it: stop at once
                self._set_role(False, "held_by_another", attempt.holder)
                if attempt.holder != self._holder:
                    log.info("leader_standby", lease=self.name, identity=self.identity, holder=attempt.holder)
            elif self._leading and time.monotonic() >= self._valid_until:
                self._set_role(False, "renew_deadline_passed", None)
            if attempt.holder is not None:
                self._holder = attempt.holder
            return self._leading

    # --- background loop ----------------------------------------------------------------------------

    def start(self) -> Elector:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=f"leader-{self.name}", daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        from django.db import connections

        try:
            while not self._stopping.is_set():
                leading = self.try_acquire_or_renew()
                # A standby's tries are jittered so that replicas started together do not race in step.
                self._stopping.wait(self.renew_every * (1.0 if leading else random.uniform(1.0, 1.2)))
        finally:
            connections.close_all()  # this thread's connections (the database backend's)

    def stop(self, *, release: bool = True) -> None:
        """Stop trying; release the lease (when held) so that a standby takes it at its next try."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.lease_seconds)
        with self._lock:
            self._set_role(False, "released", None)
            self._valid_until = 0.0
        if release:
            try:
                self.backend.release(self.name, self.identity)
            except Exception as exc:  # it expires after its duration instead
                log.warning("leader_release_failed", lease=self.name, identity=self.identity, error=describe(exc))

    def __enter__(self) -> Elector:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def run_while_leader(self, stop: threading.Event, *, on_start: Callable[[], object],
                         on_stop: Callable[[], object], on_tick: Callable[[], object] | None = None,
                         tick_seconds: float = 30.0) -> None:
        """Until `stop` is set: `on_start` when this process becomes the leader, `on_tick` every
        `tick_seconds` while it leads, `on_stop` as soon as it no longer does (and when `stop` is set)."""
        active = False
        next_tick = 0.0
        try:
            while not stop.is_set():
                leading = self.is_leader()
                if leading and not active:
                    active = True
                    on_start()
                    next_tick = time.monotonic() + tick_seconds
                elif active and not leading:
                    active = False
                    on_stop()
                elif active and on_tick is not None and time.monotonic() >= next_tick:
                    on_tick()
                    next_tick = time.monotonic() + tick_seconds
                # Wake for a change of role, and look again often: the renew deadline passes silently.
                self._changed.wait(0.25)
                self._changed.clear()
        finally:
            if active:
                on_stop()
