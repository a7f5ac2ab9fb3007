"""The rule engine: rules compiled once, indexed by (source, reason), matched without a query per rule.

`RuleSet.match(event)` walks only the rules whose source and reasons can match the event, in priority
order; each compiled rule tests its conditions on plain values (regexes compiled once). Two
conditions need the database and are checked after the rest: a minimum count of firings within a
window, and (when a rule acts) its cooldown per incident group, claimed by a conditional UPDATE so it
holds across every worker and restart.
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from incidents.models import SEVERITY_RANK, ClusterEvent, EventStatus, Rule, RuleFiring, Silence

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


@dataclass
class RuleSet:
    """Enabled rules, compiled and indexed by (source, reason); ANY stands for "no constraint"."""

    rules: list[CompiledRule]
    index: dict[tuple[str, str], list[CompiledRule]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # rule name -> why it is left out
    silences: list[CompiledSilence] = field(default_factory=list)  # maintenance windows not over when built

    def silenced_by(self, event: ClusterEvent, now: datetime) -> Silence | None:
        """The maintenance window that silences this event now, if any."""
        if not self.silences:
            return None
        cluster_name = event.cluster.name if event.cluster_id and event.cluster else ""
        return next((c.silence for c in self.silences if c.matches(event, cluster_name, now)), None)

    @classmethod
    def build(cls, rules: Sequence[Rule], silences: Sequence[Silence] = ()) -> RuleSet:
        compiled: list[CompiledRule] = []
        broken: dict[str, str] = {}
        for rule in sorted(rules, key=lambda r: (r.priority, r.name)):
            try:
                compiled.append(compile_rule(rule))
            except RuleError as exc:  # saved around validation (e.g. by a migration): skip it, say so
                broken[rule.name] = f"{exc.field}: {exc}"
        index: dict[tuple[str, str], list[CompiledRule]] = {}
        for c in compiled:  # in priority order, so each bucket is too
            for reason in c.rule.reasons or [ANY]:
                index.setdefault((c.rule.source or ANY, reason), []).append(c)
        windows: list[CompiledSilence] = []
        for silence in silences:
            try:
                windows.append(compile_silence(silence))
            except RuleError:  # saved around validation: it silences nothing rather than everything
                broken[f"silence #{silence.pk}"] = "unusable matchers"
        return cls(rules=compiled, index=index, broken=broken, silences=windows)

    def candidates(self, source: str, reason: str) -> list[CompiledRule]:
        buckets = [self.index.get(key) for key in ((source, reason), (source, ANY), (ANY, reason), (ANY, ANY))]
        found = [bucket for bucket in buckets if bucket]
        if len(found) == 1:
            return found[0]
        return sorted((c for bucket in found for c in bucket), key=lambda c: (c.rule.priority, c.rule.name))

    def match(self, event: ClusterEvent, *, now: datetime | None = None, use_database: bool = True) -> list[Rule]:
        """The rules that match, in priority order, up to the first that stops evaluation."""
        cluster_name = event.cluster.name if event.cluster_id and event.cluster else ""
        raw = event.payload.get("annotations") if isinstance(event.payload, dict) else None
        annotations = raw if isinstance(raw, dict) else {}
        matched: list[Rule] = []
        for c in self.candidates(event.source, event.reason):
            if not c.matches(event, cluster_name, annotations):
                continue
            if use_database and c.rule.min_count > 1 and not count_reached(c.rule, event, now):
                continue
            matched.append(c.rule)
            if c.rule.stop_after_match:
                break
        return matched


def count_reached(rule: Rule, event: ClusterEvent, now: datetime | None) -> bool:
    """Whether the event's signal has fired at least `min_count` times within the window (this one included)."""
    since = (now or timezone.now()) - timedelta(seconds=rule.count_window_seconds)
    fired = ClusterEvent.objects.filter(fingerprint=event.fingerprint, status=EventStatus.FIRING,
                                        recorded_at__gte=since).count()
    return fired >= rule.min_count


def claim_cooldown(rule: Rule, group_key: str, now: datetime) -> bool:
    """True if the rule may act for this group now (and records that it did); False while cooling down."""
    if not rule.cooldown_seconds:
        return True
    cutoff = now - timedelta(seconds=rule.cooldown_seconds)
    if RuleFiring.objects.filter(rule=rule, group_key=group_key, last_fired_at__lte=cutoff).update(last_fired_at=now):
        return True
    try:
        with transaction.atomic():
            RuleFiring.objects.create(rule=rule, group_key=group_key, last_fired_at=now)
        return True
    except IntegrityError:  # it fired within the cooldown (or a concurrent worker just claimed it)
        return False


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


