"""The shipped deployment-rollback, scale-up and node-not-ready (with its drain) playbooks, end to end on a real API
server whose controllers act: the deployment controller rolls out and back, the HorizontalPodAutoscaler controller
scales (on a metrics API of the test's own, tests/metricsapi.py), the ReplicaSet controller replaces an evicted pod
and the scheduler places it. One poll detects each failure; the default rule starts the playbook; LOW steps run;
the change waits for an approval given by API, then the bundled MCP server makes it. Tasks are called in order,
as a worker would; sim.py plays the kubelet.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from kubernetes import client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.detection import poll_cluster
from incidents.models import Cluster, Incident
from remediation.models import Approval, Playbook, PlaybookRun, StepRun
from tests.factories import drive_run, make_user
from tests.helpers import eventually
from tests.kubetools import TAINT, apply, deploy, namespace, own_node, pods_of, replica_sets, unique, workload
from tests.metricsapi import MetricsApi, metrics_api
from tests.realkube import RealKube

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # not about the database engine: one CI pass


def approve(step: StepRun, *perms: str) -> int:
    api = APIClient()
    user = make_user(unique("approver"), *perms)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    approval = Approval.objects.get(step_run=step)
    return api.post(f"/api/v1/approvals/{approval.pk}/approve", {"reason": "runbook"}, format="json").status_code


def the_run(cluster: Cluster, namespace: str, name: str) -> PlaybookRun:
    [incident] = Incident.objects.filter(cluster=cluster, namespace=namespace, object_name=name)
    [run] = PlaybookRun.objects.filter(incident=incident)
    return run


@pytest.fixture(scope="module")
def metrics(realkube: RealKube, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MetricsApi]:
    with metrics_api(realkube, tmp_path_factory.mktemp("metrics"), unique("metrics")) as api:
        yield api


@pytest.fixture
def defaults() -> None:
    call_command("load_defaults")


def test_a_revision_that_crash_loops_after_its_rollout_is_rolled_back(realkube: RealKube, defaults: None) -> None:
    core, apps = client.CoreV1Api(realkube.api()), client.AppsV1Api(realkube.api())
    ns, node = namespace(realkube, "rollback"), own_node(realkube, unique("node"))
    cluster = Cluster.objects.create(name=unique("real"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig), namespaces=ns)
    [first] = deploy(realkube, core, ns, "checkout", node)
    # Revision 2: its pod starts, passes (no probe), the old one goes; then it crashes, again and again.
    apps.patch_namespaced_deployment("checkout", ns, {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "registry.invalid/checkout:2"}]}}}})
    eventually(lambda: len(pods_of(core, ns, "checkout")) == 2, "revision 2's pod beside revision 1's")
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    eventually(lambda: [p.metadata.name for p in pods_of(core, ns, "checkout")] != [first]
               and len(pods_of(core, ns, "checkout")) == 1, "the rollout to finish")
    realkube.sim("reap", ns)
    realkube.sim("pods", ns, "checkout", "crashloop", "--restarts", "4", "--node", node)

    poll_cluster(cluster.pk)
    run = the_run(cluster, ns, "checkout")
    assert run.playbook.name == "deployment-rollback"  # not the crash-loop restart: it would restart revision 2
    assert run.trigger_event.labels["rollout_revision"] == "2"
    assert drive_run(run) == ["succeeded", "waiting_approval", "pending"]
    history, undo, _ = run.step_runs.order_by("order")
    assert [(r["revision"], r["images"]) for r in history.structured["revisions"]] == [
        (2, ["registry.invalid/checkout:2"]), (1, ["registry.invalid/checkout:1"])]
    assert approve(undo, "remediation.approve_medium") == 403  # HIGH
    assert approve(undo, "remediation.approve_medium", "remediation.approve_high") == 200
    assert drive_run(run) == ["succeeded", "succeeded", "succeeded"]
    undo.refresh_from_db()
    assert undo.structured["revision"] == 1 and undo.structured["previous_revision"] == 2

    # The real controller rolls revision 1's template out again, as revision 3; its pod runs, revision 2's goes.
    eventually(lambda: (apps.read_namespaced_deployment("checkout", ns).metadata.annotations or {}).get(
        "deployment.kubernetes.io/revision") == "3", "revision 3")
    old = replica_sets(apps, ns, "checkout")["3"].metadata.name
    eventually(lambda: any(o.name == old for p in pods_of(core, ns, "checkout")
                           for o in p.metadata.owner_references or []), "a pod of the old template")
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    eventually(lambda: all(o.name == old for p in pods_of(core, ns, "checkout") for o in p.metadata.owner_references),
               "revision 2's pod to go")
    realkube.sim("reap", ns)
    eventually(lambda: len(core.list_namespaced_pod(ns).items) == 1, "only the old template's pod left")
    assert apps.read_namespaced_deployment("checkout", ns).spec.template.spec.containers[0].image == \
        "registry.invalid/checkout:1"
    poll_cluster(cluster.pk)
    incident = run.incident
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED


def test_an_autoscaler_at_its_maximum_under_load_is_raised_and_scales_the_deployment(
        realkube: RealKube, defaults: None, metrics: MetricsApi) -> None:
    core, apps = client.CoreV1Api(realkube.api()), client.AppsV1Api(realkube.api())
    ns, node = namespace(realkube, "scaleup"), own_node(realkube, unique("node"))
    cluster = Cluster.objects.create(name=unique("real"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig), namespaces=ns)
    # 2 pods of 128Mi requests use 192Mi together: 75 % each where 50 % is the target; the controller wants 3.
    # The autoscaler first: the controller takes up to its sync period (15 s) to look at a new or changed one.
    metrics.set_load(ns, "web", 192)
    apply(realkube, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": {"name": "web", "namespace": ns},
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                              "minReplicas": 1, "maxReplicas": 2, "metrics": [{"type": "Resource", "resource": {
                                  "name": "memory", "target": {"type": "Utilization", "averageUtilization": 50}}}]}})
    deploy(realkube, core, ns, "web", node, replicas=2)
    hpas = client.AutoscalingV2Api(realkube.api())

    def limited() -> str:
        conditions = hpas.read_namespaced_horizontal_pod_autoscaler("web", ns).status.conditions or []
        return next((f"{c.status}/{c.reason}" for c in conditions if c.type == "ScalingLimited"), "")

    eventually(lambda: limited() == "True/TooManyReplicas", "the controller to find web held at its maximum")

    poll_cluster(cluster.pk)
    run = the_run(cluster, ns, "web")
    assert run.playbook.name == "scale-up"
    assert drive_run(run) == ["succeeded", "waiting_approval", "pending"]
    read, raise_max, _ = run.step_runs.order_by("order")
    assert read.structured["current_metrics"] == [{"type": "Resource", "name": "memory", "averageUtilization": 75,
                                                   "averageValue": str(96 * 2**20)}]
    assert raise_max.arguments == {"namespace": ns, "name": "web", "max_replicas": "3", "only_raise": True}
    assert approve(raise_max, "remediation.approve_medium") == 200
    assert drive_run(run) == ["succeeded", "succeeded", "succeeded"]

    # The real autoscaler scales web to 3; spread over 3 pods the load fits (64Mi each: 50 %).
    eventually(lambda: apps.read_namespaced_deployment("web", ns).spec.replicas == 3, "the autoscaler to scale to 3")
    eventually(lambda: len(pods_of(core, ns, "web")) == 3, "the third pod")
    realkube.sim("pods", ns, "web", "running", "--node", node)
    eventually(lambda: limited() == "False/DesiredWithinRange", "the load to fit", timeout=60)
    poll_cluster(cluster.pk)
    incident = run.incident
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED


def test_a_node_not_ready_is_cordoned_then_drained_when_the_playbook_says_so(
        realkube: RealKube, defaults: None) -> None:
    Playbook.objects.filter(name="node-not-ready").update(parameters={"drain": True})  # an admin opts in
    core = client.CoreV1Api(realkube.api())
    ns, down = namespace(realkube, "drain"), own_node(realkube, unique("down"))
    # The test's pods may run on its own nodes only: those labelled for it (each node is tainted for it too).
    realkube.kubectl("label", "node", down, f"{TAINT}={down}")
    ledger = workload("Deployment", ns, "ledger", down)
    ledger["spec"]["template"]["spec"] |= {"nodeSelector": {TAINT: down}}
    apply(realkube, ledger)
    [first] = eventually(lambda: [p.metadata.name for p in pods_of(core, ns, "ledger") if p.spec.node_name == down],
                         "ledger's pod on the first node")
    realkube.sim("pods", ns, "ledger", "running", "--node", down)
    spare = own_node(realkube, unique("spare"))
    realkube.kubectl("label", "node", spare, f"{TAINT}={down}")
    realkube.sim("node", down, "notready")
    cluster = Cluster.objects.create(name=unique("real"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig))

    poll_cluster(cluster.pk)
    run = the_run(cluster, "", down)
    assert run.playbook.name == "node-not-ready"
    assert drive_run(run) == ["succeeded", "waiting_approval", "pending"]
    _, cordon, drain = run.step_runs.order_by("order")
    assert approve(cordon, "remediation.approve_medium", "remediation.approve_high") == 200
    assert drive_run(run) == ["succeeded", "succeeded", "waiting_approval"]  # the drain: an approval of its own
    assert approve(drain, "remediation.approve_medium", "remediation.approve_high") == 200
    assert drive_run(run) == ["succeeded", "succeeded", "succeeded"]
    drain.refresh_from_db()
    assert drain.structured["evicted"] == [f"{ns}/{first}"] and drain.structured["failed"] == []
    assert core.read_node(down).spec.unschedulable

    # The eviction went through the API (no kubelet finishes it here); the ReplicaSet makes another pod and the
    # scheduler puts it on the spare node, the cordoned one being out.
    realkube.sim("reap", ns)
    eventually(lambda: [p.spec.node_name for p in pods_of(core, ns, "ledger")] == [spare], "ledger on the spare")
