"""The one chokepoint through which detection talks to a Kubernetes API server (official client)."""

from __future__ import annotations

import json
from typing import Any

import urllib3
from kubernetes import client, config

from incidents.models import Cluster

REQUEST_TIMEOUT = (5, 30)  # connect, read (seconds)


class ClusterUnreachable(Exception):
    pass


def api_client_for(cluster: Cluster) -> client.ApiClient:
    try:
        if cluster.kind == Cluster.Kind.IN_CLUSTER:
            configuration = client.Configuration()
            config.load_incluster_config(client_configuration=configuration)
            return client.ApiClient(configuration)
        return config.new_client_from_config(
            config_file=cluster.resolved_kubeconfig, context=cluster.context or None
        )
    except (config.ConfigException, OSError) as exc:
        # The message names the file, never its contents (it may hold credentials).
        raise ClusterUnreachable(f"cannot load credentials for cluster {cluster.name}: {exc}") from None


def list_pods(api: client.ApiClient) -> list[dict[str, Any]]:
    """All pods in all namespaces with one list call, as raw JSON (no model deserialisation)."""
    try:
        response = client.CoreV1Api(api).list_pod_for_all_namespaces(
            _preload_content=False, _request_timeout=REQUEST_TIMEOUT
        )
        body = json.loads(response.data)
    except client.ApiException as exc:
        raise ClusterUnreachable(f"listing pods failed: HTTP {exc.status} {exc.reason}") from None
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:  # ValueError: not JSON
        raise ClusterUnreachable(f"listing pods failed: {exc.__class__.__name__}: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise ClusterUnreachable("listing pods failed: the API server answered something that is not a list")
    return body["items"]
