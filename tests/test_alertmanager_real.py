"""Debian's real prometheus-alertmanager sends firing, repeated and resolved notifications to the
running server; they become exactly one firing and one resolved event, and the incident closes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidents.models import ClusterEvent, Incident, Signal
from tests.factories import make_rule
from tests.helpers import eventually
from tests.peers import run_alertmanager

TOKEN = "real-alertmanager-token"

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


@pytest.fixture
def alertmanager(live_server, settings, tmp_path: Path) -> Iterator[str]:
    settings.ALERTMANAGER_TOKEN = TOKEN
    settings.SIGNAL_SEEN_SECONDS = 0  # every repeat touches last_seen, which the test watches for
    config = {
        "route": {"receiver": "aiops", "group_by": ["alertname"], "group_wait": "1s", "group_interval": "1s",
                  "repeat_interval": "2s"},
        "receivers": [{"name": "aiops", "webhook_configs": [{
            "url": f"{live_server.url}/api/v1/alerts/alertmanager",
            "send_resolved": True,
            "http_config": {"authorization": {"type": "Bearer", "credentials": TOKEN}},
        }]}],
    }
    with run_alertmanager(config, tmp_path) as url:
        eventually(lambda: _get(f"{url}/-/ready") == 200, "alertmanager to be ready")
        yield url


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status
    except OSError:
        return None


def post_alert(url: str, *, ends_at: datetime | None = None) -> None:
    alert = {
        "labels": {"alertname": "KubePodCrashLooping", "severity": "critical", "namespace": "shop",
                   "pod": "checkout-abc"},
        "annotations": {"summary": "checkout is crash looping"},
        "startsAt": STARTS_AT.isoformat(),
        "generatorURL": "http://prometheus.invalid/graph",
    }
    if ends_at is not None:
        alert["endsAt"] = ends_at.isoformat()
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}/api/v2/alerts", data=json.dumps([alert]).encode(), headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        assert response.status == 200


STARTS_AT = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_firing_repeated_and_resolved_notifications_become_exactly_two_events(alertmanager):
    make_rule(source="alertmanager", reasons=["KubePodCrashLooping"])
    post_alert(alertmanager)
    eventually(lambda: ClusterEvent.objects.filter(status="firing").exists(), "the firing notification")
    first_seen = Signal.objects.get().last_seen

    # With repeat_interval 2s Alertmanager sends the firing alert again; the repeat is seen, not recorded.
    eventually(lambda: Signal.objects.get().last_seen > first_seen, "a repeated notification")
    post_alert(alertmanager)  # and a client re-sending the same alert changes nothing either
    assert ClusterEvent.objects.filter(status="firing").count() == 1
    assert Incident.objects.open().count() == 1

    post_alert(alertmanager, ends_at=datetime.now(tz=UTC))
    eventually(lambda: ClusterEvent.objects.filter(status="resolved").exists(), "the resolved notification")
    assert list(ClusterEvent.objects.order_by("id").values_list("status", flat=True)) == ["firing", "resolved"]
    event = ClusterEvent.objects.get(status="firing")
    assert (event.reason, event.namespace, event.object_name) == ("KubePodCrashLooping", "shop", "checkout-abc")
    assert event.payload["fingerprint"] and event.payload["generatorURL"] == "http://prometheus.invalid/graph"
    assert Incident.objects.get().status == "resolved"
