"""Remediation that listens to the root cause, end to end on the simulated cluster.

Two deployments crash-loop: one because its database refuses connections, one on a bug of its own. The
shipped crashloop playbook looks first (LOW), then the root cause is analysed before the restart (MEDIUM) is
put to anyone: for the dependency the restart is skipped and the operators are told why; for the bug the
approval asks, with the verdict and whether the restart fits it, on every channel (console, API, chat).
Tasks are called in order, as a worker would.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aiops_project import notices
from aiops_project.notices import Notice
from chat.formatting import approval_card
from incidents.detection import poll_cluster
from incidents.models import AuditEntry, Cluster, RootCauseReport, Rule
from remediation.models import Approval, PlaybookRun, StepRun
from remediation.verdict import advice, skip_reason
from tests.factories import drive_run, make_user
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {
    "name": "causes",
    "namespaces": ["shop"],
    "nodes": [{"name": "sim-node-1"}],
    "deployments": [
        {"name": "checkout", "namespace": "shop", "image": "registry.example.com/shop/checkout:1.4.2",
         "state": "crashloop", "logs": "INFO connecting to orders-db.shop.svc:5432\nTraceback (most recent call "
                                       "last):\n  File \"/app/db.py\", line 57, in connect\n"
                                       "ConnectionRefusedError: [Errno 111] Connection refused\n"},
        {"name": "recommender", "namespace": "shop", "image": "registry.example.com/shop/recommender:2.0.0",
         "state": "crashloop", "logs": "panic: runtime error: invalid memory address or nil pointer dereference\n"
                                       "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\n"
                                       "goroutine 1 [running]:\nmain.(*Model).Score(...)\n"},
    ],
}


@pytest.fixture
def heard() -> Iterator[list[Notice]]:
    got: list[Notice] = []
    notices.register_sink("test-heard", got.append)
    yield got
    notices.unregister_sink("test-heard")


@pytest.fixture
def runs(tmp_path: Path, heard: list[Notice], django_capture_on_commit_callbacks) -> Iterator[dict[str, PlaybookRun]]:
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        call_command("load_defaults")
        cluster = Cluster.objects.create(name="sim-causes", kind=Cluster.Kind.KUBECONFIG,
                                         kubeconfig_path=str(kubeconfig))
        poll_cluster(cluster.pk)
        found = {run.incident.object_name: run for run in PlaybookRun.objects.select_related("incident")}
        with django_capture_on_commit_callbacks() as callbacks:
            for run in found.values():
                drive_run(run)
        # What would reach the sinks on commit (the notices; the enqueued tasks are run above, in order).
        for callback in callbacks:
            if not isinstance(callback, partial) and "deliver" in callback.__code__.co_names:
                callback()
        yield found


def test_a_crash_caused_by_a_dependency_skips_the_restart_and_says_why(runs, heard):
    run = runs["checkout"]
    run.refresh_from_db()
    assert run.rca_state == PlaybookRun.Rca.DONE and run.rca_report.category == "dependency_unreachable"
    statuses = list(run.step_runs.order_by("order").values_list("status", flat=True))
    assert statuses == ["succeeded", "succeeded", "skipped"]
    restart = run.step_runs.get(tool="rollout_restart")
    assert "dependency_unreachable" in restart.output and "restarting will likely not help" in restart.output
    assert not Approval.objects.filter(step_run=restart).exists()  # nobody was asked
    assert run.status == PlaybookRun.Status.SUCCEEDED
    assert AuditEntry.objects.filter(action="step.skipped", details__reason="rca").exists()
    told = [n.text for n in heard if n.kind == "step.finished" and n.incident_id == run.incident_id]
    assert any("restarting will likely not help" in text for text in told), told


def test_an_approval_shows_the_verdict_and_the_fit_in_every_channel(runs, heard, client):
    run = runs["recommender"]
    run.refresh_from_db()
    restart = run.step_runs.get(tool="rollout_restart")
    assert restart.status == StepRun.Status.WAITING_APPROVAL
    approval = Approval.objects.get(step_run=restart)
    assert approval.verdict["category"] == "application_crash" and approval.verdict["fit"] == "fits"
    assert approval.verdict["report_id"] == run.rca_report_id
    assert RootCauseReport.objects.filter(incident=run.incident).count() == 1  # analysed once for the run

    # Chat (Slack and Telegram get the same notice and card), the API, the console.
    requested = [n.text for n in heard if n.kind == "approval.requested" and n.approval_id == approval.pk]
    assert requested and "RCA: application_crash" in requested[0]
    assert "RCA: application_crash" in approval_card(approval).text
    user = make_user("oncall", "remediation.approve_medium")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    listed = api.get("/api/v1/approvals/").json()
    item = next(a for a in (listed["results"] if isinstance(listed, dict) else listed) if a["id"] == approval.pk)
    assert item["verdict"]["category"] == "application_crash" and item["verdict"]["fit"] == "fits"
    client.force_login(user)
    page = client.get("/console/panels/").content.decode()
    assert f'id="verdict-{approval.pk}"' in page and "application_crash" in page
    incident = client.get(f"/console/incidents/{run.incident_id}/panel/").content.decode()
    assert 'id="rca-chain"' in incident and "nil pointer dereference" in incident
    # The incident page names the evidence chain and the runner-up (the crash the refused connection explains).
    other = client.get(f"/console/incidents/{runs['checkout'].incident_id}/panel/").content.decode()
    assert "explains:" in other and 'id="rca-runner-up"' in other and "application_crash" in other


def test_a_step_conditioned_on_the_cause_and_what_each_tool_fits(runs):
    report = runs["checkout"].rca_report
    step = StepRun(name="notify", tool="rollout_restart", rca_in=["dependency_unreachable"])
    assert skip_reason(step, report) is None
    step.rca_in = ["application_crash"]
    assert "runs only for application_crash" in (skip_reason(step, report) or "")
    assert "no root-cause verdict" in (skip_reason(step, None) or "")
    assert advice("rollout_restart", "dependency_unreachable")[0] == "will_not_help"
    assert advice("set_resources", "oom_killed")[0] == "fits"
    assert advice("get_pod_logs", "oom_killed") == ("unknown", "")


def test_a_rule_can_start_its_playbook_only_for_some_root_causes(tmp_path, heard, django_capture_on_commit_callbacks):
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        call_command("load_defaults")
        Rule.objects.filter(name="crashloop-restart").update(rca_in=["application_crash"])
        cluster = Cluster.objects.create(name="sim-rule", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        poll_cluster(cluster.pk)
        found = {run.incident.object_name: run for run in PlaybookRun.objects.select_related("incident")}
        with django_capture_on_commit_callbacks() as callbacks:
            statuses = {name: drive_run(run) for name, run in found.items()}
    for callback in callbacks:
        if not isinstance(callback, partial) and "deliver" in callback.__code__.co_names:
            callback()
    # Nothing of the crashloop playbook runs for a dependency's crash, not even the LOW steps; the bug's run goes on.
    assert statuses["checkout"] == ["skipped", "skipped", "skipped"]
    assert statuses["recommender"] == ["succeeded", "succeeded", "waiting_approval"]
    skipped = PlaybookRun.objects.get(pk=found["checkout"].pk)
    assert skipped.status == PlaybookRun.Status.SKIPPED and skipped.rca_in == ["application_crash"]
    told = [n.text for n in heard if n.incident_id == skipped.incident_id and "Not run" in n.text]
    assert told == [f"Playbook crashloop-remediation for incident #{skipped.incident_id}: Not run: the root cause is "
                    "dependency_unreachable; its rule starts crashloop-remediation only for application_crash"]


def test_root_cause_conditions_name_known_categories():
    from django.core.exceptions import ValidationError

    from incidents.rca.conditions import validate_rca_categories
    from remediation.definitions import StepSpec

    validate_rca_categories(["dependency_unreachable", "config_error"])
    with pytest.raises(ValidationError, match="unknown root-cause categories gremlins"):
        validate_rca_categories(["gremlins"])
    with pytest.raises(ValueError, match="rca_not_in"):
        StepSpec(name="restart", tool="rollout_restart", risk="MEDIUM", rca_not_in=["gremlins"])
