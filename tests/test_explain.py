"""Root-cause analysis of real incidents: context read from the simulated cluster, the report stored, on
the timeline, in chat and the console; triggered by a rule, a person (console, chat) or the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from incidents.detection import poll_cluster
from incidents.explain import gather_context, run_root_cause_analysis
from incidents.models import AuditEntry, Cluster, Incident, RootCauseReport
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "rca", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2",
                                                                                       "ready": False}],
            "deployments": [
                {"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2", "state": "crashloop",
                 "logs": "INFO DATABASE_PASSWORD=hunter2 (from env)\n"
                         "INFO connecting to orders-db.shop.svc:5432\nTraceback (most recent call last):\n"
                         "  File \"/app/db.py\", line 57, in connect\n"
                         "ConnectionRefusedError: [Errno 111] Connection refused\n"},
                {"name": "reports", "namespace": "shop", "image": "shop/reports:2.0", "state": "oomkilled"},
                {"name": "search", "namespace": "shop", "image": "shop/search:9.9.9-typo", "state": "imagepull"}]}


@pytest.fixture
def incidents(tmp_path: Path, monkeypatch, django_capture_on_commit_callbacks) -> Iterator[dict[str, Incident]]:
    from celery.app.task import Task

    from incidents import tasks

    queued: list[int] = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=(), kwargs=None, **options: None)
    monkeypatch.setattr(tasks.run_rca, "delay", queued.append)
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        call_command("load_defaults")
        cluster = Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        with django_capture_on_commit_callbacks(execute=True):
            poll_cluster(cluster.pk)
        by_name = {i.object_name: i for i in Incident.objects.filter(cluster=cluster)}
        # The default rules with run_rca: the crash loop, the OOM kill and the image pull (not the node).
        assert sorted(queued) == sorted(by_name[n].pk for n in ("checkout", "reports", "search"))
        yield by_name


def test_each_incident_gets_the_right_root_cause_from_the_cluster(incidents):
    expected = {"checkout": "dependency_unreachable", "reports": "oom_killed", "search": "image_pull_error",
                "sim-node-2": "node_failure"}
    found = {name: run_root_cause_analysis(incidents[name].pk).category for name in expected}
    assert found == expected
    checkout = RootCauseReport.objects.filter(incident=incidents["checkout"]).get()
    assert "orders-db.shop.svc:5432" in json.dumps(checkout.report) or "Connection refused" in json.dumps(
        checkout.report)
    assert AuditEntry.objects.filter(action="rca.completed").count() == 4


def test_the_context_is_the_workloads_pods_events_logs_and_node(incidents):
    objects, events, logs = gather_context(incidents["checkout"])
    kinds = sorted({o["kind"] for o in objects})
    assert kinds == ["Deployment", "Node", "Pod", "ReplicaSet"]  # the owner and its revisions too
    assert all(o["metadata"]["name"].startswith("checkout-") for o in objects if o["kind"] == "Pod")
    assert events and all(e["involvedObject"]["name"].startswith("checkout") for e in events)
    assert any("Connection refused" in text for text in logs.values())


def test_people_ask_for_it_from_chat_the_console_and_the_cli(incidents, client, admin_user):
    from chat.handler import handle_message
    from chat.messages import IncomingMessage
    from chat.models import ChatIdentity

    incident = incidents["reports"]
    ChatIdentity.objects.create(user=admin_user, telegram_user_id=5)
    [reply] = handle_message(IncomingMessage("5", "telegram", f"/rca {incident.pk}", {"chat_id": 5}))
    assert reply.text.startswith(f"Root cause of #{incident.pk}: oom_killed")

    out = StringIO()
    call_command("rca", str(incident.pk), stdout=out)
    assert json.loads(out.getvalue())["category"] == "oom_killed"

    client.force_login(admin_user)
    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert 'id="rca-summary"' in page and "oom_killed" in page
    assert client.post(f"/console/incidents/{incident.pk}/rca/").status_code == 302


GOOD = {"summary": "checkout cannot reach its database orders-db, so it exits at start-up.",
        "root_cause": "orders-db.shop.svc:5432 refuses connections", "category": "dependency_unreachable",
        "confidence": 0.8, "evidence": ["ConnectionRefusedError: [Errno 111] Connection refused"],
        "recommended_actions": [{"action": "look at the database pods", "tool": "kubernetes.list_pods"},
                                {"action": "restart once the database is back", "playbook": "crashloop-remediation"}],
        "affected_resources": ["Deployment/shop/checkout"],
        "hypotheses": [{"category": "application_crash", "confidence": 0.2, "summary": "a bug at start-up"}]}


@pytest.fixture
def llm(settings, monkeypatch):
    from tests.llmapi import openai_compatible_server

    with openai_compatible_server() as api:
        monkeypatch.setenv("OPENAI_BASE_URL", api.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        settings.LLM_MODEL, settings.LLM_TIMEOUT_SECONDS = "tiny", 5
        yield api


def test_the_llm_answers_in_the_schema_without_seeing_secrets(incidents, llm):
    llm.script = [{"content": json.dumps(GOOD)}]
    stored = run_root_cause_analysis(incidents["checkout"].pk)
    assert stored.engine == "llm" and stored.category == "dependency_unreachable"
    assert stored.report["recommended_actions"][1] == ("restart once the database is back "
                                                       "(playbook crashloop-remediation)")
    [request] = llm.requests
    assert request["response_format"]["type"] == "json_schema"
    prompt = request["messages"][-1]["content"]
    assert "Connection refused" in prompt and "hunter2" not in prompt


def test_an_invalid_answer_is_retried_once_then_the_deterministic_engine_answers(incidents, llm):
    bad = {**GOOD, "recommended_actions": [{"action": "reboot the cluster", "playbook": "reboot-everything"}]}
    llm.script = [{"content": json.dumps(bad)}, {"content": json.dumps(GOOD)}]
    assert run_root_cause_analysis(incidents["checkout"].pk).engine == "llm"
    assert "unknown playbook 'reboot-everything'" in llm.requests[1]["messages"][-1]["content"]

    llm.script = [{"content": "the database, probably"}, {"content": json.dumps({**GOOD, "category": "gremlins"})}]
    fallback = run_root_cause_analysis(incidents["checkout"].pk)
    assert fallback.engine == "deterministic" and fallback.category == "dependency_unreachable"
    assert "the LLM's answer was invalid twice" in fallback.summary


def test_names_can_be_hidden_from_the_llm_and_put_back_in_the_report(incidents, llm, settings):
    settings.RCA_ANONYMISE = True
    pod = Incident.objects.get(pk=incidents["checkout"].pk)
    llm.script = [{"content": json.dumps({**GOOD, "affected_resources": ["obj-1"]})}]
    stored = run_root_cause_analysis(pod.pk)
    prompt = llm.requests[0]["messages"][-1]["content"]
    assert "checkout-" not in prompt and "obj-1" in prompt
    assert stored.report["affected_resources"][0].startswith("checkout-")
