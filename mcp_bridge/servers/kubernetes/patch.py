"""patch_resource: one patch of one object of an allow-listed built-in kind, for a change no other tool makes.

JSON merge patch (RFC 7386), strategic merge patch (every kind here is built in, so every kind takes it) or JSON
patch (RFC 6902), sent with `fieldValidation=Strict` (an unknown field is an error, not silently dropped) and, on
request, `dryRun=All` (the API server validates and admits it, and stores nothing). Never a Secret, in any spelling
of its kind or API group, nor a ServiceAccount; nor a patch that would change which credentials a workload gets (a
key naming a secret or a service account: `secretKeyRef`, `imagePullSecrets`, `serviceAccountName`, a `secret`
volume...). The answer lists what changed, from the object read before and the API server's answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from mcp_bridge.servers.kubernetes.base import MUTATE, Context, NotFound, compact, result
from mcp_bridge.servers.kubernetes.rbac import Need

PATCH_TYPES = {"merge": "application/merge-patch+json", "strategic": "application/strategic-merge-patch+json",
               "json": "application/json-patch+json"}
PATCH_MAX_BYTES = 16 * 1024  # a remediation's patch is a few lines; a whole manifest belongs in a deploy pipeline
JSON_PATCH_OPS = frozenset({"add", "remove", "replace", "move", "copy", "test"})
MAX_CHANGES = 40  # listed in the answer; more are counted
VALUE_CHARS = 200
FIELD_MANAGER = "aiops-agent"
_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d+)?")
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"
_NAMESPACE = r"^$|^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"  # empty, as a template renders "none", for cluster kinds
# Where a key is data, not a field: label and annotation keys, a ConfigMap's keys.
_DATA_KEYS = (("metadata", "labels"), ("metadata", "annotations"), ("data",), ("binaryData",))


@dataclass(frozen=True)
class Patchable:
    kind: str
    group: str  # "" for the core group
    resource: str
    api: str  # the kubernetes.client class
    method: str  # patch_namespaced_<method> / patch_<method>
    namespaced: bool = True
    aliases: tuple[str, ...] = ()

    def calls(self, ctx: Context) -> tuple[Any, Any]:
        """(read, patch) methods of the generated client."""
        import kubernetes.client

        api = getattr(kubernetes.client, self.api)(ctx.cluster.api_client)
        scope = "namespaced_" if self.namespaced else ""
        return getattr(api, f"read_{scope}{self.method}"), getattr(api, f"patch_{scope}{self.method}")


PATCHABLE = {p.kind: p for p in (
    Patchable("Deployment", "apps", "deployments", "AppsV1Api", "deployment", aliases=("deploy",)),
    Patchable("StatefulSet", "apps", "statefulsets", "AppsV1Api", "stateful_set", aliases=("sts",)),
    Patchable("DaemonSet", "apps", "daemonsets", "AppsV1Api", "daemon_set", aliases=("ds",)),
    Patchable("ReplicaSet", "apps", "replicasets", "AppsV1Api", "replica_set", aliases=("rs",)),
    Patchable("Job", "batch", "jobs", "BatchV1Api", "job"),
    Patchable("CronJob", "batch", "cronjobs", "BatchV1Api", "cron_job", aliases=("cj",)),
    Patchable("Pod", "", "pods", "CoreV1Api", "pod", aliases=("po",)),
    Patchable("Service", "", "services", "CoreV1Api", "service", aliases=("svc",)),
    Patchable("ConfigMap", "", "configmaps", "CoreV1Api", "config_map", aliases=("cm",)),
    Patchable("PersistentVolumeClaim", "", "persistentvolumeclaims", "CoreV1Api", "persistent_volume_claim",
              aliases=("pvc",)),
    Patchable("HorizontalPodAutoscaler", "autoscaling", "horizontalpodautoscalers", "AutoscalingV2Api",
              "horizontal_pod_autoscaler", aliases=("hpa",)),
    Patchable("PodDisruptionBudget", "policy", "poddisruptionbudgets", "PolicyV1Api", "pod_disruption_budget",
              aliases=("pdb",)),
    Patchable("Node", "", "nodes", "CoreV1Api", "node", namespaced=False, aliases=("no",)),
    Patchable("Namespace", "", "namespaces", "CoreV1Api", "namespace", namespaced=False, aliases=("ns",)),
)}
_BY_NAME = {name: p for p in PATCHABLE.values() for name in (p.kind.lower(), p.resource, *p.aliases)}
_NEVER = {
    "secret": "Secrets are never patched (their values would pass through the agent)",
    "serviceaccount": "ServiceAccounts are never patched (they hold the tokens and Secrets workloads run with)",
}
_NEVER_NAMES = {"secret": "secret", "secrets": "secret", "serviceaccount": "serviceaccount",
                "serviceaccounts": "serviceaccount", "sa": "serviceaccount"}


def resolve_kind(spelling: str) -> Patchable:
    """The kind a caller wrote, in any of kubectl's spellings: `Deployment`, `deployments`, `deploy`,
    `deployments.apps`, `deployments.v1.apps`, `apps/v1/Deployment`, `v1/ConfigMap`. Secrets and ServiceAccounts
    are refused however they are spelt (in whatever API group)."""
    text, group = spelling.strip(), None
    if "/" in text:
        prefix, _, text = text.rpartition("/")
        groups = [part for part in prefix.split("/") if part and not _VERSION.fullmatch(part)]
        group = groups[0] if groups else ""
    name, *rest = [part for part in text.split(".") if part] or [""]
    if rest and _VERSION.fullmatch(rest[0]):
        rest = rest[1:]
    if rest:
        group = ".".join(rest)
    word = name.lower()
    if word in _NEVER_NAMES:
        raise ToolError(f"refused: {_NEVER[_NEVER_NAMES[word]]}")
    found = _BY_NAME.get(word)
    if found is None:
        raise ToolError(f"cannot patch kind {spelling!r} (patchable: {', '.join(PATCHABLE)})")
    if group is not None and group.lower() not in ({found.group, "core"} if not found.group else {found.group}):
        raise ToolError(f"cannot patch kind {spelling!r}: {found.kind} is in API group {found.group or 'core'}")
    return found


def check_scope(ctx: Context, kind: Patchable, name: str, namespace: str | None) -> None:
    """The server's own limits: --read-only, --allowed-namespaces (a node is every namespace's)."""
    ctx.refuse_if_read_only()
    if kind.namespaced:
        if not namespace:
            raise ToolError(f"{kind.kind} is namespaced: give a namespace")
        ctx.guard(namespace)
    elif kind.kind == "Namespace":
        ctx.guard(name)
    else:
        ctx.cluster_wide_change(f"patching {kind.kind.lower()} {name}")


def needs(arguments: dict[str, Any]) -> list[Need]:
    """check_access: the patch itself (the object is read first when it may be, to show what changed)."""
    try:
        kind = resolve_kind(str(arguments.get("kind") or ""))
    except ToolError:
        return []  # the tool refuses the kind itself
    namespace = str(arguments.get("namespace") or "") if kind.namespaced else ""
    return [Need("patch", kind.group, kind.resource, "", namespace, str(arguments.get("name") or ""))]


def _pointer(path: str) -> list[str]:
    """A JSON pointer's segments (RFC 6901: ~1 is /, ~0 is ~)."""
    return [part.replace("~1", "/").replace("~0", "~") for part in path.split("/")[1:]]


