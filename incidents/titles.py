"""What an incident is called: after the most important signal among its events, severity first, then how
specifically the signal names the failure. A crash loop or an OOM kill is the story; the replica shortfall
or unready container it causes is only its symptom, so the incident is titled after the cause whichever
of them is seen first.
"""

from __future__ import annotations

from incidents.matching import SEVERITY_RANK
from incidents.models import ClusterEvent

# Most specific first. Causes name what went wrong; `None` stands for every reason not listed (alertnames,
# Kubernetes event reasons, node conditions), between the causes and the symptoms, which are listed last:
# they say only that a workload lacks ready pods, whatever the reason.
SPECIFICITY: tuple[str | None, ...] = (
    "OOMKilled",
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "CreateContainerConfigError",
    "NodeNotReady",
    "Evicted",
    "Unschedulable",
    "JobFailed",
    "PodFailed",
    "FrequentRestarts",
    None,
    "ContainerNotReady",
    "HPAMaxedOut",
    "ReplicaShortfall",
)
_PLACE = {reason: len(SPECIFICITY) - index for index, reason in enumerate(SPECIFICITY)}


def signal_rank(reason: str, severity: str) -> tuple[int, int]:
    """How important a signal is for the title: higher is more important (severity, then specificity)."""
    return SEVERITY_RANK.get(severity, 0), _PLACE.get(reason, _PLACE[None])


def incident_title(event: ClusterEvent) -> str:
    """The title an event gives its incident: "OOMKilled: shop/checkout"."""
    target = event.labels.get("workload_name") or event.object_name
    return f"{event.reason}: {event.namespace + '/' if event.namespace else ''}{target}"[:300]


def outranks_the_others(event: ClusterEvent, incident_id: int) -> bool:
    """Whether `event` is more important than every other firing event of the incident (the title follows the
    first of the most important ones: an equal signal later does not take it over)."""
    others = (ClusterEvent.objects.filter(incident_id=incident_id, status=event.status).exclude(pk=event.pk)
              .order_by().values_list("reason", "severity").distinct())
    rank = signal_rank(event.reason, event.severity)
    return all(rank > signal_rank(reason, severity) for reason, severity in others)
