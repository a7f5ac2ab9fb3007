"""What every tool module shares: the API chokepoint (`Cluster`), the server's limits (`Context`), annotations,
argument types and result helpers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from mcp_bridge.servers.kubernetes.rbac import forbidden_message

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

# (connect, read) seconds for every API request: a dead API server must not hang a tool call.
REQUEST_TIMEOUT = (5, 20)

READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
MUTATE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True)
# A change that sets a value (a replica count, an image): made twice, it has no further effect.
SET = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)

Namespace = Annotated[str, Field(min_length=1, description="Kubernetes namespace")]
Name = Annotated[str, Field(min_length=1, description="object name")]


class NotFound(ToolError):
    """The API answered 404 for the object a tool named."""


class Conflict(ToolError):
    """The API answered 409: the object changed since it was read (a resourceVersion precondition failed)."""


class Cluster:
    """One chokepoint for API calls: lazy client set-up, raw JSON reads, errors as `ToolError`."""

    def __init__(self, kubeconfig: str | None, context: str | None) -> None:
        self.kubeconfig = kubeconfig
        self.context = context

    @functools.cached_property
    def api_client(self) -> ApiClient:
        from kubernetes import client, config

        from aiops_project.kubeconfig import load_kube_config  # here: importing the package loads Celery

        configuration = client.Configuration()
        try:
            if self.kubeconfig:
                load_kube_config(self.kubeconfig, self.context, configuration)
            else:
                config.load_incluster_config(client_configuration=configuration)
        except Exception as exc:  # ConfigException, OSError, YAML errors: all mean "cannot connect"
            source = f"kubeconfig {self.kubeconfig}" if self.kubeconfig else "in-cluster config (no KUBECONFIG)"
            context = f" context {self.context!r}" if self.context else ""
            raise ToolError(f"cannot load Kubernetes {source}{context}: {exc}") from exc
        # One retry, not urllib3's three: with REQUEST_TIMEOUT this answers before the bridge gives up.
        configuration.retries = 1
        return client.ApiClient(configuration)

    @functools.cached_property
    def core(self) -> Any:
        from kubernetes.client import CoreV1Api

        return CoreV1Api(self.api_client)

    @functools.cached_property
    def apps(self) -> Any:
        from kubernetes.client import AppsV1Api

        return AppsV1Api(self.api_client)

    @functools.cached_property
    def batch(self) -> Any:
        from kubernetes.client import BatchV1Api

        return BatchV1Api(self.api_client)

    def call(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> bytes:
        """Call a generated API method and return the raw body; `what` names the target in errors."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            response = method(*args, _preload_content=False, _request_timeout=REQUEST_TIMEOUT, **kwargs)
            return response.data
        except ApiException as exc:
            error = {404: NotFound, 409: Conflict}.get(exc.status, ToolError)
            raise error(api_error_message(what, exc.status, exc.body, exc.reason)) from exc
        except HTTPError as exc:
            host = self.api_client.configuration.host
            raise ToolError(f"cannot reach the Kubernetes API at {host}: {exc}") from exc

    def json(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return json.loads(self.call(what, method, *args, **kwargs))


def api_error_message(what: str, status: int, body: str | bytes | None, reason: str | None) -> str:
    """An API error as a person reads it: the Status object's message, not the raw response; an RBAC denial
    as the permission the agent lacks (`the agent may not patch deployments in shop (HTTP 403): ...`)."""
    try:
        message = json.loads(body or "{}").get("message") or reason
    except (ValueError, AttributeError):
        message = body or reason
    if status == 404:
        return f"{what} not found"
    if (clear := forbidden_message(status, str(message or ""))) is not None:
        return clear  # RBAC said no: which permission, and how to grant it
    if status in (401, 403):
        return f"access to {what} denied (HTTP {status}): {message}"
    return f"Kubernetes API error for {what} (HTTP {status}): {message}"


@dataclass(frozen=True)
class Context:
    """The cluster and the limits this server was started with, handed to every tool module's `register`."""

    cluster: Cluster
    read_only: bool = False
    allowed: frozenset[str] = frozenset()

    def refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ToolError("refused: the server runs in --read-only mode")

    def guard(self, namespace: str) -> None:
        """--allowed-namespaces: nothing outside them is read or changed."""
        if self.allowed and namespace not in self.allowed:
            raise ToolError(f"refused: namespace {namespace!r} is not allowed "
                            f"(allowed: {', '.join(sorted(self.allowed))})")

    def cluster_wide_change(self, what: str) -> None:
        self.refuse_if_read_only()
        if self.allowed:
            raise ToolError(f"refused: {what} affects every namespace, and this server is limited to "
                            f"{', '.join(sorted(self.allowed))}")

    def list_items(self, what: str, namespace: str | None, namespaced: Callable[..., Any],
                   everywhere: Callable[..., Any], **kwargs: Any) -> list[dict[str, Any]]:
        """Items in one namespace, in all (namespace None), or in each allowed one."""
        cluster = self.cluster
        if namespace:
            self.guard(namespace)
            return cluster.json(f"{what} in namespace {namespace}", namespaced, namespace, **kwargs).get("items") or []
        if self.allowed:
            return [item for ns in sorted(self.allowed)
                    for item in cluster.json(f"{what} in namespace {ns}", namespaced, ns, **kwargs).get("items") or []]
        return cluster.json(what, everywhere, **kwargs).get("items") or []


def result(text: str, structured: dict[str, Any] | None = None) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
