"""What the RCA engine reads: findings, each about one subject and supporting causes with a strength.

A finding is one mark a failure leaves: a container state, an exit code, an event, a controller or node
condition, a full quota, a policy, a log line. It names the categories it supports and how strongly, and
whether it is a *symptom* (a crash loop, a back-off, a failed probe, a traceback) that a cause found beside it
may explain. `engine.analyze` weighs them. Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops_project.loganalysis import LogAnalysis, analyze_logs, redact

# A healthy pod's noise (Running, Ready, never restarted) weighs this much beside a failing pod's marks.
HEALTHY_WEIGHT = 0.35
REPEATED_WEIGHT = 0.75  # ... unless it repeats to the end of the log: the pod runs, but fails at its job
STALE_WEIGHT = 0.4  # an event last seen an hour or more before the newest one
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


def _d(value: Any) -> dict[str, Any]:
    """A mapping, whatever arrived (objects from elsewhere may be partial or malformed)."""
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def name_of(obj: dict[str, Any]) -> str:
    meta = _d(obj.get("metadata"))
    namespace = meta.get("namespace")
    return f"{obj.get('kind', '?')}/{namespace + '/' if namespace else ''}{meta.get('name')}"


def involved(event: dict[str, Any]) -> str:
    obj = _d(event.get("involvedObject") or event.get("regarding"))
    namespace = obj.get("namespace")
    return f"{obj.get('kind', '?')}/{namespace + '/' if namespace else ''}{obj.get('name')}"


def _bound(text: Any, limit: int = 400) -> str:
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


def pod_health(pod: dict[str, Any]) -> float:
    """A pod's weight: 1 when it fails, HEALTHY_WEIGHT when it runs ready without a restart."""
    status = _d(pod.get("status"))
    statuses = [_d(s) for s in [*_l(status.get("initContainerStatuses")), *_l(status.get("containerStatuses"))]]
    containers = [_d(s) for s in _l(status.get("containerStatuses"))]
    healthy = (status.get("phase") in {"Running", "Succeeded"} and containers
               and all(s.get("ready") or status.get("phase") == "Succeeded" for s in containers)
               and not any((s.get("restartCount") or 0) > 0 for s in statuses))
    return HEALTHY_WEIGHT if healthy else 1.0


def container_health(pod: dict[str, Any], container: str) -> float:
    """A container's weight: HEALTHY_WEIGHT when it (or its whole pod) runs ready without a restart."""
    if pod_health(pod) < 1:
        return HEALTHY_WEIGHT
    status = _d(pod.get("status"))
    for cs in [*_l(status.get("initContainerStatuses")), *_l(status.get("containerStatuses"))]:
        cs = _d(cs)
        if cs.get("name") == container:
            running = "running" in _d(cs.get("state"))
            return HEALTHY_WEIGHT if running and cs.get("ready") and not cs.get("restartCount") else 1.0
    return 1.0


def from_pod(pod: dict[str, Any]) -> Iterator[Finding]:
    subject, weight = name_of(pod), pod_health(pod)
    status = _d(pod.get("status"))
    inits = {_d(c).get("name") for c in _l(_d(pod.get("spec")).get("initContainers"))}
    for cs in [*_l(status.get("initContainerStatuses")), *_l(status.get("containerStatuses"))]:
        cs = _d(cs)
        name = str(cs.get("name") or "")
        label = f"init container {name}" if name in inits else f"container {name}"
        for finding in _container(subject, label, pod, cs):
            finding.container, finding.weight = name, weight
            yield finding
    reason, message = status.get("reason"), str(status.get("message") or "")
    if reason in {"Evicted", "NodeLost", "Terminated", "NodeShutdown"} or "node was low on resource" in message:
        yield Finding(subject, "pod", _bound(f"{reason}: {message}"), {"node_failure": 0.85},
                      f"{subject} was {str(reason).lower()} by its node: {_bound(message, 200)}")
    for condition in _l(status.get("conditions")):
        condition = _d(condition)
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            yield from scheduling(subject, str(condition.get("message") or condition.get("reason") or ""))


