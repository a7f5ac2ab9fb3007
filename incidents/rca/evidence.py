"""The evidence of an incident, read from its cluster for the root-cause analysis.

Read straight from the Kubernetes API with the cluster's credentials (read-only calls): the incident's
pods (its workload's, newest first), their nodes and volume claims, the namespace's events about them,
and each container's current and previous logs, each bounded.
"""

from __future__ import annotations

import json
from typing import Any, cast

import structlog
import urllib3
from kubernetes import client

from incidents.kube import api_client_for
from incidents.models import Incident

log = structlog.get_logger(__name__)
MAX_PODS, MAX_EVENTS, LOG_LINES, MAX_LOG_CHARS = 3, 60, 300, 20_000
LOG_BYTES = 256 * 1024  # a gigabyte log (or one endless line) is read with a bound
TIMEOUT = (5, 20)


def _json(method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    response = method(*args, _preload_content=False, _request_timeout=TIMEOUT, **kwargs)
    return json.loads(response.data)


def gather_context(incident: Incident) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """(objects, events, logs) of the incident, in the shape `incidents.rca.engine.analyze` reads."""
    if incident.cluster is None:
        return [], [], {}
    api = api_client_for(incident.cluster)
    core = client.CoreV1Api(api)
    namespace, name = incident.namespace, incident.object_name
    objects: list[dict[str, Any]] = []
    if incident.object_kind == "Node" or not namespace:
        node = _json(core.read_node, name)
        return [{"kind": "Node", **node}], [], {}
    owned, owners = _workload_pods(api, namespace, incident.object_kind, name)
    owned.sort(key=lambda p: (p.get("metadata") or {}).get("creationTimestamp") or "", reverse=True)
    pods = owned[:MAX_PODS]
    objects += [{"kind": "Pod", **p} for p in pods]
    for node_name in sorted({n for p in pods if (n := (p.get("spec") or {}).get("nodeName"))}):
        objects.append({"kind": "Node", **_json(core.read_node, node_name)})
    for claim in sorted({v["persistentVolumeClaim"]["claimName"] for p in pods for v in (p.get("spec") or {})
                         .get("volumes") or [] if v.get("persistentVolumeClaim")}):
        objects.append({"kind": "PersistentVolumeClaim",
                        **_json(core.read_namespaced_persistent_volume_claim, claim, namespace)})
    if incident.object_kind in {"Deployment", "Pod", ""}:
        objects += _owner_and_history(client.AppsV1Api(api), namespace, name)
    # Events about the workload, its ReplicaSets (or Jobs) and every pod it owns, not only the newest few.
    names = {_name(o) for o in (*owned, *owners)} | {name}
    events = [e for e in _json(core.list_namespaced_event, namespace).get("items") or []
              if ((e.get("involvedObject") or {}).get("name") or "") in names]
    events.sort(key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "", reverse=True)
    logs: dict[str, str] = {}
    for pod in pods:
        pod_name = pod["metadata"]["name"]
        for container in (pod.get("spec") or {}).get("containers") or []:
            for previous in (False, True):
                try:
                    # Not preloaded: the raw urllib3 response (the client's annotation says str).
                    response = cast(urllib3.BaseHTTPResponse, core.read_namespaced_pod_log(
                        pod_name, namespace, container=container["name"], previous=previous, tail_lines=LOG_LINES,
                        limit_bytes=LOG_BYTES, _preload_content=False, _request_timeout=TIMEOUT))
                    text = response.data
                except client.ApiException:
                    continue  # no previous container (never restarted), or not started yet
                key = f"{namespace}/{pod_name}/{container['name']}" + (":previous" if previous else "")
                logs[key] = text.decode("utf-8", errors="replace")[-MAX_LOG_CHARS:]
    return objects, events[:MAX_EVENTS], logs


# The kinds whose pods belong to them through objects in between: a Deployment's pods are owned by its
# ReplicaSets, a CronJob's by its Jobs. Any other kind (StatefulSet, DaemonSet, Job, ReplicaSet) owns its pods.
_THROUGH = {"Deployment": ("ReplicaSet", client.AppsV1Api, "list_namespaced_replica_set"),
            "CronJob": ("Job", client.BatchV1Api, "list_namespaced_job")}


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _uid(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _owned_by(obj: dict[str, Any], kind: str, name: str, uid: str = "") -> bool:
    """Whether `obj` names (kind, name) among its owners (and that owner's uid, when both sides know it)."""
    return any(ref.get("kind") == kind and ref.get("name") == name and (not uid or ref.get("uid") in (None, uid))
               for ref in (obj.get("metadata") or {}).get("ownerReferences") or [])


def owned_pods(pods: list[dict[str, Any]], kind: str, name: str,
               between: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pods of workload (kind, name) by ownership, never by name prefix (`checkout` is not `checkout-db`).

    `between` holds the namespace's objects of the kind in between (ReplicaSets of a Deployment, Jobs of a
    CronJob; see `_THROUGH`). A Pod (or an incident of no kind) is the pod of that name. Returns the pods and
    the objects in between that own them.
    """
    if kind in {"Pod", ""}:
        return [p for p in pods if _name(p) == name], []
    if kind in _THROUGH:
        owners = [o for o in between if _owned_by(o, kind, name)]
        through = _THROUGH[kind][0]
        return [p for p in pods if any(_owned_by(p, through, _name(o), _uid(o)) for o in owners)], owners
    return [p for p in pods if _owned_by(p, kind, name)], []


def _workload_pods(api: client.ApiClient, namespace: str, kind: str,
                   name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pods = _json(client.CoreV1Api(api).list_namespaced_pod, namespace).get("items") or []
    between: list[dict[str, Any]] = []
    if kind in _THROUGH:
        _, api_class, method = _THROUGH[kind]
        between = _json(getattr(api_class(api), method), namespace).get("items") or []
    return owned_pods(pods, kind, name, between)


def _owner_and_history(apps: Any, namespace: str, name: str) -> list[dict[str, Any]]:
    """The Deployment and its ReplicaSets (revisions, images): what changed recently."""
    try:
        deployment = _json(apps.read_namespaced_deployment, name, namespace)
    except client.ApiException:
        return []  # not a Deployment (a bare pod, a StatefulSet...)
    sets = [r for r in _json(apps.list_namespaced_replica_set, namespace).get("items") or []
            if any(o.get("kind") == "Deployment" and o.get("name") == name
                   for o in (r.get("metadata") or {}).get("ownerReferences") or [])]
    sets.sort(key=lambda r: int(((r.get("metadata") or {}).get("annotations") or {})
                                .get("deployment.kubernetes.io/revision") or 0), reverse=True)
    return [{"kind": "Deployment", **deployment}, *({"kind": "ReplicaSet", **r} for r in sets[:3])]
