"""Every failure the detectors report, and the common Alertmanager alerts, end to end on one simulated cluster.

The cluster (one for the module: scenarios/failures.yaml) shows each failure (simcluster/failures.py): a container
that cannot be created, a pod no node takes, an evicted pod, a container that keeps restarting, a volume that cannot
be mounted, a container not ready, a failing readiness probe, a Deployment whose pods a quota forbids, a failed Job,
a node under memory pressure, and bare pods crash-looping, OOM-killed or failed. Each case starts from a fresh
database: the shipped rules and playbooks are loaded, one poll detects every failure, and the case checks its own:
the shipped rule opened the incident and started its playbook, the LOW steps ran through the bundled Kubernetes MCP
server, and a MEDIUM/HIGH step waits for an approval. The alerts go through Alertmanager's webhook with the labels
kube-prometheus gives them. Tasks are called in order, as a worker would.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.detection import poll_cluster
from incidents.models import AuditEntry, Cluster, ClusterEvent, Incident
from incidents.rules import enabled_ruleset
from remediation.models import Approval, PlaybookRun, StepRun
from tests.factories import drive_run, make_user
from tests.simulated import read, simulated_cluster

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # the playbooks and the cluster are the subject
OK, WAITS, SKIPPED = "succeeded", "waiting_approval", "skipped"
SCENARIO: dict[str, Any] = yaml.safe_load((Path(__file__).resolve().parent.parent / "scenarios" / "failures.yaml")
                                           .read_text())


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with simulated_cluster(tmp_path_factory.mktemp("sim"), SCENARIO) as path:
        yield path


@pytest.fixture
def defaults() -> None:
    call_command("load_defaults")


def approve(step: StepRun) -> int:
    client = APIClient()
    user = make_user("approver", "remediation.approve_medium", "remediation.approve_high")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    approval = Approval.objects.get(step_run=step)
    return client.post(f"/api/v1/approvals/{approval.pk}/approve", {"reason": "runbook"}, format="json").status_code


def the_run(cluster: Cluster, object_name: str) -> PlaybookRun:
    [incident] = Incident.objects.filter(cluster=cluster, object_name=object_name)
    [run] = PlaybookRun.objects.filter(incident=incident).select_related("playbook")
    return run


def patch_status(kubeconfig: Path, path: str, status: dict[str, Any]) -> None:
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    request = urllib.request.Request(f"{server}{path}/status", data=json.dumps({"status": status}).encode(),  # noqa: S310
                                     method="PATCH", headers={"Content-Type": "application/merge-patch+json"})
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (loopback)
        pass


def with_pressure(node: dict[str, Any], on: bool) -> list[dict[str, Any]]:
    """The node's conditions with MemoryPressure True (as the scenario says) or cleared."""
    clear = {"status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory"}
    felt = {"status": "True", "reason": "KubeletHasInsufficientMemory",
            "message": "kubelet has insufficient memory available"}
    return [c | (felt if on else clear) if c["type"] == "MemoryPressure" else c for c in node["status"]["conditions"]]


# (reason, incident's object, rule, playbook, the steps' statuses once the LOW ones ran)
FAILURES = [
    ("CreateContainerConfigError", "payments", "container-config-error", "config-error-diagnosis", [OK, OK]),
    ("Unschedulable", "search", "pod-unschedulable", "unschedulable-diagnosis", [OK, OK, OK]),
    ("Evicted", "cart", "pod-evicted", "evicted-cleanup", [OK, OK, WAITS]),
    ("FrequentRestarts", "recommender", "frequent-restarts", "restarts-diagnosis", [OK, OK, OK]),
    ("FailedMount", "catalog", "volume-mount-failure", "mount-failure-diagnosis", [OK, OK]),
    ("ContainerNotReady", "frontend", "container-not-ready", "pod-not-ready", [OK, OK, OK, WAITS]),
    ("Unhealthy", "checkout", "probe-failure", "pod-not-ready", [OK, OK, OK, WAITS]),
    ("ReplicaShortfall", "ledger", "replica-shortfall", "replica-shortfall-diagnosis", [OK, OK, OK]),
    ("JobFailed", "nightly-report", "job-failed", "job-failed-diagnosis", [OK, OK, OK]),
    ("MemoryPressure", "sim-node-2", "node-pressure", "node-pressure-diagnosis", [OK, OK]),
    ("CrashLoopBackOff", "debug-shell", "crashloop-diagnosis", "restarts-diagnosis", [OK, OK, OK]),
    ("OOMKilled", "batch-import", "oomkilled-diagnosis", "restarts-diagnosis", [OK, OK, OK]),
    ("PodFailed", "migrate-db", "bare-pod-failed", "pod-failed-diagnosis", [OK, OK, OK, OK]),
]


