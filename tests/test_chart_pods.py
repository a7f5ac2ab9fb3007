"""The chart's pods: the restricted Pod Security Standard, the same commands as the Dockerfile and docker-compose,
probes, writable folders, service account tokens, the environment every process gets."""

from __future__ import annotations

import json
import re

import pytest

from tests.charts import ALL_FEATURES, DEFAULT_VALUES, container_env, find, of_kind, pod_spec, render
from tests.deployfiles import DOCKERFILE, compose_services, service_command

pytestmark = pytest.mark.once

NS = "aiops"
PROCESSES = ("web", "worker", "beat", "watcher")


@pytest.fixture(scope="module", params=[DEFAULT_VALUES, ALL_FEATURES], ids=lambda p: p.stem)
def docs(request) -> list[dict]:
    return render([request.param], namespace=NS)


def workloads(docs: list[dict]) -> list[dict]:
    return of_kind(docs, "Deployment") + of_kind(docs, "Job")


def deployment(docs: list[dict], process: str) -> dict:
    return find(docs, "Deployment", f"aiops-agent-{process}")


# --- restricted Pod Security Standard ----------------------------------------------------------

ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
                   "secret"}


def test_every_pod_meets_the_restricted_pod_security_standard(docs):
    """The checks of the restricted profile (baseline's included) as the API server's admission applies them."""
    for workload in workloads(docs):
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        pod_ctx = spec.get("securityContext") or {}
        assert not (spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC")), name
        for volume in spec.get("volumes") or []:
            assert set(volume) - {"name"} <= ALLOWED_VOLUMES, (name, volume)
        assert pod_ctx.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        assert pod_ctx.get("runAsUser") == 10001 and pod_ctx.get("runAsGroup") == 10001, name
        for container in spec["containers"] + (spec.get("initContainers") or []):
            ctx = container.get("securityContext") or {}
            where = (name, container["name"])
            assert ctx.get("allowPrivilegeEscalation") is False, where
            assert ctx.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not ctx.get("capabilities", {}).get("add"), where
            assert not ctx.get("privileged"), where
            assert (ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot"))) is True, where
            assert ctx.get("runAsUser", pod_ctx.get("runAsUser")) not in (None, 0), where
            seccomp = ctx.get("seccompProfile", pod_ctx.get("seccompProfile")) or {}
            assert seccomp.get("type") in {"RuntimeDefault", "Localhost"}, where
            assert ctx.get("readOnlyRootFilesystem") is True, where
            assert not any(p.get("hostPort") for p in container.get("ports") or []), where


def test_the_image_user_is_the_pods_user():
    text = DOCKERFILE.read_text()
    assert re.search(r"--uid 10001\b", text) and re.search(r"--gid 10001\b", text)
    assert re.findall(r"^USER (\S+)", text, re.M)[-1] == "aiops"


def test_only_tmp_and_var_are_writable(docs):
    for workload in workloads(docs):
        spec = pod_spec(workload)
        volumes = {v["name"]: v for v in spec["volumes"]}
        (container,) = spec["containers"]
        writable = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
        assert writable == {"/tmp", "/app/var"}, workload["metadata"]["name"]
        for mount in container["volumeMounts"]:
            if mount["mountPath"] in writable:
                assert "emptyDir" in volumes[mount["name"]]
        assert container_env(container)["AIOPS_VAR_DIR"] == {"value": "/app/var"}
    # the static files the image collected must not sit under the writable volume that hides them
    assert re.search(r"AIOPS_STATIC_ROOT=/app/static\b", DOCKERFILE.read_text())


def test_a_service_account_token_only_where_the_api_server_is_used(docs):
    for process in ("worker", "beat", "watcher"):
        spec = pod_spec(deployment(docs, process))
        assert spec["automountServiceAccountToken"] is True and spec["serviceAccountName"] == "aiops-agent"
    web = pod_spec(deployment(render([DEFAULT_VALUES, {"web": {"automountServiceAccountToken": False}}]), "web"))
    assert web["automountServiceAccountToken"] is False
    job = pod_spec(find(docs, "Job", "aiops-agent-migrate"))
    assert job["serviceAccountName"] == "aiops-agent-migrate"  # a hook account bound to no role


# --- commands: the Dockerfile's and docker-compose's ---------------------------------------------


def _dockerfile_cmd() -> list[str]:
    (cmd,) = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD ")][-1:]
    return json.loads(cmd.removeprefix("CMD "))


def test_every_command_is_the_one_docker_compose_and_the_dockerfile_run(docs):
    services = compose_services()
    for process in PROCESSES:
        (container,) = pod_spec(deployment(docs, process))["containers"]
        assert container["command"] == service_command(services[process]), process
        assert "args" not in container, process
    (web,) = pod_spec(deployment(docs, "web"))["containers"]
    assert web["command"] == _dockerfile_cmd()
    (migrate,) = pod_spec(find(docs, "Job", "aiops-agent-migrate"))["containers"]
    assert migrate["command"] == service_command(services["migrate"])


def test_beat_and_watcher_lead_by_a_kubernetes_lease(docs):
    for process in PROCESSES:
        env = container_env(pod_spec(deployment(docs, process))["containers"][0])
        assert env["AIOPS_LEADER_ELECTION"] == {"value": "kubernetes"}
        assert env["AIOPS_LEADER_NAMESPACE"] == {"value": NS}
    for process in ("beat", "watcher"):
        assert deployment(docs, process)["spec"]["replicas"] == 2
    assert "--scheduler" in pod_spec(deployment(docs, "beat"))["containers"][0]["command"]


def test_worker_gets_time_to_finish_a_late_acked_task(docs):
    worker = deployment(docs, "worker")
    assert pod_spec(worker)["terminationGracePeriodSeconds"] == 60
    assert worker["spec"]["replicas"] >= 1
    command = pod_spec(worker)["containers"][0]["command"]
    assert command[command.index("--queues") + 1] == "default,detection,remediation"


# --- probes --------------------------------------------------------------------------------------


def test_web_probes_health_and_ready_on_its_http_port(docs):
    (web,) = pod_spec(deployment(docs, "web"))["containers"]
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert web["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert web["startupProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert "httpHeaders" not in web[probe]["httpGet"]  # Host is the pod IP: ProbeHostMiddleware answers it


def test_worker_liveness_pings_itself_and_can_be_turned_off(docs):
    (worker,) = pod_spec(deployment(docs, "worker"))["containers"]
    compose = compose_services()["worker"]["healthcheck"]["test"]
    assert worker["livenessProbe"]["exec"]["command"] == ["sh", "-c", compose[1].replace("$$", "$")]
    off = render([DEFAULT_VALUES, {"worker": {"livenessProbe": {"enabled": False}}}])
    assert "livenessProbe" not in pod_spec(deployment(off, "worker"))["containers"][0]
    for process in ("beat", "watcher"):
        container = pod_spec(deployment(docs, process))["containers"][0]
        assert not {"livenessProbe", "readinessProbe", "startupProbe"} & container.keys()


# --- environment and resources -------------------------------------------------------------------


def test_every_process_gets_the_production_environment(docs):
    for workload in workloads(docs):
        env = container_env(pod_spec(workload)["containers"][0])
        assert env["AIOPS_ENV"] == {"value": "production"}
        assert env["AIOPS_SIMCLUSTER"] == {"value": "false"}
        assert env["AIOPS_CLUSTER_DISCOVERY"] == {"value": "true"}
        assert env["ALLOWED_HOSTS"]["value"].split(",")[0] == "aiops.example.com"
        assert env["AIOPS_RULES_DIR"] == {"value": "/etc/aiops/rules"}
        assert env["AIOPS_PLAYBOOKS_DIR"] == {"value": "/etc/aiops/playbooks"}
        assert env["AIOPS_MCP_CONFIG"] == {"value": "/etc/aiops/mcp/mcp-config.json"}
        assert "AIOPS_WATCH_NAMESPACES" not in env
        for item in pod_spec(workload)["containers"][0]["env"]:
            assert isinstance(item.get("value", ""), str), item  # numbers and booleans quoted


def test_settings_reach_the_environment():
    docs = render([DEFAULT_VALUES, {"settings": {"logLevel": "debug", "pollIntervalSeconds": 30,
                                                 "approvalTimeoutSeconds": 900},
                                    "llm": {"model": "m1", "baseUrl": "http://llm/v1"},
                                    "extraEnv": [{"name": "AIOPS_CHAT_HISTORY", "value": "40"}]}])
    env = container_env(pod_spec(deployment(docs, "worker"))["containers"][0])
    assert env["LOG_LEVEL"] == {"value": "debug"}
    assert env["AIOPS_POLL_INTERVAL_SECONDS"] == {"value": "30"}
    assert env["AIOPS_APPROVAL_TIMEOUT_SECONDS"] == {"value": "900"}
    assert env["AIOPS_LLM_MODEL"] == {"value": "m1"} and env["OPENAI_BASE_URL"] == {"value": "http://llm/v1"}
    assert env["AIOPS_CHAT_HISTORY"] == {"value": "40"}


def test_resources_per_process_come_from_values():
    override = {p: {"resources": {"requests": {"cpu": f"{i + 1}m"}}} for i, p in enumerate([*PROCESSES, "migrate"])}
    docs = render([DEFAULT_VALUES, override])
    for i, process in enumerate(PROCESSES):
        assert pod_spec(deployment(docs, process))["containers"][0]["resources"]["requests"]["cpu"] == f"{i + 1}m"
    job = find(docs, "Job", "aiops-agent-migrate")
    assert pod_spec(job)["containers"][0]["resources"]["requests"]["cpu"] == "5m"
    for workload in workloads(render([DEFAULT_VALUES])):
        resources = pod_spec(workload)["containers"][0]["resources"]
        assert resources["requests"]["memory"] and resources["limits"]["memory"], workload["metadata"]["name"]


# --- disruption budgets ---------------------------------------------------------------------------


def test_disruption_budgets_only_for_more_than_one_replica():
    def budgets(values):
        return {d["metadata"]["name"] for d in of_kind(render([DEFAULT_VALUES, values]), "PodDisruptionBudget")}

    assert budgets({}) == {"aiops-agent-web", "aiops-agent-worker"}
    assert budgets({"web": {"replicas": 1}}) == {"aiops-agent-worker"}
    assert budgets({"podDisruptionBudget": {"enabled": False}}) == set()
    docs = render([DEFAULT_VALUES])
    budget = find(docs, "PodDisruptionBudget", "aiops-agent-worker")
    assert budget["spec"]["maxUnavailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"] == deployment(docs, "worker")["spec"]["selector"]["matchLabels"]
