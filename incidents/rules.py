"""The rule engine: rules compiled once (by `incidents.matching`), indexed by (source, reason), matched
without a query per rule.

`RuleSet.match(event)` walks only the rules whose source and reasons can match the event, in priority
order; each compiled rule tests its conditions on plain values (regexes compiled once). Two
conditions need the database and are checked after the rest: a minimum count of firings within a
window, and (when a rule acts) its cooldown per incident group, claimed by a conditional UPDATE so it
holds across every worker and restart.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from incidents.matching import ANY, CompiledRule, CompiledSilence, RuleError, compile_rule, compile_silence
from incidents.models import ClusterEvent, EventStatus, Rule, RuleFiring, Silence


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
