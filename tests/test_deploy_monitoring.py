"""The monitoring the compose file ships: Prometheus' scrape config and Grafana's provisioning and dashboard,
checked against the metrics the app really serves.

No Docker engine is needed."""

from __future__ import annotations

import re

import pytest

from tests.deployfiles import (
    ALLOWED_METRICS,
    APP_METRICS,
    DASHBOARD,
    DJANGO_METRICS,
    GRAFANA_DASHBOARD_PROVIDER,
    GRAFANA_DATASOURCES,
    PROMETHEUS_CONFIG,
    ROOT,
    all_panels,
    bind_mounts,
    compose_services,
    load_compose,
    load_dashboard,
    load_yaml,
    promql_metric_names,
    provisioned_datasource_uid,
    service_command,
)

# --- Prometheus ---------------------------------------------------------------------------------


def test_prometheus_scrapes_the_web_service():
    config = load_yaml(PROMETHEUS_CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    aiops = jobs["aiops"]
    targets = [t for sc in aiops["static_configs"] for t in sc["targets"]]
    assert targets == ["web:8000"]
    assert aiops.get("metrics_path", "/metrics") == "/metrics"
    assert aiops.get("scrape_interval", config["global"]["scrape_interval"]) == "15s"
    assert "prometheus" in jobs
    # web:8000 is the compose service and the port uvicorn listens on.
    web = compose_services()["web"]
    assert "8000" in service_command(web)

    mounts = dict(bind_mounts(compose_services()["prometheus"]))
    assert mounts["./deploy/prometheus/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    command = " ".join(service_command(compose_services()["prometheus"]))
    assert "--config.file=/etc/prometheus/prometheus.yml" in command


def test_prometheus_sends_the_metrics_token():
    # /metrics answers 401 without `Authorization: Bearer <AIOPS_METRICS_TOKEN>`.
    from django.conf import settings

    assert "AIOPS_METRICS_TOKEN" in (ROOT / "aiops_project" / "settings.py").read_text()
    assert hasattr(settings, "METRICS_TOKEN")
    aiops = {job["job_name"]: job for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}["aiops"]
    assert aiops["authorization"]["type"] == "Bearer"
    credentials_file = aiops["authorization"]["credentials_file"]

    compose = load_compose()
    prometheus = compose["services"]["prometheus"]
    (secret,) = prometheus["secrets"]
    name = secret if isinstance(secret, str) else secret["source"]
    target = secret.get("target", name) if isinstance(secret, dict) else name
    assert credentials_file == (target if target.startswith("/") else f"/run/secrets/{target}")
    # The secret holds the same variable the app services get as AIOPS_METRICS_TOKEN.
    variable = compose["secrets"][name]["environment"]
    app_env = compose["services"]["web"]["environment"]
    assert re.fullmatch(r"\$\{" + variable + r":\?[^}]+\}", app_env["AIOPS_METRICS_TOKEN"])


# --- Grafana ------------------------------------------------------------------------------------


def test_grafana_datasource_provisioning():
    (datasource,) = load_yaml(GRAFANA_DATASOURCES)["datasources"]
    assert datasource["uid"] == "prometheus"
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    assert datasource["isDefault"] is True


def test_grafana_dashboard_provider_path_is_the_mounted_dashboards_directory():
    (provider,) = load_yaml(GRAFANA_DASHBOARD_PROVIDER)["providers"]
    assert provider["type"] == "file"
    mounts = dict(bind_mounts(compose_services()["grafana"]))
    assert provider["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    # The provisioning files are mounted where Grafana reads them.
    assert mounts["./deploy/grafana/provisioning/datasources"] == "/etc/grafana/provisioning/datasources"
    assert mounts["./deploy/grafana/provisioning/dashboards"] == "/etc/grafana/provisioning/dashboards"
    # The home dashboard setting names a file that the mount provides.
    home = compose_services()["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"


def test_dashboard_identity_and_panel_layout():
    dashboard = load_dashboard()
    assert dashboard["uid"] == "aiops-overview"
    assert dashboard["title"] == "AIOps agent"
    assert dashboard["schemaVersion"] == 39
    panels = all_panels(dashboard["panels"])
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), f"duplicate panel ids: {ids}"
    for panel in panels:
        assert panel.get("title"), f"panel {panel['id']} has no title"
        grid = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= set(grid) and grid["x"] + grid["w"] <= 24, panel["title"]
    assert {panel["type"] for panel in panels} >= {"timeseries", "stat"}


def test_dashboard_panels_use_the_provisioned_datasource():
    uid = provisioned_datasource_uid()
    for panel in all_panels(load_dashboard()["panels"]):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target.get("datasource", {"uid": uid})["uid"] == uid, panel["title"]


def test_dashboard_queries_only_use_exported_metrics():
    used: set[str] = set()
    for panel in all_panels(load_dashboard()["panels"]):
        for target in panel.get("targets", []):
            names = promql_metric_names(target["expr"])
            assert names, f"{panel['title']}: no metric in {target['expr']!r}"
            unknown = names - ALLOWED_METRICS
            assert not unknown, f"{panel['title']}: unknown metric(s) {sorted(unknown)} in {target['expr']!r}"
            # Counters are only meaningful as rates; the dashboard uses 5m windows throughout.
            for name in names & {m for m in ALLOWED_METRICS if m.endswith(("_total", "_bucket"))}:
                assert re.search(r"rate\(\s*" + name + r"(\{[^}]*\})?\[5m\]\)", target["expr"]), (
                    f"{panel['title']}: use rate({name}[5m])"
                )
            used |= names
    assert used == ALLOWED_METRICS, f"metrics not on the dashboard: {sorted(ALLOWED_METRICS - used)}"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("sum(rate(aiops_incidents_total[5m]))", {"aiops_incidents_total"}),
        ("sum(rate(aiops_incident_total[5m]))", {"aiops_incident_total"}),  # a typo is reported as is
        (
            'sum by (status) (rate(aiops_step_runs_total{status="failed", job=~"a.*"}[5m])) * 60',
            {"aiops_step_runs_total"},
        ),
        (
            "histogram_quantile(0.95, sum by (le, view) "
            "(rate(django_http_requests_latency_seconds_by_view_method_bucket[5m])))",
            {"django_http_requests_latency_seconds_by_view_method_bucket"},
        ),
        ("a_total / on (job) group_left b_total offset 1h > bool 1e3", {"a_total", "b_total"}),
        ("(sum(x{status=~'5..'}) or vector(0)) / sum(y[$__rate_interval])", {"x", "y"}),
    ],
)
def test_promql_metric_name_extraction(expr, expected):
    assert promql_metric_names(expr) == expected


def test_allow_list_matches_what_the_code_exports():
    # django-prometheus: describe its metric objects (not REGISTRY.collect(), which would also run the
    # app's collector and query the database) and derive the sample names Prometheus stores.
    from django_prometheus.middleware import Metrics
    from prometheus_client.metrics import MetricWrapperBase

    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    families = [
        family
        for metric in vars(Metrics.get_instance()).values()
        if isinstance(metric, MetricWrapperBase)
        for family in metric.describe()
    ]
    exported = {family.name + suffix for family in families for suffix in suffixes.get(family.type, ("",))}
    assert exported >= DJANGO_METRICS, sorted(DJANGO_METRICS - exported)

    # The app's metrics: collected from the database at scrape time, so read their names from the source.
    defined = set()
    pattern = re.compile(r"\b(Counter|Gauge|Histogram|Summary)(?:MetricFamily)?\(\s*[\"'](aiops_\w+)[\"']")
    for path in ROOT.glob("*/**/*.py"):
        if path.relative_to(ROOT).parts[0] in {".venv", "var", "tests", "node_modules"}:
            continue
        for kind, name in pattern.findall(path.read_text(errors="replace")):
            suffix = "_total" if kind == "Counter" and not name.endswith("_total") else ""
            defined.add(name + suffix if kind != "Histogram" else name + "_bucket")
    assert defined >= APP_METRICS, (
        f"dashboard uses metrics the app does not define: {sorted(APP_METRICS - defined)}"
    )