def _container(subject: str, label: str, pod: dict[str, Any], cs: dict[str, Any]) -> Iterator[Finding]:
    state, last = _d(cs.get("state")), _d(cs.get("lastState"))
    waiting = _d(state.get("waiting"))
    reason, message = str(waiting.get("reason") or ""), str(waiting.get("message") or "")
    if reason in _IMAGE_REASONS:
        category = "image_pull_error"
        yield Finding(subject, "container", _bound(f"{reason}: {message}"), {category: 0.95},
                      f"{label} cannot pull its image {cs.get('image', '')}: {_bound(message, 200)}")
    elif reason in _CREATE_REASONS:
        known = classify_message(message)
        category, strength, summary = known or ("config_error", 0.7, "the container cannot be created")
        yield Finding(subject, "container", _bound(f"{reason}: {message}"), {category: strength},
                      f"{label}: {summary}: {_bound(message, 200)}")
    for terminated in (_d(state.get("terminated")), _d(last.get("terminated"))):
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
        limit = next((_d(_d(c).get("resources")).get("limits", {}).get("memory")
                      for c in _l(_d(pod.get("spec")).get("containers")) if _d(c).get("name") == cs.get("name")),
                     None)
        yield Finding(subject, "exit", text, {"oom_killed": 0.97},
                      f"{label} was killed for using more memory than its limit ({limit or 'no limit set'})")
        return
    if reason in _CREATE_REASONS and (known := classify_message(str(terminated.get("message") or ""))):
        yield Finding(subject, "exit", _bound(f"{reason}: {terminated.get('message')}"), {known[0]: known[1]},
                      f"{label}: {known[2]}")
        return
    if code in (0, None) and not crashloop:
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


# --- scheduling: which reason excludes most nodes
_SCHED_COUNT = re.compile(r"(\d+) ([^,.:;]+)|([A-Za-z][^,.:;()]+?) \((\d+)\)")
_RESOURCES = re.compile(r"Insufficient|Too many pods|PodFitsResources|exceed.*(capacity|allocatable)", re.I)
_CONSTRAINTS = re.compile(r"taint|affinity|selector|didn't match|NodeAffinity|MatchNodeSelector|topology spread|"
                          r"PodToleratesNodeTaints|CheckNodeUnschedulable|unschedulable|didn't have free ports|"
                          r"NoVolumeZoneConflict|volume node affinity|node\(s\) had", re.I)
_CLAIMS = re.compile(r"unbound (immediate )?PersistentVolumeClaims|persistentvolumeclaim \"?[\w.-]+\"? not found|"
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
    text = _bound(message)
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
    total = int(found.group(1)) if (found := _TOTAL.search(message)) else 0
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
_CONTROLLER_REASONS = {"FailedCreate", "ReplicaFailure", "FailedCreatePod", "FailedPlacement"}


def _timestamp(event: dict[str, Any]) -> float | None:
    value = event.get("lastTimestamp") or event.get("eventTime") or _d(event.get("series")).get("lastObservedTime")
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() if value else None
    except ValueError:
        return None


def from_events(events: list[dict[str, Any]]) -> Iterator[Finding]:
    times = [t for e in events if (t := _timestamp(e)) is not None]
    newest = max(times, default=None)
    for event in events:
        stamp = _timestamp(event)
        stale = newest is not None and stamp is not None and newest - stamp >= STALE_SECONDS
        for finding in _event(event):
            finding.weight *= STALE_WEIGHT if stale else 1.0
            if stale:
                finding.text += " (an old event)"
            yield finding


def _volume_event(subject: str, text: str, message: str) -> Finding:
    known = classify_message(message)
    if known and known[0] == "config_error":  # a missing Secret or ConfigMap: the volume is not the cause
        return Finding(subject, "event", text, {"config_error": 0.93, "volume_mount_failure": 0.3},
                       f"a volume of {subject} refers to something that does not exist: {_bound(message, 200)}")
    return Finding(subject, "event", text, {"volume_mount_failure": 0.9},
                   f"a volume of {subject} cannot be attached or mounted: {_bound(message, 200)}")


def _event(event: dict[str, Any]) -> Iterator[Finding]:
    reason, message = str(event.get("reason") or ""), str(event.get("message") or event.get("note") or "")
    subject, text = involved(event), _bound(f"{reason}: {message}")
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
                          f"{_bound(message, 200)}")
    elif reason == "Unhealthy" or (reason == "Killing" and "probe" in message):
        yield Finding(subject, "event", text + f" (x{event.get('count', 1)})",
                      {"probe_failure": 0.8 if reason == "Killing" else 0.72},
                      f"a health probe of {subject} fails", symptom=True)
    elif reason == "BackOff":
        yield Finding(subject, "event", text, {"application_crash": 0.35}, f"{subject} keeps restarting",
                      symptom=True)
    elif reason in _NODE_REASONS:
        yield Finding(subject, "event", text, {"node_failure": 0.8}, f"the node of {subject} fails: "
                      f"{_bound(message, 200)}")
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


