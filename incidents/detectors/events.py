"""Warning events worth a finding, tied to the pods they are about."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from incidents.detectors.base import Finding, Obj, detector, parse_time
from incidents.detectors.pods import workload_of
from incidents.models import Severity

# Warning events worth a finding of their own, by reason.
WARNING_EVENT_REASONS = frozenset({"FailedMount", "FailedScheduling", "BackOff", "Unhealthy"})
# A warning event last observed longer ago than this is history, not a finding (the API server keeps
# events for an hour; a failure that is still happening refreshes its event's count and time).
WARNING_EVENT_FRESH_MINUTES = 15



def _container_of(field_path: object) -> str:
    """`spec.containers{app}` -> `app`."""
    if isinstance(field_path, str) and field_path.endswith("}") and "{" in field_path:
        return field_path[field_path.index("{") + 1 : -1]
    return ""


@detector("Event", "warning")
def detect_warning_event(event: Obj, now: datetime) -> Iterable[Finding]:
    """One finding per (involved object, reason): repeats of an event raise its count, not a new finding.

    It fires while the event is fresh (observed within WARNING_EVENT_FRESH_MINUTES). Events about pods
    are further tied to their pod by `attribute_pod_events`.
    """
    reason = event.get("reason")
    if event.get("type") != "Warning" or reason not in WARNING_EVENT_REASONS:
        return
    last_seen = next(filter(None, map(parse_time, (
        (event.get("series") or {}).get("lastObservedTime"), event.get("lastTimestamp"), event.get("eventTime"),
        event.get("firstTimestamp"),
    ))), None)
    if last_seen is not None and now - last_seen > timedelta(minutes=WARNING_EVENT_FRESH_MINUTES):
        return
    involved = event.get("involvedObject") or {}
    kind, name = involved.get("kind", ""), involved.get("name", "")
    # Not the event's own namespace: events about cluster-scoped objects (nodes) live in "default".
    namespace = involved.get("namespace") or ""
    labels = {"involved_kind": kind}
    if kind == "Pod":
        labels["pod"] = name
        if container := _container_of(involved.get("fieldPath")):
            labels["container"] = container
        if host := (event.get("source") or {}).get("host"):
            labels["node"] = host
    elif kind == "Node":
        labels["node"] = name
    else:
        labels |= {"workload_kind": kind, "workload_name": name}
    count = event.get("count") or (event.get("series") or {}).get("count") or 1
    labels["count"] = str(count)
    seen = f" (seen {count} times)" if count != 1 else ""
    yield Finding(reason=reason, severity=Severity.WARNING, namespace=namespace, object_kind=kind, object_name=name,
                  message=f"{kind} {name}: {event.get('message') or reason}{seen}", group_kind=kind, group_name=name,
                  labels=labels)


PodLookup = Callable[[str, str], Obj | None]  # (namespace, name) -> the pod as last listed, or None


def attribute_pod_events(findings: Iterable[Finding], pod: PodLookup) -> list[Finding]:
    """Tie the findings of warning events about pods to those pods.

    An event about a pod that no longer exists is history (a restart replaced the pod): dropped. One about
    a live pod is grouped under the pod's workload, like the pod's own findings, so "BackOff of deployment
    checkout" is one fingerprint across pod restarts and joins the workload's incident.
    """
    attributed: list[Finding] = []
    for finding in findings:
        if finding.labels.get("involved_kind") != "Pod":
            attributed.append(finding)
            continue
        live = pod(finding.namespace, finding.object_name)
        if live is None:
            continue
        group_kind, group_name = workload_of(live)
        attributed.append(replace(finding, group_kind=group_kind, group_name=group_name,
                                  labels={**finding.labels, "workload_kind": group_kind,
                                          "workload_name": group_name}))
    return attributed
