"""The console's pictures: the incident page's timeline chart (signals, runs and decisions on one time axis,
with a table saying the same) and the overview page's figures, checked against data worked out by hand."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents.models import ClusterEvent, Incident, make_fingerprint
from remediation.incident_chart import MAX_RUNS, MAX_SIGNALS, incident_chart
from remediation.models import Approval, PlaybookRun, StepRun
from remediation.overview import figures
from remediation.svg import TimeScale, exact, nice_maximum, value_ticks
from tests.factories import make_event, make_playbook, make_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def client() -> Client:
    client = Client()
    client.force_login(make_user("oncall"))
    return client


def make_incident(opened_at, severity="critical", name="checkout", **fields) -> Incident:
    key = make_fingerprint(name, opened_at)
    return Incident.objects.create(fingerprint=key, group_key=key, title=f"trouble with {name}", severity=severity,
                                   namespace="shop", object_kind="Deployment", object_name=name,
                                   opened_at=opened_at, **fields)


def make_run(incident, playbook, status, created_at, finished_at=None, by=None) -> PlaybookRun:
    return PlaybookRun.objects.create(playbook=playbook, incident=incident, status=status, created_at=created_at,
                                      finished_at=finished_at, requested_by=by)


def make_decision(run, status, requested_at, decided_at=None, by=None, order=None) -> Approval:
    step = StepRun.objects.create(run=run, order=order or run.step_runs.count() + 1, name="Restart",
                                  server="kubernetes", tool="rollout_restart", risk="MEDIUM", status=status)
    return Approval.objects.create(step_run=step, status=status, requested_at=requested_at,
                                   expires_at=requested_at + timedelta(minutes=10), decided_at=decided_at,
                                   decided_by=by, decided_via="web" if by else "system")


def test_the_incident_chart_draws_each_signal_run_and_decision_on_one_axis(client):
    now = timezone.now()
    base = now - timedelta(hours=1)
    incident = make_incident(base)
    alice = make_user("alice")
    kwargs = {"incident": incident, "message": "back-off restarting"}
    make_event(reason="CrashLoopBackOff", object_name="checkout-abc", occurred_at=base, **kwargs)
    make_event(reason="CrashLoopBackOff", object_name="checkout-abc", status="resolved",
               occurred_at=base + timedelta(minutes=10), **kwargs)
    make_event(reason="OOMKilled", object_name=SCRIPT, occurred_at=base + timedelta(minutes=20), **kwargs)
    run = make_run(incident, make_playbook("restart"), "succeeded", base + timedelta(minutes=5),
                   base + timedelta(minutes=15))
    make_decision(run, "approved", base + timedelta(minutes=6), base + timedelta(minutes=8), by=alice)
    make_decision(run, "expired", base + timedelta(minutes=7), base + timedelta(minutes=17))
    waiting = make_run(incident, make_playbook("drain"), "waiting_approval", base + timedelta(minutes=40))
    pending = make_decision(waiting, "pending", base + timedelta(minutes=41))
    Approval.objects.filter(pk=pending.pk).update(first_approved_by=make_user("bob"),
                                                  first_approved_at=base + timedelta(minutes=42))

    chart = incident_chart(incident)
    kinds = [row.kind for row in chart.rows]
    assert kinds == ["signal", "signal", "run", "run", "approvals"]
    crash, oom, run_row, waiting_row, approvals = chart.rows
    assert crash.label == "CrashLoopBackOff shop/checkout-abc" and oom.label == f"OOMKilled shop/{SCRIPT}"
    assert [(s.start, s.end) for s in crash.spans] == [(base, base + timedelta(minutes=10))]
    assert [(s.start, s.end) for s in oom.spans] == [(base + timedelta(minutes=20), None)]
    # Drawn in time order, left to right: the resolved span ends before the still-firing one starts.
    assert crash.spans[0].x + crash.spans[0].width <= oom.spans[0].x < chart.plot_x1
    assert abs(oom.spans[0].x + oom.spans[0].width - chart.now_x) <= 1 < chart.plot_x1 - chart.now_x  # to now
    assert crash.spans[0].x < run_row.spans[0].x < approvals.markers[0].x < approvals.markers[1].x
    assert [m.text.split(": ")[1].split(" at ")[0] for m in approvals.markers] == [
        "approved by alice via web", "expired", "first of two approvals by bob"]
    assert [(s.start, s.end) for s in approvals.spans] == [(base + timedelta(minutes=41), None)]  # still pending
    assert [(s.start, s.end) for s in waiting_row.spans] == [(base + timedelta(minutes=40), None)]
    assert chart.ticks and all(chart.plot_x0 <= t.x <= chart.plot_x1 for t in chart.ticks)

    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    svg = page[page.index('<svg id="incident-chart"'):page.index("</svg>", page.index('<svg id="incident-chart"'))]
    assert svg.count('class="span"') == 5 and svg.count('data-still="1"') == 3 and svg.count('class="marker"') == 3
    assert f"<title>CrashLoopBackOff shop/checkout-abc: firing {exact(base)} → resolved " in svg
    assert "2 signals (1 still firing), 2 playbook runs, 3 approval decisions" in svg  # the <desc>
    table = page[page.index('id="incident-chart-text"'):]
    for fact in (f"firing {exact(base)} → resolved {exact(base + timedelta(minutes=10))}",
                 f"firing {exact(base + timedelta(minutes=20))} → still firing",
                 f"Succeeded: started {exact(base + timedelta(minutes=5))} → ended "
                 f"{exact(base + timedelta(minutes=15))}",
                 f"approved by alice via web at {exact(base + timedelta(minutes=8))}",
                 f"first of two approvals by bob at {exact(base + timedelta(minutes=42))}",
                 f"asked {exact(base + timedelta(minutes=41))}, still pending",
                 f"Incident opened {exact(base)}"):
        assert fact in table, fact
    assert SCRIPT not in page and "OOMKilled shop/&lt;script&gt;alert(1)&lt;/script&gt;" in page
    panel = client.get(f"/console/incidents/{incident.pk}/panel/").content.decode()
    assert 'id="incident-chart"' in panel


def test_an_incident_with_500_events_keeps_to_a_few_rows_and_queries(client, django_assert_max_num_queries):
    start = timezone.now() - timedelta(hours=5)
    incident = make_incident(start)
    ClusterEvent.objects.bulk_create([
        ClusterEvent(fingerprint=make_fingerprint(i % 40), group_key=incident.group_key, source="kubernetes",
                     reason=f"Reason{i % 40}", status="firing" if i % 2 == 0 else "resolved", namespace="shop",
                     object_kind="Pod", object_name=f"pod-{i % 40}", occurred_at=start + timedelta(seconds=30 * i),
                     incident=incident)
        for i in range(500)])
    playbook = make_playbook("restart")
    for minute in range(12):
        make_run(incident, playbook, "failed", start + timedelta(minutes=minute), start + timedelta(minutes=minute + 1))
    with django_assert_max_num_queries(10):
        chart = incident_chart(incident)
    kinds = [row.kind for row in chart.rows]
    assert kinds == ["signal"] * MAX_SIGNALS + ["more"] + ["run"] * MAX_RUNS + ["more"]
    assert chart.rows[MAX_SIGNALS].label == "28 more signals" and chart.rows[-1].label == "2 more runs"
    page = client.get(f"/console/incidents/{incident.pk}/")
    assert page.status_code == 200 and "28 more signals" in page.content.decode()


def overview_data():
    """Three incidents in the last week and one 40 days ago; the expected figures are worked out beside them."""
    now = timezone.now()
    alice, bob = make_user("alice"), make_user("bob")
    restart, scale = make_playbook("restart"), make_playbook("scale-up")
    # 1: acknowledged after 10 min, but alice rejected its approval after 6 min: acknowledged at 6 min.
    first = make_incident(now - timedelta(days=3), acknowledged_at=now - timedelta(days=3) + timedelta(minutes=10),
                          resolved_at=now - timedelta(days=3) + timedelta(hours=1), status="resolved")
    run = make_run(first, restart, "rejected", first.opened_at)
    make_decision(run, "rejected", first.opened_at + timedelta(minutes=1), first.opened_at + timedelta(minutes=6),
                  by=alice)  # 5 min to decide
    # 2: a person decided after 20 min (and again after 31 min): acknowledged at 20 min; resolved after 3 h.
    second = make_incident(now - timedelta(days=1), severity="warning", name=SCRIPT, status="resolved",
                           resolved_at=now - timedelta(days=1) + timedelta(hours=3))
    run = make_run(second, restart, "succeeded", second.opened_at, second.opened_at + timedelta(minutes=40))
    make_decision(run, "approved", second.opened_at + timedelta(minutes=5), second.opened_at + timedelta(minutes=20),
                  by=bob)  # 15 min
    make_decision(run, "approved", second.opened_at + timedelta(minutes=30),
                  second.opened_at + timedelta(minutes=31), by=alice)  # 1 min
    # 3: a rule's run after 1 min (not a person), its approval expired; alice started a run after 30 min.
    third = make_incident(now - timedelta(hours=2))
    run = make_run(third, restart, "expired", third.opened_at + timedelta(minutes=1))
    make_decision(run, "expired", third.opened_at + timedelta(minutes=2), third.opened_at + timedelta(minutes=12))
    make_run(third, scale, "failed", third.opened_at + timedelta(minutes=30), by=alice)
    # ... but bob had given the first of two approvals of a HIGH step after 25 min: acknowledged at 25 min.
    pending = make_decision(run, "pending", third.opened_at + timedelta(minutes=24))
    Approval.objects.filter(pk=pending.pk).update(first_approved_by=bob,
                                                  first_approved_at=third.opened_at + timedelta(minutes=25))
    # 4: outside the last 7 days, inside the last 90.
    old = make_incident(now - timedelta(days=40), severity="info", name="search")
    make_run(old, restart, "succeeded", old.opened_at, old.opened_at + timedelta(minutes=1))
    for incident, events in ((first, 3), (second, 1), (third, 2)):
        for i in range(events):
            make_event(incident=incident, object_name=f"{incident.object_name}-{i}", occurred_at=incident.opened_at)
    return first, second, third


def _table(page: str, name: str) -> str:
    start = page.index(f'id="{name}-text"')
    return re.sub(r"\s+", " ", page[start:page.index("</details>", start)])


def test_the_overview_shows_the_figures_worked_out_by_hand(client, django_assert_max_num_queries):
    first, second, third = overview_data()
    with django_assert_max_num_queries(14):  # aggregated by the database: as many whatever the data
        page = client.get("/console/overview/").content.decode()

    assert "Incidents per day, by severity (3)" in page
    by_day = _table(page, "by-day")
    expected: dict[str, list[int]] = {}
    for incident, column in ((first, 0), (second, 1), (third, 0)):
        expected.setdefault(incident.opened_at.strftime("%b %d"), [0, 0, 0])[column] += 1
    for label, counts in expected.items():
        assert f'<th scope="row">{label}</th>' + "".join(f"<td>{n}</td>" for n in counts) + f"<td>{sum(counts)}</td>" \
            in by_day, label
    assert by_day.count('<th scope="row">') == 7 and by_day.count("<td>0</td><td>0</td><td>0</td><td>0</td>") == \
        7 - len(expected)

    # Acknowledged after 6, 20 and 25 min: 17 min. Resolved after 1 h and 3 h: 2 h.
    assert '<strong id="mtta">17m</strong>' in page and "over 3 acknowledged incidents" in page
    assert '<strong id="mttr">2h 0m</strong>' in page and "over 2 resolved incidents" in page
    # Two approved, one rejected, one expired, one pending; decided in 5, 15 and 1 min: mean 7 min, median 5 min.
    approvals = _table(page, "approvals")
    assert '<th scope="row">Approvals</th><td>2</td><td>1</td><td>1</td><td>1</td><td>5</td>' in approvals
    assert "mean <strong>7m</strong>, median <strong>5m</strong>" in page
    workloads = _table(page, "workloads")
    assert "Deployment shop/checkout</th><td>2</td><td>2</td><td>5 events</td>" in workloads
    assert "Deployment shop/&lt;script&gt;alert(1)&lt;/script&gt;</th><td>1</td><td>1</td><td>1 event</td>" \
        in workloads
    playbooks = _table(page, "playbooks")
    # Columns: succeeded, failed, rejected, expired, skipped, waiting, running; total; success rate.
    assert ('<th scope="row">restart</th><td>1</td><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td>'
            "<td>3</td><td>33% succeeded</td>") in playbooks
    assert ('<th scope="row">scale-up</th><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>'
            "<td>1</td><td>0% succeeded</td>") in playbooks
    assert SCRIPT not in page

    # The pictures say the same: bar lengths in proportion to the counts, on a scale that fits the longest.
    figures_of_the_week = figures(7)
    by_day, playbook_bars = figures_of_the_week["by_day"], figures_of_the_week["playbooks"]
    x0, y0, x1, y1 = by_day.plot
    assert max(bar.total for bar in by_day.bars) == by_day.maximum
    for bar in by_day.bars:
        assert sum(s.height for s in bar.segments) == pytest.approx(bar.total / by_day.maximum * (y1 - y0), abs=0.2)
    x0, y0, x1, y1 = playbook_bars.plot
    assert [round(sum(s.width for s in bar.segments) / (x1 - x0) * playbook_bars.maximum)
            for bar in playbook_bars.bars] == [3, 1]

    ninety = client.get("/console/overview/?days=90").content.decode()
    assert "Incidents per day, by severity (4)" in ninety and '<strong aria-current="page">90 days</strong>' in ninety
    assert _table(ninety, "by-day").count('<th scope="row">') == 90
    assert '<th scope="row">restart</th><td>2</td>' in _table(ninety, "playbooks")
    assert "the last 7 days" in client.get("/console/overview/?days=1000").content.decode()


def test_the_overview_of_an_empty_installation_says_so(client):
    response = client.get("/console/overview/?days=30")
    page = response.content.decode()
    assert response.status_code == 200
    for expected in ("No incident in the last 30 days", '<strong id="mtta">n/a</strong>',
                     '<strong id="mttr">n/a</strong>', 'id="no-approvals"', 'id="no-workloads"', 'id="no-runs"'):
        assert expected in page, expected
    assert 'id="overview-link"' in page


def test_an_incident_with_nothing_yet_says_so_instead_of_an_empty_chart(client):
    incident = make_incident(timezone.now())
    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert 'id="incident-chart-empty"' in page and 'id="incident-chart"' not in page


def test_the_pictures_need_a_login():
    incident = make_incident(timezone.now())
    anonymous = Client()
    for url in ("/console/overview/", f"/console/incidents/{incident.pk}/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


@pytest.mark.parametrize(("largest", "ticks"), [(0, [0, 1]), (2, [0, 1, 2]), (3, [0, 1, 2, 3, 4, 5]),
                                                 (7, [0, 2, 4, 6, 8, 10]), (13, [0, 5, 10, 15, 20]),
                                                 (180, [0, 50, 100, 150, 200])])
def test_value_axes_go_up_in_round_steps_to_a_round_end(largest, ticks):
    assert value_ticks(nice_maximum(largest)) == ticks


def test_time_axes_write_the_date_where_the_day_changes():
    start = datetime(2026, 12, 5, 22, 13, 7, tzinfo=UTC)
    assert [t.label for t in TimeScale(start, start + timedelta(hours=5), 0, 700).ticks] == [
        "Dec 05 23:00", "Dec 06 00:00", "01:00", "02:00", "03:00"]
    assert [t.label for t in TimeScale(start, start + timedelta(minutes=7), 0, 700).ticks] == [
        "22:14", "22:15", "22:16", "22:17", "22:18", "22:19", "22:20"]
    assert TimeScale(start, start + timedelta(seconds=40), 0, 700).ticks[0].title == "2026-12-05 22:13:10 UTC"
