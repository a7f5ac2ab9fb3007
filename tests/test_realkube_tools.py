"""Every tool of the bundled Kubernetes MCP server against real objects on a real API server (realkube).

Tools are called on one warm stdio session of the server for the whole module (see tests/kubetools.py);
effects are checked through the API, and the real controllers (ReplicaSet, Deployment, DaemonSet, disruption)
do the rest. Pods never run: `sim.py` plays the kubelet. The pure parts (which pod stands for a gone one,
label selectors, how a refused exec reads) are tested at the end, without a cluster.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from kubernetes import client

from mcp_bridge.manager import SessionManager
from remediation.templating import condition_holds, render_arguments, with_params
from tests.helpers import eventually, free_port
from tests.kubetools import (
    ROOT,
    SERVER,
    TAINT,
    Tools,
    apply,
    deploy,
    failure,
    namespace,
    own_node,
    pod_template,
    pods_of,
    replica_sets,
    unique,
    workload,
)

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


@pytest.fixture(scope="module")
def tools(realkube: Any, warm_sessions: SessionManager) -> Tools:
    return Tools(warm_sessions, realkube.kubeconfig)


@pytest.fixture(scope="module")
def core(realkube: Any) -> client.CoreV1Api:
    return client.CoreV1Api(realkube.api())


@pytest.fixture(scope="module")
def apps(realkube: Any) -> client.AppsV1Api:
    return client.AppsV1Api(realkube.api())


@pytest.fixture(scope="module")
def node(realkube: Any) -> str:
    return own_node(realkube, unique("tools-node"))


@pytest.fixture
def ns(realkube: Any) -> str:
    return namespace(realkube, "tools")


def test_the_read_tools_summarise_real_objects(realkube: Any, tools: Tools, core: Any, ns: str, node: str) -> None:
    [pod] = deploy(realkube, core, ns, "web", node, "crashloop")
    realkube.sim("event", ns, pod, "BackOff", "Back-off restarting failed container app")
    apply(realkube, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
                     "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}},
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": ns},
           "data": {"DATABASE_HOST": "db", "PASSWORD_HINT": "not-shown"}})

    namespaces = tools("list_namespaces")
    pods = tools("list_pods", namespace=ns)
    got = tools("get_pod", namespace=ns, name=pod)
    described = tools("describe_pod", namespace=ns, name=pod)
    nodes = tools("list_nodes")
    node_info = tools("describe_node", name=node)
    deployments = tools("list_deployments", namespace=ns)
    deployment = tools("get_deployment", namespace=ns, name="web")
    status = tools("rollout_status", namespace=ns, name="web")
    services = tools("list_services", namespace=ns)
    config = tools("describe", kind="ConfigMap", name="web", namespace=ns)
    own_ns = tools("describe", kind="Namespace", name=ns)
    secret = tools("describe", kind="Secret", name="web", namespace=ns)
    events = tools("list_events", namespace=ns)

    assert {"name": ns, "phase": "Active"} in namespaces.structured["namespaces"]
    [summary] = pods.structured["pods"]
    assert summary | {"owner": None} == {"name": pod, "namespace": ns, "phase": "Running", "ready": "0/1",
                                         "restarts": 1, "waiting_reason": "CrashLoopBackOff", "node": node,
                                         "owner": None}
    assert summary["owner"].startswith("ReplicaSet/web-")
    assert got.structured["containers"][0]["resources"]["limits"] == {"memory": "128Mi"}
    assert described.structured["containers"][0]["last_state"]["reason"] == "Error"
    assert {e["reason"] for e in described.structured["events"]} == {"BackOff", "Scheduled"}  # the scheduler's too
    assert next(n for n in nodes.structured["nodes"] if n["name"] == node)["ready"] == "True"
    assert node_info.structured["taints"] == [{"key": TAINT, "value": node, "effect": "NoSchedule"}]
    assert [d["name"] for d in deployments.structured["deployments"]] == ["web"]
    assert deployment.structured["images"] == {"app": "registry.invalid/web:1"}
    assert status.structured["state"] == "progressing" and "0 of 1 updated replicas are available" in status.text
    assert services.structured["services"][0]["ports"] == [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]
    assert config.structured["data_keys"] == ["DATABASE_HOST", "PASSWORD_HINT"] and "not-shown" not in config.text
    assert own_ns.structured["status"] == {"phase": "Active"}
    assert not secret.ok and "Secrets are not described" in secret.error
    assert ("BackOff", f"Pod/{pod}") in [(e["reason"], e["object"]) for e in events.structured["events"]]
    assert {e["type"] for e in events.structured["events"]} == {"Warning"}


def test_logs_come_through_the_api_servers_log_proxy(realkube: Any, tools: Tools, core: Any, ns: str,
                                                      node: str) -> None:
    [pod] = deploy(realkube, core, ns, "api", node, "crashloop")
    realkube.sim("logs", ns, pod, "starting api\\nlistening on :8080")
    realkube.sim("logs", ns, pod, "starting api\\npanic: cannot connect to postgres:5432", "--previous")

    tail = tools("get_pod_logs", namespace=ns, name=pod, tail_lines=1)
    previous = tools("get_pod_logs", namespace=ns, name=pod, previous=True)
    analysed = tools("analyze_logs", namespace=ns, name=pod)
    wrong = tools("get_pod_logs", namespace=ns, name=pod, container="sidecar")

    assert tail.ok and tail.text == "listening on :8080\n"
    assert previous.text == "starting api\npanic: cannot connect to postgres:5432\n"
    assert analysed.structured["current"]["findings"] == []
    assert analysed.structured["previous"]["top_category"] == "application_crash"
    assert "previous: go_panic x1 (application_crash)" in analysed.text
    assert not wrong.ok and f"logs of pod {ns}/{pod}" in wrong.error and "sidecar" in wrong.error


def test_top_tools_say_the_metrics_api_is_missing(tools: Tools, ns: str) -> None:
    pods, nodes = tools("top_pods", namespace=ns), tools("top_nodes")

    for result in (pods, nodes):
        assert failure(result) == "the metrics API is not available (is metrics-server installed?)"


def test_rollout_restart_makes_the_controller_roll_a_new_replica_set(realkube: Any, tools: Tools, core: Any,
                                                                     apps: Any, ns: str, node: str) -> None:
    deploy(realkube, core, ns, "web", node)

    restart = tools("rollout_restart", namespace=ns, name="web")

    assert restart.ok, restart.error
    template = apps.read_namespaced_deployment("web", ns).spec.template
    assert template.metadata.annotations == {"kubectl.kubernetes.io/restartedAt": restart.structured["restarted_at"]}
    eventually(lambda: "2" in replica_sets(apps, ns, "web"), "the controller's second ReplicaSet")
    assert tools("get_deployment", namespace=ns, name="web").structured["restarted_at"] == \
        restart.structured["restarted_at"]


def test_a_restart_called_again_with_its_execution_key_restarts_nothing(realkube: Any, tools: Tools, core: Any,
                                                                       apps: Any, ns: str, node: str) -> None:
    """A worker died after the restart reached the API server; the step runs again with the same key."""
    from mcp_bridge.execution import EXECUTION_KEY

    deploy(realkube, core, ns, "web", node)
    first = tools.manager.call_tool(SERVER, "rollout_restart", {"namespace": ns, "name": "web"}, env=tools.env,
                                    timeout=60, execution_key="step-run-41")
    eventually(lambda: "2" in replica_sets(apps, ns, "web"), "the restart's ReplicaSet")
    generation = apps.read_namespaced_deployment("web", ns).metadata.generation

    again = tools.manager.call_tool(SERVER, "rollout_restart", {"namespace": ns, "name": "web"}, env=tools.env,
                                    timeout=60, execution_key="step-run-41")
    other = tools.manager.call_tool(SERVER, "rollout_restart", {"namespace": ns, "name": "web"}, env=tools.env,
                                    timeout=60, execution_key="step-run-42")

    assert first.ok and again.ok and other.ok, (first.error, again.error, other.error)
    assert again.structured == {**first.structured, "already_done": True}
    assert again.text.endswith("not restarted again")
    deployment = apps.read_namespaced_deployment("web", ns)
    assert deployment.metadata.generation == generation + 1  # only the other step's restart changed it
    assert deployment.spec.template.metadata.annotations[EXECUTION_KEY] == "step-run-42"
    # tools/list says which tools honour execution keys; the bridge keeps it with their annotations.
    listed = {t["name"]: t["annotations"] for t in tools.manager.list_tools(SERVER, env=tools.env, timeout=60)}
    assert listed["rollout_restart"].get(EXECUTION_KEY) is True and EXECUTION_KEY not in listed["rollout_undo"]


def test_update_image_history_and_undo_on_real_revisions(realkube: Any, tools: Tools, core: Any, apps: Any,
                                                         ns: str, node: str) -> None:
    deploy(realkube, core, ns, "web", node)

    update = tools("update_image", namespace=ns, name="web", container="app", image="registry.invalid/web:2")
    eventually(lambda: "2" in replica_sets(apps, ns, "web"), "revision 2")
    history = tools("rollout_history", namespace=ns, name="web")
    undo = tools("rollout_undo", namespace=ns, name="web")

    assert update.text == f"deployment {ns}/web container app: image registry.invalid/web:1 -> registry.invalid/web:2"
    assert [(r["revision"], r["images"]) for r in history.structured["revisions"]] == [
        (2, ["registry.invalid/web:2"]), (1, ["registry.invalid/web:1"])]
    assert undo.ok and undo.structured["revision"] == 1 and undo.structured["previous_revision"] == 2
    assert apps.read_namespaced_deployment("web", ns).spec.template.spec.containers[0].image == \
        "registry.invalid/web:1"
    # The real controller takes the old ReplicaSet back as revision 3, as after `kubectl rollout undo`.
    rs = eventually(lambda: replica_sets(apps, ns, "web").get("3"), "revision 3")
    assert rs.spec.template.spec.containers[0].image == "registry.invalid/web:1"


def test_scale_deployment_sets_replicas_and_pods_appear(realkube: Any, tools: Tools, core: Any, apps: Any,
                                                        ns: str, node: str) -> None:
    deploy(realkube, core, ns, "web", node)

    scaled = tools("scale_deployment", namespace=ns, name="web", replicas=3)

    assert scaled.text == f"deployment {ns}/web scaled from 1 to 3 replicas"
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 3
    eventually(lambda: len(pods_of(core, ns, "web")) == 3, "3 pods")


def test_set_resources_changes_the_pod_template_of_each_kind(realkube: Any, tools: Tools, core: Any, apps: Any,
                                                             ns: str, node: str) -> None:
    deploy(realkube, core, ns, "web", node)
    apply(realkube, workload("StatefulSet", ns, "db", node, 0, serviceName="db"))

    raised = tools("set_resources", namespace=ns, name="web", container="app", memory_limit_factor=1.5,
                   cpu_request="100m")
    stateful = tools("set_resources", namespace=ns, name="db", kind="StatefulSet", container="app",
                     memory_limit="256Mi")
    wrong = tools("set_resources", namespace=ns, name="db", kind="StatefulSet", container="db", memory_limit="1Gi")

    assert raised.structured["changes"] == {"limits.memory": {"before": "128Mi", "after": "192Mi"},
                                            "requests.cpu": {"before": "50m", "after": "100m"}}
    resources = apps.read_namespaced_deployment("web", ns).spec.template.spec.containers[0].resources
    assert (resources.limits, resources.requests) == ({"memory": "192Mi"}, {"cpu": "100m", "memory": "128Mi"})
    eventually(lambda: "2" in replica_sets(apps, ns, "web"), "the rollout's new ReplicaSet")
    assert stateful.ok, stateful.error
    db = apps.read_namespaced_stateful_set("db", ns).spec.template.spec.containers[0].resources
    assert db.limits == {"memory": "256Mi"}
    assert not wrong.ok and "has no container 'db' (it has: app)" in wrong.error


def test_cordon_uncordon_and_label(realkube: Any, tools: Tools, core: Any, apps: Any, ns: str) -> None:
    name = own_node(realkube, unique("cordon"))
    [pod] = deploy(realkube, core, ns, "web", name)

    cordon, again = tools("cordon_node", name=name), tools("cordon_node", name=name)
    cordoned = core.read_node(name).spec.unschedulable
    uncordon = tools("uncordon_node", name=name)
    labels = [tools("label", kind="Node", name=name, labels={"aiops.test/zone": "a"}),
              tools("label", kind="Deployment", name="web", namespace=ns, labels={"team": "shop"}),
              tools("label", kind="Pod", name=pod, namespace=ns, labels={"app": "web", "quarantine": "yes"}),
              tools("label", kind="Namespace", name=ns, labels={"team": "shop"})]
    dropped = tools("label", kind="Deployment", name="web", namespace=ns, labels={"team": None})

    assert cordon.text == f"node {name} cordoned" and again.text == f"node {name} was already cordoned"
    assert cordoned is True
    assert uncordon.ok and not core.read_node(name).spec.unschedulable
    assert all(result.ok for result in labels), [result.error for result in labels]
    assert core.read_node(name).metadata.labels["aiops.test/zone"] == "a"
    assert core.read_namespaced_pod(pod, ns).metadata.labels["quarantine"] == "yes"
    assert core.read_namespace(ns).metadata.labels["team"] == "shop"
    assert dropped.ok and "team" not in (apps.read_namespaced_deployment("web", ns).metadata.labels or {})


def test_drain_evicts_through_the_eviction_api_and_a_disruption_budget_refuses(realkube: Any, tools: Tools, core: Any,
                                                                              ns: str) -> None:
    name = own_node(realkube, unique("drain"))
    [free] = deploy(realkube, core, ns, "free", name)
    [guarded] = deploy(realkube, core, ns, "guarded", name)
    apply(realkube, workload("DaemonSet", ns, "agent", name, None),
          {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "guarded", "namespace": ns},
           "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}}})
    [agent] = eventually(lambda: pods_of(core, ns, "agent"), "the DaemonSet's pod")
    realkube.sim("pods", ns, "agent", "running", "--node", name)
    policy = client.PolicyV1Api(realkube.api())

    def budget_settled() -> bool:
        status = policy.read_namespaced_pod_disruption_budget("guarded", ns).status
        return bool(status and status.current_healthy == 1 and status.disruptions_allowed == 0)

    eventually(budget_settled, "the disruption controller's verdict")

    drained = tools("drain_node", name=name)

    assert not drained.ok  # one eviction refused: the step must not pass for done
    assert drained.text.startswith(f"node {name} cordoned; evicted 1 pod(s), kept 1 (DaemonSet/static); "
                                   f"1 eviction(s) refused: ")
    assert f"eviction of pod {ns}/{guarded}" in drained.text and "disruption budget" in drained.text
    assert core.read_node(name).spec.unschedulable is True
    assert core.read_namespaced_pod(free, ns).metadata.deletion_timestamp is not None  # evicted: being deleted
    assert core.read_namespaced_pod(guarded, ns).metadata.deletion_timestamp is None
    assert core.read_namespaced_pod(agent.metadata.name, ns).metadata.deletion_timestamp is None


def test_delete_pod_and_the_controller_replaces_it(realkube: Any, tools: Tools, core: Any, ns: str,
                                                   node: str) -> None:
    [pod] = deploy(realkube, core, ns, "web", node)

    deleted = tools("delete_pod", namespace=ns, name=pod, grace_period_seconds=0)
    missing = tools("delete_pod", namespace=ns, name=pod)

    assert deleted.text == f"pod {ns}/{pod} deleted"
    assert [p.metadata.name for p in core.list_namespaced_pod(ns).items].count(pod) == 0
    eventually(lambda: [p for p in pods_of(core, ns, "web") if p.metadata.name != pod], "the replacement pod")
    assert failure(missing) == f"pod {ns}/{pod} not found"


def crashloop_steps(event: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The shipped crash-loop playbook's LOW steps, rendered for `event` as `start_playbook` renders them."""
    [playbook] = yaml.safe_load((ROOT / "config" / "playbooks" / "crashloop.yaml").read_text())["playbooks"]
    return {step["tool"]: render_arguments(step["arguments"], {"event": event, "incident": {"id": 1, "title": ""}})
            for step in playbook["steps"] if step["risk"] == "LOW"}


