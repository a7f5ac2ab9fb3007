"""Acknowledging and closing an incident by hand: the REST API and the admin go through the same services,
so the timeline, resolved_at and open consoles hear of it; only those with incidents.change_incident may."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aiops_project import live
from incidents.models import AuditEntry, Incident
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def client_for(username: str, *perms: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user(username, *perms)).key}")
    return client


@pytest.fixture
def incident() -> Incident:
    return Incident.objects.create(fingerprint="f" * 40, group_key="g" * 40, title="CrashLoopBackOff: shop/checkout")


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "_send", sent.append)
    return sent


def test_someone_with_the_permission_acknowledges_then_closes_it_with_a_reason(
        incident: Incident, console: list[dict[str, Any]], django_capture_on_commit_callbacks: Any) -> None:
    lead = client_for("lead", "incidents.change_incident")
    with django_capture_on_commit_callbacks(execute=True):
        answer = lead.post(f"/api/v1/incidents/{incident.pk}/acknowledge")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "acknowledged" and answer.json()["acknowledged_at"]
    assert {"topic": "incident", "id": incident.pk} in console

    again = lead.post(f"/api/v1/incidents/{incident.pk}/acknowledge")
    assert again.status_code == 409 and "is acknowledged" in again.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        closed = lead.post(f"/api/v1/incidents/{incident.pk}/close", {"reason": "false alarm"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "resolved" and closed.json()["resolved_at"]
    timeline = [(e.action, e.actor_label, e.via) for e in incident.timeline()]
    assert timeline == [("incident.acknowledged", "lead", "api"), ("incident.closed", "lead", "api")]
    assert AuditEntry.objects.get(action="incident.closed").message.endswith("false alarm")
    assert lead.post(f"/api/v1/incidents/{incident.pk}/close").status_code == 409


def test_without_the_permission_nothing_changes(incident: Incident) -> None:
    reader = client_for("reader")
    for change in ("acknowledge", "close"):
        answer = reader.post(f"/api/v1/incidents/{incident.pk}/{change}")
        assert answer.status_code == 403 and "incidents.change_incident" in answer.json()["detail"]
    incident.refresh_from_db()
    assert incident.status == "open" and not AuditEntry.objects.exists()
    assert APIClient().post(f"/api/v1/incidents/{incident.pk}/close").status_code == 401


def test_a_reason_that_is_not_text_is_refused_with_the_field_named(incident: Incident) -> None:
    lead = client_for("lead", "incidents.change_incident")
    answer = lead.post(f"/api/v1/incidents/{incident.pk}/close", {"reason": {"a": 1}}, format="json")
    assert answer.status_code == 400 and "reason" in answer.json()
    incident.refresh_from_db()
    assert incident.status == "open"


def test_the_admin_action_acknowledges_as_the_acting_user(incident: Incident) -> None:
    from django.test import Client

    admin = make_user("boss", "incidents.change_incident", "incidents.view_incident", is_staff=True)
    browser = Client()
    browser.force_login(admin)
    answer = browser.post("/admin/incidents/incident/", {"action": "acknowledge_incidents",
                                                         "_selected_action": [incident.pk]})
    assert answer.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "acknowledged" and incident.acknowledged_by == admin
    assert [(e.action, e.actor_label, e.via) for e in incident.timeline()] == [
        ("incident.acknowledged", "boss", "admin")]
