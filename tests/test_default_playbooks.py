"""The shipped rules and playbooks, end to end on the simulated cluster.

A scenario with an OOM-killed deployment, an image that cannot be pulled and a node that stopped
reporting Ready is served by the simulated cluster (kmock) in its own process. The real default
rules and playbooks are imported; one poll detects the three failures; the rules open incidents,
notify, and start the playbooks; LOW steps run at once through the bundled Kubernetes MCP server; the
HIGH steps wait until someone allowed to approve HIGH does so by API, then change the cluster. Tasks
are called in order, as a worker would (what they enqueue is not run by itself). A second scenario does the
same for a rollout that fails (rolled back), an autoscaler held at its ceiling (raised) and a node drained after
its cordon (the playbook's `drain` parameter set, as an admin opts in).
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
from remediation.models import Approval, Playbook, PlaybookRun, StepRun
from tests.factories import drive_run, make_user
from tests.helpers import eventually
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
    assert drive_run(runs["node-not-ready"]) == ["succeeded", "waiting_approval", "skipped"]  # no drain: the default
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
    assert drive_run(runs["node-not-ready"]) == ["succeeded", "succeeded", "skipped"]

    cart = read(simcluster, "/apis/apps/v1/namespaces/shop/deployments/cart")
    assert cart["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] == "384Mi"
    assert read(simcluster, "/api/v1/nodes/sim-node-2")["spec"]["unschedulable"] is True
    assert read(simcluster, "/api/v1/nodes/sim-node-1")["spec"].get("unschedulable") is None
    for name in ("oomkilled-remediation", "node-not-ready", "imagepull-diagnosis"):
        runs[name].refresh_from_db()
        assert runs[name].status == PlaybookRun.Status.SUCCEEDED, name


FAILED_ROLLOUT_SCENARIO = {
    "name": "rollout-autoscaler-drain",
    "namespaces": ["shop"],
    "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2", "ready": False}],
    "deployments": [
        # Rolled out minutes ago from 1.4.1 (healthy) to 1.5.0, whose pods crash-loop.
        {"name": "checkout", "namespace": "shop", "image": "registry.example.com/shop/checkout:1.5.0",
         "previous_image": "registry.example.com/shop/checkout:1.4.1", "state": "crashloop",
         "logs": "panic: unknown config key payments.v2\n"},
        {"name": "web", "namespace": "shop", "image": "registry.example.com/shop/web:2.0.0"},
        {"name": "ledger", "namespace": "shop", "image": "registry.example.com/shop/ledger:1.0.0",
         "node": "sim-node-2"},
    ],
    # web at its maximum of 4 replicas, each at 90 % of its CPU requests where 60 % is the target: it wants 6.
    "autoscalers": [{"name": "web", "namespace": "shop", "deployment": "web", "min_replicas": 2, "max_replicas": 4,
                     "target_utilization": 60, "utilization": 90}],
}


def pods_on(kubeconfig: Path, node: str) -> list[str]:
    return [p["metadata"]["name"] for p in read(kubeconfig, "/api/v1/namespaces/shop/pods")["items"]
            if p["spec"].get("nodeName") == node]


@pytest.mark.once  # the playbooks and the simulated cluster are its subject, not the database engine
def test_a_failed_rollout_is_rolled_back_an_autoscaler_raised_and_a_node_drained(tmp_path: Path) -> None:
    call_command("load_defaults")
    Playbook.objects.filter(name="node-not-ready").update(parameters={"drain": True})  # an admin opts in
    with simulated_cluster(tmp_path, FAILED_ROLLOUT_SCENARIO) as kubeconfig:
        cluster = Cluster.objects.create(name="sim-rollout", kind=Cluster.Kind.KUBECONFIG,
                                         kubeconfig_path=str(kubeconfig))
        poll_cluster(cluster.pk)
        runs = {run.playbook.name: run for run in PlaybookRun.objects.select_related("playbook")}
        # The crash loop of the fresh revision is the rollback's, not the restart's (the rule comes first).
        assert set(runs) == {"deployment-rollback", "scale-up", "node-not-ready"}
        assert drive_run(runs["deployment-rollback"]) == ["succeeded", "waiting_approval", "pending"]
        assert drive_run(runs["scale-up"]) == ["succeeded", "waiting_approval", "pending"]
        assert drive_run(runs["node-not-ready"]) == ["succeeded", "waiting_approval", "pending"]
        history, undo, _ = runs["deployment-rollback"].step_runs.order_by("order")
        assert [(r["revision"], r["images"]) for r in history.structured["revisions"]] == [
            (2, ["registry.example.com/shop/checkout:1.5.0"]), (1, ["registry.example.com/shop/checkout:1.4.1"])]
        assert (undo.tool, undo.risk, undo.arguments) == ("rollout_undo", "HIGH", {"namespace": "shop",
                                                                                  "name": "checkout"})
        autoscaler, raise_max, _ = runs["scale-up"].step_runs.order_by("order")
        assert autoscaler.structured["conditions"][-1]["reason"] == "TooManyReplicas"
        # 4 x growth_factor 1.5 = 6, under the ceiling of 20; the approver sees the number.
        assert raise_max.arguments == {"namespace": "shop", "name": "web", "max_replicas": "6", "only_raise": True}
        assert raise_max.risk == "MEDIUM"

        senior = make_user("senior", "remediation.approve_medium", "remediation.approve_high")
        for step in (undo, raise_max, runs["node-not-ready"].step_runs.get(tool="cordon_node")):
            assert approve(step, senior) == 200
        assert drive_run(runs["deployment-rollback"]) == ["succeeded", "succeeded", "succeeded"]
        assert drive_run(runs["scale-up"]) == ["succeeded", "succeeded", "succeeded"]
        assert drive_run(runs["node-not-ready"]) == ["succeeded", "succeeded", "waiting_approval"]
        assert approve(runs["node-not-ready"].step_runs.get(tool="drain_node"), senior) == 200
        assert drive_run(runs["node-not-ready"]) == ["succeeded", "succeeded", "succeeded"]
        drain = runs["node-not-ready"].step_runs.get(tool="drain_node")
        assert [pod.split("/")[1].rsplit("-", 2)[0] for pod in drain.structured["evicted"]] == ["ledger"]

        # The simulated controllers act: the old revision's healthy pods, six web replicas, ledger moved.
        image = eventually(lambda: read(kubeconfig, "/apis/apps/v1/namespaces/shop/deployments/checkout")[
            "spec"]["template"]["spec"]["containers"][0]["image"].endswith("1.4.1"), "the rollback")
        assert image
        eventually(lambda: read(kubeconfig, "/apis/apps/v1/namespaces/shop/deployments/web")["spec"]["replicas"] == 6,
                   "the autoscaler to scale web to 6")
        eventually(lambda: not pods_on(kubeconfig, "sim-node-2") and any(
            p.startswith("ledger-") for p in pods_on(kubeconfig, "sim-node-1")), "ledger's pod on sim-node-1")
        assert read(kubeconfig, "/api/v1/nodes/sim-node-2")["spec"]["unschedulable"] is True
        eventually(lambda: all(p["status"]["containerStatuses"][0]["ready"] for p in read(
            kubeconfig, "/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")["items"]), "checkout running")

        poll_cluster(cluster.pk)
        resolved = dict(Incident.objects.filter(cluster=cluster).values_list("object_name", "status"))
        assert resolved == {"checkout": "resolved", "web": "resolved", "sim-node-2": "open"}  # the node stays down
        for run in runs.values():
            run.refresh_from_db()
            assert run.status == PlaybookRun.Status.SUCCEEDED, run.playbook.name
