"""Free conversation with an OpenAI-compatible model (OpenAI, Azure OpenAI, Ollama, vLLM, GitHub Models...).

The `openai` SDK reads its own OPENAI_BASE_URL and OPENAI_API_KEY; AIOPS_LLM_MODEL names the model (unset:
no LLM, and the bot says so). The newest AIOPS_CHAT_HISTORY messages of the conversation go along as
context. The model may call the Kubernetes tools, always through `run_tool` and its policy: a LOW tool
runs; a MEDIUM or HIGH one is never run from here, it becomes an approval request a person decides.
Tool output is redacted before it reaches the model.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

import structlog
from django.conf import settings
from django.utils import timezone

from aiops_project.redaction import redact
from chat.messages import Reply, approval_buttons
from chat.models import Conversation, Message
from mcp_bridge.calls import run_tool
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.policy import judge
from mcp_bridge.registry import server_tools
from remediation.models import Approval
from remediation.services import request_action

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolUnionParam

log = structlog.get_logger(__name__)
MAX_TOOL_ROUNDS = 4
MAX_TOOL_RESULT = 6000
SYSTEM_PROMPT = (
    "You are the on-call assistant of an AIOps agent for Kubernetes. Answer briefly and precisely. Use the "
    "tools to look at the cluster rather than guessing. Changes (restart, scale, resources, cordon) are never "
    "made directly: calling such a tool files an approval request for a person; say so plainly."
)


def llm_configured() -> bool:
    return bool(settings.LLM_MODEL)


def conversation_for(channel: str, external_id: str, user: Any) -> Conversation:
    conversation = Conversation.objects.filter(channel=channel, external_id=external_id).order_by("-started_at").first()
    return conversation or Conversation.objects.create(channel=channel, external_id=external_id, user=user)


def start_new_conversation(channel: str, external_id: str, user: Any) -> None:
    Conversation.objects.create(channel=channel, external_id=external_id, user=user)


def history(conversation: Conversation) -> list[dict[str, Any]]:
    """The newest AIOPS_CHAT_HISTORY user and assistant messages, oldest first."""
    newest = list(conversation.messages.filter(role__in=[Message.Role.USER, Message.Role.ASSISTANT])
                  .order_by("-created_at", "-id")[: settings.CHAT_HISTORY_MESSAGES])
    return [{"role": m.role, "content": m.content} for m in reversed(newest)]


def chat_with_llm(*, channel: str, external_id: str, user: Any, text: str, model: str | None,
                  cluster: Any, reply_to: dict[str, str]) -> list[Reply]:
    from openai import APIConnectionError, APIStatusError, APITimeoutError, OpenAI, omit

    conversation = conversation_for(channel, external_id, user)
    Message.objects.create(conversation=conversation, role=Message.Role.USER, content=text)
    messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}, *history(conversation)]
    client = OpenAI(timeout=settings.LLM_TIMEOUT_SECONDS, max_retries=1)
    tools = _tool_specs()
    extra_replies: list[Reply] = []
    try:
        for _ in range(MAX_TOOL_ROUNDS):
            # Plain dicts in the SDK's own shapes (its model dumps among them): its TypedDicts by another name.
            response = client.chat.completions.create(
                model=model or settings.LLM_MODEL, messages=cast("list[ChatCompletionMessageParam]", messages),
                tools=cast("list[ChatCompletionToolUnionParam]", tools) if tools else omit)
            choice = response.choices[0].message
            if not choice.tool_calls:
                answer = (choice.content or "").strip() or "(the model gave no answer)"
                break
            messages.append({"role": "assistant", "content": choice.content or "",
                             "tool_calls": [c.model_dump() for c in choice.tool_calls]})
            for call in choice.tool_calls:
                if call.type != "function":  # only function tools are offered; every call still needs an answer
                    result, reply = f"error: no {call.type} tools are offered", None
                else:
                    result, reply = _run_tool_call(call.function.name, call.function.arguments, user=user,
                                                   via=channel, cluster=cluster, reply_to=reply_to)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
                if reply is not None:
                    extra_replies.append(reply)
        else:
            answer = "I looked several times and still have no answer; try a narrower question."
    except APITimeoutError:
        log.warning("llm_timeout", model=model or settings.LLM_MODEL)
        return [Reply("The language model did not answer in time. Commands like /k8s pods still work.")]
    except (APIConnectionError, APIStatusError) as exc:
        log.warning("llm_error", model=model or settings.LLM_MODEL, error=str(exc)[:300])
        return [Reply("The language model is not reachable right now. Commands like /k8s pods still work.")]
    Message.objects.create(conversation=conversation, role=Message.Role.ASSISTANT, content=answer)
    Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=timezone.now())
    return [Reply(answer), *extra_replies]


def _tool_specs() -> list[dict[str, Any]]:
    """The Kubernetes server's tools the policy allows, as OpenAI function tools (from the registry)."""
    try:
        tools = server_tools("kubernetes")
    except McpBridgeError:
        return []
    specs = []
    for name, tool in sorted(tools.items()):
        verdict = judge("kubernetes", name)
        if not verdict.allowed:
            continue
        schema = {k: v for k, v in (tool.input_schema or {"type": "object"}).items() if k != "title"}
        note = "" if verdict.risk == "LOW" else f" ({verdict.risk} risk: files an approval request, does not run)"
        specs.append({"type": "function", "function": {"name": name, "parameters": schema,
                                                       "description": f"kubernetes.{name}{note}"}})
    return specs


def _run_tool_call(name: str, raw_arguments: str, *, user: Any, via: str, cluster: Any,
                   reply_to: dict[str, str]) -> tuple[str, Reply | None]:
    """(what the model is told, a reply for the person if any). Never runs a MEDIUM/HIGH tool."""
    try:
        arguments = json.loads(raw_arguments or "{}")
        if not isinstance(arguments, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        return f"error: the arguments are not a JSON object ({exc})", None
    verdict = judge("kubernetes", name, arguments)
    try:
        if verdict.allowed and verdict.risk != "LOW":
            run = request_action(user=user, server="kubernetes", tool=name, arguments=arguments, via=f"{via}-llm",
                                 cluster=cluster, reply_to=reply_to, verdict=verdict)
            approval = Approval.objects.get(step_run__run=run)
            card = Reply(f"The assistant asked for kubernetes.{name} {json.dumps(arguments)}: approval #{approval.pk} "
                         f"({verdict.risk}) waits for a decision.", buttons=approval_buttons(approval.pk))
            return (f"not run: kubernetes.{name} is {verdict.risk} risk, so approval #{approval.pk} was filed for a "
                    "person to decide"), card
        result = run_tool("kubernetes", name, arguments, caller=f"{via}-llm", actor=user, verdict=verdict,
                          env=cluster.tool_env() if cluster else None, timeout=settings.CHAT_TOOL_TIMEOUT_SECONDS)
    except McpBridgeError as exc:
        return f"refused or failed: {exc}", None
    text = result.text if result.ok else f"error: {result.error}"
    return redact(text)[:MAX_TOOL_RESULT], None
