"""The simulated cluster's API server: kmock's Kubernetes emulator, filled in where kmock stops.

kmock serves list/get/create/patch/delete/watch from memory. On top of it this module adds what
real clients rely on: `watch=True` (the official client's spelling), label and field selectors,
watch `timeoutSeconds`, uid/resourceVersion/generation stamping, PUT, the scale subresource, pod logs, pod
evictions (the pod is deleted: no PodDisruptionBudgets) and SelfSubjectAccessReviews (all allowed: there is no RBAC
here). The controller (controller.py) runs in the same event loop and talks to it over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from pathlib import Path
from typing import Any, cast

import aiohttp.web
import attrs
import kmock
import yaml

from simcluster import objects
from simcluster.build import build
from simcluster.scenario import DeploymentSpec, JobSpec, PodSpec, Scenario

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
# resource -> (kind, namespaced, shortnames, subresources)
RESOURCES: dict[str, tuple[str, bool, list[str], list[str]]] = {
    "v1/namespaces": ("Namespace", False, ["ns"], ["status"]),
    "v1/nodes": ("Node", False, ["no"], ["status"]),
    "v1/pods": ("Pod", True, ["po"], ["log", "status", "eviction"]),
    "v1/events": ("Event", True, ["ev"], []),
    "v1/services": ("Service", True, ["svc"], ["status"]),
    "apps/v1/deployments": ("Deployment", True, ["deploy"], ["scale", "status"]),
    "apps/v1/replicasets": ("ReplicaSet", True, ["rs"], ["scale", "status"]),
    "apps/v1/statefulsets": ("StatefulSet", True, ["sts"], ["scale", "status"]),
    "apps/v1/daemonsets": ("DaemonSet", True, ["ds"], ["status"]),
    "batch/v1/jobs": ("Job", True, [], ["status"]),
    "batch/v1/cronjobs": ("CronJob", True, ["cj"], ["status"]),
    "autoscaling/v2/horizontalpodautoscalers": ("HorizontalPodAutoscaler", True, ["hpa"], ["status"]),
    # Read by the root-cause analysis; a scenario has none, as a fresh namespace has none.
    "v1/resourcequotas": ("ResourceQuota", True, ["quota"], ["status"]),
    "v1/limitranges": ("LimitRange", True, ["limits"], []),
    "networking.k8s.io/v1/networkpolicies": ("NetworkPolicy", True, ["netpol"], []),
}

ACCESS_REVIEWS = "authorization.k8s.io/v1/selfsubjectaccessreviews"
# The Namespace objects' own paths: the list, one by name, its status and finalize subresources.
NAMESPACE_PATH = re.compile(r"/api/v1/namespaces(/[^/]+(?:/status|/finalize)?)?/?")
CLUSTER_SCOPE = "_cluster"  # not a DNS label: no namespace is called that


def log(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def api_path(resource: str, namespace: str | None = None, name: str | None = None, sub: str | None = None) -> str:
    *group, version, plural = resource.split("/")
    parts = ["/apis", *group, version] if group else ["/api", version]
    if namespace:
        parts += ["namespaces", namespace]
    parts += [plural] + ([name] if name else []) + ([sub] if sub else [])
    return "/".join(parts)


class SimCluster(kmock.KubernetesEmulator):
    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self._watch_deadlines: set[asyncio.Timeout] = set()
        # Set after every write (POST, PUT, PATCH, DELETE): the controller sleeps until one, not on a timer.
        self.changed = asyncio.Event()
        for resource, (kind, namespaced, shortnames, subresources) in RESOURCES.items():
            self.resources[resource] = kmock.ResourceInfo(
                kind=kind,
                namespaced=namespaced,
                singular=kind.lower(),
                verbs=VERBS,
                shortnames=shortnames,
                categories=["all"] if namespaced and kind != "Event" else [],
                subresources=subresources,
            )
        for resource, obj in build(scenario):
            meta = obj["metadata"]
            self.objects[resource, meta.get("namespace"), meta["name"]] = obj
        self["get", kmock.resource("v1/pods"), kmock.subresource("log")] << self._serve_log
        self[kmock.resource("apps/v1/deployments"), kmock.subresource("scale")] << self._serve_scale
        self["post", kmock.resource(ACCESS_REVIEWS)] << self._serve_access_review

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        # The official client sends `watch=True`; kmock only recognises `watch=true`.
        if raw_request.query.get("watch", "").lower() in {"true", "1"}:
            raw_request = raw_request.clone(rel_url=raw_request.rel_url.update_query(watch="true"))
        if namespace_path := NAMESPACE_PATH.fullmatch(raw_request.rel_url.path):
            # kmock reads every /api/v1/namespaces/X/... as "in namespace X" (the bare list fails with a 500):
            # spelled as a namespaced path of a namespace no object can have, mapped back in `_handle`.
            url = raw_request.rel_url
            path = f"/api/v1/namespaces/{CLUSTER_SCOPE}/namespaces{namespace_path[1] or ''}"
            raw_request = raw_request.clone(rel_url=url.with_path(path).with_query(url.query))
        try:
            return await super().__call__(raw_request)
        finally:
            if self._errors:  # kmock collects request errors for test assertions: log the unexpected ones
                for error in self.errors:
                    if not isinstance(error, kmock.KubernetesError):
                        log("simcluster.request_failed", error=repr(error))
                self.errors.clear()

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        original = request
        if request.namespace == CLUSTER_SCOPE:
            request = attrs.evolve(request, namespace=None)
        if request.resource is not None and isinstance(request.data, dict):
            if request.method == kmock.method.PUT and request.name:  # kmock ignores PUT: merge it
                request = attrs.evolve(request, action=kmock.action.UPDATE)
            if request.subresource == "scale" and request.action == kmock.action.UPDATE:
                replicas = (request.data.get("spec") or {}).get("replicas")  # the rest is Scale, not Deployment
                request = attrs.evolve(request, data={} if replicas is None else {"spec": {"replicas": replicas}})
            if request.subresource == "eviction" and request.method == kmock.method.POST:
                # An Eviction: no PodDisruptionBudget holds it here, so the pod goes (the drain_node tool's way).
                request = attrs.evolve(request, action=kmock.action.DELETE, subresource=None, data={})
            self._stamp(request)
        self._relog(original, request)
        try:
            return await super()._handle(request)
        finally:
            self._relog(request, None)
            if request.method != kmock.method.GET:
                self.changed.set()

    def _relog(self, old: kmock.Request, new: kmock.Request | None) -> None:
        """kmock matches reactions against its log of requests, by identity, and keeps that log forever
        (for test assertions): log a rewritten request in place of the original; drop a finished one."""
        for requests in (self._requests, *(payload._requests for payload in self._payloads)):
            for i in reversed(range(len(requests))):
                if requests[i] is old:
                    if new is None:
                        del requests[i]
                    else:
                        requests[i] = new

    def _stamp(self, request: kmock.Request) -> None:
        """Fill in what the API server owns: uid, resourceVersion, generation, names."""
        meta = request.data.setdefault("metadata", {})
        if request.action == kmock.action.CREATE:
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + objects.random_suffix()
            if request.namespace:
                meta["namespace"] = request.namespace
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", objects.timestamp())
            meta.setdefault("generation", 1)
            meta["resourceVersion"] = objects.next_resource_version()
        elif request.action == kmock.action.UPDATE and request.resource is not None and request.name:
            current = self.get_live(request.resource, request.namespace, request.name)
            if current is not None:
                meta["resourceVersion"] = objects.next_resource_version()
                if "spec" in request.data and request.subresource != "status":
                    meta["generation"] = current["metadata"].get("generation", 1) + 1

    def get_live(self, resource: kmock.resource, namespace: str | None, name: str | None) -> dict[str, Any] | None:
        key = (resource, namespace, name or "")  # kmock matches keys by resource object, not by string
        return self.objects[key].raw if key in self.objects and not self.objects[key].deleted else None

    async def _serve_list(self, request: kmock.Request) -> kmock.Payload:
        result: dict[str, Any] = await super()._serve_list(request)  # type: ignore[assignment]
        assert request.resource is not None
        info = self.resources[request.resource]
        group_version = "/".join(filter(None, [request.resource.group, request.resource.version]))
        return {
            "apiVersion": group_version,
            "kind": f"{info.kind}List",
            "metadata": {"resourceVersion": objects.next_resource_version()},
            "items": [obj for obj in result["items"] if selected(obj, request.params)],
        }

    async def _serve_watch(self, request: kmock.Request) -> AsyncIterator[kmock.Payload]:
        """kmock's watch plus selectors, `resourceVersion` and a server-side `timeoutSeconds`."""
        # Declared an AsyncIterator, it is an async generator: closed below, whichever way the watch ends.
        stream = cast("AsyncGenerator[kmock.Payload, None]", super()._serve_watch(request))
        since = as_number(request.params.get("resourceVersion"))
        timeout = float(request.params.get("timeoutSeconds") or 0) or None
        try:
            async with asyncio.timeout(timeout) as deadline:
                self._watch_deadlines.add(deadline)
                async for event in stream:
                    if not isinstance(event, dict):
                        yield event  # kmock's initial empty chunk that sends the headers
                    elif selected(event["object"], request.params) and not (
                        event["type"] == "ADDED"
                        and as_number(event["object"]["metadata"].get("resourceVersion")) <= since
                    ):
                        yield event
        except TimeoutError:
            return
        finally:
            self._watch_deadlines.discard(deadline)
            await stream.aclose()

    def end_watches(self) -> None:
        """Close every open watch stream (as a real API server does on shutdown)."""
        for deadline in self._watch_deadlines:
            deadline.reschedule(asyncio.get_running_loop().time())

    async def _serve_log(self, request: kmock.Request) -> kmock.Payload:
        pod = self.get_live(kmock.resource("v1/pods"), request.namespace, request.name)
        if pod is None:
            raise kmock.KubernetesError(404, "NotFound", f'pods "{request.name}" not found')
        if not pod["status"].get("containerStatuses"):  # not scheduled: no container was ever created
            container = pod["spec"]["containers"][0]["name"]
            raise kmock.KubernetesError(
                400, "BadRequest", f'container "{container}" in pod "{request.name}" is waiting to start: '
                                   "ContainerCreating")
        status = pod["status"]["containerStatuses"][0]
        waiting = status.get("state", {}).get("waiting", {}).get("reason")
        container = status["name"]
        if waiting == "ImagePullBackOff":
            raise kmock.KubernetesError(
                400,
                "BadRequest",
                f'container "{container}" in pod "{request.name}" is '
                "waiting to start: trying and failing to pull image",
            )
        if waiting in ("CreateContainerConfigError", "ContainerCreating"):
            raise kmock.KubernetesError(
                400, "BadRequest", f'container "{container}" in pod "{request.name}" is waiting to start: {waiting}')
        if request.params.get("previous") == "true" and not status.get("lastState"):
            raise kmock.KubernetesError(
                400, "BadRequest", f'previous terminated container "{container}" in pod "{request.name}" not found'
            )
        specs: list[DeploymentSpec | PodSpec | JobSpec] = [*self.scenario.deployments, *self.scenario.pods]
        spec = next(
            (
                d
                for d in specs
                if d.namespace == request.namespace and d.name == pod["metadata"].get("labels", {}).get("app")
            ),
            None,
        )
        job = next((j for j in self.scenario.jobs if j.namespace == request.namespace
                    and j.name == pod["metadata"].get("labels", {}).get("job-name")), None)
        terminated = status.get("state", {}).get("terminated", {}).get("exitCode")
        source: DeploymentSpec | PodSpec | JobSpec | None = job or spec
        # A container that exited non-zero, never to run again (a Job's try, a bare pod's): what it printed.
        ended = terminated and (job is not None or not pod["metadata"].get("ownerReferences"))
        if waiting == "CrashLoopBackOff" or ended:
            text = (source.logs if source else "") or "fatal: the process exited with status 1\n"
        elif request.params.get("previous") == "true" and spec is not None and spec.logs:
            text = spec.logs  # the container that restarted: what it printed before it exited
        else:
            started = pod["status"].get("startTime", objects.timestamp())
            text = "".join(
                f"{started} INFO  {line}\n"
                for line in (
                    f"starting {container} (image {status['image']})",
                    "listening on 0.0.0.0:8080",
                    "GET /healthz 200 (1.2 ms)",
                    "GET /readyz 200 (0.9 ms)",
                )
            )
        lines = text.splitlines(keepends=True)
        tail = request.params.get("tailLines", "")
        if tail.isdigit():
            lines = lines[-int(tail) :] if int(tail) else []
        return kmock.Response(payload="".join(lines).encode(), headers={"Content-Type": "text/plain"})

    async def _serve_access_review(self, request: kmock.Request) -> kmock.Payload:
        """A SelfSubjectAccessReview: the simulated cluster has no RBAC, so everything is allowed. Like a real
        API server, it keeps no review (kmock stored the POSTed object: it goes)."""
        self.objects[cast(Any, (request.resource, None, None))].delete()  # stored under no name
        return {**request.data, "status": {"allowed": True, "reason": "the simulated cluster has no RBAC"}}

    async def _serve_scale(self, request: kmock.Request) -> kmock.Payload:
        deploy = self.get_live(kmock.resource("apps/v1/deployments"), request.namespace, request.name)
        if deploy is None:
            raise kmock.KubernetesError(404, "NotFound", f'deployments.apps "{request.name}" not found')
        meta = {
            k: v
            for k, v in deploy["metadata"].items()
            if k in {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}
        }
        labels = deploy["spec"]["selector"].get("matchLabels", {})
        return {
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": meta,
            "spec": {"replicas": deploy["spec"].get("replicas", 1)},
            "status": {
                "replicas": deploy.get("status", {}).get("replicas", 0),
                "selector": ",".join(f"{k}={v}" for k, v in labels.items()),
            },
        }


