"""docker-compose.yml: services, commands, dependencies, secrets and mounts, cross-checked against the code
they name; `docker compose config` validates it too where a Compose v2 CLI is installed.

No Docker engine is needed."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess

import pytest

from tests.deployfiles import (
    ALL_SERVICES,
    APP_SERVICES,
    COMPOSE_FILE,
    REQUIRED_SECRETS,
    ROOT,
    TEST_ENV,
    WEB_COMMAND,
    bind_mounts,
    compose_services,
    depends_on,
    load_compose,
    service_command,
)

# --- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_has_every_service_and_no_version_key():
    compose = load_compose()
    assert "version" not in compose, "the Compose spec has no version: key"
    assert set(ALL_SERVICES) <= set(compose["services"]), sorted(compose["services"])


def test_backing_services_images_volumes_and_healthchecks():
    services = compose_services()
    postgres, redis = services["postgres"], services["redis"]
    assert postgres["image"].startswith("postgres:16")
    assert any("pg_isready" in part for part in postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_USER"] == "aiops"
    assert postgres["environment"]["POSTGRES_DB"] == "aiops"

    assert redis["image"].startswith("redis:7")
    assert " ".join(service_command(redis)).endswith("--appendonly yes")
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]

    named_volumes = set(load_compose().get("volumes") or {})
    for name in ("postgres", "redis"):
        sources = {str(v).split(":")[0] for v in services[name]["volumes"]}
        assert sources and sources <= named_volumes, f"{name} must keep its data in a named volume"


def test_app_services_share_one_build_and_one_environment():
    services = compose_services()
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
    assert env["AIOPS_ALERTMANAGER_TOKEN"] == "${AIOPS_ALERTMANAGER_TOKEN:?set AIOPS_ALERTMANAGER_TOKEN}"

    # The URLs point at services that exist, on the ports those services listen on.
    assert re.search(r"@postgres:5432/", env["DATABASE_URL"]) and "postgres" in services
    assert env["REDIS_URL"].startswith("redis://redis:6379/") and "redis" in services


def test_compose_file_uses_the_x_app_anchor():
    text = COMPOSE_FILE.read_text()
    assert re.search(r"^x-app\S*:\s*&", text, re.MULTILINE), "shared settings live in an x-app extension"
    assert text.count("<<: *app") == len(APP_SERVICES)


def test_startup_order():
    services = compose_services()
    migrate = depends_on(services["migrate"])
    assert migrate["postgres"] == "service_healthy"
    assert services["migrate"].get("restart") == "no", "migrate is a one-shot job"
    for name in ("web", "worker", "beat"):
        deps = depends_on(services[name])
        assert deps.get("migrate") == "service_completed_successfully", f"{name} must wait for migrate"
        assert deps.get("redis") == "service_healthy", f"{name} must wait for redis"
    # A service_healthy condition needs a healthcheck on the service waited for.
    for name, service in services.items():
        for dep, condition in depends_on(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                healthcheck = services[dep].get("healthcheck") or {}
                assert healthcheck.get("test") and not healthcheck.get("disable"), f"{dep} has no healthcheck"


def test_commands():
    services = compose_services()
    assert service_command(services["migrate"])[:2] == ["sh", "-c"]
    assert service_command(services["migrate"])[2] == (
        "python manage.py migrate --noinput && python manage.py load_defaults"
    )
    assert service_command(services["web"]) == WEB_COMMAND
    assert service_command(services["worker"]) == [
        "celery", "-A", "aiops_project", "worker", "--loglevel", "INFO",
        "--queues", "default,detection,remediation", "--concurrency", "2",
    ]  # fmt: skip
    assert service_command(services["beat"]) == [
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
    services = compose_services()
    # uvicorn ... module:attr
    (target,) = [part for part in service_command(services["web"]) if ":" in part]
    module, attr = target.split(":")
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), target
    assert hasattr(importlib.import_module(module), attr), target
    # celery -A <app>: Celery looks for <app>.celery when <app> is a package.
    for name in ("worker", "beat"):
        command = service_command(services[name])
        app = command[command.index("-A") + 1]
        assert (ROOT / app / "celery.py").is_file() or (ROOT / f"{app}.py").is_file(), f"{name}: -A {app}"
    # --scheduler module:Class
    command = service_command(services["beat"])
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
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    mounts = 0
    for name, service in compose["services"].items():
        for source, target in bind_mounts(service):
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
    for service in compose_services().values():
        env = service.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        for key, value in env.items():
            if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$", key):
                assert str(value).startswith("${"), f"{key} has a literal value"
    grafana_env = compose_services()["grafana"]["environment"]
    assert str(grafana_env["GF_AUTH_ANONYMOUS_ENABLED"]).lower() == "false"


def test_the_telegram_poller_is_an_optional_service_with_the_apps_image_and_environment():
    telegram = compose_services()["telegram"]
    assert service_command(telegram) == ["python", "manage.py", "telegram_poll"]
    assert (ROOT / "chat" / "management" / "commands" / "telegram_poll.py").is_file()
    assert telegram["profiles"] == ["telegram"]  # COMPOSE_PROFILES=telegram, documented in .env.example
    assert "COMPOSE_PROFILES=" in (ROOT / ".env.example").read_text()
    assert depends_on(telegram) == {"migrate": "service_completed_successfully", "postgres": "service_healthy",
                                    "redis": "service_healthy"}
    assert telegram["healthcheck"] == {"disable": True}  # it serves no HTTP
    env = telegram["environment"]
    assert env["TELEGRAM_MODE"] == "${TELEGRAM_MODE:-auto}"
    assert {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_NOTIFY_CHAT_ID"} <= set(env)


def test_compose_header_explains_usage():
    header = COMPOSE_FILE.read_text().split("\n\n")[0]
    for needle in (
        "cp .env.example .env",
        "docker compose up -d",
        "docker compose exec web python manage.py createsuperuser",
    ):
        assert needle in header


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
