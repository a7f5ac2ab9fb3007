"""Namespaced RBAC only, on a real API server: a ServiceAccount whose only rights are Roles in two namespaces (no
ClusterRole), its real token (`kubectl create token`) in a kubeconfig, and a Cluster limited to those namespaces.

The poll and the watcher read each kind in each of the two namespaces and nothing else (any other read would be
refused, and is spied on besides); nodes are not read and are no detection problem. A namespace without a Role
makes each kind unreadable, its problem naming that namespace. The bundled Kubernetes MCP server, started with
the cluster's `tool_env()`, keeps to the two namespaces and refuses the others in words.

Namespaces, node and account are this module's own (the control plane is shared by the session).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from incidents import kube
from incidents.detection import poll_cluster
from incidents.models import Cluster, ClusterEvent, DetectionProblem, Signal
from incidents.watcher import Watcher, WatchSettings
from tests.factories import make_cluster
from tests.helpers import eventually
from tests.kubetools import SERVER, failure, unique
from tests.realkube import RealKube

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = [pytest.mark.once, pytest.mark.django_db(transaction=True)]
QUICK = WatchSettings(backoff_base=0.2, backoff_cap=2.0, resync_seconds=1.0, stop_timeout=15)
NAMESPACED_KINDS = {"Pod", "Event", "Deployment", "StatefulSet", "DaemonSet", "Job", "HorizontalPodAutoscaler"}
# The read-only rules of deploy/kubernetes/rbac-readonly.yaml that a Role can hold (all but nodes and metrics).
READ_ONLY_ROLE = """
- {apiGroups: [''], resources: [pods, events], verbs: [get, list, watch]}
- {apiGroups: [apps], resources: [deployments, statefulsets, daemonsets, replicasets], verbs: [get, list, watch]}
- {apiGroups: [batch], resources: [jobs], verbs: [get, list, watch]}
- {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: [get, list, watch]}
- {apiGroups: [''], resources: [pods/log], verbs: [get]}
- {apiGroups: [''], resources: [persistentvolumeclaims, services, configmaps, namespaces], verbs: [get, list]}
"""


@dataclass(frozen=True)
class Limited:
    shop: str  # watched: a crash loop from the start
    billing: str  # watched: a crash loop once the watcher runs
    other: str  # not watched, no Role: a crash loop nobody may read
    node: str
    account: str  # "system:serviceaccount:NS:agent"
    kubeconfig: Path


def role_in(realkube: RealKube, namespace: str, account_namespace: str) -> None:
    realkube.kubectl("apply", "-f", "-", stdin=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: aiops-readonly, namespace: {namespace}}}
rules:
{READ_ONLY_ROLE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: aiops-readonly, namespace: {namespace}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: aiops-readonly}}
subjects: [{{kind: ServiceAccount, name: agent, namespace: {account_namespace}}}]
""")


def can(realkube: RealKube, account: str, verb: str, resource: str, namespace: str = "") -> bool:
    where = ["-n", namespace] if namespace else ["--all-namespaces"]
    try:
        return realkube.kubectl("auth", "can-i", verb, resource, "--as", account, *where).strip() == "yes"
    except AssertionError:  # exit status 1: no
        return False


