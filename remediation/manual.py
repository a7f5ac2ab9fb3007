"""Playbooks a person starts: for an incident or for a workload, from the console, the API, chat and
`manage.py run_playbook`, every path through `start_by_hand`.

The run is the one a rule would start: the same templates (remediation.templating) render its steps, from the
incident's latest event, or for a workload from an event read off the cluster: the workload must exist (asked
through the Kubernetes MCP server's `describe`, under the tool policy), and its current pod (a failing one
first) and node fill `event.labels.pod` / `.node` for the playbooks that name them (`list_pods`). MEDIUM and
HIGH steps wait for their approvals; LOW ones run at once, unless automatic remediation is off
(AUTO_REMEDIATION_ENABLED=false), when they wait too: then nothing runs without a person.
When anything is wrong nothing is created, and `StartRefused` says what, for each path to answer in its way.
A start by hand is not held by the playbook's hourly budget (a person decided), but counts towards it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from incidents.audit import audit
from incidents.models import Cluster, ClusterEvent, EventStatus, Incident, Signal
from mcp_bridge.calls import run_tool
from mcp_bridge.client import ToolResult
from mcp_bridge.exceptions import McpBridgeError
from remediation.access import start_problem
from remediation.models import Playbook, PlaybookRun, Risk
from remediation.services import ACTIONS_PLAYBOOK, create_run, render_step
from remediation.templating import TemplateRenderError

LOOKUP_TIMEOUT = 20  # seconds for each read of the cluster while the person waits
KINDS = {"deployment": "Deployment", "deploy": "Deployment", "statefulset": "StatefulSet", "sts": "StatefulSet",
         "daemonset": "DaemonSet", "ds": "DaemonSet", "job": "Job", "pod": "Pod", "node": "Node"}
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")  # DNS-1123 subdomain
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")  # DNS-1123 label


NOTIFY_ONLY = "Notify-only: automatic remediation is off (AUTO_REMEDIATION_ENABLED=false)"


def remediation_mode() -> dict[str, Any]:
    """The mode, as the console's banner, the API and chat say it."""
    if settings.AUTO_REMEDIATION_ENABLED:
        return {"auto_remediation_enabled": True, "mode": "automatic",
                "message": "Automatic remediation is on: rules start their playbooks, LOW steps run at once, "
                           "MEDIUM and HIGH steps wait for an approval."}
    return {"auto_remediation_enabled": False, "mode": "notify_only",
            "message": f"{NOTIFY_ONLY}: rules open incidents and notify but start no playbook; a person starts "
                       "one, and every step, LOW included, waits for an approval."}


class StartRefused(Exception):
    """Nothing was started. `reason`: forbidden, invalid, unknown_playbook, unknown_cluster, not_found, disabled,
    busy or unavailable; `known`: the playbooks (or clusters) that do exist, when a name was not one of them."""

    def __init__(self, message: str, reason: str, known: list[str] | None = None) -> None:
        super().__init__(message)
        self.reason, self.known = reason, known or []


@dataclass(frozen=True)
class Workload:
    kind: str
    name: str
    namespace: str = ""  # empty for a Node

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


def parse_workload(reference: str, namespace: str = "") -> Workload:
    """`Deployment/checkout`, `sts/db` or `checkout` (a Deployment) in `namespace`; `node/n1` needs none."""
    kind, _, name = reference.strip().rpartition("/")
    canonical = KINDS.get((kind or "deployment").lower())
    if canonical is None:
        raise StartRefused(f"{kind!r} is not a kind a playbook can start for (one of: "
                           f"{', '.join(sorted(set(KINDS.values())))}).", "invalid")
    if not _NAME.match(name):
        raise StartRefused(f"{name!r} is not a Kubernetes object name.", "invalid")
    if canonical == "Node":
        return Workload(canonical, name)
    if not _NAMESPACE.match(namespace):
        raise StartRefused(f"A {canonical} needs its namespace" + (f"; {namespace!r} is not one." if namespace
                                                                   else " (e.g. --namespace shop or shop/NAME)."),
                           "invalid")
    return Workload(canonical, name, namespace)


def known_playbooks() -> list[str]:
    """The playbooks a person may start: every defined one with steps (not the one-step runs chat asks for)."""
    return list(Playbook.objects.exclude(name=ACTIONS_PLAYBOOK).filter(steps__isnull=False).distinct()
                .order_by("name").values_list("name", flat=True))