def _credential(word: str) -> bool:
    return "secret" in word.lower() or "serviceaccount" in word.lower()


def _in_data(at: list[str]) -> bool:
    return any(tuple(at[: len(data)]) == data for data in _DATA_KEYS)


def _credential_in_path(segments: list[str]) -> str | None:
    """The path up to its first segment that names a secret or a service account (a JSON patch's path)."""
    if _in_data(segments):
        return None
    return next((".".join(segments[: i + 1]) for i, segment in enumerate(segments) if _credential(segment)), None)


def _credential_key(value: Any, at: list[str]) -> str | None:
    """The first key (as a dotted path) that names a secret or a service account, outside data keys."""
    if _in_data(at):
        return None
    keys = [str(k) for k in value] if isinstance(value, dict) else []
    for key in keys:
        if _credential(key):
            return ".".join([*at, key])
    children = [([*at, k], value[k]) for k in keys] if isinstance(value, dict) else (
        [([*at, str(i)], item) for i, item in enumerate(value)] if isinstance(value, list) else [])
    return next(filter(None, (_credential_key(child, path) for path, child in children)), None)


def check_body(patch_type: str, patch: dict[str, Any] | list[dict[str, Any]]) -> None:
    """Refuse what cannot be sent: the wrong shape for the patch type, too big, empty, or touching credentials."""
    size = len(json.dumps(patch, separators=(",", ":")).encode())
    if size > PATCH_MAX_BYTES:
        raise ToolError(f"the patch is {size} bytes; at most {PATCH_MAX_BYTES} are sent")
    if not patch:
        raise ToolError("the patch is empty: it changes nothing")
    if patch_type == "json":
        if not isinstance(patch, list):
            raise ToolError('patch_type "json" takes a list of operations, e.g. '
                            '[{"op": "replace", "path": "/spec/replicas", "value": 3}]')
        for i, op in enumerate(patch):
            if op.get("op") not in JSON_PATCH_OPS or not str(op.get("path", "")).startswith("/"):
                raise ToolError(f"patch[{i}] is not a JSON patch operation: it needs op (one of "
                                f"{', '.join(sorted(JSON_PATCH_OPS))}) and a path starting with /")
            for pointer in (op["path"], *([op["from"]] if isinstance(op.get("from"), str) else [])):
                if found := _credential_in_path(_pointer(pointer)):
                    raise ToolError(f"refused: patch[{i}] touches {found}, which decides the credentials a "
                                    "workload gets")
            if found := _credential_key(op.get("value"), _pointer(op["path"])):
                raise ToolError(f"refused: patch[{i}] sets {found}, which decides the credentials a workload gets")
        return
    if not isinstance(patch, dict):
        raise ToolError(f'patch_type "{patch_type}" takes an object (the fields to set; null removes one)')
    if found := _credential_key(patch, []):
        raise ToolError(f"refused: the patch sets {found}, which decides the credentials a workload gets")