def test_a_step_about_a_replaced_pod_acts_on_its_workloads_current_pod(realkube: Any, tools: Tools, core: Any,
                                                                       ns: str, node: str) -> None:
    [old] = deploy(realkube, core, ns, "checkout", node, "crashloop")
    event = {"namespace": ns, "labels": {"pod": old, "workload_kind": "Deployment", "workload_name": "checkout"}}
    steps = crashloop_steps(event)
    realkube.kubectl("delete", "pod", old, "-n", ns, "--grace-period=0", "--force")
    [new] = eventually(lambda: pods_of(core, ns, "checkout"), "the ReplicaSet controller's new pod")
    new = new.metadata.name
    realkube.sim("pods", ns, "checkout", "crashloop", "--node", node)
    realkube.sim("logs", ns, new, "panic: cannot reach payments:443")

    logs = tools("get_pod_logs", **steps["get_pod_logs"])
    described = tools("describe_pod", **steps["describe_pod"])
    plain = tools("describe_pod", namespace=ns, name=old)
    exec_ = tools("exec_readonly", namespace=ns, name=old, command="date", workload="Deployment/checkout")

    assert steps["describe_pod"] == {"namespace": ns, "name": old, "workload": "Deployment/checkout"}
    note = f"pod {ns}/{old} is gone; showing {ns}/{new}, the current pod of Deployment checkout (CrashLoopBackOff)"
    assert described.ok and described.text.startswith(note + "\n")
    assert described.structured["note"] == note and described.structured["name"] == new
    assert logs.text == (f"pod {ns}/{old} is gone; reading the logs of {ns}/{new}, the current pod of Deployment "
                         f"checkout (CrashLoopBackOff)\npanic: cannot reach payments:443\n")
    assert failure(plain) == f"pod {ns}/{old} not found"  # without the workload: as before
    assert not exec_.ok and f"exec in pod {ns}/{new} failed" in exec_.error

    # A failing current pod may be deleted in the gone one's stead; a healthy one is left alone.
    replaced = tools("delete_pod", namespace=ns, name=old, workload="Deployment/checkout", grace_period_seconds=0)
    assert replaced.ok and replaced.text.endswith(f"\npod {ns}/{new} deleted")
    [third] = eventually(lambda: [p for p in pods_of(core, ns, "checkout") if p.metadata.name != new],
                         "another new pod")
    realkube.sim("pods", ns, "checkout", "running", "--node", node)
    kept = tools("delete_pod", namespace=ns, name=old, workload="Deployment/checkout")
    assert kept.ok and kept.text.endswith("nothing deleted") and f"{ns}/{third.metadata.name} is not" in kept.text
    assert core.read_namespaced_pod(third.metadata.name, ns).metadata.deletion_timestamp is None


