"""The evidence of an incident, read from its cluster for the root-cause analysis.

Read straight from the Kubernetes API with the cluster's credentials (read-only calls), each bounded: the
incident's pods (its workload's, newest first), their nodes and volume claims; the workload and the controllers
between it and its pods (a Deployment and its latest ReplicaSets, a CronJob and its latest Jobs, a StatefulSet,
DaemonSet, Job or ReplicaSet and whatever controls it), whose conditions say what the controllers could not do;
the namespace's ResourceQuotas, LimitRanges and NetworkPolicies; the namespace's events about all of these; and
the current and previous logs of every container, init containers included.

What could not be read is named rather than fatal: a 403 (RBAC) or 404 on one of the optional kinds, the logs of
a pod that restarted, or the events, lands in `unavailable` and the analysis goes on with the rest.

Secrets: the logs are held as read, in memory only, for the engine: a line like "token: invalid" is evidence
(redacting before the analysis cost 3 right answers of the corpus). They are never stored or sent as they are:
every text the engine emits (`incidents/rca/findings.py`) and the language model's prompt
(`incidents/rca/llm.py`) go through `aiops_project.redaction.redact`; tests/test_secret_seeds.py checks both.
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
MAX_CONTAINERS = 8  # per pod, init containers included: the troubled ones first
MAX_HISTORY = 3  # ReplicaSets (revisions) of a Deployment, Jobs of a CronJob
MAX_QUOTAS, MAX_LIMIT_RANGES, MAX_POLICIES = 20, 20, 50  # of the namespace, one page each
TIMEOUT = (5, 20)

Objects = list[dict[str, Any]]
Context = tuple[Objects, Objects, dict[str, str], list[str]]


def _json(method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    response = method(*args, _preload_content=False, _request_timeout=TIMEOUT, **kwargs)
    return json.loads(response.data)


class _Reads:
    """Read calls on one cluster that record what could not be read instead of failing the analysis."""

    def __init__(self, api: client.ApiClient) -> None:
        self.api = api
        self.unavailable: list[str] = []

    def missing(self, what: str) -> None:
        if what not in self.unavailable:
            self.unavailable.append(what)

    def optional(self, what: str, method: Any, *args: Any, absent_ok: bool = False,
                 **kwargs: Any) -> dict[str, Any] | None:
        """The object or list, or None when it is refused (403: RBAC), not served (404) or unreadable, and
        then `what` is unavailable; with `absent_ok`, an object that does not exist (404) is just None."""
        try:
            return _json(method, *args, **kwargs)
        except client.ApiException as exc:
            if exc.status == 404 and absent_ok:
                return None
            log.info("rca_evidence_unavailable", what=what, status=exc.status, reason=exc.reason)
        except (urllib3.exceptions.HTTPError, ValueError) as exc:
            log.info("rca_evidence_unavailable", what=what, error=exc.__class__.__name__)
        self.missing(what)
        return None

    def items(self, what: str, method: Any, *args: Any, limit: int | None = None) -> Objects:
        paged: dict[str, Any] = {"limit": limit} if limit else {}
        found = self.optional(what, method, *args, **paged)
        items = (found or {}).get("items") or []
        return items[:limit] if limit else items


def gather_context(incident: Incident) -> Context:
    """(objects, events, logs, unavailable) of the incident, in the shape `incidents.rca.engine.analyze` reads.

    `unavailable` names what could not be read ("cluster" when the incident names none; "resourcequotas",
    "limitranges", "networkpolicies", "events", "logs", a workload kind...). A cluster that cannot be reached or
    refuses its pods raises (ClusterUnreachable, ApiException, urllib3's errors)."""
    if incident.cluster is None:
        return [], [], {}, ["cluster"]
    reads = _Reads(api_client_for(incident.cluster))
    core = client.CoreV1Api(reads.api)
    namespace, name, kind = incident.namespace, incident.object_name, incident.object_kind
    if kind == "Node" or not namespace:
        node = reads.optional("nodes", core.read_node, name, absent_ok=True)
        return ([{"kind": "Node", **node}] if node else []), [], {}, reads.unavailable
    owned, owners = _workload_pods(reads, namespace, kind, name)
    owned.sort(key=lambda p: (p.get("metadata") or {}).get("creationTimestamp") or "", reverse=True)
    pods = owned[:MAX_PODS]
    objects: Objects = [{"kind": "Pod", **p} for p in pods]
    for node_name in sorted({n for p in pods if (n := (p.get("spec") or {}).get("nodeName"))}):
        if node := reads.optional("nodes", core.read_node, node_name, absent_ok=True):
            objects.append({"kind": "Node", **node})
    for claim in sorted({v["persistentVolumeClaim"]["claimName"] for p in pods for v in (p.get("spec") or {})
                         .get("volumes") or [] if v.get("persistentVolumeClaim")}):
        # A claim that does not exist is evidence too: the pod's events say so.
        if found := reads.optional("persistentvolumeclaims", core.read_namespaced_persistent_volume_claim, claim,
                                   namespace, absent_ok=True):
            objects.append({"kind": "PersistentVolumeClaim", **found})
    controllers = _controllers(reads, namespace, kind, name, pods, owners)
    objects += controllers
    objects += [{"kind": "ResourceQuota", **q} for q in reads.items(
        "resourcequotas", core.list_namespaced_resource_quota, namespace, limit=MAX_QUOTAS)]
    objects += [{"kind": "LimitRange", **r} for r in reads.items(
        "limitranges", core.list_namespaced_limit_range, namespace, limit=MAX_LIMIT_RANGES)]
    objects += [{"kind": "NetworkPolicy", **p} for p in reads.items(
        "networkpolicies", client.NetworkingV1Api(reads.api).list_namespaced_network_policy, namespace,
        limit=MAX_POLICIES)]
    # Events about the workload, its controllers (ReplicaSets, Jobs, the Deployment or CronJob above them) and
    # every pod it owns, not only the newest few: a FailedCreate on a ReplicaSet is why there is no pod.
    names = {_name(o) for o in (*owned, *owners, *controllers)} | {name}
    listed = reads.optional("events", core.list_namespaced_event, namespace)
    events = [e for e in (listed or {}).get("items") or []
              if ((e.get("involvedObject") or {}).get("name") or "") in names]
    events.sort(key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "", reverse=True)
    logs: dict[str, str] = {}
    for pod in pods:
        logs.update(_pod_logs(reads, core, namespace, pod))
    return objects, events[:MAX_EVENTS], logs, reads.unavailable


def _pod_logs(reads: _Reads, core: client.CoreV1Api, namespace: str, pod: dict[str, Any]) -> dict[str, str]:
    """The current and previous logs of the pod's containers and init containers, the troubled ones first.

    A previous log is asked for only of a container that restarted (or whose status is unknown). "logs" is
    unavailable when reading them is refused, or when a pod that restarted yielded no log at all."""
    pod_name, spec, status = pod["metadata"]["name"], pod.get("spec") or {}, pod.get("status") or {}
    states = {s.get("name"): s for s in (*(status.get("initContainerStatuses") or []),
                                         *(status.get("containerStatuses") or []))}
    containers = [c["name"] for c in (*(spec.get("initContainers") or []), *(spec.get("containers") or []))
                  if c.get("name")]

    def trouble(container: str) -> int:
        state = states.get(container) or {}
        return 0 if state.get("restartCount") or (state.get("state") or {}).get("waiting") or (
            (state.get("state") or {}).get("terminated") or {}).get("exitCode") else 1

    logs: dict[str, str] = {}
    for container in sorted(containers, key=trouble)[:MAX_CONTAINERS]:
        state = states.get(container)
        restarted = state is None or bool(state.get("restartCount") or (state.get("lastState") or {}).get("terminated"))
        for previous in (False, True) if restarted else (False,):
            try:
                # Not preloaded: the raw urllib3 response (the client's annotation says str).
                response = cast(urllib3.BaseHTTPResponse, core.read_namespaced_pod_log(
                    pod_name, namespace, container=container, previous=previous, tail_lines=LOG_LINES,
                    limit_bytes=LOG_BYTES, _preload_content=False, _request_timeout=TIMEOUT))
                text = response.data
            except client.ApiException as exc:
                if exc.status in (401, 403):
                    reads.missing("logs")
                continue  # no previous container (never restarted), or not started yet
            except urllib3.exceptions.HTTPError:
                continue  # the kubelet did not answer in time: the other containers' logs may still come
            key = f"{namespace}/{pod_name}/{container}" + (":previous" if previous else "")
            logs[key] = text.decode("utf-8", errors="replace")[-MAX_LOG_CHARS:]
    if not logs and any(s.get("restartCount") for s in states.values()):
        reads.missing("logs")
    return logs


# The kinds whose pods belong to them through objects in between: a Deployment's pods are owned by its
# ReplicaSets, a CronJob's by its Jobs. Any other kind (StatefulSet, DaemonSet, Job, ReplicaSet) owns its pods.
_THROUGH = {"Deployment": ("ReplicaSet", client.AppsV1Api, "list_namespaced_replica_set", "replicasets"),
            "CronJob": ("Job", client.BatchV1Api, "list_namespaced_job", "jobs")}
# kind -> (API, read method, resource): the controllers read for their conditions.
_READ = {"Deployment": (client.AppsV1Api, "read_namespaced_deployment", "deployments"),
         "StatefulSet": (client.AppsV1Api, "read_namespaced_stateful_set", "statefulsets"),
         "DaemonSet": (client.AppsV1Api, "read_namespaced_daemon_set", "daemonsets"),
         "ReplicaSet": (client.AppsV1Api, "read_namespaced_replica_set", "replicasets"),
         "Job": (client.BatchV1Api, "read_namespaced_job", "jobs"),
         "CronJob": (client.BatchV1Api, "read_namespaced_cron_job", "cronjobs")}


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _uid(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _owned_by(obj: dict[str, Any], kind: str, name: str, uid: str = "") -> bool:
    """Whether `obj` names (kind, name) among its owners (and that owner's uid, when both sides know it)."""
    return any(ref.get("kind") == kind and ref.get("name") == name and (not uid or ref.get("uid") in (None, uid))
               for ref in (obj.get("metadata") or {}).get("ownerReferences") or [])


def _controller_of(obj: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, name) of the object's controller among the kinds read here (the controlling owner first)."""
    refs = [r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("kind") in _READ]
    refs.sort(key=lambda r: not r.get("controller"))
    return (refs[0]["kind"], refs[0]["name"]) if refs else None


def owned_pods(pods: Objects, kind: str, name: str, between: Objects) -> tuple[Objects, Objects]:
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


def _workload_pods(reads: _Reads, namespace: str, kind: str, name: str) -> tuple[Objects, Objects]:
    pods = _json(client.CoreV1Api(reads.api).list_namespaced_pod, namespace).get("items") or []
    between: Objects = []
    if kind in _THROUGH:
        _, api_class, method, resource = _THROUGH[kind]
        between = reads.items(resource, getattr(api_class(reads.api), method), namespace)
    return owned_pods(pods, kind, name, between)


def _controllers(reads: _Reads, namespace: str, kind: str, name: str, pods: Objects,
                 owners: Objects) -> Objects:
    """The workload and the controllers between it and its pods, with their conditions.

    Up from the workload (or, for a Pod, from its controller) along the controlling owners: a ReplicaSet to its
    Deployment, a Job to its CronJob. A Deployment comes with its latest ReplicaSets (revisions, images: what
    changed recently), a CronJob with its latest Jobs, the ones that own the context's pods always among them.
    """
    start: tuple[str, str] | None = (kind, name) if kind in _READ else None
    if start is None and pods:
        start = _controller_of(pods[0])
    elif start is None and kind == "":
        start = ("Deployment", name)  # an alert that names a workload without its kind
    listed = {(o.get("kind") or _THROUGH[kind][0], _name(o)): o for o in owners} if kind in _THROUGH else {}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    while start is not None and start not in found and len(found) < 3:
        obj = listed.get(start) or _read(reads, namespace, *start)
        if obj is None:
            break
        found[start] = {**obj, "kind": start[0]}
        start = _controller_of(obj)
    top = next(reversed(found.values()), None) if found else None
    history: Objects = []
    if top is not None and top["kind"] in _THROUGH:
        through, api_class, method, resource = _THROUGH[top["kind"]]
        candidates = owners if kind == top["kind"] else reads.items(
            resource, getattr(api_class(reads.api), method), namespace)
        history = [o for o in candidates if _owned_by(o, top["kind"], _name(top), _uid(top))]
        history.sort(key=_revision if through == "ReplicaSet" else _created, reverse=True)
        keep = {_name(o) for o in history[:MAX_HISTORY]} | {
            _name(o) for o in history if any(_owned_by(p, through, _name(o), _uid(o)) for p in pods)}
        history = [{**o, "kind": through} for o in history if _name(o) in keep]
    ordered = list(reversed(found.values()))
    seen = {(o["kind"], _name(o)) for o in ordered}
    return ordered + [o for o in history if (o["kind"], _name(o)) not in seen]


def _read(reads: _Reads, namespace: str, kind: str, name: str) -> dict[str, Any] | None:
    """The controller (kind, name), or None when it is gone (or refused: then its kind is unavailable)."""
    api_class, method, resource = _READ[kind]
    return reads.optional(resource, getattr(api_class(reads.api), method), name, namespace, absent_ok=True)


def _revision(replica_set: dict[str, Any]) -> int:
    annotations = (replica_set.get("metadata") or {}).get("annotations") or {}
    try:
        return int(annotations.get("deployment.kubernetes.io/revision") or 0)
    except ValueError:
        return 0


def _created(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("creationTimestamp") or "")
