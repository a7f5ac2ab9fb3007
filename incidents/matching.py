"""The rule compiler: a rule's or a silence's conditions turned into tests on plain values, once.

No database and no model import: the models validate a rule (`Rule.clean`) with it, and the rule engine
(`incidents.rules`) matches events with what it compiles. `RuleError.field` names the offending field.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the models import this module
    from incidents.models import ClusterEvent, Rule, Silence

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}  # the values of incidents.models.Severity
ANY = "*"
MATCHER_OPS = ("equals", "not_equals", "in", "not_in", "regex", "exists", "absent")
Test = Callable[[Mapping[str, Any]], bool]


class RuleError(ValueError):
    """A rule that cannot be compiled; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _regex(field: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(field, f"not a valid regular expression: {exc}") from None


def _glob(pattern: str) -> re.Pattern[str] | None:
    return None if pattern in ("", ANY) else re.compile(fnmatch.translate(pattern))


def _string_list(field: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RuleError(field, "must be a list of strings")
    return value


def compile_matchers(field: str, matchers: object) -> tuple[Test, ...]:
    """[{"key", "op", "value" | "values"}] -> tests on a mapping (labels or annotations)."""
    if not isinstance(matchers, list):
        raise RuleError(field, "must be a list of matchers")
    tests: list[Test] = []
    for i, matcher in enumerate(matchers):
        where = f"{field}[{i}]"
        if not isinstance(matcher, dict) or not isinstance(matcher.get("key"), str) or not matcher["key"]:
            raise RuleError(field, f"{where}: needs a non-empty key")
        key, op = matcher["key"], matcher.get("op", "equals")
        unknown = set(matcher) - {"key", "op", "value", "values"}
        if unknown:
            raise RuleError(field, f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if op not in MATCHER_OPS:
            raise RuleError(field, f"{where}: op must be one of {', '.join(MATCHER_OPS)}, not {op!r}")
        if op in ("in", "not_in"):
            values = frozenset(_string_list(f"{field}", matcher.get("values")))
            tests.append(_in_test(key, values, negate=op == "not_in"))
            continue
        if op in ("exists", "absent"):
            tests.append(_exists_test(key, negate=op == "absent"))
            continue
        value = matcher.get("value")
        if not isinstance(value, str):
            raise RuleError(field, f"{where}: op {op} needs a string value")
        if op == "regex":
            tests.append(_regex_test(key, _regex(field, value)))
        else:
            tests.append(_equals_test(key, value, negate=op == "not_equals"))
    return tuple(tests)


def _in_test(key: str, values: frozenset[str], *, negate: bool) -> Test:
    return lambda m: (str(m[key]) in values if key in m else False) != negate


def _exists_test(key: str, *, negate: bool) -> Test:
    return lambda m: (key in m) != negate


def _regex_test(key: str, pattern: re.Pattern[str]) -> Test:
    return lambda m: key in m and pattern.fullmatch(str(m[key])) is not None


def _equals_test(key: str, value: str, *, negate: bool) -> Test:
    return lambda m: (key in m and str(m[key]) == value) != negate


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    severity_rank: int
    clusters: frozenset[str]
    namespace_glob: re.Pattern[str] | None
    namespace_regex: re.Pattern[str] | None
    object_kinds: frozenset[str]
    object_name_glob: re.Pattern[str] | None
    label_tests: tuple[Test, ...]
    annotation_tests: tuple[Test, ...]

    def matches(self, event: ClusterEvent, cluster_name: str, annotations: Mapping[str, Any]) -> bool:
        """Every condition but the count within a window (see `RuleSet.match`). Source and reason are the index's."""
        if SEVERITY_RANK.get(event.severity, 0) < self.severity_rank:
            return False
        if self.clusters and cluster_name not in self.clusters:
            return False
        if self.object_kinds and event.object_kind not in self.object_kinds:
            return False
        if self.namespace_glob is not None and not self.namespace_glob.match(event.namespace):
            return False
        if self.namespace_regex is not None and not self.namespace_regex.fullmatch(event.namespace):
            return False
        if self.object_name_glob is not None and not self.object_name_glob.match(event.object_name):
            return False
        labels = event.labels
        if not all(test(labels) for test in self.label_tests):
            return False
        return all(test(annotations) for test in self.annotation_tests)


def compile_rule(rule: Rule) -> CompiledRule:
    if not isinstance(rule.labels, dict):
        raise RuleError("labels", "must be a mapping of label to value")
    equals = [{"key": str(k), "op": "equals", "value": str(v)} for k, v in rule.labels.items()]
    return CompiledRule(
        rule=rule,
        severity_rank=SEVERITY_RANK.get(rule.min_severity, 0),
        clusters=frozenset(_string_list("clusters", rule.clusters)),
        namespace_glob=_glob(rule.namespace_pattern),
        namespace_regex=_regex("namespace_regex", rule.namespace_regex) if rule.namespace_regex else None,
        object_kinds=frozenset(_string_list("object_kinds", rule.object_kinds)),
        object_name_glob=_glob(rule.object_name_pattern),
        label_tests=compile_matchers("labels", equals) + compile_matchers("label_matchers", rule.label_matchers),
        annotation_tests=compile_matchers("annotation_matchers", rule.annotation_matchers),
    )


@dataclass(frozen=True)
class CompiledSilence:
    silence: Silence
    sources: frozenset[str]
    reasons: frozenset[str]
    clusters: frozenset[str]
    namespace_glob: re.Pattern[str] | None
    label_tests: tuple[Test, ...]

    def matches(self, event: ClusterEvent, cluster_name: str, now: datetime) -> bool:
        s = self.silence
        if not (s.starts_at <= now < s.ends_at):
            return False
        if (self.sources and event.source not in self.sources) or (self.reasons and event.reason not in self.reasons):
            return False
        if self.clusters and cluster_name not in self.clusters:
            return False
        if self.namespace_glob is not None and not self.namespace_glob.match(event.namespace):
            return False
        return all(test(event.labels) for test in self.label_tests)


def compile_silence(silence: Silence) -> CompiledSilence:
    return CompiledSilence(
        silence=silence,
        sources=frozenset([silence.source] if silence.source else []),
        reasons=frozenset(_string_list("reasons", silence.reasons)),
        clusters=frozenset(_string_list("clusters", silence.clusters)),
        namespace_glob=_glob(silence.namespace_pattern),
        label_tests=compile_matchers("label_matchers", silence.label_matchers),
    )
