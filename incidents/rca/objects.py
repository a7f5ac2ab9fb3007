"""Findings of API objects: pods and their containers (states, exit codes, termination messages), workload
controllers' conditions, used-up quotas, nodes, claims and the NetworkPolicies that select the pods."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from incidents.rca.events import from_events, scheduling
from incidents.rca.findings import (
    Finding,
    bounded,
    classify_message,
    container_statuses,
    listed,
    mapping,
    name_of,
    newest_mark,
    pod_health,
)
from incidents.rca.logs import from_log_text, log_subject, weigh_log

_IMAGE_REASONS = {"ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable"}
_CREATE_REASONS = {"CreateContainerConfigError", "CreateContainerError", "RunContainerError", "ContainerCannotRun",
                   "StartError"}
# Exit codes that say something by themselves: (category, strength, meaning, symptom)
_EXIT_CODES = {139: ("application_crash", 0.7, "a segmentation fault (139)", False),
               134: ("application_crash", 0.65, "an abort (134)", False),
               127: ("config_error", 0.7, "command not found (127)", False),
               126: ("permission_denied", 0.5, "the command cannot be executed (126)", False),
               137: ("oom_killed", 0.35, "killed by SIGKILL (137): memory or a liveness kill", True),
               143: ("probe_failure", 0.35, "stopped by SIGTERM (143): the kubelet restarted it, often for a failed "
                     "liveness probe", True)}



def from_pod(pod: dict[str, Any], now: float | None = None) -> Iterator[Finding]:
    subject, weight = name_of(pod), pod_health(pod, now)
    status = mapping(pod.get("status"))
    inits = {mapping(c).get("name") for c in listed(mapping(pod.get("spec")).get("initContainers"))}
    for cs in container_statuses(status):
        name = str(cs.get("name") or "")
        label = f"init container {name}" if name in inits else f"container {name}"
        for finding in _container(subject, label, pod, cs):
            finding.container, finding.weight = name, weight
            yield finding
    reason, message = status.get("reason"), str(status.get("message") or "")
    if str(reason).startswith("OutOf"):  # the kubelet's admission refused it (OutOfcpu, OutOfhugepages-1Gi...)
        yield Finding(subject, "pod", bounded(f"{reason}: {message}"), {"unschedulable_resources": 0.9},
                      f"the node's kubelet refused {subject}: {bounded(message, 200)}")
    if reason in {"Evicted", "NodeLost", "Terminated", "NodeShutdown"} or "node was low on resource" in message:
        yield Finding(subject, "pod", bounded(f"{reason}: {message}"), {"node_failure": 0.85},
                      f"{subject} was {str(reason).lower()} by its node: {bounded(message, 200)}")
    for condition in listed(status.get("conditions")):
        condition = mapping(condition)
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            yield from scheduling(subject, str(condition.get("message") or condition.get("reason") or ""))


def _container(subject: str, label: str, pod: dict[str, Any], cs: dict[str, Any]) -> Iterator[Finding]:
    state, last = mapping(cs.get("state")), mapping(cs.get("lastState"))
    waiting = mapping(state.get("waiting"))
    reason, message = str(waiting.get("reason") or ""), str(waiting.get("message") or "")
    if reason in _IMAGE_REASONS:
        category = "image_pull_error"
        yield Finding(subject, "container", bounded(f"{reason}: {message}"), {category: 0.95},
                      f"{label} cannot pull its image {cs.get('image', '')}: {bounded(message, 200)}")
    elif reason in _CREATE_REASONS:
        known = classify_message(message)
        category, strength, summary = known or ("config_error", 0.7, "the container cannot be created")
        yield Finding(subject, "container", bounded(f"{reason}: {message}"), {category: strength},
                      f"{label}: {summary}: {bounded(message, 200)}")
    for terminated in (mapping(state.get("terminated")), mapping(last.get("terminated"))):
        if terminated:
            yield from _terminated(subject, label, pod, cs, terminated, crashloop=reason == "CrashLoopBackOff")
            break
    else:
        if reason == "CrashLoopBackOff":
            yield Finding(subject, "container", f"CrashLoopBackOff, {cs.get('restartCount', 0)} restarts",
                          {"application_crash": 0.4}, f"{label} keeps exiting", symptom=True)


def _terminated(subject: str, label: str, pod: dict[str, Any], cs: dict[str, Any], terminated: dict[str, Any],
                *, crashloop: bool) -> Iterator[Finding]:
    code, reason = terminated.get("exitCode"), str(terminated.get("reason") or "")
    restarts = cs.get("restartCount", 0)
    text = f"terminated {reason or 'with'} exit code {code}, {restarts} restarts" + (
        ", CrashLoopBackOff" if crashloop else "")
    if reason == "OOMKilled":
        specs = listed(mapping(pod.get("spec")).get("containers"))
        limit = next((mapping(mapping(c).get("resources")).get("limits", {}).get("memory")
                      for c in specs if mapping(c).get("name") == cs.get("name")), None)
        yield Finding(subject, "exit", text, {"oom_killed": 0.97},
                      f"{label} was killed for using more memory than its limit ({limit or 'no limit set'})")
        return
    if reason in _CREATE_REASONS and (known := classify_message(str(terminated.get("message") or ""))):
        yield Finding(subject, "exit", bounded(f"{reason}: {terminated.get('message')}"), {known[0]: known[1]},
                      f"{label}: {known[2]}")
        return
    if code in (0, None) and not crashloop:
        return
    if code == 0 and mapping(pod.get("spec")).get("restartPolicy", "Always") == "Always":
        # A long-running workload whose command finishes: the command (or its arguments) is not the server's.
        yield Finding(subject, "exit", text, {"config_error": 0.55, "application_crash": 0.3},
                      f"{label} exits with 0 and is restarted: its command finishes instead of serving", symptom=True)
        return
    if isinstance(code, int) and code in _EXIT_CODES:
        category, strength, meaning, symptom = _EXIT_CODES[code]
        supports = {category: strength} | ({"application_crash": 0.3} if symptom else {})
        yield Finding(subject, "exit", text, supports, f"{label} exited with {meaning}", symptom=symptom)
    else:
        yield Finding(subject, "exit", text, {"application_crash": 0.42},
                      f"{label} keeps exiting with code {code}", symptom=True)
    if terminated.get("message"):  # the termination log: what the program said last
        yield from from_log_text(subject, f"{label} termination message", str(terminated["message"]))


# --- controllers, quotas, nodes, claims, policies
def from_controller(obj: dict[str, Any]) -> Iterator[Finding]:
    subject = name_of(obj)
    for condition in listed(mapping(obj.get("status")).get("conditions")):
        condition = mapping(condition)
        kind, status = condition.get("type"), condition.get("status")
        reason, message = str(condition.get("reason") or ""), str(condition.get("message") or "")
        text = bounded(f"{kind}={status} {reason}: {message}")
        if (kind in {"ReplicaFailure", "FailureTarget"} and status == "True") or reason == "FailedCreate":
            if known := classify_message(message):
                yield Finding(subject, "condition", text, {known[0]: known[1]}, f"{known[2]} ({subject})")
        elif (kind == "Failed" and status == "True") or reason == "ProgressDeadlineExceeded":
            yield Finding(subject, "condition", text, {"application_crash": 0.3}, f"{subject} does not progress",
                          symptom=True)


def _quantity(value: Any) -> float:
    text = str(value or "0").strip()
    units = {"m": 1e-3, "k": 1e3, "Ki": 2**10, "M": 1e6, "Mi": 2**20, "G": 1e9, "Gi": 2**30, "T": 1e12, "Ti": 2**40}
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            try:
                return float(text[: -len(unit)]) * units[unit]
            except ValueError:
                return 0.0
    try:
        return float(text)
    except ValueError:
        return 0.0


def from_quota(quota: dict[str, Any]) -> Iterator[Finding]:
    status = mapping(quota.get("status"))
    hard, used = mapping(status.get("hard")), mapping(status.get("used"))
    full = [f"{k} {used.get(k)}/{v}" for k, v in hard.items() if k in used and _quantity(v) > 0
            and _quantity(used[k]) >= _quantity(v)]
    if full:
        yield Finding(name_of(quota), "quota", "used up: " + ", ".join(full), {"quota_exceeded": 0.55},
                      f"{name_of(quota)} is used up ({', '.join(full)})")


def from_node(node: dict[str, Any], weight: float) -> Iterator[Finding]:
    subject = name_of(node)
    for condition in listed(mapping(node.get("status")).get("conditions")):
        condition = mapping(condition)
        kind, status, message = condition.get("type"), condition.get("status"), condition.get("message", "")
        if kind == "Ready" and status != "True":
            yield Finding(subject, "node", bounded(f"Ready={status}: {message}"), {"node_failure": 0.9},
                          f"node {subject.split('/')[-1]} is not Ready ({status})", weight=weight)
        elif kind in {"MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"} and status == "True":
            yield Finding(subject, "node", bounded(f"{kind}: {message}"), {"node_failure": 0.85},
                          f"node {subject.split('/')[-1]} is under {kind}", weight=weight)
    for taint in listed(mapping(node.get("spec")).get("taints")):
        key = str(mapping(taint).get("key") or "")
        if key in {"node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"}:
            yield Finding(subject, "node", f"taint {key}", {"node_failure": 0.8},
                          f"node {subject.split('/')[-1]} is {key.rsplit('/', 1)[-1]}", weight=weight)


def from_claim(claim: dict[str, Any]) -> Iterator[Finding]:
    phase = mapping(claim.get("status")).get("phase")
    if phase in {"Pending", "Lost"}:
        yield Finding(name_of(claim), "claim", f"phase {phase}", {"volume_mount_failure": 0.8},
                      f"{name_of(claim)} is {'not bound' if phase == 'Pending' else 'lost'}")


def from_policy(policy: dict[str, Any], pods: list[dict[str, Any]]) -> Iterator[Finding]:
    """A NetworkPolicy that selects a pod of the incident: a possible cause of unreachable dependencies."""
    spec = mapping(policy.get("spec"))
    selector = mapping(mapping(spec.get("podSelector")).get("matchLabels"))
    selected = [p for p in pods if all(mapping(mapping(p.get("metadata")).get("labels")).get(k) == v
                                       for k, v in selector.items())]
    if selected:
        types = ", ".join(listed(spec.get("policyTypes"))) or "Ingress"
        yield Finding(name_of(policy), "policy", f"selects {name_of(selected[0])}, limits {types}",
                      {"dependency_unreachable": 0.2}, f"{name_of(policy)} limits the traffic of "
                      f"{name_of(selected[0])} ({types})", symptom=True)


# What a malformed object (a field of the wrong type) raises when read; it is skipped, counted, never fatal.
MALFORMED = (TypeError, ValueError, AttributeError, KeyError, IndexError)


def _guarded(read: Callable[[], Iterable[Finding]], skipped: list[int]) -> list[Finding]:
    try:
        return list(read())
    except MALFORMED:
        skipped[0] += 1
        return []


def _pod_key(pod: dict[str, Any]) -> str:
    meta = mapping(pod.get("metadata"))
    return f"{meta.get('namespace')}/{meta.get('name')}"


def all_findings(objects: Iterable[dict[str, Any]], events: list[dict[str, Any]],
                 logs: dict[str, str]) -> tuple[list[Finding], int]:
    """Every finding of the evidence, and how many objects, events or logs were too malformed to read."""
    skipped = [0]
    objects = [o for o in objects if isinstance(o, dict)]
    events = [e for e in events if isinstance(e, dict)]
    pods = [o for o in objects if o.get("kind") == "Pod"]
    by_key = {_pod_key(p): p for p in pods}
    pod_nodes = {n for p in pods if isinstance(n := mapping(p.get("spec")).get("nodeName"), str)}
    try:
        now = newest_mark(objects, events)
    except MALFORMED:
        now = None
    found: list[Finding] = []
    for obj in objects:
        found += _guarded(partial(_of_object, obj, now, pods, pod_nodes), skipped)
    health = {name_of(p): weight for p in pods if (weight := _guarded_health(p, now)) is not None}
    for event in events:
        found += _guarded(partial(from_events, [event], now, health), skipped)
    for key, text in logs.items():
        if isinstance(key, str) and isinstance(text, str) and text:
            found += _guarded(partial(_of_log, key, text, by_key, now), skipped)
    return found, skipped[0]


def _guarded_health(pod: dict[str, Any], now: float | None) -> float | None:
    try:
        return pod_health(pod, now)
    except MALFORMED:
        return None


def _of_log(key: str, text: str, by_key: dict[str, dict[str, Any]], now: float | None) -> list[Finding]:
    subject, container, weight, containers = log_subject(key, by_key, now)
    return [weigh_log(f, weight, containers) for f in from_log_text(subject, key, text, container)]


def _of_object(obj: dict[str, Any], now: float | None, pods: list[dict[str, Any]],
               pod_nodes: set[str]) -> Iterable[Finding]:
    kind = obj.get("kind")
    if kind == "Pod":
        return from_pod(obj, now)
    if kind in {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"}:
        return from_controller(obj)
    if kind == "ResourceQuota":
        return from_quota(obj)
    if kind == "Node":
        on_it = not pod_nodes or mapping(obj.get("metadata")).get("name") in pod_nodes
        return from_node(obj, 1.0 if on_it else 0.5)
    if kind == "PersistentVolumeClaim":
        return from_claim(obj)
    if kind == "NetworkPolicy":
        return from_policy(obj, pods)
    return []
