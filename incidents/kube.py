"""The one chokepoint through which detection talks to a Kubernetes API server (official client).

The client is imported when a cluster is first read, not with this module: `import kubernetes` loads every
generated model (~1 s of a process's start, `python -X importtime`), and the web process, which imports this
module for its errors and kinds, never talks to a cluster.
"""

from __future__ import annotations

import functools
import gc
import json
import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import GenericAlias
from typing import TYPE_CHECKING, Any, TypedDict, TypeGuard

import msgspec
import structlog
import urllib3
import yaml

from aiops_project.kubeconfig import load_kube_config
from incidents.models import Cluster

if TYPE_CHECKING:
    from kubernetes import client

log = structlog.get_logger(__name__)

REQUEST_TIMEOUT = (5, 30)  # connect, read (seconds)

Snapshot = dict[str, list[dict[str, Any]]]  # kind -> the raw objects of that kind, all (watched) namespaces


class ClusterUnreachable(Exception):
    pass


class KindUnreadable(ClusterUnreachable):
    """One kind could not be read while the API server answered (403, 5xx, garbage, ...): the other kinds go on.

    `summary` says what is wrong without identities or addresses (public: /ready); the message (`detail`) is
    the API server's own words where it gave any (logs, admin).
    """

    def __init__(self, kind: str, summary: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind, self.summary, self.detail, self.status = kind, summary, detail, status


# --- Projections -------------------------------------------------------------------------------
# What detection reads of each kind. Decoding with these (msgspec) skips the rest of each object
# without building it: managedFields, pod specs (containers, env, probes, volumes), annotations. For
# 10k pods that is a third of the CPU of json.loads (bench/poll_cpu.py), and the watcher keeps a
# third of the memory. A detector that starts reading another field must add it here;
# tests/test_projection.py checks every detector finds the same on projected and on whole objects.
# `status` stays whole: it is what detectors read most. Watch ERROR events carry a Status object
# (`code`, `reason`, `message`, and `status` as a string), hence those fields on every kind.


class ObjectMeta(TypedDict, total=False):
    # Every field may be null: a BOOKMARK's object is an empty shell ("creationTimestamp": null).
    name: str | None
    namespace: str | None
    uid: str | None
    resourceVersion: str | None
    generation: int | None
    creationTimestamp: str | None
    deletionTimestamp: str | None
    labels: dict[str, str] | None
    ownerReferences: list[dict[str, Any]] | None


class ManagedFields(TypedDict, total=False):
    """When each field manager last changed the object (fieldsV1, the bulk of it, is skipped unbuilt)."""

    manager: str | None
    operation: str | None
    subresource: str | None
    time: str | None


class TrackedMeta(ObjectMeta, total=False):
    managedFields: list[ManagedFields] | None


class PodSpec(TypedDict, total=False):
    nodeName: str | None


class ReplicasSpec(TypedDict, total=False):
    replicas: int | None
    progressDeadlineSeconds: int | None


class _Object(TypedDict, total=False):
    apiVersion: str | None
    kind: str | None
    metadata: ObjectMeta | None
    status: Any
    code: int | None  # a Status object (watch ERROR event)
    reason: str | None
    message: str | None


class Pod(_Object, total=False):
    spec: PodSpec | None


# Of a Deployment's annotations, only its revision (incidents.detectors.rollouts): others can be large (kubectl's
# last-applied-configuration).
RevisionAnnotations = TypedDict("RevisionAnnotations", {"deployment.kubernetes.io/revision": str | None},
                                total=False)


class DeploymentMeta(ObjectMeta, total=False):
    annotations: RevisionAnnotations | None


class Replicated(_Object, total=False):  # Deployment
    metadata: DeploymentMeta | None  # type: ignore[misc]
    spec: ReplicasSpec | None


class AutoscalerSpec(TypedDict, total=False):
    scaleTargetRef: dict[str, Any] | None
    minReplicas: int | None
    maxReplicas: int | None
    metrics: list[dict[str, Any]] | None


class Autoscaler(_Object, total=False):  # HorizontalPodAutoscaler (autoscaling/v2)
    spec: AutoscalerSpec | None


class Tracked(_Object, total=False):
    """StatefulSet, DaemonSet: no condition says a rollout is in progress, so their detectors read when the
    object last changed (metadata.managedFields[].time)."""

    metadata: TrackedMeta | None  # type: ignore[misc]
    spec: ReplicasSpec | None


class Event(_Object, total=False):
    type: str | None
    involvedObject: dict[str, Any] | None
    count: int | None
    series: dict[str, Any] | None
    firstTimestamp: str | None
    lastTimestamp: str | None
    eventTime: str | None
    source: dict[str, Any] | None


PROJECTIONS: dict[str, type] = {
    "Pod": Pod, "Node": _Object, "Event": Event, "Deployment": Replicated, "StatefulSet": Tracked,
    "DaemonSet": Tracked, "Job": _Object, "HorizontalPodAutoscaler": Autoscaler,
}
_LIST_META = TypedDict("_LIST_META", {"resourceVersion": str | None, "continue": str | None}, total=False)


# One list and one watch-event type per kind, made at run time for msgspec: types built from a variable,
# which a static checker cannot follow (so it sees the factory as Any).
_typed_dict: Any = TypedDict


def _list_type(kind: str) -> type:
    items = GenericAlias(list, PROJECTIONS[kind])
    return _typed_dict(f"{kind}List", {"metadata": _LIST_META | None, "items": items | None}, total=False)


def _watch_type(kind: str) -> type:
    return _typed_dict(f"{kind}WatchEvent", {"type": str, "object": PROJECTIONS[kind]}, total=False)


_LIST_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    kind: msgspec.json.Decoder(_list_type(kind)) for kind in PROJECTIONS}
_WATCH_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    kind: msgspec.json.Decoder(_watch_type(kind)) for kind in PROJECTIONS}


