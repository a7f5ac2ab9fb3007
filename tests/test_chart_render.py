"""The Helm chart renders (helm-render: `helm template` and `helm lint` over Helm's own packages).

Values: the ci files (ci/default-values.yaml, the minimum; ci/all-features.yaml, everything on), refusals naming
the value, the migrate hook's order, credentials only in Secrets, config files equal to the repository's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
import yaml

from tests.charts import (
    ALL_FEATURES,
    CHART,
    CI_VALUES,
    DEFAULT_VALUES,
    ROOT,
    container_env,
    find,
    lint,
    of_kind,
    pod_spec,
    render,
    render_error,
)
from tests.deployfiles import compose_services, service_command

pytestmark = pytest.mark.once

NS = "aiops"
DEPLOYMENTS = ("web", "worker", "beat", "watcher")
MINIMUM = yaml.safe_load(DEFAULT_VALUES.read_text())


@pytest.fixture(scope="module")
def default_docs() -> list[dict]:
    return render([DEFAULT_VALUES], namespace=NS)


@pytest.fixture(scope="module")
def all_docs() -> list[dict]:
    return render([ALL_FEATURES], namespace=NS)


def names(docs: list[dict]) -> set[tuple[str, str]]:
    return {(d["kind"], d["metadata"]["name"]) for d in docs}


def is_hook(doc: dict) -> bool:
    return "helm.sh/hook" in (doc["metadata"].get("annotations") or {})


# --- rendering and linting ----------------------------------------------------------------------


def test_ci_values_files_are_the_default_and_all_features_ones():
    assert sorted(p.name for p in CI_VALUES.glob("*.yaml")) == ["all-features.yaml", "default-values.yaml"]


@pytest.mark.parametrize("values", [DEFAULT_VALUES, ALL_FEATURES], ids=lambda p: p.stem)
def test_lint_strict_passes(values):
    result = lint([values])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ERROR]" not in result.stdout and "[WARNING]" not in result.stdout, result.stdout


def test_default_values_render_the_interface_names(default_docs):
    expected = {
        ("ServiceAccount", "aiops-agent"), ("Secret", "aiops-agent"), ("Service", "aiops-agent"),
        ("ConfigMap", "aiops-agent-rules"), ("ConfigMap", "aiops-agent-playbooks"), ("ConfigMap", "aiops-agent-mcp"),
        ("ClusterRole", "aiops-agent-readonly"), ("ClusterRoleBinding", "aiops-agent-readonly"),
        ("Role", "aiops-agent-leader-election"), ("RoleBinding", "aiops-agent-leader-election"),
        ("Job", "aiops-agent-migrate"),
        *(("Deployment", f"aiops-agent-{p}") for p in DEPLOYMENTS),
        ("PodDisruptionBudget", "aiops-agent-web"), ("PodDisruptionBudget", "aiops-agent-worker"),
    }
    assert expected <= names(default_docs)
    assert not {("Ingress", "aiops-agent"), ("ServiceMonitor", "aiops-agent"),
                ("ClusterRole", "aiops-agent-remediation"), ("ClusterRole", "aiops-agent-exec")} & names(default_docs)
    for doc in default_docs:
        if doc["kind"] not in {"ClusterRole", "ClusterRoleBinding"}:
            assert doc["metadata"]["namespace"] == NS, doc["metadata"]
    service = find(default_docs, "Service", "aiops-agent")
    assert service["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}]
    web = find(default_docs, "Deployment", "aiops-agent-web")
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]


def test_all_features_render_ingress_service_monitor_and_every_role(all_docs):
    assert {("Ingress", "aiops-agent"), ("ServiceMonitor", "aiops-agent"),
            ("ClusterRole", "aiops-agent-remediation"), ("ClusterRole", "aiops-agent-exec"),
            ("ClusterRoleBinding", "aiops-agent-remediation"), ("ClusterRoleBinding", "aiops-agent-exec")
            } <= names(all_docs)
    ingress = find(all_docs, "Ingress", "aiops-agent")
    assert ingress["apiVersion"] == "networking.k8s.io/v1"
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "aiops.example.com"
    assert rule["http"]["paths"] == [{"path": "/", "pathType": "Prefix",
                                      "backend": {"service": {"name": "aiops-agent", "port": {"name": "http"}}}}]
    monitor = find(all_docs, "ServiceMonitor", "aiops-agent")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"
    # the token the app checks (AIOPS_METRICS_TOKEN) is the one Prometheus sends
    web_env = container_env(pod_spec(find(all_docs, "Deployment", "aiops-agent-web"))["containers"][0])
    assert endpoint["authorization"] == {"type": "Bearer",
                                         "credentials": web_env["AIOPS_METRICS_TOKEN"]["valueFrom"]["secretKeyRef"]}
    assert monitor["spec"]["selector"]["matchLabels"] == find(all_docs, "Service", "aiops-agent")["spec"]["selector"]


def test_fullname_follows_the_standard_helper():
    docs = render([DEFAULT_VALUES], release="prod")
    assert ("Deployment", "prod-aiops-agent-web") in names(docs)
    docs = render([DEFAULT_VALUES, {"fullnameOverride": "agent"}], release="prod")
    assert {("Deployment", "agent-worker"), ("ServiceAccount", "agent"), ("Job", "agent-migrate")} <= names(docs)


def test_image_tag_defaults_to_the_app_version_of_pyproject(default_docs):
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert chart["apiVersion"] == "v2" and chart["appVersion"] == version and chart["kubeVersion"] == ">=1.25.0-0"
    for doc in of_kind(default_docs, "Deployment") + of_kind(default_docs, "Job"):
        assert pod_spec(doc)["containers"][0]["image"] == f"aiops-agent:{version}"


@pytest.mark.parametrize("telegram, polls", [
    ({}, False),  # no bot token: no Telegram at all
    ({"botToken": {"value": "1:t"}}, True),  # a token alone: polling, as upstream
    ({"botToken": {"existingSecret": "tg"}, "webhookSecret": {"value": "s"}}, False),  # a webhook
    ({"botToken": {"value": "1:t"}, "webhookSecret": {"existingSecret": "tg"}, "mode": "polling"}, True),
])
def test_the_telegram_poller_runs_only_when_telegram_is_polled(telegram, polls):
    docs = render([DEFAULT_VALUES, {"telegram": telegram}], namespace=NS)
    assert (("Deployment", "aiops-agent-telegram") in names(docs)) is polls
    web_env = container_env(pod_spec(find(docs, "Deployment", "aiops-agent-web"))["containers"][0])
    assert web_env["TELEGRAM_MODE"] == {"value": telegram.get("mode", "auto")}  # the app decides the same way
    if polls:
        poller = find(docs, "Deployment", "aiops-agent-telegram")
        assert poller["spec"]["replicas"] == 1 and pod_spec(poller)["automountServiceAccountToken"] is True  # Lease
        (container,) = pod_spec(poller)["containers"]
        assert container["command"] == service_command(compose_services()["telegram"])
        assert container_env(container) == web_env
    (role,) = [r for r in of_kind(docs, "Role") if r["metadata"]["name"] == "aiops-agent-leader-election"]
    assert "aiops-telegram" in role["rules"][0]["resourceNames"]


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("missing, message", [
    ("allowedHosts", "allowedHosts is required"),
    ("secretKey", "secretKey.value or secretKey.existingSecret is required"),
    ("database", "database.url or database.existingSecret is required"),
    ("redis", "redis.url or redis.existingSecret is required"),
])
def test_a_missing_required_value_fails_naming_it(missing, message):
    values = {k: v for k, v in MINIMUM.items() if k != missing}
    error = render_error(values)
    assert message in error
    assert error.count("is required") == 1, error


def test_nothing_set_names_every_missing_value_at_once():
    error = render_error(None)
    for value in ("allowedHosts", "secretKey.value", "database.url", "redis.url"):
        assert value in error


@pytest.mark.parametrize("override, message", [
    ({"database": {"url": "postgres://x", "existingSecret": "db"}},
     "set database.url or database.existingSecret, not both"),
    ({"rbac": {"scope": "namespaced"}}, "rbac.namespaces is required"),
    ({"serviceMonitor": {"enabled": True}}, "metrics.token.value or metrics.token.existingSecret is required"),
    ({"telegram": {"mode": "webhook", "botToken": {"value": "1:t"}}},
     "telegram.webhookSecret.value or telegram.webhookSecret.existingSecret is required when telegram.mode is webhook"),
])
def test_inconsistent_values_fail_naming_them(override, message):
    assert message in render_error([DEFAULT_VALUES, override])


@pytest.mark.parametrize("override, path", [
    ({"rbac": {"remediaton": {"enabled": True}}}, "/rbac"),
    ({"web": {"replica": 2}}, "/web"),
    ({"slack": {"botToken": {"valeu": "x"}}}, "/slack/botToken"),
    ({"worker": {"replicas": 0}}, "/worker/replicas"),
    ({"rbac": {"scope": "everywhere"}}, "/rbac/scope"),
    ({"telegram": {"mode": "hook"}}, "/telegram/mode"),
    ({"settings": {"logLevel": "verbose"}}, "/settings/logLevel"),
    ({"secretKey": {"value": "too-short"}}, "/secretKey/value"),
])
def test_a_typo_or_bad_value_fails_schema_validation_naming_its_path(override, path):
    error = render_error([DEFAULT_VALUES, override])
    assert "values don't meet the specifications of the schema" in error
    assert f"at '{path}'" in error, error


def test_every_value_is_in_the_schema_and_the_readme():
    """Every leaf of values.yaml has a schema entry (no unknown keys: additionalProperties false) and a README row."""
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    schema = json.loads((CHART / "values.schema.json").read_text())
    readme = (CHART / "README.md").read_text()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"

    def walk(value, node, path):
        if node.get("properties") is not None:
            assert node.get("additionalProperties") is False, f"{path or 'top level'}: additionalProperties"
        if path and f"`{path.rstrip('.')}`" in readme:
            return  # documented as a whole (e.g. web.resources)
        assert isinstance(value, dict) and node.get("properties") is not None, f"{path.rstrip('.')}: no README row"
        for key, child in value.items():
            assert key in node["properties"], f"{path}{key} is not in values.schema.json"
            walk(child, node["properties"][key], f"{path}{key}.")

    walk(values, schema, "")


def test_every_value_has_a_comment():
    """A comment line above every key with a value, or above the section holding it (web.resources)."""
    stack: list[tuple[int, bool]] = []
    previous = ""
    for number, line in enumerate((CHART / "values.yaml").read_text().splitlines(), 1):
        match = re.match(r"^(\s*)[A-Za-z]\w*:(.*)$", line)
        if match:
            indent, commented = len(match.group(1)), previous.strip().startswith("#")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if match.group(2).strip():
                assert commented or any(c for _, c in stack), f"values.yaml:{number} has no comment: {line}"
            else:
                stack.append((indent, commented))
        previous = line


# --- the migrate hook ---------------------------------------------------------------------------


def test_migrate_job_is_a_hook_running_migrate_then_load_defaults(default_docs):
    job = find(default_docs, "Job", "aiops-agent-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation,hook-succeeded"
    assert pod_spec(job)["containers"][0]["command"] == [
        "sh", "-c", "python manage.py migrate --noinput && python manage.py load_defaults"]


@pytest.mark.parametrize("values", [DEFAULT_VALUES, ALL_FEATURES], ids=lambda p: p.stem)
def test_everything_the_migrate_hook_needs_is_an_earlier_hook_or_exists_beforehand(values):
    """On a first install the hook runs before the release's own objects exist: what the Job's pod refers to must
    be a hook of the same events with a lower weight, or a Secret the user made (existingSecret)."""
    docs = render([values], namespace=NS)
    job = find(docs, "Job", "aiops-agent-migrate")
    weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    hooks = {(d["kind"], d["metadata"]["name"]): d for d in docs if is_hook(d)}
    user_values = yaml.safe_load(values.read_text())
    existing = {v["existingSecret"] for v in _credential_values(user_values) if v.get("existingSecret")}

    def earlier_hook(kind: str, name: str) -> bool:
        doc = hooks.get((kind, name))
        if doc is None:
            return False
        annotations = doc["metadata"]["annotations"]
        return (annotations["helm.sh/hook"] == job["metadata"]["annotations"]["helm.sh/hook"]
                and int(annotations["helm.sh/hook-weight"]) < weight
                and "before-hook-creation" in annotations["helm.sh/hook-delete-policy"])

    spec = pod_spec(job)
    assert earlier_hook("ServiceAccount", spec["serviceAccountName"])
    for volume in spec["volumes"]:
        if "configMap" in volume:
            assert earlier_hook("ConfigMap", volume["configMap"]["name"]), volume
        assert set(volume) & {"configMap", "emptyDir"}, volume
    refs = [e["valueFrom"]["secretKeyRef"] for e in spec["containers"][0]["env"] if "valueFrom" in e]
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= container_env(spec["containers"][0]).keys()
    for ref in refs:
        assert earlier_hook("Secret", ref["name"]) or ref["name"] in existing, ref
        if ref["name"] not in existing:
            assert ref["key"] in hooks[("Secret", ref["name"])]["data"], ref
    # the hook's ServiceAccount is bound to nothing: its token only tells load_defaults it runs in a pod
    for binding in of_kind(docs, "RoleBinding") + of_kind(docs, "ClusterRoleBinding"):
        assert all(s["name"] != spec["serviceAccountName"] for s in binding["subjects"])


def _credential_values(values: dict) -> list[dict]:
    out = [values.get(k) or {} for k in ("secretKey", "database", "redis")]
    for section, keys in {"alertmanager": ["token"], "metrics": ["token"], "slack": ["botToken", "signingSecret"],
                          "telegram": ["botToken", "webhookSecret"], "llm": ["apiKey"]}.items():
        out += [(values.get(section) or {}).get(k) or {} for k in keys]
    return out


# --- credentials --------------------------------------------------------------------------------


def _secret_values(docs: list[dict]) -> set[str]:
    return {base64.b64decode(v).decode() for s in of_kind(docs, "Secret") for v in (s.get("data") or {}).values()}


@pytest.mark.parametrize("values", [DEFAULT_VALUES, ALL_FEATURES], ids=lambda p: p.stem)
def test_no_credential_in_a_config_map_or_plain_env(values):
    docs = render([values], namespace=NS)
    secrets = _secret_values(docs)
    assert secrets, "the chart wrote no Secret"
    text = yaml.safe_dump([d for d in docs if d["kind"] != "Secret"])
    for secret in secrets:
        assert secret not in text
    for doc in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
        env = container_env(pod_spec(doc)["containers"][0])
        for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            assert "secretKeyRef" in env[name]["valueFrom"], (doc["metadata"]["name"], name)


def test_existing_secret_works_for_every_credential():
    env_names = ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AIOPS_ALERTMANAGER_TOKEN", "AIOPS_METRICS_TOKEN",
                 "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                 "OPENAI_API_KEY"]
    paths = ["secretKey", "database", "redis", "alertmanager.token", "metrics.token", "slack.botToken",
             "slack.signingSecret", "telegram.botToken", "telegram.webhookSecret", "llm.apiKey"]
    values: dict = {"allowedHosts": ["aiops.example.com"]}
    for i, path in enumerate(paths):
        node = values
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.update(existingSecret=f"pre-{i}", existingSecretKey=f"key-{i}")
    docs = render(values, namespace=NS)
    assert not of_kind(docs, "Secret"), "nothing is left for the chart to write"
    for doc in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
        env = container_env(pod_spec(doc)["containers"][0])
        for i, name in enumerate(env_names):
            assert env[name] == {"valueFrom": {"secretKeyRef": {"name": f"pre-{i}", "key": f"key-{i}"}}}


def test_a_changed_credential_or_config_file_rolls_the_pods(default_docs):
    def checksums(docs):
        return find(docs, "Deployment", "aiops-agent-worker")["spec"]["template"]["metadata"]["annotations"]

    before = checksums(default_docs)
    secret = checksums(render([DEFAULT_VALUES, {"redis": {"url": "redis://other:6379/0"}}], namespace=NS))
    config = checksums(render([DEFAULT_VALUES, {"config": {"rules": {"x.yaml": "rules: []\n"}}}], namespace=NS))
    assert secret["checksum/secret"] != before["checksum/secret"]
    assert secret["checksum/config"] == before["checksum/config"]
    assert config["checksum/config"] != before["checksum/config"]
    assert config["checksum/secret"] == before["checksum/secret"]


# --- config files -------------------------------------------------------------------------------


def _repo_files(kind: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((ROOT / "config" / kind).glob("*.yaml"))}


def test_config_maps_hold_the_repositorys_files_byte_for_byte(default_docs):
    for kind in ("rules", "playbooks"):
        assert find(default_docs, "ConfigMap", f"aiops-agent-{kind}")["data"] == _repo_files(kind)
        assert find(default_docs, "ConfigMap", f"aiops-agent-migrate-{kind}")["data"] == _repo_files(kind)
    mcp = find(default_docs, "ConfigMap", "aiops-agent-mcp")["data"]
    assert mcp == {"mcp-config.json": (ROOT / ".mcp-config.json").read_text()}
    assert (CHART / "files" / "config").resolve() == ROOT / "config"  # the chart reads them through links
    assert (CHART / "files" / "mcp-config.json").resolve() == ROOT / ".mcp-config.json"


def test_values_add_and_replace_config_files(all_docs):
    rules = find(all_docs, "ConfigMap", "aiops-agent-rules")["data"]
    assert rules == {**_repo_files("rules"), "team.yaml": "rules: []\n"}
    servers = json.loads(find(all_docs, "ConfigMap", "aiops-agent-mcp")["data"]["mcp-config.json"])["mcpServers"]
    bundled = json.loads((ROOT / ".mcp-config.json").read_text())["mcpServers"]
    assert servers == {**bundled, "extra": {"type": "http", "url": "http://mcp.example.com/mcp"}}
    replaced = render([DEFAULT_VALUES, {"config": {"includeDefaults": False, "playbooks": {"p.yaml": "playbooks: []\n"},
                                                   "mcpServers": {"only": {"type": "http", "url": "http://m/"}}}}])
    assert find(replaced, "ConfigMap", "aiops-agent-playbooks")["data"] == {"p.yaml": "playbooks: []\n"}
    assert find(replaced, "ConfigMap", "aiops-agent-rules").get("data") in (None, {})
    assert json.loads(find(replaced, "ConfigMap", "aiops-agent-mcp")["data"]["mcp-config.json"]) == {
        "mcpServers": {"only": {"type": "http", "url": "http://m/"}}}


def test_config_is_mounted_read_only_where_the_env_points(default_docs):
    for name in DEPLOYMENTS:
        spec = pod_spec(find(default_docs, "Deployment", f"aiops-agent-{name}"))
        container = spec["containers"][0]
        env = container_env(container)
        mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        for var, kind in (("AIOPS_RULES_DIR", "rules"), ("AIOPS_PLAYBOOKS_DIR", "playbooks")):
            mount = mounts[env[var]["value"]]
            assert mount["readOnly"] is True
            assert volumes[mount["name"]]["configMap"]["name"] == f"aiops-agent-{kind}"
        folder, _, file = env["AIOPS_MCP_CONFIG"]["value"].rpartition("/")
        assert mounts[folder]["readOnly"] is True and file == "mcp-config.json"
        assert volumes[mounts[folder]["name"]]["configMap"]["name"] == "aiops-agent-mcp"


def test_checksums_are_the_rendered_config(default_docs):
    annotations = find(default_docs, "Deployment", "aiops-agent-web")["spec"]["template"]["metadata"]["annotations"]
    assert re.fullmatch(r"[0-9a-f]{64}", annotations["checksum/config"])
    assert annotations["checksum/config"] != hashlib.sha256(b"").hexdigest()
