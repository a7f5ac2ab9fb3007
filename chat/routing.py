"""A Command to the function that answers it, after the permission checks.

A chat identity not linked to a user may ask for help, link itself (/link), pick a model and reset; it
may read nothing and decide nothing. Closing an incident needs incidents.change_incident; an approval
decision is checked by `decide_approval` itself (the one permission helper of every path).
"""

from __future__ import annotations

from collections.abc import Callable

from chat import actions, queries
from chat.context import Context, chosen_model, current_cluster
from chat.formatting import HELP, not_linked
from chat.llm import chat_with_llm, llm_configured
from chat.messages import Reply
from chat.parsing import K8S_CHANGES, K8S_READS, Command, k8s_call, number
from chat.playbooks import playbook_command

CLOSE_PERMISSION = "incidents.change_incident"
Route = Callable[[Context, Command], list[Reply]]


def route(context: Context, command: Command) -> list[Reply]:
    if (public := PUBLIC.get(command.name)) is not None:
        return public(context, command)
    if context.user is None:
        return [not_linked(context.via, context.message.user_id)]
    if (linked := LINKED.get(command.name)) is None:
        return [Reply(f"I do not know {command.name}.\n\n{HELP}")]
    return linked(context, command)


def _incident(context: Context, command: Command) -> list[Reply]:
    args = command.args
    if not args or args[0] == "list":
        return [queries.open_incidents()]
    incident_id = number(args[1]) if len(args) > 1 else None
    if args[0] == "show" and incident_id is not None:
        return [queries.show_incident(incident_id)]
    if args[0] in ("ack", "close") and incident_id is not None:
        assert context.user is not None
        verb = "acknowledge" if args[0] == "ack" else "close"
        if not context.user.has_perm(CLOSE_PERMISSION):
            return [Reply(f"You are not allowed to {verb} incidents (needs the {CLOSE_PERMISSION} permission).")]
        if args[0] == "ack":
            return [actions.acknowledge(context, incident_id)]
        return [actions.close(context, incident_id, " ".join(args[2:]))]
    return [Reply("Use /incident list, /incident show <id>, /incident ack <id> or /incident close <id> [reason].")]


def _rca(context: Context, command: Command) -> list[Reply]:
    incident_id = number(command.args[0]) if command.args else None
    if incident_id is None:
        return [Reply("Use /rca <incident id> (/incident list shows them).")]
    return [actions.start_rca(context, incident_id)]


def _k8s(context: Context, command: Command) -> list[Reply]:
    if not command.args:
        return [Reply(HELP)]
    verb, words = command.args[0].lower(), list(command.args[1:])
    if verb == "top":  # /k8s top pods [namespace], /k8s top nodes
        if not words or words[0].lower() not in ("pods", "nodes"):
            return [Reply("Use /k8s top pods [namespace] or /k8s top nodes (needs metrics-server in the cluster).")]
        verb, words = f"top {words[0].lower()}", words[1:]
    if verb == "fix":  # the failed pods, offered for deletion as one approval request
        if words:
            context.session["namespace"] = words[0]
        return actions.offer_cleanup(context, words[0] if words else context.session.get("namespace") or "default")
    if verb == "clusters":
        return [queries.clusters()]
    if verb == "use" and words:
        return [actions.use_cluster(context, words[0])]
    if verb not in K8S_READS and verb not in K8S_CHANGES:
        return [Reply(f"I do not know /k8s {verb}.\n\n{HELP}")]
    try:
        call = k8s_call(verb, words, context.session.get("namespace") or "default")
    except (IndexError, ValueError):
        return [Reply(f"/k8s {verb} needs more: see /help.")]
    if call.namespace:
        context.session["namespace"] = call.namespace  # the conversation stays in it
    if verb in K8S_CHANGES:
        return [actions.request_change(context, call.tool, call.arguments)]
    context.session["last"] = verb  # for "show details"
    return [actions.call_tool(context, "kubernetes", call.tool, call.arguments)]


def _converse(context: Context, command: Command) -> list[Reply]:
    if not llm_configured():
        return [Reply("I did not understand that. No LLM is configured for free conversation (AIOPS_LLM_MODEL), "
                      f"so here is what works:\n\n{HELP}")]
    return chat_with_llm(channel=context.via, external_id=context.message.conversation_id, user=context.user,
                         text=command.text, model=chosen_model(context), cluster=current_cluster(context),
                         reply_to=context.reply_to)


PUBLIC: dict[str, Route] = {
    "help": lambda context, command: [Reply(command.text or HELP)],  # text: a clarifying answer
    "/reset": lambda context, command: [actions.reset(context)],
    "/model": lambda context, command: [actions.choose_model(context, command.args)],
    "/link": lambda context, command: [actions.link_account(context, command.args)],
}
LINKED: dict[str, Route] = {
    "decide": lambda context, command: [actions.decide(context, approve=command.approve, words=command.args)],
    "/k8s": _k8s,
    "/incident": _incident,
    "/rca": _rca,
    "/playbook": playbook_command,
    "/approval": lambda context, command: queries.pending_approvals(context),
    "/alert": lambda context, command: [queries.firing_alerts()],
    "/status": lambda context, command: [queries.status(context)],
    "security": lambda context, command: [actions.call_tool(context, "security", command.tool, command.arguments)],
    "chat": _converse,
}
