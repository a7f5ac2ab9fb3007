"""A user switching from upstream (simple-ai-agent @ e1ca408) keeps what they configured for it: its Alertmanager
receiver (route /api/webhook/alertmanager, X-Alertmanager-Secret header), its postgresql+asyncpg:// DATABASE_URL and
its environment names, read as aliases of ours."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from aiops_project.upstream_env import apply_upstream_names, django_database_url
from incidents.models import ClusterEvent
from remediation.definitions import load_definitions
from tests.alertmanager_payloads import firing
from tests.chatchannels import Channels, notification_channels, worker_fixture  # noqa: F401 (the `worker` fixture)
from tests.helpers import eventually
from tests.peers import run_alertmanager

ROOT = Path(__file__).resolve().parent.parent
ROUTE = "/api/webhook/alertmanager"  # upstream's (src/api/webhooks.py, config/alertmanager.yml)
TOKEN, SECRET = "compat-bearer-token", "compat-hmac-secret"
UPSTREAM = "simple-ai-agent-e1ca408.tar.gz"


def signature(body: bytes, secret: str = SECRET) -> str:
    """What upstream checked: the hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(client: APIClient, body: bytes, header: str | None, path: str = ROUTE) -> Any:
    extra = {"HTTP_X_ALERTMANAGER_SECRET": header} if header is not None else {}
    return client.generic("POST", path, body, content_type="application/json", **extra)


# --- The route and the header ------------------------------------------------------------------------------------


@pytest.fixture
def credentials(settings: Any) -> None:
    settings.ALERTMANAGER_TOKEN, settings.ALERTMANAGER_WEBHOOK_SECRET = TOKEN, SECRET


@pytest.mark.django_db
def test_upstreams_route_is_the_intake_with_our_bearer_token(credentials):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert client.post(ROUTE, firing(), format="json").json()["recorded"] == 1
    assert ClusterEvent.objects.get().source == "alertmanager"


@pytest.mark.django_db
@pytest.mark.parametrize("token", [TOKEN, ""])
def test_a_body_signed_as_upstream_signed_it_is_taken_with_or_without_a_token_configured(settings, token):
    settings.ALERTMANAGER_TOKEN, settings.ALERTMANAGER_WEBHOOK_SECRET = token, SECRET
    body = json.dumps(firing()).encode()
    response = post_signed(APIClient(), body, signature(body))
    assert response.status_code == 200, response.json()
    assert ClusterEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_signature_is_401_like_a_wrong_token_and_records_nothing(credentials):
    body = json.dumps(firing()).encode()
    wrong_token = APIClient()
    wrong_token.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    bearer_refusal = wrong_token.post(ROUTE, firing(), format="json")
    for header in (signature(body, "another-secret"), "wrong-hmac", signature(body + b" ")):
        refused = post_signed(APIClient(), body, header)
        assert refused.status_code == bearer_refusal.status_code == 401
        assert refused["WWW-Authenticate"] == bearer_refusal["WWW-Authenticate"]
        assert list(refused.json()) == list(bearer_refusal.json()) == ["detail"]
        assert "X-Alertmanager-Secret" in refused.json()["detail"]
    assert not ClusterEvent.objects.exists()


@pytest.mark.django_db
def test_a_missing_header_without_a_bearer_token_is_401_naming_both(credentials):
    refused = post_signed(APIClient(), json.dumps(firing()).encode(), None)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Send Authorization: Bearer <token>, or X-Alertmanager-Secret."}


@pytest.mark.django_db
def test_with_neither_token_nor_secret_configured_everything_is_refused(settings):
    settings.ALERTMANAGER_TOKEN = settings.ALERTMANAGER_WEBHOOK_SECRET = ""
    body = json.dumps(firing()).encode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ")
    for response in (post_signed(APIClient(), body, signature(body)), post_signed(APIClient(), body, signature(
            body, "")), client.generic("POST", ROUTE, body, content_type="application/json")):
        assert response.status_code == 401
        assert "neither AIOPS_ALERTMANAGER_TOKEN nor ALERTMANAGER_WEBHOOK_SECRET" in response.json()["detail"]
    assert not ClusterEvent.objects.exists()


@pytest.mark.django_db
def test_the_body_limit_applies_before_the_signature_is_checked(credentials, settings):
    settings.ALERT_BODY_MAX_BYTES = 200
    body = json.dumps(firing()).encode()
    response = post_signed(APIClient(), body, signature(body))
    assert response.status_code == 413 and "AIOPS_ALERT_BODY_MAX_BYTES" in response.json()["detail"]


@pytest.fixture
def live_channels(settings: Any, live_server: Any) -> Iterator[Channels]:
    load_definitions(settings.DEFAULT_PLAYBOOKS_DIR, settings.DEFAULT_RULES_DIR)  # the shipped rules
    with notification_channels(settings) as channels:
        yield channels


