"""The shipped rules and playbooks, end to end on the simulated cluster.

A scenario with an OOM-killed deployment, an image that cannot be pulled and a node that stopped
reporting Ready is served by the simulated cluster (kmock) in its own process. The real default
rules and playbooks are imported; one poll detects the three failures; the rules open incidents,
notify, and start the playbooks; LOW steps run at once through the bundled Kubernetes MCP server; the
HIGH steps wait until someone allowed to approve HIGH does so by API, then change the cluster. Tasks
are called in order, as a worker would (what they enqueue is not run by itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.detection import poll_cluster
from incidents.models import AuditEntry, Cluster, Incident
from remediation.models import Approval, PlaybookRun, StepRun
from tests.factories import drive_run, make_user
from tests.simulated import read, simulated_cluster

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = {
    "name": "defaults",
    "namespaces": ["shop"],
    "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2", "ready": False}],
    "deployments": [
        {"name": "cart", "namespace": "shop", "image": "registry.example.com/shop/cart:3.1.0", "state": "oomkilled",
         "logs": "loading 2.1 GB catalogue into memory\n"},
        {"name": "search", "namespace": "shop", "image": "registry.example.com/shop/search:9.9.9-typo",
         "state": "imagepull"},
        {"name": "frontend", "namespace": "shop", "image": "registry.example.com/shop/frontend:2.8.0"},
    ],
}


def approve(step: StepRun, user: Any) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    approval = Approval.objects.get(step_run=step)
    response = client.post(f"/api/v1/approvals/{approval.pk}/approve", {"reason": "runbook says so"}, format="json")
    return response.status_code


@pytest.fixture
def simcluster(tmp_path: Path) -> Iterator[Path]:
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        yield kubeconfig


def test_the_default_rules_detect_notify_and_remediate_with_approval(simcluster: Path) -> None:
    call_command("load_defaults")
    cluster = Cluster.objects.create(name="sim-defaults", kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(simcluster))
    poll_cluster(cluster.pk)

    incidents = {i.object_name: i for i in Incident.objects.filter(cluster=cluster)}
    assert set(incidents) == {"cart", "search", "sim-node-2"}
    runs = {run.playbook.name: run for run in PlaybookRun.objects.select_related("playbook")}
    assert set(runs) == {"oomkilled-remediation", "imagepull-diagnosis", "node-not-ready"}
    notified = AuditEntry.objects.filter(action="operators.notified").values_list("details__rule", flat=True)
    assert sorted(notified) == ["image-pull-failure", "node-not-ready", "oomkilled-raise-memory"]

    # LOW steps ran on their own; the HIGH ones wait.
    assert drive_run(runs["imagepull-diagnosis"]) == ["succeeded", "succeeded"]
    describe = runs["imagepull-diagnosis"].step_runs.get(order=1)
    assert "ImagePullBackOff" in describe.output
    assert describe.structured["containers"][0]["state"]["reason"] == "ImagePullBackOff"  # kept, structured
    assert drive_run(runs["oomkilled-remediation"])[::2] == ["succeeded", "waiting_approval"]
    assert drive_run(runs["node-not-ready"]) == ["succeeded", "waiting_approval"]
    raise_memory = runs["oomkilled-remediation"].step_runs.get(tool="set_resources")
    cordon = runs["node-not-ready"].step_runs.get(tool="cordon_node")
    assert raise_memory.arguments == {"namespace": "shop", "kind": "Deployment", "name": "cart", "container": "cart",
                                      "memory_limit_factor": 1.5, "max_memory_limit": "8Gi"}
    assert cordon.arguments == {"name": "sim-node-2"}

    # Someone who may approve only MEDIUM cannot; someone who may approve HIGH can.
    assert approve(raise_memory, make_user("junior", "remediation.approve_medium")) == 403
    senior = make_user("senior", "remediation.approve_medium", "remediation.approve_high")
    assert approve(raise_memory, senior) == 200
    assert approve(cordon, senior) == 200
    assert drive_run(runs["oomkilled-remediation"])[2] == "succeeded"
    assert drive_run(runs["node-not-ready"]) == ["succeeded", "succeeded"]

    cart = read(simcluster, "/apis/apps/v1/namespaces/shop/deployments/cart")
    assert cart["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] == "384Mi"
    assert read(simcluster, "/api/v1/nodes/sim-node-2")["spec"]["unschedulable"] is True
    assert read(simcluster, "/api/v1/nodes/sim-node-1")["spec"].get("unschedulable") is None
    for name in ("oomkilled-remediation", "node-not-ready", "imagepull-diagnosis"):
        runs[name].refresh_from_db()
        assert runs[name].status == PlaybookRun.Status.SUCCEEDED, name
