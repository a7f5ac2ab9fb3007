"""The one chokepoint through which detection talks to a Kubernetes API server (official client)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import msgspec
import structlog
import urllib3
import yaml
from kubernetes import client, config

from incidents.models import Cluster

log = structlog.get_logger(__name__)

REQUEST_TIMEOUT = (5, 30)  # connect, read (seconds)

Snapshot = dict[str, list[dict[str, Any]]]  # kind -> the raw objects of that kind, all namespaces


class ClusterUnreachable(Exception):
    pass


# --- Projections -------------------------------------------------------------------------------
# What detection reads of each kind. Decoding with these (msgspec) skips the rest of each object
# without building it: managedFields, pod specs (containers, env, probes, volumes), annotations. For
# 10k pods that is a third of the CPU of json.loads (bench/poll_cpu.py), and the watcher keeps a
# third of the memory. A detector that starts reading another field must add it here;
# tests/test_projection.py checks every detector finds the same on projected and on whole objects.
# `status` stays whole: it is what detectors read most. Watch ERROR events carry a Status object
# (`code`, `reason`, `message`, and `status` as a string), hence those fields on every kind.


class ObjectMeta(TypedDict, total=False):
    name: str
    namespace: str
    uid: str
    resourceVersion: str
    generation: int
    creationTimestamp: str
    deletionTimestamp: str | None
    labels: dict[str, str] | None
    ownerReferences: list[dict[str, Any]] | None


class PodSpec(TypedDict, total=False):
    nodeName: str


class ReplicasSpec(TypedDict, total=False):
    replicas: int | None


class _Object(TypedDict, total=False):
    apiVersion: str
    kind: str
    metadata: ObjectMeta
    status: Any
    code: int  # a Status object (watch ERROR event)
    reason: str
    message: str


class Pod(_Object, total=False):
    spec: PodSpec


class Replicated(_Object, total=False):  # Deployment, StatefulSet
    spec: ReplicasSpec


class Event(_Object, total=False):
    type: str
    involvedObject: dict[str, Any]
    count: int | None
    series: dict[str, Any] | None
    firstTimestamp: str | None
    lastTimestamp: str | None
    eventTime: str | None
    source: dict[str, Any] | None


class ListMeta(TypedDict, total=False):
    resourceVersion: str
    # `continue` is a Python keyword: see _LIST_META.


PROJECTIONS: dict[str, type] = {
    "Pod": Pod, "Node": _Object, "Event": Event, "Deployment": Replicated, "StatefulSet": Replicated,
    "DaemonSet": _Object, "Job": _Object,
}
_LIST_META = TypedDict("_LIST_META", {"resourceVersion": str, "continue": str}, total=False)


def _list_type(kind: str) -> type:
    return TypedDict(f"{kind}List", {"metadata": _LIST_META, "items": list[PROJECTIONS[kind]]},  # type: ignore[misc]
                     total=False)


def _watch_type(kind: str) -> type:
    return TypedDict(f"{kind}WatchEvent", {"type": str, "object": PROJECTIONS[kind]}, total=False)  # type: ignore[misc]


_LIST_DECODERS = {kind: msgspec.json.Decoder(_list_type(kind)) for kind in PROJECTIONS}
_WATCH_DECODERS = {kind: msgspec.json.Decoder(_watch_type(kind)) for kind in PROJECTIONS}


class Undecodable(ValueError):
    """The body is not JSON, or not shaped like a Kubernetes list (or watch event) of that kind."""


def decode_list(kind: str, data: bytes) -> dict[str, Any]:
    """A list body as `{"metadata": ..., "items": [...]}`, each item projected for detection."""
    try:
        with _no_cyclic_gc():
            body = _LIST_DECODERS[kind].decode(data)
    except msgspec.DecodeError as exc:
        raise Undecodable(str(exc)) from None
    if not isinstance(body.get("items"), list):
        raise Undecodable("the answer has no items list")
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


@dataclass(frozen=True)
class ListedKind:
    api: type[Any]
    method: str
    plural: str  # for messages: "listing statefulsets failed"
    # Core kinds are served by every Kubernetes API server: a 404 on them means the address is not one
    # (a proxy, a wrong path), and treating it as "no objects" would resolve every firing signal.
    core: bool = False
    params: dict[str, str] = field(default_factory=dict)


# Registry: kind -> how to list it across all namespaces with one call. Detection covers these kinds.
LISTED_KINDS: dict[str, ListedKind] = {
    "Pod": ListedKind(client.CoreV1Api, "list_pod_for_all_namespaces", "pods", core=True),
    "Node": ListedKind(client.CoreV1Api, "list_node", "nodes", core=True),
    "Event": ListedKind(client.CoreV1Api, "list_event_for_all_namespaces", "events", core=True,
                        params={"field_selector": "type=Warning"}),
    "Deployment": ListedKind(client.AppsV1Api, "list_deployment_for_all_namespaces", "deployments"),
    "StatefulSet": ListedKind(client.AppsV1Api, "list_stateful_set_for_all_namespaces", "statefulsets"),
    "DaemonSet": ListedKind(client.AppsV1Api, "list_daemon_set_for_all_namespaces", "daemonsets"),
    "Job": ListedKind(client.BatchV1Api, "list_job_for_all_namespaces", "jobs"),
}


def api_client_for(cluster: Cluster) -> client.ApiClient:
    """A client for the cluster's API server. Failures name the file, never its contents (credentials)."""
    in_cluster = cluster.kind == Cluster.Kind.IN_CLUSTER
    source = "the in-cluster service account" if in_cluster else cluster.resolved_kubeconfig
    if not in_cluster and not Path(source).is_file():
        raise ClusterUnreachable(f"cannot load credentials for cluster {cluster.name}: no file at {source}")
    try:
        if in_cluster:
            configuration = client.Configuration()
            config.load_incluster_config(client_configuration=configuration)
            return client.ApiClient(configuration)
        return config.new_client_from_config(
            config_file=cluster.resolved_kubeconfig, context=cluster.context or None
        )
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


def list_kind(api: client.ApiClient, kind: str) -> list[dict[str, Any]]:
    """Every object of `kind` in all namespaces with one list call, as raw JSON (no model deserialisation).

    A kind the server does not serve (404) lists as empty, except the core kinds (see `ListedKind.core`).
    """
    listed = LISTED_KINDS[kind]
    what = f"listing {listed.plural} failed"
    try:
        response = getattr(listed.api(api), listed.method)(
            _preload_content=False, _request_timeout=REQUEST_TIMEOUT, **listed.params
        )
        body = decode_list(kind, response.data)
    except client.ApiException as exc:
        if exc.status == 404 and not listed.core:
            log.warning("kind_not_served", kind=kind, status=exc.status)
            return []
        raise ClusterUnreachable(f"{what}: HTTP {exc.status} {exc.reason}") from None
    except Undecodable as exc:
        raise ClusterUnreachable(f"{what}: the API server answered something that is not a list of {kind}: "
                                 f"{exc}"[:500]) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise ClusterUnreachable(f"{what}: {exc.__class__.__name__}: {exc}") from None
    return body["items"]


def list_snapshot(api: client.ApiClient) -> Snapshot:
    """Every kind detection covers, one list call per kind. All or nothing: any failure raises.

    Not one consistent moment: each list is as of its own call, milliseconds apart.
    """
    snapshot = {kind: list_kind(api, kind) for kind in LISTED_KINDS}
    # Some servers (and emulators) ignore field selectors: keep Warning events only, whatever came back.
    snapshot["Event"] = [event for event in snapshot["Event"] if event.get("type") == "Warning"]
    return snapshot

