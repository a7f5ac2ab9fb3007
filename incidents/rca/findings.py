"""What the RCA engine reads: findings, each about one subject and supporting causes with a strength.

A finding is one mark a failure leaves: a container state, an exit code, an event, a controller or node
condition, a full quota, a policy, a log line. It names the categories it supports and how strongly, and
whether it is a *symptom* (a crash loop, a back-off, a failed probe, a traceback) that a cause found beside it
may explain. This module holds the finding, what a message means wherever it appears, and how much a pod's
marks weigh; `objects.py`, `events.py` and `logs.py` read them, `engine.analyze` weighs them. Plain Python,
no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops_project.redaction import redact

# A healthy pod's noise (Running, Ready, never restarted) weighs this much beside a failing pod's marks.
HEALTHY_WEIGHT = 0.35
REPEATED_WEIGHT = 0.75  # ... unless it repeats to the end of the log: the pod runs, but fails at its job
STALE_WEIGHT = 0.3  # an event (or a termination) an hour or more older than the newest mark of the incident
STALE_SECONDS = 3600


@dataclass
class Finding:
    subject: str  # "Pod/ns/name", "Node/name", "Deployment/ns/name", ...
    source: str  # container, exit, event, condition, quota, node, policy, claim, log
    text: str  # what was seen, redacted and bounded
    supports: dict[str, float]  # category -> strength in [0, 1]
    summary: str = ""  # one sentence for the report
    symptom: bool = False  # an effect a cause beside it may explain
    container: str = ""
    weight: float = 1.0  # the subject's weight (a healthy pod's noise, a stale event)
    line: float = 1.0  # for log findings: how late in the log (1.0 = the last lines)
    count: int = 1  # for log findings: how many lines
    pattern: str = ""  # for log findings: the log analyzer's pattern
    tail: bool = True  # for log findings: seen among the last quarter of the log's lines
    explained_by: Finding | None = field(default=None, repr=False)

    @property
    def category(self) -> str:
        return max(self.supports, key=lambda c: self.supports[c])

    @property
    def strength(self) -> float:
        return self.supports[self.category] * self.weight

    def describe(self) -> str:
        where = f"{self.subject}" + (f" ({self.container})" if self.container else "")
        return f"{where}: {self.text}"


def mapping(value: Any) -> dict[str, Any]:
    """A mapping, whatever arrived (objects from elsewhere may be partial or malformed)."""
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def name_of(obj: dict[str, Any]) -> str:
    meta = mapping(obj.get("metadata"))
    namespace = meta.get("namespace")
    return f"{obj.get('kind', '?')}/{f'{namespace}/' if namespace else ''}{meta.get('name')}"


def involved(event: dict[str, Any]) -> str:
    obj = mapping(event.get("involvedObject") or event.get("regarding"))
    namespace = obj.get("namespace")
    return f"{obj.get('kind', '?')}/{f'{namespace}/' if namespace else ''}{obj.get('name')}"


def bounded(text: Any, limit: int = 400) -> str:
    return redact(str(text or ""))[:limit]


# --- what a message means, wherever it appears (a waiting message, an event, a controller condition)
_MESSAGE_RULES: tuple[tuple[str, float, str, re.Pattern[str]], ...] = tuple(
    (category, strength, summary, re.compile(pattern, re.I)) for category, strength, summary, pattern in (
        ("quota_exceeded", 0.95, "a ResourceQuota refuses the pods", r"exceeded quota|quota is .*current usage"),
        ("quota_exceeded", 0.93, "a LimitRange refuses the pods' resources",
         r"(maximum|minimum) \S+ usage per (container|pod)|limit to request ratio|LimitRange"),
        ("quota_exceeded", 0.9, "a quota requires limits or requests the pods do not set",
         r"must specify (limits|requests)|failed quota"),
        ("permission_denied", 0.93, "Pod Security or a security policy refuses the pods",
         r"violates PodSecurity|security context constraint|PodSecurityPolicy|unable to validate against any "
         r"(pod )?security|runAsNonRoot|run as root|privileged containers are not allowed"),
        ("dependency_unreachable", 0.88, "an admission webhook the API server must call does not answer",
         r"failed calling webhook|no endpoints available for service|webhook.*(context deadline exceeded|"
         r"connection refused|i/o timeout)"),
        ("permission_denied", 0.88, "an admission policy denies the request",
         r"admission webhook \S+ denied the request|denied the request|validation error: .*policy|"
         r"admission denied|blocked by policy"),
        ("config_error", 0.93, "the ServiceAccount the pods name does not exist",
         r"service ?account \"?[\w./-]+\"? (was )?not found|error looking up service account"),
        ("config_error", 0.93, "a ConfigMap, Secret or key the pod needs does not exist",
         r"(configmap|secret)s? \"?[\w.-]+\"? not found|couldn't find key|key \"?[\w.-]+\"? not found in|"
         r"references non-existent (secret|config ?map)|invalid env|CreateContainerConfigError"),
        ("volume_mount_failure", 0.85, "a volume of the pod cannot be used",
         r"stale (NFS )?file handle|transport endpoint is not connected|volumes/kubernetes\.io~|MountVolume\.|"
         r"mount failed|failed to attach"),
        ("image_pull_error", 0.85, "the image is built for another platform",
         r"exec format error|no match for platform"),
        ("config_error", 0.88, "the container's command does not exist in its image",
         r"executable file not found|no such file or directory.*(exec|start)|exec: \"[^\"]+\": not found|"
         r"starting container process caused"),
        ("permission_denied", 0.8, "the container is not allowed to do what it tries",
         r"permission denied|is forbidden|forbidden:|operation not permitted|read-only file system"),
    ))


def classify_message(text: str) -> tuple[str, float, str] | None:
    """(category, strength, summary) of an admission, controller or kubelet message, if it names a cause."""
    for category, strength, summary, pattern in _MESSAGE_RULES:
        if pattern.search(text):
            return category, strength, summary
    return None


def container_statuses(status: dict[str, Any]) -> list[dict[str, Any]]:
    """A pod status's init and regular container statuses, in that order (malformed entries as empty)."""
    return [mapping(s) for s in [*listed(status.get("initContainerStatuses")),
                                 *listed(status.get("containerStatuses"))]]


