"""list_contexts and current_context of the bundled Kubernetes MCP server, run as the workers run it (stdio, from
.mcp-config.json): the kubeconfig's contexts with their servers, the one in use (--context / KUBE_CONTEXT wins over
the file's current-context) with the server's limits, and never a credential. Neither calls the API: the servers
named here need not exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.kubemcp import SERVER, started_with

pytestmark = pytest.mark.once  # no database
CREDENTIALS = ("c2VjcmV0LWtleQ==", "Y2VydA==", "Q0EtZGF0YQ==", "sekret-token-123", "hunter2", "aws")
KUBECONFIG = {
    "apiVersion": "v1", "kind": "Config", "current-context": "staging",
    "clusters": [{"name": "prod-eu", "cluster": {"server": "https://prod.example.test:6443",
                                                  "certificate-authority-data": "Q0EtZGF0YQ=="}},
                 {"name": "staging", "cluster": {"server": "https://127.0.0.1:1"}}],
    "users": [{"name": "admin", "user": {"client-key-data": "c2VjcmV0LWtleQ==", "client-certificate-data": "Y2VydA=="}},
              {"name": "bot", "user": {"token": "sekret-token-123", "username": "ops", "password": "hunter2"}},
              {"name": "sso", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1",
                                                "command": "aws", "args": ["eks", "get-token"]}}}],
    "contexts": [{"name": "prod-admin", "context": {"cluster": "prod-eu", "user": "admin", "namespace": "shop"}},
                 {"name": "staging", "context": {"cluster": "staging", "user": "bot"}},
                 {"name": "prod-sso", "context": {"cluster": "prod-eu", "user": "sso"}}],
}


@pytest.fixture(scope="module")
def kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contexts") / "kubeconfig"
    path.write_text(yaml.safe_dump(KUBECONFIG))
    return path


def test_contexts_and_the_one_in_use_without_credentials(warm_sessions: Any, kubeconfig: Path) -> None:
    env = {"KUBECONFIG": str(kubeconfig), "KUBE_CONTEXT": ""}
    listed = warm_sessions.call_tool(SERVER, "list_contexts", {}, env=env, timeout=60)
    current = warm_sessions.call_tool(SERVER, "current_context", {}, env=env, timeout=60)

    assert listed.ok and current.ok, (listed.error, current.error)
    assert listed.structured["contexts"] == [
        {"name": "prod-admin", "cluster": "prod-eu", "server": "https://prod.example.test:6443", "namespace": "shop",
         "current": False},
        {"name": "staging", "cluster": "staging", "server": "https://127.0.0.1:1", "namespace": None, "current": True},
        {"name": "prod-sso", "cluster": "prod-eu", "server": "https://prod.example.test:6443", "namespace": None,
         "current": False}]
    assert current.structured == {"context": "staging", "cluster": "staging", "server": "https://127.0.0.1:1",
                                  "namespace": None, "source": f"kubeconfig {kubeconfig}", "read_only": False,
                                  "allowed_namespaces": []}
    for result in (listed, current):
        assert not any(secret in result.text + str(result.structured) for secret in CREDENTIALS)


def test_the_context_the_server_was_started_with_and_its_limits(warm_sessions: Any, kubeconfig: Path) -> None:
    limited = started_with("--read-only", "--allowed-namespaces", "shop")
    env = {"KUBECONFIG": str(kubeconfig), "KUBE_CONTEXT": "prod-sso"}
    current = warm_sessions.call_tool(limited, "current_context", {}, env=env, timeout=60)
    listed = warm_sessions.call_tool(limited, "list_contexts", {}, env=env, timeout=60)

    assert current.ok, current.error
    # Its user's exec plugin (aws) is not run: nothing here needs a credential.
    assert current.text == (f"context prod-sso: cluster prod-eu, server https://prod.example.test:6443 "
                            f"(from kubeconfig {kubeconfig}); read-only; only namespaces shop")
    assert [c["name"] for c in listed.structured["contexts"] if c["current"]] == ["prod-sso"]
    missing = warm_sessions.call_tool(limited, "current_context", {}, env={**env, "KUBE_CONTEXT": "nope"}, timeout=60)
    assert not missing.ok and "nope" in (missing.error or "")
