"""The environment names of the project this one replaces (simple-ai-agent), read as aliases of ours.

A user switching keeps their `.env`: where our name is unset or empty and upstream's is set, upstream's value is
used (written under our name into the environment, so child processes and the libraries that read their own
variables, such as the openai SDK and OpenTelemetry's, see it too). Our name always wins when both are set.
Applied once, at the top of settings.py, before anything reads the environment; applying it again changes nothing.

Not a plain rename everywhere: AIOPS_NOTIFICATION_CHANNEL (`telegram:<chat id>` or `slack:<channel id>`) fills our
two notification settings; ENVIRONMENT's `development` is our `local`; GITHUB_TOKEN is an OpenAI-compatible key
only for GitHub Models; upstream's OTLP endpoint counts only with OTEL_ENABLED (as upstream), and its gRPC port
becomes OTLP/HTTP's. A value that cannot mean anything fails start-up naming upstream's variable.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# Upstream's name -> ours, read as they are. Integers are checked here, so an error names the variable that was set.
RENAMED: dict[str, str] = {
    "TELEGRAM_TOKEN": "TELEGRAM_BOT_TOKEN",
    "APPROVAL_TIMEOUT_SECONDS": "AIOPS_APPROVAL_TIMEOUT_SECONDS",
    "RATE_LIMIT_PER_MINUTE": "AIOPS_CHAT_RATE_PER_MINUTE",
    "K8S_WATCHLOOP_INTERVAL": "AIOPS_POLL_INTERVAL_SECONDS",
    "API_PORT": "AIOPS_HTTP_PORT",
    "MCP_TOOL_TIMEOUT_SECONDS": "AIOPS_MCP_CALL_TIMEOUT_SECONDS",
    "RCA_TIMEOUT_SECONDS": "AIOPS_LLM_TIMEOUT_SECONDS",
    "MCP_CONFIG_PATH": "AIOPS_MCP_CONFIG",
}
INTEGERS = {"APPROVAL_TIMEOUT_SECONDS", "RATE_LIMIT_PER_MINUTE", "K8S_WATCHLOOP_INTERVAL", "API_PORT",
            "MCP_TOOL_TIMEOUT_SECONDS", "RCA_TIMEOUT_SECONDS"}
# ENVIRONMENT is a common name outside upstream too: only upstream's two values are read, any other is left alone.
ENVIRONMENTS = {"production": "production", "development": "local"}
# GitHub Models, which upstream's GITHUB_TOKEN paid for. Upstream called models.inference.ai.azure.com, which
# GitHub retired on 2025-10-17 for this one (https://github.blog/changelog/2025-07-17-deprecation-of-azure-endpoint-
# for-github-models); its models are named publisher/model.
GITHUB_MODELS_URL = "https://models.github.ai/inference"
GITHUB_MODELS_HOSTS = {"models.github.ai", "models.inference.ai.azure.com"}
# Upstream's DEFAULT_MODEL short names, as GitHub Models names them now (others are passed on as they are).
GITHUB_MODEL_NAMES = {"gpt-4": "openai/gpt-4o", "gpt-4-turbo": "openai/gpt-4o", "gpt-4o": "openai/gpt-4o",
                      "gpt-4o-mini": "openai/gpt-4o-mini"}
PLATFORMS = {"telegram": "TELEGRAM_NOTIFY_CHAT_ID", "slack": "SLACK_NOTIFY_CHANNEL"}
TELEGRAM_CHAT_ID = re.compile(r"-?\d{1,20}")
SLACK_CHANNEL = re.compile(r"#[\w.-]{1,80}|[CGD][A-Z0-9]{6,}")
TRUE = {"1", "true", "yes", "on"}
_POSTGRES_DRIVER = re.compile(r"^(postgres|postgresql)\+[a-z0-9_]+://", re.IGNORECASE)


def _unset(env: MutableMapping[str, str], name: str) -> bool:
    return not env.get(name)


def _set(env: MutableMapping[str, str], ours: str, value: str, read: list[str], upstream: str) -> None:
    if _unset(env, ours):
        env[ours] = value
        read.append(f"{upstream}->{ours}")


def notification_targets(raw: str) -> dict[str, str]:
    """AIOPS_NOTIFICATION_CHANNEL (`telegram:<chat id>`, `slack:<channel id>`, comma-separated for both) as
    {our setting: value}. Without a platform, a number is a Telegram chat and a Slack id (C…, G…, D…) or `#name`
    a Slack channel. ValueError says what is wrong."""
    targets: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        platform, sep, target = item.partition(":")
        if not sep:  # no platform: the forms cannot be confused (a Slack id is never a number)
            target = item
            platform = "telegram" if TELEGRAM_CHAT_ID.fullmatch(item) else "slack" if SLACK_CHANNEL.fullmatch(
                item) else ""
            if not platform:
                raise ValueError(f"{item!r} names no platform: write telegram:<chat id> or slack:<channel id>")
        platform, target = platform.strip().lower(), target.strip()
        if platform not in PLATFORMS:
            raise ValueError(f"{platform!r} is not a platform this agent posts to (telegram or slack)")
        if not target:
            raise ValueError(f"{item!r} names no {platform} channel")
        if platform == "telegram" and not TELEGRAM_CHAT_ID.fullmatch(target):
            raise ValueError(f"{target!r} is not a Telegram chat id (an integer, e.g. -1001234567890)")
        if PLATFORMS[platform] in targets:
            raise ValueError(f"{platform} is named twice (one notification chat per platform)")
        targets[PLATFORMS[platform]] = target
    if not targets:
        raise ValueError("names no channel")
    return targets


def apply_upstream_names(env: MutableMapping[str, str]) -> list[str]:
    """Fill our unset variables from upstream's in `env` (os.environ); the "UPSTREAM->OURS" pairs read."""
    read: list[str] = []
    for upstream, ours in RENAMED.items():
        if (value := env.get(upstream)) and _unset(env, ours):
            if upstream in INTEGERS and not (value.strip().isascii() and value.strip().isdigit()):
                raise ImproperlyConfigured(f"Environment variable {upstream}={value!r} (upstream's name for "
                                           f"{ours}) is not a whole number.")
            _set(env, ours, value.strip(), read, upstream)
    if (environment := ENVIRONMENTS.get((env.get("ENVIRONMENT") or "").strip().lower())) is not None:
        _set(env, "AIOPS_ENV", environment, read, "ENVIRONMENT")
    if channel := env.get("AIOPS_NOTIFICATION_CHANNEL", "").strip():
        try:
            targets = notification_targets(channel)
        except ValueError as exc:
            raise ImproperlyConfigured(f"Environment variable AIOPS_NOTIFICATION_CHANNEL={channel!r}: {exc}.") from None
        for ours, target in targets.items():
            _set(env, ours, target, read, "AIOPS_NOTIFICATION_CHANNEL")
    _github_models(env, read)
    if (env.get("OTEL_ENABLED") or "").strip().lower() in TRUE:
        _tracing(env, read)
    return read


