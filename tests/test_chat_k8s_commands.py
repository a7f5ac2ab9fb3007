"""The /k8s commands and plain-language changes upstream's chat had, through the one chat handler, the policy and the
bundled Kubernetes MCP server, on a real API server (realkube): namespaces, services, top (no metrics-server
there: said plainly), contexts and config (never credentials), fix (failed pods offered for deletion as ONE
approval, deleted only once approved), and scale, restart, roll back, cordon, uncordon and drain in words, each an
approval request that changed nothing yet."""

from __future__ import annotations

from typing import Any

import pytest
from celery.app.task import Task
from kubernetes import client

from chat.handler import handle_message
from chat.messages import IncomingMessage, Reply
from chat.models import ChatIdentity
from incidents.models import Cluster
from remediation.models import Approval, StepRun
from tests.factories import make_user
from tests.kubetools import Tools, apply, deploy, namespace, own_node, unique

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = [pytest.mark.django_db, pytest.mark.once]


def say(text: str, user_id: int = 7001) -> list[Reply]:
    return handle_message(IncomingMessage(user_id=str(user_id), channel_type="telegram", text=text,
                                          metadata={"chat_id": str(user_id)}))


@pytest.fixture
def kube(realkube: Any) -> tuple[Any, client.CoreV1Api, str, str]:
    """The real cluster registered, a chat user linked, and a namespace and node of this test's own."""
    Cluster.objects.create(name="real", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(realkube.kubeconfig))
    ChatIdentity.objects.create(user=make_user("dev"), telegram_user_id=7001)
    return realkube, client.CoreV1Api(realkube.api()), namespace(realkube, "chat"), own_node(realkube, unique("n"))


def failed_pod(core: client.CoreV1Api, ns: str, node: str, name: str, reason: str) -> None:
    """A bare pod that ended Failed, its status set as a kubelet sets it (the status subresource)."""
    core.create_namespaced_pod(ns, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                    "spec": {"nodeName": node, "restartPolicy": "Never",
                                             "tolerations": [{"operator": "Exists"}],
                                             "containers": [{"name": "app", "image": "registry.invalid/job:1"}]}})
    core.patch_namespaced_pod_status(name, ns, {"status": {"phase": "Failed", "reason": reason,
                                                           "message": "The node was low on resource: memory."}},
                                     _content_type="application/merge-patch+json")


def test_reads_namespaces_services_top_contexts_and_config(kube: Any) -> None:
    realkube, _, ns, _ = kube
    apply(realkube, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "checkout", "namespace": ns},
                     "spec": {"selector": {"app": "checkout"}, "ports": [{"port": 8080}]}})
    [namespaces] = say("/k8s namespaces")
    assert namespaces.monospace and ns in namespaces.text and "Active" in namespaces.text
    [services] = say(f"/k8s services {ns}")
    assert "checkout" in services.text and "ClusterIP" in services.text and "8080/TCP" in services.text
    assert "checkout" in say("services")[0].text  # the conversation stays in that namespace; plain words too
    for asked in ("/k8s top pods", "/k8s top nodes"):
        [top] = say(asked)
        assert "the metrics API is not available (is metrics-server installed?)" in top.text, top.text
    assert "Use /k8s top pods [namespace] or /k8s top nodes" in say("/k8s top deployments")[0].text

    server = f"https://127.0.0.1:{realkube.api_port}"
    kubeconfig = realkube.kubeconfig.read_text()
    secrets = [line.split(":", 1)[1].strip() for line in kubeconfig.splitlines()
               if line.strip().startswith(("client-key-data", "client-certificate-data", "certificate-authority-data",
                                           "token"))]
    assert secrets  # the admin's kubeconfig holds credentials: none of them may reach the chat
    [contexts] = say("/k8s contexts")
    [config] = say("/k8s config")
    for reply in (contexts, config):
        assert server in reply.text, reply.text
        assert not any(secret[:40] in reply.text for secret in secrets)
    assert contexts.text.startswith("* ")  # the one in use is marked
    assert "changes allowed" in config.text and "context " in config.text