_cached: tuple[Any, RuleSet] | None = None  # (version, rules): replaced whole, never mutated
_fresh: tuple[float, RuleSet] | None = None  # (monotonic time it was checked, rules with windows)


def enabled_ruleset() -> RuleSet:
    """The enabled rules, compiled, with the maintenance windows not yet over.

    The rules are rebuilt only when one changed (`save` moves `updated_at`; one aggregate query to
    know); the windows, few and time-bound, are read fresh. Both checks are made at most once per
    AIOPS_RULES_CACHE_SECONDS (default 1 s): under an alert storm they were a fifth of the intake's time
    (bench/alert_intake.py), and an edit taking effect a second later changes nothing for anyone.
    """
    global _cached, _fresh
    fresh = _fresh
    if fresh is not None and time.monotonic() - fresh[0] < settings.RULES_CACHE_SECONDS:
        return fresh[1]
    checked = time.monotonic()
    version = tuple(Rule.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at")).values())
    cached = _cached
    if cached is None or cached[0] != version:
        cached = _cached = (version, RuleSet.build(list(Rule.objects.filter(enabled=True).select_related("playbook"))))
    windows = list(Silence.objects.filter(ends_at__gt=timezone.now()))
    ruleset = cached[1]
    if windows:
        with_windows = RuleSet.build([], windows)
        ruleset = replace(ruleset, silences=with_windows.silences, broken={**ruleset.broken, **with_windows.broken})
    _fresh = (checked, ruleset)
    return ruleset


@dataclass(frozen=True)
class ReplayRow:
    event: ClusterEvent
    action: str  # what the rule would have done, in words


@dataclass(frozen=True)
class Replay:
    days: int
    evaluated: int  # firing events of the period looked at (newest first, up to REPLAY_LIMIT)
    rows: list[ReplayRow]  # the ones the rule matches, newest first
    truncated: bool


REPLAY_LIMIT = 5000


def replay_rule(rule: Rule, days: int, *, limit: int = REPLAY_LIMIT) -> Replay:
    """Which stored firing events of the last `days` the rule would have matched, and what it would have
    done. Reads only: nothing is recorded, opened, started or claimed.

    Judged alone: rules of higher priority that stop evaluation are not taken into account. Cooldown is
    replayed in time order; a count within a window is counted among the events before each one.
    """
    compiled = compile_rule(rule)
    since = timezone.now() - timedelta(days=days)
    events = list(ClusterEvent.objects.filter(status=EventStatus.FIRING, recorded_at__gte=since)
                  .select_related("cluster").order_by("-recorded_at", "-id")[: limit + 1])
    truncated = len(events) > limit
    events = events[:limit]
    windows = [compile_silence(s) for s in Silence.objects.filter(ends_at__gt=since, starts_at__lte=timezone.now())]
    matched: list[ClusterEvent] = []
    for event in events:
        if (rule.source and event.source != rule.source) or (rule.reasons and event.reason not in rule.reasons):
            continue
        cluster_name = event.cluster.name if event.cluster else ""
        raw = event.payload.get("annotations") if isinstance(event.payload, dict) else None
        if not compiled.matches(event, cluster_name, raw if isinstance(raw, dict) else {}):
            continue
        if rule.min_count > 1 and not count_reached(rule, event, event.recorded_at):
            continue
        matched.append(event)
    rows: list[ReplayRow] = []
    last_acted: dict[str, datetime] = {}
    for event in reversed(matched):  # oldest first, as cooldowns unfold
        cluster_name = event.cluster.name if event.cluster else ""
        window = next((w.silence for w in windows if w.matches(event, cluster_name, event.recorded_at)), None)
        if window is not None:
            rows.append(ReplayRow(event, f"nothing: silenced by “{window.comment}”"))
            continue
        last = last_acted.get(event.group_key)
        if rule.cooldown_seconds and last and event.recorded_at - last < timedelta(seconds=rule.cooldown_seconds):
            rows.append(ReplayRow(event, f"nothing: cooling down ({rule.cooldown_seconds}s since {last:%H:%M:%S})"))
            continue
        last_acted[event.group_key] = event.recorded_at
        actions = []
        if rule.open_incident:
            actions.append("open (or join) the incident of its workload")
        if rule.playbook is not None:
            actions.append(f"start playbook {rule.playbook.name}" + ("" if rule.playbook.enabled else " (disabled)"))
        if rule.notify:
            actions.append("notify the operators")
        if rule.run_rca:
            actions.append("run a root-cause analysis")
        rows.append(ReplayRow(event, "; ".join(actions) or "match (no action)"))
    rows.reverse()
    return Replay(days=days, evaluated=len(events), rows=rows, truncated=truncated)
