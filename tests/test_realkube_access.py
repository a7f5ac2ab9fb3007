"""Before a change is put to people, the agent asks the real API server whether its own identity may make it.

A ServiceAccount of the test's own gets the shipped read-only rules (deploy/kubernetes/rbac-readonly.yaml under
names of its own, so as not to meet test_realkube_rbac's `aiops-*` roles); the cluster's kubeconfig holds its
real token. A playbook with a MEDIUM rollout_restart and a HIGH set_resources is refused before any approval
is filed, with the permission it lacks and its fix; so is the same change asked for from chat. Granted the
shipped remediation rules, the step asks for an approval as before; the grant revoked between the approval and
the run, the API server's 403 reads the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from aiops_project import notices
from incidents.models import AuditEntry, Cluster
from mcp_bridge.preflight import AccessRefusal
from mcp_bridge.servers.kubernetes.rbac import REMEDIATION_FIX
from remediation.models import Approval, PlaybookRun, Risk, StepRun
from remediation.services import advance_run, decide_approval, execute_step, request_action, start_playbook
from remediation.verdict import analyse_run
from tests.factories import make_run, make_user
from tests.helpers import eventually
from tests.kubetools import ROOT, SERVER, Tools, apply, deploy, failure, namespace, own_node, unique

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # not about the database engine: one CI pass
RBAC = ROOT / "deploy" / "kubernetes"


class Agent:
    """A ServiceAccount of the test's own, granted the shipped rules of a deploy/kubernetes file on demand."""

    def __init__(self, kube: Any, tmp_path: Path) -> None:
        self.kube, self.home, self.name = kube, namespace(kube, "agent"), unique("agent")
        kube.kubectl("create", "serviceaccount", self.name, "-n", self.home)
        self.user = f"system:serviceaccount:{self.home}:{self.name}"
        self.kubeconfig = kube.service_account_kubeconfig(self.home, self.name, tmp_path / "agent")

    def grant(self, file: str) -> str:
        """The file's ClusterRole rules under a name of the agent's own, bound to it; returns the name."""
        role = next(d for d in yaml.safe_load_all((RBAC / file).read_text()) if d["kind"] == "ClusterRole")
        name = f"{self.name}-{file.removesuffix('.yaml')}"
        apply(self.kube, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                          "metadata": {"name": name}, "rules": role["rules"]},
              {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": name},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
               "subjects": [{"kind": "ServiceAccount", "name": self.name, "namespace": self.home}]})
        return name

    def can(self, verb: str, resource: str, ns: str) -> bool:
        try:
            return self.kube.kubectl("auth", "can-i", verb, resource, "--as", self.user, "-n", ns).strip() == "yes"
        except AssertionError:  # exit status 1: no
            return False

    def becomes(self, allowed: bool, verb: str, resource: str, ns: str) -> None:
        eventually(lambda: self.can(verb, resource, ns) == allowed, f"RBAC to {'allow' if allowed else 'deny'} "
                                                                     f"{verb} {resource} in {ns}")


@pytest.fixture
def told() -> Iterator[list[notices.Notice]]:
    """What people are told (every notice, once its transaction commits)."""
    heard: list[notices.Notice] = []
    notices.register_sink("access-test", heard.append)
    yield heard
    notices.unregister_sink("access-test")


def playbook_run(cluster: Cluster, ns: str, again: PlaybookRun | None = None) -> PlaybookRun:
    """A MEDIUM restart (the run goes on if it fails) and a HIGH raise of the memory limit, on the cluster;
    `again`: the same playbook started again, for the same incident."""
    if again is not None:
        run = start_playbook(again.playbook, incident=again.incident, event=again.trigger_event)
        assert run is not None
        PlaybookRun.objects.filter(pk=run.pk).update(cluster=cluster)
        return run
    run = make_run({"server": "kubernetes", "tool": "rollout_restart", "arguments": {"namespace": ns, "name": "web"},
                    "risk": Risk.MEDIUM, "on_failure": "continue"},
                   {"server": "kubernetes", "tool": "set_resources", "risk": Risk.HIGH,
                    "arguments": {"namespace": ns, "name": "web", "container": "app", "memory_limit": "256Mi"}})
    PlaybookRun.objects.filter(pk=run.pk).update(cluster=cluster)
    return run


