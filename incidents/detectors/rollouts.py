"""A Deployment's new revision failing right after its rollout: the findings about it say so.

Restarting a revision that fails is no fix (its pods come back failing); rolling back to the one before is. A
failure is "of a fresh revision" when all of these hold (no ReplicaSet is read: detection lists Deployments and
pods, and these say enough):

- the Deployment has had an earlier revision (`deployment.kubernetes.io/revision` above 1: one to go back to);
- the failing pod belongs to the Deployment's newest ReplicaSet, the one its Progressing condition names (the
  deployment controller names it in every message of that condition: `ReplicaSet "checkout-6b8f9c7d5" is
  progressing.`, `... has successfully progressed.`, `... has timed out progressing.`);
- every pod of that ReplicaSet was created within ROLLOUT_WINDOW_MINUTES. A rollout replaces every pod, so a
  fresh revision has only young pods, whether the rollout is stuck (the older revision's pods still serve) or
  done (its pods passed their readiness checks, then started to fail). A scale-up adds young pods beside older
  ones of the same revision: not a rollout, and a crash of those is left to the crash-loop playbook.

Such a finding carries `rollout_revision` (the Deployment's revision) and `rollout_replica_set` labels, which the
shipped rule `deployment-rollback` matches before the crash-loop and image-pull rules (config/rules/default.yaml).
A pod evicted and replaced within the window makes its revision look younger than it is; the playbook shows the
rollout history before anyone is asked to approve the undo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from incidents.detectors.base import Finding, Obj, condition, parse_time

REVISION = "deployment.kubernetes.io/revision"
ROLLOUT_WINDOW_MINUTES = 30  # longer than the default progress deadline (600 s): a stuck rollout still counts
# The findings a failing revision shows: about its pods, and about the Deployment itself.
POD_REASONS = frozenset({"CrashLoopBackOff", "ImagePullBackOff", "CreateContainerConfigError"})
DEPLOYMENT_REASONS = frozenset({"ReplicaShortfall"})
_NEW_REPLICA_SET = re.compile(r'replica ?set "([^"]+)"', re.IGNORECASE)

DeploymentLookup = Callable[[str, str], Obj | None]  # (namespace, name) -> the Deployment as last listed, or None
PodsOf = Callable[[str, str], Iterable[Obj]]  # (namespace, ReplicaSet name) -> the pods it owns, as last listed


def revision(deployment: Obj) -> int:
    value = ((deployment.get("metadata") or {}).get("annotations") or {}).get(REVISION) or ""
    return int(value) if value.isascii() and value.isdigit() else 0


def newest_replica_set(deployment: Obj) -> str | None:
    """The ReplicaSet of the Deployment's current template, as its Progressing condition names it."""
    match = _NEW_REPLICA_SET.search(condition(deployment, "Progressing").get("message") or "")
    return match[1] if match else None


def owner_replica_set(pod: Obj) -> str | None:
    return next((o.get("name") for o in (pod.get("metadata") or {}).get("ownerReferences") or ()
                 if o.get("kind") == "ReplicaSet"), None)


def rollout_labels(deployment: Obj, pods: Iterable[Obj], now: datetime) -> dict[str, str]:
    """`rollout_revision` and `rollout_replica_set` when the Deployment's newest revision was rolled out within
    the window (see the module's docstring), `pods` being those of its newest ReplicaSet; else nothing."""
    current, replica_set = revision(deployment), newest_replica_set(deployment)
    if current < 2 or replica_set is None:
        return {}
    created = [parse_time((pod.get("metadata") or {}).get("creationTimestamp")) for pod in pods]
    window = timedelta(minutes=ROLLOUT_WINDOW_MINUTES)
    if not created or any(moment is None or now - moment > window for moment in created):
        return {}
    return {"rollout_revision": str(current), "rollout_replica_set": replica_set}


def attribute_rollouts(findings: Iterable[Finding], deployment: DeploymentLookup, pods_of: PodsOf,
                       now: datetime) -> list[Finding]:
    """The findings, those about a fresh revision of a Deployment failing with the rollout labels added."""
    attributed: list[Finding] = []
    for finding in findings:
        labels = finding.labels
        wanted = POD_REASONS if finding.object_kind == "Pod" else DEPLOYMENT_REASONS
        if finding.reason not in wanted or labels.get("workload_kind") != "Deployment":
            attributed.append(finding)
            continue
        deploy = deployment(finding.namespace, labels.get("workload_name", ""))
        replica_set = newest_replica_set(deploy) if deploy is not None else None
        pods = list(pods_of(finding.namespace, replica_set)) if deploy is not None and replica_set else []
        if finding.object_kind == "Pod" and finding.object_name not in {
                (pod.get("metadata") or {}).get("name") for pod in pods}:
            attributed.append(finding)  # a pod of an older revision (or none is known): not the new one failing
            continue
        extra = rollout_labels(deploy, pods, now) if deploy is not None else {}
        attributed.append(replace(finding, labels={**labels, **extra}) if extra else finding)
    return attributed
