"""The shipped least-privilege RBAC (deploy/kubernetes/rbac-*.yaml) on a real API server.

The files are applied as an operator would (`kubectl apply`, each also `--dry-run=server`); the agent's
ServiceAccount gets a real token (`kubectl create token`), and the bundled Kubernetes MCP server runs with it.
Read-only: every read tool works, every mutating tool is refused with the API server's 403, read as the
permission the agent lacks (`the agent may not patch deployments in NS (HTTP 403): ...`). Plus remediation: the
mutating tools work. Plus exec: exec_readonly gets past RBAC.

The files name a fixed namespace (aiops) and cluster-wide roles: this module is their only user in a session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from tests.helpers import eventually
from tests.kubetools import (
    ROOT,
    Tools,
    apply,
    deploy,
    failure,
    namespace,
    own_node,
    replica_sets,
    unique,
    workload,
)

RBAC = ROOT / "deploy" / "kubernetes"
AGENT = "system:serviceaccount:aiops:aiops-agent"
METRICS_MISSING = "the metrics API is not available (is metrics-server installed?)"

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


def can(kube: Any, verb: str, resource: str, namespace: str = "") -> bool:
    """`kubectl auth can-i` for the agent, everywhere or in one namespace (exit status 1 means no)."""
    where = ["-n", namespace] if namespace else ["--all-namespaces"]
    try:
        return kube.kubectl("auth", "can-i", verb, resource, "--as", AGENT, *where).strip() == "yes"
    except AssertionError:
        return False


def granted(kube: Any, file: str, verb: str, resource: str) -> None:
    kube.kubectl("apply", "-f", str(RBAC / file))
    eventually(lambda: can(kube, verb, resource), f"RBAC to allow {verb} {resource} after {file}")


def denied(result: Any, verb: str, resource: str) -> None:
    message = failure(result)
    assert message.startswith(f"the agent may not {verb} {resource} ") and " (HTTP 403): " in message, message
    assert f'User "{AGENT}" cannot {verb} resource "{resource}"' in message, message


def test_read_only_reads_everything_changes_nothing_then_remediation_then_exec(realkube: Any, warm_sessions: Any,
                                                                               tmp_path: Path) -> None:
    core, apps = client.CoreV1Api(realkube.api()), client.AppsV1Api(realkube.api())
    apply(realkube, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aiops"}})
    for file in ("rbac-readonly.yaml", "rbac-remediation.yaml", "rbac-exec.yaml"):
        assert "(server dry run)" in realkube.kubectl("apply", "--dry-run=server", "-f", str(RBAC / file))
    granted(realkube, "rbac-readonly.yaml", "list", "pods")
    agent = Tools(warm_sessions, realkube.service_account_kubeconfig("aiops", "aiops-agent", tmp_path / "agent"))
    admin = Tools(warm_sessions, realkube.kubeconfig)

    ns = namespace(realkube, "rbac")
    node, spare = own_node(realkube, unique("rbac")), own_node(realkube, unique("rbac-spare"))
    deploy(realkube, core, ns, "web", node)
    assert admin("update_image", namespace=ns, name="web", container="app", image="registry.invalid/web:2").ok
    [pod] = eventually(lambda: [p.metadata.name for p in core.list_namespaced_pod(ns).items
                                if p.spec.containers[0].image.endswith(":2")], "the pod of revision 2")
    realkube.sim("pods", ns, "web", "crashloop", "--node", node)
    realkube.sim("logs", ns, pod, "panic: cannot reach db:5432", "--previous")
    realkube.sim("logs", ns, pod, "starting")
    apply(realkube, workload("StatefulSet", ns, "db", node, 0, serviceName="db"),
          workload("DaemonSet", ns, "agent", f"{node}-none", None),
          {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "report", "namespace": ns},
           "spec": {"suspend": True, "template": {"spec": {"restartPolicy": "Never", "containers": [
               {"name": "report", "image": "registry.invalid/report:1"}]}}}},
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe", "namespace": ns},
           "spec": {"nodeName": spare, "containers": [{"name": "app", "image": "registry.invalid/probe:1"}]}},
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": ns}, "data": {"A": "1"}},
          {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": ns},
           "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    realkube.kubectl("cordon", spare)
    rs = next(iter(replica_sets(apps, ns, "web").values())).metadata.name

    # Read-only: every read tool, on every kind `describe` knows.
    reads = {
        "list_pods": {"namespace": ns}, "get_pod": {"namespace": ns, "name": pod},
        "describe_pod": {"namespace": ns, "name": pod}, "get_pod_logs": {"namespace": ns, "name": pod},
        "analyze_logs": {"namespace": ns, "name": pod}, "list_nodes": {}, "describe_node": {"name": node},
        "list_deployments": {}, "get_deployment": {"namespace": ns, "name": "web"},
        "rollout_status": {"namespace": ns, "name": "web"}, "rollout_history": {"namespace": ns, "name": "web"},
        "list_events": {"warnings_only": False}, "list_namespaces": {}, "list_services": {},
    }
    for tool, arguments in reads.items():
        result = agent(tool, **arguments)
        assert result.ok, (tool, result.error)
    kinds = {"Pod": pod, "Node": node, "Deployment": "web", "StatefulSet": "db", "DaemonSet": "agent",
             "ReplicaSet": rs, "Service": "web", "ConfigMap": "web", "Job": "report",
             "PersistentVolumeClaim": "data", "Namespace": ns}
    for kind, name in kinds.items():
        result = agent("describe", kind=kind, name=name, namespace=None if kind in ("Node", "Namespace") else ns)
        assert result.ok and "events_error" not in result.structured, (kind, result.error or result.structured)
    gone = agent("describe_pod", namespace=ns, name="web-gone-1", workload="Deployment/web")
    assert gone.ok and gone.structured["note"].startswith(f"pod {ns}/web-gone-1 is gone; showing {ns}/")
    # Allowed on metrics.k8s.io (else a 403): the API server answers that it does not serve it.
    assert failure(agent("top_pods", namespace=ns)) == METRICS_MISSING
    assert failure(agent("top_nodes")) == METRICS_MISSING

    # Read-only: every change refused, with the verb and the resource.
    def mutations() -> dict[str, tuple[dict[str, Any], str, str]]:
        return {
            "rollout_restart": ({"namespace": ns, "name": "web"}, "patch", "deployments"),
            "scale_deployment": ({"namespace": ns, "name": "web", "replicas": 2}, "patch", "deployments/scale"),
            "set_resources": ({"namespace": ns, "name": "web", "container": "app", "cpu_request": "60m"},
                              "patch", "deployments"),
            "update_image": ({"namespace": ns, "name": "web", "container": "app",
                              "image": "registry.invalid/web:3"}, "patch", "deployments"),
            "rollout_undo": ({"namespace": ns, "name": "web"}, "patch", "deployments"),
            "label": ({"kind": "Deployment", "name": "web", "namespace": ns, "labels": {"team": "shop"}},
                      "patch", "deployments"),
            "uncordon_node": ({"name": spare}, "patch", "nodes"),  # cordoned by the admin
            "cordon_node": ({"name": node}, "patch", "nodes"),
            "delete_pod": ({"namespace": ns, "name": pod, "grace_period_seconds": 0}, "delete", "pods"),
            "drain_node": ({"name": node}, "patch", "nodes"),
        }

    for tool, (arguments, verb, resource) in mutations().items():
        denied(agent(tool, **arguments), verb, resource)
    denied(agent("exec_readonly", namespace=ns, name="probe", command="uptime"), "get", "pods/exec")
    deployment = apps.read_namespaced_deployment("web", ns)
    assert (deployment.spec.replicas, deployment.metadata.generation) == (1, 2)  # as the admin left it
    assert core.read_node(spare).spec.unschedulable and not core.read_node(node).spec.unschedulable
    assert core.read_namespaced_pod(pod, ns).metadata.deletion_timestamp is None

    # Plus remediation: every change goes through.
    granted(realkube, "rbac-remediation.yaml", "patch", "deployments")
    done = {tool: agent(tool, **arguments) for tool, (arguments, _, _) in mutations().items()}
    assert all(result.ok for result in done.values()), {tool: r.error for tool, r in done.items() if not r.ok}
    deployment = apps.read_namespaced_deployment("web", ns)
    assert deployment.spec.replicas == 2 and deployment.metadata.labels["team"] == "shop"
    assert not core.read_node(spare).spec.unschedulable and core.read_node(node).spec.unschedulable
    assert done["drain_node"].structured["evicted"]  # through pods/eviction
    denied(agent("label", kind="Pod", name="probe", namespace=ns, labels={"x": "y"}), "patch", "pods")  # left out
    denied(agent("exec_readonly", namespace=ns, name="probe", command="uptime"), "get", "pods/exec")

    # Plus exec: past RBAC, to the node (which serves no exec here).
    granted(realkube, "rbac-exec.yaml", "get", "pods/exec")
    assert failure(agent("exec_readonly", namespace=ns, name="probe", command="uptime")) == \
        f"exec in pod {ns}/probe failed (HTTP 404 Not Found): 404 page not found"


@pytest.mark.django_db(transaction=True)
def test_read_only_is_all_detection_needs_and_leader_election_all_the_lease_needs(realkube: Any,
                                                                                 tmp_path: Path) -> None:
    """The watcher and the poll read every kind with the read-only token alone; with leader-election.yaml the
    agent leads through its own Leases, and touches no other."""
    from aiops_project.leader import LEASE_PREFIX, KubernetesLeases, LeasePermissionError
    from incidents.detection import poll_cluster
    from incidents.models import DetectionProblem
    from incidents.watcher import Watcher, WatchSettings
    from tests.factories import make_cluster

    apply(realkube, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aiops"}})
    granted(realkube, "rbac-readonly.yaml", "watch", "jobs.batch")
    kubeconfig = realkube.service_account_kubeconfig("aiops", "aiops-agent", tmp_path / "agent")
    ns, node = namespace(realkube, "ro"), own_node(realkube, unique("ro"))
    deploy(realkube, client.CoreV1Api(realkube.api()), ns, "web", node, state="crashloop")

    cluster = make_cluster(unique("agent"), kubeconfig_path=str(kubeconfig))
    assert any(e.namespace == ns and e.reason == "CrashLoopBackOff" for e in poll_cluster(cluster.pk))
    watcher = Watcher([cluster.name], settings=WatchSettings(backoff_base=0.2, backoff_cap=1, stop_timeout=15))
    try:
        watcher.refresh()
        watch = watcher.get(cluster.name)
        assert watch is not None
        eventually(lambda: watch.complete == set(watch.streams), "every kind listed with the read-only token")
    finally:
        assert watcher.stop()
    assert not DetectionProblem.objects.filter(cluster=cluster).exists()

    leases = KubernetesLeases(realkube.api_for(kubeconfig), "aiops", timeout=5)
    with pytest.raises(LeasePermissionError, match="may not get leases in namespace aiops"):
        leases.try_acquire_or_renew("watcher", "agent-1", 15)
    realkube.kubectl("apply", "-f", str(RBAC / "leader-election.yaml"))
    eventually(lambda: can(realkube, "update", f"leases.coordination.k8s.io/{LEASE_PREFIX}watcher", "aiops"),
               "RBAC to allow the leases")
    assert leases.try_acquire_or_renew("watcher", "agent-1", 15).acquired
    assert leases.try_acquire_or_renew("watcher", "agent-1", 15).acquired  # renewed: get and update
    assert realkube.get(f"/apis/coordination.k8s.io/v1/namespaces/aiops/leases/{LEASE_PREFIX}watcher")[
        "spec"]["holderIdentity"] == "agent-1"
    with pytest.raises(LeasePermissionError):
        leases.try_acquire_or_renew("someone-elses", "agent-1", 15)  # another Lease: not even readable
