"""Playbooks a person starts (console, API, chat, manage.py run_playbook), and notify-only mode
(AUTO_REMEDIATION_ENABLED=false): one service behind every path, the same approvals, nothing started on bad input.

The shipped playbooks are loaded; the workload paths ask the simulated cluster (one process for the module)
through the bundled Kubernetes MCP server. Tasks are called in order, as a worker would (`drive_run`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chat.handler import handle_message
from chat.messages import IncomingMessage
from chat.models import ChatIdentity
from incidents.models import AuditEntry, Cluster, EventStatus, Incident, Signal
from incidents.routing import route_event
from remediation.definitions import load_definitions
from remediation.models import Approval, Playbook, PlaybookRun, StepRun
from tests.factories import drive_run, make_event, make_rule, make_user
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "manual", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop", "on_restart": "healthy", "logs": "panic: boom\n"}]}
START = "remediation.start_playbook"
LABELS = {"pod": "checkout-abc", "workload_kind": "Deployment", "workload_name": "checkout", "node": "sim-node-1"}


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with simulated_cluster(tmp_path_factory.mktemp("manual"), SCENARIO) as path:
        yield path


@pytest.fixture
def playbooks(tmp_path: Path) -> None:
    load_definitions(settings.DEFAULT_PLAYBOOKS_DIR, tmp_path)  # the shipped playbooks, no rules


@pytest.fixture
def cluster(kubeconfig: Path, playbooks: None) -> Cluster:
    return Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))


def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_person_starts_a_playbook_for_a_workload_by_api_and_changes_wait_for_approval(cluster: Cluster) -> None:
    ops = make_user("ops", START)
    response = api(ops).post("/api/v1/playbook-runs", {"playbook": "crashloop-remediation", "namespace": "shop",
                                                       "workload": "Deployment/checkout"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requested_by"] == "ops" and body["cluster"] == "sim" and body["incident"] is None
    assert body["auto_remediation_enabled"] is True
    logs, _, restart = body["steps"]
    # Rendered by the playbook's own templates from the workload: its current (failing) pod, and the workload.
    assert logs["arguments"]["namespace"] == "shop" and logs["arguments"]["name"].startswith("checkout-")
    assert logs["arguments"]["workload"] == "Deployment/checkout"
    assert restart["arguments"] == {"namespace": "shop", "name": "checkout"} and restart["risk"] == "MEDIUM"
    started = AuditEntry.objects.get(action="playbook.started")
    assert started.actor == ops and started.via == "api" and "Deployment shop/checkout" in started.message

    run = PlaybookRun.objects.get(pk=body["id"])
    assert drive_run(run) == ["succeeded", "succeeded", "waiting_approval"]  # LOW at once, the restart waits
    assert "panic: boom" in run.step_runs.get(order=1).output
    approval = Approval.objects.get(step_run__run=run)
    assert api(ops).post(f"/api/v1/approvals/{approval.pk}/approve").status_code == 403  # starting is not approving
    assert api(make_user("oncall", "remediation.approve_medium")).post(
        f"/api/v1/approvals/{approval.pk}/approve").status_code == 200
    assert drive_run(run) == ["succeeded", "succeeded", "succeeded"]
    assert api(ops).get(f"/api/v1/playbook-runs/{run.pk}").json()["status"] == "succeeded"


@pytest.mark.once
def test_bad_starts_by_api_say_why_and_start_nothing(cluster: Cluster) -> None:
    ops = api(make_user("ops", START))
    start = {"playbook": "crashloop-remediation", "namespace": "shop", "workload": "checkout"}

    missing = ops.post("/api/v1/playbook-runs", {**start, "workload": "nope"}, format="json")
    assert missing.status_code == 404
    assert missing.json()["detail"] == ("There is no Deployment shop/nope in cluster sim. Nothing was started.")
    unknown = ops.post("/api/v1/playbook-runs", {**start, "playbook": "restart-everything"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_playbook"
    assert "crashloop-remediation" in unknown.json()["known"] and "known playbooks" in unknown.json()["detail"].lower()
    assert ops.post("/api/v1/playbook-runs", {**start, "cluster": "elsewhere"}, format="json").json()["known"] == \
        ["sim"]
    assert ops.post("/api/v1/playbook-runs", {**start, "workload": "CronJob/x"}, format="json").status_code == 400
    assert ops.post("/api/v1/playbook-runs", {**start, "namespace": ""}, format="json").status_code == 400
    both = ops.post("/api/v1/playbook-runs", {**start, "incident": 1}, format="json")
    assert both.status_code == 400 and "either incident" in str(both.json())
    assert ops.post("/api/v1/playbook-runs", {"playbook": "crashloop-remediation", "incident": 99},
                    format="json").status_code == 404
    # node-not-ready names a node: for a Deployment it fills in the node its pod runs on; for a node, that node.
    # A playbook whose templates the target cannot fill is refused before anything is made.
    unfit = ops.post("/api/v1/playbook-runs", {**start, "playbook": "crashloop-remediation",
                                               "workload": "Node/sim-node-1", "namespace": ""}, format="json")
    assert unfit.status_code == 400 and "cannot be filled in" in unfit.json()["detail"]
    refused = api(make_user("viewer")).post("/api/v1/playbook-runs", start, format="json")
    assert refused.status_code == 403 and START in refused.json()["detail"]
    assert not PlaybookRun.objects.exists()
    assert AuditEntry.objects.filter(action="playbook.start_refused", actor__username="viewer").exists()


@pytest.mark.once
def test_manage_py_run_playbook_starts_as_the_user_or_exits_with_the_reason(cluster: Cluster, capsys: Any) -> None:
    make_user("ops", START)
    make_user("viewer")
    call_command("run_playbook", "node-not-ready", "--workload", "node/sim-node-1", "--user", "ops")
    out = capsys.readouterr().out
    assert "of playbook node-not-ready started" in out and "cordon_node {'name': 'sim-node-1'} (HIGH, waits" in out
    run = PlaybookRun.objects.get()
    assert run.requested_by.username == "ops" and run.cluster == cluster
    for argv, reason in [
        (["crashloop-remediation", "--namespace", "shop", "--workload", "Deployment/nope", "--user", "ops"],
         "There is no Deployment shop/nope"),
        (["nope", "--namespace", "shop", "--workload", "checkout", "--user", "ops"], "Known playbooks: "),
        (["crashloop-remediation", "--namespace", "shop", "--workload", "checkout", "--user", "viewer"], START),
        (["crashloop-remediation", "--namespace", "shop", "--workload", "checkout", "--user", "ghost"], "no user"),
        (["crashloop-remediation", "--user", "ops"], "--workload (with --namespace) or --incident"),
    ]:
        with pytest.raises(CommandError, match=re.escape(reason)):
            call_command("run_playbook", *argv)
    assert PlaybookRun.objects.count() == 1


@pytest.mark.once
def test_chat_lists_and_starts_playbooks_for_linked_people_allowed_to(cluster: Cluster) -> None:
    ChatIdentity.objects.create(user=make_user("ops", START), telegram_user_id=4001)
    ChatIdentity.objects.create(user=make_user("viewer"), telegram_user_id=4002)

    def say(user_id: int, text: str) -> str:
        replies = handle_message(IncomingMessage(user_id=str(user_id), channel_type="telegram", text=text,
                                                 metadata={"chat_id": str(user_id)}))
        return "\n".join(reply.text for reply in replies)

    assert "crashloop-remediation" in say(4001, "/playbook list") and "/playbook run" in say(4001, "/help")
    started = say(4001, "/playbook run crashloop-remediation shop/checkout")
    assert "started" in started and "rollout_restart" in started and "MEDIUM, waits for an approval" in started
    run = PlaybookRun.objects.get()
    assert run.reply_to == {"channel_type": "telegram", "conversation_id": "4001"}
    assert run.requested_by.username == "ops"
    assert "There is no Deployment shop/nope" in say(4001, "/playbook run crashloop-remediation shop/nope")
    assert "Known playbooks: " in say(4001, "/playbook run fix-it shop/checkout")
    assert START in say(4002, "/playbook run crashloop-remediation shop/checkout")
    assert "/playbook list" in say(4001, "/playbook run crashloop-remediation")
    assert "not linked" in say(4999, "/playbook list")
    assert PlaybookRun.objects.count() == 1


@pytest.mark.once
def test_the_console_starts_a_playbook_for_a_workload(cluster: Cluster) -> None:
    client = Client()
    client.force_login(make_user("viewer"))
    assert "Start a playbook" not in client.get("/console/").content.decode()
    assert client.post("/console/playbooks/start/", {"playbook": "crashloop-remediation", "namespace": "shop",
                                                     "name": "checkout"}).status_code == 403
    client.force_login(make_user("ops", START))
    form = client.get("/console/playbooks/start/").content.decode()
    assert 'id="start-workload"' in form and "crashloop-remediation" in form
    missing = client.post("/console/playbooks/start/", {"playbook": "crashloop-remediation", "cluster": "sim",
                                                        "namespace": "shop", "kind": "Deployment", "name": "nope"})
    assert missing.status_code == 404 and "There is no Deployment shop/nope" in missing.content.decode()
    assert not PlaybookRun.objects.exists()
    started = client.post("/console/playbooks/start/", {"playbook": "crashloop-remediation", "cluster": "sim",
                                                        "namespace": "shop", "kind": "Deployment", "name": "checkout"},
                          follow=True)
    page = started.content.decode()
    assert "of playbook crashloop-remediation started" in page and "started by ops" in page
    assert PlaybookRun.objects.get().requested_by.username == "ops"


def test_notify_only_rules_start_nothing_and_a_person_starts_the_suggested_playbook(cluster: Cluster,
                                                                                   settings: Any) -> None:
    settings.AUTO_REMEDIATION_ENABLED = False
    make_rule("crashloop", playbook=Playbook.objects.get(name="crashloop-remediation"), notify=True)
    event = make_event(cluster, labels=LABELS)
    Signal.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, source=event.source,
                          status=EventStatus.FIRING)
    route_event(event)
    event.refresh_from_db()
    route_event(event)  # it matches again (e.g. escalated): still one suggestion
    assert not PlaybookRun.objects.exists()  # the incident is open and people are told, but nothing runs
    incident = Incident.objects.get()
    suggested = AuditEntry.objects.get(action="playbook.suggested")  # once, however often the rule matches
    assert suggested.incident == incident and "/playbook run crashloop-remediation" in suggested.message

    client = Client()
    client.force_login(make_user("viewer"))
    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert "Notify-only: automatic remediation is off (AUTO_REMEDIATION_ENABLED=false)" in page
    assert 'id="suggested-playbook"' in page and 'id="start-suggested"' not in page
    assert client.post(f"/console/incidents/{incident.pk}/start-playbook/",
                       {"playbook": "crashloop-remediation"}).status_code == 302
    assert not PlaybookRun.objects.exists()
    client.force_login(make_user("ops", START))
    assert 'id="start-suggested"' in client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert client.post(f"/console/incidents/{incident.pk}/start-playbook/",
                       {"playbook": "crashloop-remediation"}).status_code == 302
    run = PlaybookRun.objects.get()
    assert run.incident == incident and run.trigger_event is not None and run.requested_by.username == "ops"
    assert run.step_runs.get(order=1).arguments["name"] == "checkout-abc"
    # Nothing runs without a person: the first (LOW) step waits for an approval too.
    assert drive_run(run) == ["waiting_approval", "pending", "pending"]
    approval = Approval.objects.get(step_run__run=run)
    assert api(make_user("oncall", "remediation.approve_medium")).post(
        f"/api/v1/approvals/{approval.pk}/approve").status_code == 200
    assert run.step_runs.get(order=1).status == StepRun.Status.QUEUED
    # Approved, it runs (on the workload's current pod: checkout-abc is gone); the next LOW step waits in turn.
    assert drive_run(run) == ["succeeded", "waiting_approval", "pending"]
    assert "the current pod of Deployment checkout" in run.step_runs.get(order=1).output
    again = api(make_user("ops2", START)).post("/api/v1/playbook-runs", {"playbook": "crashloop-remediation",
                                                                         "incident": incident.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "busy"
    mode = api(make_user("reader")).get("/api/v1/remediation/settings").json()
    assert mode["auto_remediation_enabled"] is False and mode["mode"] == "notify_only"