def test_a_step_about_a_bare_pod_passes_no_workload(realkube: Any, tools: Tools, core: Any, ns: str,
                                                    node: str) -> None:
    pod = pod_template("solo", node)
    apply(realkube, {"apiVersion": "v1", "kind": "Pod", "spec": pod["spec"],
                     "metadata": {"name": "solo", "namespace": ns, **pod["metadata"]}})
    steps = crashloop_steps({"namespace": ns, "labels": {"pod": "solo", "workload_kind": "Pod",
                                                         "workload_name": "solo"}})

    described = tools("describe_pod", **steps["describe_pod"])
    realkube.kubectl("delete", "pod", "solo", "-n", ns, "--grace-period=0", "--force")
    gone = tools("describe_pod", **steps["describe_pod"])
    unknown = tools("describe_pod", namespace=ns, name="solo", workload="CronJob/nightly")
    no_owner = tools("describe_pod", namespace=ns, name="solo", workload="Deployment/nope")

    assert steps["describe_pod"]["workload"] == ""
    assert described.ok and described.structured["name"] == "solo" and "note" not in described.structured
    assert failure(gone) == f"pod {ns}/solo not found"
    assert not unknown.ok and "workload" in unknown.error and "should match pattern" in unknown.error
    assert failure(no_owner) == f"pod {ns}/solo not found, and deployment {ns}/nope not found"


