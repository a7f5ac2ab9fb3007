from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.detection import sync_cluster_findings
from incidents.detectors import Finding
from tests.factories import make_cluster, make_event, make_rule, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=make_user("reader"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def crashloop() -> Finding:
    return Finding(reason="CrashLoopBackOff", severity="critical", namespace="shop", object_kind="Pod",
                   object_name="checkout-1", message="crash", group_kind="Deployment", group_name="checkout",
                   labels={"pod": "checkout-1", "workload_kind": "Deployment", "workload_name": "checkout"})


def test_the_api_needs_a_token_or_session():
    assert APIClient().get("/api/v1/events/").status_code == 401
    assert APIClient().get("/api/v1/incidents/").status_code == 401


def test_events_are_listed_newest_first_and_filtered(api):
    make_event(reason="A", status="firing", namespace="shop")
    make_event(reason="B", status="resolved", namespace="shop")
    make_event(reason="C", status="firing", namespace="payments")
    body = api.get("/api/v1/events/").json()
    assert [e["reason"] for e in body["results"]] == ["C", "B", "A"] and body["count"] == 3
    assert [e["reason"] for e in api.get("/api/v1/events/?status=firing&namespace=shop").json()["results"]] == ["A"]
    assert api.get("/api/v1/events/?since=yesterday").status_code == 400


def test_an_incident_detail_carries_its_events_and_timeline(api):
    cluster = make_cluster()
    make_rule()
    sync_cluster_findings(cluster, [crashloop()])
    sync_cluster_findings(cluster, [])
    [incident] = api.get("/api/v1/incidents/").json()["results"]
    assert incident["status"] == "resolved" and incident["cluster"] == "prod"
    assert api.get("/api/v1/incidents/?status=open").json()["count"] == 0
    detail = api.get(f"/api/v1/incidents/{incident['id']}/").json()
    assert [e["status"] for e in detail["events"]] == ["resolved", "firing"]
    assert [t["action"] for t in detail["timeline"]] == ["incident.opened", "incident.resolved"]
    assert api.get("/api/v1/incidents/999999/").status_code == 404


def test_generic_alerts_fire_and_resolve_idempotently(api):
    alert = {"name": "DiskAlmostFull", "status": "firing", "severity": "critical", "namespace": "db",
             "object_kind": "Node", "object_name": "node-7", "message": "92% used", "labels": {"team": "data"}}
    response = api.post("/api/v1/alerts/generic", {"alerts": [alert]}, format="json")
    assert response.status_code == 200 and response.json()["recorded"] == 1
    assert api.post("/api/v1/alerts/generic", {"alerts": [alert]}, format="json").json()["duplicates"] == 1
    resolved = {**alert, "status": "resolved"}
    assert api.post("/api/v1/alerts/generic", {"alerts": [resolved]}, format="json").json()["recorded"] == 1
    events = api.get("/api/v1/events/?source=webhook").json()["results"]
    assert [(e["reason"], e["status"], e["severity"]) for e in events] == [
        ("DiskAlmostFull", "resolved", "critical"), ("DiskAlmostFull", "firing", "critical")]


def test_generic_alerts_report_bad_fields_and_need_auth(api):
    response = api.post("/api/v1/alerts/generic", {"alerts": [{"name": "X", "status": "burning"}]}, format="json")
    assert response.status_code == 422 and response.json()["rejected"][0]["errors"].keys() == {"status"}
    assert api.post("/api/v1/alerts/generic", {"alerts": []}, format="json").status_code == 422
    assert APIClient().post("/api/v1/alerts/generic", {"alerts": []}, format="json").status_code == 401
