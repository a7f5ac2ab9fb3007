"""Rule evaluations per second: 500 rules, 20,000 events, one core, in memory.

The rules are compiled and indexed once (as the running system does until a rule changes); each event
is matched against them with `RuleSet.match`. Conditions that need the database (a count within a
window; cooldown when a rule acts) are not part of this figure. Not a test: prints figures only.

Usage: .venv/bin/python bench/rules.py [rules] [events]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REASONS = [f"Reason{i}" for i in range(60)] + ["CrashLoopBackOff", "OOMKilled", "NodeNotReady", "KubePodCrashLooping"]
SOURCES = ["kubernetes", "alertmanager", "webhook"]
NAMESPACES = [f"team-{i}" for i in range(30)] + ["prod-eu-shop", "prod-us-shop", "kube-system"]
TEAMS = ["payments", "search", "core", "data", "edge"]


def main() -> None:
    os.environ.setdefault("AIOPS_VAR_DIR", tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")
    os.environ.setdefault("LOG_LEVEL", "warning")
    import django

    django.setup()
    from incidents.models import Cluster, ClusterEvent, Rule
    from incidents.rules import RuleSet

    rule_count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    event_count = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    rng = random.Random(42)
    clusters = [Cluster(pk=i, name=f"c{i}") for i in range(1, 6)]

    def make_rule(i: int) -> Rule:
        matchers = []
        if rng.random() < 0.5:
            matchers.append({"key": "team", "op": "in", "values": rng.sample(TEAMS, 2)})
        if rng.random() < 0.3:
            matchers.append({"key": "pod", "op": "regex", "value": f"{rng.choice('abcdefgh')}.*-[0-9a-z]{{5}}"})
        if rng.random() < 0.2:
            matchers.append({"key": "canary", "op": "absent"})
        return Rule(
            name=f"rule-{i}", priority=rng.randint(1, 1000), stop_after_match=rng.random() < 0.3,
            source=rng.choice([*SOURCES, ""]),
            reasons=[] if rng.random() < 0.1 else rng.sample(REASONS, rng.randint(1, 3)),
            min_severity=rng.choice(["info", "warning", "critical"]),
            clusters=[] if rng.random() < 0.7 else [rng.choice(clusters).name],
            namespace_pattern=rng.choice(["*", "*", "prod-*", "team-1*", "kube-*"]),
            namespace_regex="" if rng.random() < 0.8 else r"prod-(eu|us)-\w+",
            object_kinds=[] if rng.random() < 0.7 else ["Pod"],
            label_matchers=matchers,
        )

    def make_event() -> ClusterEvent:
        cluster = rng.choice(clusters)
        return ClusterEvent(
            source=rng.choice(SOURCES), reason=rng.choice(REASONS),
            severity=rng.choice(["info", "warning", "critical"]), status="firing", cluster=cluster,
            namespace=rng.choice(NAMESPACES), object_kind=rng.choice(["Pod", "Node"]),
            object_name=f"{rng.choice('abcdefgh')}pp-{rng.randint(0, 99999):05d}",
            labels={"team": rng.choice(TEAMS), "pod": f"{rng.choice('abcdefgh')}pp-7d9f8-{rng.randint(0, 99999):05d}"},
            payload={"annotations": {"summary": "something happened"}},
        )

    rules = [make_rule(i) for i in range(rule_count)]
    started = time.process_time()
    ruleset = RuleSet.build(rules)
    compile_seconds = time.process_time() - started
    events = [make_event() for _ in range(event_count)]
    rates, matched = [], 0
    for _ in range(5):
        started = time.process_time()
        matched = sum(len(ruleset.match(event, use_database=False)) for event in events)
        rates.append(event_count / (time.process_time() - started))
    candidates = statistics.mean(len(ruleset.candidates(e.source, e.reason)) for e in events)
    print(f"{rule_count} rules compiled and indexed in {compile_seconds * 1000:.1f} ms CPU; "
          f"{event_count:,} events, best of 5 runs on one core")
    print(f"evaluations: {max(rates):,.0f} events/s (median {statistics.median(rates):,.0f}); "
          f"{candidates:.1f} candidate rules per event on average (of {rule_count}); {matched:,} matches per run")


if __name__ == "__main__":
    main()
