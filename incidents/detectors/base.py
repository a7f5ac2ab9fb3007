"""What every detector shares: the finding, the registry, and reading object fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    reason: str
    severity: str
    namespace: str
    object_kind: str
    object_name: str
    message: str
    # The fingerprint groups by workload when the pod has one: a restart replaces the pod (new
    # name) but the failure of "deployment checkout" is one story, not one per pod.
    group_kind: str
    group_name: str
    labels: dict[str, str] = field(default_factory=dict)


Detector = Callable[[Obj, datetime], Iterable[Finding]]
# Registry: object kind ("Pod", "Node", "Deployment", ...) -> detector name -> detector.
DETECTORS: dict[str, dict[str, Detector]] = {}


def detector(kind: str, name: str) -> Callable[[Detector], Detector]:
    def register(fn: Detector) -> Detector:
        DETECTORS.setdefault(kind, {})[name] = fn
        return fn

    return register


def pod_detector(name: str) -> Callable[[Detector], Detector]:
    return detector("Pod", name)


def parse_time(value: object) -> datetime | None:
    """A Kubernetes timestamp ("2026-11-28T10:00:00Z", micro-times too) as an aware datetime, else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def condition(obj: Obj, type_: str) -> Obj:
    """The status condition of that type, or an empty dict (so `.get("status")` is None)."""
    for cond in (obj.get("status") or {}).get("conditions") or ():
        if cond.get("type") == type_:
            return cond
    return {}


def _with_detail(text: str, detail: object) -> str:
    return f"{text}: {detail}" if detail else text


def _object_finding(obj: Obj, kind: str, *, reason: str, severity: str, message: str, labels: dict[str, str],
                    group: tuple[str, str] | None = None) -> Finding:
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    group_kind, group_name = group or (kind, name)
    return Finding(reason=reason, severity=severity, namespace=meta.get("namespace", ""), object_kind=kind,
                   object_name=name, message=message, group_kind=group_kind, group_name=group_name,
                   labels=labels)