@pytest.mark.django_db(transaction=True)
def test_a_client_signing_as_upstreams_did_reaches_the_chat_channels_in_one_message(
        credentials, live_channels, live_server, worker):
    payload = firing()
    payload["alerts"] += [{**payload["alerts"][0], "fingerprint": "second", "status": "resolved",
                           "labels": {**payload["alerts"][0]["labels"], "pod": "checkout-7d9f8b6c5-zzzzz"}}]
    payload["alerts"][1]["endsAt"] = "2026-11-28T10:05:00Z"
    body = json.dumps(payload).encode()
    request = urllib.request.Request(f"{live_server.url}{ROUTE}", data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Alertmanager-Secret": signature(body)})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        assert json.loads(response.read())["recorded"] == 1  # resolving what never fired records nothing
    # The shipped rule alert-pod-crashlooping also starts its diagnosis (remediation's tasks): not this test's subject.
    told = [task for task in worker() if not task.startswith("remediation.")]
    assert told == ["incidents.tasks.announce_alerts", "chat.tasks.send_notification", "chat.tasks.send_notification"]
    [telegram], [slack] = live_channels.telegram_texts(), live_channels.slack_texts()
    assert telegram.startswith("Alertmanager: 1 firing (alertname=KubePodCrashLooping, namespace=shop, ")
    assert "🔥 [critical] KubePodCrashLooping · shop/checkout-7d9f8b6c5-x2x9q" in slack


# --- Upstream's own Alertmanager configuration, on Debian's real Alertmanager -------------------------------------


def upstream_file(member: str) -> bytes:
    """A file of upstream's snapshot (../shared/upstream, or AIOPS_UPSTREAM_DIR), read from its tarball."""
    folders = [os.environ.get("AIOPS_UPSTREAM_DIR", ""), str(ROOT.parent / "shared" / "upstream"),
               "/work/shared/upstream"]
    tarball = next((Path(f) / UPSTREAM for f in folders if f and (Path(f) / UPSTREAM).is_file()), None)
    if tarball is None:
        if os.environ.get("AIOPS_REQUIRE_ALERTMANAGER"):
            pytest.fail(f"AIOPS_REQUIRE_ALERTMANAGER is set but upstream's {UPSTREAM} is missing (AIOPS_UPSTREAM_DIR)")
        pytest.skip(f"upstream's snapshot {UPSTREAM} is not on this machine (set AIOPS_UPSTREAM_DIR)")
    with tarfile.open(tarball) as archive:
        extracted = archive.extractfile(f"simple-ai-agent/{member}")
        assert extracted is not None
        return io.BytesIO(extracted.read()).getvalue()


def post_alerts(alertmanager: str, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(f"{alertmanager}/api/v2/alerts", data=json.dumps(alerts).encode(),  # noqa: S310
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        assert response.status == 200


@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_upstreams_alertmanager_yml_delivers_a_group_to_the_chat_channels_as_one_message(
        settings, live_channels, live_server, worker, tmp_path):
    settings.ALERTMANAGER_TOKEN = TOKEN
    config = yaml.safe_load(upstream_file("config/alertmanager.yml"))
    [receiver] = config["receivers"]
    [webhook] = receiver["webhook_configs"]
    assert webhook["url"] == "http://app:8000/api/webhook/alertmanager"
    webhook["url"] = f"{live_server.url}/api/webhook/alertmanager"  # the one rewrite: where this project listens
    # Alertmanager cannot sign a body (upstream's header): it sends our bearer token, from http_config.
    webhook["http_config"] = {"authorization": {"type": "Bearer", "credentials": TOKEN}}
    starts = (datetime.now(tz=UTC) - timedelta(minutes=1)).isoformat()
    alerts = [{"labels": {"alertname": "PodCrashLooping", "severity": "critical", "namespace": "shop",
                          "pod": f"checkout-{n}"},
               "annotations": {"summary": f"checkout-{n} is crash looping"}, "startsAt": starts}
              for n in range(3)]
    with run_alertmanager(config, tmp_path) as alertmanager:
        post_alerts(alertmanager, alerts)  # one group (alertname, namespace, severity): critical, group_wait 10s

        def delivered() -> list[str]:
            worker()
            return live_channels.telegram_texts()

        [telegram] = eventually(delivered, "the group's notification to reach Telegram", timeout=40)
    [slack] = live_channels.slack_texts()
    assert telegram.splitlines()[0] == ("Alertmanager: 3 firing (alertname=PodCrashLooping, namespace=shop, "
                                        "severity=critical)")
    assert sorted(line.split(" — ")[0] for line in telegram.splitlines()[1:]) == [
        f"🔥 [critical] PodCrashLooping · shop/checkout-{n}" for n in range(3)]
    assert slack.count("🔥") == 3
    assert ClusterEvent.objects.filter(source="alertmanager").count() == 3


# --- Environment names and the database URL ----------------------------------------------------------------------

ALIASES = [  # (upstream's name, its value, our name, what ours reads)
    ("TELEGRAM_TOKEN", "123:abc", "TELEGRAM_BOT_TOKEN", "123:abc"),
    ("APPROVAL_TIMEOUT_SECONDS", "120", "AIOPS_APPROVAL_TIMEOUT_SECONDS", "120"),
    ("RATE_LIMIT_PER_MINUTE", "60", "AIOPS_CHAT_RATE_PER_MINUTE", "60"),
    ("K8S_WATCHLOOP_INTERVAL", "45", "AIOPS_POLL_INTERVAL_SECONDS", "45"),
    ("API_PORT", "9000", "AIOPS_HTTP_PORT", "9000"),
    ("MCP_TOOL_TIMEOUT_SECONDS", "90", "AIOPS_MCP_CALL_TIMEOUT_SECONDS", "90"),
    ("RCA_TIMEOUT_SECONDS", "15", "AIOPS_LLM_TIMEOUT_SECONDS", "15"),
    ("MCP_CONFIG_PATH", "/etc/agent/mcp.json", "AIOPS_MCP_CONFIG", "/etc/agent/mcp.json"),
    ("ENVIRONMENT", "production", "AIOPS_ENV", "production"),
    ("ENVIRONMENT", "development", "AIOPS_ENV", "local"),
    ("AIOPS_NOTIFICATION_CHANNEL", "telegram:-1001234567890", "TELEGRAM_NOTIFY_CHAT_ID", "-1001234567890"),
    ("AIOPS_NOTIFICATION_CHANNEL", "slack:C0AIOPS01", "SLACK_NOTIFY_CHANNEL", "C0AIOPS01"),
    ("DEFAULT_MODEL", "llama3.2", "AIOPS_LLM_MODEL", "llama3.2"),
    ("GITHUB_TOKEN", "github_pat_x", "OPENAI_API_KEY", "github_pat_x"),
    ("GITHUB_TOKEN", "github_pat_x", "OPENAI_BASE_URL", "https://models.github.ai/inference"),
]


@pytest.mark.once
@pytest.mark.parametrize(("upstream", "value", "ours", "read"), ALIASES)
def test_each_upstream_name_is_read_where_ours_is_unset_and_ours_wins_when_both_are(upstream, value, ours, read):
    env = {upstream: value, ours: ""}
    assert f"{upstream}->{ours}" in apply_upstream_names(env)
    assert env[ours] == read
    env = {upstream: value, ours: "ours"}
    apply_upstream_names(env)
    assert env[ours] == "ours"


@pytest.mark.once
def test_github_models_names_and_its_token_go_nowhere_else():
    env = {"GITHUB_TOKEN": "github_pat_x", "DEFAULT_MODEL": "gpt-4"}
    apply_upstream_names(env)
    assert env["AIOPS_LLM_MODEL"] == "openai/gpt-4o"  # upstream's short name, as GitHub Models names it now
    elsewhere = {"GITHUB_TOKEN": "github_pat_x", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
                 "DEFAULT_MODEL": "gpt-4"}
    assert apply_upstream_names(elsewhere) == ["DEFAULT_MODEL->AIOPS_LLM_MODEL"]
    assert "OPENAI_API_KEY" not in elsewhere and elsewhere["AIOPS_LLM_MODEL"] == "gpt-4"
    alone = {"GITHUB_TOKEN": "github_pat_x"}
    apply_upstream_names(alone)
    assert "AIOPS_LLM_MODEL" not in alone  # no model named: the LLM stays off, nothing is sent anywhere


@pytest.mark.once
def test_upstreams_tracing_names_count_only_with_otel_enabled():
    env = {"OTLP_ENDPOINT": "http://jaeger:4317", "OTEL_SAMPLE_RATE": "0.25"}
    assert apply_upstream_names(env) == []
    env["OTEL_ENABLED"] = "true"
    apply_upstream_names(env)
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"  # its gRPC port; ours speaks OTLP/HTTP
    assert (env["OTEL_TRACES_SAMPLER"], env["OTEL_TRACES_SAMPLER_ARG"]) == ("parentbased_traceidratio", "0.25")


@pytest.mark.once
@pytest.mark.parametrize(("value", "filled"), [
    ("telegram:-100123", {"TELEGRAM_NOTIFY_CHAT_ID": "-100123"}),
    ("slack:#ops", {"SLACK_NOTIFY_CHANNEL": "#ops"}),
    ("telegram:42, slack:C0AIOPS01", {"TELEGRAM_NOTIFY_CHAT_ID": "42", "SLACK_NOTIFY_CHANNEL": "C0AIOPS01"}),
    ("-100123", {"TELEGRAM_NOTIFY_CHAT_ID": "-100123"}),  # no platform: a number is a Telegram chat
    ("C0AIOPS01", {"SLACK_NOTIFY_CHANNEL": "C0AIOPS01"}),  # ... and a Slack channel id a Slack channel
])
def test_the_notification_channel_fills_our_settings(value, filled):
    env = {"AIOPS_NOTIFICATION_CHANNEL": value}
    apply_upstream_names(env)
    assert {k: v for k, v in env.items() if k != "AIOPS_NOTIFICATION_CHANNEL"} == filled


@pytest.mark.once
@pytest.mark.parametrize(("env", "named", "says"), [
    ({"AIOPS_NOTIFICATION_CHANNEL": "discord:123"}, "AIOPS_NOTIFICATION_CHANNEL", "telegram or slack"),
    ({"AIOPS_NOTIFICATION_CHANNEL": "telegram:@ops"}, "AIOPS_NOTIFICATION_CHANNEL", "not a Telegram chat id"),
    ({"AIOPS_NOTIFICATION_CHANNEL": "ops-room"}, "AIOPS_NOTIFICATION_CHANNEL", "names no platform"),
    ({"AIOPS_NOTIFICATION_CHANNEL": "slack:"}, "AIOPS_NOTIFICATION_CHANNEL", "names no slack channel"),
    ({"AIOPS_NOTIFICATION_CHANNEL": "telegram:1,telegram:2"}, "AIOPS_NOTIFICATION_CHANNEL", "named twice"),
    ({"APPROVAL_TIMEOUT_SECONDS": "5m"}, "APPROVAL_TIMEOUT_SECONDS", "not a whole number"),
    ({"OTEL_ENABLED": "true", "OTEL_SAMPLE_RATE": "2"}, "OTEL_SAMPLE_RATE", "between 0.0 and 1.0"),
])
def test_a_bad_upstream_value_fails_naming_the_variable(env, named, says):
    with pytest.raises(ImproperlyConfigured, match=f"Environment variable {named}=.*{says}"):
        apply_upstream_names(env)


@pytest.mark.once
def test_environment_values_that_are_not_upstreams_are_left_alone():
    env = {"ENVIRONMENT": "staging"}
    assert apply_upstream_names(env) == [] and "AIOPS_ENV" not in env


@pytest.mark.once
@pytest.mark.parametrize(("url", "read"), [
    ("postgresql+asyncpg://aiagent:pw@db:5432/aiagent", "postgresql://aiagent:pw@db:5432/aiagent"),
    ("postgresql+asyncpg://a:pw@db/x?ssl=require", "postgresql://a:pw@db/x?sslmode=require"),
    ("postgresql+psycopg://a@db/x", "postgresql://a@db/x"),
    ("postgres://a@db/x", "postgres://a@db/x"),
    ("sqlite:////var/aiops.sqlite3", "sqlite:////var/aiops.sqlite3"),
])
def test_sqlalchemy_database_urls_are_read_as_djangos(url, read):
    assert django_database_url(url) == read


@pytest.mark.once
def test_a_start_with_upstreams_env_file_runs_on_its_asyncpg_database_url(tmp_path):
    """The whole chain at start-up: upstream's names and its DATABASE_URL, a query on that PostgreSQL."""
    code = ("from django.conf import settings as s\nfrom django.db import connection\n"
            "connection.cursor().execute('SELECT 1')\n"
            "print('|'.join(map(str, [connection.vendor, s.TELEGRAM_BOT_TOKEN, s.TELEGRAM_NOTIFY_CHAT_ID, "
            "s.SLACK_NOTIFY_CHANNEL, s.APPROVAL_TIMEOUT.total_seconds(), s.CHAT_RATE_PER_MINUTE, "
            "s.ALERTMANAGER_WEBHOOK_SECRET, s.AIOPS_ENV])))\n")
    ours = {"DATABASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_NOTIFY_CHAT_ID", "SLACK_NOTIFY_CHANNEL", "AIOPS_ENV",
            "AIOPS_APPROVAL_TIMEOUT_SECONDS", "AIOPS_CHAT_RATE_PER_MINUTE", "ENVIRONMENT"}
    env = {**{k: v for k, v in os.environ.items() if k not in ours}, "AIOPS_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test", "TELEGRAM_TOKEN": "123:upstream",
           "AIOPS_NOTIFICATION_CHANNEL": "telegram:-100123", "APPROVAL_TIMEOUT_SECONDS": "600",
           "RATE_LIMIT_PER_MINUTE": "60", "ALERTMANAGER_WEBHOOK_SECRET": "s3cret", "ENVIRONMENT": "development"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "postgresql|123:upstream|-100123||600.0|60|s3cret|local"
