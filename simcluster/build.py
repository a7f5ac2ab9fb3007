"""The objects of a scenario, as the simulated cluster starts with them."""

from __future__ import annotations

import itertools
from datetime import timedelta

from simcluster import failures
from simcluster.objects import (
    Obj,
    autoscaler,
    deployment,
    deployment_status,
    namespace,
    node,
    replica_set,
    with_image,
)
from simcluster.scenario import PodState, Scenario


def build(scenario: Scenario) -> list[tuple[str, Obj]]:
    """Every object of the scenario as (resource, object), in creation order."""
    result: list[tuple[str, Obj]] = [("v1/namespaces", namespace(name)) for name in scenario.all_namespaces]
    result += [("v1/nodes", node(spec, i)) for i, spec in enumerate(scenario.nodes)]
    nodes = [spec.name for spec in scenario.nodes if spec.ready] or [scenario.nodes[0].name]
    slots = itertools.cycle(nodes)
    ceilings = {(a.namespace, a.deployment): a.max_replicas for a in scenario.autoscalers}
    for spec in scenario.deployments:
        spec = spec.model_copy(update={"replicas": ceilings.get((spec.namespace, spec.name), spec.replicas)})
        deploy = deployment(spec)
        rs = replica_set(deploy, revision=1, age=timedelta(days=3))
        age = timedelta(minutes=20)
        if spec.previous_image is not None:  # rolled out minutes ago from the previous image, whose pods are gone
            old = replica_set(with_image(deploy, spec.previous_image), revision=1, age=timedelta(days=3))
            old["spec"]["replicas"] = 0
            result.append(("apps/v1/replicasets", old))
            rs, age = replica_set(deploy, revision=2, age=timedelta(minutes=5)), timedelta(minutes=4)
            deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2"
            deploy["metadata"]["generation"] = 2
        restarts = 6 if spec.state in (PodState.CRASHLOOP, PodState.OOMKILLED) else 0
        pods = [failures.pod(rs, spec.state, spec.node or next(slots), restarts=restarts, age=age,
                             nodes=len(scenario.nodes)) for _ in range(spec.replicas)
                if spec.state != PodState.FORBIDDEN]
        if spec.state == PodState.EVICTED:  # evicted minutes ago; the ReplicaSet's replacements run
            pods += [failures.pod(rs, PodState.HEALTHY, next(slots), age=timedelta(minutes=8))
                     for _ in range(spec.replicas)]
        ready = sum(p["status"]["containerStatuses"][0]["ready"] for p in pods if p["status"].get("containerStatuses"))
        created = min(len(pods), spec.replicas)
        deploy["status"] = deployment_status(spec.replicas, created, created, ready,
                                             deploy["metadata"]["generation"], rs["metadata"]["name"])
        rs["status"] |= {"replicas": created, "readyReplicas": ready, "availableReplicas": ready}
        if spec.state == PodState.FORBIDDEN:
            deploy["status"]["conditions"].append(failures.replica_failure(rs))
            result += [("v1/events", e) for e in failures.forbidden_events(rs)]
        result += [("apps/v1/deployments", deploy), ("apps/v1/replicasets", rs)]
        result += [("v1/pods", p) for p in pods]
        result += [("v1/events", e) for p in pods[: spec.replicas] for e in failures.pod_events(p, spec.state)]
    result += [("autoscaling/v2/horizontalpodautoscalers", autoscaler(spec)) for spec in scenario.autoscalers]
    for pod_spec in scenario.pods:
        bare = failures.bare_pod(pod_spec, next(slots), len(scenario.nodes))
        result += [("v1/pods", bare), *(("v1/events", e) for e in failures.pod_events(bare, pod_spec.state))]
    for job_spec in scenario.jobs:
        result += failures.job(job_spec, next(slots))
    return result
