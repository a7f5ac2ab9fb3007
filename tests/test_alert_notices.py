"""Alerts reach people by default: with the shipped rules, every Alertmanager alert that starts firing or resolves
is told on the chat channels, one message per Alertmanager notification (as it groups them), through the outbox."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.app.task import Task
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from aiops_project import outbox
from aiops_project.models import OutboxTask
from incidents.models import AuditEntry, ClusterEvent, Incident
from remediation.definitions import load_definitions
from tests.alertmanager_payloads import firing
from tests.chatchannels import Channels, notification_channels, worker_fixture  # noqa: F401 (the `worker` fixture)
from tests.factories import make_rule

pytestmark = pytest.mark.django_db(transaction=True)  # commits as in production: the outbox sends after each
URL = "/api/v1/alerts/alertmanager"
TOKEN = "notices-token"


@pytest.fixture
def api(settings: Any) -> APIClient:
    settings.ALERTMANAGER_TOKEN = TOKEN
    load_definitions(django_settings.DEFAULT_PLAYBOOKS_DIR, django_settings.DEFAULT_RULES_DIR)  # the shipped rules
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return client


@pytest.fixture
def channels(settings: Any) -> Iterator[Channels]:
    with notification_channels(settings) as found:
        yield found


def notification(*alerts: tuple[str, str, str]) -> dict[str, Any]:
    """A notification of (alertname, pod, status) alerts, as Alertmanager groups them."""
    payload = firing()
    template = payload["alerts"][0]
    payload["alerts"] = [
        {**copy.deepcopy(template), "status": status, "fingerprint": f"{name}-{pod}",
         "labels": {**template["labels"], "alertname": name, "pod": pod},
         "annotations": {"summary": f"{pod} is not well", "description": f"{name} on {pod}"},
         **({"endsAt": "2026-11-28T10:05:00Z"} if status == "resolved" else {})}
        for name, pod, status in alerts
    ]
    payload["status"] = "firing" if any(status == "firing" for *_, status in alerts) else "resolved"
    return payload


def test_a_storm_in_one_notification_is_one_message_per_channel(api, channels, worker):
    storm = [("HighErrorRate", f"checkout-{i}", "firing") for i in range(40)]
    storm += [("HighLatency", f"cart-{i}", "firing") for i in range(10)]
    assert api.post(URL, notification(*storm), format="json").json()["recorded"] == 50
    assert worker() == ["incidents.tasks.announce_alerts", "chat.tasks.send_notification",
                        "chat.tasks.send_notification"]
    [telegram], [slack] = channels.telegram_texts(), channels.slack_texts()
    assert telegram.startswith("Alertmanager: 50 firing (namespace=shop, severity=critical)\n")
    listed = [line for line in telegram.splitlines() if line.startswith("🔥")]
    assert 10 <= len(listed) <= 20 and "[critical] HighErrorRate · shop/checkout-0 — checkout-0 is not well" \
        in listed[0]
    counted = next(line for line in telegram.splitlines() if line.startswith("… and"))
    assert f"… and {50 - len(listed)} more firing: HighErrorRate (" in counted
    assert "HighLatency (10)" in counted
    assert "checkout-0 is not well" in slack and len(slack) < 3000
    # The default rule tells; the alerts no shipped rule maps to a playbook (an application's own) open nothing.
    assert not Incident.objects.exists()
    [entry] = AuditEntry.objects.filter(action="operators.notified")
    assert len(entry.details["event_ids"]) == 20


def test_what_resolves_and_what_starts_firing_share_the_next_message(api, channels, worker):
    api.post(URL, notification(("HighLatency", "checkout-1", "firing"), ("HighLatency", "cart-1", "firing")),
             format="json")
    worker()
    second = notification(("HighLatency", "checkout-1", "resolved"), ("HighLatency", "cart-1", "firing"),
                          ("HighLatency", "search-1", "firing"))
    assert api.post(URL, second, format="json").json()["recorded"] == 2
    worker()
    first, latest = channels.telegram_texts()
    assert first.count("🔥") == 2
    assert latest.splitlines()[0] == "Alertmanager: 1 firing, 1 resolved (alertname=HighLatency, namespace=shop, " \
                                     "severity=critical)"
    assert "🔥 [critical] HighLatency · shop/search-1" in latest and "✅ HighLatency · shop/checkout-1" in latest
    assert "cart-1" not in latest and "(1 more of this notification still firing, told before)" in latest


def test_a_redelivered_notification_tells_nothing_again(api, channels, worker):
    payload = notification(("HighLatency", "checkout-1", "firing"))
    api.post(URL, payload, format="json")
    assert worker()
    assert api.post(URL, payload, format="json").json()["duplicates"] == 1
    assert worker() == []  # Alertmanager's repeat_interval (or a retry): nothing changed, nobody is told again
    assert len(channels.telegram_texts()) == len(channels.slack_texts()) == 1


def test_an_alert_a_rule_of_ones_own_acts_on_is_still_told_with_its_incident(api, channels, worker):
    make_rule("latency-incident", source="alertmanager", reasons=["HighLatency"], priority=10)
    api.post(URL, notification(("HighLatency", "checkout-1", "firing"), ("DiskFull", "db-1", "firing")),
             format="json")
    worker()
    incident = Incident.objects.get()
    [text] = channels.telegram_texts()
    assert f"HighLatency · shop/checkout-1 — checkout-1 is not well (HighLatency on checkout-1) · incident " \
           f"#{incident.pk}" in text and "DiskFull · shop/db-1" in text
    assert AuditEntry.objects.filter(action="operators.notified", incident=incident).count() == 1


def test_the_notice_is_kept_in_the_outbox_with_the_alerts_while_the_broker_is_away(api, channels, worker,
                                                                                    monkeypatch):
    def broker_away(self: Task, *args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the broker is away")

    with monkeypatch.context() as away:
        away.setattr(Task, "apply_async", broker_away)
        assert api.post(URL, notification(("HighLatency", "checkout-1", "firing")), format="json").status_code == 200
    [row] = OutboxTask.objects.all()
    assert row.task == "incidents.tasks.announce_alerts" and ClusterEvent.objects.count() == 1
    OutboxTask.objects.update(created_at=row.created_at - outbox.DRAIN_AFTER)
    outbox._paused_until = 0.0
    assert outbox.drain() == 1  # the broker is back: the drain sends it
    worker()
    assert len(channels.telegram_texts()) == 1 and not OutboxTask.objects.exists()


def test_without_a_notify_rule_alerts_are_stored_and_not_told(api, channels, worker: Callable[[], list[str]]):
    from incidents.models import Rule

    Rule.objects.filter(name="alertmanager-notify").update(enabled=False)
    api.post(URL, notification(("HighLatency", "checkout-1", "firing")), format="json")
    assert worker() == [] and ClusterEvent.objects.count() == 1
