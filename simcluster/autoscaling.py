"""The simulated cluster's HorizontalPodAutoscaler controller, for the scenario's autoscalers.

Each has a load that stays what the scenario says (its `utilization` at `max_replicas`), spread over however many
replicas its deployment runs. On every pass of the controller, as the real one on each sync: the replica count the
load asks for (rounded up, within min and max) is set on the deployment, and the status says what it saw
(ScalingLimited/TooManyReplicas while the maximum holds it back). Raising maxReplicas lets it scale further. The
load lives here, not in the objects (a client must not be able to read the answer off them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from simcluster import objects
from simcluster.objects import Obj
from simcluster.scenario import AutoscalerSpec

if TYPE_CHECKING:
    from simcluster.controller import Controller

HPAS = "autoscaling/v2/horizontalpodautoscalers"


def _target_utilization(spec: dict[str, Any]) -> int:
    for metric in spec.get("metrics") or ():
        target = ((metric.get("resource") or {}).get("target") or {}).get("averageUtilization")
        if target:
            return int(target)
    return 0


def _limited(status: dict[str, Any]) -> str | None:
    return next((c.get("status") for c in status.get("conditions") or () if c.get("type") == "ScalingLimited"), None)


class Autoscalers:
    def __init__(self, specs: Iterable[AutoscalerSpec]) -> None:
        self.load = {(s.namespace, s.name): s.utilization * s.max_replicas for s in specs}

    async def reconcile(self, controller: Controller, deployments: list[Obj], autoscalers: list[Obj]) -> None:
        by_name = {(d["metadata"]["namespace"], d["metadata"]["name"]): d for d in deployments}
        for hpa in autoscalers:
            meta, spec = hpa["metadata"], hpa.get("spec") or {}
            load = self.load.get((meta["namespace"], meta["name"]))
            deploy = by_name.get((meta["namespace"], (spec.get("scaleTargetRef") or {}).get("name")))
            target = _target_utilization(spec)
            if load is None or deploy is None or not target:
                continue  # one a client created, or without its deployment: not simulated
            minimum, maximum = int(spec.get("minReplicas") or 1), int(spec.get("maxReplicas") or 1)
            replicas = deploy["spec"].get("replicas", 1)
            wanted = min(max(-(-load // target), minimum), maximum)
            if wanted != replicas:
                await controller.patch("apps/v1/deployments", deploy, {"spec": {"replicas": wanted}})
                replicas = wanted
            status = objects.autoscaler_status(maximum, replicas, load, target)
            before = hpa.get("status") or {}
            if (before.get("currentReplicas"), before.get("desiredReplicas"), _limited(before)) != (
                    status["currentReplicas"], status["desiredReplicas"], _limited(status)):
                await controller.patch(HPAS, hpa, {"status": status})
