"""The Helm chart (deploy/helm/aiops-agent) installed on the real control plane (tests/realkube.py) as Helm would.

No `helm` binary talks to a cluster here: the chart is rendered as `helm template` renders it (helm-render, with
`--kube-version v1.28.0`, the control plane's version) and `Release` plays `helm install` / `helm upgrade` /
`helm uninstall` with kubectl:

- install and upgrade: a server-side dry run of every object first (its warnings are kept: PodSecurity says there
  what a pod template would violate); then the hooks of the event (`pre-install` or `pre-upgrade`) by weight, each
  hook object replaced (Helm's default `before-hook-creation`), a Job's pod created by the Job controller (admitted
  by the API server) before anything else is applied, as Helm waits for it; then everything else;
- upgrade: what the new render no longer has is deleted (Helm's three-way diff, for whole objects);
- uninstall: every object, cluster-scoped ones too.

Objects without a namespace go to the release's namespace, as Helm puts them.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import charts
from tests.helpers import eventually
from tests.realkube import RealKube

HOOK = "helm.sh/hook"
CLUSTER_SCOPED = {"Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PriorityClass", "IngressClass", "StorageClass", "PersistentVolume", "APIService",
                  "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}
Identity = tuple[str, str, str, str]  # API group, kind, namespace, name


def render(namespace: str, values: dict[str, Any], *files: Path, release: str = "aiops-agent",
           api_versions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """`helm template RELEASE -n NAMESPACE --kube-version v1.28.0 -f FILE... -f VALUES`: the objects, in order."""
    extra = [arg for api_version in api_versions for arg in ("--api-versions", api_version)]
    return charts.render([*files, values], release=release, namespace=namespace, extra=extra)


def identity(obj: dict[str, Any], namespace: str = "") -> Identity:
    group = obj["apiVersion"].rpartition("/")[0]
    where = "" if obj["kind"] in CLUSTER_SCOPED else obj["metadata"].get("namespace") or namespace
    return group, obj["kind"], where, obj["metadata"]["name"]


def hook_events(obj: dict[str, Any]) -> set[str]:
    annotation = (obj["metadata"].get("annotations") or {}).get(HOOK, "")
    return {event.strip() for event in annotation.split(",") if event.strip()}


def hook_order(obj: dict[str, Any]) -> tuple[int, str]:
    """Helm runs the hooks of an event by weight, then by name."""
    return int((obj["metadata"].get("annotations") or {}).get("helm.sh/hook-weight", "0")), obj["metadata"]["name"]


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Pod, a workload or a Job (CronJob: its job template's)."""
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec if obj["kind"] == "Pod" else spec["template"]["spec"]


def references(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """The Secrets and ConfigMaps a pod needs before its containers can start (optional ones left out)."""
    found: set[tuple[str, str]] = set()
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        for env in container.get("env", []):
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                ref = (env.get("valueFrom") or {}).get(key)
                if ref and not ref.get("optional"):
                    found.add((kind, ref["name"]))
        for source in container.get("envFrom", []):
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                ref = source.get(key)
                if ref and not ref.get("optional"):
                    found.add((kind, ref["name"]))
    for volume in spec.get("volumes", []):
        if (secret := volume.get("secret")) and not secret.get("optional"):
            found.add(("Secret", secret["secretName"]))
        if (config_map := volume.get("configMap")) and not config_map.get("optional"):
            found.add(("ConfigMap", config_map["name"]))
    return found


def kubectl(kube: RealKube, *args: str, stdin: str | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """kubectl as the admin, stdout and stderr apart (warnings from the API server come on stderr)."""
    result = subprocess.run(["kubectl", "--kubeconfig", str(kube.kubeconfig), *args], env=kube.env, input=stdin,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args[:3])} failed ({result.returncode}):\n{result.stderr}")
    return result


def as_list(objects: list[dict[str, Any]]) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})


def listed(kube: RealKube, namespace: str, resource: str, **selectors: str) -> list[dict[str, Any]]:
    args = [arg for key, value in selectors.items() for arg in (f"--{key.replace('_', '-')}", value)]
    return json.loads(kube.kubectl("get", resource, "-n", namespace, "-o", "json", *args))["items"]


def owned_by(obj: dict[str, Any], uids: set[str]) -> bool:
    return any(o["uid"] in uids for o in obj["metadata"].get("ownerReferences", []))


