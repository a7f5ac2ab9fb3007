"""The Helm chart on a real API server (realkube v1.28: API server, controllers, scheduler), installed as Helm
installs it (tests/chartkube.py), in a namespace that enforces the `restricted` Pod Security Standard.

- The API server admits every object without a warning (a server-side dry run) and the controllers create the
  pods of every Deployment and of the migrate Job: PodSecurity admission, not a linter, judges the pods; a pod
  without the chart's security context is refused there (the label is enforced).
- The chart's ServiceAccount may read everything the agent reads (deploy/kubernetes/rbac-readonly.yaml, which
  test_realkube_rbac.py proves the code needs) and change nothing; remediation and exec add their grants
  (rbac-remediation.yaml, rbac-exec.yaml) and nothing more; in namespaced mode it reads the listed namespaces
  only. Judged by the API server's authorizer for the ServiceAccount's own token (SelfSubjectAccessReview), and
  the same answers from `kubectl auth can-i --as system:serviceaccount:NS:aiops-agent`.
- The poll, with a token of that ServiceAccount, detects a crash loop and reads every kind it needs; in
  namespaced mode (the cluster keeping to AIOPS_WATCH_NAMESPACES) it finds one in a listed namespace only.

The release is `aiops-agent`, so its cluster-wide names are `aiops-agent-*` (test_realkube_rbac.py's shipped
files use `aiops-*`); each test installs it in a namespace of its own and uninstalls it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from tests.chartkube import Release, hook_events, kubectl, pod_spec, pods_created, references
from tests.charts import ALL_FEATURES, DEFAULT_VALUES
from tests.helpers import eventually
from tests.kubetools import ROOT, apply, deploy, own_node, unique
from tests.realkube import RealKube

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once

RESTRICTED = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "warn", "audit")}
RBAC = ROOT / "deploy" / "kubernetes"
COMPONENTS = ("web", "worker", "beat", "watcher")
SERVICE_MONITOR_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "servicemonitors.monitoring.coreos.com"},
    "spec": {"group": "monitoring.coreos.com", "scope": "Namespaced",
             "names": {"kind": "ServiceMonitor", "listKind": "ServiceMonitorList", "plural": "servicemonitors",
                       "singular": "servicemonitor"},
             "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                 "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}

Check = tuple[str, str, str, str]  # verb, resource[.group][/subresource], namespace ("" = cluster-wide), name


# --- namespaces, the release, the ServiceMonitor CRD ----------------------------------------------------------

def drop_namespace(kube: RealKube, name: str) -> None:
    """Pods bound to a node would wait for a kubelet that never comes: removed at once, then the namespace."""
    kubectl(kube, "delete", "pods", "--all", "-n", name, "--grace-period=0", "--force", check=False)
    kubectl(kube, "delete", "namespace", name, "--wait=false", "--ignore-not-found")


@pytest.fixture
def scratch(realkube: RealKube) -> Iterator[Callable[..., str]]:
    """Namespaces of the test's own (labelled as asked), deleted afterwards."""
    made: list[str] = []

    def make(prefix: str = "chart-ws", labels: dict[str, str] | None = None) -> str:
        made.append(unique(prefix))
        apply(realkube, {"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": made[-1], "labels": labels or {}}})
        return made[-1]

    yield make
    for name in made:
        drop_namespace(realkube, name)


@pytest.fixture
def release(realkube: RealKube, scratch: Callable[..., str]) -> Iterator[Release]:
    """Release `aiops-agent` in a namespace that enforces (and warns and audits) `restricted`; uninstalled after."""
    installed = Release(realkube, scratch("chart", RESTRICTED))
    yield installed
    installed.uninstall()


@pytest.fixture(scope="module")
def service_monitor_crd(realkube: RealKube) -> Iterator[None]:
    """The Prometheus operator's ServiceMonitor kind (schema left open); removed after if this module made it."""
    name = SERVICE_MONITOR_CRD["metadata"]["name"]
    made = kubectl(realkube, "get", "crd", name, check=False).returncode != 0
    if made:
        apply(realkube, SERVICE_MONITOR_CRD)
    realkube.kubectl("wait", "--for", "condition=Established", f"crd/{name}", "--timeout=60s")
    yield
    if made:
        kubectl(realkube, "delete", "crd", name, "--wait=false")


