"""The simulated cluster, driven as a separate process through the official Kubernetes client."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import kubernetes
import pytest

from simcluster.scenario import PodState, ScenarioError, load_scenario
from tests.helpers import eventually
from tests.simulated import start_simcluster

REPO = Path(__file__).resolve().parent.parent
CRASHLOOP = REPO / "scenarios" / "crashloop.yaml"

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


class Cluster:
    def __init__(self, process: subprocess.Popen[str], kubeconfig: Path) -> None:
        self.process = process
        api = kubernetes.config.new_client_from_config(config_file=str(kubeconfig))
        self.url = api.configuration.host
        self.core = kubernetes.client.CoreV1Api(api)
        self.apps = kubernetes.client.AppsV1Api(api)
        self.batch = kubernetes.client.BatchV1Api(api)

    def pods(self, app: str) -> list[Any]:
        return self.core.list_namespaced_pod("shop", label_selector=f"app={app}").items

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=15)
        return self.process.returncode, stderr


def run_cli(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simcluster", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    started: list[Cluster] = []

    def _start(scenario: Path = CRASHLOOP) -> Cluster:
        kubeconfig = tmp_path / f"kubeconfig-{len(started)}"
        process = start_simcluster(kubeconfig, "--scenario", str(scenario), text=True)
        started.append(Cluster(process, kubeconfig))
        return started[-1]

    yield _start
    for cluster in started:
        if cluster.process.poll() is None:
            cluster.stop()


def waiting_reason(pod: Any) -> str | None:
    state = pod.status.container_statuses[0].state
    return state.waiting.reason if state.waiting else None


def is_ready(pod: Any) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions)


def restart(cluster: Cluster, name: str) -> None:
    """Exactly what `kubectl rollout restart deployment/<name>` sends."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}}
    cluster.apps.patch_namespaced_deployment(name, "shop", body, _content_type="application/strategic-merge-patch+json")


def write_scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_shipped_scenarios_load() -> None:
    crashloop = load_scenario(CRASHLOOP)
    checkout = next(d for d in crashloop.deployments if d.name == "checkout")
    assert (checkout.namespace, checkout.state, checkout.on_restart) == ("shop", "crashloop", "healthy")
    assert "sqlite3.DatabaseError: database disk image is malformed" in checkout.logs
    failures = load_scenario(REPO / "scenarios" / "failures.yaml")
    shown = {d.state for d in failures.deployments} | {p.state for p in failures.pods}
    assert shown == set(PodState) - {PodState.HEALTHY, PodState.IMAGEPULL}  # each once (crashloop: a bare pod's)
    assert failures.jobs[0].failed and failures.nodes[1].pressure == ["MemoryPressure"]
    healthy = load_scenario(REPO / "scenarios" / "healthy.yaml")
    assert healthy.deployments
    assert all(d.state == PodState.HEALTHY for d in healthy.deployments)


def test_the_crash_looping_checkout_pod_is_listed(start: Callable[..., Cluster]) -> None:
    cluster = start()
    pods = cluster.core.list_pod_for_all_namespaces().items
    checkout = [p for p in pods if p.metadata.labels["app"] == "checkout"]
    assert len(checkout) == 1
    pod = checkout[0]
    assert waiting_reason(pod) == "CrashLoopBackOff"
    assert pod.status.container_statuses[0].restart_count >= 3
    assert pod.status.container_statuses[0].last_state.terminated.exit_code == 1
    assert not is_ready(pod)
    assert pod.metadata.owner_references[0].kind == "ReplicaSet"
    assert all(is_ready(p) for p in pods if p.metadata.labels["app"] == "frontend")
    deployment = cluster.apps.read_namespaced_deployment("checkout", "shop")
    assert (deployment.status.replicas, deployment.status.ready_replicas) == (1, 0)
    events = cluster.core.list_namespaced_event("shop").items
    assert any(
        e.reason == "BackOff" and e.type == "Warning" and e.involved_object.name == pod.metadata.name for e in events
    )
    assert cluster.apps.list_namespaced_stateful_set("shop").items == []  # declared kinds list empty, not 404
    assert cluster.batch.list_job_for_all_namespaces().items == []