@pytest.fixture(scope="module")
def limited(realkube: RealKube, tmp_path_factory: pytest.TempPathFactory) -> Limited:
    suffix = uuid.uuid4().hex[:6]
    shop, billing, other, home = (f"nsrbac-{part}-{suffix}" for part in ("shop", "billing", "other", "agent"))
    for namespace in (shop, billing, other, home):
        realkube.kubectl("create", "namespace", namespace)
    realkube.kubectl("create", "serviceaccount", "agent", "-n", home)
    account = f"system:serviceaccount:{home}:agent"
    for namespace in (shop, billing):
        role_in(realkube, namespace, home)
    eventually(lambda: can(realkube, account, "watch", "jobs.batch", billing), "the Roles in force")
    assert not can(realkube, account, "list", "pods", other) and not can(realkube, account, "list", "nodes")
    assert not can(realkube, account, "list", "pods")  # not across namespaces either

    node = f"nsrbac-node-{suffix}"
    realkube.sim("node", node)
    realkube.sim("node", node, "notready")  # a node problem a ClusterRole would show: nobody reads it here
    for namespace, app in ((shop, "checkout"), (other, "ledger")):
        realkube.sim("deploy", namespace, app, "--node", node)
        realkube.sim("pods", namespace, app, "crashloop", "--restarts", "4", "--node", node)
    kubeconfig = realkube.service_account_kubeconfig(home, "agent", tmp_path_factory.mktemp("nsrbac") / "agent")
    return Limited(shop, billing, other, node, account, kubeconfig)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """(kind, namespace) of every list and watch detection makes from now on ("" = all namespaces)."""
    seen: set[tuple[str, str]] = set()
    lister = kube.ListedKind.lister

    def spied(self: kube.ListedKind, api: Any, namespace: str) -> Any:
        kind = next(kind for kind, listed in kube.LISTED_KINDS.items() if listed is self)
        seen.add((kind, namespace))
        return lister(self, api, namespace)

    monkeypatch.setattr(kube.ListedKind, "lister", spied)
    return seen


def cluster_for(limited: Limited, *namespaces: str) -> Cluster:
    return make_cluster(unique("nsrbac"), kubeconfig_path=str(limited.kubeconfig), namespaces=",".join(namespaces))


def firing(cluster: Cluster) -> set[tuple[str, str, str]]:
    """(reason, namespace, workload or node) of the cluster's firing signals."""
    fingerprints = list(Signal.objects.firing().filter(cluster=cluster).values_list("fingerprint", flat=True))
    return {(e.reason, e.namespace, e.labels.get("workload_name") or e.labels.get("node") or e.object_name)
            for e in ClusterEvent.objects.filter(fingerprint__in=fingerprints)}


@pytest.fixture
def watcher() -> Iterator[Watcher]:
    running = Watcher(settings=QUICK)
    yield running
    assert running.stop(), "every watch thread stops"


def test_the_poll_reads_the_two_namespaces_only_and_finds_the_crash_loop_there(
        limited: Limited, reads: set[tuple[str, str]]) -> None:
    cluster = cluster_for(limited, limited.shop, limited.billing)

    events = poll_cluster(cluster.pk)

    assert ("CrashLoopBackOff", limited.shop, "checkout") in firing(cluster)
    assert {e.namespace for e in events} == {limited.shop}  # not the crash loop in the other namespace
    assert reads == {(kind, ns) for kind in NAMESPACED_KINDS for ns in (limited.shop, limited.billing)}
    assert not DetectionProblem.objects.filter(cluster=cluster).exists()  # nodes unread is no problem
    assert Cluster.objects.get(pk=cluster.pk).last_poll_error == ""
    assert poll_cluster(cluster.pk) == []  # the same again: nothing new


def test_the_watcher_follows_each_kind_in_each_namespace_and_nothing_else(
        realkube: RealKube, limited: Limited, reads: set[tuple[str, str]], watcher: Watcher) -> None:
    cluster = cluster_for(limited, limited.shop, limited.billing)
    watcher.names = {cluster.name}
    watcher.refresh()
    watch = watcher.get(cluster.name)
    assert watch is not None
    assert set(watch.streams) == {f"{kind}/{ns}" for kind in NAMESPACED_KINDS for ns in (limited.shop, limited.billing)}
    eventually(lambda: watch.complete == NAMESPACED_KINDS, "every namespaced kind listed in both namespaces")
    eventually(lambda: ("CrashLoopBackOff", limited.shop, "checkout") in firing(cluster), "the crash loop in shop")

    realkube.sim("deploy", limited.billing, "invoice", "--node", limited.node)  # while the watcher runs: no poll
    realkube.sim("pods", limited.billing, "invoice", "crashloop", "--restarts", "4", "--node", limited.node)
    eventually(lambda: ("CrashLoopBackOff", limited.billing, "invoice") in firing(cluster),
               "the crash loop in billing, from the watch")
    realkube.sim("pods", limited.shop, "checkout", "running", "--node", limited.node)
    eventually(lambda: ("CrashLoopBackOff", limited.shop, "checkout") not in firing(cluster),
               "the crash loop in shop resolved, from the watch")

    assert {ns for _, ns, _ in firing(cluster)} <= {limited.shop, limited.billing}
    assert not any(node == limited.node for _, _, node in firing(cluster))
    assert {ns for _, ns in reads} == {limited.shop, limited.billing}  # never "" (everywhere), never other
    assert all(stream.is_alive() and stream.reconnects == 0 for stream in watch.streams.values())
    assert not DetectionProblem.objects.filter(cluster=cluster).exists()


