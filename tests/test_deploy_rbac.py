"""The RBAC manifests in deploy/kubernetes/: what the agent's service account may do, file by file.

No Docker engine is needed."""

from __future__ import annotations

import yaml

from tests.deployfiles import ROOT

# --- Kubernetes RBAC ----------------------------------------------------------------------------

RBAC_DIR = ROOT / "deploy" / "kubernetes"
RBAC_FILES = {"rbac-readonly.yaml": "aiops-readonly", "rbac-remediation.yaml": "aiops-remediation",
              "rbac-exec.yaml": "aiops-exec"}
AGENT_ACCOUNT = {"kind": "ServiceAccount", "name": "aiops-agent", "namespace": "aiops"}


def _rbac(name: str) -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((RBAC_DIR / name).read_text())}


def _rules(name: str) -> list[dict]:
    return _rbac(name)["ClusterRole"]["rules"]


def test_each_rbac_file_binds_its_own_role_to_the_agents_service_account():
    assert sorted(p.name for p in RBAC_DIR.glob("rbac-*.yaml")) == sorted(RBAC_FILES)
    for name, role in RBAC_FILES.items():
        text = (RBAC_DIR / name).read_text()
        assert text.startswith("# ") and "kubectl apply -f deploy/kubernetes/" + name in text, name
        docs = _rbac(name)
        assert sorted(docs) == ["ClusterRole", "ClusterRoleBinding", "ServiceAccount"], name
        account = docs["ServiceAccount"]["metadata"]
        assert {"kind": "ServiceAccount", **account} == AGENT_ACCOUNT, name
        assert docs["ClusterRole"]["metadata"]["name"] == role
        binding = docs["ClusterRoleBinding"]
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}
        assert binding["subjects"] == [AGENT_ACCOUNT], name


def test_the_read_only_role_only_reads_and_no_role_names_secrets_or_wildcards():
    verbs = {verb for rule in _rules("rbac-readonly.yaml") for verb in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}
    for name in RBAC_FILES:
        for rule in _rules(name):
            named = [*rule["apiGroups"], *rule["resources"], *rule["verbs"]]
            assert "*" not in named and not any(r.split("/")[0] == "secrets" for r in rule["resources"]), (name, rule)
            assert "resourceNames" not in rule and "nonResourceURLs" not in rule, (name, rule)


def test_only_the_exec_opt_in_grants_exec_and_remediation_adds_no_reads():
    exec_grants = {name for name in RBAC_FILES for rule in _rules(name) if "pods/exec" in rule["resources"]}
    assert exec_grants == {"rbac-exec.yaml"}
    assert _rules("rbac-exec.yaml") == [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["get", "create"]}]
    remediation = {(group, resource, verb) for rule in _rules("rbac-remediation.yaml")
                   for group in rule["apiGroups"] for resource in rule["resources"] for verb in rule["verbs"]}
    assert remediation == {("apps", "deployments", "patch"), ("apps", "deployments/scale", "patch"),
                           ("apps", "statefulsets", "patch"), ("apps", "daemonsets", "patch"),
                           ("", "nodes", "patch"), ("", "pods/eviction", "create"), ("", "pods", "delete"),
                           ("autoscaling", "horizontalpodautoscalers", "patch")}


def test_the_kubernetes_server_names_the_file_that_grants_each_missing_permission():
    """A denial's fix (mcp_bridge/servers/kubernetes/rbac.py) names the opt-in that grants it: the same grants."""
    from mcp_bridge.servers.kubernetes.rbac import EXEC_GRANTS, REMEDIATION_GRANTS

    def grants(name: str) -> set[tuple[str, str, str]]:
        return {(group, resource, verb) for rule in _rules(name)
                for group in rule["apiGroups"] for resource in rule["resources"] for verb in rule["verbs"]}

    assert grants("rbac-remediation.yaml") == REMEDIATION_GRANTS
    assert grants("rbac-exec.yaml") == EXEC_GRANTS


def test_leader_election_grants_only_the_agents_own_leases_in_its_namespace():
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all((RBAC_DIR / "leader-election.yaml").read_text())}
    assert sorted(docs) == ["Role", "RoleBinding"]
    assert docs["Role"]["metadata"]["namespace"] == docs["RoleBinding"]["metadata"]["namespace"] == "aiops"
    from aiops_project.leader import LEASE_PREFIX
    from chat.telegram_poller import LEASE as TELEGRAM_LEASE

    named, create = docs["Role"]["rules"]
    assert named == {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
                     "resourceNames": [f"{LEASE_PREFIX}watcher", f"{LEASE_PREFIX}beat", LEASE_PREFIX + TELEGRAM_LEASE],
                     "verbs": ["get", "update"]}
    assert create == {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]}
    assert docs["RoleBinding"]["subjects"] == [AGENT_ACCOUNT]
