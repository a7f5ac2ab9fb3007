"""The shipped crash-loop rule and playbook, end to end on a real API server whose controllers replace pods.

A Deployment's pod crash-loops; one poll detects it; the default rule opens the incident and starts the
default playbook. While it waits, the pod is deleted and the real ReplicaSet controller makes another (as an
eviction would): the LOW steps, rendered with the pod seen at detection, act on the workload's current pod.
Someone allowed to approve MEDIUM approves the rollout restart by API; the bundled MCP server patches the
Deployment; the real deployment controller rolls out a new ReplicaSet, whose pod runs; the next poll resolves
the signal and the incident. Tasks are called in order, as a worker would.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from kubernetes import client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.detection import poll_cluster
from incidents.models import Cluster, Incident
from remediation.models import Approval, PlaybookRun, StepRun
from tests.factories import drive_run, make_user
from tests.helpers import eventually
from tests.kubetools import deploy, namespace, own_node, pods_of, replica_sets, unique
from tests.realkube import RealKube

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # not about the database engine: one CI pass


def approve(step: StepRun, user: Any) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    approval = Approval.objects.get(step_run=step)
    return api.post(f"/api/v1/approvals/{approval.pk}/approve", {"reason": "restart it"}, format="json").status_code


def test_the_default_crashloop_playbook_restarts_the_rollout_the_real_controllers_replace_the_pods(
        realkube: RealKube) -> None:
    call_command("load_defaults")
    cluster = Cluster.objects.create(name=unique("real"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig))
    core, apps = client.CoreV1Api(realkube.api()), client.AppsV1Api(realkube.api())
    ns, node = namespace(realkube, "e2e"), own_node(realkube, unique("node"))
    [first] = deploy(realkube, core, ns, "checkout", node, state="crashloop")
    realkube.sim("logs", ns, first, "panic: cannot reach database at db:5432")

    poll_cluster(cluster.pk)
    [incident] = Incident.objects.filter(cluster=cluster, namespace=ns)
    assert (incident.object_kind, incident.object_name, incident.status) == ("Deployment", "checkout", "open")
    [run] = PlaybookRun.objects.filter(incident=incident)
    assert run.playbook.name == "crashloop-remediation"

    # Before any step runs, the pod is replaced (evicted, deleted by someone): the controller makes another.
    core.delete_namespaced_pod(first, ns, grace_period_seconds=0)
    [second] = eventually(lambda: [p.metadata.name for p in pods_of(core, ns, "checkout") if p.metadata.name != first],
                          "a replacement pod")
    realkube.sim("pods", ns, "checkout", "crashloop", "--node", node)
    realkube.sim("logs", ns, second, "starting checkout\npanic: cannot reach database at db:5432")

    assert drive_run(run) == ["succeeded", "succeeded", "waiting_approval"]
    logs, describe, restart = run.step_runs.order_by("order")
    assert logs.arguments["name"] == first and logs.arguments["workload"] == "Deployment/checkout"
    for step in (logs, describe):
        assert step.output.startswith(f"pod {ns}/{first} is gone; "), step.output[:300]
        assert f"{ns}/{second}, the current pod of Deployment checkout" in step.output
    assert "CrashLoopBackOff" in describe.output and "starting checkout" in logs.output
    assert restart.arguments == {"namespace": ns, "name": "checkout"}

    assert approve(restart, make_user("viewer")) == 403
    assert approve(restart, make_user("oncall", "remediation.approve_medium")) == 200
    assert drive_run(run) == ["succeeded", "succeeded", "succeeded"]
    run.refresh_from_db()
    assert run.status == PlaybookRun.Status.SUCCEEDED

    # The real deployment controller rolls out a second ReplicaSet; its pod is the one that now runs.
    eventually(lambda: set(replica_sets(apps, ns, "checkout")) >= {"1", "2"}, "a second ReplicaSet")
    new_rs = replica_sets(apps, ns, "checkout")["2"].metadata.name
    third = eventually(lambda: [
        p.metadata.name for p in pods_of(core, ns, "checkout")
        if any(o.name == new_rs for o in p.metadata.owner_references or [])], "the new ReplicaSet's pod")
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    realkube.sim("reap", ns)  # the old pods' kubelet would finish their deletion
    eventually(lambda: [p.metadata.name for p in pods_of(core, ns, "checkout")] == third, "only the new pod left")

    poll_cluster(cluster.pk)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED
    assert list(incident.events.order_by("id").values_list("reason", "status")) == [
        ("CrashLoopBackOff", "firing"), ("CrashLoopBackOff", "resolved")]
