"""No secret is ever seen again: every shape of tests/secret_seeds.py is put in a pod log of the simulated cluster,
then the product's flows read it (a playbook step calling get_pod_logs, the root-cause analysis with the LLM
path on the loopback LLM server, a chat conversation whose model calls the log tool, /k8s logs in chat, /mcp's
get_incident with an API token, the console pages, the API's JSON), and each place is searched for every
seed: the LLM requests, chat replies, notices (Slack, Telegram, console), logs (stdout/stderr and records), the
database (every table, through the ORM: the same on SQLite and PostgreSQL) and the files under var/."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from asgiref.sync import async_to_sync
from django.apps import apps
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from aiops_project.notices import register_sink, unregister_sink
from chat.handler import handle_message
from chat.messages import IncomingMessage
from chat.models import ChatIdentity
from incidents.models import Cluster, Incident
from incidents.rca.service import run_root_cause_analysis
from remediation.agent_server import McpEndpoint
from remediation.models import StepRun
from remediation.services import request_action
from tests.factories import drive_run, make_user
from tests.llmapi import LlmApi, openai_compatible_server
from tests.secret_seeds import SEEDED_LOG, SEEDS, VALUES, leaks
from tests.simulated import read, simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "seeds", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop", "logs": SEEDED_LOG}]}
LOGS = {"namespace": "shop", "name": "checkout", "workload": "Deployment/checkout", "tail_lines": 200}
RCA_ANSWER = {"summary": "checkout cannot reach its database, so it exits at start-up.",
              "root_cause": "the database refuses connections", "category": "dependency_unreachable",
              "confidence": 0.8, "evidence": ["dial tcp 10.96.4.2:5432: connect: connection refused"],
              "recommended_actions": [{"action": "look at the database pods", "tool": "kubernetes.list_pods"}],
              "affected_resources": ["Deployment/shop/checkout"], "hypotheses": []}


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: Any) -> Iterator[Cluster]:
    from celery.app.task import Task

    monkeypatch.setattr(Task, "apply_async", lambda self, args=(), kwargs=None, **options: None)  # drive_run runs
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        yield Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))


@pytest.fixture
def llm(settings: Any, monkeypatch: Any) -> Iterator[LlmApi]:
    with openai_compatible_server() as api:
        monkeypatch.setenv("OPENAI_BASE_URL", api.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        settings.LLM_MODEL, settings.LLM_TIMEOUT_SECONDS = "tiny", 10
        yield api


@pytest.fixture
def notices() -> Iterator[list[str]]:
    """What every notice sink (Slack, Telegram, the console) was handed."""
    seen: list[str] = []
    register_sink("secret-seeds", lambda notice: seen.append(notice.text))
    yield seen
    unregister_sink("secret-seeds")


def mcp_get_incident(token: str, incident_id: int) -> str:
    """/mcp's get_incident through a fresh endpoint on this test's own event loop; the raw JSON answer."""
    endpoint = McpEndpoint(lambda scope, receive, send: None)  # type: ignore[arg-type,return-value]

    async def ask() -> str:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=endpoint), base_url="http://testserver",
                                      headers=headers, timeout=30) as http:
            await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
            answer = await http.post("/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
                "name": "get_incident", "arguments": {"incident_id": incident_id}}})
        endpoint._holder.cancel()
        assert answer.status_code == 200, answer.text
        return answer.text

    return async_to_sync(ask)()


def database_text() -> str:
    """Every row of every table, as the ORM reads it."""
    rows = [list(model._base_manager.values()) for model in apps.get_models()]
    return json.dumps(rows, default=str)


def var_files_text() -> str:
    """The files under var/: the SQLite database (on the embedded default), keys, logs."""
    texts = []
    for path in Path(settings.VAR_DIR).rglob("*"):
        if path.is_file() and path.stat().st_size < 200 * 1024 * 1024:
            texts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(texts)


def test_the_seeds_are_what_the_redaction_must_hide():
    assert len(SEEDS) >= 11 and len(set(VALUES)) == len(VALUES)
    assert leaks(SEEDED_LOG) == VALUES  # each seed is in the log as it is served


def test_no_seeded_secret_is_seen_anywhere(cluster, llm, notices, capfd, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    seen: dict[str, str] = {}
    viewer, reader = make_user("viewer"), make_user("reader", "remediation.view_steprun")

    # A playbook step (a one-step run a person asked for) calls get_pod_logs: its output is stored and announced.
    with django_capture_on_commit_callbacks(execute=True):
        run = request_action(user=reader, server="kubernetes", tool="get_pod_logs", arguments=LOGS, via="web",
                             cluster=cluster)
        assert drive_run(run) == [StepRun.Status.SUCCEEDED]
    step = run.step_runs.get()
    assert "connection refused" in step.output  # the log was read
    seen["step output"] = step.output + step.error + json.dumps(step.log_lines)

    # The root-cause analysis of the workload's incident, with the LLM path.
    incident = Incident.objects.create(fingerprint="s" * 40, group_key="s" * 40, title="CrashLoop: shop/checkout",
                                       cluster=cluster, namespace="shop", object_kind="Deployment",
                                       object_name="checkout")
    run.incident = incident
    run.save(update_fields=["incident"])
    llm.script = [{"content": json.dumps(RCA_ANSWER)}]
    with django_capture_on_commit_callbacks(execute=True):
        report = run_root_cause_analysis(incident.pk)
    assert report.engine == "llm"
    seen["RCA report"] = json.dumps(report.report)

    # Chat: the model calls the log tool; a person asks for the logs with /k8s.
    ChatIdentity.objects.create(user=reader, telegram_user_id=77)
    llm.script = [{"tool": "get_pod_logs", "arguments": LOGS}, {"content": "checkout cannot reach its database."}]
    with django_capture_on_commit_callbacks(execute=True):
        replies = handle_message(IncomingMessage("77", "telegram", "why does checkout crash?", {"chat_id": 77}))
        pod = read(Path(cluster.kubeconfig_path), "/api/v1/namespaces/shop/pods")["items"][0]["metadata"]["name"]
        replies += handle_message(IncomingMessage("77", "telegram", f"/k8s logs {pod} shop", {"chat_id": 77}))
    seen["chat replies"] = "\n".join(reply.text for reply in replies)
    assert "connection refused" in replies[-1].text  # /k8s logs showed the log
    tool_messages = [m["content"] for r in llm.requests for m in r["messages"] if m["role"] == "tool"]
    assert tool_messages and "connection refused" in tool_messages[0]  # the model was given the log
    seen["LLM requests"] = json.dumps(llm.requests)

    # /mcp with an API token, with and without the permission to read step output.
    for user in (viewer, reader):
        seen[f"/mcp get_incident ({user.username})"] = mcp_get_incident(Token.objects.create(user=user).key,
                                                                         incident.pk)

    # The console and the API, for a user without permissions and for one who may read step output.
    for user in (viewer, reader):
        client = Client()
        client.force_login(user)
        for url in ("/console/", "/console/panels/", f"/console/incidents/{incident.pk}/",
                    f"/console/incidents/{incident.pk}/panel/", f"/api/v1/incidents/{incident.pk}/",
                    "/api/v1/incidents/", "/api/v1/events/", "/api/v1/approvals/"):
            answer = client.get(url)
            assert answer.status_code == 200, url
            seen[f"{url} ({user.username})"] = answer.content.decode()

    seen["notices"] = "\n".join(notices)
    out, err = capfd.readouterr()
    seen["logs"] = out + err + caplog.text + "\n".join(str(r.msg) + str(r.args) for r in caplog.records)
    seen["database"] = database_text()
    seen["files under var/"] = var_files_text()

    leaked = {place: leaks(text) for place, text in seen.items() if leaks(text)}
    distinct = {value for values in leaked.values() for value in values}
    counts = json.dumps({place: len(values) for place, values in leaked.items()})
    assert leaked == {}, (f"{len(distinct)} of {len(VALUES)} seeds leaked, {sum(map(len, leaked.values()))} times "
                          f"in {len(leaked)} of {len(seen)} places: {counts}")
    assert len(seen) == 26
