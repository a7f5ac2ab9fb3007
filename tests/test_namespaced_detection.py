"""A cluster limited to namespaces (`Cluster.namespaces`, AIOPS_WATCH_NAMESPACES): for credentials with Roles in
those namespaces only. The field and the variable are validated; the poll lists each kind in each namespace
(kmock over HTTP) and never nodes; the watcher's streams per kind and namespace make one view of each kind.
The same on a real API server with a Role-only token: tests/test_realkube_namespaced.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from aiops_project.env import envnamespaces
from incidents import kube
from incidents.detection import poll_cluster
from incidents.models import Cluster, DetectionProblem, Signal
from incidents.watcher import ClusterWatch, WatchSettings
from tests.factories import make_cluster
from tests.kmocks import declare_kinds, kubeconfig_for
from tests.kubeobjects import make_node, make_pod
from tests.threads import in_thread

NAMESPACED_KINDS = ["Pod", "Event", "Deployment", "StatefulSet", "DaemonSet", "Job", "HorizontalPodAutoscaler"]
FAST = WatchSettings(backoff_base=0.05, backoff_cap=0.5, stop_timeout=5)


def crashing(namespace: str, name: str = "checkout-7d9f8b6c5-x2x9q") -> dict[str, Any]:
    pod = make_pod(name, waiting="CrashLoopBackOff", last_reason="Error", restarts=6)
    pod["metadata"]["namespace"] = namespace
    return pod


def firing() -> list[tuple[str, str, str]]:
    """(reason, namespace, object) of every firing signal, by the last event of each."""
    from incidents.models import ClusterEvent

    fingerprints = Signal.objects.firing().values_list("fingerprint", flat=True)
    return sorted({(e.reason, e.namespace, e.object_name)
                   for e in ClusterEvent.objects.filter(fingerprint__in=list(fingerprints))})


# --- The field and the variable ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_field_takes_comma_or_space_separated_names_once_each_sorted() -> None:
    cluster = Cluster(name="prod", kind=Cluster.Kind.IN_CLUSTER, namespaces=" shop,billing  shop,\n")
    cluster.full_clean()
    assert cluster.namespaces == "billing,shop"
    assert cluster.watched_namespaces == ("billing", "shop")
    assert cluster.tool_env() == {"KUBECONFIG": "", "KUBE_CONTEXT": "", "KUBE_ALLOWED_NAMESPACES": "billing,shop"}
    whole = Cluster(name="all", kind=Cluster.Kind.IN_CLUSTER, namespaces=" , ")
    whole.full_clean()
    assert (whole.namespaces, whole.watched_namespaces) == ("", ())
    assert "KUBE_ALLOWED_NAMESPACES" not in whole.tool_env()  # the server's own configuration stands


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["Shop", "shop_1", "-shop", "shop-", "shop.eu", "a" * 64, "shop;billing"])
def test_a_name_that_is_no_namespace_name_is_refused_by_name(bad: str) -> None:
    cluster = Cluster(name="prod", kind=Cluster.Kind.IN_CLUSTER, namespaces=f"billing {bad}")
    with pytest.raises(ValidationError) as raised:
        cluster.full_clean()
    [message] = raised.value.message_dict["namespaces"]
    assert message.startswith(f"{bad!r} is not a namespace name (a DNS-1123 label"), message


def test_the_variable_is_read_alike_and_refused_naming_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIOPS_WATCH_NAMESPACES", raising=False)
    assert envnamespaces("AIOPS_WATCH_NAMESPACES") == []
    monkeypatch.setenv("AIOPS_WATCH_NAMESPACES", "shop, billing,shop payments")
    assert envnamespaces("AIOPS_WATCH_NAMESPACES") == ["billing", "payments", "shop"]
    monkeypatch.setenv("AIOPS_WATCH_NAMESPACES", "shop,Billing")
    with pytest.raises(ImproperlyConfigured, match=r"AIOPS_WATCH_NAMESPACES: 'Billing' is not a namespace name"):
        envnamespaces("AIOPS_WATCH_NAMESPACES")


def test_a_role_cannot_read_nodes_so_namespaced_detection_reads_the_namespaced_kinds() -> None:
    assert kube.detected_kinds(()) == list(kube.LISTED_KINDS)
    assert kube.detected_kinds(("shop",)) == NAMESPACED_KINDS


# --- The poll (kmock over HTTP) ----------------------------------------------------------------


@pytest.fixture
async def limited(kmock: Any, tmp_path: Path) -> Cluster:
    declare_kinds(kmock, "list")
    kmock.objects["v1/pods", "shop", "checkout-7d9f8b6c5-x2x9q"] = crashing("shop")
    kmock.objects["v1/pods", "other", "checkout-7d9f8b6c5-x2x9q"] = crashing("other")
    kmock.objects["v1/nodes", None, "node-2"] = make_node() | {"status": {"conditions": []}}  # no Ready: NotReady
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")
    return await in_thread(lambda: make_cluster("kmock", kubeconfig_path=str(kubeconfig),
                                                namespaces="shop,billing"))


@pytest.mark.django_db(transaction=True)
async def test_the_poll_lists_each_kind_in_each_namespace_and_never_nodes(kmock: Any, limited: Cluster) -> None:
    events = await in_thread(lambda: poll_cluster(limited.pk))

    assert sorted((e.reason, e.namespace) for e in events) == [("CrashLoopBackOff", "shop")]
    paths = sorted(request.url.path for request in kmock if request.method == "GET")
    assert paths == sorted(f"{prefix}/namespaces/{ns}/{plural}" for ns in ("billing", "shop") for prefix, plural in [
        ("/api/v1", "pods"), ("/api/v1", "events"), ("/apis/apps/v1", "deployments"),
        ("/apis/apps/v1", "statefulsets"), ("/apis/apps/v1", "daemonsets"), ("/apis/batch/v1", "jobs"),
        ("/apis/autoscaling/v2", "horizontalpodautoscalers")])
    assert not await in_thread(lambda: DetectionProblem.objects.exists())  # nodes are no problem: not read
    assert await in_thread(lambda: Cluster.objects.get(pk=limited.pk).last_poll_error) == ""


@pytest.mark.django_db(transaction=True)
async def test_a_namespace_refused_makes_the_kind_unreadable_naming_it_and_keeps_its_signals(
        kmock: Any, limited: Cluster) -> None:
    assert [e.reason for e in await in_thread(lambda: poll_cluster(limited.pk))] == ["CrashLoopBackOff"]
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
              "message": 'pods is forbidden: User "system:serviceaccount:aiops:aiops" cannot list resource "pods" '
                         'in API group "" in the namespace "billing"'}
    kmock[kmock.action.LIST, kmock.resource("v1/pods"), kmock.namespace("billing")] << 403 << status
    del kmock.objects["v1/pods", "shop", "checkout-7d9f8b6c5-x2x9q"]  # gone, but the union was not read whole

    assert await in_thread(lambda: poll_cluster(limited.pk)) == []
    [problem] = await in_thread(lambda: list(DetectionProblem.objects.all()))
    assert (problem.kind, problem.reporter) == ("Pod", "poll")
    assert problem.summary == "forbidden: list pods in namespace billing (HTTP 403)"
    assert problem.detail.startswith('pods is forbidden: User "system:serviceaccount:aiops:aiops"')
    assert await in_thread(firing) == [("CrashLoopBackOff", "shop", "checkout-7d9f8b6c5-x2x9q")]


@pytest.mark.django_db(transaction=True)
async def test_signals_of_namespaces_no_longer_watched_are_left_as_they_are(kmock: Any, limited: Cluster) -> None:
    await in_thread(lambda: poll_cluster(limited.pk))
    await in_thread(lambda: Cluster.objects.filter(pk=limited.pk).update(namespaces="billing"))

    assert await in_thread(lambda: poll_cluster(limited.pk)) == []  # not seen in shop: no proof it healed
    assert await in_thread(firing) == [("CrashLoopBackOff", "shop", "checkout-7d9f8b6c5-x2x9q")]


# --- The watcher's view of a kind over its namespaces (the streams played by the test) -----------


@pytest.mark.django_db(transaction=True)
def test_a_kind_is_judged_once_every_namespace_is_listed_and_a_relist_drops_only_its_own_namespace() -> None:
    cluster = make_cluster("limited", namespaces="billing,shop")
    watch = ClusterWatch(cluster, FAST)  # not started: the test plays the streams
    assert set(watch.streams) == {f"{kind}/{ns}" for kind in NAMESPACED_KINDS for ns in ("billing", "shop")}
    assert watch.streams["Pod/shop"].namespace == "shop" and watch.streams["Pod/shop"].thread.name.endswith(
        "-Pod/shop")
    shop_pod = {("Pod", "shop", "checkout-7d9f8b6c5-x2x9q"): crashing("shop")}
    billing_pod = {("Pod", "billing", "invoice-6c7d8-b"): crashing("billing", "invoice-6c7d8-b")}

    watch.observe("Pod", shop_pod, resource_version="10", relist=True, namespace="shop")
    assert "Pod" not in watch.complete and firing() == []  # half a list judges nothing
    watch.observe("Pod", billing_pod, resource_version="11", relist=True, namespace="billing")
    assert "Pod" in watch.complete
    assert firing() == [("CrashLoopBackOff", "billing", "invoice-6c7d8-b"),
                        ("CrashLoopBackOff", "shop", "checkout-7d9f8b6c5-x2x9q")]

    watch.observe("Pod", {}, resource_version="12", relist=True, namespace="billing")  # billing's pod is gone
    assert firing() == [("CrashLoopBackOff", "shop", "checkout-7d9f8b6c5-x2x9q")]  # shop's is not
    assert ("Pod", "shop", "checkout-7d9f8b6c5-x2x9q") in watch.objects


@pytest.mark.django_db(transaction=True)
def test_a_kind_watched_in_two_namespaces_has_one_problem_until_neither_has_one() -> None:
    cluster = make_cluster("limited", namespaces="billing,shop")
    watch = ClusterWatch(cluster, FAST)

    def problem(namespace: str) -> kube.KindUnreadable:
        return kube.KindUnreadable("Pod", f"forbidden: list pods in namespace {namespace} (HTTP 403)", "no", 403)

    def summaries() -> list[str]:
        return list(DetectionProblem.objects.filter(kind="Pod", reporter="watch").values_list("summary", flat=True))

    watch.report_problem("Pod", problem("shop"), "shop")
    watch.report_problem("Pod", problem("billing"), "billing")
    assert summaries() == ["forbidden: list pods in namespace billing (HTTP 403)"]
    watch.report_problem("Pod", None, "billing")  # billing reads again: shop still does not
    assert summaries() == ["forbidden: list pods in namespace shop (HTTP 403)"]
    watch.report_problem("Pod", None, "shop")
    assert summaries() == []