def as_number(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() else 0


def _terms(selector: str) -> list[str]:
    return [term.strip() for term in re.split(r",(?![^()]*\))", selector) if term.strip()]


def selected(obj: Mapping[str, Any], params: Mapping[str, str]) -> bool:
    """Equality- and set-based label selectors, and `path=value` field selectors."""
    labels = obj.get("metadata", {}).get("labels") or {}
    for term in _terms(params.get("labelSelector", "")):
        if m := re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", term):
            if (labels.get(m[1]) in {v.strip() for v in m[3].split(",")}) != (m[2] == "in"):
                return False
        elif m := re.fullmatch(r"([^=!\s]+)\s*(==|=|!=)\s*(\S*)", term):
            if (labels.get(m[1]) == m[3]) != (m[2] != "!="):
                return False
        elif (m := re.fullmatch(r"(!?)(\S+)", term)) and (m[2] in labels) == bool(m[1]):
            return False
    for term in _terms(params.get("fieldSelector", "")):
        if m := re.fullmatch(r"([\w.]+)\s*(==|=|!=)\s*(.*)", term):
            value: Any = obj
            for part in m[1].split("."):
                value = value.get(part, "") if isinstance(value, dict) else ""
            if (str(value) == m[3]) != (m[2] != "!="):
                return False
    return True


def write_kubeconfig(path: Path, url: str) -> None:
    """Write atomically, so a reader never sees a half-written file."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": "simcluster", "cluster": {"server": url}}],
        "users": [{"name": "simcluster", "user": {}}],
        "contexts": [{"name": "simcluster", "context": {"cluster": "simcluster", "user": "simcluster"}}],
        "current-context": "simcluster",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(config, fh, sort_keys=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
