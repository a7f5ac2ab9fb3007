"""patch_resource: a generic patch (merge, strategic, JSON patch), HIGH risk, schema-checked, never Secrets.

On a real API server (realkube) through the bundled server's warm stdio session: what changed comes back field by
field, a dry run stores nothing, and the API server's own validation errors (strict fields, a required value, a
failed JSON patch test) come back in its words. The policy judges the tool HIGH from its annotations and refuses a
Secret in any spelling before anything is sent. The pure parts (kind spellings, patch bodies) at the end.
"""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from mcp.server.mcpserver.exceptions import ToolError

from mcp_bridge.calls import ArgumentRefusal, run_tool
from mcp_bridge.manager import SessionManager
from mcp_bridge.policy import PolicyRefusal, authorize, judge
from mcp_bridge.servers.kubernetes.access import server_limit
from mcp_bridge.servers.kubernetes.base import Cluster, Context
from mcp_bridge.servers.kubernetes.patch import PATCH_MAX_BYTES, changes, check_body, resolve_kind
from tests.helpers import eventually
from tests.kubetools import SERVER, Tools, apply, failure, namespace, workload

pytestmark = pytest.mark.once  # not about the database engine: one CI pass


@pytest.fixture(scope="module")
def tools(realkube: Any, warm_sessions: SessionManager) -> Tools:
    return Tools(warm_sessions, realkube.kubeconfig)


