"""A pod no controller owns that ended Failed with a non-zero exit (PodFailed): nobody will run it again, so the
shipped rule `bare-pod-failed` opens an incident, tells the operators and starts the diagnosis `pod-failed-diagnosis`
(describe, the failed container's log, the namespace's warnings, log patterns): it only reads, since a pod deleted
or restarted here would not come back; deleting the pod resolves it.

The detector on objects shaped like the API's; the poll over HTTP from kmock with the shipped rule and playbook;
once on a real API server, whose status subresource takes the Failed status as a kubelet sends it, with every
default loaded (checked against the bundled MCP server's tools) and the diagnosis run to its end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from kubernetes import client

from aiops_project.yamlfile import load_yaml_model
from incidents.detection import poll_cluster
from incidents.detectors import detect_object
from incidents.models import AuditEntry, Cluster, ClusterEvent, Incident
from remediation.definitions import PlaybookFile, RuleFile, save_rules
from remediation.models import Approval, Playbook, PlaybookRun, PlaybookStep
from tests.factories import drive_run, make_cluster
from tests.kmocks import declare_kinds, kubeconfig_for
from tests.kubeobjects import NOW, finished_pod
from tests.kubetools import namespace, own_node, unique
from tests.realkube import RealKube
from tests.threads import in_thread

CONFIG = Path(__file__).resolve().parent.parent / "config"
RULES, PLAYBOOKS = CONFIG / "rules" / "default.yaml", CONFIG / "playbooks" / "pod-failed.yaml"
# What the diagnosis may call: reads only (loading the defaults checks each LOW against the MCP server's policy).
READS = ["describe_pod", "get_pod_logs", "list_events", "analyze_logs"]


def shipped_rule(name: str = "bare-pod-failed") -> None:
    """The shipped rule and its playbook, as load_defaults saves them (without starting the MCP server to check
    the playbook's tools)."""
    [playbook] = load_yaml_model(PLAYBOOKS, PlaybookFile).playbooks
    saved = Playbook.objects.create(name=playbook.name, description=playbook.description)
    PlaybookStep.objects.bulk_create(PlaybookStep(playbook=saved, order=n, **step.model_fields_for_db())
                                     for n, step in enumerate(playbook.steps, start=1))
    [spec] = [spec for spec in load_yaml_model(RULES, RuleFile).rules if spec.name == name]
    save_rules([(RULES, spec)])


@pytest.mark.once
def test_a_bare_pod_that_exited_non_zero_is_reported_with_its_exit() -> None:
    pod = finished_pod(exit_code=3, message="relation \"orders\" does not exist\n")
    [finding] = detect_object("Pod", pod, NOW)
    assert (finding.reason, finding.severity, finding.object_name) == ("PodFailed", "warning", "migrate-db")
    assert (finding.group_kind, finding.group_name) == ("Pod", "migrate-db")  # one story per pod
    assert finding.message == ('Pod migrate-db (no controller) failed: app exited with code 3 (Error): '
                               'relation "orders" does not exist')
    assert finding.labels | {"exit_code": "3", "container": "app", "workload_kind": "Pod"} == finding.labels


@pytest.mark.once
@pytest.mark.parametrize("pod", [
    finished_pod(phase="Succeeded", exit_code=0, reason="Completed"),
    finished_pod(exit_code=0, reason="Completed"),  # Failed for a pod-level reason, no container failed
    finished_pod(owner=("Job", "nightly-report")),  # the Job retries it, and reports JobFailed when out of retries
    finished_pod(owner=("ReplicaSet", "checkout-7d9f8b6c5")),
], ids=["succeeded", "failed-exit-0", "owned-by-a-job", "owned-by-a-replicaset"])
def test_a_pod_that_succeeded_or_that_a_controller_owns_is_not_a_bare_failure(pod: dict[str, Any]) -> None:
    assert [f.reason for f in detect_object("Pod", pod, NOW)] == []


@pytest.mark.once
def test_an_eviction_or_an_oom_kill_is_reported_by_its_own_detector_only() -> None:
    evicted = finished_pod(exit_code=137)
    evicted["status"] |= {"reason": "Evicted", "message": "The node was low on resource: memory."}
    assert [f.reason for f in detect_object("Pod", evicted, NOW)] == ["Evicted"]
    oom = finished_pod(exit_code=137, reason="OOMKilled")
    assert [f.reason for f in detect_object("Pod", oom, NOW)] == ["OOMKilled"]


@pytest.mark.django_db(transaction=True)
async def test_the_poll_opens_an_incident_notifies_once_starts_the_diagnosis_and_the_deleted_pod_resolves_it(
        kmock: Any, tmp_path: Path) -> None:
    declare_kinds(kmock, "list", "delete")
    kmock.objects["v1/pods", "shop", "migrate-db"] = finished_pod()
    kmock.objects["v1/pods", "shop", "seed-done"] = finished_pod("seed-done", phase="Succeeded", exit_code=0,
                                                                 reason="Completed")
    kmock.objects["v1/pods", "shop", "report-1-x7"] = finished_pod("report-1-x7", owner=("Job", "report-1"))
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")

    def setup() -> Cluster:
        shipped_rule()
        return make_cluster("kmock", kubeconfig_path=str(kubeconfig))

    cluster = await in_thread(setup)

    def poll() -> list[tuple[str, str, str]]:
        return [(e.status, e.reason, e.object_name) for e in poll_cluster(cluster.pk)]

    assert await in_thread(poll) == [("firing", "PodFailed", "migrate-db")]
    assert await in_thread(poll) == []  # seen again: nothing new recorded, nobody told twice

    def opened() -> tuple[list[tuple[str, str, str]], list[str]]:
        incidents = [(i.object_kind, i.object_name, i.status) for i in Incident.objects.filter(cluster=cluster)]
        notices = list(AuditEntry.objects.filter(action="operators.notified").values_list("message", flat=True))
        return incidents, notices

    incidents, notices = await in_thread(opened)
    assert incidents == [("Pod", "migrate-db", "open")]
    assert notices == ["[warning] PodFailed on Pod shop/migrate-db: Pod migrate-db (no controller) failed: app "
                       "exited with code 1 (Error)"]

    def started() -> tuple[str, list[tuple[str, str]], dict[str, str], bool]:
        [run] = PlaybookRun.objects.filter(incident__cluster=cluster).select_related("playbook")
        steps = list(run.step_runs.order_by("order"))
        return (run.playbook.name, [(s.tool, s.risk) for s in steps], steps[1].arguments,
                Approval.objects.exists())

    playbook, steps, logs, approvals = await in_thread(started)
    assert playbook == "pod-failed-diagnosis"
    assert steps == [(tool, "LOW") for tool in READS] and not approvals  # nothing deleted, restarted or proposed
    assert logs == {"namespace": "shop", "name": "migrate-db", "container": "app", "previous": False,
                    "tail_lines": 200}

    async with kmock.request("delete", "/api/v1/namespaces/shop/pods/migrate-db") as response:
        assert response.status == 200, await response.text()
    assert await in_thread(poll) == [("resolved", "PodFailed", "migrate-db")]
    assert (await in_thread(opened))[0] == [("Pod", "migrate-db", "resolved")]
    assert await in_thread(lambda: ClusterEvent.objects.count()) == 2  # appended, never rewritten


@pytest.mark.once
@pytest.mark.django_db
def test_on_a_real_api_server_a_bare_pod_set_failed_as_a_kubelet_would_is_detected_and_diagnosed(
        realkube: RealKube) -> None:
    core = client.CoreV1Api(realkube.api())
    ns, node = namespace(realkube, "bare"), own_node(realkube, unique("node"))
    call_command("load_defaults")
    cluster = make_cluster(unique("real"), kubeconfig_path=str(realkube.kubeconfig))
    for name, exit_code in (("migrate", 1), ("seed", 0)):
        core.create_namespaced_pod(ns, {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "restartPolicy": "Never", "tolerations": [{"operator": "Exists"}],
                     "containers": [{"name": "app", "image": "registry.invalid/migrate:1"}]}})
        # What the kubelet sends when the container exits: the status subresource, validated by the API server.
        terminated = {"exitCode": exit_code, "reason": "Error" if exit_code else "Completed",
                      "startedAt": "2026-01-01T10:00:00Z", "finishedAt": "2026-01-01T10:00:05Z",
                      "containerID": "containerd://0ab1"}
        core.patch_namespaced_pod_status(name, ns, {"status": {
            "phase": "Failed" if exit_code else "Succeeded", "startTime": "2026-01-01T10:00:00Z",
            "containerStatuses": [{"name": "app", "image": "registry.invalid/migrate:1", "imageID": "",
                                   "ready": False, "restartCount": 0, "state": {"terminated": terminated}}]}},
            _content_type="application/merge-patch+json")
    assert core.read_namespaced_pod_status("migrate", ns).status.phase == "Failed"

    poll_cluster(cluster.pk)
    [event] = ClusterEvent.objects.filter(namespace=ns)
    assert (event.reason, event.status, event.object_name, event.labels["exit_code"]) == ("PodFailed", "firing",
                                                                                        "migrate", "1")
    assert Incident.objects.get(cluster=cluster, namespace=ns).object_name == "migrate"
    assert AuditEntry.objects.filter(action="operators.notified", details__rule="bare-pod-failed").count() == 1

    # What the container printed before it exited, as the node keeps it: the log of the terminated container.
    printed = 'applying 0042\npsycopg.errors.UndefinedTable: relation "orders" does not exist\n'
    realkube.sim("logs", ns, "migrate", printed.rstrip().replace("\n", "\\n"))  # sim.py reads \n as a newline
    [run] = PlaybookRun.objects.filter(incident__cluster=cluster, incident__namespace=ns).select_related("playbook")
    assert run.playbook.name == "pod-failed-diagnosis"
    assert drive_run(run) == ["succeeded"] * 4
    steps = list(run.step_runs.order_by("order"))
    assert [(s.tool, s.risk) for s in steps] == [(tool, "LOW") for tool in READS]
    assert steps[0].structured["containers"][0]["state"]["exitCode"] == 1
    assert steps[1].output == printed
    assert "database_query_error" in steps[3].output
    assert not Approval.objects.filter(step_run__run=run).exists()
    assert core.read_namespaced_pod_status("migrate", ns).status.phase == "Failed"  # left as it failed

    core.delete_namespaced_pod("migrate", ns, grace_period_seconds=0)
    poll_cluster(cluster.pk)
    assert list(ClusterEvent.objects.filter(namespace=ns).order_by("id").values_list("status", flat=True)) == [
        "firing", "resolved"]
