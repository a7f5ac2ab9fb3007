"""Console pages rendered for a logged-in user: the incident page shows events, steps with their output
and verification, and the timeline; both pages refresh from their own panel URL."""

from __future__ import annotations

import pytest
from django.test import Client

from incidents.audit import audit
from incidents.models import ClusterEvent, Incident
from remediation.models import PlaybookRun, StepRun
from tests.factories import make_event, make_playbook, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    client = Client()
    client.force_login(make_user("oncall", "remediation.view_steprun"))  # may read what steps' tools answered
    return client


def test_the_incident_page_shows_events_steps_and_timeline(client):
    event = make_event(message="Container app is crash-looping", flapping=True)
    incident = Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key,
                                       title="CrashLoopBackOff: shop/checkout")
    ClusterEvent.objects.filter(pk=event.pk).update(incident=incident)
    run = PlaybookRun.objects.create(playbook=make_playbook("restart"), incident=incident, trigger_event=event)
    StepRun.objects.create(run=run, order=1, name="Restart", server="kubernetes", tool="rollout_restart",
                           arguments={"name": "checkout"}, risk="MEDIUM", status="succeeded", attempts=2,
                           output="deployment.apps/checkout restarted", verified=True,
                           verification="CrashLoopBackOff resolved within 60s of Restart")
    audit("incident.opened", incident=incident, target=incident, message="Opened by rule crashloop")

    page = client.get(f"/console/incidents/{incident.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    for expected in ("CrashLoopBackOff: shop/checkout", "Container app is crash-looping", "(flapping)",
                     "rollout_restart", "deployment.apps/checkout restarted", "(2 attempts)",
                     "resolved within 60s", "Opened by rule crashloop",
                     f'data-refresh="/console/incidents/{incident.pk}/panel/"'):
        assert expected in text, expected
    assert client.get(f"/console/incidents/{incident.pk}/panel/").status_code == 200
    console = client.get("/console/").content.decode()
    assert f'href="/console/incidents/{incident.pk}/"' in console and 'data-refresh="/console/panels/"' in console


def test_step_output_is_hidden_from_a_user_without_the_permission_to_read_it():
    event = make_event()
    incident = Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, title="t")
    run = PlaybookRun.objects.create(playbook=make_playbook("logs"), incident=incident, trigger_event=event)
    StepRun.objects.create(run=run, order=1, name="Logs", server="kubernetes", tool="get_pod_logs", risk="LOW",
                           status="succeeded", output="connecting to orders-db as checkout")
    viewer = Client()
    viewer.force_login(make_user("viewer"))
    pages = [viewer.get(f"/console/incidents/{incident.pk}/").content.decode(),
             viewer.get(f"/console/incidents/{incident.pk}/panel/").content.decode(),
             viewer.get("/console/panels/").content.decode()]
    for page in pages:
        assert "connecting to orders-db" not in page and "Output hidden" in page
    approver = Client()
    approver.force_login(make_user("approver", "remediation.approve_medium"))
    assert "connecting to orders-db" in approver.get(f"/console/incidents/{incident.pk}/").content.decode()


def test_an_unknown_incident_is_404_and_the_page_needs_a_login(client):
    assert client.get("/console/incidents/999999/").status_code == 404
    response = Client().get("/console/incidents/1/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_approval_card_says_what_triggered_it_and_links_its_incident(client):
    from tests.factories import make_pending_approval

    approval = make_pending_approval()
    event = make_event(message="Container app is crash-looping (7 restarts)")
    PlaybookRun.objects.filter(pk=approval.step_run.run_id).update(trigger_event=event)
    text = client.get("/console/").content.decode()
    assert "Because: <strong>CrashLoopBackOff</strong> Container app is crash-looping (7 restarts)" in text
    assert f'href="/console/incidents/{approval.step_run.run.incident_id}/"' in text


def test_analyse_root_cause_is_queued_as_the_signed_in_user_and_the_timeline_says_who_asked(
        client, monkeypatch, django_capture_on_commit_callbacks):
    from incidents import tasks as incident_tasks
    from incidents.models import AuditEntry

    incident = Incident.objects.create(fingerprint="f" * 40, group_key="g" * 40, title="OOMKilled: shop/checkout")
    queued: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(incident_tasks.run_rca, "apply_async",
                        lambda args=(), kwargs=None, **options: queued.append((tuple(args), kwargs or {})))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/console/incidents/{incident.pk}/rca/", HTTP_X_REQUESTED_WITH="fetch")
    assert answer.status_code == 200 and answer.json()["ok"]
    [(args, kwargs)] = queued
    incident_tasks.run_rca(*args, **kwargs)  # the worker (the incident has no cluster: the engine still answers)
    entry = AuditEntry.objects.get(action="rca.completed", incident=incident)
    assert (entry.actor.username, entry.via) == ("oncall", "console")


def test_every_severity_risk_and_status_has_a_badge_tone_and_times_read_as_how_long_ago():
    from aiops_project.templatetags.console_ui import TONES, badge, relative
    from incidents.models import EventStatus, Severity
    from remediation.models import Approval, Risk, StepRun

    for choices in (Severity, Risk, Incident.Status, EventStatus, PlaybookRun.Status, StepRun.Status,
                    Approval.Status):
        assert set(choices.values) <= set(TONES), choices
    assert badge("failed") == '<span class="badge one-line tone-bad">failed</span>'
    assert badge("succeeded", "Succeeded", id="run-<1>") == (
        '<span class="badge one-line tone-ok" id="run-&lt;1&gt;">Succeeded</span>')
    assert badge("<b>") == '<span class="badge one-line tone-neutral">&lt;b&gt;</span>'
    assert [relative(s) for s in (3, 42, 185, 7200, 3 * 86400 + 5, -600)] == [
        "just now", "42 s ago", "3 min ago", "2 h ago", "3 d ago", "in 10 min"]
