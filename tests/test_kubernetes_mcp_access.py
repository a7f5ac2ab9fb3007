"""The bundled Kubernetes MCP server's check_access, run as a real stdio subprocess against kmock: one
SelfSubjectAccessReview per permission a tool needs, and an RBAC 403 read as the permission the agent lacks.
(On a real API server and its RBAC: tests/test_realkube_access.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp_bridge.servers.kubernetes.access import NEEDS
from mcp_bridge.servers.kubernetes.rbac import REMEDIATION_FIX, Need, forbidden_message, may_not
from tests.kubemcp import SERVER, Harness, requests_with, started_with

HARNESS = Harness()
pytestmark = HARNESS.marks
call = HARNESS.call
stop_servers, kubeconfig, cluster_env = HARNESS.fixtures()
SSAR = "authorization.k8s.io/v1/selfsubjectaccessreviews"
FORBIDDEN = ('deployments.apps "web" is forbidden: User "system:serviceaccount:aiops:agent" cannot patch resource '
             '"deployments" in API group "apps" in the namespace "shop"')


def reviews(kmock: Any, denied: set[tuple[str, str]]) -> None:
    """Answer SelfSubjectAccessReviews as RBAC would: no to each (verb, resource[/subresource]) in `denied`."""
    def answer(request: Any) -> dict[str, Any]:
        attributes = request.data["spec"]["resourceAttributes"]
        plural = "/".join(filter(None, (attributes["resource"], attributes.get("subresource"))))
        allowed = (attributes["verb"], plural) not in denied
        kmock.objects[request.resource, None, None].delete()  # kmock keeps what is POSTed: a review is not kept
        return {**request.data, "status": {"allowed": allowed, **({} if allowed else {"reason": ""})}}

    kmock["post", kmock.resource(SSAR)] << answer


def asked(kmock: Any) -> list[dict[str, Any]]:
    return [r.data["spec"]["resourceAttributes"] for r in requests_with(kmock, "POST")
            if r.url.path.endswith("/selfsubjectaccessreviews")]


async def test_a_missing_permission_is_named_with_its_fix(kmock: Any, cluster_env: dict[str, str]) -> None:
    reviews(kmock, {("patch", "deployments")})

    result = await call("check_access", {"tool": "rollout_restart", "arguments": {"namespace": "shop", "name": "web"}},
                        cluster_env)

    assert result.ok, result.error
    answer = result.structured
    assert (answer["allowed"], answer["message"]) == (False, "the agent may not patch deployments in shop")
    assert answer["fix"] == REMEDIATION_FIX and "rbac.remediation.enabled=true" in answer["fix"]
    assert asked(kmock) == [
        {"verb": "get", "group": "apps", "resource": "deployments", "namespace": "shop", "name": "web"},
        {"verb": "patch", "group": "apps", "resource": "deployments", "namespace": "shop", "name": "web"}]
    assert not requests_with(kmock, "PATCH")  # a check changes nothing


async def test_subresources_cluster_scope_and_several_denials_read_as_kubectl_spells_them(
        kmock: Any, cluster_env: dict[str, str]) -> None:
    reviews(kmock, {("patch", "deployments/scale"), ("patch", "nodes"), ("create", "pods/eviction")})

    scale = await call("check_access", {"tool": "scale_deployment",
                                        "arguments": {"namespace": "shop", "name": "web", "replicas": 3}}, cluster_env)
    drain = await call("check_access", {"tool": "drain_node", "arguments": {"name": "node-1"}}, cluster_env)
    cordon = await call("check_access", {"tool": "cordon_node", "arguments": {"name": "node-1"}}, cluster_env)

    assert scale.structured["message"] == "the agent may not patch deployments/scale in shop"
    assert drain.structured["message"] == "the agent may not patch nodes or create pods/eviction in any namespace"
    assert cordon.structured["message"] == "the agent may not patch nodes"
    eviction = [a for a in asked(kmock) if a.get("subresource") == "eviction"]
    assert eviction == [{"verb": "create", "group": "", "resource": "pods", "subresource": "eviction"}]


async def test_allowed_unknown_and_unreviewed_calls(kmock: Any, cluster_env: dict[str, str]) -> None:
    set_resources = {"tool": "set_resources", "arguments": {"namespace": "shop", "name": "db", "container": "db",
                                                            "kind": "StatefulSet", "memory_limit": "1Gi"}}
    unreviewed = await call("check_access", set_resources, cluster_env)  # kmock stores it, reviews nothing
    kmock.objects[kmock.resource(SSAR), None, None].delete()
    reviews(kmock, set())

    allowed = await call("check_access", set_resources, cluster_env)
    unknown = await call("check_access", {"tool": "list_pods", "arguments": {}}, cluster_env)

    assert unreviewed.structured["allowed"] is None
    assert unreviewed.structured["message"].startswith("cannot check access: ")
    assert allowed.structured["allowed"] is True, allowed.structured
    assert [(c["verb"], c["resource"], c["allowed"]) for c in allowed.structured["checks"]] == [
        ("get", "statefulsets", True), ("patch", "statefulsets", True)]
    assert unknown.structured == {"tool": "list_pods", "allowed": None,
                                  "message": "no permissions are declared for 'list_pods': not checked"}


async def test_the_servers_own_limits_deny_without_asking(kmock: Any, cluster_env: dict[str, str]) -> None:
    reviews(kmock, set())
    restart = {"tool": "rollout_restart", "arguments": {"namespace": "shop", "name": "web"}}

    read_only = await call("check_access", restart, cluster_env, started_with("--read-only"))
    elsewhere = await call("check_access", restart, cluster_env, started_with("--allowed-namespaces", "web"))
    node = await call("check_access", {"tool": "label", "arguments": {"kind": "Node", "name": "node-1",
                                                                        "labels": {"a": "b"}}},
                      cluster_env, started_with("--allowed-namespaces", "web"))

    assert (read_only.structured["allowed"], read_only.structured["message"]) == (
        False, "refused: the server runs in --read-only mode")
    assert elsewhere.structured["message"] == "refused: namespace 'shop' is not allowed (allowed: web)"
    assert node.structured["message"] == ("refused: labelling node node-1 affects every namespace, and this server "
                                          "is limited to web")
    assert not asked(kmock)


async def test_an_rbac_403_names_the_permission_then_the_api_servers_words(kmock: Any,
                                                                           cluster_env: dict[str, str]) -> None:
    status = {"kind": "Status", "code": 403, "reason": "Forbidden", "message": FORBIDDEN}
    kmock["patch", kmock.resource("apps/v1/deployments"), kmock.name("web")] << 403 << status

    result = await call("rollout_restart", {"namespace": "shop", "name": "web"}, cluster_env)

    assert not result.ok
    assert ("the agent may not patch deployments in shop (HTTP 403): " + FORBIDDEN + ". To fix: " + REMEDIATION_FIX
            ) in result.error


def test_forbidden_messages_and_fixes() -> None:
    assert forbidden_message(403, FORBIDDEN) == \
        f"the agent may not patch deployments in shop (HTTP 403): {FORBIDDEN}. To fix: {REMEDIATION_FIX}."
    cluster = 'nodes "n1" is forbidden: User "u" cannot patch resource "nodes" in API group "" at the cluster scope'
    assert forbidden_message(403, cluster).startswith("the agent may not patch nodes (HTTP 403): ")
    listing = 'pods is forbidden: User "u" cannot list resource "pods" in API group "" at the cluster scope'
    assert forbidden_message(403, listing).endswith("kubectl apply -f deploy/kubernetes/rbac-readonly.yaml.")
    admission = 'pods "web" is forbidden: violates PodSecurity "restricted:latest": privileged'
    assert forbidden_message(403, admission) is None  # not RBAC: the caller keeps the API's words
    assert forbidden_message(401, FORBIDDEN) is None
    assert "bind a Role of your own" in Need("patch", "", "services", namespace="shop").fix()
    assert may_not([Need("get", "apps", "deployments", namespace="shop"), Need("patch", "apps", "deployments",
                    namespace="shop"), Need("list", "apps", "replicasets", namespace="shop")]) == \
        "the agent may not get or patch deployments in shop or list replicasets in shop"


def test_every_tool_that_changes_something_declares_what_it_needs(kubeconfig: Path) -> None:
    tools = {t["name"]: t for t in HARNESS.sessions.list_tools(SERVER, env={"KUBECONFIG": str(kubeconfig)},
                                                               timeout=30)}
    changes = {name for name, tool in tools.items() if not tool["annotations"]["read_only_hint"]}
    assert set(NEEDS) == changes | {"exec_readonly"}
    assert tools["check_access"]["annotations"]["read_only_hint"] is True