class Undecodable(ValueError):
    """The body is not JSON, or not shaped like a Kubernetes list (or watch event) of that kind."""


def decode_list(kind: str, data: bytes) -> dict[str, Any]:
    """A list body as `{"metadata": ..., "items": [...]}`, each item projected for detection."""
    try:
        with _no_cyclic_gc():
            body = _LIST_DECODERS[kind].decode(data)
    except msgspec.DecodeError as exc:
        raise Undecodable(str(exc)) from None
    if "items" not in body:
        raise Undecodable("the answer has no items list")
    body["items"] = body["items"] or []  # an empty list may come as null
    body["metadata"] = body.get("metadata") or {}
    return body


def decode_watch_event(kind: str, line: bytes) -> dict[str, Any]:
    """One line of a watch stream, its object projected for detection."""
    try:
        event = _WATCH_DECODERS[kind].decode(line)
    except msgspec.DecodeError as exc:
        raise Undecodable(str(exc)) from None
    if not isinstance(event.get("object"), dict) or "type" not in event:
        raise Undecodable("not a watch event")
    return event


def _client() -> Any:
    """`kubernetes.client`, imported on first use (see the module's docstring)."""
    from kubernetes import client

    return client


def is_api_exception(exc: BaseException) -> TypeGuard[client.ApiException]:
    """Whether `exc` is the client's ApiException, without importing the client to ask (none was raised if it
    was never imported)."""
    module = sys.modules.get("kubernetes.client.exceptions")
    return module is not None and isinstance(exc, module.ApiException)


@dataclass(frozen=True)
class ListedKind:
    api: str  # the name of the generated API class in kubernetes.client
    method: str
    plural: str  # for messages: "listing statefulsets failed"
    group: str  # API group, "" for the core group: RBAC names the resource "jobs.batch"
    # Core kinds are served by every Kubernetes API server: a 404 on them means the address is not one
    # (a proxy, a wrong path), and treating it as "no objects" would resolve every firing signal.
    core: bool = False
    params: dict[str, str] = field(default_factory=dict)
    # How to list it in one namespace (the namespace its first argument); "" for a cluster-scoped kind.
    namespaced_method: str = ""

    def lister(self, api: client.ApiClient, namespace: str) -> Any:
        """The generated method that lists (or watches) the kind everywhere, or in `namespace` when one is given."""
        if not namespace:
            return getattr(getattr(_client(), self.api)(api), self.method)
        return functools.partial(getattr(getattr(_client(), self.api)(api), self.namespaced_method), namespace)