def test_a_change_the_agent_may_not_make_is_refused_before_approval_then_asked_for_then_a_revoked_grant_reads_clear(
        realkube: Any, tmp_path: Path, told: list[notices.Notice], django_capture_on_commit_callbacks: Any) -> None:
    agent = Agent(realkube, tmp_path)
    agent.grant("rbac-readonly.yaml")
    ns, node = namespace(realkube, "shop"), own_node(realkube, unique("access"))
    deploy(realkube, client.CoreV1Api(realkube.api()), ns, "web", node)
    agent.becomes(True, "get", "deployments.apps", ns)
    cluster = Cluster.objects.create(name=unique("access"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(agent.kubeconfig))
    missing = f"the agent may not patch deployments in {ns}"

    # Read-only: both steps refused at once, nobody asked; the timeline and the channels say why.
    run = playbook_run(cluster, ns)
    with django_capture_on_commit_callbacks(execute=True):
        advance_run(run.pk)
    run.refresh_from_db()
    restart, resources = run.step_runs.order_by("order")
    assert not Approval.objects.exists()
    assert (run.status, restart.status, resources.status) == ("failed", "failed", "failed")
    for step in (restart, resources):
        assert step.error == f"{missing}. To fix: {REMEDIATION_FIX}.", step.error
    refused = AuditEntry.objects.filter(action="step.refused").order_by("id")
    assert [e.message for e in refused] == [
        f"step 1 (rollout_restart) refused before anyone was asked to approve it: {restart.error}",
        f"step 2 (set_resources) refused before anyone was asked to approve it: {resources.error}"]
    said = [n for n in told if n.kind == "step.finished"]
    assert [n.audience for n in said] == ["operators", "operators"] and missing in said[0].text
    assert not [n for n in told if n.kind == "approval.requested"]

    # The same change asked for in chat: refused, no run, and the asker reads why.
    with pytest.raises(AccessRefusal, match=f"^{missing}. To fix: "):
        request_action(user=make_user("dev"), server="kubernetes", tool="rollout_restart",
                       arguments={"namespace": ns, "name": "web"}, via="slack", cluster=cluster)
    assert not PlaybookRun.objects.filter(requested_by__username="dev").exists()

    # Granted the shipped remediation rules: the step asks for an approval, as ever.
    binding = agent.grant("rbac-remediation.yaml")
    agent.becomes(True, "patch", "deployments.apps", ns)
    run = playbook_run(cluster, ns, again=run)
    advance_run(run.pk)  # the root cause is analysed first (the analyse_run task), then the approval is asked
    analyse_run(run.pk)
    advance_run(run.pk)
    restart = run.step_runs.get(order=1)
    assert restart.status == StepRun.Status.WAITING_APPROVAL
    approval = Approval.objects.get(step_run=restart)
    decide_approval(approval_id=approval.pk, user=make_user("oncall", "remediation.approve_medium"), approve=True,
                    via="api")

    # Revoked between the approval and the run: the API server's 403, read as the permission it lacks.
    realkube.kubectl("delete", "clusterrolebinding", binding)
    agent.becomes(False, "patch", "deployments.apps", ns)
    execute_step(restart.pk)
    restart.refresh_from_db()
    assert restart.status == StepRun.Status.FAILED
    assert restart.error.startswith(f"{missing} (HTTP 403): "), restart.error
    assert f'User "{agent.user}" cannot patch resource "deployments" in API group "apps"' in restart.error
    assert restart.error.endswith(f"To fix: {REMEDIATION_FIX}.")
    assert client.AppsV1Api(realkube.api()).read_namespaced_deployment("web", ns).metadata.generation == 1


def test_an_identity_without_any_rbac_may_still_ask_what_it_may_do(realkube: Any, warm_sessions: Any,
                                                                   tmp_path: Path) -> None:
    """Creating a SelfSubjectAccessReview needs no grant: the default system:basic-user role allows it."""
    agent = Agent(realkube, tmp_path)  # bound to nothing at all
    tools = Tools(warm_sessions, agent.kubeconfig)

    def check(tool: str, **arguments: Any) -> Any:
        return warm_sessions.call_tool(SERVER, "check_access", {"tool": tool, "arguments": arguments},
                                       env=tools.env, timeout=60)

    scale = check("scale_deployment", namespace="shop", name="web", replicas=2)
    drain = check("drain_node", name="some-node")

    assert scale.ok, scale.error
    assert scale.structured["allowed"] is False
    assert scale.structured["message"] == ("the agent may not get deployments in shop or patch deployments/scale in "
                                           "shop")
    assert drain.structured["message"] == ("the agent may not get or patch nodes or list pods in any namespace or "
                                           "create pods/eviction in any namespace")
    assert failure(tools("list_pods", namespace="shop")).startswith("the agent may not list pods in shop (HTTP 403)")


def test_a_low_step_that_changes_something_is_checked_before_it_runs(
        realkube: Any, tmp_path: Path, settings: Any, told: list[notices.Notice],
        django_capture_on_commit_callbacks: Any) -> None:
    """A policy that makes a mutating tool LOW: no approval, but the check all the same (told to no channel)."""
    config = json.loads((ROOT / ".mcp-config.json").read_text())
    config["mcpServers"]["kubernetes"]["policy"]["risk"]["rollout_restart"] = "LOW"
    settings.MCP_CONFIG_FILE = tmp_path / "mcp.json"
    settings.MCP_CONFIG_FILE.write_text(json.dumps(config))
    agent = Agent(realkube, tmp_path)
    agent.grant("rbac-readonly.yaml")
    ns, node = namespace(realkube, "shop"), own_node(realkube, unique("access-low"))
    deploy(realkube, client.CoreV1Api(realkube.api()), ns, "web", node)
    agent.becomes(True, "get", "deployments.apps", ns)
    cluster = Cluster.objects.create(name=unique("access"), kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(agent.kubeconfig))
    run = make_run({"server": "kubernetes", "tool": "get_deployment", "arguments": {"namespace": ns, "name": "web"},
                    "risk": Risk.LOW},
                   {"server": "kubernetes", "tool": "rollout_restart", "arguments": {"namespace": ns, "name": "web"},
                    "risk": Risk.LOW})
    PlaybookRun.objects.filter(pk=run.pk).update(cluster=cluster)

    advance_run(run.pk)
    read = run.step_runs.get(order=1)
    assert read.status == StepRun.Status.QUEUED  # a read: queued as ever
    execute_step(read.pk)  # advances the run: the restart is checked now
    with django_capture_on_commit_callbacks(execute=True):
        advance_run(run.pk)

    restart = run.step_runs.get(order=2)
    assert (restart.status, restart.error) == ("failed", f"the agent may not patch deployments in {ns}. "
                                                         f"To fix: {REMEDIATION_FIX}.")
    assert AuditEntry.objects.get(action="step.refused").message.startswith(
        "step 2 (rollout_restart) refused before it ran: the agent may not patch")
    assert not [n for n in told if n.kind == "step.finished" and n.audience == "operators"]
    assert AuditEntry.objects.filter(action="tool.refused").count() == 0  # the check itself went through
