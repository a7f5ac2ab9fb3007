"""Deterministic root-cause analysis: Kubernetes objects, events and container logs in; a named cause out.

    report = analyze(objects, events, logs)   # logs: {"ns/pod/container": text, "ns/pod/container:previous": ...}
    report.category, report.summary, report.confidence, report.evidence, report.recommended_actions

Always available, no LLM: each rule looks for the marks a cause leaves (container states, scheduler and
kubelet events, node conditions, log patterns) and proposes a hypothesis with a score; the best one is the
answer, the others are kept, ranked. Plain Python, no Django. Categories are fixed (see CATEGORIES) so that
scenario sets written elsewhere can be scored (`manage.py rca_eval`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiops_project.loganalysis import LogAnalysis, analyze_logs, redact

CATEGORIES = (
    "image_pull_error", "oom_killed", "config_error", "dependency_unreachable", "application_crash",
    "unschedulable_resources", "unschedulable_constraints", "node_failure", "probe_failure",
    "volume_mount_failure", "permission_denied", "quota_exceeded", "unknown",
)
RECOMMENDED: dict[str, list[str]] = {
    "image_pull_error": ["playbook imagepull-diagnosis", "fix the image name, tag or registry credentials"],
    "oom_killed": ["playbook oomkilled-remediation", "kubernetes.set_resources (raise the memory limit)"],
    "config_error": ["kubernetes.describe (the missing ConfigMap/Secret/key)", "fix the configuration, then "
                     "kubernetes.rollout_restart"],
    "dependency_unreachable": ["kubernetes.list_services / list_pods of the dependency", "check the dependency, "
                               "not this workload: restarting it will not help"],
    "application_crash": ["kubernetes.analyze_logs", "kubernetes.rollout_undo if a recent rollout introduced it"],
    "unschedulable_resources": ["kubernetes.top_nodes", "lower the requests or add capacity"],
    "unschedulable_constraints": ["kubernetes.describe_node (taints, labels)", "fix tolerations, affinity or the "
                                  "node selector"],
    "node_failure": ["playbook node-not-ready", "kubernetes.cordon_node / drain_node"],
    "probe_failure": ["kubernetes.get_pod (the probe)", "fix the probe's path, port or timing"],
    "volume_mount_failure": ["kubernetes.describe PersistentVolumeClaim", "fix the claim, storage class or "
                             "the missing ConfigMap/Secret volume"],
    "permission_denied": ["kubernetes.describe (security context, service account)", "grant the RBAC role or "
                          "fix file ownership / runAsUser"],
    "quota_exceeded": ["kubernetes.describe ResourceQuota / LimitRange", "raise the quota or lower the requests"],
    "unknown": ["kubernetes.describe_pod", "kubernetes.analyze_logs"],
}


@dataclass
class Hypothesis:
    category: str
    score: float
    summary: str
    evidence: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


@dataclass
class RcaReport:
    category: str
    summary: str
    root_cause: str
    confidence: float
    evidence: list[str]
    recommended_actions: list[str]
    affected_resources: list[str]
    hypotheses: list[Hypothesis]
    engine: str = "deterministic"

    def as_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "category": self.category, "summary": self.summary,
                "root_cause": self.root_cause, "confidence": round(self.confidence, 2), "evidence": self.evidence,
                "recommended_actions": self.recommended_actions, "affected_resources": self.affected_resources,
                "hypotheses": [{"category": h.category, "score": round(h.score, 2), "summary": h.summary}
                               for h in self.hypotheses]}


@dataclass
class Facts:
    """What the rules read, indexed once."""

    pods: list[dict[str, Any]]
    nodes: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    events: list[dict[str, Any]]
    logs: dict[str, LogAnalysis]

    def containers(self) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
        for pod in self.pods:
            status = _d(pod.get("status"))
            for cs in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
                if isinstance(cs, dict):
                    yield pod, cs

    def event_texts(self) -> Iterable[tuple[dict[str, Any], str]]:
        for event in self.events:
            yield event, f"{event.get('reason', '')}: {event.get('message', '')}"


def _name(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    return f"{obj.get('kind', '?')}/{namespace + '/' if namespace else ''}{meta.get('name')}"


def _involved(event: dict[str, Any]) -> str:
    obj = event.get("involvedObject") or event.get("regarding") or {}
    namespace = obj.get("namespace")
    return f"{obj.get('kind', '?')}/{namespace + '/' if namespace else ''}{obj.get('name')}"


Rule = Callable[[Facts], list[Hypothesis]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _d(value: Any) -> dict[str, Any]:
    """A mapping, whatever arrived (objects from elsewhere may be partial or malformed)."""
    return value if isinstance(value, dict) else {}


def _states(cs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    state, last = _d(cs.get("state")), _d(cs.get("lastState"))
    return _d(state.get("waiting")), _d(state.get("terminated")), _d(last.get("terminated"))


@rule
def image_pull(facts: Facts) -> list[Hypothesis]:
    found = []
    for pod, cs in facts.containers():
        waiting, _, _ = _states(cs)
        if waiting.get("reason") in {"ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"}:
            found.append(Hypothesis("image_pull_error", 0.95, f"container {cs.get('name')} cannot pull image "
                                    f"{cs.get('image')}", [f"{_name(pod)}: {waiting.get('reason')}: "
                                                            f"{waiting.get('message', '')}"], [_name(pod)]))
    for event, text in facts.event_texts():
        if re.search(r"Failed to pull image|ErrImagePull|pull access denied|manifest unknown", text):
            found.append(Hypothesis("image_pull_error", 0.9, "an image cannot be pulled",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
    return found


@rule
def oom(facts: Facts) -> list[Hypothesis]:
    found = []
    for pod, cs in facts.containers():
        _, current, last = _states(cs)
        for terminated in (current, last):
            if terminated.get("reason") == "OOMKilled":
                specs = (pod.get("spec") or {}).get("containers") or []
                limit = next((((c.get("resources") or {}).get("limits") or {}).get("memory")
                              for c in specs if c.get("name") == cs.get("name")), None)
                found.append(Hypothesis("oom_killed", 0.97, f"container {cs.get('name')} was killed for using more "
                                        f"memory than its limit ({limit or 'no limit set'})",
                                        [f"{_name(pod)}: terminated OOMKilled, exit code {terminated.get('exitCode')}"],
                                        [_name(pod)]))
    for key, analysis in facts.logs.items():
        for finding in analysis.findings:
            if finding.category == "oom_killed":
                found.append(Hypothesis("oom_killed", 0.8, f"{key}: {finding.description}",
                                        [f"{key}:{n}: {t}" for n, t in finding.evidence]))
    return found


_CONFIG_MISSING = re.compile(r"(configmap|secret)s? \"?[\w.-]+\"? not found|couldn't find key|"
                             r"key [\w.-]+ not found in|invalid env|CreateContainerConfigError", re.I)
_SECURITY_CONTEXT = re.compile(r"runAsNonRoot|run as root|non-root|violates PodSecurity|securityContext", re.I)


@rule
def container_config(facts: Facts) -> list[Hypothesis]:
    found = []
    for pod, cs in facts.containers():
        waiting, _, _ = _states(cs)
        if waiting.get("reason") in {"CreateContainerConfigError", "CreateContainerError", "RunContainerError"}:
            message = waiting.get("message", "")
            category = "permission_denied" if _SECURITY_CONTEXT.search(message) else "config_error"
            found.append(Hypothesis(category, 0.95, f"container {cs.get('name')} cannot be created: {message}",
                                    [f"{_name(pod)}: {waiting.get('reason')}: {message}"], [_name(pod)]))
    for event, text in facts.event_texts():
        if event.get("reason") == "Failed" and _CONFIG_MISSING.search(text) and "pull" not in text.lower():
            found.append(Hypothesis("config_error", 0.9, "a ConfigMap, Secret or key the pod needs is missing",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
        elif event.get("reason") == "Failed" and _SECURITY_CONTEXT.search(text):
            found.append(Hypothesis("permission_denied", 0.9, "the security context forbids how the container runs",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
    return found


# Log categories, and how sure a pattern makes us of its cause.
LOG_SCORES = {"dependency_unreachable": 0.8, "config_error": 0.78, "permission_denied": 0.8,
              "application_crash": 0.6, "node_failure": 0.62, "probe_failure": 0.5, "volume_mount_failure": 0.7,
              "quota_exceeded": 0.7, "image_pull_error": 0.7}


@rule
def from_logs(facts: Facts) -> list[Hypothesis]:
    found = []
    for key, analysis in facts.logs.items():
        for finding in analysis.findings:
            if finding.category not in LOG_SCORES:
                continue
            score = LOG_SCORES[finding.category]
            if finding.pattern == "database_auth_failed":
                score = 0.85  # wrong credentials in the config, however the connection looks
            detail = f" ({finding.detail})" if finding.detail else ""
            found.append(Hypothesis(finding.category, score + min(finding.count, 5) * 0.005,
                                    f"{key}: {finding.description}{detail}",
                                    [f"{key} line {n}: {t}" for n, t in finding.evidence]))
    return found


@rule
def crash_loop(facts: Facts) -> list[Hypothesis]:
    found = []
    for pod, cs in facts.containers():
        waiting, current, last = _states(cs)
        terminated = current or last
        if waiting.get("reason") == "CrashLoopBackOff" or (terminated.get("exitCode") or 0) not in (0, 137):
            if terminated.get("reason") == "OOMKilled":
                continue
            code = terminated.get("exitCode")
            found.append(Hypothesis("application_crash", 0.45, f"container {cs.get('name')} keeps exiting"
                                    + (f" with code {code}" if code is not None else ""),
                                    [f"{_name(pod)}: {waiting.get('reason') or 'terminated'}, "
                                     f"{cs.get('restartCount', 0)} restarts, last exit code {code}"], [_name(pod)]))
    return found


_RESOURCES = re.compile(r"Insufficient (cpu|memory|ephemeral-storage|nvidia|pods)|Too many pods", re.I)
_CONSTRAINTS = re.compile(r"taint|affinity|node selector|didn't match|node\(s\) didn't|NodeAffinity|"
                          r"anti-affinity|topology spread|MatchNodeSelector", re.I)
_CLAIMS = re.compile(r"unbound (immediate )?PersistentVolumeClaims|persistentvolumeclaim .* not found|"
                     r"pod has unbound", re.I)


@rule
def scheduling(facts: Facts) -> list[Hypothesis]:
    found = []
    texts = [(f"{_name(pod)}", c.get("message", "")) for pod in facts.pods
             for c in (pod.get("status") or {}).get("conditions") or []
             if c.get("type") == "PodScheduled" and c.get("status") == "False"]
    texts += [(_involved(e), e.get("message", "")) for e in facts.events if e.get("reason") == "FailedScheduling"]
    for where, message in texts:
        if _CLAIMS.search(message):
            found.append(Hypothesis("volume_mount_failure", 0.93, "the pod waits for a volume claim to bind",
                                    [f"{where}: {message}"], [where]))
        elif _RESOURCES.search(message):
            found.append(Hypothesis("unschedulable_resources", 0.95, "no node has the CPU or memory the pod requests",
                                    [f"{where}: {message}"], [where]))
        elif _CONSTRAINTS.search(message):
            found.append(Hypothesis("unschedulable_constraints", 0.95, "no node matches the pod's taints, "
                                    "affinity or node selector", [f"{where}: {message}"], [where]))
    return found


@rule
def nodes(facts: Facts) -> list[Hypothesis]:
    found = []
    pod_nodes = {(p.get("spec") or {}).get("nodeName") for p in facts.pods}
    for node in facts.nodes:
        name = (node.get("metadata") or {}).get("name")
        weight = 0.0 if pod_nodes - {None} and name not in pod_nodes else 0.02
        for condition in (node.get("status") or {}).get("conditions") or []:
            kind, status = condition.get("type"), condition.get("status")
            if kind == "Ready" and status != "True":
                found.append(Hypothesis("node_failure", 0.9 + weight, f"node {name} is not Ready ({status})",
                                        [f"Node/{name}: Ready={status}: {condition.get('message', '')}"],
                                        [f"Node/{name}"]))
            elif kind in {"MemoryPressure", "DiskPressure", "PIDPressure"} and status == "True":
                found.append(Hypothesis("node_failure", 0.88 + weight, f"node {name} is under {kind}",
                                        [f"Node/{name}: {kind}: {condition.get('message', '')}"], [f"Node/{name}"]))
    for pod in facts.pods:
        status = pod.get("status") or {}
        if status.get("reason") in {"Evicted", "NodeLost", "Terminated"} and status.get("message"):
            found.append(Hypothesis("node_failure", 0.85, f"{_name(pod)} was {status['reason'].lower()}",
                                    [f"{_name(pod)}: {status['message']}"], [_name(pod)]))
    return found


@rule
def probes(facts: Facts) -> list[Hypothesis]:
    found = []
    for event, text in facts.event_texts():
        if event.get("reason") == "Unhealthy" and re.search(r"(liveness|readiness|startup) probe failed", text, re.I):
            found.append(Hypothesis("probe_failure", 0.78, f"a health probe of {_involved(event)} fails",
                                    [f"event on {_involved(event)}: {text} (x{event.get('count', 1)})"],
                                    [_involved(event)]))
        elif event.get("reason") == "Killing" and "probe" in text:
            found.append(Hypothesis("probe_failure", 0.82,
                                    f"the kubelet restarts {_involved(event)} for a failed probe",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
    return found


@rule
def volumes(facts: Facts) -> list[Hypothesis]:
    found = []
    for event, text in facts.event_texts():
        if event.get("reason") in {"FailedMount", "FailedAttachVolume", "FailedMapVolume", "ProvisioningFailed"}:
            found.append(Hypothesis("volume_mount_failure", 0.93, f"a volume of {_involved(event)} cannot be mounted",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
    for claim in facts.claims:
        if (claim.get("status") or {}).get("phase") == "Pending":
            found.append(Hypothesis("volume_mount_failure", 0.85, f"{_name(claim)} is not bound",
                                    [f"{_name(claim)}: phase Pending"], [_name(claim)]))
    return found


@rule
def quotas(facts: Facts) -> list[Hypothesis]:
    found = []
    for event, text in facts.event_texts():
        if re.search(r"exceeded quota|forbidden: exceeded|maximum (cpu|memory) usage per|minimum (cpu|memory) usage "
                     r"per|LimitRange", text, re.I):
            found.append(Hypothesis("quota_exceeded", 0.95, "a ResourceQuota or LimitRange refuses the pods",
                                    [f"event on {_involved(event)}: {text}"], [_involved(event)]))
    return found


def analyze(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str]) -> RcaReport:
    def of(kind: str) -> list[dict[str, Any]]:
        return [o for o in objects if isinstance(o, dict) and o.get("kind") == kind]

    events = [e for e in events if isinstance(e, dict)]
    logs = {k: v for k, v in logs.items() if isinstance(v, str)}

    facts = Facts(of("Pod"), of("Node"), of("PersistentVolumeClaim"),
                  [e for e in events if e.get("type", "Warning") != "Normal" or e.get("reason") == "Killing"],
                  {key: analyze_logs(text) for key, text in logs.items() if text})
    hypotheses = [h for check in RULES for h in check(facts)]
    best: dict[str, Hypothesis] = {}
    for h in sorted(hypotheses, key=lambda h: -h.score):
        if h.category not in best:
            best[h.category] = h
        else:  # more evidence of the same cause, and slightly more certainty
            kept = best[h.category]
            kept.evidence += [e for e in h.evidence if e not in kept.evidence][:3]
            kept.resources += [r for r in h.resources if r not in kept.resources]
            kept.score = min(0.99, kept.score + 0.01)
    ranked = sorted(best.values(), key=lambda h: -h.score)
    if not ranked:
        return RcaReport("unknown", "No known cause found in the objects, events and logs.", "unknown", 0.0, [],
                         RECOMMENDED["unknown"], [_name(p) for p in facts.pods], [])
    top = ranked[0]
    evidence = [redact(e)[:500] for e in top.evidence[:6]]
    return RcaReport(top.category, top.summary, top.summary, top.score, evidence, RECOMMENDED[top.category],
                     top.resources, ranked)