@pytest.mark.django_db
def test_the_default_playbooks_with_workloads_pass_the_save_time_check() -> None:
    from mcp_bridge.registry import argument_problems, server_tools
    from remediation.definitions import parse_playbook_file

    specs = [spec for path in sorted((ROOT / "config" / "playbooks").glob("*.yaml"))
             for spec in parse_playbook_file(path)]  # raises on any step the registry refuses
    schemas = {name: tool.input_schema for name, tool in server_tools("kubernetes").items()}
    for kind, expected in [("Deployment", "Deployment/web"), ("StatefulSet", "StatefulSet/web"), ("Pod", ""),
                           ("Node", "")]:
        labels = {"pod": "web-1", "workload_kind": kind, "workload_name": "web", "container": "app", "node": "n1",
                  "hpa": "web", "max_replicas": "4"}
        event = {"namespace": "shop", "object_name": "web-1", "message": "", "labels": labels}
        for spec in specs:
            context = with_params({"event": event, "incident": {"id": 1, "title": ""}}, spec.parameters)
            for step in spec.steps:
                if not condition_holds(step.when, context):
                    continue  # skipped at run time: its arguments are never rendered
                arguments = render_arguments(step.arguments, context)
                if "workload" in arguments:
                    assert arguments["workload"] == expected, (spec.name, step.name)
                    assert argument_problems(step.tool, schemas[step.tool], arguments) == [], (spec.name, step.name)


