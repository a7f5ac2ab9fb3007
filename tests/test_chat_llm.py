"""LLM conversations through the openai SDK against an OpenAI-compatible server on loopback: history (the
newest messages), tools through the policy (a restart is filed for approval, never run), polite failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.handler import handle_message
from chat.messages import IncomingMessage, Reply
from chat.models import ChatIdentity, Message
from incidents.models import Cluster
from mcp_bridge import policy
from remediation.models import Approval, StepRun
from tests.factories import make_user
from tests.llmapi import LlmApi, openai_compatible_server
from tests.simulated import read, simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "llm", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop"}]}


@pytest.fixture
def llm(settings: Any, monkeypatch: Any) -> Iterator[LlmApi]:
    with openai_compatible_server() as api:
        monkeypatch.setenv("OPENAI_BASE_URL", api.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        settings.LLM_MODEL, settings.LLM_MODELS, settings.LLM_TIMEOUT_SECONDS = "tiny", ["tiny", "large"], 5
        ChatIdentity.objects.create(user=make_user("dev"), telegram_user_id=77)
        yield api


def say(text: str) -> list[Reply]:
    return handle_message(IncomingMessage("77", "telegram", text, {"chat_id": 77}))


def test_without_a_model_the_bot_says_so_and_lists_what_works(settings):
    settings.LLM_MODEL = ""
    ChatIdentity.objects.create(user=make_user("dev"), telegram_user_id=77)
    [reply] = say("why is checkout sad?")
    assert "No LLM is configured" in reply.text and "/k8s pods" in reply.text


def test_the_conversation_is_remembered_newest_messages_first_kept(llm, settings):
    settings.CHAT_HISTORY_MESSAGES = 3
    llm.script = [{"content": "Hello Ana."}, {"content": "You said your name is Ana."}, {"content": "Still here."}]
    assert say("hi, I am Ana")[0].text == "Hello Ana."
    assert say("what is my name?")[0].text == "You said your name is Ana."
    say("third")
    sent = [m["content"] for m in llm.requests[-1]["messages"] if m["role"] != "system"]
    # The newest three (not the oldest): upstream kept the first 20 and forgot the rest.
    assert sent == ["what is my name?", "You said your name is Ana.", "third"]
    assert llm.requests[0]["auth"] == "Bearer sk-test" and llm.requests[0]["model"] == "tiny"
    assert Message.objects.count() == 6

    assert "Model for you from now on: large" in say("/model large")[0].text
    llm.script = [{"content": "big answer"}]
    say("again")
    assert llm.requests[-1]["model"] == "large"
    assert "not available" in say("/model gpt-9")[0].text
    say("/reset")
    llm.script = [{"content": "fresh"}]
    say("new topic")
    assert [m["content"] for m in llm.requests[-1]["messages"] if m["role"] != "system"] == ["new topic"]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Path]:
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        yield kubeconfig


def test_the_model_reads_through_tools_and_a_change_becomes_an_approval_request(llm, cluster, monkeypatch):
    llm.script = [{"tool": "list_pods", "arguments": {"namespace": "shop"}},
                  {"tool": "rollout_restart", "arguments": {"namespace": "shop", "name": "checkout"}},
                  {"content": "checkout is crash-looping; I asked for a restart, which waits for approval."}]
    calls_judged: list[str] = []
    judge_now = policy._judge

    def counted(server: str, tool: str, arguments: Any) -> Any:
        if arguments:  # not the offer of every tool to the model, which judges each without arguments
            calls_judged.append(tool)
        return judge_now(server, tool, arguments)

    monkeypatch.setattr(policy, "_judge", counted)
    replies = say("what is wrong with checkout, and fix it")
    # Judged once to choose between running it and filing an approval; that path takes the verdict along.
    # (check_access is a call of its own: whether the agent's identity may restart it, before anyone is asked.)
    assert calls_judged == ["list_pods", "rollout_restart", "check_access"]

    tool_results = [m for r in llm.requests for m in r["messages"] if m["role"] == "tool"]
    assert "CrashLoopBackOff" in tool_results[0]["content"]
    assert "not run" in tool_results[-1]["content"] and "approval #" in tool_results[-1]["content"]
    offered = {t["function"]["name"] for t in llm.requests[0]["tools"]}
    assert {"list_pods", "rollout_restart"} <= offered
    approval = Approval.objects.get()
    assert replies[0].text.startswith("checkout is crash-looping")
    assert replies[1].buttons and f"approval #{approval.pk}" in replies[1].text
    assert StepRun.objects.get().status == StepRun.Status.WAITING_APPROVAL  # nothing ran
    deployment = read(cluster, "/apis/apps/v1/namespaces/shop/deployments/checkout")
    assert "kubectl.kubernetes.io/restartedAt" not in ((deployment["spec"]["template"].get("metadata") or {})
                                                       .get("annotations") or {})


def test_provider_errors_get_a_short_polite_reply(llm):
    llm.status = 500
    [reply] = say("hello?")
    assert reply.text.startswith("The language model is not reachable right now")
