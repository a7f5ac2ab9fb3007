"""Scenario files: what the simulated cluster contains and how it is broken.

A scenario is a YAML mapping::

    name: crashloop                       # required, short identifier
    description: Checkout cannot reach its database.   # optional free text
    namespaces: [shop]                    # "default" always exists as well
    nodes:                                # at least one
      - name: sim-node-1
        ready: true                       # optional, default true
        pressure: [MemoryPressure]        # optional: conditions the kubelet reports True (MemoryPressure,
                                          # DiskPressure, PIDPressure), with their NoSchedule taints
    deployments:                          # optional, default none
      - name: checkout                    # DNS-1123 label, unique per namespace
        namespace: shop                   # must be listed in `namespaces` (or be "default")
        replicas: 1                       # optional, default 1
        image: registry.example.com/shop/checkout:1.4.2
        state: crashloop                  # healthy | crashloop | imagepull | oomkilled (default healthy), or
                                          # configerror | unschedulable | evicted | restarting | mountfail |
                                          # unready | probefail | forbidden (simcluster/failures.py says what
                                          # each shows)
        logs: |                           # what the failing container prints (optional)
          Traceback (most recent call last): ...
        on_restart: healthy               # healthy | unchanged (default unchanged):
                                          # what the pods of a rollout restart come up as
        previous_image: registry.example.com/shop/checkout:1.4.1   # optional: the deployment was rolled out
                                          # from this image (revision 1, its pods healthy) to `image` (revision
                                          # 2) a few minutes ago; a rollback to it brings healthy pods back
        node: sim-node-2                  # optional: where its pods run at the start (even a node not ready);
                                          # the pods that replace them go to ready nodes
    autoscalers:                          # optional: HorizontalPodAutoscalers (autoscaling/v2) on CPU
      - name: checkout                    # unique per namespace
        namespace: shop
        deployment: checkout              # its target, a deployment of the scenario
        min_replicas: 1                   # optional, default 1
        max_replicas: 4                   # the deployment runs this many at the start
        target_utilization: 60            # percent of the CPU requests
        utilization: 90                   # at the start; the load stays, spread over however many pods run
    pods:                                 # optional: pods no controller owns (`kubectl run`), in a state
      - name: debug-shell                 # as a deployment's pods (default healthy), with `logs` likewise,
                                          # or failed (restartPolicy Never: exited 1, never to run again)
        namespace: shop
        image: registry.example.com/tools/shell:1.0
        state: crashloop
    jobs:                                 # optional: Jobs (batch/v1) that ran to the end
      - name: nightly-report              # unique per namespace
        namespace: shop
        image: registry.example.com/shop/report:2.0.1
        failed: true                      # optional, default true: out of retries (BackoffLimitExceeded),
                                          # its pods failed; false: complete
        logs: |                           # what its failed container printed (optional)
          error: ...

Unknown keys are refused, so a typo never passes silently. `load_scenario` raises
`ScenarioError` whose message reads ``<file>:<line>: <field>: <problem>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import pydantic

from aiops_project.yamlfile import YamlFileError, field_line, load_yaml_model

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
Name = Annotated[str, pydantic.StringConstraints(pattern=DNS_LABEL)]


class ScenarioError(YamlFileError):
    """A scenario file that cannot be used; the message names the file, the line and the field."""


class PodState(StrEnum):
    HEALTHY = "healthy"
    CRASHLOOP = "crashloop"
    IMAGEPULL = "imagepull"
    OOMKILLED = "oomkilled"
    CONFIGERROR = "configerror"
    UNSCHEDULABLE = "unschedulable"
    EVICTED = "evicted"
    RESTARTING = "restarting"
    MOUNTFAIL = "mountfail"
    UNREADY = "unready"
    PROBEFAIL = "probefail"
    FORBIDDEN = "forbidden"
    FAILED = "failed"


class OnRestart(StrEnum):
    HEALTHY = "healthy"
    UNCHANGED = "unchanged"


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class NodeSpec(_Model):
    name: Name
    ready: bool = True
    pressure: list[Literal["MemoryPressure", "DiskPressure", "PIDPressure"]] = []


class DeploymentSpec(_Model):
    name: Name
    namespace: Name = "default"
    replicas: Annotated[int, pydantic.Field(ge=0, le=20)] = 1
    image: Annotated[str, pydantic.Field(min_length=1)]
    state: PodState = PodState.HEALTHY
    logs: str = ""
    on_restart: OnRestart = OnRestart.UNCHANGED
    previous_image: Annotated[str, pydantic.Field(min_length=1)] | None = None
    node: Name | None = None


class AutoscalerSpec(_Model):
    name: Name
    namespace: Name = "default"
    deployment: Name
    min_replicas: Annotated[int, pydantic.Field(ge=1, le=20)] = 1
    max_replicas: Annotated[int, pydantic.Field(ge=1, le=20)]
    target_utilization: Annotated[int, pydantic.Field(ge=1, le=1000)]
    utilization: Annotated[int, pydantic.Field(ge=0, le=10000)]


class PodSpec(_Model):
    name: Name
    namespace: Name = "default"
    image: Annotated[str, pydantic.Field(min_length=1)]
    state: PodState = PodState.HEALTHY
    logs: str = ""


class JobSpec(_Model):
    name: Name
    namespace: Name = "default"
    image: Annotated[str, pydantic.Field(min_length=1)]
    failed: bool = True
    logs: str = ""


class Scenario(_Model):
    name: Annotated[str, pydantic.Field(min_length=1)]
    description: str = ""
    namespaces: list[Name] = []
    nodes: Annotated[list[NodeSpec], pydantic.Field(min_length=1)]
    deployments: list[DeploymentSpec] = []
    autoscalers: list[AutoscalerSpec] = []
    pods: list[PodSpec] = []
    jobs: list[JobSpec] = []

    @property
    def all_namespaces(self) -> list[str]:
        return ["default", *(ns for ns in dict.fromkeys(self.namespaces) if ns != "default")]


Loc = tuple[str | int, ...]


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        scenario = load_yaml_model(path, Scenario)
    except YamlFileError as exc:
        raise ScenarioError(str(exc)) from None
    if problems := _cross_check(scenario):
        raise ScenarioError(
            "\n".join(f"{path}:{field_line(path, loc)}: {_dotted(loc)}: {msg}" for loc, msg in problems)
        )
    return scenario


def _cross_check(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Rules that span fields, reported with the location of the offending field."""
    problems: list[tuple[Loc, str]] = []
    named: list[tuple[str, Sequence[NodeSpec | DeploymentSpec | AutoscalerSpec | PodSpec | JobSpec]]] = [
        ("nodes", scenario.nodes), ("deployments", scenario.deployments), ("autoscalers", scenario.autoscalers),
        ("pods", scenario.pods), ("jobs", scenario.jobs)]
    for kind, items in named:
        seen: set[tuple[str, str]] = set()
        for i, item in enumerate(items):
            key = (getattr(item, "namespace", ""), item.name)
            if key in seen:
                problems.append(((kind, i, "name"), f"duplicate name {item.name!r}"))
            seen.add(key)
    namespaced: list[tuple[str, Sequence[DeploymentSpec | PodSpec | JobSpec]]] = [
        ("deployments", scenario.deployments), ("pods", scenario.pods), ("jobs", scenario.jobs)]
    for kind, items in namespaced:
        problems += [((kind, i, "namespace"), f"namespace {item.namespace!r} is not in `namespaces`")
                     for i, item in enumerate(items) if item.namespace not in scenario.all_namespaces]
    problems += [(("deployments", i, "state"), "failed is a bare pod's state (a Deployment's pods restart)")
                 for i, deployment in enumerate(scenario.deployments) if deployment.state == PodState.FAILED]
    nodes = {n.name for n in scenario.nodes}
    problems += [(("deployments", i, "node"), f"node {deployment.node!r} is not in `nodes`")
                 for i, deployment in enumerate(scenario.deployments)
                 if deployment.node is not None and deployment.node not in nodes]
    deployments = {(d.namespace, d.name) for d in scenario.deployments}
    for i, autoscaler in enumerate(scenario.autoscalers):
        if (autoscaler.namespace, autoscaler.deployment) not in deployments:
            problems.append((("autoscalers", i, "deployment"),
                             f"deployment {autoscaler.namespace}/{autoscaler.deployment} is not in `deployments`"))
        if autoscaler.min_replicas > autoscaler.max_replicas:
            problems.append((("autoscalers", i, "min_replicas"), "min_replicas is above max_replicas"))
    return problems


def _dotted(loc: Loc) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
