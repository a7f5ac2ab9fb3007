"""The evidence model: causes explain symptoms, failing pods outweigh healthy noise, the report names its chain,
its runner-up and what it could not read; and the corpus built from other people's failures scores as measured."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from incidents.rca.engine import analyze
from tests.rca_corpus.kube import (
    container,
    crashloop,
    event,
    log_key,
    node,
    pod,
    replicaset,
    resource_quota,
    running,
    waiting,
)

CORPUS = Path(__file__).resolve().parent / "rca_corpus"
REFUSED = ("Traceback (most recent call last):\n  File \"/app/main.py\", line 9, in <module>\n"
           "    db.connect()\nRuntimeError: startup failed\n"
           "psycopg2.OperationalError: connection to server at \"orders-db\" (10.96.3.4), port 5432 failed: "
           "Connection refused\n")


def test_a_dependency_error_inside_a_traceback_explains_the_crash_it_caused():
    p = pod("checkout-7d9f8b6c5-m4n5b", "shop", [container(**crashloop(1))])
    report = analyze([p], [event(p, "BackOff", "Back-off restarting failed container app")],
                     {log_key(p, previous=True): REFUSED})
    assert report.category == "dependency_unreachable"
    assert report.runner_up is not None and report.runner_up.category == "application_crash"
    assert any(line.startswith("  explains:") and "CrashLoopBackOff" in line for line in report.chain), report.chain
    assert report.as_dict()["evidence_chain"] == report.chain and report.as_dict()["runner_up"]


def test_a_healthy_pod_s_connection_error_does_not_outweigh_the_pod_that_crashes():
    healthy = pod("api-6c5d4-aaaaa", "shop", [container()])
    crashing = pod("api-6c5d4-bbbbb", "shop", [container(**crashloop(2))])
    logs = {log_key(healthy): "WARN read tcp 10.1.0.7:41234->10.96.0.12:6379: read: connection reset by peer\n",
            log_key(crashing, previous=True): "panic: runtime error: index out of range [3] with length 3\n\n"
                                              "goroutine 1 [running]:\nmain.score(...)\n"}
    report = analyze([healthy, crashing], [], logs)
    assert report.category == "application_crash"
    assert "Pod/shop/api-6c5d4-bbbbb" in report.affected_resources


def test_a_healthy_pod_whose_every_call_is_refused_to_the_end_is_not_noise():
    p = pod("collector-0", "monitoring", [container()], owner=("StatefulSet", "collector"))
    lines = "".join(f"ts=2026-11-20T08:1{n}:00Z level=error msg=\"push failed\" err=\"401 Unauthorized\"\n"
                    for n in range(5))
    assert analyze([p], [], {log_key(p): "starting\n" + lines}).category == "permission_denied"
    assert analyze([p], [], {log_key(p): "starting\n" + lines.splitlines()[0] + "\nserving\n" * 50}).category \
        == "unknown"


def test_a_failed_mount_of_a_missing_secret_is_a_configuration_error():
    p = pod("reporting-4b3c2-bhunj", "analytics", [container(state=waiting("ContainerCreating"))], phase="Pending")
    report = analyze([p], [event(p, "FailedMount", 'MountVolume.SetUp failed for volume "tls" : secret '
                                                   '"reporting-tls" not found')], {})
    assert report.category == "config_error"
    assert report.runner_up is not None and report.runner_up.category == "volume_mount_failure"


def test_a_quota_refusal_on_the_replicaset_is_read_without_any_pod():
    rs = replicaset("shop-api-5d4f7b9c8", "shop", conditions=[{
        "type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
        "message": 'pods "shop-api-5d4f7b9c8-x1" is forbidden: exceeded quota: compute, requested: limits.cpu=2, '
                   "used: limits.cpu=4, limited: limits.cpu=4"}])
    quota = resource_quota("compute", "shop", {"limits.cpu": "4"}, {"limits.cpu": "4"})
    report = analyze([rs, quota], [], {})
    assert report.category == "quota_exceeded" and report.confidence >= 0.8
    assert any("ResourceQuota/shop/compute" in line for line in report.chain)


def test_the_scheduler_s_reasons_are_counted_against_the_nodes():
    def verdict(message: str) -> str:
        p = pod("web-7c9d-xk2p1", "shop", scheduled=False, message=message)
        return analyze([p], [event(p, "FailedScheduling", message, component="default-scheduler")], {}).category

    # 9 nodes excluded by the selector; the 3 it may use are full: capacity is the fix.
    assert verdict("0/12 nodes are available: 3 Insufficient memory, 9 node(s) didn't match Pod's node "
                   "affinity/selector.") == "unschedulable_resources"
    # Every node excluded by the selector, some also full: the selector is the fix.
    assert verdict("0/10 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, "
                   "4 Insufficient cpu.") == "unschedulable_constraints"
    assert verdict("0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }."
                   ) == "node_failure"


def test_what_could_not_be_read_lowers_the_confidence_and_is_said():
    p = pod("ledger-4f3e2-qazws", "finance", [container(**crashloop(1))])
    logs = {log_key(p, previous=True): 'FATAL:  password authentication failed for user "ledger"\n'}
    full = analyze([p], [], logs)
    partial = analyze([p], [], logs, unavailable=["events", "resourcequotas"])
    assert full.category == partial.category == "config_error"
    assert partial.confidence < full.confidence and partial.missing == ["events", "resourcequotas"]
    assert "Not read: events, resourcequotas" in partial.summary
    blind = analyze([p], [], {})  # a crash with no logs at all: the report says the logs are missing
    assert "logs" in blind.missing


def test_contradictory_evidence_names_the_alternative_with_a_lower_confidence():
    n = node("ip-10-0-1-17.ec2.internal", ready="False")
    p = pod("cache-7d8-q1w2e", "shop", [container(**crashloop(137, "OOMKilled"))])
    both = analyze([p, n], [], {})
    alone = analyze([p], [], {})
    assert {both.category, both.runner_up.category if both.runner_up else ""} == {"oom_killed", "node_failure"}
    assert both.confidence < alone.confidence


def test_a_running_ready_pod_is_not_a_cause_by_itself():
    p = pod("web-1", "shop", [container(state=running())])
    assert analyze([p], [], {log_key(p): "GET /healthz 200\n" * 20}).category == "unknown"


def test_rca_eval_scores_the_held_part_apart_with_precision_recall_and_calibration():
    out = StringIO()
    call_command("rca_eval", str(CORPUS), stdout=out)
    text = out.getvalue()
    assert text.index("== dev:") < text.index("== held:")
    assert "precision" in text and "recall" in text and "calibration" in text
    held = re.search(r"^accuracy \(held\): (\d+)/(\d+)$", text, re.M)
    dev = re.search(r"^accuracy \(dev\): (\d+)/(\d+)$", text, re.M)
    assert held and dev and int(held.group(2)) + int(dev.group(2)) == len(list(CORPUS.glob("*/*.json")))
    assert text.rstrip().splitlines()[-1].startswith("accuracy (held):")
    held_part = text[text.index("== held:"):]
    assert "MISS" not in held_part and "ok  " not in held_part, "the held part is scored blind by default"
    shown = StringIO()
    call_command("rca_eval", str(CORPUS), "--split", "held", "--show-held", "--verbose", stdout=shown)
    assert shown.getvalue().count("\n") > int(held.group(2)), "--show-held names every held scenario"


def test_malformed_evidence_is_skipped_and_said_never_a_crash():
    import json
    import random

    rng = random.Random(7)
    junk = [None, "x", 3, 1.5, [], {}, ["a"], {"a": None}, True, "2026-13-99T99:99:99Z"]

    def mutate(value):
        if rng.random() < 0.08:
            return rng.choice(junk)
        if isinstance(value, dict):
            return {k: mutate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mutate(v) for v in value]
        return value

    files = sorted(CORPUS.glob("*/*.json"))
    said = 0
    for _ in range(400):
        case = json.loads(rng.choice(files).read_text())
        objects, events, logs = mutate(case["objects"]), mutate(case["events"]), mutate(case["logs"])
        report = analyze(objects if isinstance(objects, list) else [], events if isinstance(events, list) else [],
                         logs if isinstance(logs, dict) else {})
        assert 0 <= report.confidence <= 1 and json.dumps(report.as_dict())
        said += any("malformed" in m for m in report.missing)
    assert said  # what could not be read is said, not hidden


def test_a_crash_whose_last_error_speaks_of_configuration_is_read_as_configuration():
    def verdict(last: str) -> str:
        p = pod("api-7d9f8b6c5-m4n5b", "shop", [container(**crashloop(1))])
        return analyze([p], [], {log_key(p, previous=True): f"starting api 2.4.1\nloading /etc/api/api.conf\n{last}\n"}
                       ).category

    assert verdict("FATAL: the value of option 'listen' in /etc/api/api.conf is wrong") == "config_error"
    assert verdict("error: parameter max_workers must be a whole number") == "config_error"
    # A program's own bug that happens to say "properties" is not configuration.
    assert verdict("TypeError: Cannot read properties of undefined (reading 'id')") == "application_crash"
