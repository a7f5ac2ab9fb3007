"""Static checks of the deployment files: docker-compose.yml, Dockerfile, Prometheus and Grafana config.

No Docker engine is needed. The files are parsed and cross-checked against each other and against the
code they name (modules, management commands, metric names), so that a typo fails here rather than
at `docker compose up`. When a Compose v2 CLI is available, `docker compose config` validates too.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA_DATASOURCES = ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_DASHBOARD_PROVIDER = ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "aiops.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "aiops.json"

APP_SERVICES = ("migrate", "web", "worker", "beat", "watcher")
ALL_SERVICES = ("postgres", "redis", *APP_SERVICES, "prometheus", "grafana")
REQUIRED_SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "AIOPS_METRICS_TOKEN", "GRAFANA_ADMIN_PASSWORD")

# Metric names the dashboard may use: the app's domain metrics (aiops_project/metrics.py) and the
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

DAPHNE_COMMAND = ["daphne", "-b", "0.0.0.0", "-p", "8000", "aiops_project.asgi:application"]  # noqa: S104

# Dummy values for the required variables, for interpolating the compose file in tests.
TEST_ENV = {
    "SECRET_KEY": "test-secret-key-" + "x" * 50,
    "POSTGRES_PASSWORD": "test-postgres-password",
    "AIOPS_METRICS_TOKEN": "test-metrics-token",
    "GRAFANA_ADMIN_PASSWORD": "test-grafana-password",
}


# --- helpers ------------------------------------------------------------------------------------


def _load_yaml(path: Path) -> dict:
    with path.open() as f:
        return yaml.safe_load(f)


def _compose() -> dict:
    return _load_yaml(COMPOSE_FILE)


def _services() -> dict:
    return _compose()["services"]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return [str(part) for part in command] if isinstance(command, list) else str(command).split()


def _depends_on(service: dict) -> dict[str, str]:
    """depends_on as {service: condition}; the short list form means service_started."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def _bind_mounts(service: dict) -> list[tuple[str, str]]:
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


_PROMQL_KEYWORDS = {
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
        if call is None and name.lower() not in _PROMQL_KEYWORDS:
            names.add(name)
    return names


def _all_panels(panels: list[dict]) -> list[dict]:
    out = []
    for panel in panels:
        out.append(panel)
        out.extend(_all_panels(panel.get("panels") or []))  # panels inside collapsed rows
    return out


def _dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def _provisioned_datasource_uid() -> str:
    datasources = _load_yaml(GRAFANA_DATASOURCES)["datasources"]
    assert len(datasources) == 1, "one provisioned datasource expected"
    return datasources[0]["uid"]


# --- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_has_every_service_and_no_version_key():
    compose = _compose()
    assert "version" not in compose, "the Compose spec has no version: key"
    assert set(ALL_SERVICES) <= set(compose["services"]), sorted(compose["services"])


def test_backing_services_images_volumes_and_healthchecks():
    services = _services()
    postgres, redis = services["postgres"], services["redis"]
    assert postgres["image"].startswith("postgres:16")
    assert any("pg_isready" in part for part in postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_USER"] == "aiops"
    assert postgres["environment"]["POSTGRES_DB"] == "aiops"

    assert redis["image"].startswith("redis:7")
    assert " ".join(_command(redis)).endswith("--appendonly yes")
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]

    named_volumes = set(_compose().get("volumes") or {})
    for name in ("postgres", "redis"):
        sources = {str(v).split(":")[0] for v in services[name]["volumes"]}
        assert sources and sources <= named_volumes, f"{name} must keep its data in a named volume"


def test_app_services_share_one_build_and_one_environment():
    services = _services()
    environments = [services[name]["environment"] for name in APP_SERVICES]
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", f"{name} must build from the repo root"
    assert all(env == environments[0] for env in environments), "app services must share one env block"
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1

    env = environments[0]
    assert env["AIOPS_ENV"] == "production"
    assert str(env["AIOPS_SIMCLUSTER"]).lower() == "false"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert re.fullmatch(
        r"postgres://aiops:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/aiops", env["DATABASE_URL"]
    )
    assert env["ALLOWED_HOSTS"] == "${ALLOWED_HOSTS:-localhost,127.0.0.1,web}"
    assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-false}"
    assert env["AIOPS_ALERTMANAGER_TOKEN"] == "${AIOPS_ALERTMANAGER_TOKEN:-}"

    # The URLs point at services that exist, on the ports those services listen on.
    assert re.search(r"@postgres:5432/", env["DATABASE_URL"]) and "postgres" in services
    assert env["REDIS_URL"].startswith("redis://redis:6379/") and "redis" in services