def start_by_hand(*, user: Any, playbook: str, via: str, incident_id: int | None = None,
                  workload: Workload | None = None, cluster: str = "",
                  reply_to: dict[str, str] | None = None) -> PlaybookRun:
    """Start `playbook` for an incident or a workload (in `cluster`, else the first enabled one) on behalf of `user`.

    Raises StartRefused, having created nothing, when the user may not, the playbook or cluster is unknown, the
    workload does not exist, the cluster cannot be asked, or the playbook's steps do not fit the target."""
    if (problem := start_problem(user)) is not None:
        if user is not None and user.is_authenticated:
            audit("playbook.start_refused", actor=user, via=via, playbook=playbook[:100], message=problem)
        raise StartRefused(problem, "forbidden")
    book = _playbook(playbook)
    if (incident_id is None) == (workload is None):
        raise StartRefused("Start a playbook for an incident or for a workload (one of them).", "invalid")
    if incident_id is not None:
        incident, event, firing = _incident(incident_id)
        target = f"incident #{incident.pk}"
        context = {"event": event.as_context(), "incident": {"id": incident.pk, "title": incident.title}}
        fields: dict[str, Any] = {"incident": incident, "trigger_event": event if firing else None}
    else:
        assert workload is not None
        where = _cluster(cluster)
        target = f"{workload} in cluster {where.name}"
        event = _workload_event(workload, where, user, via)
        context = {"event": event.as_context(), "incident": {"id": None, "title": f"{playbook} for {workload}"}}
        fields = {"cluster": where}
    _check_renders(book, context, target)
    mode = "" if settings.AUTO_REMEDIATION_ENABLED else " (notify-only: every step waits for an approval)"
    return create_run(book, context, f"Playbook {book.name} started by {user.get_username()} via {via} for "
                                     f"{target}{mode}", actor=user, via=via, requested_by=user,
                      reply_to=reply_to or {}, **fields)


def summary(run: PlaybookRun) -> str:
    """What was started, step by step, and what waits for whom; for every path's answer."""
    where = run.cluster.name if run.cluster else "?"
    target = f"incident #{run.incident_id}" if run.incident_id else f"a workload in cluster {where}"
    automatic = settings.AUTO_REMEDIATION_ENABLED
    lines = [f"Run #{run.pk} of playbook {run.playbook.name} started for {target}."]
    for step in run.step_runs.order_by("order"):
        waits = "waits for an approval" if step.risk != Risk.LOW or not automatic else "runs at once"
        lines.append(f"{step.order}. {step.name}: {step.server}.{step.tool} {step.arguments} "
                     f"({step.risk}, {'failed: ' + step.error if step.error else waits})")
    if not automatic:
        lines.append("Notify-only mode (AUTO_REMEDIATION_ENABLED=false): LOW steps wait for an approval too.")
    return "\n".join(lines)


def _playbook(name: str) -> Playbook:
    known = known_playbooks()
    if name not in known:
        raise StartRefused(f"There is no playbook {name[:100]!r}. Known playbooks: {', '.join(known) or 'none'}.",
                           "unknown_playbook", known)
    book = Playbook.objects.get(name=name)
    if not book.enabled:
        raise StartRefused(f"Playbook {name} is disabled; enable it first (Admin → Playbooks).", "disabled")
    return book


def _incident(incident_id: int) -> tuple[Incident, ClusterEvent, bool]:
    """The incident, the event its templates read (its latest), and whether that one still fires: a change
    approved after it healed is skipped, as for a rule's run, but a person may start one on what fires no more."""
    incident = Incident.objects.select_related("cluster").filter(pk=incident_id).first()
    if incident is None:
        raise StartRefused(f"There is no incident #{incident_id}.", "not_found")
    under_way = incident.playbook_runs.exclude(status__in=PlaybookRun.FINISHED).select_related("playbook").first()
    if under_way is not None:
        raise StartRefused(f"Run #{under_way.pk} of {under_way.playbook.name} for incident #{incident.pk} is still "
                           f"{under_way.get_status_display().lower()}; decide or wait for it first.", "busy")
    event = incident.events.select_related("cluster").order_by("-recorded_at", "-id").first()
    if event is None:
        raise StartRefused(f"Incident #{incident.pk} has no event for a playbook to read.", "invalid")
    firing = Signal.objects.filter(fingerprint=event.fingerprint, status=EventStatus.FIRING).exists()
    return incident, event, firing


def _cluster(name: str) -> Cluster:
    enabled = Cluster.objects.filter(enabled=True).order_by("name")
    found = enabled.filter(name=name).first() if name else enabled.first()
    if found is None:
        names = list(enabled.values_list("name", flat=True))
        raise StartRefused(f"There is no enabled cluster {name[:63]!r}. Clusters: {', '.join(names) or 'none'}."
                           if name else "No cluster is registered.", "unknown_cluster", names)
    return found


