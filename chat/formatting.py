"""The words of the replies: help, refusals, incident and approval cards, tool output cut to a chat's size."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chat.messages import Reply, approval_buttons
from incidents.models import AuditEntry, ClusterEvent, Incident, Signal
from remediation.models import Approval
from remediation.verdict import verdict_line

MAX_TOOL_OUTPUT = 3500
HELP = """\
What I understand:
• approve <id> [reason] · reject <id> [reason] (yes / no: the approval I showed you last)
• /k8s pods|deployments|services|events [namespace] · /k8s nodes · /k8s namespaces · /k8s logs <pod> [namespace]
• /k8s describe <kind> <name> [namespace] · /k8s restart <deployment> [namespace]
• /k8s scale <deployment> <replicas> [namespace] · /k8s clusters · /k8s use <cluster>
• /k8s top pods [namespace] · /k8s top nodes · /k8s contexts · /k8s config (cluster, context, server)
• /k8s rollback <deployment> [namespace] · /k8s cordon|uncordon|drain <node> · /k8s fix [namespace] (failed pods)
• /incident list · /incident show <id> · /incident ack <id> · /incident close <id> [reason]
• /approval list · /alert list · /rca <incident> · /status · /help
• /playbook list · /playbook run <name> <namespace>/<deployment> (or #<incident>): its steps wait for approvals
• /model [name] · /reset (forget this conversation) · /link CODE (from the web console)
• anything else goes to the LLM, when one is configured
• plain words work too: "pods in shop", "logs of checkout-7d9f", "show details", "scale checkout to three",
  "restart checkout", "roll back checkout in shop", "cordon|uncordon|drain <node>", "fix pods in shop"
• security: "scan ports on <host>", "is port 443 open on <host>", "check ssl for <host>", "security headers for <url>"
Changes (restart, scale, rollback, cordon, uncordon, drain, fix) wait for an approval; a leading ! works like /."""


def not_linked(via: str, user_id: str) -> Reply:
    return Reply("Your chat account is not linked to a user of the agent, so I cannot act for you. Get a code on "
                 "the web console (Link a chat account) and send /link CODE, or ask an admin to link "
                 f"{via} id {user_id} (Admin → Chat identities).")


def incident_list(incidents: list[Incident]) -> Reply:
    if not incidents:
        return Reply("No open incidents.")
    return Reply("\n".join(f"#{i.pk} [{i.severity}] {i.title} (since {i.opened_at:%H:%M} UTC)" for i in incidents))


def incident_card(incident: Incident, timeline: list[AuditEntry]) -> Reply:
    lines = "\n".join(f"{e.at:%H:%M:%S} {e.action}: {e.message[:150]}" for e in timeline)
    return Reply(f"#{incident.pk} {incident.title}\n{incident.status}, {incident.severity}, "
                 f"opened {incident.opened_at:%Y-%m-%d %H:%M} UTC\n\n{lines}")


def alert_list(firing: list[Signal], latest: dict[str, ClusterEvent]) -> Reply:
    if not firing:
        return Reply("Nothing is firing.")
    return Reply("\n".join(
        f"[{e.severity}] {e.reason} {e.namespace + '/' if e.namespace else ''}{e.object_name} "
        f"since {s.last_transition_at:%H:%M} UTC ({s.source})" if (e := latest.get(s.fingerprint)) else
        f"{s.source} {s.fingerprint[:10]}" for s in firing))


def status_line(open_incidents: int, pending_approvals: int, servers: Iterable[tuple[str, str]]) -> Reply:
    names = ", ".join(f"{server} {state}" for server, state in servers) or "none called yet"
    return Reply(f"Open incidents: {open_incidents} · pending approvals: {pending_approvals} · MCP servers: {names}")


def model_line(model: str, *, chosen: bool, messages: int) -> str:
    which = f"{model} ({'your choice' if chosen else 'the default'})" if model else "none (no LLM configured)"
    return f"Model: {which} · this conversation: {messages} message{'' if messages == 1 else 's'}"


def cleanup_summary(namespace: str, failed: list[str], crashing: list[str]) -> str:
    """What /k8s fix found: the failed pods it offers to delete, the crash-looping ones it leaves."""
    text = (f"Failed pods in {namespace} ({len(failed)}): {', '.join(failed)}. Deleting them waits for an approval."
            if failed else f"No failed pods in {namespace}: nothing to clean up.")
    if crashing:
        text += (f"\nCrash-looping, not deleted (a new pod would crash the same way): {', '.join(crashing)}. "
                 "See /k8s logs <pod>, then /k8s restart or /k8s rollback <deployment>.")
    return text


def approval_card(approval: Approval) -> Reply:
    step = approval.step_run
    cause = f"\n{verdict_line(approval.verdict)}" if step.run.incident_id else ""
    return Reply(f"Approval #{approval.pk}: {step.risk} step '{step.name}' runs {step.server}.{step.tool} "
                 f"{json.dumps(step.arguments)}; expires {approval.expires_at:%H:%M:%S} UTC.{cause}",
                 buttons=approval_buttons(approval.pk))


def decision(approval: Approval) -> Reply:
    """What a person's approve/reject came to."""
    if approval.status == Approval.Status.PENDING:
        return Reply(f"Approval #{approval.pk}: your approval is recorded; a second person must approve.")
    step = approval.step_run
    outcome = ("approved: it runs now, and you will hear how it went" if approval.status == Approval.Status.APPROVED
               else "rejected: it will not run")
    return Reply(f"Approval #{approval.pk} ({step.server}.{step.tool} {step.arguments}) {outcome}.")


def tool_result(tool: str, text: str, structured: dict[str, Any] | None) -> Reply:
    return Reply(format_result(tool, text, structured), monospace=True)


def format_result(tool: str, text: str, structured: dict[str, Any] | None) -> str:
    """Tool output for a chat: short tables for the common lists, else the text, capped."""
    data = structured or {}
    if tool == "list_pods" and "pods" in data:
        rows = [f"{p['name']:<40} {p.get('phase') or '':<9} {p.get('ready') or '':<5} {p.get('restarts', 0):>3} "
                f"{p.get('waiting_reason') or ''}" for p in data["pods"]]
        return "\n".join(rows) or "no pods"
    if tool == "list_deployments" and "deployments" in data:
        return "\n".join(f"{d.get('name'):<35} ready {d.get('ready', '?')}/"
                         f"{d.get('replicas', '?')}" for d in data["deployments"]) or "no deployments"
    if tool == "list_events" and "events" in data:
        return "\n".join(f"{e.get('last_seen', '')} {e.get('reason')} {e.get('object')}: {e.get('message', '')[:120]}"
                         for e in data["events"]) or "no warning events"
    if (table := _more_tables(tool, data)) is not None:
        return table
    if tool == "list_nodes" and "nodes" in data:
        return "\n".join(f"{n['name']:<30} Ready={n['ready']}{' cordoned' if n['unschedulable'] else ''}"
                         for n in data["nodes"]) or "no nodes"
    if len(text) > MAX_TOOL_OUTPUT:
        return text[-MAX_TOOL_OUTPUT:] + "\n… (older lines cut)" if tool == "get_pod_logs" else \
            text[:MAX_TOOL_OUTPUT] + "\n… (cut)"
    return text


def _more_tables(tool: str, data: dict[str, Any]) -> str | None:
    """namespaces, services, top pods and top nodes as short tables (None: not one of those)."""
    if tool == "list_namespaces" and "namespaces" in data:
        return "\n".join(f"{n['name']:<40} {n.get('phase') or n.get('error') or ''}"
                         for n in data["namespaces"]) or "no namespaces"
    if tool == "list_services" and "services" in data:
        return "\n".join(f"{s['name']:<30} {s.get('type') or '':<12} {s.get('cluster_ip') or '':<16} "
                         + ",".join(f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in s.get("ports") or [])
                         for s in data["services"]) or "no services"
    if tool == "top_pods" and "pods" in data:
        return "\n".join(f"{p['name']:<40} {c.get('name') or '':<15} cpu {c.get('cpu', '?'):<10} "
                         f"memory {c.get('memory', '?')}" for p in data["pods"] for c in p.get("containers") or []
                         ) or "no pod metrics (yet)"
    if tool == "top_nodes" and "nodes" in data:
        return "\n".join(f"{n['name']:<30} cpu {n.get('cpu', '?'):<10} memory {n.get('memory', '?')}"
                         for n in data["nodes"]) or "no node metrics (yet)"
    return None