def _github_models(env: MutableMapping[str, str], read: list[str]) -> None:
    """GITHUB_TOKEN is the key for GitHub Models only: it is never sent to another endpoint. DEFAULT_MODEL names the
    model (no model, no LLM: a token alone sends nothing anywhere)."""
    base = env.get("OPENAI_BASE_URL") or ""
    github = not base or (urlsplit(base).hostname or "") in GITHUB_MODELS_HOSTS
    if env.get("GITHUB_TOKEN") and _unset(env, "OPENAI_API_KEY") and github:
        _set(env, "OPENAI_API_KEY", env["GITHUB_TOKEN"], read, "GITHUB_TOKEN")
        _set(env, "OPENAI_BASE_URL", GITHUB_MODELS_URL, read, "GITHUB_TOKEN")
    if (model := (env.get("DEFAULT_MODEL") or "").strip()) and _unset(env, "AIOPS_LLM_MODEL"):
        at_github = (urlsplit(env.get("OPENAI_BASE_URL") or "").hostname or "") == "models.github.ai"
        _set(env, "AIOPS_LLM_MODEL", GITHUB_MODEL_NAMES.get(model, model) if at_github else model, read,
             "DEFAULT_MODEL")


def _tracing(env: MutableMapping[str, str], read: list[str]) -> None:
    """Upstream exported over OTLP/gRPC (port 4317); ours over OTLP/HTTP, port 4318 on the same collectors."""
    if endpoint := (env.get("OTLP_ENDPOINT") or "").strip():
        parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
        if parts.port == 4317:
            parts = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0] + ":4318")
        _set(env, "OTEL_EXPORTER_OTLP_ENDPOINT", urlunsplit(parts), read, "OTLP_ENDPOINT")
    if (rate := (env.get("OTEL_SAMPLE_RATE") or "").strip()) and _unset(env, "OTEL_TRACES_SAMPLER"):
        try:
            if not 0.0 <= float(rate) <= 1.0:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable OTEL_SAMPLE_RATE={rate!r} is not a rate between 0.0 and 1.0.") from None
        _set(env, "OTEL_TRACES_SAMPLER", "parentbased_traceidratio", read, "OTEL_SAMPLE_RATE")
        _set(env, "OTEL_TRACES_SAMPLER_ARG", rate, read, "OTEL_SAMPLE_RATE")


def django_database_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (upstream's `postgresql+asyncpg://`, `postgresql+psycopg://`, ...) as one
    dj-database-url reads: the driver dropped (Django's backend uses psycopg), asyncpg's `ssl=` as libpq's
    `sslmode=`. Any other URL is returned as it is."""
    if not _POSTGRES_DRIVER.match(url):
        return url
    parts = urlsplit("postgresql://" + url.split("://", 1)[1])
    query = [("sslmode", {"true": "require", "false": "disable"}.get(value.lower(), value)) if key == "ssl"
             else (key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))