def test_fix_offers_the_failed_pods_as_one_approval_and_deletes_only_them_once_approved(
        kube: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any, warm_sessions: Any) -> None:
    realkube, core, ns, node = kube
    [crashing] = deploy(realkube, core, ns, "web", node, "crashloop")
    failed_pod(core, ns, node, "report-evicted", "Evicted")
    failed_pod(core, ns, node, "migrate-failed", "")
    ChatIdentity.objects.create(user=make_user("oncall", "remediation.approve_medium"), telegram_user_id=7002)
    queued: list[tuple[Task, tuple[Any, ...]]] = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=(), kwargs=None, **options: queued.append((self, args)))

    with django_capture_on_commit_callbacks(execute=True):
        found, card = say(f"fix the pods in {ns}")
    assert "Failed pods in" in found.text and "migrate-failed" in found.text and "report-evicted" in found.text
    assert f"Crash-looping, not deleted (a new pod would crash the same way): {crashing}" in found.text
    approval = Approval.objects.get()  # one approval for every failed pod
    assert approval.step_run.tool == "delete_failed_pods" and "MEDIUM" in card.text
    assert approval.step_run.arguments == {"namespace": ns, "names": ["migrate-failed", "report-evicted"]}
    assert len(core.list_namespaced_pod(ns).items) == 3  # asked, nothing deleted yet

    with django_capture_on_commit_callbacks(execute=True):
        assert "approved" in say(f"approve {approval.pk}", 7002)[0].text
    while queued:
        task, args = queued.pop(0)
        with django_capture_on_commit_callbacks(execute=True):
            task.run(*args)
    step = StepRun.objects.get()
    assert step.status == StepRun.Status.SUCCEEDED, step.output
    left = {p.metadata.name for p in core.list_namespaced_pod(ns).items if not p.metadata.deletion_timestamp}
    assert left == {crashing}
    assert "No failed pods in" in say("/k8s fix")[0].text  # in the conversation's namespace
    # The tool itself reads each pod again: one that is not Failed (any more) is kept, whatever it was asked.
    kept = Tools(warm_sessions, realkube.kubeconfig)("delete_failed_pods", namespace=ns, names=[crashing, "never-was"])
    assert kept.ok and kept.structured["deleted"] == []
    assert kept.structured["kept"] == [{"name": crashing, "why": "phase Running, not Failed"},
                                       {"name": "never-was", "why": "gone already"}]
    assert crashing in {p.metadata.name for p in core.list_namespaced_pod(ns).items}


def test_changes_in_plain_words_become_approval_requests_and_unclear_ones_are_asked_back(kube: Any) -> None:
    realkube, core, ns, node = kube
    deploy(realkube, core, ns, "checkout", node)
    asked = {
        "scale checkout to three": ("scale_deployment", {"namespace": ns, "name": "checkout", "replicas": 3}),
        f"scale checkout to 2 replicas in {ns}": ("scale_deployment", {"namespace": ns, "name": "checkout",
                                                                         "replicas": 2}),
        "restart checkout": ("rollout_restart", {"namespace": ns, "name": "checkout"}),
        "roll back checkout": ("rollout_undo", {"namespace": ns, "name": "checkout"}),
        f"rollback checkout in {ns}": ("rollout_undo", {"namespace": ns, "name": "checkout"}),
        f"cordon {node}": ("cordon_node", {"name": node}),
        f"uncordon node {node}": ("uncordon_node", {"name": node}),
        f"please drain node {node}": ("drain_node", {"name": node}),
    }
    assert "checkout-" in say(f"pods in {ns}")[0].text  # the conversation is about that namespace now
    for text, (tool, arguments) in asked.items():
        [card] = say(text)
        approval = Approval.objects.order_by("-pk").first()
        assert approval is not None and f"Approval #{approval.pk}" in card.text, (text, card.text)
        assert (approval.step_run.tool, approval.step_run.arguments) == (tool, arguments), text
    assert Approval.objects.count() == len(asked)
    assert StepRun.objects.exclude(status=StepRun.Status.WAITING_APPROVAL).count() == 0  # nothing ran
    assert client.AppsV1Api(realkube.api()).read_namespaced_deployment("checkout", ns).spec.replicas == 1
    assert not core.read_node(node).spec.unschedulable

    unclear = {"scale": "Scale what, to how many?", "scale checkout": "Scale what, to how many?",
               "scale checkout to lots": "'lots' is not a number of replicas", "drain": "Drain which node?",
               "drain all nodes": "Drain which node?", "restart pod x": "Restart which deployment?",
               "delete everything": "I do not delete anything on a guess"}
    for text, answer in unclear.items():
        [reply] = say(text)
        assert answer in reply.text, (text, reply.text)
    assert Approval.objects.count() == len(asked)  # none of those asked for anything
