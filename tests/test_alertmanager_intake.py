from __future__ import annotations

import copy
import json
import uuid

import pytest
from rest_framework.test import APIClient

from incidents.alertmanager import workload_of_alert
from incidents.detection import sync_cluster_findings
from incidents.detectors import Finding
from incidents.models import ClusterEvent, Incident, Signal
from tests.alertmanager_payloads import firing, resolved
from tests.factories import make_cluster, make_rule

pytestmark = pytest.mark.django_db
URL = "/api/v1/alerts/alertmanager"
TOKEN = "am-token-for-tests"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.ALERTMANAGER_TOKEN = TOKEN


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return client


def test_a_missing_or_wrong_token_is_401_and_records_nothing():
    client = APIClient()
    response = client.post(URL, firing(), format="json")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    client.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    assert client.post(URL, firing(), format="json").status_code == 401
    assert not ClusterEvent.objects.exists()


def test_intake_is_closed_when_no_token_is_configured(api, settings):
    settings.ALERTMANAGER_TOKEN = ""
    response = api.post(URL, firing(), format="json")
    assert response.status_code == 401 and "AIOPS_ALERTMANAGER_TOKEN" in response.json()["detail"]


def test_a_firing_alert_becomes_an_event_with_its_labels_and_unknown_fields_kept(api):
    payload = firing(someFutureField={"x": 1})
    response = api.post(URL, payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"received": 1, "recorded": 1, "duplicates": 0, "rejected": []}
    event = ClusterEvent.objects.get()
    assert (event.source, event.reason, event.status, event.severity) == (
        "alertmanager", "KubePodCrashLooping", "firing", "critical")
    assert (event.namespace, event.object_kind, event.object_name) == ("shop", "Pod", "checkout-7d9f8b6c5-x2x9q")
    assert event.message == "Pod shop/checkout-7d9f8b6c5-x2x9q is crash looping."
    assert event.occurred_at.isoformat() == "2026-11-28T10:00:00+00:00"
    assert event.payload["someFutureField"] == {"x": 1}
    assert event.payload["annotations"]["runbook_url"].startswith("https://")


def test_redelivery_creates_nothing_new(api):
    api.post(URL, firing(), format="json")
    response = api.post(URL, firing(), format="json")
    assert response.json() == {"received": 1, "recorded": 0, "duplicates": 1, "rejected": []}
    assert ClusterEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # outside a test's transaction, as in production: the read-ahead applies
def test_a_redelivery_of_nothing_new_is_one_read_without_a_transaction(api, django_assert_num_queries):
    make_cluster(name="prod")
    payload = firing(labels={**firing()["alerts"][0]["labels"], "cluster": "prod"})
    assert api.post(URL, payload, format="json").json()["recorded"] == 1
    with django_assert_num_queries(1) as captured:  # no cluster lookup, no BEGIN/COMMIT, no rules
        response = api.post(URL, payload, format="json")
    assert response.json() == {"received": 1, "recorded": 0, "duplicates": 1, "rejected": []}
    assert "incidents_signal" in captured.captured_queries[0]["sql"]
    resolved_payload = copy.deepcopy(payload)
    resolved_payload["alerts"][0].update(status="resolved", endsAt="2026-11-28T10:05:00.000Z")
    assert api.post(URL, resolved_payload, format="json").json()["recorded"] == 1  # news still read in full
    assert list(Signal.objects.values_list("status", "cluster__name")) == [("resolved", "prod")]


def test_a_valid_notification_sent_as_another_media_type_is_415_and_records_nothing(api):
    body = json.dumps(firing())
    response = api.generic("POST", URL, body, content_type="text/plain")
    assert response.status_code == 415 and "text/plain" in response.json()["detail"]
    assert not ClusterEvent.objects.exists()
    assert api.generic("POST", URL, body, content_type="application/json; charset=utf-8").status_code == 200


