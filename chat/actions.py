"""What a chat message does, each through the service every other path uses: approval decisions
(`decide_approval`), closing an incident (`close_incident`), a root-cause analysis, tool calls through
`run_tool` and its policy, changes as approval requests (`request_action`), linking a chat account, and
the conversation's own settings (cluster, model, reset)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aiops_project import outbox
from chat import formatting
from chat.context import IDENTITY_FIELDS, Context, chosen_model, current_cluster, keep_model, unlinked_model
from chat.llm import start_new_conversation
from chat.messages import Reply
from chat.models import ChatIdentity, LinkCode
from chat.parsing import number
from incidents import tasks as incident_tasks
from incidents.audit import audit
from incidents.models import Cluster, Incident
from incidents.services import acknowledge_incident, close_incident
from mcp_bridge.calls import run_tool
from mcp_bridge.client import ToolResult
from mcp_bridge.exceptions import McpBridgeError
from remediation.models import Approval, DecisionRefused
from remediation.services import decide_approval, request_action

MAX_REASON = 1000
MAX_CLEANUP = 100  # pods in one /k8s fix request (delete_failed_pods takes that many)
CRASHING = {"CrashLoopBackOff", "Error", "OOMKilled", "RunContainerError", "CreateContainerError"}


def decide(context: Context, *, approve: bool, words: tuple[str, ...]) -> Reply:
    """`approve 12 [reason]`, `reject 12 [reason]`, or a bare yes/no for the approval this chat showed last."""
    assert context.user is not None
    if words and (given := number(words[0])) is not None:
        approval_id, reason = given, " ".join(words[1:])
    elif words and words[0].startswith("#"):
        return Reply(f"{words[0]} is not an approval id: approval ids are numbers, e.g. approve 12")
    elif context.session.get("approval"):
        approval_id, reason = int(context.session["approval"]), " ".join(words)
    else:
        return Reply("Which approval? Say approve <id> or reject <id> (/approval list shows them).")
    if not Approval.objects.filter(pk=approval_id).exists():
        return Reply(f"There is no approval #{approval_id}. /approval list shows the pending ones.")
    try:
        approval = decide_approval(approval_id=approval_id, user=context.user, approve=approve,
                                   via=context.via, reason=reason[:MAX_REASON])
    except DecisionRefused as exc:
        return Reply(f"Approval #{approval_id}: {exc}")
    context.session.pop("approval", None)
    return formatting.decision(approval)


def acknowledge(context: Context, incident_id: int) -> Reply:
    """Someone is on it. The caller checked the permission."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return Reply(f"There is no incident #{incident_id}.")
    if not acknowledge_incident(incident, actor=context.user, via=context.via):
        return Reply(f"Incident #{incident_id} is {incident.status}: only an open incident can be acknowledged.")
    return Reply(f"Incident #{incident_id} acknowledged: you are on it.")


def close(context: Context, incident_id: int, reason: str) -> Reply:
    """Resolve by hand (the failure is handled elsewhere, or a false alarm). The caller checked the permission."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return Reply(f"There is no incident #{incident_id}.")
    if not close_incident(incident, actor=context.user, via=context.via, reason=reason[:MAX_REASON]):
        return Reply(f"Incident #{incident_id} is resolved already.")
    return Reply(f"Incident #{incident_id} closed.")


def start_rca(context: Context, incident_id: int) -> Reply:
    """Queued as the console queues it (the analysis reads the cluster and may ask a model: not while the
    person waits); the report comes back to this conversation when it is done."""
    if not Incident.objects.filter(pk=incident_id).exists():
        return Reply(f"There is no incident #{incident_id}.")
    assert context.user is not None
    user_id, via, reply_to = context.user.pk, context.via, context.reply_to
    outbox.enqueue(incident_tasks.run_rca, incident_id, requested_by_id=user_id, via=via, reply_to=reply_to)
    return Reply(f"RCA for incident #{incident_id} started; the result will be posted here.")


def call_tool(context: Context, server: str, tool: str, arguments: dict[str, Any]) -> Reply:
    """One tool call under the policy (the reads; a change the policy ranks above LOW is refused there)."""
    result = _read(context, server, tool, arguments)
    if isinstance(result, Reply):
        return result
    return formatting.tool_result(tool, result.text, result.structured)


def _read(context: Context, server: str, tool: str, arguments: dict[str, Any]) -> ToolResult | Reply:
    """A tool's result, or the reply that says why there is none."""
    cluster = current_cluster(context) if server == "kubernetes" else None
    try:
        result = run_tool(server, tool, arguments, caller=context.via, actor=context.user,
                          env=cluster.tool_env() if cluster else None, timeout=settings.CHAT_TOOL_TIMEOUT_SECONDS)
    except McpBridgeError as exc:
        return Reply(f"{server}.{tool}: {exc}")
    if not result.ok:
        return Reply(f"{tool} failed: {result.error}")
    return result


