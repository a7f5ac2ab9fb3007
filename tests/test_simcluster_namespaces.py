"""The simulated cluster serves the Namespace objects' own paths (/api/v1/namespaces, one by name, its status),
which kmock alone reads as "in namespace X": the bundled Kubernetes MCP server lists the scenario's namespaces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_bridge.manager import SessionManager
from tests.kubemcp import SERVER
from tests.kubetools import failure
from tests.simulated import read, simulated_cluster

pytestmark = pytest.mark.once  # not about the database engine: one CI pass

SCENARIO = {"name": "namespaces", "namespaces": ["shop", "payments"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "registry.example.com/checkout:1"}]}


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with simulated_cluster(tmp_path_factory.mktemp("sim"), SCENARIO) as kubeconfig:
        yield kubeconfig


def test_list_namespaces_on_the_simulated_cluster_returns_the_scenarios(kubeconfig: Path,
                                                                       warm_sessions: SessionManager) -> None:
    env = {"KUBECONFIG": str(kubeconfig)}
    listed = warm_sessions.call_tool(SERVER, "list_namespaces", {}, env=env, timeout=30)
    assert listed.ok, listed.error
    assert listed.structured == {"namespaces": [{"name": "default", "phase": "Active"},
                                                {"name": "shop", "phase": "Active"},
                                                {"name": "payments", "phase": "Active"}]}
    # One by name (what a server limited to namespaces reads too), and one that does not exist.
    described = warm_sessions.call_tool(SERVER, "describe", {"kind": "Namespace", "name": "shop"}, env=env,
                                        timeout=30)
    assert described.ok and (described.structured or {})["name"] == "shop", described.error
    assert failure(warm_sessions.call_tool(SERVER, "describe", {"kind": "Namespace", "name": "nope"}, env=env,
                                           timeout=30)) == "namespace nope not found"


def test_a_namespace_path_is_not_taken_for_objects_in_that_namespace(kubeconfig: Path) -> None:
    assert read(kubeconfig, "/api/v1/namespaces/shop/status")["kind"] == "Namespace"
    pods = read(kubeconfig, "/api/v1/namespaces/shop/pods")["items"]
    assert [p["metadata"]["labels"]["app"] for p in pods] == ["checkout"]
    assert read(kubeconfig, "/api/v1/namespaces/payments/pods")["items"] == []