def test_exec_errors_show_the_api_servers_message(realkube: Any, tools: Tools, core: Any, ns: str,
                                                  node: str) -> None:
    [pod] = deploy(realkube, core, ns, "web", node)
    dead = own_node(realkube, unique("dead-kubelet"))
    port = free_port()  # nothing listens there: the API server cannot dial the node's kubelet
    core.patch_node_status(dead, {"status": {"daemonEndpoints": {"kubeletEndpoint": {"Port": port}}}})
    apply(realkube, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stranded", "namespace": ns},
                     "spec": {"nodeName": dead, "containers": [{"name": "app", "image": "registry.invalid/x:1"}]}})

    no_exec = tools("exec_readonly", namespace=ns, name=pod, command="uptime")
    no_dial = tools("exec_readonly", namespace=ns, name="stranded", command="uptime")
    missing = tools("exec_readonly", namespace=ns, name="nope", command="uptime")

    # The node answered the upgrade with its own 404 (the peer serves logs only), passed on by the API server.
    assert failure(no_exec) == f"exec in pod {ns}/{pod} failed (HTTP 404 Not Found): 404 page not found"
    assert failure(no_dial) == (f"exec in pod {ns}/stranded failed (HTTP 500 Internal Server Error): error dialing "
                             f"backend: dial tcp 127.0.0.1:{port}: connect: connection refused")
    assert failure(missing) == f"pod {ns}/nope not found"
    for result in (no_exec, no_dial, missing):
        assert "audit-id" not in result.error and "-+-+-" not in result.error



