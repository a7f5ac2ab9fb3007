"""Detectors turn Kubernetes object state (plain JSON dicts, as the API serves them) into findings.

Each detector is registered under a fixed name for one object kind and returns the findings that are
true *now* of one object; the caller diffs them against the firing signals to record firing and
resolved transitions. Detectors that depend on how long a state has lasted read the clock they are
given (`now`), never the wall clock, so a caller (or a test) decides what "now" is.

One module per subject registers its detectors on import: pods, nodes and workloads, autoscalers, events.
Two kinds of finding need other objects than their own: a warning event is tied to its pod
(`attribute_pod_events`), and a failure of a Deployment's fresh revision is labelled so (`attribute_rollouts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from incidents.detectors import autoscalers  # noqa: F401 (registers its detectors)
from incidents.detectors.base import DETECTORS, Detector, Finding, Obj, condition, detector, parse_time
from incidents.detectors.events import PodLookup, attribute_pod_events
from incidents.detectors.pods import workload_of
from incidents.detectors.rollouts import ROLLOUT_WINDOW_MINUTES, attribute_rollouts, owner_replica_set
from incidents.detectors.workloads import ROLLOUT_GRACE_SECONDS, last_changed

__all__ = ["DETECTORS", "ROLLOUT_GRACE_SECONDS", "ROLLOUT_WINDOW_MINUTES", "Detector", "Finding", "Obj", "PodLookup",
           "attribute_pod_events", "attribute_rollouts", "condition", "detect_object", "detect_snapshot", "detector",
           "kinds_read", "last_changed", "parse_time", "workload_of"]


def detect_object(kind: str, obj: Obj, now: datetime | None = None) -> list[Finding]:
    """Every finding that the registered detectors of `kind` report for one object, as it is at `now`."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    for fn in DETECTORS.get(kind, {}).values():
        findings.extend(fn(obj, now))
    return findings


def kinds_read(object_kind: str, labels: Mapping[str, Any]) -> frozenset[str]:
    """The kinds of object a finding (or the event it recorded) was judged from: who may resolve it.

    A warning event's finding is about its involved object but was read from an Event (its labels say
    `involved_kind`); one about a pod needed the pods too (`attribute_pod_events`).
    """
    involved = labels.get("involved_kind")
    if involved is None:
        return frozenset({object_kind})
    return frozenset({"Event", "Pod"}) if involved == "Pod" else frozenset({"Event"})


def detect_snapshot(snapshot: Mapping[str, Iterable[Obj]], now: datetime | None = None) -> list[Finding]:
    """Every finding of every object of a snapshot (kind -> objects), all judged at the same `now`."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    extend = findings.extend
    for kind, objects in snapshot.items():
        if kind == "Event":
            continue  # below, once every pod is known
        detectors = tuple(DETECTORS.get(kind, {}).values())
        for obj in objects:
            for fn in detectors:
                extend(fn(obj, now))
    pods = {((p.get("metadata") or {}).get("namespace", ""), (p.get("metadata") or {}).get("name", "")): p
            for p in snapshot.get("Pod", ())}
    events = [f for event in snapshot.get("Event", ()) for f in detect_object("Event", event, now)]
    findings.extend(attribute_pod_events(events, lambda namespace, name: pods.get((namespace, name))))
    deployments = {((d.get("metadata") or {}).get("namespace", ""), (d.get("metadata") or {}).get("name", "")): d
                   for d in snapshot.get("Deployment", ())}
    by_replica_set: dict[tuple[str, str], list[Obj]] = {}
    for (namespace, _), pod in pods.items():
        if (replica_set := owner_replica_set(pod)) is not None:
            by_replica_set.setdefault((namespace, replica_set), []).append(pod)
    return attribute_rollouts(findings, lambda namespace, name: deployments.get((namespace, name)),
                              lambda namespace, name: by_replica_set.get((namespace, name), ()), now)
