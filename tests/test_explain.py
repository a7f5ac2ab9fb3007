"""Root-cause analysis of real incidents: context read from the simulated cluster, the report stored, on
the timeline, in chat and the console; triggered by a rule, a person (console, chat) or the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from incidents.explain import gather_context, run_root_cause_analysis
from incidents.models import AuditEntry, Cluster, Incident, RootCauseReport
from incidents.services import poll_cluster
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "rca", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2",
                                                                                       "ready": False}],
            "deployments": [
                {"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2", "state": "crashloop",
                 "logs": "INFO connecting to orders-db.shop.svc:5432\nTraceback (most recent call last):\n"
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
    assert kinds == ["Node", "Pod"]
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