# Registry: kind -> how to list it across all namespaces with one call, or in one namespace. Detection covers
# these kinds.
LISTED_KINDS: dict[str, ListedKind] = {
    "Pod": ListedKind("CoreV1Api", "list_pod_for_all_namespaces", "pods", "", core=True,
                      namespaced_method="list_namespaced_pod"),
    "Node": ListedKind("CoreV1Api", "list_node", "nodes", "", core=True),
    "Event": ListedKind("CoreV1Api", "list_event_for_all_namespaces", "events", "", core=True,
                        params={"field_selector": "type=Warning"}, namespaced_method="list_namespaced_event"),
    "Deployment": ListedKind("AppsV1Api", "list_deployment_for_all_namespaces", "deployments", "apps",
                             namespaced_method="list_namespaced_deployment"),
    "StatefulSet": ListedKind("AppsV1Api", "list_stateful_set_for_all_namespaces", "statefulsets", "apps",
                              namespaced_method="list_namespaced_stateful_set"),
    "DaemonSet": ListedKind("AppsV1Api", "list_daemon_set_for_all_namespaces", "daemonsets", "apps",
                            namespaced_method="list_namespaced_daemon_set"),
    "Job": ListedKind("BatchV1Api", "list_job_for_all_namespaces", "jobs", "batch",
                      namespaced_method="list_namespaced_job"),
    "HorizontalPodAutoscaler": ListedKind(
        "AutoscalingV2Api", "list_horizontal_pod_autoscaler_for_all_namespaces", "horizontalpodautoscalers",
        "autoscaling", namespaced_method="list_namespaced_horizontal_pod_autoscaler"),
}


def detected_kinds(namespaces: Collection[str]) -> list[str]:
    """The kinds detection reads: all of them, or with namespaces (Roles only, no ClusterRole) the namespaced
    ones. A Role cannot grant a cluster-scoped kind (nodes): node detection needs a ClusterRole."""
    return [kind for kind, listed in LISTED_KINDS.items() if not namespaces or listed.namespaced_method]


def status_message(exc: client.ApiException) -> str:
    """The message of the Status object an API server answers with; never the headers (they carry tokens)."""
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
    try:
        message = json.loads(body or "").get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message)[:500] if message else f"HTTP {exc.status} {exc.reason or ''}".strip()


def unreadable(kind: str, verb: str, exc: BaseException, namespace: str = "") -> KindUnreadable:
    """What went wrong reading one kind (in one namespace, when given), in words an operator can act on."""
    listed = LISTED_KINDS[kind]
    resource = f"{listed.plural}.{listed.group}" if listed.group else listed.plural
    if namespace:
        resource = f"{resource} in namespace {namespace}"
    if is_api_exception(exc):
        status = exc.status
        summary = {
            401: "unauthorized: the API server refused the credentials (HTTP 401)",
            403: f"forbidden: {verb} {resource}{'' if namespace else ' at the cluster scope'} (HTTP 403)",
            404: f"not found: {verb} {resource} (HTTP 404)",
            429: f"throttled: {verb} {resource} (HTTP 429)",
        }.get(status or 0, f"the API server failed to {verb} {resource} (HTTP {status} {exc.reason or ''})".strip())
        return KindUnreadable(kind, summary, status_message(exc), status)
    if isinstance(exc, Undecodable):
        return KindUnreadable(kind, f"the answer to {verb} {resource} is not a list of {kind}",
                              f"{verb} {resource}: {exc}"[:500])
    return KindUnreadable(kind, f"cannot {verb} {resource}: {exc.__class__.__name__}",
                          f"{verb} {resource}: {exc.__class__.__name__}: {exc}"[:500])