def pods_owned(kube: RealKube, namespace: str, kind: str, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The pods a Job or a Deployment (through its ReplicaSets) has had created and not deleted, and the
    FailedCreate events of its pod-making controller (the API server refusing a pod). Matched by uid: an older
    object of the same name (a replaced hook) is not this one."""
    [this] = [o for o in listed(kube, namespace, kind.lower()) if o["metadata"]["name"] == name]
    owners = {this["metadata"]["uid"]}
    if kind == "Deployment":
        owners = {rs["metadata"]["uid"] for rs in listed(kube, namespace, "replicasets") if owned_by(rs, owners)}
    pods = [p for p in listed(kube, namespace, "pods") if owned_by(p, owners)
            and not p["metadata"].get("deletionTimestamp")]
    refused = [e["message"] for e in listed(kube, namespace, "events", field_selector="reason=FailedCreate")
               if e["involvedObject"].get("uid") in owners]
    return pods, refused


def pods_created(kube: RealKube, namespace: str, kind: str, name: str, count: int) -> list[dict[str, Any]]:
    """Wait for the controller to create `count` pods of that Job or Deployment; a refusal fails at once."""

    def created() -> list[dict[str, Any]]:
        pods, refused = pods_owned(kube, namespace, kind, name)
        assert not refused, f"the API server refused the pods of {kind} {namespace}/{name}: {refused}"
        return pods if len(pods) >= count else []

    return eventually(created, f"{count} pod(s) of {kind} {namespace}/{name}", timeout=60, interval=0.5)


@dataclass
class Release:
    kube: RealKube
    namespace: str
    name: str = "aiops-agent"
    installed: list[dict[str, Any]] = field(default_factory=list)  # everything applied, hooks too
    warnings: list[str] = field(default_factory=list)  # what the last dry run said on stderr

    def _place(self, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"].setdefault("namespace", self.namespace)
        return objects

    def render(self, values: dict[str, Any], *files: Path, api_versions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return self._place(render(self.namespace, values, *files, release=self.name, api_versions=api_versions))

    def dry_run(self, objects: list[dict[str, Any]]) -> str:
        """`kubectl apply --dry-run=server` of the objects; returns stderr (the API server's warnings)."""
        result = kubectl(self.kube, "apply", "--dry-run=server", "-f", "-", stdin=as_list(objects))
        assert result.stdout.count("(server dry run)") == len(objects), result.stdout
        return result.stderr

    def apply(self, values: dict[str, Any], *files: Path, api_versions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """`helm install` (the first time) or `helm upgrade`: returns the rendered objects."""
        objects = self.render(values, *files, api_versions=api_versions)
        event = "pre-upgrade" if self.installed else "pre-install"
        after = event.replace("pre-", "post-")
        # Hooks that exist already are replaced, not changed (a Job's template cannot change): dry-run when run.
        present = {identity(o) for o in self.installed}
        checked = [o for o in objects if not hook_events(o)
                   or (hook_events(o) & {event, after} and identity(o) not in present)]
        self.warnings = [line for line in self.dry_run(checked).splitlines() if line.strip()]
        for hook in sorted((o for o in objects if event in hook_events(o)), key=hook_order):
            self.run_hook(hook)
        kubectl(self.kube, "apply", "-f", "-", stdin=as_list([o for o in objects if not hook_events(o)]))
        for hook in sorted((o for o in objects if after in hook_events(o)), key=hook_order):
            self.run_hook(hook)
        kept = {identity(o) for o in objects}
        gone = [o for o in self.installed if identity(o) not in kept and not hook_events(o)]
        self.delete(gone)
        self.installed = [o for o in self.installed if hook_events(o) and identity(o) not in kept] + objects
        return objects

    def run_hook(self, hook: dict[str, Any]) -> None:
        """Replace the hook object; a Job must get its pod (Helm waits for it) from what exists by now."""
        self.delete([hook], wait=True)
        self.warnings += [line for line in self.dry_run([hook]).splitlines() if line.strip()]
        kubectl(self.kube, "apply", "-f", "-", stdin=as_list([hook]))
        if hook["kind"] != "Job":
            return
        name = hook["metadata"]["name"]
        missing = [f"{kind} {ref}" for kind, ref in sorted(references(pod_spec(hook)))
                   if kubectl(self.kube, "get", kind.lower(), ref, "-n", self.namespace, check=False).returncode]
        assert not missing, f"hook Job {name} runs before these exist (they are no hook, or a later one): {missing}"
        pods_created(self.kube, self.namespace, "Job", name, 1)

    def delete(self, objects: list[dict[str, Any]], wait: bool = False) -> None:
        if objects:
            kubectl(self.kube, "delete", "--ignore-not-found", f"--wait={str(wait).lower()}", "-f", "-",
                    stdin=as_list([{"apiVersion": o["apiVersion"], "kind": o["kind"], "metadata": {
                        "name": o["metadata"]["name"], **({"namespace": o["metadata"]["namespace"]}
                                                          if o["metadata"].get("namespace") else {})}}
                                   for o in objects]))

    def uninstall(self) -> None:
        self.delete(self.installed)
        self.installed = []

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.installed if o["kind"] == kind]