# --- controllers, quotas, nodes, claims, policies
def from_controller(obj: dict[str, Any]) -> Iterator[Finding]:
    subject = name_of(obj)
    for condition in _l(_d(obj.get("status")).get("conditions")):
        condition = _d(condition)
        kind, status = condition.get("type"), condition.get("status")
        reason, message = str(condition.get("reason") or ""), str(condition.get("message") or "")
        text = _bound(f"{kind}={status} {reason}: {message}")
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
    status = _d(quota.get("status"))
    hard, used = _d(status.get("hard")), _d(status.get("used"))
    full = [f"{k} {used.get(k)}/{v}" for k, v in hard.items() if k in used and _quantity(v) > 0
            and _quantity(used[k]) >= _quantity(v)]
    if full:
        yield Finding(name_of(quota), "quota", "used up: " + ", ".join(full), {"quota_exceeded": 0.55},
                      f"{name_of(quota)} is used up ({', '.join(full)})")


def from_node(node: dict[str, Any], weight: float) -> Iterator[Finding]:
    subject = name_of(node)
    for condition in _l(_d(node.get("status")).get("conditions")):
        condition = _d(condition)
        kind, status, message = condition.get("type"), condition.get("status"), condition.get("message", "")
        if kind == "Ready" and status != "True":
            yield Finding(subject, "node", _bound(f"Ready={status}: {message}"), {"node_failure": 0.9},
                          f"node {subject.split('/')[-1]} is not Ready ({status})", weight=weight)
        elif kind in {"MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"} and status == "True":
            yield Finding(subject, "node", _bound(f"{kind}: {message}"), {"node_failure": 0.85},
                          f"node {subject.split('/')[-1]} is under {kind}", weight=weight)
    for taint in _l(_d(node.get("spec")).get("taints")):
        key = str(_d(taint).get("key") or "")
        if key in {"node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"}:
            yield Finding(subject, "node", f"taint {key}", {"node_failure": 0.8},
                          f"node {subject.split('/')[-1]} is {key.rsplit('/', 1)[-1]}", weight=weight)


def from_claim(claim: dict[str, Any]) -> Iterator[Finding]:
    phase = _d(claim.get("status")).get("phase")
    if phase in {"Pending", "Lost"}:
        yield Finding(name_of(claim), "claim", f"phase {phase}", {"volume_mount_failure": 0.8},
                      f"{name_of(claim)} is {'not bound' if phase == 'Pending' else 'lost'}")


def from_policy(policy: dict[str, Any], pods: list[dict[str, Any]]) -> Iterator[Finding]:
    """A NetworkPolicy that selects a pod of the incident: a possible cause of unreachable dependencies."""
    spec = _d(policy.get("spec"))
    selector = _d(_d(spec.get("podSelector")).get("matchLabels"))
    selected = [p for p in pods if all(_d(_d(p.get("metadata")).get("labels")).get(k) == v
                                       for k, v in selector.items())]
    if selected:
        types = ", ".join(_l(spec.get("policyTypes"))) or "Ingress"
        yield Finding(name_of(policy), "policy", f"selects {name_of(selected[0])}, limits {types}",
                      {"dependency_unreachable": 0.2}, f"{name_of(policy)} limits the traffic of "
                      f"{name_of(selected[0])} ({types})", symptom=True)


# --- logs
# How much one log mark says of its category (the pattern names of aiops_project.loganalysis).
LOG_STRENGTH = {"connection_refused": 0.82, "dns_failure": 0.85, "tls_error": 0.8, "timeout": 0.75,
                "dependency_overloaded": 0.8, "connection_lost": 0.55, "connection_reset": 0.45,
                "database_auth_failed": 0.88, "database_missing": 0.85, "missing_env_var": 0.85,
                "invalid_config": 0.8, "bad_command": 0.82, "missing_file": 0.6, "port_in_use": 0.75,
                "rbac_forbidden": 0.86, "permission_denied": 0.75, "unauthorized": 0.75,
                "oom_killed": 0.88, "java_out_of_memory": 0.86, "node_heap_exhausted": 0.86, "memory_exhausted": 0.75,
                "go_panic": 0.72, "segfault": 0.72, "native_abort": 0.7, "python_traceback": 0.6,
                "java_exception": 0.55,
                "node_exception": 0.6, "database_query_error": 0.62, "exit_code": 0.4,
                "disk_full": 0.6, "probe_failure": 0.4, "volume_mount": 0.6, "quota_exceeded": 0.6,
                "image_pull": 0.6, "wrong_architecture": 0.85}
