"""The chart's RBAC equals deploy/kubernetes/*.yaml, so the two cannot drift apart; namespaced mode drops only
the cluster-scoped nodes."""

from __future__ import annotations

import pytest
import yaml

from tests.charts import DEFAULT_VALUES, container_env, find, of_kind, pod_spec, render
from tests.deployfiles import ROOT

pytestmark = pytest.mark.once

RBAC_DIR = ROOT / "deploy" / "kubernetes"
NS = "aiops"
SUBJECT = [{"kind": "ServiceAccount", "name": "aiops-agent", "namespace": NS}]
CLUSTER_SCOPED = {("", "nodes"), ("metrics.k8s.io", "nodes")}


def manifest_rules(file: str, kind: str = "ClusterRole") -> list[dict]:
    (role,) = [d for d in yaml.safe_load_all((RBAC_DIR / file).read_text()) if d and d["kind"] == kind]
    return role["rules"]


def without_cluster_scoped(rules: list[dict]) -> list[dict]:
    out = []
    for rule in rules:
        resources = [r for r in rule["resources"]
                     if not any((g, r) in CLUSTER_SCOPED for g in rule["apiGroups"])]
        if resources:
            out.append({**rule, "resources": resources})
    return out


ALL_ON = {"rbac": {"remediation": {"enabled": True}, "exec": {"enabled": True}}}


@pytest.mark.parametrize("role, file", [("readonly", "rbac-readonly.yaml"), ("remediation", "rbac-remediation.yaml"),
                                        ("exec", "rbac-exec.yaml")])
def test_cluster_roles_equal_the_plain_manifests(role, file):
    docs = render([DEFAULT_VALUES, ALL_ON], namespace=NS)
    assert find(docs, "ClusterRole", f"aiops-agent-{role}")["rules"] == manifest_rules(file)
    binding = find(docs, "ClusterRoleBinding", f"aiops-agent-{role}")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": f"aiops-agent-{role}"}
    assert binding["subjects"] == SUBJECT


def test_leader_election_role_equals_the_plain_manifest_and_leader_py():
    from aiops_project.leader import LEASE_PREFIX
    from chat.telegram_poller import LEASE as TELEGRAM_LEASE

    docs = render([DEFAULT_VALUES], namespace=NS)
    role = find(docs, "Role", "aiops-agent-leader-election", NS)
    assert role["rules"] == manifest_rules("leader-election.yaml", "Role")
    names = role["rules"][0]["resourceNames"]
    assert names == [LEASE_PREFIX + "watcher", LEASE_PREFIX + "beat", LEASE_PREFIX + TELEGRAM_LEASE]
    binding = find(docs, "RoleBinding", "aiops-agent-leader-election", NS)
    assert binding["roleRef"]["name"] == "aiops-agent-leader-election" and binding["subjects"] == SUBJECT


def test_remediation_and_exec_are_opt_in():
    docs = render([DEFAULT_VALUES], namespace=NS)
    assert [d["metadata"]["name"] for d in of_kind(docs, "ClusterRole")] == ["aiops-agent-readonly"]
    docs = render([DEFAULT_VALUES, {"rbac": {"exec": {"enabled": True}}}], namespace=NS)
    assert {d["metadata"]["name"] for d in of_kind(docs, "ClusterRole")} == {"aiops-agent-readonly",
                                                                             "aiops-agent-exec"}
    docs = render([DEFAULT_VALUES, {"rbac": {"create": False}}], namespace=NS)
    assert not [d for d in docs if d["kind"] in {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}]


def test_namespaced_mode_grants_roles_in_each_namespace_without_nodes():
    values = {"rbac": {"scope": "namespaced", "namespaces": ["shop", "payments"],
                       "remediation": {"enabled": True}, "exec": {"enabled": True}}}
    docs = render([DEFAULT_VALUES, values], namespace=NS)
    assert not of_kind(docs, "ClusterRole") and not of_kind(docs, "ClusterRoleBinding")
    for ns in ("shop", "payments"):
        for role, file in (("readonly", "rbac-readonly.yaml"), ("remediation", "rbac-remediation.yaml"),
                           ("exec", "rbac-exec.yaml")):
            rules = find(docs, "Role", f"aiops-agent-{role}", ns)["rules"]
            assert rules == without_cluster_scoped(manifest_rules(file)), (ns, role)
            assert not any("nodes" in rule["resources"] for rule in rules)
            binding = find(docs, "RoleBinding", f"aiops-agent-{role}", ns)
            assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                          "name": f"aiops-agent-{role}"}
            assert binding["subjects"] == SUBJECT
    # still what the read-only set grants otherwise: pods, logs, events, workloads
    readonly = find(docs, "Role", "aiops-agent-readonly", "shop")["rules"]
    assert {"pods", "events"} <= set(readonly[0]["resources"])
    assert find(docs, "Role", "aiops-agent-leader-election", NS)
    for deployment in of_kind(docs, "Deployment"):
        env = container_env(pod_spec(deployment)["containers"][0])
        assert env["AIOPS_WATCH_NAMESPACES"] == {"value": "shop,payments"}


def test_a_given_service_account_is_bound_instead_of_one_created():
    docs = render([DEFAULT_VALUES, {"serviceAccount": {"create": False, "name": "ops-reader"}}], namespace=NS)
    assert not [d for d in of_kind(docs, "ServiceAccount") if d["metadata"]["name"] == "ops-reader"]
    assert find(docs, "ClusterRoleBinding", "aiops-agent-readonly")["subjects"] == [
        {"kind": "ServiceAccount", "name": "ops-reader", "namespace": NS}]
    for deployment in of_kind(docs, "Deployment"):
        assert pod_spec(deployment)["serviceAccountName"] == "ops-reader"
