"""The incident history: the console's page (/console/incidents/) and GET /api/v1/incidents/ search, filter and
page through the same function (incidents.search), refuse what they cannot read, and escape what they show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from incidents.audit import audit
from incidents.models import Cluster, ClusterEvent, Incident, RootCauseReport, make_fingerprint
from tests.factories import make_cluster, make_event, make_user

pytestmark = pytest.mark.django_db



def to_the_second(at: datetime) -> str:
    """A time as the page's <time datetime> holds it: UTC, to the second."""
    return at.astimezone(UTC).isoformat(timespec="seconds")

def make_incident(title: str, *, cluster: Cluster | None = None, namespace: str = "shop", name: str = "checkout",
                  reason: str = "", message: str = "", age: timedelta = timedelta(hours=1), **fields: Any) -> Incident:
    key = make_fingerprint("history", title, namespace, name)
    incident = Incident.objects.create(fingerprint=key, group_key=key, title=title, cluster=cluster,
                                       namespace=namespace, object_kind="Deployment", object_name=name,
                                       opened_at=timezone.now() - age, **fields)
    if reason or message:
        make_event(cluster, reason=reason or "CrashLoopBackOff", message=message, namespace=namespace,
                   object_name=name, fingerprint=key, group_key=key, incident=incident)
    return incident


@pytest.fixture
def world() -> dict[str, Incident]:
    prod, staging = make_cluster("prod"), make_cluster("staging")
    found = {
        "crash": make_incident("CrashLoopBackOff: shop/checkout", cluster=prod, reason="CrashLoopBackOff",
                               message="back-off restarting failed container app", severity="critical"),
        "oom": make_incident("OOMKilled: shop/cart", cluster=prod, name="cart", reason="OOMKilled",
                             message="killed at 512Mi", severity="critical", status="resolved",
                             resolved_at=timezone.now(), age=timedelta(days=3)),
        "node": make_incident("NodeNotReady: node-7", cluster=staging, namespace="", name="node-7",
                              reason="NodeNotReady", message="kubelet stopped posting status",
                              status="acknowledged", age=timedelta(days=12)),
        "odd": make_incident("KubeQuota: billing/100%_done 'quoted' \\path <script>alert(1)</script> Ünïcødé",
                             namespace="billing", name="ledger", reason="KubeQuota", message="quota 100% used",
                             severity="info", age=timedelta(days=40)),
    }
    RootCauseReport.objects.create(incident=found["node"], category="node", confidence=0.8,
                                   summary="the node's disk filled up")
    return found


@pytest.fixture
def browser() -> Client:
    client = Client()
    client.force_login(make_user("oncall"))
    return client


@pytest.fixture
def api() -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user('robot')).key}")
    return client


def page_ids(response: Any) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="history-(\d+)">', response.content.decode())]


def api_ids(response: Any) -> list[int]:
    return [incident["id"] for incident in response.json()["results"]]