# Marks of a crash that the cause beside them (in the same log) may explain.
CRASH_MARKS = {"go_panic", "python_traceback", "java_exception", "node_exception", "exit_code", "segfault",
               "native_abort"}


def from_log_text(subject: str, key: str, text: str, container: str = "") -> Iterator[Finding]:
    yield from from_log(subject, key, analyze_logs(text), container)


def from_log(subject: str, key: str, analysis: LogAnalysis, container: str = "") -> Iterator[Finding]:
    for finding in analysis.findings:
        strength = LOG_STRENGTH.get(finding.pattern, 0.5) + min(finding.count, 5) * 0.005
        late = 1.0 if finding.last_line >= analysis.lines - 40 else 0.85
        evidence = "; ".join(f"line {n}: {t}" for n, t in finding.evidence[:2])
        if finding.pattern == "python_traceback" and finding.detail:
            evidence = f"{finding.detail}; {evidence}"
        detail = f" ({finding.detail})" if finding.detail else ""
        yield Finding(subject, "log", _bound(f"{key}: {evidence}", 500), {finding.category: strength},
                      f"{key}: {finding.description}{detail}", symptom=finding.pattern in CRASH_MARKS,
                      container=container, line=late, count=finding.count)


_LOCAL = re.compile(r"localhost|127\.0\.0\.1|\[::1\]|host='?::1")


def log_subject(key: str, pods: dict[str, dict[str, Any]]) -> tuple[str, str, float, int]:
    """("Pod/ns/name", container, weight, containers in the pod) of a logs key "ns/pod/container[:previous]"."""
    parts = key.split(":")[0].split("/")
    namespace, pod, container = [*parts, "", "", ""][:3]
    found = pods.get(f"{namespace}/{pod}")
    if not found:
        return f"Pod/{namespace}/{pod}", container, 1.0, 1
    return (f"Pod/{namespace}/{pod}", container, container_health(found, container),
            len(_l(_d(found.get("spec")).get("containers"))))


def _weigh_log(finding: Finding, weight: float, containers: int) -> Finding:
    """A healthy container's noise weighs less, unless it repeats to the end; a refused connection to
    localhost in a pod of one container means nothing there listens: the dependency's address is unset."""
    repeated = finding.count >= 3 and finding.line == 1.0 and not finding.symptom
    finding.weight = max(weight, REPEATED_WEIGHT) if repeated and weight < 1 else weight
    if (finding.category == "dependency_unreachable" and containers <= 1 and _LOCAL.search(finding.text)
            and "refused" in finding.text.lower()):
        finding.supports = {"config_error": 0.82, "dependency_unreachable": 0.6}
        finding.summary = (f"{finding.summary}; it dials localhost, where nothing listens in a one-container pod: "
                           "the address of its dependency is likely not configured")
    return finding


def all_findings(objects: Iterable[dict[str, Any]], events: list[dict[str, Any]],
                 logs: dict[str, str]) -> list[Finding]:
    objects = [o for o in objects if isinstance(o, dict)]
    pods = [o for o in objects if o.get("kind") == "Pod"]
    by_key = {f"{_d(p.get('metadata')).get('namespace')}/{_d(p.get('metadata')).get('name')}": p for p in pods}
    pod_nodes = {_d(p.get("spec")).get("nodeName") for p in pods} - {None}
    found: list[Finding] = []
    for obj in objects:
        kind = obj.get("kind")
        if kind == "Pod":
            found += from_pod(obj)
        elif kind in {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"}:
            found += from_controller(obj)
        elif kind == "ResourceQuota":
            found += from_quota(obj)
        elif kind == "Node":
            on_it = not pod_nodes or _d(obj.get("metadata")).get("name") in pod_nodes
            found += from_node(obj, 1.0 if on_it else 0.5)
        elif kind == "PersistentVolumeClaim":
            found += from_claim(obj)
        elif kind == "NetworkPolicy":
            found += from_policy(obj, pods)
    found += from_events([e for e in events if isinstance(e, dict)])
    for key, text in logs.items():
        if isinstance(text, str) and text:
            subject, container, weight, containers = log_subject(key, by_key)
            found += [_weigh_log(f, weight, containers) for f in from_log_text(subject, key, text, container)]
    return found