def operator_objects(release: Release, objects: list[dict[str, Any]]) -> None:
    """The Secrets and ConfigMaps the values name (existingSecret...) but the chart does not make: the
    operator's, made beforehand as the chart's README asks."""
    made = {(o["kind"], o["metadata"]["name"]) for o in objects}
    for kind, name in sorted(set().union(*(references(pod_spec(o)) for o in objects
                                           if o["kind"] in ("Deployment", "Job"))) - made):
        apply(release.kube, {"apiVersion": "v1", "kind": kind, "metadata": {"name": name,
                                                                            "namespace": release.namespace},
                             "data": {}})


def every_pod_created(release: Release, objects: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each Deployment's pods, as many as its replicas, created by the controllers (so admitted)."""
    return {d["metadata"]["name"]: pods_created(release.kube, release.namespace, "Deployment",
                                                d["metadata"]["name"], d["spec"].get("replicas", 1))
            for d in objects if d["kind"] == "Deployment"}


# --- 1, 2: admitted under `restricted` ------------------------------------------------------------------------

def test_the_default_install_is_admitted_under_restricted_and_every_pod_is_created(
        realkube: RealKube, release: Release) -> None:
    objects = release.apply({}, DEFAULT_VALUES)
    assert release.warnings == [], "no warning from the server-side dry run (PodSecurity, deprecations)"
    assert {d["metadata"]["name"] for d in release.of_kind("Deployment")} == {f"aiops-agent-{c}" for c in COMPONENTS}
    [job] = [o for o in objects if o["kind"] == "Job"]
    assert job["metadata"]["name"] == "aiops-agent-migrate" and {"pre-install", "pre-upgrade"} <= hook_events(job)
    pods = every_pod_created(release, objects)
    [migrate] = pods_created(realkube, release.namespace, "Job", "aiops-agent-migrate", 1)
    for pod in (p for each in pods.values() for p in each):
        assert pod["spec"]["serviceAccountName"] == "aiops-agent", pod["metadata"]["name"]
    assert migrate["spec"]["serviceAccountName"] == "aiops-agent-migrate"  # a hook too, bound to no role

    # The label is enforced: the web pod without the chart's security context is refused, and admitted where
    # nothing is enforced.
    [web] = [d for d in release.of_kind("Deployment") if d["metadata"]["name"] == "aiops-agent-web"]
    template = web["spec"]["template"]
    spec = {**template["spec"], "securityContext": {},
            "containers": [{**c, "securityContext": {}} for c in template["spec"]["containers"]],
            "initContainers": [{**c, "securityContext": {}} for c in template["spec"].get("initContainers", [])]}
    bare = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-bare", "namespace": release.namespace},
            "spec": spec}
    refused = kubectl(realkube, "apply", "-f", "-", stdin=yaml.safe_dump(bare), check=False)
    assert refused.returncode != 0 and 'violates PodSecurity "restricted:latest"' in refused.stderr, refused.stderr
    elsewhere = {**bare, "metadata": {"name": "web-bare", "namespace": "default"},
                 "spec": {**spec, "serviceAccountName": "default"}}
    admitted = realkube.kubectl("apply", "--dry-run=server", "-f", "-", stdin=yaml.safe_dump(elsewhere))
    assert "(server dry run)" in admitted


def test_every_feature_on_is_admitted_under_restricted_too(realkube: RealKube, release: Release,
                                                           service_monitor_crd: None) -> None:
    api_versions = ("monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor")
    objects = release.render({}, ALL_FEATURES, api_versions=api_versions)
    operator_objects(release, objects)
    objects = release.apply({}, ALL_FEATURES, api_versions=api_versions)
    assert release.warnings == [], "no warning from the server-side dry run (PodSecurity, deprecations)"
    kinds = {o["kind"] for o in objects}
    assert {"Ingress", "ServiceMonitor", "PodDisruptionBudget"} <= kinds, kinds
    for kind in ("ingress", "servicemonitor", "poddisruptionbudget", "deployment"):
        assert realkube.kubectl("get", kind, "-n", release.namespace, "-o", "name").strip(), kind
    every_pod_created(release, objects)
    pods_created(realkube, release.namespace, "Job", "aiops-agent-migrate", 1)


# --- 3: what the ServiceAccount may do ------------------------------------------------------------------------

