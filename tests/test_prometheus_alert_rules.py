"""deploy/prometheus/alert-rules.yml: the upstream project's twelve alerts for our metrics, checked and unit-tested by
Debian's promtool (tests/fixtures/prometheus/alert_rules_test.yml: each fires on its exporter's series), and each
alert's labels put on the right workload or node by the Alertmanager intake."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incidents.alertmanager import AlertValidator, to_transition, workload_of_alert
from tests.deployfiles import (
    DJANGO_METRICS,
    PROMETHEUS_RULES,
    ROOT,
    UPSTREAM_ALERT_RULES,
    load_yaml,
    promql_metric_names,
)
from tests.peers import prometheus_tool

pytestmark = pytest.mark.once
UNIT_TESTS = ROOT / "tests" / "fixtures" / "prometheus" / "alert_rules_test.yml"
UPSTREAM_ALERTS = {"AppDown", "HighErrorRate", "HighLatency", "PodCrashLooping", "PodOOMKilled", "PodNotReady",
                   "DeploymentReplicasUnavailable", "NodeNotReady", "NodeMemoryPressure", "NodeDiskPressure",
                   "PostgresDown", "RedisDown"}
# What the exporters export (a name outside is a typo): the agent's django-prometheus metrics, kube-state-metrics,
# node-exporter, postgres_exporter, redis_exporter, and Prometheus' own `up`.
EXPORTED = DJANGO_METRICS | {
    "up", "kube_pod_container_status_waiting_reason", "kube_pod_container_status_restarts_total",
    "kube_pod_container_status_last_terminated_reason", "kube_pod_status_ready", "kube_pod_status_phase",
    "kube_deployment_spec_replicas", "kube_deployment_status_replicas_available", "kube_node_status_condition",
    "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes", "pg_up", "redis_up",
}


def rules(path: Path) -> list[dict]:
    return [rule for group in load_yaml(path)["groups"] for rule in group["rules"]]


def test_promtool_checks_and_unit_tests_the_twelve_alerts(tmp_path: Path):
    promtool = prometheus_tool("promtool")
    checked = subprocess.run([promtool, "check", "rules", str(UPSTREAM_ALERT_RULES)], capture_output=True, text=True)
    assert checked.returncode == 0 and "SUCCESS: 12 rules found" in checked.stdout, checked.stdout + checked.stderr
    # The unit tests name the rule file relative to themselves: run them beside a copy.
    shutil.copy(UPSTREAM_ALERT_RULES, tmp_path / "alert-rules.yml")
    shutil.copy(UNIT_TESTS, tmp_path / "alert_rules_test.yml")
    tested = subprocess.run([promtool, "test", "rules", "alert_rules_test.yml"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_upstream_s_names_each_with_a_severity_a_summary_and_only_exported_metrics():
    found = rules(UPSTREAM_ALERT_RULES)
    assert sorted(rule["alert"] for rule in found) == sorted(UPSTREAM_ALERTS)
    assert not UPSTREAM_ALERTS & {rule["alert"] for rule in rules(PROMETHEUS_RULES)}, "an alert defined twice"
    for rule in found:
        assert promql_metric_names(rule["expr"]) <= EXPORTED, (rule["alert"], promql_metric_names(rule["expr"]))
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
    # Every alert fires in the unit tests at least once.
    tested = load_yaml(UNIT_TESTS)["tests"]
    fired = {case["alertname"] for test in tested for case in test["alert_rule_test"] if case["exp_alerts"]}
    assert fired == UPSTREAM_ALERTS


def test_the_intake_puts_each_alert_on_its_workload_or_node():
    """The alerts the unit tests expect, as Alertmanager would send them, read by the webhook's mapping."""
    workloads = {}
    for test in load_yaml(UNIT_TESTS)["tests"]:
        for case in test["alert_rule_test"]:
            for expected in case["exp_alerts"]:
                labels = {"alertname": case["alertname"], **{k: str(v) for k, v in expected["exp_labels"].items()}}
                alert = AlertValidator().run_validation({
                    "status": "firing", "labels": labels, "annotations": expected["exp_annotations"],
                    "startsAt": datetime.now(UTC).isoformat(), "fingerprint": f"{len(workloads):016x}"})
                transition = to_transition(alert, alert, {})
                assert transition.message == expected["exp_annotations"]["summary"]
                assert transition.severity == labels["severity"]
                subject = labels.get("pod") or labels.get("deployment") or labels.get("node") or ""
                workloads[case["alertname"], subject] = (transition.namespace, workload_of_alert(labels))
    assert workloads[("PodCrashLooping", "checkout-7d9f8b6c5-m4n5b")] == ("shop", ("Deployment", "checkout"))
    assert workloads[("PodCrashLooping", "worker-6b8d9c7f5-x2kzq")] == ("shop", ("Deployment", "worker"))
    assert workloads[("PodOOMKilled", "reports-5c9d7b8f6-q8w4z")] == ("shop", ("Deployment", "reports"))
    assert workloads[("PodNotReady", "search-7f6d5c4b9-k2m7n")] == ("shop", ("Deployment", "search"))
    assert workloads[("DeploymentReplicasUnavailable", "search")] == ("shop", ("Deployment", "search"))
    for alertname, node in (("NodeNotReady", "node-2"), ("NodeMemoryPressure", "node-1"),
                            ("NodeMemoryPressure", "node-3"), ("NodeDiskPressure", "node-4")):
        assert workloads[(alertname, node)] == ("", ("Node", node))
    assert workloads[("AppDown", "")] == ("", None)  # about the agent itself: an incident of its own
