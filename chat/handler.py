"""One message handler for every chat platform: an IncomingMessage in, Replies out.

Priority, as upstream had it: approvals (`approve 12 [reason]`, `reject 12 [reason]`, and yes/confirm,
no/cancel for the approval last shown) > slash commands (`/k8s …`, `/incident …`, `/approval …`, a
leading `!` works like `/`, since Slack keeps `/` for its own commands) > Kubernetes words in plain
language > security words > the rest gets help. Tools are called through `mcp_bridge.calls.run_tool`
(the one policy); a change (restart, scale) becomes a request that waits for an approval like any
playbook step. Decisions go through `decide_approval`, whose permission helper serves every path;
a chat identity not linked to a user may read nothing and decide nothing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache

from chat.messages import IncomingMessage, Reply, approval_buttons
from chat.models import ChatIdentity

log = structlog.get_logger(__name__)
SESSION_SECONDS = 3600
MAX_INCOMING = 4000
MAX_TOOL_OUTPUT = 3500
YES, NO = {"approve", "yes", "confirm", "y"}, {"reject", "no", "cancel", "n", "deny"}
HELP = """\
What I understand:
• approve <id> [reason] · reject <id> [reason] (yes / no: the approval I showed you last)
• /k8s pods|deployments|events [namespace] · /k8s nodes · /k8s logs <pod> [namespace]
• /k8s describe <kind> <name> [namespace] · /k8s restart <deployment> [namespace]
• /k8s scale <deployment> <replicas> [namespace] · /k8s clusters · /k8s use <cluster>
• /incident list · /incident show <id> · /incident close <id> [reason]
• /approval list · /alert list · /rca <incident> · /status · /help
• /model [name] · /reset (forget this conversation) · /link CODE (from the web console)
• anything else goes to the LLM, when one is configured
• plain words work too: "pods in shop", "logs of checkout-7d9f", "show details"
• security: "check ports 80,443 on <host>", "tls <host>", "headers <url>"
Changes (restart, scale) wait for an approval; a leading ! works like /."""


@dataclass
class Context:
    message: IncomingMessage
    user: User | None
    session: dict[str, Any]

    @property
    def via(self) -> str:
        return self.message.channel_type


def handle_message(message: IncomingMessage) -> list[Reply]:
    """Everything one message asks for, answered; never raises for what a person typed."""
    context = Context(message, linked_user(message), load_session(message))
    text, notes = message.text.strip(), []
    if not _within_rate(message):
        return [Reply(f"That is more than {settings.CHAT_RATE_PER_MINUTE} messages in a minute; "
                      "wait a moment and ask again.")]
    if len(text) > MAX_INCOMING:
        text = text[:MAX_INCOMING]
        notes.append(Reply(f"Your message was {len(message.text)} characters long; I read the first {MAX_INCOMING}."))
    try:
        replies = notes + _dispatch(context, text)
    except Exception:  # a bug must cost one reply, not the adapter's worker
        log.exception("chat_handler_failed", channel=message.channel_type)
        replies = [Reply("Something went wrong on my side; it is logged. Try again, or use the web console.")]
    save_session(message, context.session)
    return replies


def _within_rate(message: IncomingMessage) -> bool:
    """At most CHAT_RATE_PER_MINUTE messages a person, a minute (a counter in the shared cache)."""
    key = f"chat:rate:{message.channel_type}:{message.user_id}:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        return cache.incr(key) <= settings.CHAT_RATE_PER_MINUTE
    except ValueError:  # expired between add and incr
        return True


def linked_user(message: IncomingMessage) -> User | None:
    field = {"slack": "slack_user_id", "telegram": "telegram_user_id"}.get(message.channel_type)
    if field is None:
        return None
    identity = ChatIdentity.objects.select_related("user").filter(**{field: message.user_id}).first()
    return identity.user if identity and identity.user.is_active else None


def _session_key(message: IncomingMessage) -> str:
    return f"chat:session:{message.channel_type}:{message.user_id}"


def load_session(message: IncomingMessage) -> dict[str, Any]:
    return dict(cache.get(_session_key(message)) or {})


def save_session(message: IncomingMessage, session: dict[str, Any]) -> None:
    cache.set(_session_key(message), session, SESSION_SECONDS)


def _dispatch(context: Context, text: str) -> list[Reply]:
    if not text:
        return [Reply(HELP)]
    if text.startswith("!"):
        text = "/" + text[1:]
    words = text.split()
    first = words[0].lower()
    if first in YES | NO:
        return _decide(context, approve=first in YES, rest=words[1:])
    if first.startswith("/"):
        return _command(context, first[1:].split("@")[0], words[1:])  # Telegram adds @botname in groups
    return _plain_language(context, text)


# --- approvals -------------------------------------------------------------------------------------------

def _decide(context: Context, *, approve: bool, rest: list[str]) -> list[Reply]:
    from remediation.models import Approval, DecisionRefused
    from remediation.services import decide_approval

    if context.user is None:
        return [_not_linked(context)]
    if rest and rest[0].lstrip("#").isdigit():
        approval_id, reason = int(rest[0].lstrip("#")), " ".join(rest[1:])
    elif rest and rest[0].startswith("#"):
        return [Reply(f"{rest[0]} is not an approval id: approval ids are numbers, e.g. approve 12")]
    elif context.session.get("approval"):
        approval_id, reason = int(context.session["approval"]), " ".join(rest)
    else:
        return [Reply("Which approval? Say approve <id> or reject <id> (/approval list shows them).")]
    if not Approval.objects.filter(pk=approval_id).exists():
        return [Reply(f"There is no approval #{approval_id}. /approval list shows the pending ones.")]
    try:
        approval = decide_approval(approval_id=approval_id, user=context.user, approve=approve,
                                   via=context.via, reason=reason[:1000])
    except DecisionRefused as exc:
        return [Reply(f"Approval #{approval_id}: {exc}")]
    context.session.pop("approval", None)
    if approval.status == Approval.Status.PENDING:
        return [Reply(f"Approval #{approval_id}: your approval is recorded; a second person must approve.")]
    step = approval.step_run
    outcome = ("approved: it runs now, and you will hear how it went" if approval.status == Approval.Status.APPROVED
               else "rejected: it will not run")
    return [Reply(f"Approval #{approval_id} ({step.server}.{step.tool} {step.arguments}) {outcome}.")]


def _not_linked(context: Context) -> Reply:
    return Reply("Your chat account is not linked to a user of the agent, so I cannot act for you. Get a code on "
                 "the web console (Link a chat account) and send /link CODE, or ask an admin to link "
                 f"{context.via} id {context.message.user_id} (Admin → Chat identities).")


# --- commands --------------------------------------------------------------------------------------------

def _command(context: Context, name: str, args: list[str]) -> list[Reply]:
    if name in {"help", "start"}:
        return [Reply(HELP)]
    if name == "reset":
        context.session.clear()
        if context.user is not None:
            from chat.llm import start_new_conversation

            start_new_conversation(context.via, context.message.conversation_id, context.user)
        return [Reply("Forgotten: the conversation, and the namespace, cluster and pending approval of this chat.")]
    if name == "model":
        return [_model(context, args)]
    if name == "link":
        return [_link(context, args)]
    if context.user is None:
        return [_not_linked(context)]
    handlers = {"k8s": _k8s, "incident": _incident, "approval": _approval, "alert": _alert, "status": _status,
                "rca": _rca}
    if name not in handlers:
        return [Reply(f"I do not know /{name}.\n\n{HELP}")]
    return handlers[name](context, args)


def _link(context: Context, args: list[str]) -> Reply:
    """`/link CODE`: the code a signed-in user got on the console links this chat account to them."""
    from django.db import transaction
    from django.utils import timezone

    from chat.models import LinkCode

    field = {"slack": "slack_user_id", "telegram": "telegram_user_id"}.get(context.via)
    if field is None or not args:
        return Reply("Get a code on the web console (Link a chat account), then send /link CODE here.")
    with transaction.atomic():
        code = (LinkCode.objects.select_for_update().select_related("user")
                .filter(code=args[0].strip().upper(), used_at__isnull=True, expires_at__gt=timezone.now()).first())
        if code is None:
            return Reply("That code is unknown, used or expired; get a new one on the web console.")
        ChatIdentity.objects.filter(**{field: context.message.user_id}).update(**{field: None})
        identity, _ = ChatIdentity.objects.get_or_create(user=code.user)
        setattr(identity, field, context.message.user_id)
        identity.save(update_fields=[field])
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
    from incidents.services import audit

    audit("chat.linked", actor=code.user, via=context.via,
          message=f"{context.via} account {context.message.user_id} linked to {code.user.get_username()}")
    return Reply(f"Linked: this {context.via} account acts as {code.user.get_username()} now.")


def _model(context: Context, args: list[str]) -> Reply:
    models = settings.LLM_MODELS
    current = context.session.get("model") or settings.LLM_MODEL or "none"
    if not args:
        return Reply(f"Model: {current}. Available: {', '.join(models) or 'none (no LLM configured)'}.")
    if args[0] not in models:
        return Reply(f"{args[0]!r} is not available; choose one of: {', '.join(models) or 'none configured'}.")
    context.session["model"] = args[0]
    return Reply(f"Model for this chat: {args[0]}.")


def _rca(context: Context, args: list[str]) -> list[Reply]:
    from incidents.explain import run_root_cause_analysis
    from incidents.models import Incident

    if not args or not args[0].lstrip("#").isdigit():
        return [Reply("Use /rca <incident id> (/incident list shows them).")]
    incident_id = int(args[0].lstrip("#"))
    if not Incident.objects.filter(pk=incident_id).exists():
        return [Reply(f"There is no incident #{incident_id}.")]
    report = run_root_cause_analysis(incident_id, requested_by=context.user, via=context.via).report
    evidence = "\n".join(f"• {e}" for e in report["evidence"][:4])
    return [Reply(f"Root cause of #{incident_id}: {report['category']} ({report['confidence']:.0%})\n"
                  f"{report['summary']}\n{evidence}\nNext: {'; '.join(report['recommended_actions'][:2])}")]


def _status(context: Context, args: list[str]) -> list[Reply]:
    from incidents.models import Incident
    from mcp_bridge.models import McpServerState
    from remediation.models import Approval

    servers = ", ".join(f"{s.server} {s.state}" for s in McpServerState.objects.all()) or "none called yet"
    return [Reply(f"Open incidents: {Incident.objects.open().count()} · pending approvals: "
                  f"{Approval.objects.pending().count()} · MCP servers: {servers}")]


def _incident(context: Context, args: list[str]) -> list[Reply]:
    from incidents.models import Incident

    if not args or args[0] == "list":
        incidents = list(Incident.objects.open().order_by("-opened_at")[:15])
        if not incidents:
            return [Reply("No open incidents.")]
        return [Reply("\n".join(f"#{i.pk} [{i.severity}] {i.title} (since {i.opened_at:%H:%M} UTC)"
                                for i in incidents))]
    if args[0] == "show" and len(args) > 1 and args[1].lstrip("#").isdigit():
        incident = Incident.objects.filter(pk=int(args[1].lstrip("#"))).first()
        if incident is None:
            return [Reply(f"There is no incident #{args[1].lstrip('#')}.")]
        timeline = "\n".join(f"{e.at:%H:%M:%S} {e.action}: {e.message[:150]}" for e in incident.timeline()[-10:])
        return [Reply(f"#{incident.pk} {incident.title}\n{incident.status}, {incident.severity}, "
                      f"opened {incident.opened_at:%Y-%m-%d %H:%M} UTC\n\n{timeline}")]
    if args[0] == "close" and len(args) > 1 and args[1].lstrip("#").isdigit():
        return [_close_incident(context, int(args[1].lstrip("#")), " ".join(args[2:]))]
    return [Reply("Use /incident list, /incident show <id> or /incident close <id> [reason].")]


def _close_incident(context: Context, incident_id: int, reason: str) -> Reply:
    """Resolve by hand (the failure is handled elsewhere, or a false alarm); needs change_incident."""
    from incidents.models import Incident
    from incidents.services import close_incident

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return Reply(f"There is no incident #{incident_id}.")
    assert context.user is not None
    if not context.user.has_perm("incidents.change_incident"):
        return Reply("You are not allowed to close incidents (needs the incidents.change_incident permission).")
    if not close_incident(incident, actor=context.user, via=context.via, reason=reason[:1000]):
        return Reply(f"Incident #{incident_id} is resolved already.")
    return Reply(f"Incident #{incident_id} closed.")


def _approval(context: Context, args: list[str]) -> list[Reply]:
    from remediation.models import Approval

    if args and args[0] in {"approve", "reject"}:
        return _decide(context, approve=args[0] == "approve", rest=args[1:])
    pending = list(Approval.objects.pending().select_related("step_run").order_by("expires_at")[:10])
    if not pending:
        return [Reply("Nothing waits for an approval.")]
    if len(pending) == 1:
        context.session["approval"] = pending[0].pk
    return [_approval_card(a) for a in pending]


def _approval_card(approval: Any) -> Reply:
    step = approval.step_run
    return Reply(f"Approval #{approval.pk}: {step.risk} step '{step.name}' runs {step.server}.{step.tool} "
                 f"{json.dumps(step.arguments)}; expires {approval.expires_at:%H:%M:%S} UTC.",
                 buttons=approval_buttons(approval.pk))


def _alert(context: Context, args: list[str]) -> list[Reply]:
    from incidents.models import ClusterEvent, Signal

    firing = list(Signal.objects.firing().order_by("-last_transition_at")[:15])
    if not firing:
        return [Reply("Nothing is firing.")]
    latest = {e.fingerprint: e for e in ClusterEvent.objects.filter(fingerprint__in=[s.fingerprint for s in firing])
              .order_by("recorded_at")}
    return [Reply("\n".join(
        f"[{e.severity}] {e.reason} {e.namespace + '/' if e.namespace else ''}{e.object_name} "
        f"since {s.last_transition_at:%H:%M} UTC ({s.source})" if (e := latest.get(s.fingerprint)) else
        f"{s.source} {s.fingerprint[:10]}" for s in firing))]


# --- Kubernetes ------------------------------------------------------------------------------------------

def _k8s(context: Context, args: list[str]) -> list[Reply]:
    from incidents.models import Cluster

    if not args:
        return [Reply(HELP)]
    verb, rest = args[0].lower(), args[1:]
    if verb == "clusters":
        names = list(Cluster.objects.filter(enabled=True).values_list("name", flat=True))
        return [Reply("Clusters: " + (", ".join(names) or "none registered"))]
    if verb == "use" and rest:
        if not Cluster.objects.filter(name=rest[0], enabled=True).exists():
            return [Reply(f"There is no enabled cluster {rest[0]!r} (/k8s clusters lists them).")]
        context.session["cluster"] = rest[0]
        return [Reply(f"Using cluster {rest[0]}.")]

    def namespace(position: int) -> str:
        if len(rest) > position:
            context.session["namespace"] = rest[position]
        return context.session.get("namespace") or "default"

    reads = {
        "pods": lambda: ("list_pods", {"namespace": namespace(0)}),
        "deployments": lambda: ("list_deployments", {"namespace": namespace(0)}),
        "events": lambda: ("list_events", {"namespace": namespace(0), "limit": 15}),
        "nodes": lambda: ("list_nodes", {}),
        "logs": lambda: ("get_pod_logs", {"name": rest[0], "namespace": namespace(1), "tail_lines": 40}),
        "describe": lambda: ("describe", {"kind": rest[0], "name": rest[1], "namespace": namespace(2)}),
    }
    changes = {
        "restart": lambda: ("rollout_restart", {"name": rest[0], "namespace": namespace(1)}),
        "scale": lambda: ("scale_deployment", {"name": rest[0], "replicas": int(rest[1]), "namespace": namespace(2)}),
    }
    try:
        if verb in reads:
            tool, arguments = reads[verb]()
            context.session["last"] = verb
            return [_read(context, tool, arguments)]
        if verb in changes:
            tool, arguments = changes[verb]()
            return [_change(context, tool, arguments)]
    except (IndexError, ValueError):
        return [Reply(f"/k8s {verb} needs more: see /help.")]
    return [Reply(f"I do not know /k8s {verb}.\n\n{HELP}")]


def _cluster(context: Context) -> Any:
    from incidents.models import Cluster

    clusters = Cluster.objects.filter(enabled=True).order_by("name")
    chosen = context.session.get("cluster")
    return (clusters.filter(name=chosen).first() if chosen else None) or clusters.first()


def _read(context: Context, tool: str, arguments: dict[str, Any], server: str = "kubernetes") -> Reply:
    from mcp_bridge.calls import run_tool
    from mcp_bridge.exceptions import McpBridgeError

    cluster = _cluster(context) if server == "kubernetes" else None
    try:
        result = run_tool(server, tool, arguments, caller=context.via, actor=context.user,
                          env=cluster.tool_env() if cluster else None, timeout=settings.CHAT_TOOL_TIMEOUT_SECONDS)
    except McpBridgeError as exc:
        return Reply(f"{server}.{tool}: {exc}")
    if not result.ok:
        return Reply(f"{tool} failed: {result.error}")
    return Reply(format_result(tool, result.text, result.structured), monospace=True)


def _change(context: Context, tool: str, arguments: dict[str, Any]) -> Reply:
    from mcp_bridge.exceptions import McpBridgeError
    from remediation.models import Approval
    from remediation.services import request_action

    try:
        run = request_action(user=context.user, server="kubernetes", tool=tool, arguments=arguments,
                             via=context.via, cluster=_cluster(context),
                             reply_to={"channel_type": context.via, "conversation_id": context.message.conversation_id})
    except McpBridgeError as exc:
        return Reply(str(exc))
    approval = Approval.objects.filter(step_run__run=run).first()
    if approval is None:
        return Reply(f"{tool} {arguments}: queued (LOW risk); you will hear how it went.")
    context.session["approval"] = approval.pk
    return _approval_card(approval)


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
    if tool == "list_nodes" and "nodes" in data:
        return "\n".join(f"{n['name']:<30} Ready={n['ready']}{' cordoned' if n['unschedulable'] else ''}"
                         for n in data["nodes"]) or "no nodes"
    if len(text) > MAX_TOOL_OUTPUT:
        return text[-MAX_TOOL_OUTPUT:] + "\n… (older lines cut)" if tool == "get_pod_logs" else \
            text[:MAX_TOOL_OUTPUT] + "\n… (cut)"
    return text


# --- plain language -------------------------------------------------------------------------------------

_NS = r"(?:\s+(?:in|on|from|namespace|ns)\s+(?:namespace\s+)?(?P<ns>[a-z0-9-]+))?"
_PLAIN = [
    (re.compile(rf"\b(?:show|list|get|what)?\b.*\bpods?\b{_NS}", re.I), "pods"),
    (re.compile(rf"\bdeployments?\b{_NS}", re.I), "deployments"),
    (re.compile(rf"\b(?:events|warnings)\b{_NS}", re.I), "events"),
    (re.compile(r"\bnodes?\b", re.I), "nodes"),
    (re.compile(rf"\blogs?\s+(?:of|for|from)\s+(?P<pod>[a-z0-9.-]+){_NS}", re.I), "logs"),
]
_SECURITY = [
    (re.compile(r"\bports?\s+(?P<ports>[\d, ]+)\s+(?:on|of|at)\s+(?P<host>[\w.:-]+)", re.I), "check_open_ports"),
    (re.compile(r"\b(?:tls|ssl|cert(?:ificate)?)\b\D*?(?:of|for|on)?\s+(?P<host>[a-z0-9][\w.-]*\.[a-z]{2,})\b", re.I),
     "check_tls_certificate"),
    (re.compile(r"\b(?:security\s+)?headers\s+(?:of|for|on)?\s*(?P<url>https?://\S+)", re.I), "check_security_headers"),
]


def _plain_language(context: Context, text: str) -> list[Reply]:
    if context.user is None:
        return [_not_linked(context)]
    for regex, tool in _SECURITY:
        if match := regex.search(text):
            found = match.groupdict()
            arguments: dict[str, Any] = {"url": found["url"]} if "url" in found else {"host": found["host"]}
            if "ports" in found:
                arguments["ports"] = [int(p) for p in re.split(r"[ ,]+", found["ports"].strip()) if p]
            return [_read(context, tool, arguments, server="security")]
    if re.search(r"\b(show\s+)?(more\s+)?details?\b", text, re.I) and context.session.get("last"):
        return _k8s(context, [context.session["last"]])
    for regex, verb in _PLAIN:
        if match := regex.search(text):
            found = match.groupdict()
            args = [verb] + ([found["pod"]] if found.get("pod") else []) + ([found["ns"]] if found.get("ns") else [])
            return _k8s(context, args)
    from chat.llm import chat_with_llm, llm_configured

    if not llm_configured():
        return [Reply("I did not understand that. No LLM is configured for free conversation (AIOPS_LLM_MODEL), "
                      f"so here is what works:\n\n{HELP}")]
    return chat_with_llm(channel=context.via, external_id=context.message.conversation_id, user=context.user,
                         text=text, model=context.session.get("model"), cluster=_cluster(context),
                         reply_to={"channel_type": context.via, "conversation_id": context.message.conversation_id})