def granted(file: str) -> set[tuple[str, str]]:
    """(verb, resource[.group][/subresource]) of every rule of a shipped ClusterRole (deploy/kubernetes)."""
    found = set()
    for doc in yaml.safe_load_all((RBAC / file).read_text()):
        for rule in (doc or {}).get("rules", []) if (doc or {}).get("kind") == "ClusterRole" else []:
            for group in rule["apiGroups"]:
                for resource in rule["resources"]:
                    base, _, sub = resource.partition("/")
                    name = base + (f".{group}" if group else "") + (f"/{sub}" if sub else "")
                    found |= {(verb, name) for verb in rule["verbs"]}
    return found


READS, REMEDIATION, EXEC = granted("rbac-readonly.yaml"), granted("rbac-remediation.yaml"), granted("rbac-exec.yaml")
CLUSTER_RESOURCES = {"nodes", "namespaces", "nodes.metrics.k8s.io"}
WRITES = {"create", "update", "patch", "delete", "deletecollection"}
LEASES = "leases.coordination.k8s.io"
# Everything the agent must not do unless a grant says so: write what it reads, read Secrets, exec, evict,
# scale, change statuses, leases or RBAC, mint tokens, impersonate.
NEVER = ({(verb, resource) for _, resource in READS if "/" not in resource for verb in WRITES}
         | {(verb, resource) for resource in ("secrets", "serviceaccounts", LEASES, "roles.rbac.authorization.k8s.io",
                                              "rolebindings.rbac.authorization.k8s.io",
                                              "clusterroles.rbac.authorization.k8s.io",
                                              "clusterrolebindings.rbac.authorization.k8s.io") for verb in WRITES}
         | {("get", "secrets"), ("list", "secrets"), ("watch", "secrets"),
            ("get", "pods/exec"), ("create", "pods/exec"),
            ("create", "pods/eviction"), ("patch", "deployments.apps/scale"), ("update", "deployments.apps/scale"),
            ("patch", "pods/status"), ("patch", "nodes/status"), ("create", "serviceaccounts/token"),
            ("bind", "clusterroles.rbac.authorization.k8s.io"), ("escalate", "clusterroles.rbac.authorization.k8s.io"),
            ("impersonate", "serviceaccounts"), ("impersonate", "users")})


def review(api: client.ApiClient, check: Check) -> bool:
    """The API server's authorizer, asked for the identity of `api`'s credentials (SelfSubjectAccessReview)."""
    verb, resource, namespace, name = check
    what, _, sub = resource.partition("/")
    plural, _, group = what.partition(".")
    attributes = client.V1ResourceAttributes(verb=verb, resource=plural, group=group, subresource=sub or None,
                                             namespace=namespace or None, name=name or None)
    body = client.V1SelfSubjectAccessReview(spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=attributes))
    return bool(client.AuthorizationV1Api(api).create_self_subject_access_review(body).status.allowed)


def can_i(kube: RealKube, user: str, check: Check) -> bool:
    """`kubectl auth can-i VERB RESOURCE[/NAME] [--subresource S] --as USER (-n NS | --all-namespaces)`."""
    verb, resource, namespace, name = check
    what, _, sub = resource.partition("/")
    argv = ["auth", "can-i", verb, f"{what}/{name}" if name else what, "--as", user,
            *(["--subresource", sub] if sub else []), *(["-n", namespace] if namespace else ["--all-namespaces"])]
    return kubectl(kube, *argv, check=False).stdout.strip() == "yes"


def leader_leases(home: str) -> dict[Check, bool]:
    """Its own Leases in its namespace (get, update; create), no other Lease, nowhere else."""
    expected: dict[Check, bool] = {("create", LEASES, home, ""): True, ("create", LEASES, "default", ""): False,
                                   ("get", LEASES, home, "someone-elses"): False,
                                   ("update", LEASES, home, "someone-elses"): False}
    for lease in ("aiops-watcher", "aiops-beat", "aiops-telegram"):
        expected |= {("get", LEASES, home, lease): True, ("update", LEASES, home, lease): True,
                     ("delete", LEASES, home, lease): False, ("update", LEASES, "default", lease): False}
    return expected


