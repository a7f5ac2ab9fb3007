"""The alert path the compose file ships: Prometheus' rules, Alertmanager wired to the agent's webhook with the
token, checked by Debian's own promtool and amtool, and the shipped alertmanager.yml run for real against the
server (only its URL and token file pointed at the test's)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from incidents.api.views import AlertmanagerWebhookView
from incidents.models import ClusterEvent
from tests.deployfiles import (
    ALERTMANAGER_CONFIG,
    ALLOWED_METRICS,
    PROMETHEUS_CONFIG,
    PROMETHEUS_RULES,
    ROOT,
    UPSTREAM_ALERT_RULES,
    bind_mounts,
    compose_services,
    load_compose,
    load_yaml,
    promql_metric_names,
    service_command,
)
from tests.helpers import eventually
from tests.peers import prometheus_tool, run_alertmanager

pytestmark = pytest.mark.once


def _secret_file(service: dict, name: str) -> str:
    """Where compose mounts secret `name` in a service (/run/secrets/NAME unless a target says otherwise)."""
    for secret in service.get("secrets") or []:
        source = secret if isinstance(secret, str) else secret["source"]
        if source == name:
            target = name if isinstance(secret, str) else secret.get("target", name)
            return target if target.startswith("/") else f"/run/secrets/{target}"
    raise AssertionError(f"secret {name} is not given to the service")


def _receiver() -> dict:
    config = load_yaml(ALERTMANAGER_CONFIG)
    receivers = {r["name"]: r for r in config["receivers"]}
    assert config["route"]["receiver"] in receivers
    (webhook,) = receivers[config["route"]["receiver"]]["webhook_configs"]
    return webhook


def test_alertmanager_service_sends_every_alert_to_the_webhook_with_the_token_file():
    compose = load_compose()
    alertmanager = compose["services"]["alertmanager"]
    assert re.fullmatch(r"prom/alertmanager:v\d+\.\d+\.\d+", alertmanager["image"]), "pin the image"
    assert alertmanager["ports"] == ["127.0.0.1:9093:9093"], "Alertmanager's UI has no auth: loopback only"
    mounts = dict(bind_mounts(alertmanager))
    assert mounts["./deploy/alertmanager/alertmanager.yml"] == "/etc/alertmanager/alertmanager.yml"
    assert "--config.file=/etc/alertmanager/alertmanager.yml" in service_command(alertmanager)

    webhook = _receiver()
    url = urlsplit(webhook["url"])
    assert (url.scheme, url.netloc) == ("http", "web:8000")
    assert resolve(url.path).func.view_class is AlertmanagerWebhookView
    assert webhook["send_resolved"] is True, "resolved notifications close incidents"
    assert webhook.get("max_alerts", 0) == 0, "a cap would truncate alerts"

    authorization = webhook["http_config"]["authorization"]
    assert authorization.get("type", "Bearer") == "Bearer" and "credentials" not in authorization
    assert authorization["credentials_file"] == _secret_file(alertmanager, "alertmanager_token")
    # The secret holds the variable the app checks, which compose requires.
    variable = compose["secrets"]["alertmanager_token"]["environment"]
    assert variable == "AIOPS_ALERTMANAGER_TOKEN"
    app_env = compose["services"]["web"]["environment"]
    assert re.fullmatch(r"\$\{" + variable + r":\?[^}]+\}", app_env[variable])


def test_prometheus_evaluates_the_shipped_rules_and_notifies_the_alertmanager_service():
    config = load_yaml(PROMETHEUS_CONFIG)
    services = compose_services()
    (target,) = [t for am in config["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]]
    host, port = target.split(":")
    assert host in services and f"127.0.0.1:{port}:{port}" in services[host]["ports"]

    mounts = {container: host_path for host_path, container in bind_mounts(services["prometheus"])}
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml", "/etc/prometheus/alert-rules.yml"]
    assert (ROOT / mounts["/etc/prometheus/alerts.yml"]).resolve() == PROMETHEUS_RULES.resolve()
    assert (ROOT / mounts["/etc/prometheus/alert-rules.yml"]).resolve() == UPSTREAM_ALERT_RULES.resolve()
    assert "alertmanager" in services["prometheus"]["depends_on"]


def test_rules_only_use_exported_metrics_and_every_alert_has_a_severity_and_summary():
    rules = [rule for group in load_yaml(PROMETHEUS_RULES)["groups"] for rule in group["rules"]]
    assert {rule["alert"] for rule in rules} >= {"Watchdog", "AiopsApprovalsPiling"}
    for rule in rules:
        assert promql_metric_names(rule["expr"]) <= ALLOWED_METRICS | {"up", "vector"}, rule["alert"]
        assert rule["labels"]["severity"] in {"none", "info", "warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_promtool_checks_and_unit_tests_the_rules(tmp_path: Path):
    promtool = prometheus_tool("promtool")
    checked = subprocess.run([promtool, "check", "rules", str(PROMETHEUS_RULES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The unit tests name the rule file relative to themselves: run them beside a copy.
    shutil.copy(PROMETHEUS_RULES, tmp_path / "alerts.yml")
    shutil.copy(ROOT / "tests" / "fixtures" / "prometheus" / "alerts_test.yml", tmp_path / "alerts_test.yml")
    tested = subprocess.run([promtool, "test", "rules", "alerts_test.yml"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_amtool_accepts_the_shipped_alertmanager_config():
    amtool = prometheus_tool("amtool")
    checked = subprocess.run([amtool, "check-config", str(ALERTMANAGER_CONFIG)], capture_output=True, text=True)
    assert checked.returncode == 0 and "SUCCESS" in checked.stdout, checked.stdout + checked.stderr


def _post_alerts(url: str, alerts: list[dict]) -> None:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}/api/v2/alerts", data=json.dumps(alerts).encode(), headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        assert response.status == 200


@pytest.mark.django_db(transaction=True)
def test_the_shipped_alertmanager_config_delivers_alerts_to_the_agent(live_server, settings, tmp_path: Path):
    """The compose file's alertmanager.yml as it is, but for the webhook's host and the token file's path."""
    settings.ALERTMANAGER_TOKEN = "shipped-config-token"
    token_file = tmp_path / "alertmanager_token"
    token_file.write_text("shipped-config-token\n")  # a secret file ends in a newline; Alertmanager trims it
    config = load_yaml(ALERTMANAGER_CONFIG)
    for receiver in config["receivers"]:
        for webhook in receiver["webhook_configs"]:
            webhook["url"] = live_server.url + urlsplit(webhook["url"]).path
            webhook["http_config"]["authorization"]["credentials_file"] = str(token_file)
    # The shipped group_wait (10s) is kept: the test waits for it, as an operator would.
    starts = (datetime.now(tz=UTC) - timedelta(minutes=1)).isoformat()
    alerts = [
        {"labels": {"alertname": "Watchdog", "severity": "none"}, "startsAt": starts},
        {"labels": {"alertname": "KubePodCrashLooping", "severity": "critical", "namespace": "shop",
                    "pod": "checkout-7d9f"}, "annotations": {"summary": "checkout is crash looping"},
         "startsAt": starts},
    ]
    with run_alertmanager(config, tmp_path) as url:
        _post_alerts(url, alerts)
        eventually(lambda: ClusterEvent.objects.filter(status="firing").count() == 2,
                   "both alerts to reach the agent", timeout=60)
    reasons = set(ClusterEvent.objects.values_list("reason", flat=True))
    assert reasons == {"Watchdog", "KubePodCrashLooping"}
    crash = ClusterEvent.objects.get(reason="KubePodCrashLooping")
    assert (crash.namespace, crash.object_name) == ("shop", "checkout-7d9f")