def _flatten(value: Any, at: str, into: dict[str, Any]) -> dict[str, Any]:
    """Leaf paths: `spec.replicas`; a list of named items by name, as a strategic merge keys it
    (`spec.template.spec.containers[app].image`); any other list whole."""
    if isinstance(value, dict) and value:
        for key, child in value.items():
            _flatten(child, f"{at}.{key}" if at else str(key), into)
    elif isinstance(value, list) and value and all(isinstance(i, dict) and isinstance(i.get("name"), str)
                                                   for i in value):
        for item in value:
            _flatten({k: v for k, v in item.items() if k != "name"}, f"{at}[{item['name']}]", into)
    else:
        into[at] = value
    return into


def changes(kind: str, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field path whose value differs (lists compared whole), with both values; a ConfigMap's values are
    left out, as `describe` leaves them out. Status and the server's bookkeeping are not the patch's."""
    def fields(obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj.get("metadata") or {}
        kept = {k: v for k, v in obj.items() if k not in {"metadata", "status", "apiVersion", "kind"}}
        return _flatten({**kept, "metadata": {k: meta.get(k) for k in ("labels", "annotations", "finalizers")}},
                        "", {})

    old, new = fields(before), fields(after)
    found = []
    for path in sorted(old.keys() | new.keys()):
        if old.get(path) != new.get(path):
            if kind == "ConfigMap" and path.split(".")[0] in {"data", "binaryData"}:
                found.append({"path": path})
            else:
                found.append({"path": path, "before": _short(old.get(path)), "after": _short(new.get(path))})
    return found


def _short(value: Any) -> Any:
    text = compact(value)
    return value if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


ObjectName = Annotated[str, Field(pattern=_DNS_SUBDOMAIN, max_length=253, description="the object's name")]
PatchBody = Annotated[
    dict[str, Any] | list[dict[str, Any]],
    Field(description='merge/strategic: the fields to set, as an object (null removes a field), e.g. {"spec": '
                      '{"replicas": 3}}; json: a list of RFC 6902 operations, e.g. [{"op": "replace", "path": '
                      f'"/spec/replicas", "value": 3}}]. At most {PATCH_MAX_BYTES} bytes.'),
]


def register(mcp: MCPServer, ctx: Context) -> None:
    @mcp.tool(annotations=MUTATE)
    def patch_resource(
        kind: Annotated[str, Field(min_length=1, max_length=100,
                                   description=f"one of {', '.join(PATCHABLE)} (kubectl's spellings too: "
                                               "deploy, deployments.apps...); never Secret or ServiceAccount")],
        name: ObjectName,
        patch: PatchBody,
        namespace: Annotated[str | None, Field(pattern=_NAMESPACE, max_length=63,
                                               description="for namespaced kinds")] = None,
        patch_type: Annotated[Literal["merge", "strategic", "json"],
                              Field(description="merge (RFC 7386), strategic (Kubernetes' strategic merge: lists "
                                                "of containers merge by name) or json (RFC 6902)")] = "merge",
        dry_run: Annotated[bool, Field(description="validate and admit it on the API server, store nothing")] = False,
    ) -> CallToolResult:
        """Patch one object when no other tool makes the change (refused in read-only mode). Validated by the API
        server strictly (an unknown field is an error). Secrets and ServiceAccounts are never patched, nor a field
        that decides the credentials a workload gets. Answers what changed, field by field."""
        target = resolve_kind(kind)
        check_scope(ctx, target, name, namespace)
        check_body(patch_type, patch)
        where = f"{target.kind.lower()} {namespace}/{name}" if target.namespaced else f"{target.kind.lower()} {name}"
        read, send = target.calls(ctx)
        scope = (name, namespace) if target.namespaced else (name,)
        try:
            before: dict[str, Any] | None = ctx.cluster.json(where, read, *scope)
        except NotFound:
            raise
        except ToolError:
            before = None  # not readable (RBAC): the patch goes on, what changed is unknown
        options = {"field_manager": FIELD_MANAGER, "field_validation": "Strict",
                   **({"dry_run": "All"} if dry_run else {})}
        after = ctx.cluster.json(where, send, *scope, patch, _content_type=PATCH_TYPES[patch_type], **options)
        found = changes(target.kind, before, after) if before is not None else None
        meta = after.get("metadata") or {}
        summary = {"kind": target.kind, "namespace": namespace if target.namespaced else None, "name": name,
                   "patch_type": patch_type, "dry_run": dry_run, "resource_version": meta.get("resourceVersion"),
                   "changed": None if found is None else found[:MAX_CHANGES],
                   **({"more_changes": len(found) - MAX_CHANGES} if found and len(found) > MAX_CHANGES else {})}
        return result(describe_outcome(where, patch_type, dry_run, found), summary)


def describe_outcome(where: str, patch_type: str, dry_run: bool, found: list[dict[str, Any]] | None) -> str:
    """`deployment shop/web changed (merge): spec.replicas: 2 -> 3`, or what a dry run would change."""
    how = f"{patch_type}, dry run: nothing stored" if dry_run else patch_type
    if found is None:
        return f"{where} patched ({how}); it could not be read before, so what changed is unknown"
    if not found:
        return f"{where}: the patch {'would change' if dry_run else 'changed'} nothing ({how})"
    listed = "; ".join(f"{c['path']}: {compact(c['before'])} -> {compact(c['after'])}" if "before" in c
                       else f"{c['path']} (value not shown)" for c in found[:MAX_CHANGES])
    more = f"; and {len(found) - MAX_CHANGES} more" if len(found) > MAX_CHANGES else ""
    return f"{where} {'would change' if dry_run else 'changed'} ({how}): {listed}{more}"
