"""Deterministic root-cause analysis: Kubernetes objects, events and container logs in; a named cause out.

    report = analyze(objects, events, logs)   # logs: {"ns/pod/container": text, "ns/pod/container:previous": ...}
    report.category, report.confidence, report.chain, report.runner_up, report.missing, report.summary

An evidence model, always available, no LLM. Every mark a failure leaves becomes a finding (`findings.py`):
a container state, an exit code, an event, a controller or node condition, a full quota, a policy, a log
line; each supports categories with a strength. Causal links decide: a cause explains the symptoms beside it
(a refused connection explains the crash loop and the traceback it caused; a missing Secret explains the
mount failure), a failing pod's marks outweigh a healthy pod's noise, an old event weighs less. Each
category's score combines its unexplained findings (noisy-or); the best is the answer, named with its
evidence chain and the runner-up; confidence falls with a close runner-up and with evidence that could not
be read. Plain Python, no Django. Categories are fixed (see CATEGORIES) so that scenario sets written
elsewhere can be scored (`manage.py rca_eval`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from incidents.rca.findings import Finding, listed, mapping, name_of
from incidents.rca.objects import all_findings

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
    chain: list[str] = field(default_factory=list)  # the cause, then the symptoms it explains
    missing: list[str] = field(default_factory=list)  # evidence that could not be read
    metrics: list[str] = field(default_factory=list)  # what Prometheus showed (incidents/rca/trends.py), as read

    @property
    def runner_up(self) -> Hypothesis | None:
        return next((h for h in self.hypotheses if h.category != self.category), None)

    def as_dict(self) -> dict[str, Any]:
        runner = self.runner_up
        return {"engine": self.engine, "category": self.category, "summary": self.summary,
                "root_cause": self.root_cause, "confidence": round(self.confidence, 2), "evidence": self.evidence,
                "evidence_chain": self.chain, "missing": self.missing, "metrics": self.metrics,
                "runner_up": {"category": runner.category, "score": round(runner.score, 2),
                              "summary": runner.summary} if runner else None,
                "recommended_actions": self.recommended_actions, "affected_resources": self.affected_resources,
                "hypotheses": [{"category": h.category, "score": round(h.score, 2), "summary": h.summary}
                               for h in self.hypotheses]}


# Below this score nothing in the evidence names a cause: the answer is "unknown". Above the strongest single
# mark of a healthy container (HEALTHY_WEIGHT x 0.88 = 0.31): its noise alone is not a cause.
UNKNOWN_BELOW = 0.35
# An explained symptom still counts this much for its own category (it ranks, it does not win).
EXPLAINED_WEIGHT = 0.3
# Causes strong enough to explain a symptom of the same subject.
EXPLAINS_FROM = 0.5


def analyze(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str],
            unavailable: Iterable[str] = (), extra: Iterable[Finding] = ()) -> RcaReport:
    """The most likely cause of what `objects`, `events` and `logs` show. `unavailable` names what could not
    be read (e.g. "logs", "events", "resourcequotas"): it lowers the confidence and the report says so.
    `extra`: findings read elsewhere about the same pods (Prometheus' trends, `incidents/rca/trends.py`)."""
    objects = [o for o in objects if isinstance(o, dict)] if isinstance(objects, list) else []
    events = [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []
    logs = {k: v for k, v in logs.items() if isinstance(v, str)} if isinstance(logs, dict) else {}
    findings, malformed = all_findings(objects, events, logs)
    findings += extra
    _link(findings)
    scores, support = _scores(findings)
    ranked = sorted(scores, key=lambda c: -scores[c])
    pods = [name_of(o) for o in objects if o.get("kind") == "Pod"]
    missing = _missing(objects, events, logs, list(unavailable))
    if malformed:
        missing.append(f"{malformed} malformed object{'s' if malformed > 1 else ''} (skipped)")
    if not ranked or scores[ranked[0]] < UNKNOWN_BELOW:
        hypotheses = [_hypothesis(c, scores[c], support[c]) for c in ranked]
        note = " Not read: " + ", ".join(missing) + "." if missing else ""
        return RcaReport("unknown", "No known cause found in the objects, events and logs." + note, "unknown",
                         0.3 if not ranked else max(0.3, 1 - scores[ranked[0]]) * 0.7, [],
                         RECOMMENDED["unknown"], pods, hypotheses, missing=missing)
    top = ranked[0]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    confidence = _confidence(scores[top], second, missing)
    hypotheses = [_hypothesis(c, scores[c], support[c]) for c in ranked]
    best = support[top][0]
    chain = _chain(support[top], findings)
    summary = best.summary + (f" Runner-up: {ranked[1]} ({second:.2f})." if len(ranked) > 1 else "")
    if missing:
        summary += " Not read: " + ", ".join(missing) + "."
    resources = list(dict.fromkeys(f.subject for f in support[top]))
    return RcaReport(top, summary, best.summary, confidence, [f.describe()[:500] for f in support[top][:6]],
                     RECOMMENDED[top], resources, hypotheses, chain=chain, missing=missing)


def _link(findings: list[Finding]) -> None:
    """Each symptom is explained by the strongest cause of the same subject (pod, or its workload)."""
    causes: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.symptom and f.supports[f.category] >= EXPLAINS_FROM:
            causes.setdefault(f.subject, []).append(f)
    for f in findings:
        if not f.symptom:
            continue
        candidates = [c for c in causes.get(f.subject, []) if c.category != f.category
                      and (not f.container or not c.container or c.container == f.container or c.source != "log")]
        if f.category == "probe_failure":  # a probe fails because the program crashed, not the reverse
            candidates = [c for c in candidates if c.category != "application_crash" or c.source != "exit"]
        if candidates:
            f.explained_by = max(candidates, key=lambda c: c.strength * c.line)


def _scores(findings: list[Finding]) -> tuple[dict[str, float], dict[str, list[Finding]]]:
    """category -> noisy-or of its findings' strengths; and the findings behind each, strongest first."""
    remaining: dict[str, float] = {}
    support: dict[str, list[Finding]] = {}
    for f in findings:
        for category, strength in f.supports.items():
            weight = _weight(f) * (1.0 if category == f.category else 0.8)  # 0.8: what it supports besides
            remaining[category] = remaining.get(category, 1.0) * (1 - min(strength * weight, 0.99))
            support.setdefault(category, []).append(f)
    scores = {c: round(1 - r, 4) for c, r in remaining.items()}
    for category, found in support.items():
        found.sort(key=lambda f: -(f.supports[category] * _weight(f)))
    return scores, support


def _weight(f: Finding) -> float:
    """How much a finding counts: its subject's weight, how late in its log, less once a cause explains it."""
    return f.weight * f.line * (EXPLAINED_WEIGHT if f.explained_by is not None else 1.0)


def _confidence(top: float, second: float, missing: list[str]) -> float:
    margin = min(1.0, (top - second) / 0.3)
    confidence = top * (0.6 + 0.4 * margin)
    confidence *= 0.85 ** len(missing)
    return round(max(0.05, min(confidence, 0.99)), 4)


def _missing(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str],
             unavailable: list[str]) -> list[str]:
    missing = [str(u) for u in unavailable]
    crashed = any(
        isinstance(count := c.get("restartCount"), int) and count > 0 for o in objects if o.get("kind") == "Pod"
        for c in listed(mapping(o.get("status")).get("containerStatuses")) if isinstance(c, dict))
    if crashed and not any(logs.values()) and "logs" not in missing:
        missing.append("logs")
    return missing


def _chain(support: list[Finding], findings: list[Finding]) -> list[str]:
    """The cause's findings, each followed by the symptoms it explains."""
    chain: list[str] = []
    for f in support[:3]:
        if f.explained_by is not None:
            continue
        chain.append(f"{f.describe()} [{f.category}]")
        chain += [f"  explains: {s.describe()} [{s.category}]" for s in findings if s.explained_by is f][:3]
    return [line[:500] for line in chain]


def _hypothesis(category: str, score: float, support: list[Finding]) -> Hypothesis:
    best = support[0]
    return Hypothesis(category, round(score, 4), best.summary if best.category == category
                      else f"{category}: {best.summary}", [f.describe()[:500] for f in support[:4]],
                      list(dict.fromkeys(f.subject for f in support)))