@pytest.mark.parametrize(("reason", "name", "rule", "playbook", "statuses"), FAILURES, ids=[f[0] for f in FAILURES])
def test_each_failure_opens_an_incident_and_starts_its_playbook(
        kubeconfig: Path, defaults: None, reason: str, name: str, rule: str, playbook: str,
        statuses: list[str]) -> None:
    cluster = Cluster.objects.create(name="sim-failures", kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(kubeconfig))
    poll_cluster(cluster.pk)
    [event] = ClusterEvent.objects.filter(cluster=cluster, reason=reason, status="firing")
    assert [r.name for r in enabled_ruleset().match(event)] == [rule]
    run = the_run(cluster, name)
    assert (run.playbook.name, run.trigger_event_id) == (playbook, event.pk)
    assert event.incident_id == run.incident_id
    assert drive_run(run) == statuses
    steps = list(run.step_runs.order_by("order"))
    for step in steps:  # what was read says what failed
        assert step.status != OK or step.output, step.name
    if WAITS in statuses:
        waiting = steps[statuses.index(WAITS)]
        assert waiting.risk in {"MEDIUM", "HIGH"} and Approval.objects.filter(step_run=waiting).exists()
    notified = AuditEntry.objects.filter(action="operators.notified", incident=run.incident)
    assert set(notified.values_list("details__rule", flat=True)) == {rule}
    check = CHECKS.get(reason)
    if check is not None:
        check(kubeconfig, cluster, run, steps)


def evicted_pod_is_deleted_once_approved(kubeconfig: Path, cluster: Cluster, run: PlaybookRun,
                                         steps: list[StepRun]) -> None:
    pod = run.trigger_event.labels["pod"]
    assert "Evicted" in steps[0].output and steps[2].arguments == {"namespace": "shop",
                                                                                   "names": [pod]}
    assert approve(steps[2]) == 200
    assert drive_run(run) == [OK, OK, OK]
    names = [p["metadata"]["name"] for p in read(kubeconfig, "/api/v1/namespaces/shop/pods")["items"]]
    assert pod not in names and any(n.startswith("cart-") for n in names)  # the replacement runs on


def pressure_resolves_when_it_clears(kubeconfig: Path, cluster: Cluster, run: PlaybookRun,
                                     steps: list[StepRun]) -> None:
    assert run.trigger_event.labels == {"node": "sim-node-2", "condition": "MemoryPressure"}
    assert "MemoryPressure" in steps[0].output
    node = read(kubeconfig, "/api/v1/nodes/sim-node-2")
    patch_status(kubeconfig, "/api/v1/nodes/sim-node-2", {"conditions": with_pressure(node, on=False)})
    try:
        poll_cluster(cluster.pk)
        assert Incident.objects.get(pk=run.incident_id).status == "resolved"
    finally:
        patch_status(kubeconfig, "/api/v1/nodes/sim-node-2", {"conditions": with_pressure(node, on=True)})


def scheduler_events_join_the_pods_incident(kubeconfig: Path, cluster: Cluster, run: PlaybookRun,
                                            steps: list[StepRun]) -> None:
    [scheduling] = ClusterEvent.objects.filter(cluster=cluster, reason="FailedScheduling")
    assert scheduling.incident_id == run.incident_id  # one story: the pod's condition and the scheduler's warning
    assert "Insufficient memory" in steps[0].output


def a_bare_pods_backoff_joins_its_crash_loop(kubeconfig: Path, cluster: Cluster, run: PlaybookRun,
                                             steps: list[StepRun]) -> None:
    [backoff] = ClusterEvent.objects.filter(cluster=cluster, reason="BackOff", object_name="debug-shell")
    assert [r.name for r in enabled_ruleset().match(backoff)] == ["backoff-diagnosis"]
    assert backoff.incident_id == run.incident_id  # its rule starts nothing while the diagnosis runs
    assert "start.sh: not found" in steps[0].output
    # A Deployment's BackOff is its crash loop's: no rule of its own (the crash-loop and rollback rules act).
    deployment_backoff = ClusterEvent(source="kubernetes", reason="BackOff", severity="warning", object_kind="Pod",
                                      labels={"workload_kind": "Deployment", "workload_name": "checkout"})
    assert [r.name for r in enabled_ruleset().match(deployment_backoff, use_database=False)] == []


def job_pods_are_listed(kubeconfig: Path, cluster: Cluster, run: PlaybookRun, steps: list[StepRun]) -> None:
    assert "BackoffLimitExceeded" in steps[0].output
    assert len(steps[1].structured["pods"]) == 3  # backoffLimit 2: three tries


