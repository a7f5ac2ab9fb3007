"""Probes and scrapes by pod IP under production ALLOWED_HOSTS (aiops_project.middleware.ProbeHostMiddleware).

The kubelet sends `Host: <pod IP>:8000` to /health and /ready, Prometheus the same to /metrics; the Helm chart's
ALLOWED_HOSTS lists public names only. Those three answer anyway; every other path keeps Django's host check.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.once]

POD_IP = "10.244.1.17:8000"
PRODUCTION_HOSTS = override_settings(ALLOWED_HOSTS=["aiops.example.com"], METRICS_TOKEN="scrape-token")


@PRODUCTION_HOSTS
def test_kubelet_probes_by_pod_ip_are_answered(client: Client):
    health = client.get("/health", HTTP_HOST=POD_IP)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = client.get("/ready", HTTP_HOST=POD_IP)
    assert ready.status_code == 200 and ready.json()["status"] == "ok", ready.content
    assert client.get("/health", HTTP_HOST="[fd00:10:244::17]:8000").status_code == 200  # an IPv6 pod


@PRODUCTION_HOSTS
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readiness_by_pod_ip_still_fails_when_a_dependency_is_down(client: Client):
    response = client.get("/ready", HTTP_HOST=POD_IP)
    assert response.status_code == 503 and set(response.json()["failed"]) == {"redis"}


@PRODUCTION_HOSTS
def test_prometheus_scrape_by_pod_ip_needs_the_token(client: Client):
    scraped = client.get("/metrics", HTTP_HOST=POD_IP, HTTP_AUTHORIZATION="Bearer scrape-token")
    assert scraped.status_code == 200 and b"aiops_incidents_open" in scraped.content
    assert client.get("/metrics", HTTP_HOST=POD_IP, HTTP_AUTHORIZATION="Bearer wrong").status_code == 400
    assert client.get("/metrics", HTTP_HOST=POD_IP).status_code == 400


@PRODUCTION_HOSTS
def test_every_other_path_keeps_the_host_check(client: Client):
    client.force_login(make_user("staff", is_staff=True))
    assert client.get("/console/", HTTP_HOST=POD_IP).status_code == 400
    assert client.post("/health", HTTP_HOST=POD_IP).status_code == 400  # GET only
    assert client.get("/healthz", HTTP_HOST=POD_IP).status_code == 400
    # an allowed host goes the usual way: request id, metrics by session
    response = client.get("/health", HTTP_HOST="aiops.example.com")
    assert response.status_code == 200 and response["X-Request-ID"]
    assert client.get("/metrics", HTTP_HOST="aiops.example.com").status_code == 200