def test_compose_file_uses_the_x_app_anchor():
    text = COMPOSE_FILE.read_text()
    assert re.search(r"^x-app\S*:\s*&", text, re.MULTILINE), "shared settings live in an x-app extension"
    assert text.count("<<: *app") == len(APP_SERVICES)


def test_startup_order():
    services = _services()
    migrate = _depends_on(services["migrate"])
    assert migrate["postgres"] == "service_healthy"
    assert services["migrate"].get("restart") == "no", "migrate is a one-shot job"
    for name in ("web", "worker", "beat"):
        deps = _depends_on(services[name])
        assert deps.get("migrate") == "service_completed_successfully", f"{name} must wait for migrate"
        assert deps.get("redis") == "service_healthy", f"{name} must wait for redis"
    # A service_healthy condition needs a healthcheck on the service waited for.
    for name, service in services.items():
        for dep, condition in _depends_on(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                healthcheck = services[dep].get("healthcheck") or {}
                assert healthcheck.get("test") and not healthcheck.get("disable"), f"{dep} has no healthcheck"


def test_commands():
    services = _services()
    assert _command(services["migrate"])[:2] == ["sh", "-c"]
    assert _command(services["migrate"])[2] == (
        "python manage.py migrate --noinput && python manage.py load_defaults"
    )
    assert _command(services["web"]) == DAPHNE_COMMAND
    assert _command(services["worker"]) == [
        "celery", "-A", "aiops_project", "worker", "--loglevel", "INFO",
        "--queues", "default,detection,remediation", "--concurrency", "2",
    ]  # fmt: skip
    assert _command(services["beat"]) == [
        "celery", "-A", "aiops_project", "beat", "--loglevel", "INFO",
        "--scheduler", "aiops_project.beat:LeaderDatabaseScheduler",
    ]  # fmt: skip
    assert "8000:8000" in services["web"]["ports"]
    assert any("/health" in part for part in services["web"]["healthcheck"]["test"])
    # Only web serves HTTP: the image's HEALTHCHECK would mark the others unhealthy.
    for name in ("migrate", "beat"):
        assert services[name]["healthcheck"] == {"disable": True}
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_commands_name_real_modules():
    services = _services()
    # daphne ... module:attr
    (target,) = [part for part in _command(services["web"]) if ":" in part]
    module, attr = target.split(":")
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), target
    assert hasattr(importlib.import_module(module), attr), target
    # celery -A <app>: Celery looks for <app>.celery when <app> is a package.
    for name in ("worker", "beat"):
        command = _command(services[name])
        app = command[command.index("-A") + 1]
        assert (ROOT / app / "celery.py").is_file() or (ROOT / f"{app}.py").is_file(), f"{name}: -A {app}"
    # --scheduler module:Class
    command = _command(services["beat"])
    scheduler = command[command.index("--scheduler") + 1]
    module, attr = scheduler.split(":")
    assert hasattr(importlib.import_module(module), attr), scheduler
    assert (ROOT / "manage.py").is_file()


def test_load_defaults_command_exists():
    # migrate runs `manage.py load_defaults`; without it the job fails and nothing else starts.
    commands = list(ROOT.glob("*/management/commands/load_defaults.py"))
    assert len(commands) == 1, f"one */management/commands/load_defaults.py for the migrate service: {commands}"


def test_probe_and_scrape_paths_are_routed():
    from django.urls import Resolver404, resolve

    missing = []
    for path in ("/health", "/metrics"):
        try:
            resolve(path)
        except Resolver404:
            missing.append(path)
    assert not missing, f"{', '.join(missing)} not routed: the web healthcheck and Prometheus need them"