# --- pure parts: no server, no cluster ----------------------------------------------------------


def pod_in(state: dict[str, Any] | None, created: str, *, deleting: bool = False, ready: bool = False,
           last: dict[str, Any] | None = None, phase: str = "Running") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": f"web-{created}", "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = created
    status = {"name": "app", "ready": ready, "state": state or {}, "lastState": last or {}}
    return {"metadata": meta, "status": {"phase": phase, "containerStatuses": [status]}}


def test_the_current_pod_of_a_workload_is_a_failing_one_first_then_the_newest() -> None:
    from mcp_bridge.servers.kubernetes.workloads import current_pod, failing_reason

    healthy_new = pod_in({"running": {}}, "2026-01-01T10:09:00Z", ready=True)
    crashing_old = pod_in({"waiting": {"reason": "CrashLoopBackOff"}}, "2026-01-01T10:01:00Z")
    crashing_gone = pod_in({"waiting": {"reason": "CrashLoopBackOff"}}, "2026-01-01T10:05:00Z", deleting=True)
    starting = pod_in({"waiting": {"reason": "ContainerCreating"}}, "2026-01-01T10:10:00Z")
    restarted = pod_in({"running": {}}, "2026-01-01T10:00:00Z", last={"terminated": {"reason": "OOMKilled",
                                                                                       "exitCode": 137}})

    assert current_pod([healthy_new, crashing_old, crashing_gone, starting]) == (crashing_old, "CrashLoopBackOff")
    assert current_pod([healthy_new, starting]) == (starting, None)
    assert current_pod([crashing_gone]) == (crashing_gone, "CrashLoopBackOff")  # nothing else left
    assert current_pod([]) is None
    assert failing_reason(restarted) == "OOMKilled"
    assert failing_reason(pod_in(None, "x", phase="Failed") | {"status": {"phase": "Failed", "reason": "Evicted"}}) \
        == "Evicted"