def scoped(resource: str, *namespaces: str) -> tuple[str, ...]:
    """Where to ask about a resource: cluster-wide (""), and in these namespaces unless it is cluster-scoped."""
    return ("",) if resource.split("/")[0] in CLUSTER_RESOURCES else ("", *namespaces)


def cluster_wide(home: str, allowed: set[tuple[str, str]]) -> dict[Check, bool]:
    """Allowed: yes everywhere. Everything else NEVER names: no, cluster-wide and in the release namespace."""
    expected = {(verb, resource, "", ""): True for verb, resource in allowed}
    for verb, resource in NEVER - allowed:
        expected |= {(verb, resource, ns, ""): False for ns in scoped(resource, home)}
    return expected | leader_leases(home)


def only_in(home: str, watched: list[str], elsewhere: str) -> dict[Check, bool]:
    """Namespaced mode: the reads in the watched namespaces; no read elsewhere nor cluster-wide; no change."""
    expected: dict[Check, bool] = {}
    for verb, resource in READS:
        if resource.split("/")[0] not in CLUSTER_RESOURCES:
            expected |= {(verb, resource, ns, ""): ns in watched for ns in (*watched, elsewhere, "")}
    for verb, resource in NEVER:
        expected |= {(verb, resource, ns, ""): False for ns in scoped(resource, *watched, elsewhere)}
    return expected | leader_leases(home)


def in_force(kube: RealKube, api: client.ApiClient, user: str, home: str, expected: dict[Check, bool],
             spot: list[Check]) -> None:
    """Wait (RBAC reaches the authorizer within a moment) until every answer is as expected; then the same
    answers from `kubectl auth can-i --as` for the spot checks."""
    wrong: dict[Check, bool] = {}

    def agrees() -> bool:
        wrong.clear()
        wrong.update({check: want for check, want in expected.items() if review(api, check) != want})
        return not wrong

    try:
        eventually(agrees, "the grants in force", timeout=30, interval=0.5)
    except AssertionError:
        rules = kubectl(kube, "auth", "can-i", "--list", "--as", user, "-n", home, check=False).stdout
        raise AssertionError(f"{len(wrong)} of {len(expected)} answers differ; expected (verb, resource, "
                             "namespace, name) -> allowed, the API server disagrees:\n"
                             + "\n".join(f"  {check} -> {want}" for check, want in sorted(wrong.items()))
                             + f"\nwhat {user} may do in {home}:\n{rules}") from None
    assert {c: can_i(kube, user, c) for c in spot} == {c: expected[c] for c in spot}


def test_the_service_account_reads_what_the_agent_reads_and_changes_only_what_is_enabled(
        realkube: RealKube, release: Release, scratch: Callable[..., str], tmp_path: Path) -> None:
    home = release.namespace
    user = f"system:serviceaccount:{home}:aiops-agent"
    release.apply({}, DEFAULT_VALUES)
    assert "aiops-agent" in {sa["metadata"]["name"] for sa in release.of_kind("ServiceAccount")}
    assert {r["metadata"]["name"] for r in release.of_kind("ClusterRole")} == {"aiops-agent-readonly"}
    api = realkube.api_for(realkube.service_account_kubeconfig(home, "aiops-agent", tmp_path / "agent"))
    spot = [("list", "pods", "", ""), ("watch", "events", "", ""), ("get", "pods/log", "", ""),
            ("patch", "deployments.apps", "", ""), ("create", "pods/eviction", "", ""), ("get", "pods/exec", "", ""),
            ("get", "secrets", "", ""), ("update", LEASES, home, "aiops-watcher")]
    in_force(realkube, api, user, home, cluster_wide(home, READS), spot)

    release.apply({"rbac": {"remediation": {"enabled": True}}}, DEFAULT_VALUES)
    assert release.warnings == []
    in_force(realkube, api, user, home, cluster_wide(home, READS | REMEDIATION), spot)

    release.apply({"rbac": {"remediation": {"enabled": True}, "exec": {"enabled": True}}}, DEFAULT_VALUES)
    in_force(realkube, api, user, home, cluster_wide(home, READS | REMEDIATION | EXEC), spot)

    release.apply({"rbac": {"exec": {"enabled": True}}}, DEFAULT_VALUES)  # remediation off again: its grant goes
    in_force(realkube, api, user, home, cluster_wide(home, READS | EXEC), spot)

    watched, elsewhere = [scratch("chart-a"), scratch("chart-b")], scratch("chart-c")
    release.apply({"rbac": {"scope": "namespaced", "namespaces": watched}}, DEFAULT_VALUES)
    assert release.warnings == []
    assert not release.of_kind("ClusterRoleBinding")
    spot = [("list", "pods", watched[0], ""), ("list", "pods", elsewhere, ""), ("list", "pods", "", ""),
            ("get", "pods/log", watched[1], ""), ("delete", "pods", watched[0], ""), ("get", "secrets", watched[0], "")]
    in_force(realkube, api, user, home, only_in(home, watched, elsewhere), spot)