def test_bind_mounted_host_paths_exist_and_named_volumes_are_declared():
    compose = _compose()
    declared = set(compose.get("volumes") or {})
    mounts = 0
    for name, service in compose["services"].items():
        for source, target in _bind_mounts(service):
            assert (ROOT / source).exists(), f"{name} mounts missing host path {source}"
            assert target.startswith("/"), f"{name}: container path {target!r} must be absolute"
            mounts += 1
        for volume in service.get("volumes") or []:
            if isinstance(volume, str) and not volume.startswith((".", "/", "~")):
                assert volume.split(":")[0] in declared, f"{name} uses undeclared volume {volume}"
    assert mounts >= 3  # prometheus.yml, grafana provisioning, grafana dashboards


def test_secrets_are_required_not_defaulted():
    text = COMPOSE_FILE.read_text()
    for var in REQUIRED_SECRETS:
        uses = re.findall(r"\$\{" + var + r"(?::?[-?+][^}]*)?\}", text)
        assert uses, f"{var} is not used"
        assert all(re.fullmatch(r"\$\{" + var + r":\?[^}]+\}", use) for use in uses), (
            f"{var} must be required with ${{{var}:?message}}: {uses}"
        )
    # No secret-looking variable may fall back to a non-empty default.
    for var, default in re.findall(r"\$\{(\w+):?-([^}]*)\}", text):
        if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$", var):
            assert default == "", f"${{{var}}} has a default value"
    # And no literal value for a secret-looking key anywhere.
    for service in _services().values():
        env = service.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        for key, value in env.items():
            if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$", key):
                assert str(value).startswith("${"), f"{key} has a literal value"
    grafana_env = _services()["grafana"]["environment"]
    assert str(grafana_env["GF_AUTH_ANONYMOUS_ENABLED"]).lower() == "false"


def test_compose_header_explains_usage():
    header = COMPOSE_FILE.read_text().split("\n\n")[0]
    for needle in (
        "cp .env.example .env",
        "docker compose up -d",
        "docker compose exec web python manage.py createsuperuser",
    ):
        assert needle in header


# --- Prometheus ---------------------------------------------------------------------------------