def a_failed_bare_pod_is_read_and_left_alone(kubeconfig: Path, cluster: Cluster, run: PlaybookRun,
                                             steps: list[StepRun]) -> None:
    assert [(s.tool, s.risk) for s in steps] == [("describe_pod", "LOW"), ("get_pod_logs", "LOW"),
                                                 ("list_events", "LOW"), ("analyze_logs", "LOW")]
    assert not Approval.objects.filter(step_run__run=run).exists()  # nothing to approve: nothing is changed
    [container] = steps[0].structured["containers"]
    assert {k: container["state"][k] for k in ("state", "reason", "exitCode")} == {
        "state": "terminated", "reason": "Error", "exitCode": 1}
    assert steps[1].arguments["previous"] is False  # it never restarted: its log is the current container's
    assert 'relation "orders" does not exist' in steps[1].output
    assert steps[3].structured["current"]["top_category"] == "application_crash"
    assert "database_query_error" in steps[3].output
    pod = read(kubeconfig, "/api/v1/namespaces/shop/pods/migrate-db")
    assert pod["status"]["phase"] == "Failed"  # still there, as it failed: no controller would recreate it


CHECKS = {"Evicted": evicted_pod_is_deleted_once_approved, "MemoryPressure": pressure_resolves_when_it_clears,
          "Unschedulable": scheduler_events_join_the_pods_incident,
          "CrashLoopBackOff": a_bare_pods_backoff_joins_its_crash_loop, "JobFailed": job_pods_are_listed,
          "PodFailed": a_failed_bare_pod_is_read_and_left_alone}


def pod_of(kubeconfig: Path, app: str) -> str:
    [pod] = read(kubeconfig, f"/api/v1/namespaces/shop/pods?labelSelector=app%3D{app}")["items"]
    return str(pod["metadata"]["name"])


# (alert's labels but its cluster, rule, playbook, statuses); "{recommender}" and the like: that deployment's pod
ALERTS = [
    ({"alertname": "KubePodCrashLooping", "namespace": "shop", "pod": "{recommender}", "container": "recommender",
      "job": "kube-state-metrics"}, "alert-pod-crashlooping", "restarts-diagnosis", [OK, OK, OK]),
    ({"alertname": "KubePodNotReady", "namespace": "shop", "pod": "{frontend}"}, "alert-pod-not-ready",
     "pod-not-ready", [OK, OK, OK, SKIPPED]),  # no workload in its labels: no pod is deleted
    ({"alertname": "KubeDeploymentReplicasMismatch", "namespace": "shop", "deployment": "ledger",
      "job": "kube-state-metrics"}, "alert-deployment-replicas", "replica-shortfall-diagnosis", [OK, OK, OK]),
    ({"alertname": "KubeJobFailed", "namespace": "shop", "job_name": "nightly-report", "job": "kube-state-metrics"},
     "alert-job-failed", "job-failed-diagnosis", [OK, OK, OK]),
    ({"alertname": "KubeNodeNotReady", "node": "sim-node-1"}, "alert-node-not-ready", "node-not-ready",
     [OK, WAITS, SKIPPED]),
    ({"alertname": "KubeNodeMemoryPressure", "node": "sim-node-2"}, "alert-node-pressure", "node-pressure-diagnosis",
     [OK, OK]),
    ({"alertname": "TargetDown", "namespace": "shop", "job": "checkout"}, "alert-diagnosis", "alert-diagnosis",
     [OK, SKIPPED, OK]),
    ({"alertname": "KubePodCrashLooping", "namespace": "shop"}, "alert-diagnosis", "alert-diagnosis",
     [OK, SKIPPED, OK]),  # no pod named: the warnings and pods of its namespace
]


@pytest.mark.parametrize(("labels", "rule", "playbook", "statuses"), ALERTS,
                         ids=[f"{a[0]['alertname']}-{a[1]}" for a in ALERTS])
def test_each_common_alert_starts_the_playbook_of_its_failure(
        kubeconfig: Path, defaults: None, settings: Any, labels: dict[str, str], rule: str, playbook: str,
        statuses: list[str]) -> None:
    settings.ALERTMANAGER_TOKEN = "failures-token"
    cluster = Cluster.objects.create(name="sim-alerts", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
    labels = {key: value.format(recommender=pod_of(kubeconfig, "recommender"), frontend=pod_of(kubeconfig, "frontend"))
              for key, value in labels.items()} | {"cluster": cluster.name, "severity": "warning"}
    alert = {"status": "firing", "labels": labels, "annotations": {"summary": f"{labels['alertname']} fires"},
             "startsAt": "2026-11-28T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
             "fingerprint": f"{labels['alertname']}-{len(labels)}"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer failures-token")
    response = client.post("/api/v1/alerts/alertmanager", {
        "version": "4", "groupKey": "{}", "status": "firing", "receiver": "aiops", "alerts": [alert]}, format="json")
    assert response.status_code == 200 and response.json()["recorded"] == 1, response.content
    [event] = ClusterEvent.objects.filter(source="alertmanager")
    assert [r.name for r in enabled_ruleset().match(event)] == ["alertmanager-notify", rule]
    [run] = PlaybookRun.objects.filter(incident__cluster=cluster).select_related("playbook")
    assert (run.playbook.name, run.trigger_event_id) == (playbook, event.pk)
    assert drive_run(run) == statuses
