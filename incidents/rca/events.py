"""Findings of events and of the scheduler's reasons (also read from a pod's PodScheduled condition)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from incidents.rca.findings import (
    STALE_SECONDS,
    STALE_WEIGHT,
    Finding,
    bounded,
    classify_message,
    involved,
    timestamp_of,
)
from incidents.rca.logs import from_log_text

# --- scheduling: which reason excludes most nodes
_SCHED_COUNT = re.compile(r"(\d+) ([^,.:;]+)|([A-Za-z][^,.:;()]+?) \((\d+)\)")
_RESOURCES = re.compile(r"Insufficient|Too many pods|PodFitsResources|exceed.*(capacity|allocatable)", re.I)
_CONSTRAINTS = re.compile(r"taint|affinity|selector|didn't match|NodeAffinity|MatchNodeSelector|topology spread|"
                          r"PodToleratesNodeTaints|CheckNodeUnschedulable|unschedulable|didn't have free ports|"
                          r"NoVolumeZoneConflict|volume node affinity|node\(s\) had", re.I)
_CLAIMS = re.compile(r"unbound (immediate )?PersistentVolumeClaims|persistentvolumeclaim \"?[\w.-]+\"? not found|"
                     r"didn't find available persistent volumes|"
                     r"pod has unbound|waiting for first consumer|volume binding", re.I)


# Taints the node lifecycle controller and the kubelet put on a failing node: the node is the cause.
_NODE_TAINTS = re.compile(r"node\.kubernetes\.io/(not-ready|unreachable|disk-pressure|memory-pressure|pid-pressure|"
                          r"network-unavailable|out-of-disk)|node\.cloudprovider\.kubernetes\.io/shutdown", re.I)
_TOTAL = re.compile(r"0/(\d+) nodes are available")
_SUMMARIES = {"unschedulable_resources": "no node it may run on has the CPU, memory or pods it requests",
              "unschedulable_constraints": "no node matches the pod's taints, affinity or node selector",
              "node_failure": "the nodes it could run on are failing (their condition taints refuse it)"}


def scheduling(subject: str, message: str) -> Iterator[Finding]:
    """The scheduler's reasons, counted: nodes excluded by placement rules are not candidates, so when fewer
    than all nodes are excluded so, the rest lack resources and that is the cause (and the reverse)."""
    if not message:
        return
    text = bounded(message)
    if _CLAIMS.search(message) and not _RESOURCES.search(message):
        yield Finding(subject, "scheduling", text, {"volume_mount_failure": 0.9},
                      "the pod waits for a volume claim to bind")
        return
    counts = {"unschedulable_resources": 0, "unschedulable_constraints": 0, "node_failure": 0}
    for match in _SCHED_COUNT.finditer(message.split("preemption:")[0]):
        count = int(match.group(1) or match.group(4))
        reason = match.group(2) or match.group(3) or ""
        if _NODE_TAINTS.search(reason) or (_NODE_TAINTS.search(message) and "taint" in reason):
            counts["node_failure"] += count
        elif _RESOURCES.search(reason):
            counts["unschedulable_resources"] += count
        elif _CONSTRAINTS.search(reason) or "volume" in reason:
            counts["unschedulable_constraints"] += count
    if not any(counts.values()):
        counts["unschedulable_resources"] = int(bool(_RESOURCES.search(message)))
        counts["unschedulable_constraints"] = int(bool(_CONSTRAINTS.search(message)))
    if not any(counts.values()):
        return
    # Without "0/N nodes" (older wordings), each node is counted once, under its first failing predicate.
    total = int(found.group(1)) if (found := _TOTAL.search(message)) else sum(counts.values())
    top = max(counts, key=lambda c: counts[c])
    placement = counts["unschedulable_constraints"] + counts["node_failure"]
    if total and counts["unschedulable_resources"] and placement < total:
        top = "unschedulable_resources"  # the nodes the rules allow are full
    elif total and placement >= total and counts["unschedulable_resources"]:
        top = max(("unschedulable_constraints", "node_failure"), key=lambda c: counts[c])
    supports = {top: 0.95} | {c: 0.6 for c, n in counts.items() if n and c != top}
    yield Finding(subject, "scheduling", text, supports, _SUMMARIES[top])


# --- events
_PULL = re.compile(r"Failed to pull image|pull access denied|manifest unknown|ErrImagePull|Back-off pulling image|"
                   r"failed to resolve reference|toomanyrequests|not found: manifest|InvalidImageName|"
                   r"failed to pull and unpack", re.I)
_VOLUME_REASONS = {"FailedMount", "FailedAttachVolume", "FailedMapVolume", "ProvisioningFailed", "VolumeResizeFailed",
                   "FailedBinding"}
_NODE_REASONS = {"NodeNotReady", "NodeHasDiskPressure", "NodeHasInsufficientMemory", "EvictionThresholdMet",
                 "Evicted", "NodeNotSchedulable", "SystemOOM", "Rebooted", "ContainerGCFailed", "ImageGCFailed",
                 "FailedCreatePodSandBox", "NetworkNotReady", "FreeDiskSpaceFailed", "NodeShutdown"}
_PROBE_ITSELF = re.compile(r"exec failed|executable file not found|no such file or directory|statuscode: 404|"
                           r"command not found|http: server gave HTTP response to HTTPS client", re.I)
_MOUNT_TIMEOUT = re.compile(r"^Unable to (attach or )?mount volumes: .*timed out waiting for the condition$|"
                            r"^Unable to (attach or )?mount volumes: .*context deadline exceeded$", re.I)
_CONTROLLER_REASONS = {"FailedCreate", "ReplicaFailure", "FailedCreatePod", "FailedPlacement"}



def from_events(events: list[dict[str, Any]], newest: float | None = None,
                health: dict[str, float] | None = None) -> Iterator[Finding]:
    """Events' findings; one an hour or more older than `newest` weighs less, and so does one about a pod
    that is healthy now (`health`: subject -> weight)."""
    for event in events:
        stamp = timestamp_of(event)
        stale = newest is not None and stamp is not None and newest - stamp >= STALE_SECONDS
        for finding in _event(event):
            finding.weight *= (STALE_WEIGHT if stale else 1.0) * (health or {}).get(finding.subject, 1.0)
            if stale:
                finding.text += " (an old event)"
            yield finding


def _volume_event(subject: str, text: str, message: str) -> Finding:
    known = classify_message(message)
    if known and known[0] == "config_error":  # a missing Secret or ConfigMap: the volume is not the cause
        return Finding(subject, "event", text, {"config_error": 0.93, "volume_mount_failure": 0.3},
                       f"a volume of {subject} refers to something that does not exist: {bounded(message, 200)}")
    refused = [f for f in from_log_text(subject, "", message) if f.category == "permission_denied"]
    if refused:  # the volume's provider (a secrets store, a cloud disk) refuses the pod's identity
        return Finding(subject, "event", text, {"permission_denied": 0.9, "volume_mount_failure": 0.4},
                       f"a volume of {subject} is refused to the pod's identity: {bounded(message, 200)}")
    # The kubelet's summary ("Unable to attach or mount volumes ... timed out waiting for the condition") says
    # that a volume is missing, not why: a specific mount failure beside it explains it.
    generic = bool(_MOUNT_TIMEOUT.search(message))
    return Finding(subject, "event", text, {"volume_mount_failure": 0.75 if generic else 0.9},
                   f"a volume of {subject} cannot be attached or mounted: {bounded(message, 200)}", symptom=generic)


def _event(event: dict[str, Any]) -> Iterator[Finding]:
    reason, message = str(event.get("reason") or ""), str(event.get("message") or event.get("note") or "")
    subject, text = involved(event), bounded(f"{reason}: {message}")
    if event.get("type") == "Normal" and reason not in {"Killing", "Preempted"}:
        return
    if reason == "FailedScheduling":
        yield from scheduling(subject, message)
    elif reason in _VOLUME_REASONS:
        yield _volume_event(subject, text, message)
    elif _PULL.search(message) and reason in {"Failed", "BackOff", "ErrImagePull", "InspectFailed"}:
        yield Finding(subject, "event", text, {"image_pull_error": 0.9}, f"an image of {subject} cannot be pulled")
    elif reason in _CONTROLLER_REASONS or reason.startswith("FailedCreate"):
        known = classify_message(message)
        if known:
            yield Finding(subject, "event", text, {known[0]: known[1]}, f"{known[2]} ({subject}): "
                          f"{bounded(message, 200)}")
    elif reason == "Unhealthy" or (reason == "Killing" and "probe" in message):
        wrong = bool(_PROBE_ITSELF.search(message))  # the probe cannot run, or asks what is not there
        yield Finding(subject, "event", text + f" (x{event.get('count', 1)})",
                      {"probe_failure": 0.85 if wrong else 0.8 if reason == "Killing" else 0.72},
                      f"a health probe of {subject} " + ("is wrong for the container" if wrong else "fails"),
                      symptom=not wrong)
    elif reason.startswith("OutOf") or "didn't have enough resource" in message:
        yield Finding(subject, "event", text, {"unschedulable_resources": 0.9},
                      f"the node's kubelet refused {subject}: not enough {reason.removeprefix('OutOf') or 'resource'}")
    elif reason == "BackOff":
        yield Finding(subject, "event", text, {"application_crash": 0.35}, f"{subject} keeps restarting",
                      symptom=True)
    elif reason in _NODE_REASONS:
        yield Finding(subject, "event", text, {"node_failure": 0.8}, f"the node of {subject} fails: "
                      f"{bounded(message, 200)}")
    elif reason in {"BackoffLimitExceeded", "DeadlineExceeded", "ProgressDeadlineExceeded"}:
        yield Finding(subject, "event", text, {"application_crash": 0.3}, f"{subject} does not complete",
                      symptom=True)
    else:
        yield from _other_event(subject, text, reason, message)


def _other_event(subject: str, text: str, reason: str, message: str) -> Iterator[Finding]:
    if known := classify_message(message):
        yield Finding(subject, "event", text, {known[0]: known[1] * 0.9}, f"{known[2]} ({subject})")
        return
    for finding in from_log_text(subject, f"event {reason}", message):
        finding.source, finding.weight = "event", finding.weight * 0.7
        yield finding


