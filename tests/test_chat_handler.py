"""The one chat message handler, platform-neutral: reads through the tool policy on the simulated cluster,
changes only through approvals, decisions only for linked users with the permission."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.handler import handle_message
from chat.messages import IncomingMessage, Reply
from chat.models import ChatIdentity
from incidents.models import AuditEntry, Cluster, Incident, RootCauseReport
from remediation.models import Approval, StepRun
from tests.factories import make_user
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "chat", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop", "logs": "panic: cannot reach orders-db:5432\n"}]}


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """The simulated cluster, registered: only for the tests that read or change it (a process each)."""
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        yield Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))


def linked(username: str, telegram_id: int, *perms: str) -> str:
    ChatIdentity.objects.create(user=make_user(username, *perms), telegram_user_id=telegram_id)
    return str(telegram_id)


def say(user_id: str, text: str) -> list[Reply]:
    return handle_message(IncomingMessage(user_id=user_id, channel_type="telegram", text=text,
                                          metadata={"chat_id": user_id}))


def one(replies: list[Reply]) -> Reply:
    assert len(replies) == 1, replies
    return replies[0]


def test_an_unlinked_chat_user_can_read_nothing_and_decide_nothing():
    for text in ("/k8s pods shop", "pods in shop", "approve 1", "yes"):
        assert "not linked to a user" in one(say("555", text)).text
    assert "/k8s pods" in one(say("555", "/help")).text


def test_pods_logs_and_details_follow_the_conversation(cluster):
    alice = linked("alice", 1001)
    pods = one(say(alice, "/k8s pods shop"))
    assert pods.monospace and "checkout-" in pods.text and "CrashLoopBackOff" in pods.text
    # "show details" repeats the last question in the namespace the conversation is about.
    assert "checkout-" in one(say(alice, "show details")).text
    pod = pods.text.split()[0]
    assert "cannot reach orders-db:5432" in one(say(alice, f"logs of {pod}")).text
    assert "sim-node-1" in one(say(alice, "!k8s nodes")).text
    assert AuditEntry.objects.filter(action="tool.refused").count() == 0


def test_a_restart_asked_in_chat_waits_for_someone_allowed_to_approve_it(cluster):
    viewer = linked("viewer", 1002)
    oncall = linked("oncall", 1003, "remediation.approve_medium")

    card = one(say(viewer, "!k8s restart checkout shop"))
    approval = Approval.objects.get()
    assert f"Approval #{approval.pk}: MEDIUM step" in card.text and "kubernetes.rollout_restart" in card.text
    assert [b.value for b in card.buttons] == [f"approve:{approval.pk}", f"reject:{approval.pk}"]
    assert approval.step_run.run.requested_by.username == "viewer"

    refused = one(say(viewer, f"approve {approval.pk}"))
    assert "not allowed to decide MEDIUM-risk steps" in refused.text
    assert one(say(oncall, "/approval list")).buttons  # shown to the on-call, who then just says yes
    approved = one(say(oncall, "yes restart is in the runbook"))
    assert f"Approval #{approval.pk}" in approved.text and "approved" in approved.text
    approval.refresh_from_db()
    assert approval.status == "approved" and approval.decided_via == "telegram"
    assert approval.reason == "restart is in the runbook"
    assert StepRun.objects.get().status == StepRun.Status.QUEUED


def test_wrong_ids_unknown_commands_and_refused_tools_get_clear_answers():
    alice = linked("alice", 1001, "remediation.approve_medium")
    assert "There is no approval #999" in one(say(alice, "approve 999")).text
    assert "Which approval?" in one(say(alice, "reject")).text
    assert "I do not know /frobnicate" in one(say(alice, "/frobnicate")).text
    for internal in ("/decide 1", "/chat hello", "/security", "!decide"):  # the parser's own kinds, not commands
        assert "I do not know /" in one(say(alice, internal)).text
    assert "/k8s scale needs more" in one(say(alice, "/k8s scale checkout")).text
    # The bundled security server only probes allowed targets (by default the cluster's *.svc names).
    assert "is not an allowed target" in one(say(alice, "check ports 22,80 on 10.9.8.7")).text


def test_incidents_and_status():
    alice = linked("alice", 1001)
    incident = Incident.objects.create(fingerprint="f" * 40, group_key="g", title="CrashLoopBackOff: shop/checkout",
                                       severity="critical")
    assert f"#{incident.pk} [critical] CrashLoopBackOff: shop/checkout" in one(say(alice, "/incident list")).text
    assert "CrashLoopBackOff: shop/checkout" in one(say(alice, f"/incident show {incident.pk}")).text
    assert "Open incidents: 1" in one(say(alice, "/status")).text


def test_a_one_time_code_from_the_console_links_a_chat_account(client, cluster):
    import re as regex

    user = make_user("bea", "remediation.approve_medium")
    client.force_login(user)
    page = client.post("/console/chat-link/").content.decode()
    code = regex.search(r"/link ([0-9A-F]{8})", page).group(1)

    assert "Linked: this telegram account acts as bea" in one(say("9001", f"/link {code.lower()}")).text
    assert ChatIdentity.objects.get(user=user).telegram_user_id == 9001
    assert "unknown, used or expired" in one(say("9002", f"/link {code}")).text  # once only
    assert "checkout-" in one(say("9001", "/k8s pods shop")).text
    assert AuditEntry.objects.filter(action="chat.linked").count() == 1


def test_oversized_messages_are_cut_with_a_note_and_floods_are_slowed(settings):
    alice = linked("alice", 1001)
    note, answer = say(alice, "/help " + "x" * 5000)
    assert "I read the first 4000" in note.text and "/k8s pods" in answer.text
    settings.CHAT_RATE_PER_MINUTE = 3
    replies = [one(say(alice, "/status")).text for _ in range(3)]
    assert "messages in a minute" in replies[-1]


def test_closing_an_incident_by_hand_needs_the_permission_and_reaches_the_consoles(
        monkeypatch, django_capture_on_commit_callbacks):
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr("aiops_project.live._send", sent.append)
    viewer, lead = linked("viewer", 1002), linked("lead", 1004, "incidents.change_incident")
    incident = Incident.objects.create(fingerprint="e" * 40, group_key="g", title="false alarm")
    assert "not allowed to close" in one(say(viewer, f"/incident close {incident.pk}")).text
    with django_capture_on_commit_callbacks(execute=True):
        assert f"Incident #{incident.pk} closed" in one(say(lead, f"/incident close {incident.pk} flaky probe")).text
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_at is not None
    entry = AuditEntry.objects.get(action="incident.closed")
    assert entry.message.endswith("flaky probe") and entry.actor.username == "lead" and entry.via == "telegram"
    assert {"topic": "incident", "id": incident.pk} in sent  # open consoles re-render it
    assert "resolved already" in one(say(lead, f"/incident close {incident.pk}")).text
    assert AuditEntry.objects.filter(action="incident.closed").count() == 1


def test_acknowledging_an_incident_says_who_is_on_it(monkeypatch, django_capture_on_commit_callbacks):
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr("aiops_project.live._send", sent.append)
    viewer, lead = linked("viewer", 1002), linked("lead", 1004, "incidents.change_incident")
    incident = Incident.objects.create(fingerprint="e" * 40, group_key="g", title="OOMKilled: shop/checkout")
    assert "not allowed to acknowledge" in one(say(viewer, f"/incident ack {incident.pk}")).text
    with django_capture_on_commit_callbacks(execute=True):
        assert "acknowledged: you are on it" in one(say(lead, f"/incident ack {incident.pk}")).text
    incident.refresh_from_db()
    assert incident.status == "acknowledged" and incident.acknowledged_by.username == "lead"
    assert [(e.action, e.actor_label, e.via) for e in incident.timeline()] == [
        ("incident.acknowledged", "lead", "telegram")]
    assert {"topic": "incident", "id": incident.pk} in sent
    assert "only an open incident" in one(say(lead, f"/incident ack {incident.pk}")).text


def test_an_rca_asked_in_chat_is_queued_and_its_result_comes_back_to_that_chat(
        cluster, monkeypatch, django_capture_on_commit_callbacks):
    from chat import tasks as chat_tasks
    from incidents import tasks as incident_tasks

    queued: list[tuple[Any, ...]] = []
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(incident_tasks.run_rca, "apply_async",
                        lambda args=(), kwargs=None, **options: queued.append((tuple(args), kwargs or {})))
    monkeypatch.setattr(chat_tasks.send_notification, "apply_async",
                        lambda args=(), kwargs=None, **options: sent.append(tuple(args)))
    alice = linked("alice", 1001)
    incident = Incident.objects.create(fingerprint="d" * 40, group_key="g", title="CrashLoopBackOff: shop/checkout",
                                       cluster=cluster, namespace="shop", object_kind="Deployment",
                                       object_name="checkout")
    with django_capture_on_commit_callbacks(execute=True):
        reply = one(say(alice, f"/rca {incident.pk}"))
    assert reply.text == f"RCA for incident #{incident.pk} started; the result will be posted here."
    assert not RootCauseReport.objects.exists()  # nothing analysed while the person waits
    [(args, kwargs)] = queued
    json.dumps([args, kwargs])  # what goes on the queue is plain data

    with django_capture_on_commit_callbacks(execute=True):
        incident_tasks.run_rca(*args, **kwargs)  # the worker
    [(channel_type, conversation_id, text, _)] = sent
    assert (channel_type, conversation_id) == ("telegram", alice)
    assert text.startswith(f"Root cause of incident #{incident.pk}")
    entry = AuditEntry.objects.get(action="rca.completed")
    assert entry.actor.username == "alice" and entry.via == "telegram"