def test_logs_are_served(start: Callable[..., Cluster]) -> None:
    cluster = start()
    checkout_log = cluster.core.read_namespaced_pod_log(cluster.pods("checkout")[0].metadata.name, "shop")
    assert checkout_log.rstrip().endswith("sqlite3.DatabaseError: database disk image is malformed")
    frontend_log = cluster.core.read_namespaced_pod_log(cluster.pods("frontend")[0].metadata.name, "shop")
    assert "listening on" in frontend_log
    assert "Traceback" not in frontend_log


def test_self_subject_access_reviews_are_all_allowed_and_kept_nowhere(start: Callable[..., Cluster]) -> None:
    from kubernetes.client import AuthorizationV1Api

    cluster = start()
    api = AuthorizationV1Api(cluster.apps.api_client)
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"verb": "patch", "group": "apps", "resource": "deployments",
                                            "namespace": "shop", "name": "checkout"}}}
    for _ in range(2):  # a second review is no conflict: the first was not stored
        review = api.create_self_subject_access_review(body)
        assert review.status.allowed is True
        assert review.spec.resource_attributes.verb == "patch"


def test_a_rollout_restart_replaces_the_failing_pod_with_a_ready_one(start: Callable[..., Cluster]) -> None:
    cluster = start()
    old = cluster.pods("checkout")[0].metadata.name
    restart(cluster, "checkout")

    def replaced() -> list[Any]:
        pods = cluster.pods("checkout")
        done = len(pods) == 1 and pods[0].metadata.name != old and is_ready(pods[0])
        return pods if done and not any(waiting_reason(p) == "CrashLoopBackOff" for p in pods) else []

    pod = eventually(replaced)[0]
    assert pod.status.phase == "Running"
    assert pod.status.container_statuses[0].restart_count == 0
    status = eventually(
        lambda: (s := cluster.apps.read_namespaced_deployment("checkout", "shop").status).ready_replicas == 1 and s
    )
    assert (status.replicas, status.updated_replicas, status.available_replicas) == (1, 1, 1)
    assert "Traceback" not in cluster.core.read_namespaced_pod_log(pod.metadata.name, "shop")


def test_a_restart_does_not_help_when_the_scenario_says_unchanged(
    start: Callable[..., Cluster], tmp_path: Path
) -> None:
    scenario = CRASHLOOP.read_text(encoding="utf-8").replace("on_restart: healthy", "on_restart: unchanged")
    cluster = start(write_scenario(tmp_path, scenario))
    old = cluster.pods("checkout")[0].metadata.name
    restart(cluster, "checkout")
    pods = eventually(
        lambda: (
            [p for p in cluster.pods("checkout") if p.metadata.name != old]
            if all(p.metadata.name != old for p in cluster.pods("checkout"))
            else []
        )
    )
    assert len(pods) == 1
    assert waiting_reason(pods[0]) == "CrashLoopBackOff"
    assert not is_ready(pods[0])
    assert cluster.apps.read_namespaced_deployment("checkout", "shop").status.ready_replicas == 0


def test_scaling_creates_and_deletes_pods(start: Callable[..., Cluster]) -> None:
    cluster = start()
    cluster.apps.patch_namespaced_deployment_scale("frontend", "shop", {"spec": {"replicas": 4}})
    eventually(lambda: len([p for p in cluster.pods("frontend") if is_ready(p)]) == 4)
    assert cluster.apps.read_namespaced_deployment_scale("frontend", "shop").spec.replicas == 4
    cluster.apps.patch_namespaced_deployment("frontend", "shop", {"spec": {"replicas": 1}})
    eventually(lambda: len(cluster.pods("frontend")) == 1)
    eventually(lambda: cluster.apps.read_namespaced_deployment("frontend", "shop").status.ready_replicas == 1)


def test_a_deleted_pod_is_replaced_in_the_same_state(start: Callable[..., Cluster]) -> None:
    cluster = start()
    old = cluster.pods("checkout")[0].metadata.name
    cluster.core.delete_namespaced_pod(old, "shop")
    pods = eventually(lambda: [p for p in cluster.pods("checkout") if p.metadata.name != old])
    assert waiting_reason(pods[0]) == "CrashLoopBackOff"  # deleting a pod does not fix the deployment
    assert old not in {p.metadata.name for p in cluster.pods("checkout")}


