"""Autoscaler detectors: a HorizontalPodAutoscaler (autoscaling/v2) held at its ceiling under load."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from incidents.detectors.base import Finding, Obj, _object_finding, condition, detector
from incidents.models import Severity


def _utilisation(metrics: Iterable[Any], name: str) -> Any:
    for metric in metrics or ():
        source = (metric or {}).get("resource") or (metric or {}).get("containerResource") or {}
        if source.get("name") == name:
            return (source.get("target") or source.get("current") or {}).get("averageUtilization")
    return None


def load_summary(hpa: Obj) -> str:
    """`memory at 90% of requests (target 50%)` for each resource metric the autoscaler reports on."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    parts = []
    for metric in status.get("currentMetrics") or ():
        source = (metric or {}).get("resource") or (metric or {}).get("containerResource") or {}
        current, name = (source.get("current") or {}).get("averageUtilization"), source.get("name")
        if name and current is not None:
            target = _utilisation(spec.get("metrics") or (), name)
            parts.append(f"{name} at {current}% of requests" + (f" (target {target}%)" if target is not None else ""))
    return ", ".join(parts)


@detector("HorizontalPodAutoscaler", "maxed_out")
def detect_autoscaler_maxed_out(hpa: Obj, now: datetime) -> Iterable[Finding]:
    """The autoscaler runs its maximum number of replicas and would run more: the controller itself says the
    replica count it computed from its metrics is above the maximum (ScalingLimited, TooManyReplicas).

    No grace period: the controller judges metrics averaged over their window, again every 15 s, and the condition
    goes False as soon as the load fits; the shipped playbook's change waits for an approval and is skipped when
    the signal has resolved by then.
    """
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    maximum, current = int(spec.get("maxReplicas") or 0), int(status.get("currentReplicas") or 0)
    limited = condition(hpa, "ScalingLimited")
    held = limited.get("status") == "True" and limited.get("reason") == "TooManyReplicas"
    if not maximum or current < maximum or not held:
        return
    meta, target = hpa.get("metadata") or {}, spec.get("scaleTargetRef") or {}
    name, kind, workload = meta.get("name", ""), target.get("kind", ""), target.get("name", "")
    load = load_summary(hpa)
    yield _object_finding(
        hpa, "HorizontalPodAutoscaler", reason="HPAMaxedOut", severity=Severity.WARNING,
        group=(kind, workload) if kind and workload else None,
        labels={"hpa": name, "workload_kind": kind, "workload_name": workload,
                "min_replicas": str(spec.get("minReplicas") or 1), "max_replicas": str(maximum),
                "current_replicas": str(current)},
        message=f"HorizontalPodAutoscaler {meta.get('namespace', '')}/{name} holds {kind} {workload} at its maximum "
                f"of {maximum} replicas and would scale further" + (f": {load}" if load else ""),
    )