def test_merge_strategic_and_json_patches_on_a_real_api_server(realkube: Any, tools: Tools) -> None:
    apps = client.AppsV1Api(realkube.api())
    ns = namespace(realkube, "patch")
    apply(realkube, workload("Deployment", ns, "web", "nowhere", replicas=1))
    # The deployment controller annotates a new Deployment: once done, only the patches change it.
    eventually(lambda: (apps.read_namespaced_deployment("web", ns).metadata.annotations or {}).get(
        "deployment.kubernetes.io/revision"), "the first revision")

    dry = tools("patch_resource", kind="Deployment", namespace=ns, name="web", patch={"spec": {"replicas": 3}},
                dry_run=True)
    assert dry.ok, dry.error
    assert dry.text == f"deployment {ns}/web would change (merge, dry run: nothing stored): spec.replicas: 1 -> 3"
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 1

    merged = tools("patch_resource", kind="deploy", namespace=ns, name="web",
                   patch={"spec": {"replicas": 2}, "metadata": {"labels": {"tier": "front"}}})
    assert (merged.structured or {})["changed"] == [
        {"path": "metadata.labels.tier", "before": None, "after": "front"},
        {"path": "spec.replicas", "before": 1, "after": 2}]
    # Strategic: the container list merges by name, so one field of one container changes and the rest stays.
    strategic = tools("patch_resource", kind="apps/v1/Deployment", namespace=ns, name="web", patch_type="strategic",
                      patch={"spec": {"template": {"spec": {"containers": [
                          {"name": "app", "resources": {"limits": {"memory": "256Mi"}}}]}}}})
    assert strategic.ok, strategic.error
    assert strategic.text.endswith(
        'spec.template.spec.containers[app].resources.limits.memory: "128Mi" -> "256Mi"'), strategic.text
    json_patch = tools("patch_resource", kind="deployments.apps", namespace=ns, name="web", patch_type="json",
                       patch=[{"op": "test", "path": "/spec/replicas", "value": 2},
                              {"op": "replace", "path": "/spec/replicas", "value": 4}])
    assert json_patch.ok, json_patch.error
    deployment = apps.read_namespaced_deployment("web", ns)
    container = deployment.spec.template.spec.containers[0]
    assert (deployment.spec.replicas, deployment.metadata.labels, container.image,
            container.resources.limits["memory"]) == (4, {"tier": "front"}, "registry.invalid/web:1", "256Mi")
    assert "aiops-agent" in {field.manager for field in deployment.metadata.managed_fields}

    # The API server's validation, in its words: an unknown field (strict), a list replaced whole by a merge
    # patch loses the required image, a JSON patch whose test fails changes nothing.
    assert 'unknown field "spec.replica"' in failure(tools(
        "patch_resource", kind="Deployment", namespace=ns, name="web", patch={"spec": {"replica": 5}}))
    assert "spec.template.spec.containers[0].image: Required value" in failure(tools(
        "patch_resource", kind="Deployment", namespace=ns, name="web",
        patch={"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}))
    assert "HTTP 422" in failure(tools("patch_resource", kind="Deployment", namespace=ns, name="web",
                                       patch_type="json", patch=[{"op": "test", "path": "/spec/replicas", "value": 9},
                                                                 {"op": "replace", "path": "/spec/replicas",
                                                                  "value": 1}]))
    assert failure(tools("patch_resource", kind="Deployment", namespace=ns, name="nope",
                         patch={"spec": {"replicas": 1}})) == f"deployment {ns}/nope not found"
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 4


def test_secrets_and_credentials_are_never_patched_configmap_values_never_shown(realkube: Any, tools: Tools) -> None:
    core = client.CoreV1Api(realkube.api())
    ns = namespace(realkube, "patch")
    core.create_namespaced_secret(ns, {"metadata": {"name": "db"}, "stringData": {"password": "hunter2"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "web"}, "data": {"DB_HOST": "db-old"}})
    for kind in ("Secret", "secrets", "v1/Secret", "core/v1/secrets", "Secret.v1", "SECRETS.core"):
        assert failure(tools("patch_resource", kind=kind, namespace=ns, name="db",
                             patch={"metadata": {"labels": {"x": "y"}}})).startswith(
            "refused: Secrets are never patched"), kind
    assert core.read_namespaced_secret("db", ns).metadata.labels is None
    assert failure(tools("patch_resource", kind="Deployment", namespace=ns, name="web", patch={
        "spec": {"template": {"spec": {"serviceAccountName": "admin"}}}})) == (
        "refused: the patch sets spec.template.spec.serviceAccountName, which decides the credentials a workload "
        "gets")

    patched = tools("patch_resource", kind="cm", namespace=ns, name="web", patch={"data": {"DB_HOST": "db-new"}})
    assert patched.text == f"configmap {ns}/web changed (merge): data.DB_HOST (value not shown)"
    assert "db-" not in str(patched.structured)
    assert core.read_namespaced_config_map("web", ns).data == {"DB_HOST": "db-new"}

    def check_access(arguments: dict[str, Any]) -> Any:  # its argument `tool` is Tools' own
        return tools.manager.call_tool(SERVER, "check_access", {"tool": "patch_resource", "arguments": arguments},
                                       env=tools.env, timeout=60)

    allowed = check_access({"kind": "ConfigMap", "namespace": ns, "name": "web", "patch": {}})
    [check] = (allowed.structured or {})["checks"]
    assert check | {"verb": "patch", "group": "", "resource": "configmaps", "namespace": ns, "name": "web",
                    "allowed": True} == check
    refused = check_access({"kind": "Secret", "namespace": ns, "name": "db"})
    assert (refused.structured or {})["message"].startswith("refused: Secrets are never patched")


@pytest.mark.django_db
def test_the_policy_judges_it_high_refuses_secrets_and_checks_arguments_before_sending() -> None:
    arguments = {"kind": "Deployment", "namespace": "shop", "name": "web", "patch": {"spec": {"replicas": 2}}}
    verdict = judge("kubernetes", "patch_resource", arguments)
    assert (verdict.allowed, verdict.risk, verdict.risk_source) == (True, "HIGH", "annotations")
    with pytest.raises(PolicyRefusal, match="HIGH risk \\(annotations\\): it needs an approval"):
        authorize("kubernetes", "patch_resource", arguments, caller="chat", approved_risk="MEDIUM")
    for kind in ("Secret", "v1/Secret", "secrets.v1.", "core/v1/Secret"):
        refused = judge("kubernetes", "patch_resource", {**arguments, "kind": kind})
        assert not refused.allowed and "read Secrets or export credentials" in refused.reason, kind
    # The schema refuses a malformed name, a namespace that is no DNS label and an unknown patch type, unsent.
    with pytest.raises(ArgumentRefusal, match="name: 'Web_1' does not match"):
        run_tool("kubernetes", "patch_resource", {**arguments, "name": "Web_1"}, caller="cli", approved_risk="HIGH")
    with pytest.raises(ArgumentRefusal, match="patch_type: 'replace' is not one of"):
        run_tool("kubernetes", "patch_resource", {**arguments, "patch_type": "replace"}, caller="cli",
                 approved_risk="HIGH")


@pytest.mark.parametrize(("spelling", "kind"), [
    ("Deployment", "Deployment"), ("deploy", "Deployment"), ("deployments.apps", "Deployment"),
    ("deployments.v1.apps", "Deployment"), ("apps/v1/Deployment", "Deployment"), ("v1/ConfigMap", "ConfigMap"),
    ("configmaps.core", "ConfigMap"), ("hpa", "HorizontalPodAutoscaler"), (" Node ", "Node"),
])
def test_kubectls_spellings_of_a_kind(spelling: str, kind: str) -> None:
    assert resolve_kind(spelling).kind == kind


@pytest.mark.parametrize(("spelling", "refusal"), [
    ("secret", "refused: Secrets are never patched"), ("Secrets.example.com", "refused: Secrets are never patched"),
    ("v1beta1/secret", "refused: Secrets are never patched"), ("sa", "refused: ServiceAccounts are never patched"),
    ("v1/ServiceAccount", "refused: ServiceAccounts are never patched"),
    ("deployments.batch", "cannot patch kind 'deployments.batch': Deployment is in API group apps"),
    ("ClusterRoleBinding", "cannot patch kind 'ClusterRoleBinding' (patchable: Deployment, StatefulSet"),
])
def test_secrets_service_accounts_and_kinds_off_the_list_are_refused(spelling: str, refusal: str) -> None:
    with pytest.raises(ToolError) as refused:
        resolve_kind(spelling)
    assert str(refused.value).startswith(refusal)


@pytest.mark.parametrize(("patch_type", "patch", "refusal"), [
    ("merge", {}, "the patch is empty"),
    ("merge", [{"op": "add", "path": "/x", "value": 1}], 'patch_type "merge" takes an object'),
    ("json", {"spec": {}}, 'patch_type "json" takes a list of operations'),
    ("json", [{"op": "upsert", "path": "/spec"}], "patch[0] is not a JSON patch operation"),
    ("merge", {"data": {"k": "v" * PATCH_MAX_BYTES}}, f"the patch is {PATCH_MAX_BYTES + 17} bytes; at most"),
    ("strategic", {"spec": {"template": {"spec": {"imagePullSecrets": [{"name": "r"}]}}}},
     "refused: the patch sets spec.template.spec.imagePullSecrets"),
    ("merge", {"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [
        {"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}}]}]}}}},
     "refused: the patch sets spec.template.spec.containers.0.env.0.valueFrom.secretKeyRef"),
    ("json", [{"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "t", "projected": {
        "sources": [{"serviceAccountToken": {"path": "token"}}]}}}],
     "refused: patch[0] sets spec.template.spec.volumes.-.projected.sources.0.serviceAccountToken"),
    ("json", [{"op": "remove", "path": "/spec/template/spec/imagePullSecrets/0"}],
     "refused: patch[0] touches spec.template.spec.imagePullSecrets"),
    ("json", [{"op": "copy", "from": "/spec/template/spec/serviceAccountName", "path": "/metadata/labels/a"}],
     "refused: patch[0] touches spec.template.spec.serviceAccountName"),
])
def test_patch_bodies_that_cannot_be_sent(patch_type: str, patch: Any, refusal: str) -> None:
    with pytest.raises(ToolError) as refused:
        check_body(patch_type, patch)
    assert str(refused.value).startswith(refusal)


def test_keys_that_are_data_may_name_secrets() -> None:
    check_body("merge", {"metadata": {"labels": {"secret-rotated": "yes"}, "annotations": {"secret/hash": "1"}},
                         "data": {"SECRET_NAME": "db"}})
    check_body("json", [{"op": "add", "path": "/metadata/annotations/secret~1hash", "value": "2"}])


def test_changes_list_each_field_and_hide_configmap_values() -> None:
    before = {"metadata": {"name": "web", "resourceVersion": "1", "labels": {"a": "1"}}, "spec": {"replicas": 1},
              "status": {"replicas": 1}}
    after = {"metadata": {"name": "web", "resourceVersion": "2", "labels": {"b": "2"}}, "spec": {"replicas": 3},
             "status": {"replicas": 3}}
    assert changes("Deployment", before, after) == [
        {"path": "metadata.labels.a", "before": "1", "after": None},
        {"path": "metadata.labels.b", "before": None, "after": "2"},
        {"path": "spec.replicas", "before": 1, "after": 3}]
    assert changes("ConfigMap", {"data": {"k": "old"}}, {"data": {"k": "new"}}) == [{"path": "data.k"}]


def test_the_servers_own_limits_apply_to_patches_as_check_access_sees_them() -> None:
    confined = Context(Cluster(None, None), allowed=frozenset({"shop"}))
    assert server_limit(confined, "patch_resource", {"kind": "Deployment", "namespace": "shop", "name": "web"}) is None
    assert server_limit(confined, "patch_resource", {"kind": "no", "name": "node-1"}) == (
        "refused: patching node node-1 affects every namespace, and this server is limited to shop")
    assert server_limit(confined, "patch_resource", {"kind": "Deployment", "namespace": "bank", "name": "web"}) == (
        "refused: namespace 'bank' is not allowed (allowed: shop)")
    assert server_limit(confined, "patch_resource", {"kind": "Deployment", "name": "web"}) == (
        "Deployment is namespaced: give a namespace")
    read_only = Context(Cluster(None, None), read_only=True)
    assert server_limit(read_only, "patch_resource", {"kind": "Namespace", "name": "shop"}) == (
        "refused: the server runs in --read-only mode")