def _read(cluster: Cluster, tool: str, arguments: dict[str, Any], user: Any, via: str, what: str) -> ToolResult:
    try:
        result = run_tool("kubernetes", tool, arguments, caller=via, actor=user, env=cluster.tool_env(),
                          timeout=LOOKUP_TIMEOUT)
    except McpBridgeError as exc:
        raise StartRefused(f"Cannot check {what} in cluster {cluster.name}: {exc}. Nothing was started.",
                           "unavailable") from None
    if not result.ok and "not found" in (result.error or result.text):
        raise StartRefused(f"There is no {what} in cluster {cluster.name}. Nothing was started.", "not_found")
    if not result.ok:
        raise StartRefused(f"Cannot check {what} in cluster {cluster.name}: {result.error or result.text}. "
                           "Nothing was started.", "unavailable")
    return result


def _workload_event(workload: Workload, cluster: Cluster, user: Any, via: str) -> ClusterEvent:
    """An unsaved event about the workload, shaped as the detectors label theirs, for the templates to read."""
    arguments = {"kind": workload.kind, "name": workload.name, **({"namespace": workload.namespace}
                                                                   if workload.namespace else {})}
    described = _read(cluster, "describe", arguments, user, via, str(workload)).structured or {}
    labels: dict[str, str] = {}
    if workload.kind == "Node":
        labels["node"] = workload.name
    else:
        kind, name = ((_owner(described) or ("Pod", workload.name)) if workload.kind == "Pod"
                      else (workload.kind, workload.name))
        labels |= {"workload_kind": kind, "workload_name": name}
        spec = described.get("spec")
        pod = ({"name": workload.name, "node": spec.get("nodeName") if isinstance(spec, dict) else None}
               if workload.kind == "Pod" else _current_pod(workload, cluster, user, via))
        if pod is not None:
            labels["pod"] = str(pod["name"])
            if pod.get("node"):
                labels["node"] = str(pod["node"])
        if len(containers := _containers(workload.kind, described)) == 1:
            labels["container"] = containers[0]
    return ClusterEvent(source="manual", reason="ManualStart", severity="info", status=EventStatus.FIRING,
                        cluster=cluster, namespace=workload.namespace, object_kind=workload.kind,
                        object_name=workload.name, labels=labels,
                        message=f"started by {user.get_username()} via {via}")


def _owner(described: dict[str, Any]) -> tuple[str, str] | None:
    """A pod's workload from its controller: a ReplicaSet named `<deployment>-<pod-template-hash>` is a Deployment's."""
    kind, _, name = str(described.get("owner") or "").partition("/")
    if not kind or not name:
        return None
    template_hash = (described.get("labels") or {}).get("pod-template-hash")
    if kind == "ReplicaSet" and template_hash and name.endswith(f"-{template_hash}"):
        return "Deployment", name.removesuffix(f"-{template_hash}")
    return kind, name


def _current_pod(workload: Workload, cluster: Cluster, user: Any, via: str) -> dict[str, Any] | None:
    """The workload's pod a step should look at: a failing one first (waiting reason, not running, restarts)."""
    pods = (_read(cluster, "list_pods", {"namespace": workload.namespace}, user, via,
                  f"the pods of {workload}").structured or {}).get("pods") or []

    def owned(owner: str) -> bool:
        if workload.kind == "Deployment":  # its pods' owner: ReplicaSet <name>-<pod-template-hash>
            return owner.startswith("ReplicaSet/") and owner.removeprefix("ReplicaSet/").rpartition("-")[0] == \
                workload.name
        return owner == f"{workload.kind}/{workload.name}"

    mine = [pod for pod in pods if owned(str(pod.get("owner") or ""))]
    if not mine:
        return None
    return max(mine, key=lambda pod: (bool(pod.get("waiting_reason")), pod.get("phase") != "Running",
                                      pod.get("restarts") or 0))


def _containers(kind: str, described: dict[str, Any]) -> list[str]:
    spec = described.get("spec")
    if not isinstance(spec, dict):  # trimmed to text when very large: the container is not guessed
        return []
    pod_spec = spec if kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    return [str(c.get("name")) for c in pod_spec.get("containers") or [] if c.get("name")]


def _check_renders(playbook: Playbook, context: dict[str, Any], target: str) -> None:
    for step in playbook.steps.order_by("order"):
        try:
            render_step(step, context)
        except TemplateRenderError as exc:
            raise StartRefused(f"Playbook {playbook.name} does not fit {target}: step '{step.name}' cannot be "
                               f"filled in ({exc}). Nothing was started.", "invalid") from None