def test_resolved_resolves_the_event_and_its_incident(api):
    make_rule(source="alertmanager", reasons=["KubePodCrashLooping"])
    api.post(URL, firing(), format="json")
    assert Incident.objects.open().count() == 1
    assert api.post(URL, resolved(), format="json").status_code == 200
    assert api.post(URL, resolved(), format="json").json()["duplicates"] == 1
    assert list(ClusterEvent.objects.order_by("id").values_list("status", flat=True)) == ["firing", "resolved"]
    assert ClusterEvent.objects.get(status="resolved").occurred_at.isoformat() == "2026-11-28T10:05:00+00:00"
    assert Incident.objects.get().status == "resolved"
    assert Signal.objects.get().status == "resolved"


def test_the_upstream_path_is_an_alias(api):
    assert api.post("/api/alert/webhook", firing(), format="json").status_code == 200
    assert ClusterEvent.objects.count() == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"version": "3"}, "version"),
    ({"alerts": []}, "alerts"),
    ({"status": "pending"}, "status"),
    ({"groupKey": None}, "groupKey"),
])
def test_a_malformed_envelope_is_422_with_the_field_and_records_nothing(api, change, field):
    payload = {**firing(), **change}
    response = api.post(URL, payload, format="json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ClusterEvent.objects.exists()


def test_a_batch_with_one_bad_alert_records_the_good_ones_and_names_the_bad_field(api):
    payload = firing()
    good_two = {**payload["alerts"][0], "fingerprint": "aaaa0000", "labels": {"alertname": "HighLatency"}}
    bad = {**payload["alerts"][0], "fingerprint": "bbbb1111", "startsAt": "yesterday"}
    no_name = {**payload["alerts"][0], "fingerprint": "cccc2222", "labels": {"severity": "critical"}}
    payload["alerts"] += [bad, good_two, no_name]
    response = api.post(URL, payload, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["recorded"] == 2
    assert [(r["index"], sorted(r["errors"])) for r in body["rejected"]] == [(1, ["startsAt"]), (3, ["labels"])]
    assert set(ClusterEvent.objects.values_list("reason", flat=True)) == {"KubePodCrashLooping", "HighLatency"}


def test_a_body_that_is_not_json_is_a_4xx(api):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_alerts_get_in_when_the_throttle_cache_is_down(api, settings):
    # Django re-creates its cache handlers when CACHES changes: this one points at a closed port.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = api.post(URL, firing(), format="json")
    assert response.status_code == 200
    assert ClusterEvent.objects.count() == 1


def test_an_alert_holding_a_nul_character_is_refused_alone(api):
    payload = firing()
    nul = {**payload["alerts"][0], "fingerprint": "dddd3333",
           "labels": {"alertname": "Broken", "pod": "a\u0000b"}}
    extra = {**payload["alerts"][0], "fingerprint": "eeee4444", "labels": {"alertname": "Odd"},
             "futureField": "x\u0000"}
    payload["alerts"] += [nul, extra]
    response = api.post(URL, payload, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["recorded"] == 1 and [r["index"] for r in body["rejected"]] == [1, 2]
    assert "NUL" in body["rejected"][0]["errors"]["non_field_errors"][0]
    assert list(ClusterEvent.objects.values_list("reason", flat=True)) == ["KubePodCrashLooping"]


@pytest.mark.parametrize(("change", "field"), [
    ({"status": "pending"}, "status"),
    ({"labels": {"alertname": "X", "pod": None}}, "labels"),
    ({"labels": "alertname=X"}, "labels"),
    ({"fingerprint": ""}, "fingerprint"),
    ({"fingerprint": "f" * 65}, "fingerprint"),
    ({"endsAt": "soon"}, "endsAt"),
    ({"annotations": {"summary": 3}}, "annotations"),
])
def test_each_bad_alert_field_is_named(api, change, field):
    payload = firing()
    payload["alerts"][0] |= change
    response = api.post(URL, payload, format="json")
    assert response.status_code == 422
    [rejected] = response.json()["rejected"]
    assert list(rejected["errors"]) == [field]
    assert not ClusterEvent.objects.exists()


def test_a_missing_field_is_named(api):
    payload = firing()
    del payload["alerts"][0]["startsAt"]
    [rejected] = api.post(URL, payload, format="json").json()["rejected"]
    assert rejected["errors"] == {"startsAt": ["Field required"]}


def test_an_alert_about_a_workload_of_a_known_cluster_joins_that_workloads_incident(api):
    cluster = make_cluster("prod")
    make_rule("any-failure", source="", reasons=[])
    crash = Finding(reason="CrashLoopBackOff", severity="critical", namespace="shop", object_kind="Pod",
                    object_name="checkout-7d9f8b6c5-x2x9q", message="crash-looping", group_kind="Deployment",
                    group_name="checkout", labels={"workload_kind": "Deployment", "workload_name": "checkout"})
    [detected] = sync_cluster_findings(cluster, [crash])
    payload = firing()
    payload["alerts"][0]["labels"]["cluster"] = "prod"  # the pod label names a pod of deployment checkout
    assert api.post(URL, payload, format="json").status_code == 200
    alert = ClusterEvent.objects.get(source="alertmanager")
    assert alert.group_key == detected.group_key and alert.incident == detected.incident
    assert Incident.objects.count() == 1

    # Without a cluster it could belong to, an alert is its own group.
    other = firing(fingerprint="0123abcd")
    other["alerts"][0]["labels"]["alertname"] = "SomethingElse"
    api.post(URL, other, format="json")
    assert ClusterEvent.objects.get(reason="SomethingElse").group_key != detected.group_key


@pytest.mark.parametrize(("labels", "workload"), [
    ({"deployment": "checkout", "pod": "x"}, ("Deployment", "checkout")),
    ({"statefulset": "db"}, ("StatefulSet", "db")),
    ({"pod": "checkout-7d9f8b6c5-x2x9q"}, ("Deployment", "checkout")),
    ({"pod": "web-api-5d4f8cbb9d-kq2zt"}, ("Deployment", "web-api")),
    ({"pod": "db-0"}, ("Pod", "db-0")),
    ({"pod": "nightly-report-29406240-abcde"}, ("Pod", "nightly-report-29406240-abcde")),  # 0/1/3 and vowels
    ({"node": "node-3"}, ("Node", "node-3")),
    ({"service": "checkout"}, None),
])
def test_the_workload_an_alert_is_about(labels, workload):
    assert workload_of_alert(labels) == workload


def test_a_client_over_the_intake_rate_gets_429_with_retry_after_and_its_alerts_are_not_taken(api, monkeypatch):
    from incidents.api.views import IntakeThrottle

    monkeypatch.setattr(IntakeThrottle, "THROTTLE_RATES", {"alert_intake": "2/hour"})
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"  # its own counter
    payloads = [firing() for _ in range(3)]
    for n, payload in enumerate(payloads):
        payload["alerts"][0]["fingerprint"] = f"rate{n}"
    codes = [api.post(URL, payload, format="json", REMOTE_ADDR=address) for payload in payloads]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert 0 < int(codes[2]["Retry-After"]) <= 3600
    assert ClusterEvent.objects.count() == 2  # refused whole: Alertmanager sends it again later
    other = api.post(URL, {**firing(), "alerts": [{**firing()["alerts"][0], "fingerprint": "other"}]},
                     format="json", REMOTE_ADDR=address + "0")
    assert other.status_code == 200  # another client has a counter of its own


def test_a_dead_cache_lets_alerts_through_and_is_not_asked_again_for_a_moment(api, settings, caplog):
    """The intake throttle counts in Redis; Redis gone costs one notification its timeout, not every one."""
    from tests.helpers import free_port

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
                                                          "alert_intake": "1000/minute"}}
    from incidents.api import views

    views._THROTTLE_CIRCUIT.succeeded()
    try:
        for number in range(3):
            response = api.post(URL, firing(fingerprint=f"{number:016x}",
                                            labels={**firing()["alerts"][0]["labels"], "pod": f"p-{number}"}),
                                format="json")
            assert response.status_code == 200, response.content
        assert ClusterEvent.objects.count() == 3  # nothing lost for want of a throttle
        assert caplog.text.count("alert_intake_throttle_unavailable") == 1  # asked once, then skipped
    finally:
        views._THROTTLE_CIRCUIT.succeeded()
