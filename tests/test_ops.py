from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


def test_health_answers_without_auth_or_dependencies(client: Client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


def test_ready_checks_database_redis_and_broker(client: Client):
    response = client.get("/ready")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body.pop("workers")["required"] is False  # shown, and not deciding (READY_REQUIRES_WORKER off)
    assert body == {"status": "ok", "mcp_servers": {}, "clusters": {}}


def test_ready_names_what_detection_cannot_read_in_each_cluster_without_identities(client: Client):
    from incidents.models import DetectionProblem
    from tests.factories import make_cluster

    prod, staging = make_cluster("prod"), make_cluster("staging")
    make_cluster("old", enabled=False)
    for reporter in ("poll", "watch"):
        DetectionProblem.objects.create(
            cluster=prod, kind="Job", reporter=reporter,
            summary="forbidden: list jobs.batch at the cluster scope (HTTP 403)",
            detail='jobs.batch is forbidden: User "system:serviceaccount:aiops:reader" cannot list resource "jobs"')
    type(staging).objects.filter(pk=staging.pk).update(last_poll_error="listing pods failed: NewConnectionError")
    clusters = client.get("/ready").json()["clusters"]
    assert clusters == {
        "prod": {"detection": "degraded",
                 "unreadable": {"Job": "forbidden: list jobs.batch at the cluster scope (HTTP 403)"}},
        "staging": {"detection": "unreachable"},
    }


def test_ready_shows_mcp_server_health_without_the_errors(client: Client):
    from mcp_bridge.models import McpServerState

    McpServerState.objects.create(server="kubernetes", state="down", error="stderr: token=abc")
    servers = client.get("/ready").json()["mcp_servers"]
    assert servers["kubernetes"]["state"] == "down" and "error" not in servers["kubernetes"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_ready_names_what_failed_with_503(client: Client):
    response = client.get("/ready")
    assert response.status_code == 503
    assert set(response.json()["failed"]) == {"redis"}


def test_metrics_need_a_token_or_staff(client: Client):
    assert client.get("/metrics").status_code == 401
    client.force_login(make_user("viewer"))
    assert client.get("/metrics").status_code == 401


@override_settings(METRICS_TOKEN="s3cret-token")
def test_metrics_count_domain_objects_across_processes(client: Client):
    make_event(status="firing")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aiops_cluster_events_total{source="kubernetes",status="firing"} 1.0' in body
    assert 'aiops_incidents_total{status="opened"} 0.0' in body
    assert "django_http_requests_total_by_view_transport_method_total" in body


def test_a_well_formed_request_id_is_kept(client: Client):
    assert client.get("/health", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/health", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_the_console_needs_login(client: Client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_openapi_schema_needs_login_and_documents_the_alert_intake(client: Client):
    assert client.get("/api/schema/").status_code in {401, 403}
    client.force_login(make_user("reader"))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/alerts/alertmanager" in schema["paths"]
    assert "alertmanagerToken" in schema["components"]["securitySchemes"]