def offer_cleanup(context: Context, namespace: str) -> list[Reply]:
    """/k8s fix: the pods of a namespace that ended Failed (Evicted, Error, a finished bare pod...), offered for
    deletion as one approval request, never deleted here. Crash-looping pods are named, not offered: a new pod
    would crash the same way (their logs, a restart or a rollback are the way out)."""
    listed = _read(context, "kubernetes", "list_pods", {"namespace": namespace})
    if isinstance(listed, Reply):
        return [listed]
    pods = (listed.structured or {}).get("pods") or []
    failed = [p["name"] for p in pods if p.get("phase") == "Failed"][:MAX_CLEANUP]
    crashing = [p["name"] for p in pods if p.get("phase") != "Failed" and p.get("waiting_reason") in CRASHING]
    replies = [Reply(formatting.cleanup_summary(namespace, failed, crashing))]
    if failed:
        replies.append(request_change(context, "delete_failed_pods", {"namespace": namespace, "names": failed}))
    return replies


def request_change(context: Context, tool: str, arguments: dict[str, Any]) -> Reply:
    """A change (restart, scale): a one-step run that waits for an approval (shown, for a yes or no here)."""
    try:
        run = request_action(user=context.user, server="kubernetes", tool=tool, arguments=arguments,
                             via=context.via, cluster=current_cluster(context), reply_to=context.reply_to)
    except McpBridgeError as exc:
        return Reply(str(exc))
    approval = Approval.objects.filter(step_run__run=run).first()
    if approval is None:
        return Reply(f"{tool} {arguments}: queued (LOW risk); you will hear how it went.")
    context.session["approval"] = approval.pk
    return formatting.approval_card(approval)


def link_account(context: Context, words: tuple[str, ...]) -> Reply:
    """`/link CODE`: the code a signed-in user got on the console links this chat account to them."""
    field = IDENTITY_FIELDS.get(context.via)
    if field is None or not words:
        return Reply("Get a code on the web console (Link a chat account), then send /link CODE here.")
    with transaction.atomic():
        code = (LinkCode.objects.select_for_update().select_related("user")
                .filter(code=words[0].strip().upper(), used_at__isnull=True, expires_at__gt=timezone.now()).first())
        if code is None:
            return Reply("That code is unknown, used or expired; get a new one on the web console.")
        ChatIdentity.objects.filter(**{field: context.message.user_id}).update(**{field: None})
        identity, _ = ChatIdentity.objects.get_or_create(user=code.user)
        setattr(identity, field, context.message.user_id)
        identity.preferred_model = identity.preferred_model or unlinked_model(context.message)  # chosen unlinked
        identity.save(update_fields=[field, "preferred_model"])
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
    audit("chat.linked", actor=code.user, via=context.via,
          message=f"{context.via} account {context.message.user_id} linked to {code.user.get_username()}")
    return Reply(f"Linked: this {context.via} account acts as {code.user.get_username()} now.")


def use_cluster(context: Context, name: str) -> Reply:
    if not Cluster.objects.filter(name=name, enabled=True).exists():
        return Reply(f"There is no enabled cluster {name!r} (/k8s clusters lists them).")
    context.session["cluster"] = name
    return Reply(f"Using cluster {name}.")


def choose_model(context: Context, words: tuple[str, ...]) -> Reply:
    """`/model [name|default]`: kept for this person across conversations and /reset (see `chosen_model`)."""
    models = settings.LLM_MODELS
    current = chosen_model(context) or settings.LLM_MODEL or "none"
    if not words:
        return Reply(f"Model: {current}. Available: {', '.join(models) or 'none (no LLM configured)'}.")
    if words[0] == "default":
        keep_model(context, "")
        return Reply(f"Model: the default ({settings.LLM_MODEL or 'none configured'}).")
    if words[0] not in models:
        return Reply(f"{words[0]!r} is not available; choose one of: {', '.join(models) or 'none configured'}.")
    keep_model(context, words[0])
    return Reply(f"Model for you from now on: {words[0]} (kept across conversations and /reset).")


def reset(context: Context) -> Reply:
    context.session.clear()
    if context.user is not None:
        start_new_conversation(context.via, context.message.conversation_id, context.user)
    return Reply("Forgotten: the conversation, and the namespace, cluster and pending approval of this chat "
                 "(your /model choice stays).")
