"""The deployment files and what the tests of them share: paths, expected services and metrics, parsers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
PROMETHEUS_RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
UPSTREAM_ALERT_RULES = ROOT / "deploy" / "prometheus" / "alert-rules.yml"  # upstream's twelve alerts, our metrics
ALERTMANAGER_CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
GRAFANA_DATASOURCES = ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_DASHBOARD_PROVIDER = ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "aiops.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "aiops.json"

APP_SERVICES = ("migrate", "web", "worker", "beat", "watcher", "telegram")
ALL_SERVICES = ("postgres", "redis", *APP_SERVICES, "prometheus", "alertmanager", "grafana")
REQUIRED_SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "AIOPS_METRICS_TOKEN", "AIOPS_ALERTMANAGER_TOKEN",
                    "GRAFANA_ADMIN_PASSWORD")

# Metric names the dashboard may use: the app's domain metrics (incidents/metrics.py, remediation/metrics.py) and the
# django-prometheus ones. A name outside this list is a typo or a metric nobody exports.
APP_METRICS = {
    "aiops_cluster_events_total",
    "aiops_incidents_total",
    "aiops_incidents_open",
    "aiops_approvals_total",
    "aiops_approvals_pending",
    "aiops_step_runs_total",
}
DJANGO_METRICS = {
    "django_http_requests_total_by_view_transport_method_total",
    "django_http_requests_latency_seconds_by_view_method_bucket",
    "django_http_responses_total_by_status_total",
}
ALLOWED_METRICS = APP_METRICS | DJANGO_METRICS

WEB_COMMAND = ["uvicorn", "--host", "0.0.0.0", "--port", "8000",  # noqa: S104
               "--loop", "uvloop", "--http", "httptools", "--ws", "websockets",
               "--lifespan", "off", "--no-access-log", "aiops_project.asgi:application"]

# Dummy values for the required variables, for interpolating the compose file in tests.
TEST_ENV = {
    "SECRET_KEY": "test-secret-key-" + "x" * 50,
    "POSTGRES_PASSWORD": "test-postgres-password",
    "AIOPS_METRICS_TOKEN": "test-metrics-token",
    "AIOPS_ALERTMANAGER_TOKEN": "test-alertmanager-token",
    "GRAFANA_ADMIN_PASSWORD": "test-grafana-password",
}


# --- parsers ------------------------------------------------------------------------------------


def load_yaml(path: Path) -> dict:
    with path.open() as f:
        return yaml.safe_load(f)


def load_compose() -> dict:
    return load_yaml(COMPOSE_FILE)


def compose_services() -> dict:
    return load_compose()["services"]


def service_command(service: dict) -> list[str]:
    command = service["command"]
    return [str(part) for part in command] if isinstance(command, list) else str(command).split()


def depends_on(service: dict) -> dict[str, str]:
    """depends_on as {service: condition}; the short list form means service_started."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def bind_mounts(service: dict) -> list[tuple[str, str]]:
    """(host path, container path) for every bind mount of a service, short or long syntax."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts.append((volume["source"], volume["target"]))
            continue
        source, _, rest = volume.partition(":")
        if source.startswith((".", "/", "~")):
            mounts.append((source, rest.split(":")[0]))
    return mounts


PROMQL_KEYWORDS = {
    "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
    "group_left", "group_right", "inf", "nan",
}  # fmt: skip


def promql_metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, keywords or labels."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)  # string literals
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # range and subquery selectors
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w:.$])([A-Za-z_:][\w:]*)(\s*\()?", expr):
        name, call = match.groups()
        if call is None and name.lower() not in PROMQL_KEYWORDS:
            names.add(name)
    return names


def all_panels(panels: list[dict]) -> list[dict]:
    out = []
    for panel in panels:
        out.append(panel)
        out.extend(all_panels(panel.get("panels") or []))  # panels inside collapsed rows
    return out


def load_dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def provisioned_datasource_uid() -> str:
    datasources = load_yaml(GRAFANA_DATASOURCES)["datasources"]
    assert len(datasources) == 1, "one provisioned datasource expected"
    return datasources[0]["uid"]