SEARCHES = {
    "workload": ({"workload": "CART"}, ["oom"]),
    "namespace": ({"namespace": "shop"}, ["crash", "oom"]),
    "reason": ({"reason": "NodeNotReady"}, ["node"]),
    "title words": ({"q": "checkout"}, ["crash"]),
    "event message": ({"q": "Failed Container"}, ["crash"]),
    "root-cause summary": ({"q": "disk filled"}, ["node"]),
    "open is not resolved": ({"status": "open"}, ["crash", "node", "odd"]),
    "resolved": ({"status": "resolved"}, ["oom"]),
    "status and severity": ({"status": "open", "severity": "critical"}, ["crash"]),
    "cluster": ({"cluster": "staging"}, ["node"]),
    "unknown cluster": ({"cluster": "nowhere"}, []),
    "last 24 hours": ({"period": "24h"}, ["crash"]),
    "last 7 days": ({"period": "7d"}, ["crash", "oom"]),
    "last 30 days": ({"period": "30d"}, ["crash", "oom", "node"]),
    "between": ({"since": (timezone.now() - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
                 "before": (timezone.now() - timedelta(days=1)).isoformat()}, ["oom", "node"]),
    "everything combined": ({"q": "restarting", "workload": "check", "namespace": "shop", "reason": "CrashLoopBackOff",
                             "status": "open", "severity": "critical", "cluster": "prod", "period": "7d"}, ["crash"]),
    "percent is literal": ({"q": "100%"}, ["odd"]),
    "underscore is literal": ({"q": "%_d"}, ["odd"]),
    "a lone underscore": ({"q": "_"}, ["odd"]),
    "quotes": ({"q": "'quoted'"}, ["odd"]),
    "backslash": ({"q": "\\path"}, ["odd"]),
    "markup": ({"q": "<script>alert(1)</script>"}, ["odd"]),
    "unicode": ({"q": "Ünïcødé"}, ["odd"]),
    "nothing matches": ({"q": "no such words"}, []),
    "sql": ({"q": "' OR 1=1 --"}, []),
}


def test_the_page_and_the_api_find_the_same_incidents(world, browser, api):
    for label, (query, expected) in SEARCHES.items():
        wanted = [world[name].pk for name in expected]
        page = browser.get("/console/incidents/", query)
        assert page.status_code == 200, label
        assert page_ids(page) == wanted, label
        answer = api.get("/api/v1/incidents/", query)
        assert answer.status_code == 200, (label, answer.content[:300])
        assert api_ids(answer) == wanted and answer.json()["count"] == len(wanted), label
        assert ("No incident matches." in page.content.decode()) == (not expected), label


def test_the_page_shows_each_incident_escaped_with_its_times_and_links(world, browser):
    entry = audit("incident.acknowledged", incident=world["node"], target=world["node"], message="on it")
    text = browser.get("/console/incidents/").content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "Ünïcødé" in text
    assert f'href="/console/incidents/{world["crash"].pk}/"' in text
    row = text[text.index(f'id="history-{world["node"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Acknowledged" in row and "staging" in row and "node-7" in row
    opened, changed = re.findall(r'<time class="reltime one-line" datetime="([^"]+)"', row)
    assert (opened, changed) == (to_the_second(world["node"].opened_at), to_the_second(entry.at))  # its newest entry
    crash = text[text.index(f'id="history-{world["crash"].pk}"'):]
    crash = crash[:crash.index("</tr>")]
    assert crash.count(f'datetime="{to_the_second(world["crash"].opened_at)}"') == 2  # no timeline: opened = changed
    assert "4 incidents" in text
    assert 'href="/console/incidents/"' in browser.get("/console/").content.decode()  # linked from the header


def test_a_search_word_is_echoed_escaped_in_the_form(world, browser):
    text = browser.get("/console/incidents/", {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in text and "&quot;&gt;&lt;script&gt;x&lt;/script&gt;" in text


def test_results_come_in_pages_with_links_and_a_total(browser, api):
    everything = [make_incident(f"Incident {n}", name=f"app-{n}", age=timedelta(minutes=n)) for n in range(60)]
    newest_first = [incident.pk for incident in everything]
    first = browser.get("/console/incidents/", {"namespace": "shop", "page_size": 25})
    text = first.content.decode()
    assert page_ids(first) == newest_first[:25]
    assert "60 incidents; 1 to 25 shown" in text
    assert 'href="?namespace=shop&amp;page_size=25&amp;page=2"' in text
    assert 'href="?namespace=shop&amp;page_size=25&amp;page=3"' in text
    third = {"namespace": "shop", "page": 3, "page_size": 25}
    assert page_ids(browser.get("/console/incidents/", third)) == newest_first[50:]
    answer = api.get("/api/v1/incidents/", {"namespace": "shop", "page": 2, "page_size": 25}).json()
    assert answer["count"] == 60 and api_ids_of(answer) == newest_first[25:50]
    assert "page=3" in answer["next"] and "namespace=shop" in answer["next"]
    # The same pages by default (50), and the same reading of a page size out of bounds.
    for query, expected in [({"page": 2}, newest_first[50:]), ({"page_size": 0}, newest_first[:50]),
                            ({"page_size": "many"}, newest_first[:50]), ({"page_size": 10_000}, newest_first)]:
        assert page_ids(browser.get("/console/incidents/", query)) == expected, query
        assert api_ids(api.get("/api/v1/incidents/", query)) == expected, query


def api_ids_of(answer: dict[str, Any]) -> list[int]:
    return [incident["id"] for incident in answer["results"]]


REFUSED = {
    "status": {"status": "closed"},
    "severity": {"severity": "fatal"},
    "period": {"period": "1y"},
    "since": {"since": "yesterday"},
    "before": {"since": "2026-11-28T10:00:00Z", "before": "2026-11-01T00:00:00Z"},
    "q": {"q": "x" * 10_000},
    "workload": {"workload": "a\x00b"},
    "namespace": {"namespace": "n" * 300},
}


def test_a_parameter_that_cannot_be_read_is_refused_by_name(world, browser, api):
    for name, query in REFUSED.items():
        answer = api.get(f"/api/v1/incidents/?{urlencode(query)}")
        assert answer.status_code == 400 and list(answer.json()) == [name], (name, answer.content[:300])
        page = browser.get(f"/console/incidents/?{urlencode(query)}")
        text = page.content.decode()
        assert page.status_code == 400 and page_ids(page) == [], name
        problems = text[text.index('id="incident-problems"'):]
        assert f"<strong>{name}</strong>:" in problems[:problems.index("</ul>")], name


def test_a_page_that_does_not_exist_is_said_on_the_page(world, browser):
    for number in ("9", "abc", "0"):
        page = browser.get("/console/incidents/", {"page": number})
        assert page.status_code == 400 and "pages are numbered 1 to 1" in page.content.decode()


def test_the_page_needs_a_login_and_the_api_its_token(world):
    response = Client().get("/console/incidents/", {"q": "checkout"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/api/v1/incidents/", {"q": "checkout"}).status_code == 401
    bad = Client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/incidents/", {"q": "checkout"})
    assert bad.status_code == 401


def test_the_schema_documents_every_search_parameter(browser):
    schema = browser.get("/api/schema/?format=json").json()
    listed = {p["name"]: p for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    for name in ("q", "workload", "namespace", "reason", "status", "severity", "cluster", "period", "since",
                 "before", "page", "page_size"):
        assert name in listed, name
    assert set(listed["status"]["schema"]["enum"]) == {"open", "acknowledged", "resolved"}
    assert set(listed["period"]["schema"]["enum"]) == {"24h", "7d", "30d"}


def test_an_incident_keeps_only_its_own_events_in_searches(world, api):
    """An event of no incident (or of another) with the words does not bring an incident along."""
    make_event(message="back-off restarting failed container app", reason="NodeNotReady", fingerprint="stray")
    assert api_ids(api.get("/api/v1/incidents/", {"reason": "NodeNotReady"})) == [world["node"].pk]
    assert ClusterEvent.objects.filter(incident__isnull=True).count() == 1
