"""Approvals by API: token auth, the one permission helper, races and closed approvals refused."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.models import AuditEntry
from remediation.models import Approval, Risk, StepRun
from tests.factories import make_pending_approval, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/approvals/"


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def oncall() -> APIClient:
    return client_for(make_user("oncall", "remediation.approve_medium"))


def test_approving_by_api_queues_the_step_and_audits_the_reason(oncall, django_capture_on_commit_callbacks):
    approval = make_pending_approval(Risk.MEDIUM)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = oncall.post(f"{URL}{approval.pk}/approve", {"reason": "checked the logs"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["decided_by"], body["decided_via"], body["reason"]) == (
        "approved", "oncall", "api", "checked the logs")
    assert (body["tool"], body["arguments"], body["risk"]) == ("rollout_restart",
                                                              {"namespace": "shop", "name": "checkout"}, "MEDIUM")
    assert StepRun.objects.get(pk=approval.step_run_id).status == StepRun.Status.QUEUED
    entry = AuditEntry.objects.get(action="approval.approved")
    assert entry.via == "api" and entry.actor_label == "oncall" and "checked the logs" in entry.message
    assert callbacks  # the step task is enqueued after commit


def test_rejecting_by_api_needs_no_body(oncall):
    approval = make_pending_approval(Risk.MEDIUM)
    response = oncall.post(f"{URL}{approval.pk}/reject")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert StepRun.objects.get(pk=approval.step_run_id).status == StepRun.Status.REJECTED


def test_a_user_without_the_permission_for_that_risk_gets_403_and_nothing_changes(oncall):
    approval = make_pending_approval(Risk.HIGH)
    response = oncall.post(f"{URL}{approval.pk}/approve", {"reason": "go"}, format="json")
    assert response.status_code == 403
    assert "approve_high" in response.json()["detail"]
    approval.refresh_from_db()
    assert approval.status == Approval.Status.PENDING and not AuditEntry.objects.filter(action__startswith="approval.")


def test_a_decided_or_expired_approval_is_a_409_and_nothing_changes(oncall):
    decided = make_pending_approval(Risk.MEDIUM)
    assert oncall.post(f"{URL}{decided.pk}/approve").status_code == 200
    again = oncall.post(f"{URL}{decided.pk}/reject", {"reason": "changed my mind"}, format="json")
    assert again.status_code == 409 and "already approved" in again.json()["detail"]
    expired = make_pending_approval(Risk.MEDIUM, expires_in=timedelta(seconds=-1))
    late = oncall.post(f"{URL}{expired.pk}/approve")
    assert late.status_code == 409 and "expired" in late.json()["detail"]
    assert StepRun.objects.get(pk=expired.step_run_id).status == StepRun.Status.WAITING_APPROVAL


@pytest.mark.parametrize(("path", "detail"), [
    ("999999/approve", "No Approval matches"),
    ("abc/approve", "positive integer"),
    ("-1/approve", "positive integer"),
])
def test_an_unknown_or_malformed_id_is_a_404_with_a_reason(oncall, path, detail):
    response = oncall.post(f"{URL}{path}")
    assert response.status_code == 404 and detail in response.json()["detail"]


def test_a_reason_that_is_not_text_is_a_400(oncall):
    approval = make_pending_approval(Risk.MEDIUM)
    response = oncall.post(f"{URL}{approval.pk}/approve", {"reason": {"nested": 1}}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = oncall.post(f"{URL}{approval.pk}/approve", {"reason": "x" * 1001}, format="json")
    assert response.status_code == 400
    assert Approval.objects.get(pk=approval.pk).status == Approval.Status.PENDING


def test_without_credentials_it_is_401():
    approval = make_pending_approval(Risk.MEDIUM)
    assert APIClient().post(f"{URL}{approval.pk}/approve").status_code == 401
    assert APIClient().get(URL).status_code == 401


def test_the_list_shows_what_each_approval_will_do_and_whether_you_may_decide_it(oncall):
    medium, high = make_pending_approval(Risk.MEDIUM), make_pending_approval(Risk.HIGH)
    body = oncall.get(URL, {"status": "pending"}).json()
    rows = {row["id"]: row for row in (body["results"] if isinstance(body, dict) else body)}
    assert rows[medium.pk]["may_decide"] and not rows[high.pk]["may_decide"]
    assert rows[high.pk]["risk"] == "HIGH" and rows[high.pk]["expires_at"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_run_the_step_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (run in .ci/run's second pass)")
    approval = make_pending_approval(Risk.MEDIUM)
    clients = [client_for(make_user(f"oncall{i}", "remediation.approve_medium")) for i in range(2)]
    barrier, codes = threading.Barrier(2), []

    def approve(client: APIClient) -> None:
        try:
            barrier.wait()
            codes.append(client.post(f"{URL}{approval.pk}/approve").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    assert AuditEntry.objects.filter(action="approval.approved").count() == 1


def test_with_the_two_person_rule_a_high_step_needs_two_different_approvers(settings):
    settings.TWO_PERSON_HIGH = True
    approval = make_pending_approval(Risk.HIGH)
    first = client_for(make_user("lead1", "remediation.approve_high"))
    second = client_for(make_user("lead2", "remediation.approve_high"))

    response = first.post(f"{URL}{approval.pk}/approve", {"reason": "looks right"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert StepRun.objects.get(pk=approval.step_run_id).status == StepRun.Status.WAITING_APPROVAL
    assert AuditEntry.objects.filter(action="approval.first_approval", actor_label="lead1").exists()

    again = first.post(f"{URL}{approval.pk}/approve")
    assert again.status_code == 403 and "second person" in again.json()["detail"]

    done = second.post(f"{URL}{approval.pk}/approve")
    assert done.status_code == 200 and done.json()["status"] == "approved" and done.json()["decided_by"] == "lead2"
    assert StepRun.objects.get(pk=approval.step_run_id).status == StepRun.Status.QUEUED


def test_with_the_two_person_rule_one_person_may_still_reject_and_medium_needs_one(settings, oncall):
    settings.TWO_PERSON_HIGH = True
    high = make_pending_approval(Risk.HIGH)
    lead = client_for(make_user("lead", "remediation.approve_high"))
    assert lead.post(f"{URL}{high.pk}/reject", {"reason": "no"}, format="json").json()["status"] == "rejected"
    medium = make_pending_approval(Risk.MEDIUM)
    assert oncall.post(f"{URL}{medium.pk}/approve").json()["status"] == "approved"


def test_an_approval_outside_the_deciders_scope_is_refused_with_the_reason(django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    from incidents.models import Cluster
    from remediation.models import ApproverScope

    approval = make_pending_approval()  # namespace shop (from the step's arguments), no cluster
    run = approval.step_run.run
    run.cluster = Cluster.objects.create(name="prod-eu", kind=Cluster.Kind.SIMULATED)
    run.save(update_fields=["cluster"])
    payments = make_user("payments-oncall", "remediation.approve_medium")
    team = Group.objects.create(name="payments")
    payments.groups.add(team)
    ApproverScope.objects.create(group=team, namespaces=["payments-*"])
    shop = make_user("shop-oncall", "remediation.approve_medium")
    ApproverScope.objects.create(user=shop, clusters=["prod-eu"], namespaces=["shop", "shop-*"])

    refused = client_for(payments).post(f"/api/v1/approvals/{approval.pk}/approve", {}, format="json")
    assert refused.status_code == 403
    assert "outside your approval scope" in refused.json()["detail"]
    assert "cluster prod-eu, namespace shop" in refused.json()["detail"]
    approval.refresh_from_db()
    assert approval.status == "pending"
    with django_capture_on_commit_callbacks():
        assert client_for(shop).post(f"/api/v1/approvals/{approval.pk}/approve", {}, format="json").status_code == 200