# --- 4: the poll with the chart's ServiceAccount --------------------------------------------------------------

@pytest.fixture
def node(realkube: RealKube) -> Iterator[str]:
    """A Ready node only this test's pods tolerate; deleted afterwards."""
    name = own_node(realkube, unique("chart"))
    yield name
    kubectl(realkube, "delete", "node", name, "--wait=false")


@pytest.mark.django_db(transaction=True)
def test_the_poll_with_the_service_accounts_token_detects_a_crash_loop(
        realkube: RealKube, release: Release, scratch: Callable[..., str], node: str, tmp_path: Path) -> None:
    from incidents.detection import poll_cluster
    from incidents.models import DetectionProblem
    from tests.factories import make_cluster

    release.apply({}, DEFAULT_VALUES)
    kubeconfig = realkube.service_account_kubeconfig(release.namespace, "aiops-agent", tmp_path / "agent")
    eventually(lambda: review(realkube.api_for(kubeconfig), ("list", "pods", "", "")), "the grant in force")
    shop = scratch("chart-shop")
    deploy(realkube, client.CoreV1Api(realkube.api()), shop, "checkout", node, state="crashloop")

    cluster = make_cluster(unique("chart"), kubeconfig_path=str(kubeconfig))
    found = {(e.reason, e.labels.get("workload_name")) for e in poll_cluster(cluster.pk) if e.namespace == shop}
    assert ("CrashLoopBackOff", "checkout") in found, found
    assert not DetectionProblem.objects.filter(cluster=cluster).exists(), "every kind read with the chart's grant"


@pytest.mark.django_db(transaction=True)
def test_the_poll_in_namespaced_mode_reads_the_listed_namespaces_and_nothing_else(
        realkube: RealKube, release: Release, scratch: Callable[..., str], node: str, tmp_path: Path) -> None:
    """rbac.scope=namespaced and a cluster keeping to the same namespaces (as AIOPS_WATCH_NAMESPACES makes the
    discovered one): a crash loop in a listed namespace is found, one elsewhere is not, and nothing is unreadable."""
    from incidents.detection import poll_cluster
    from incidents.models import DetectionProblem
    from tests.factories import make_cluster

    watched, elsewhere = [scratch("chart-a"), scratch("chart-b")], scratch("chart-c")
    objects = release.apply({"rbac": {"scope": "namespaced", "namespaces": watched}}, DEFAULT_VALUES)
    [web] = [d for d in objects if d["kind"] == "Deployment" and d["metadata"]["name"] == "aiops-agent-web"]
    env = {e["name"]: e.get("value") for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["AIOPS_WATCH_NAMESPACES"] == ",".join(watched)
    kubeconfig = realkube.service_account_kubeconfig(release.namespace, "aiops-agent", tmp_path / "agent")
    eventually(lambda: review(realkube.api_for(kubeconfig), ("list", "pods", watched[1], "")),
               "the grant in force")
    core = client.CoreV1Api(realkube.api())
    for ns in (watched[0], elsewhere):
        deploy(realkube, core, ns, "checkout", node, state="crashloop")

    cluster = make_cluster(unique("chart"), kubeconfig_path=str(kubeconfig), namespaces=env["AIOPS_WATCH_NAMESPACES"])
    found = {(e.namespace, e.reason, e.labels.get("workload_name")) for e in poll_cluster(cluster.pk)}
    assert (watched[0], "CrashLoopBackOff", "checkout") in found, found
    assert {ns for ns, _, _ in found} <= set(watched), "nothing from a namespace it may not read"
    assert not DetectionProblem.objects.filter(cluster=cluster).exists(), "every kind read in every namespace"
