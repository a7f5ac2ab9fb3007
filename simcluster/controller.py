"""A Deployment/ReplicaSet controller and garbage collector for the simulated cluster.

It reads the emulator's objects after each write to them (at most one pass per `interval`; a pass that fails is
retried after it) and at its own timers (the crash loop's next restart, the purge of deleted objects), and
writes its changes through the emulator's own HTTP API, so every client's watch sees ADDED/MODIFIED/DELETED
events, as with a real controller manager. A quiet cluster costs it nothing (it used to scan every object twice
a second).

The simulated health of a deployment lives here, not in the objects (a client must not be able
to read the answer off an annotation): it starts as the scenario's `state`, and the first new
ReplicaSet (a rollout restart or any other template change) switches it to healthy when the
scenario says `on_restart: healthy`. Pods are always created in the deployment's current state, except for
a template the scenario knows the health of: the `previous_image` a deployment was rolled out from runs healthy,
so a rollback (the template of an older ReplicaSet again) brings healthy pods back. That ReplicaSet becomes the
newest revision, as with the real controller. A failed pod (evicted) no longer counts towards the replicas, and
its replacement runs healthy; a deployment in state `forbidden` gets no pod at all (a quota refuses them), which
its ReplicaFailure condition says. Pods a Job owns are left to it (simcluster/failures.py builds them). Autoscalers
are kept by simcluster/autoscaling.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import time
import traceback
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from simcluster import autoscaling, failures, objects
from simcluster.objects import Obj
from simcluster.scenario import OnRestart, PodState
from simcluster.server import SimCluster, api_path, log

REVISION = "deployment.kubernetes.io/revision"
PURGE_AFTER = 10.0  # seconds a deleted object stays readable (a DELETE response may still be reading it)


class Controller:
    def __init__(self, cluster: SimCluster, *, interval: float = 0.5, restart_every: float = 30.0) -> None:
        self.cluster = cluster
        self.interval = interval
        self.restart_every = restart_every
        scenario = cluster.scenario
        self.state = {(d.namespace, d.name): d.state for d in scenario.deployments}
        # (namespace, name, pod-template-hash) -> the health of the pods of that template, whatever `state` says
        self.template_state = {
            (d.namespace, d.name, objects.template_hash(objects.with_image(objects.deployment(d), d.previous_image)
                                                         ["spec"]["template"])): PodState.HEALTHY
            for d in scenario.deployments if d.previous_image is not None}
        self.autoscalers = autoscaling.Autoscalers(scenario.autoscalers)
        self.on_restart = {(d.namespace, d.name): d.on_restart for d in scenario.deployments}
        self.nodes = itertools.cycle([n.name for n in scenario.nodes if n.ready] or [scenario.nodes[0].name])
        self.last_restart = time.monotonic()
        self.deleted_at: dict[Any, float] = {}

    async def run(self) -> None:
        while True:
            self.cluster.changed.clear()  # a write from here on, the controller's own included, asks for a pass
            failed = False
            try:
                await self.reconcile()
            except Exception:  # keep the cluster serving; the failure is logged, and the next pass retries
                log("simcluster.controller_failed", traceback=traceback.format_exc())
                failed = True
            self.compact()
            await asyncio.sleep(self.interval)  # at most one pass per interval, however busy the cluster is
            if not failed:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.next_timer()):
                        await self.cluster.changed.wait()

    def next_timer(self) -> float:
        """Seconds until the controller has something to do of its own accord: the crash loop's next restart or
        the purge of a deleted object."""
        now = time.monotonic()
        due = [self.last_restart + self.restart_every]
        if self.deleted_at:
            due.append(min(self.deleted_at.values()) + PURGE_AFTER)
        return max(0.0, min(due) - now)

    def live(self, resource: str) -> list[Obj]:
        return [
            obj.raw for (res, _, _), obj in list(self.cluster.objects.items()) if res == resource and not obj.deleted
        ]

    async def reconcile(self) -> None:
        deployments = self.live("apps/v1/deployments")
        replica_sets = self.live("apps/v1/replicasets")
        pods = self.live("v1/pods")
        children: dict[str, list[Obj]] = defaultdict(list)
        for obj in replica_sets + pods:
            for ref in obj["metadata"].get("ownerReferences", []):
                children[ref["uid"]].append(obj)
        for deploy in deployments:
            await self.sync(deploy, children[deploy["metadata"]["uid"]], children)
        # Garbage collection: dependents whose owner is gone go too (pods follow on the next tick).
        alive = {obj["metadata"]["uid"] for obj in deployments + replica_sets + self.live("batch/v1/jobs")}
        for resource, objs in (("apps/v1/replicasets", replica_sets), ("v1/pods", pods)):
            for obj in objs:
                refs = obj["metadata"].get("ownerReferences", [])
                if refs and not any(ref["uid"] in alive for ref in refs):
                    await self.delete(resource, obj)
        await self.autoscalers.reconcile(self, deployments, self.live("autoscaling/v2/horizontalpodautoscalers"))
        if time.monotonic() - self.last_restart >= self.restart_every:
            self.last_restart = time.monotonic()
            await self.crash_again(pods)

    async def sync(self, deploy: Obj, replica_sets: list[Obj], children: dict[str, list[Obj]]) -> None:
        """One deployment: its current ReplicaSet (a new one for a new template) with the desired number of
        pods, older ReplicaSets scaled to zero, and the status of both."""
        meta, desired = deploy["metadata"], deploy["spec"].get("replicas", 1)
        current = await self.current_replica_set(deploy, replica_sets, desired)
        key = (meta["namespace"], meta["name"])
        state = self.template_state.get((*key, current["metadata"]["labels"].get("pod-template-hash", "")),
                                        self.state.get(key, PodState.HEALTHY))
        pods = await self.scale_pods(current, children[current["metadata"]["uid"]], desired, state)
        await self.retire_old(deploy, current, replica_sets, children)
        await self.update_status(deploy, current, pods, desired, forbidden=state == PodState.FORBIDDEN)

    async def current_replica_set(self, deploy: Obj, replica_sets: list[Obj], desired: int) -> Obj:
        """The ReplicaSet of the deployment's template; created (a rollout: restart, image change...) if none."""
        meta, spec = deploy["metadata"], deploy["spec"]
        pod_hash = objects.template_hash(spec["template"])
        current = next(
            (rs for rs in replica_sets if rs["metadata"]["labels"].get("pod-template-hash") == pod_hash), None
        )
        newest = max((int(rs["metadata"]["annotations"].get(REVISION, 0)) for rs in replica_sets), default=0)
        if current is not None:
            if int(current["metadata"]["annotations"].get(REVISION, 0)) < newest:  # a rollback: its revision is new
                revision = {"metadata": {"annotations": {REVISION: str(newest + 1)}}}
                await self.patch("apps/v1/replicasets", current, revision)
                await self.patch("apps/v1/deployments", deploy, revision)
                current["metadata"]["annotations"][REVISION] = str(newest + 1)
            return current
        key = (meta["namespace"], meta["name"])
        if replica_sets and self.on_restart.get(key) == OnRestart.HEALTHY:
            self.state[key] = PodState.HEALTHY
        current = await self.create("apps/v1/replicasets", objects.replica_set(deploy, newest + 1))
        await self.patch("apps/v1/deployments", deploy, {"metadata": {"annotations": {REVISION: str(newest + 1)}}})
        await self.record(deploy, f"Scaled up replica set {current['metadata']['name']} from 0 to {desired}")
        return current

    async def scale_pods(self, current: Obj, owned: list[Obj], desired: int, state: PodState) -> list[Obj]:
        """Create or delete pods of the current ReplicaSet until it has `desired`; the pods it keeps."""
        # A failed pod (evicted) stays until someone deletes it, but no longer counts: the ReplicaSet replaces it.
        pods = sorted((p for p in owned if p.get("status", {}).get("phase") != "Failed"),
                      key=lambda p: p["metadata"]["creationTimestamp"])
        state = failures.replacement_state(state)
        for _ in range(desired - len(pods) if state != PodState.FORBIDDEN else 0):  # a quota refuses them
            pod = failures.pod(current, state, next(self.nodes), restarts=1 if state != PodState.IMAGEPULL else 0,
                               nodes=len(self.cluster.scenario.nodes))
            pods.append(await self.create("v1/pods", pod))
            for event in failures.pod_events(pod, state):
                await self.create("v1/events", event)
        for pod in pods[desired:]:  # scale down: newest first
            await self.delete("v1/pods", pod)
        return pods[:desired]

    async def retire_old(self, deploy: Obj, current: Obj, replica_sets: list[Obj],
                         children: dict[str, list[Obj]]) -> None:
        """Older ReplicaSets lose their pods and are scaled to zero."""
        for old in replica_sets:
            if old["metadata"]["uid"] == current["metadata"]["uid"]:
                continue
            for pod in children[old["metadata"]["uid"]]:
                await self.delete("v1/pods", pod)
            if old["spec"].get("replicas"):
                await self.patch(
                    "apps/v1/replicasets",
                    old,
                    {"spec": {"replicas": 0}, "status": {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0}},
                )
                await self.record(
                    deploy, f"Scaled down replica set {old['metadata']['name']} from {old['spec']['replicas']} to 0"
                )

    async def update_status(self, deploy: Obj, current: Obj, pods: list[Obj], desired: int, *,
                            forbidden: bool = False) -> None:
        """The current ReplicaSet's replicas and status, and the deployment's status, patched when they differ
        (`forbidden`: the ReplicaSet cannot create its pods, which the Deployment's ReplicaFailure condition says)."""
        ready = sum(
            1
            for pod in pods
            if any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
        )
        rs_status = {"replicas": len(pods), "readyReplicas": ready, "availableReplicas": ready}
        if (before := current["spec"].get("replicas")) != desired:
            direction = "up" if desired > before else "down"
            await self.record(
                deploy, f"Scaled {direction} replica set {current['metadata']['name']} from {before} to {desired}"
            )
        if before != desired or any(current["status"].get(k) != v for k, v in rs_status.items()):
            await self.patch("apps/v1/replicasets", current, {"spec": {"replicas": desired}, "status": rs_status})
        generation = deploy["metadata"].get("generation", 1)
        status = objects.deployment_status(desired, len(pods), len(pods), ready, generation,
                                           current["metadata"]["name"])
        if forbidden:
            status["conditions"].append(failures.replica_failure(current))
        counters = ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
        progressing = [c.get("message") for c in deploy.get("status", {}).get("conditions", [])
                       if c.get("type") == "Progressing"]
        if any(deploy.get("status", {}).get(k) != status[k] for k in counters) or progressing != [
                status["conditions"][1]["message"]]:
            await self.patch("apps/v1/deployments", deploy, {"status": status})

    async def crash_again(self, pods: list[Obj]) -> None:
        """A crash-looping container keeps restarting: bump restartCount like the kubelet does."""
        now = datetime.now(UTC)
        for pod in pods:
            statuses = copy.deepcopy(pod.get("status", {}).get("containerStatuses", []))
            crashing = [
                s for s in statuses if s.get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff"
            ]
            for status in crashing:
                status["restartCount"] += 1
                status["lastState"]["terminated"] |= {
                    "startedAt": objects.timestamp(now - timedelta(seconds=3)),
                    "finishedAt": objects.timestamp(now),
                }
            if crashing:
                await self.patch("v1/pods", pod, {"status": {"containerStatuses": statuses}}, sub="status")

    async def record(self, deploy: Obj, message: str) -> None:
        event = objects.event(deploy, "Normal", "ScalingReplicaSet", message, component="deployment-controller")
        await self.create("v1/events", event)

    async def create(self, resource: str, obj: Obj) -> Obj:
        path = api_path(resource, obj["metadata"].get("namespace"))
        return await self._request("post", path, json=obj)

    async def patch(self, resource: str, obj: Obj, body: Obj, sub: str | None = None) -> Obj:
        path = api_path(resource, obj["metadata"].get("namespace"), obj["metadata"]["name"], sub)
        return await self._request(
            "patch", path, json=body, missing_ok=True, headers={"Content-Type": "application/merge-patch+json"}
        )

    async def delete(self, resource: str, obj: Obj) -> None:
        path = api_path(resource, obj["metadata"].get("namespace"), obj["metadata"]["name"])
        await self._request("delete", path, missing_ok=True)

    async def _request(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Obj:
        async with self.cluster.request(method, path, **kwargs) as response:
            if missing_ok and response.status == 404:  # a client deleted it since the snapshot
                return {}
            if response.status >= 300:
                raise RuntimeError(f"{method.upper()} {path}: HTTP {response.status}: {await response.text()}")
            result: Obj = await response.json()
            return result

    def compact(self) -> None:
        """kmock keeps every version of every object forever; a long-running cluster keeps the latest."""
        now = time.monotonic()
        for key, obj in list(self.cluster.objects.items()):
            if not obj.deleted:
                self.deleted_at.pop(key, None)
                if len(obj.history) > 1:
                    del obj.history[:-1]
            # Purge soft-deleted objects a little later: the DELETE response may still be reading them.
            elif now - self.deleted_at.setdefault(key, now) >= PURGE_AFTER:
                del self.cluster.objects[key]
                del self.deleted_at[key]