def parse_time(value: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() if value else None
    except ValueError:
        return None


def _restarted_lately(cs: dict[str, Any], now: float | None) -> bool:
    """Whether a container restarted, and its last termination is not history (an hour before `now`)."""
    if not (cs.get("restartCount") or 0):
        return False
    finished = parse_time(mapping(mapping(cs.get("lastState")).get("terminated")).get("finishedAt"))
    return now is None or finished is None or now - finished < STALE_SECONDS


def pod_health(pod: dict[str, Any], now: float | None = None) -> float:
    """A pod's weight: 1 when it fails, HEALTHY_WEIGHT when it runs ready without a recent restart (`now`: the
    newest mark of the incident, so that a restart an hour or more before it is history)."""
    status = mapping(pod.get("status"))
    statuses = container_statuses(status)
    containers = [mapping(s) for s in listed(status.get("containerStatuses"))]
    healthy = (status.get("phase") in {"Running", "Succeeded"} and containers
               and all(s.get("ready") or status.get("phase") == "Succeeded" for s in containers)
               and not any(_restarted_lately(s, now) for s in statuses))
    return HEALTHY_WEIGHT if healthy else 1.0


def newest_mark(objects: list[dict[str, Any]], events: list[dict[str, Any]]) -> float | None:
    """The time of the newest thing the evidence shows (an event, a container start or end, a condition's
    change): what "old" is measured against, since the analysis may run on evidence captured earlier."""
    times = [t for e in events if (t := timestamp_of(e)) is not None]
    for obj in objects:
        status = mapping(obj.get("status"))
        times += [t for c in listed(status.get("conditions"))
                  if (t := parse_time(mapping(c).get("lastTransitionTime"))) is not None]
        for cs in container_statuses(status):
            for state in (mapping(cs.get("state")), mapping(cs.get("lastState"))):
                for detail in state.values():
                    times += [t for key in ("startedAt", "finishedAt")
                              if (t := parse_time(mapping(detail).get(key))) is not None]
    return max(times, default=None)


def container_health(pod: dict[str, Any], container: str, now: float | None = None) -> float:
    """A container's weight: HEALTHY_WEIGHT when it (or its whole pod) runs ready without a restart."""
    if pod_health(pod, now) < 1:
        return HEALTHY_WEIGHT
    for cs in container_statuses(mapping(pod.get("status"))):
        if cs.get("name") == container:
            running = "running" in mapping(cs.get("state"))
            return HEALTHY_WEIGHT if running and cs.get("ready") and not _restarted_lately(cs, now) else 1.0
    return 1.0


def timestamp_of(event: dict[str, Any]) -> float | None:
    return parse_time(event.get("lastTimestamp") or event.get("eventTime")
                      or mapping(event.get("series")).get("lastObservedTime"))