def test_prometheus_scrapes_the_web_service():
    config = _load_yaml(PROMETHEUS_CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    aiops = jobs["aiops"]
    targets = [t for sc in aiops["static_configs"] for t in sc["targets"]]
    assert targets == ["web:8000"]
    assert aiops.get("metrics_path", "/metrics") == "/metrics"
    assert aiops.get("scrape_interval", config["global"]["scrape_interval"]) == "15s"
    assert "prometheus" in jobs
    # web:8000 is the compose service and the port daphne listens on.
    web = _services()["web"]
    assert "8000" in _command(web)

    mounts = dict(_bind_mounts(_services()["prometheus"]))
    assert mounts["./deploy/prometheus/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    command = " ".join(_command(_services()["prometheus"]))
    assert "--config.file=/etc/prometheus/prometheus.yml" in command


def test_prometheus_sends_the_metrics_token():
    # /metrics answers 401 without `Authorization: Bearer <AIOPS_METRICS_TOKEN>`.
    from django.conf import settings

    assert "AIOPS_METRICS_TOKEN" in (ROOT / "aiops_project" / "settings.py").read_text()
    assert hasattr(settings, "METRICS_TOKEN")
    aiops = {job["job_name"]: job for job in _load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}["aiops"]
    assert aiops["authorization"]["type"] == "Bearer"
    credentials_file = aiops["authorization"]["credentials_file"]

    compose = _compose()
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
    (datasource,) = _load_yaml(GRAFANA_DATASOURCES)["datasources"]
    assert datasource["uid"] == "prometheus"
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    assert datasource["isDefault"] is True


def test_grafana_dashboard_provider_path_is_the_mounted_dashboards_directory():
    (provider,) = _load_yaml(GRAFANA_DASHBOARD_PROVIDER)["providers"]
    assert provider["type"] == "file"
    mounts = dict(_bind_mounts(_services()["grafana"]))
    assert provider["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    # The provisioning files are mounted where Grafana reads them.
    assert mounts["./deploy/grafana/provisioning/datasources"] == "/etc/grafana/provisioning/datasources"
    assert mounts["./deploy/grafana/provisioning/dashboards"] == "/etc/grafana/provisioning/dashboards"
    # The home dashboard setting names a file that the mount provides.
    home = _services()["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"


def test_dashboard_identity_and_panel_layout():
    dashboard = _dashboard()
    assert dashboard["uid"] == "aiops-overview"
    assert dashboard["title"] == "AIOps agent"
    assert dashboard["schemaVersion"] == 39
    panels = _all_panels(dashboard["panels"])
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), f"duplicate panel ids: {ids}"
    for panel in panels:
        assert panel.get("title"), f"panel {panel['id']} has no title"
        grid = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= set(grid) and grid["x"] + grid["w"] <= 24, panel["title"]
    assert {panel["type"] for panel in panels} >= {"timeseries", "stat"}


def test_dashboard_panels_use_the_provisioned_datasource():
    uid = _provisioned_datasource_uid()
    for panel in _all_panels(_dashboard()["panels"]):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target.get("datasource", {"uid": uid})["uid"] == uid, panel["title"]


def test_dashboard_queries_only_use_exported_metrics():
    used: set[str] = set()
    for panel in _all_panels(_dashboard()["panels"]):
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


# --- Dockerfile ---------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def test_dockerfile():
    instructions = _dockerfile_instructions()
    by_keyword: dict[str, list[str]] = {}
    for keyword, args in instructions:
        by_keyword.setdefault(keyword, []).append(args)

    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = by_keyword["USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}, "the image must run as a non-root user"
    runs = " ".join(by_keyword["RUN"])
    assert "pip install -c constraints.txt ." in runs
    assert any("collectstatic --noinput" in run and "SECRET_KEY=" in run for run in by_keyword["RUN"])
    assert not any("SECRET_KEY" in env for env in by_keyword.get("ENV", [])), "no SECRET_KEY baked into ENV"
    assert any("AIOPS_ENV=production" in env for env in by_keyword["ENV"])
    assert "8000" in by_keyword["EXPOSE"][0].split()
    (healthcheck,) = by_keyword["HEALTHCHECK"]
    assert "urllib" in healthcheck and "http://127.0.0.1:8000/health" in healthcheck
    assert json.loads(by_keyword["CMD"][-1]) == DAPHNE_COMMAND
    # collectstatic runs as the app user, after USER, so the files it writes are the user's.
    keywords = [keyword for keyword, _ in instructions]
    collect = next(i for i, (k, a) in enumerate(instructions) if k == "RUN" and "collectstatic" in a)
    assert keywords.index("USER") < collect


def test_dockerignore_keeps_local_state_out():
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    assert {".git", ".venv", "var", ".env"} <= patterns


# --- docker compose config (only where a Compose v2 CLI is installed) -----------------------------


def _compose_cli() -> list[str]:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        probe = subprocess.run([standalone, "version"], capture_output=True, text=True, check=False)
        major = re.search(r"version v?(\d+)\.", probe.stdout)
        if probe.returncode == 0 and major and int(major.group(1)) >= 2:
            return [standalone]
    if not shutil.which("docker"):
        pytest.skip("no docker CLI on this machine")
    pytest.skip("the docker compose plugin is missing (docker compose version failed)")


def _run_compose(cli: list[str], *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # --env-file /dev/null: a developer's .env must not decide the outcome.
    return subprocess.run(
        [*cli, "--env-file", os.devnull, "-f", str(COMPOSE_FILE), *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_docker_compose_config():
    cli = _compose_cli()
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {*REQUIRED_SECRETS, "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"}
    }

    quiet = _run_compose(cli, "config", "--quiet", env={**base_env, **TEST_ENV})
    assert quiet.returncode == 0, quiet.stderr

    resolved = _run_compose(cli, "config", "--format", "json", env={**base_env, **TEST_ENV})
    assert resolved.returncode == 0, resolved.stderr
    model = json.loads(resolved.stdout)
    web_env = model["services"]["web"]["environment"]
    assert web_env["DATABASE_URL"] == f"postgres://aiops:{TEST_ENV['POSTGRES_PASSWORD']}@postgres:5432/aiops"
    assert web_env["SECRET_KEY"] == TEST_ENV["SECRET_KEY"]
    assert web_env["ALLOWED_HOSTS"] == "localhost,127.0.0.1,web"
    assert model["services"]["worker"]["environment"] == web_env
    assert model["secrets"]["metrics_token"]["environment"] == "AIOPS_METRICS_TOKEN"

    for var in REQUIRED_SECRETS:
        env = {**base_env, **{k: v for k, v in TEST_ENV.items() if k != var}}
        missing = _run_compose(cli, "config", "--quiet", env=env)
        assert missing.returncode != 0, f"compose accepted a missing {var}"
        assert f"set {var}" in missing.stderr, missing.stderr


# --- Kubernetes RBAC ----------------------------------------------------------------------------

RBAC_DIR = ROOT / "deploy" / "kubernetes"
RBAC_FILES = {"rbac-readonly.yaml": "aiops-readonly", "rbac-remediation.yaml": "aiops-remediation",
              "rbac-exec.yaml": "aiops-exec"}
AGENT_ACCOUNT = {"kind": "ServiceAccount", "name": "aiops-agent", "namespace": "aiops"}


def _rbac(name: str) -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((RBAC_DIR / name).read_text())}


def _rules(name: str) -> list[dict]:
    return _rbac(name)["ClusterRole"]["rules"]


def test_each_rbac_file_binds_its_own_role_to_the_agents_service_account():
    assert sorted(p.name for p in RBAC_DIR.glob("rbac-*.yaml")) == sorted(RBAC_FILES)
    for name, role in RBAC_FILES.items():
        text = (RBAC_DIR / name).read_text()
        assert text.startswith("# ") and "kubectl apply -f deploy/kubernetes/" + name in text, name
        docs = _rbac(name)
        assert sorted(docs) == ["ClusterRole", "ClusterRoleBinding", "ServiceAccount"], name
        account = docs["ServiceAccount"]["metadata"]
        assert {"kind": "ServiceAccount", **account} == AGENT_ACCOUNT, name
        assert docs["ClusterRole"]["metadata"]["name"] == role
        binding = docs["ClusterRoleBinding"]
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}
        assert binding["subjects"] == [AGENT_ACCOUNT], name


def test_the_read_only_role_only_reads_and_no_role_names_secrets_or_wildcards():
    verbs = {verb for rule in _rules("rbac-readonly.yaml") for verb in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}
    for name in RBAC_FILES:
        for rule in _rules(name):
            named = [*rule["apiGroups"], *rule["resources"], *rule["verbs"]]
            assert "*" not in named and not any(r.split("/")[0] == "secrets" for r in rule["resources"]), (name, rule)
            assert "resourceNames" not in rule and "nonResourceURLs" not in rule, (name, rule)


def test_only_the_exec_opt_in_grants_exec_and_remediation_adds_no_reads():
    exec_grants = {name for name in RBAC_FILES for rule in _rules(name) if "pods/exec" in rule["resources"]}
    assert exec_grants == {"rbac-exec.yaml"}
    assert _rules("rbac-exec.yaml") == [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["get", "create"]}]
    remediation = {(group, resource, verb) for rule in _rules("rbac-remediation.yaml")
                   for group in rule["apiGroups"] for resource in rule["resources"] for verb in rule["verbs"]}
    assert remediation == {("apps", "deployments", "patch"), ("apps", "deployments/scale", "patch"),
                           ("apps", "statefulsets", "patch"), ("apps", "daemonsets", "patch"),
                           ("", "nodes", "patch"), ("", "pods/eviction", "create"), ("", "pods", "delete")}


def test_leader_election_grants_only_the_agents_two_leases_in_its_namespace():
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all((RBAC_DIR / "leader-election.yaml").read_text())}
    assert sorted(docs) == ["Role", "RoleBinding"]
    assert docs["Role"]["metadata"]["namespace"] == docs["RoleBinding"]["metadata"]["namespace"] == "aiops"
    from aiops_project.leader import LEASE_PREFIX

    named, create = docs["Role"]["rules"]
    assert named == {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
                     "resourceNames": [f"{LEASE_PREFIX}watcher", f"{LEASE_PREFIX}beat"], "verbs": ["get", "update"]}
    assert create == {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]}
    assert docs["RoleBinding"]["subjects"] == [AGENT_ACCOUNT]