def test_a_watch_sees_the_pods_of_a_restart_come_and_go(start: Callable[..., Cluster]) -> None:
    cluster = start()
    old = cluster.pods("checkout")[0].metadata.name
    seen: list[tuple[str, str]] = []
    watch = kubernetes.watch.Watch()
    for event in watch.stream(
        cluster.core.list_namespaced_pod, "shop", label_selector="app=checkout", timeout_seconds=20
    ):
        seen.append((event["type"], event["object"].metadata.name))
        if seen == [("ADDED", old)]:  # the watch is established: now restart
            restart(cluster, "checkout")
        if ("DELETED", old) in seen and any(kind == "ADDED" and name != old for kind, name in seen):
            watch.stop()
    assert ("DELETED", old) in seen
    assert any(kind == "ADDED" and name != old for kind, name in seen)


def test_a_watch_spelled_watch_True_streams_and_ends_at_its_timeout(start: Callable[..., Cluster]) -> None:
    # The installed client sends `watch=true`; older clients and hand-written callers send `watch=True`.
    cluster = start()
    url = f"{cluster.url}/api/v1/namespaces/shop/pods?watch=True&timeoutSeconds=1"
    # The URL is our own http:// server; the call returns only if the server ends the stream.
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        lines = response.read().decode().splitlines()
    assert len(lines) == 3
    assert all('"type": "ADDED"' in line for line in lines)


def test_sigterm_stops_the_process_cleanly(start: Callable[..., Cluster]) -> None:
    returncode, stderr = start().stop()
    assert returncode == 0
    assert "Traceback" not in stderr


def test_a_port_in_use_is_refused_with_exit_code_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port), "--kubeconfig", str(tmp_path / "kubeconfig"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "kubeconfig").exists()


VALID = """\
name: broken
namespaces: [shop]
nodes:
  - name: node-1
deployments:
  - name: checkout
    namespace: shop
    image: example/checkout:1
    state: crashloop
"""


AUTOSCALER = """\
autoscalers:
  - name: checkout
    namespace: shop
    deployment: checkout
    min_replicas: 2
    max_replicas: 4
    target_utilization: 60
    utilization: 90
"""


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (VALID.replace("  - name: node-1", "  - name: [node-1"), 5, "invalid YAML"),
        (VALID.replace("    image: example/checkout:1\n", ""), 6, "deployments[0].image"),
        (VALID.replace("state: crashloop", "state: exploded"), 9, "deployments[0].state"),
        (VALID.replace("state: crashloop", "state: failed"), 9, "deployments[0].state"),  # a bare pod's only
        (VALID.replace("namespace: shop", "namespace: shopp"), 7, "deployments[0].namespace"),
        (VALID.replace("  - name: node-1", "  - name: node-1\n    colour: red"), 5, "nodes[0].colour"),
        (VALID.replace("state: crashloop", "state: crashloop\n    node: node-9"), 10, "deployments[0].node"),
        (VALID + AUTOSCALER.replace("deployment: checkout", "deployment: cart"), 13, "autoscalers[0].deployment"),
        (VALID + AUTOSCALER.replace("min_replicas: 2", "min_replicas: 5"), 14, "autoscalers[0].min_replicas"),
        (VALID.replace("  - name: node-1", "  - name: node-1\n    pressure: [CPUPressure]"), 5, "nodes[0].pressure"),
        (VALID + "jobs:\n  - {name: report, namespace: reports, image: example/report:1}\n", 11,
         "jobs[0].namespace"),
        (VALID + "pods:\n  - {name: shell, namespace: shop, image: example/shell:1, state: gone}\n", 11,
         "pods[0].state"),
    ],
)
def test_a_malformed_scenario_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = write_scenario(tmp_path, text)
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    assert str(refused.value).startswith(f"{path}:{line}: {field}")


def test_a_valid_scenario_loads(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path, VALID))
    assert scenario.deployments[0].state == PodState.CRASHLOOP


def test_the_cli_refuses_a_malformed_scenario_with_exit_code_2(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, VALID.replace("state: crashloop", "state: exploded"))
    result = run_cli("--scenario", str(path), "--port", "0", "--kubeconfig", str(tmp_path / "kubeconfig"))
    assert result.returncode == 2
    assert f"{path}:9: deployments[0].state" in result.stderr
    assert "Traceback" not in result.stderr