def test_a_workload_reference_and_its_selector() -> None:
    from mcp.server.mcpserver.exceptions import ToolError

    from mcp_bridge.servers.kubernetes.workloads import controlled_by, parse_workload, selector_string

    assert parse_workload("StatefulSet/db") == ("StatefulSet", "db")
    assert parse_workload("") is None and parse_workload(None) is None
    with pytest.raises(ToolError, match="not KIND/NAME with KIND one of Deployment, StatefulSet"):
        parse_workload("CronJob/nightly")
    assert selector_string({"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["a", "b"]}, {"key": "canary", "operator": "DoesNotExist"},
        {"key": "zone", "operator": "NotIn", "values": ["x"]}, {"key": "team", "operator": "Exists"}]}) == \
        "app=web,tier in (a,b),!canary,zone notin (x),team"
    assert selector_string({}) is None
    meta = {"ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "uid": "u1", "controller": True}]}
    assert controlled_by(meta, "ReplicaSet", "web-1", "u1") and controlled_by(meta, "ReplicaSet", "web-1", None)
    assert not controlled_by(meta, "ReplicaSet", "web-1", "u2")  # a namesake recreated since


def test_a_refused_exec_reads_as_the_api_servers_message_not_its_headers() -> None:
    from kubernetes.client.exceptions import ApiException

    from mcp_bridge.servers.kubernetes.podexec import _refused_upgrade, exec_failure

    status = '{"kind":"Status","status":"Failure","message":"error dialing backend: dial tcp 127.0.0.1:9","code":500}'
    raised = ApiException(status=0, reason=f"Handshake status 500 Internal Server Error -+-+- {{'audit-id': 'a1', "
                                           f"'content-type': 'application/json'}} -+-+- {status}\n")
    forbidden = '{"kind":"Status","message":"pods \\"web\\" is forbidden: cannot get resource \\"pods/exec\\""}'

    refused = _refused_upgrade(raised)
    assert refused == (500, "Internal Server Error", status + "\n")
    assert exec_failure("shop", "web", *refused) == \
        "exec in pod shop/web failed (HTTP 500 Internal Server Error): error dialing backend: dial tcp 127.0.0.1:9"
    assert exec_failure("shop", "web", 404, "Not Found", b"404 page not found\n") == \
        "exec in pod shop/web failed (HTTP 404 Not Found): 404 page not found"
    assert exec_failure("shop", "web", 403, "Forbidden", forbidden) == \
        'access to exec in pod shop/web denied (HTTP 403): pods "web" is forbidden: cannot get resource "pods/exec"'
    assert exec_failure("shop", "web", 404, "", '{"kind":"Status","message":"pods \\"web\\" not found"}') == \
        "pod shop/web not found"
    assert _refused_upgrade(ValueError("socket closed")) is None
