"""kmock as the cluster of the detection tests (the poll, the watcher): every kind detection reads, declared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcluster.server import write_kubeconfig

HASH = "5d4f8"  # pod-template-hash: the pods of ReplicaSet checkout-5d4f8 of Deployment checkout
# Every kind detection lists: declared, so that a kind with no objects lists empty instead of answering 404.
RESOURCES = {
    "v1/pods": ("Pod", True), "v1/nodes": ("Node", False), "v1/events": ("Event", True),
    "apps/v1/deployments": ("Deployment", True), "apps/v1/statefulsets": ("StatefulSet", True),
    "apps/v1/daemonsets": ("DaemonSet", True), "batch/v1/jobs": ("Job", True),
    "autoscaling/v2/horizontalpodautoscalers": ("HorizontalPodAutoscaler", True),
}


def declare_kinds(kmock: Any, *verbs: str) -> None:
    for resource, (kind, namespaced) in RESOURCES.items():
        kmock.resources[resource] = kmock.ResourceInfo(kind=kind, namespaced=namespaced, verbs=list(verbs))


def kubeconfig_for(kmock: Any, path: Path) -> Path:
    """A kubeconfig at `path` that reaches this kmock."""
    write_kubeconfig(path, str(kmock.url).rstrip("/"))
    return path
