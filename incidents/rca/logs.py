"""Findings of container logs: the log analyzer's patterns, weighed by how late, how often and in which
container (a healthy sidecar's retry is noise; a collector whose every push is refused is not)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aiops_project.loganalysis import LogAnalysis, analyze_logs
from incidents.rca.findings import REPEATED_WEIGHT, Finding, bounded, container_health, listed, mapping

# --- logs
# How much one log mark says of its category (the pattern names of aiops_project.loganalysis).
LOG_STRENGTH = {"connection_refused": 0.82, "dns_failure": 0.85, "tls_error": 0.8, "timeout": 0.75,
                "dependency_overloaded": 0.8, "connection_lost": 0.55, "connection_reset": 0.45,
                "database_auth_failed": 0.88, "database_missing": 0.85, "missing_env_var": 0.85,
                "invalid_config": 0.8, "config_rejected": 0.66, "config_value_error": 0.72, "bad_command": 0.82,
                "missing_file": 0.6, "port_in_use": 0.75,
                "rbac_forbidden": 0.86, "permission_denied": 0.75, "unauthorized": 0.75,
                "oom_killed": 0.88, "java_out_of_memory": 0.86, "node_heap_exhausted": 0.86, "memory_exhausted": 0.75,
                "go_panic": 0.72, "segfault": 0.72, "native_abort": 0.7, "python_traceback": 0.6,
                "java_exception": 0.55,
                "node_exception": 0.6, "database_query_error": 0.62, "exit_code": 0.4,
                "disk_full": 0.6, "probe_failure": 0.4, "volume_mount": 0.6, "quota_exceeded": 0.6,
                "image_pull": 0.6, "wrong_architecture": 0.85,
                "missing_module": 0.72, "api_not_served": 0.72}
# Marks of a crash that the cause beside them (in the same log) may explain.
CRASH_MARKS = {"go_panic", "python_traceback", "java_exception", "node_exception", "exit_code", "segfault",
               "native_abort"}


def from_log_text(subject: str, key: str, text: str, container: str = "") -> Iterator[Finding]:
    analysis = analyze_logs(text)
    yield from from_log(subject, key, analysis, container)
    if key.endswith((":previous", "termination message")) and (line := last_words_about_config(text)):
        yield Finding(subject, "log", bounded(f"{key}: {line}", 500), {"config_error": 0.52},
                      f"{key}: its last error speaks of its configuration", container=container)


_ERROR_WORD = re.compile(r"\b(error|fatal|invalid|failed|cannot|can't|unable|missing|unknown|not found|must|"
                         r"required|not set|no such|refused)\b", re.I)
_CONFIG_WORD = re.compile(r"\b(config(uration)?|settings?|options?|flags?|arguments?|parameters?|propert(y|ies)|"
                          r"env(ironment)?|variables?|directives?|fields?|ya?ml|json|toml|ini|conf|url|uri|"
                          r"secrets?|credentials?|certificates?)\b", re.I)
# ... but not the words of a program's own bug (a JavaScript object's properties, a nil map's keys).
_BUG_WORDS = re.compile(r"cannot read propert|is not a function|undefined is not|null ?pointer|index out of range|"
                        r"nil map|NoneType", re.I)


def last_words_about_config(text: str) -> str:
    """The last error line of a terminated container, if it speaks of configuration, else ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][-6:]
    for line in reversed(lines):
        if _ERROR_WORD.search(line):
            return line if _CONFIG_WORD.search(line) and not _BUG_WORDS.search(line) else ""
    return ""


# Marks that busy, healthy servers log all day (clients closing connections): noise however often they repeat.
_NOISY = {"connection_reset", "connection_lost"}
_WARNING = re.compile(r"\bWARN(ING)?\b|level=warn|\"level\": ?\"warn|^W\d{4} |\[warn\]", re.I)
# A configuration that cannot be read because of a permission or a dependency is not wrong itself.
_EXPLAINS_CONFIG = {"permission_denied", "dependency_unreachable"}


def from_log(subject: str, key: str, analysis: LogAnalysis, container: str = "") -> Iterator[Finding]:
    lines = {f.pattern: {n for n, _ in f.evidence} for f in analysis.findings}
    causes = set().union(*(lines[f.pattern] for f in analysis.findings if f.category in _EXPLAINS_CONFIG))
    for finding in analysis.findings:
        strength = LOG_STRENGTH.get(finding.pattern, 0.5) + min(finding.count, 5) * 0.005
        if finding.evidence and all(_WARNING.search(t) for _, t in finding.evidence):
            strength *= 0.7  # logged as a warning: the program went on
        symptom = finding.pattern in CRASH_MARKS or (
            finding.category == "config_error" and bool(lines[finding.pattern] & causes))
        late = 1.0 if finding.last_line >= analysis.lines - 40 else 0.85
        tail = finding.last_line >= 0.75 * analysis.lines  # among the last lines: still happening
        evidence = "; ".join(f"line {n}: {t}" for n, t in finding.evidence[:2])
        if finding.pattern == "python_traceback" and finding.detail:
            evidence = f"{finding.detail}; {evidence}"
        detail = f" ({finding.detail})" if finding.detail else ""
        yield Finding(subject, "log", bounded(f"{key}: {evidence}", 500), {finding.category: strength},
                      f"{key}: {finding.description}{detail}", symptom=symptom,
                      container=container, line=late, count=finding.count, pattern=finding.pattern, tail=tail)


_LOCAL = re.compile(r"localhost|127\.0\.0\.1|\[::1\]|host='?::1")


def log_subject(key: str, pods: dict[str, dict[str, Any]], now: float | None = None) -> tuple[str, str, float, int]:
    """("Pod/ns/name", container, weight, containers in the pod) of a logs key "ns/pod/container[:previous]"."""
    parts = key.split(":")[0].split("/")
    namespace, pod, container = [*parts, "", "", ""][:3]
    found = pods.get(f"{namespace}/{pod}")
    if not found:
        return f"Pod/{namespace}/{pod}", container, 1.0, 1
    return (f"Pod/{namespace}/{pod}", container, container_health(found, container, now),
            len(listed(mapping(found.get("spec")).get("containers"))))


def weigh_log(finding: Finding, weight: float, containers: int) -> Finding:
    """A healthy container's noise weighs less, unless it repeats to the end; a refused connection to
    localhost in a pod of one container means nothing there listens: the dependency's address is unset."""
    # (the errors of a failing job; a warning-level mark such as a reset connection is noise however often)
    repeated = finding.count >= 2 and finding.tail and not finding.symptom and finding.pattern not in _NOISY
    finding.weight = max(weight, REPEATED_WEIGHT) if repeated and weight < 1 else weight
    if (finding.category == "dependency_unreachable" and containers <= 1 and _LOCAL.search(finding.text)
            and "refused" in finding.text.lower()):
        finding.supports = {"config_error": 0.82, "dependency_unreachable": 0.6}
        finding.summary = (f"{finding.summary}; it dials localhost, where nothing listens in a one-container pod: "
                           "the address of its dependency is likely not configured")
    return finding