def test_a_namespace_without_a_role_is_a_problem_that_names_it(limited: Limited, watcher: Watcher) -> None:
    cluster = cluster_for(limited, limited.shop, limited.other)

    # Every kind refused in one of its namespaces: a kind is read whole or not at all, so nothing could be read.
    assert poll_cluster(cluster.pk) == []
    error = Cluster.objects.get(pk=cluster.pk).last_poll_error
    assert error.startswith(f"no kind could be read; Pod: forbidden: list pods in namespace {limited.other} "
                            f"(HTTP 403): "), error
    assert f'User "{limited.account}" cannot list resource "pods"' in error
    assert firing(cluster) == set()  # not even the crash loop in shop: its kinds were not read whole

    watcher.names = {cluster.name}
    watcher.refresh()
    watch = watcher.get(cluster.name)
    assert watch is not None
    eventually(lambda: DetectionProblem.objects.filter(cluster=cluster, reporter="watch").count()
               == len(NAMESPACED_KINDS), "each kind's problem from the watch")
    resources = {kind: ".".join(filter(None, (kube.LISTED_KINDS[kind].plural, kube.LISTED_KINDS[kind].group)))
                 for kind in NAMESPACED_KINDS}
    assert {p.kind: p.summary for p in DetectionProblem.objects.filter(cluster=cluster)} == {
        kind: f"forbidden: list {resources[kind]} in namespace {limited.other} (HTTP 403)" for kind in NAMESPACED_KINDS}
    assert watch.complete == set()  # shop is listed, the union is not
    assert all(watch.streams[f"{kind}/{limited.shop}"].relists >= 1 for kind in NAMESPACED_KINDS)
    assert firing(cluster) == set()


def test_the_tools_keep_to_the_namespaces_and_refuse_the_others_in_words(limited: Limited,
                                                                       warm_sessions: Any) -> None:
    cluster = cluster_for(limited, limited.shop, limited.billing)
    env = cluster.tool_env()
    assert env["KUBE_ALLOWED_NAMESPACES"] == ",".join(sorted((limited.shop, limited.billing)))

    def tool(name: str, environment: dict[str, str] = env, **arguments: Any) -> Any:
        return warm_sessions.call_tool(SERVER, name, arguments, env=environment, timeout=60)

    pods = tool("list_pods")
    assert pods.ok, pods.error
    listed = {p["namespace"] for p in pods.structured["pods"]}  # each allowed namespace listed, by name
    assert limited.shop in listed and listed <= {limited.shop, limited.billing}, listed
    namespaces = tool("list_namespaces")
    assert namespaces.ok, namespaces.error
    assert namespaces.structured["namespaces"] == [{"name": ns, "phase": "Active"}
                                                   for ns in sorted((limited.shop, limited.billing))]
    assert tool("list_events").ok and tool("list_deployments").ok
    other = tool("list_pods", namespace=limited.other)
    assert failure(other) == (f"refused: namespace {limited.other!r} is not allowed "
                              f"(allowed: {', '.join(sorted((limited.shop, limited.billing)))})")

    unlimited = {key: value for key, value in env.items() if key != "KUBE_ALLOWED_NAMESPACES"}
    everywhere = tool("list_pods", unlimited)  # the same token, not kept to its namespaces: the API server says no
    assert "403" in failure(everywhere)