def api_client_for(cluster: Cluster) -> client.ApiClient:
    """A client for the cluster's API server. Failures name the file, never its contents (credentials)."""
    in_cluster = cluster.kind == Cluster.Kind.IN_CLUSTER
    source = "the in-cluster service account" if in_cluster else cluster.resolved_kubeconfig
    if not in_cluster and not Path(source).is_file():
        raise ClusterUnreachable(f"cannot load credentials for cluster {cluster.name}: no file at {source}")
    k8s = _client()
    from kubernetes import config

    try:
        if in_cluster:
            configuration = k8s.Configuration()
            config.load_incluster_config(client_configuration=configuration)
            return k8s.ApiClient(_without_retries(configuration))
        configuration = k8s.Configuration()
        load_kube_config(cluster.resolved_kubeconfig, cluster.context, configuration)
        return k8s.ApiClient(_without_retries(configuration))
    except OSError as exc:
        detail = exc.strerror or exc.__class__.__name__
    except config.ConfigException as exc:
        detail = str(exc)[:300]  # the client's own words: which key or context is missing
    except yaml.MarkedYAMLError as exc:  # its message quotes the offending line, which may be a token
        mark = exc.problem_mark
        detail = f"not valid YAML{f' (line {mark.line + 1})' if mark else ''}"
    except Exception as exc:  # anything else the loaders raise: its class only
        detail = f"unusable ({exc.__class__.__name__})"
    raise ClusterUnreachable(f"cannot load credentials for cluster {cluster.name} from {source}: {detail}")


def _without_retries(configuration: client.Configuration) -> client.Configuration:
    """No urllib3 retries: the poll and the watcher back off on their own, and urllib3 would log a warning
    per retry (dozens of lines a minute during an outage)."""
    configuration.retries = False
    return configuration


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while decoding a list body.

    Decoded JSON holds no reference cycles, yet its thousands of new dicts trigger collections that
    rescan the whole growing heap: measured (bench/poll_cpu.py), that is about two thirds of the CPU
    of decoding 10k pods. Leaves the collector alone if someone else turned it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def list_kind(api: client.ApiClient, kind: str, namespace: str = "") -> list[dict[str, Any]]:
    """Every object of `kind` in all namespaces (or in `namespace`) with one list call, as raw JSON (no model
    deserialisation).

    A kind the server does not serve (404) lists as empty, except the core kinds (see `ListedKind.core`).
    Raises `KindUnreadable` when the server answered but not with the list (403, 5xx, garbage), and
    `ClusterUnreachable` when it could not be reached at all.
    """
    listed = LISTED_KINDS[kind]
    try:
        response = listed.lister(api, namespace)(_preload_content=False, _request_timeout=REQUEST_TIMEOUT,
                                                 **listed.params)
        body = decode_list(kind, response.data)
    except _client().ApiException as exc:
        if exc.status == 404 and not listed.core:
            log.info("kind_not_served", kind=kind, status=exc.status)
            return []
        raise unreadable(kind, "list", exc, namespace) from None
    except Undecodable as exc:
        raise unreadable(kind, "list", exc, namespace) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        where = f" in namespace {namespace}" if namespace else ""
        raise ClusterUnreachable(
            f"listing {listed.plural}{where} failed: {exc.__class__.__name__}: {exc}"[:500]) from None
    items: list[dict[str, Any]] = body["items"]
    if kind == "Event":  # some servers (and emulators) ignore field selectors: keep Warning events only
        items = [event for event in items if event.get("type") == "Warning"]
    return items


def list_snapshot(api: client.ApiClient,
                  namespaces: Collection[str] = ()) -> tuple[Snapshot, dict[str, KindUnreadable]]:
    """Every kind detection covers, one list call per kind, and the kinds that could not be read.

    With `namespaces`: one list call per kind and namespace, and a kind's list is their union, read whole or
    not at all, as one cluster-wide list is (a namespace that cannot be read makes the kind unreadable, its
    failure naming that namespace); cluster-scoped kinds are not read (see `detected_kinds`).
    Each kind fails alone (a missing RBAC permission for jobs leaves the pods readable). An API server
    that cannot be reached at all, or that refuses every kind, raises `ClusterUnreachable`.
    Not one consistent moment: each list is as of its own call, milliseconds apart.
    """
    snapshot: Snapshot = {}
    failures: dict[str, KindUnreadable] = {}
    for kind in detected_kinds(namespaces):
        try:
            snapshot[kind] = [obj for namespace in (sorted(namespaces) or [""])
                              for obj in list_kind(api, kind, namespace)]
        except KindUnreadable as exc:
            failures[kind] = exc
    if not snapshot:
        first = next(iter(failures.values()))
        raise ClusterUnreachable(f"no kind could be read; {first.kind}: {first.summary}: {first.detail}"[:500])
    return snapshot, failures

