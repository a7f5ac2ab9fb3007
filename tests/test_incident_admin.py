"""The incident admin: the status is not edited by hand; "Close selected incidents" resolves through the
incidents service, so the closing is audited as the acting user's, resolved_at is set and consoles hear of it."""

from __future__ import annotations

from typing import Any

import pytest

from incidents.models import AuditEntry, Incident
from tests.factories import make_user

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/incidents/incident/"


def make_incident(title: str = "false alarm", **fields: Any) -> Incident:
    return Incident.objects.create(fingerprint=title[:1] * 40, group_key=title, title=title, **fields)


def test_the_status_cannot_be_edited_by_hand(client):
    incident = make_incident()
    client.force_login(make_user("lead", "incidents.view_incident", "incidents.change_incident", is_staff=True))
    change = f"{CHANGELIST}{incident.pk}/change/"
    assert 'name="status"' not in client.get(change).content.decode()
    client.post(change, {"title": incident.title, "severity": incident.severity, "status": "resolved",
                         "group_key": incident.group_key})
    incident.refresh_from_db()
    assert incident.status == "open" and incident.resolved_at is None


def test_closing_selected_incidents_goes_through_the_service(client, monkeypatch, django_capture_on_commit_callbacks):
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr("aiops_project.live._send", sent.append)
    first, second = make_incident("one"), make_incident("two")
    second.resolve()
    lead = make_user("lead", "incidents.view_incident", "incidents.change_incident", is_staff=True)
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "close_incidents",
                                            "_selected_action": [first.pk, second.pk]}, follow=True)
    assert "Closed 1 incident; 1 was resolved already." in response.content.decode()
    first.refresh_from_db()
    assert first.status == "resolved" and first.resolved_at is not None
    [entry] = AuditEntry.objects.filter(action="incident.closed")
    assert (entry.incident, entry.actor, entry.via) == (first, lead, "admin")
    assert {"topic": "incident", "id": first.pk} in sent


def test_only_those_who_may_change_incidents_get_the_action(client):
    incident = make_incident()
    client.force_login(make_user("viewer", "incidents.view_incident", is_staff=True))
    assert "close_incidents" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "close_incidents", "_selected_action": [incident.pk]})
    incident.refresh_from_db()
    assert incident.status == "open"
    assert not AuditEntry.objects.exists()
