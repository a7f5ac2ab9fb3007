"""What a chat message asks for, in the words upstream's users type: changes in plain language (word numbers too)
become the /k8s change that files an approval request; a change without a clear target, or a destructive verb we
do not offer, is asked back, never guessed; security asks reach the security tools, and probes we lack are said
plainly. /status shows the person's model and the conversation's message count; /model is kept per person across
/reset, new conversations and platforms (per chat account while unlinked).
(The changes on a real cluster, end to end: tests/test_chat_k8s_commands.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chat.handler import handle_message
from chat.messages import IncomingMessage, Reply
from chat.models import ChatIdentity, LinkCode
from chat.parsing import COMMON_PORTS, Command, parse
from tests.factories import make_user
from tests.llmapi import LlmApi, openai_compatible_server

ALL_COMMON = list(COMMON_PORTS)


@pytest.mark.once
@pytest.mark.parametrize(("text", "args"), [
    ("scale checkout to three", ("scale", "checkout", "3")),
    ("scale checkout to 3 replicas in shop", ("scale", "checkout", "3", "shop")),
    ("Please scale up the deployment Checkout to twelve pods", ("scale", "checkout", "12")),
    ("scale checkout deployment to zero", ("scale", "checkout", "0")),
    ("restart checkout", ("restart", "checkout")),
    ("restart checkout in shop, please!", ("restart", "checkout", "shop")),
    ("could you restart deployment checkout in namespace shop?", ("restart", "checkout", "shop")),
    ("roll back checkout", ("rollback", "checkout")),
    ("rollback checkout in shop", ("rollback", "checkout", "shop")),
    ("roll-back checkout", ("rollback", "checkout")),
    ("cordon sim-node-1", ("cordon", "sim-node-1")),
    ("uncordon node sim-node-1", ("uncordon", "sim-node-1")),
    ("drain the node sim-node-1.", ("drain", "sim-node-1")),
    ("fix", ("fix",)),
    ("fix the failed pods in the velero namespace", ("fix", "velero")),
    ("clean up pods in namespace shop", ("fix", "shop")),
    ("list namespaces", ("namespaces",)),
    ("services in shop", ("services", "shop")),
])
def test_changes_and_reads_in_plain_words(text: str, args: tuple[str, ...]) -> None:
    assert parse(text) == Command("/k8s", args)


@pytest.mark.once
@pytest.mark.parametrize(("text", "answer"), [
    ("scale", "Scale what, to how many?"),
    ("scale up", "Scale what, to how many?"),
    ("scale to 3", "Scale what, to how many?"),
    ("scale checkout", "Scale what, to how many?"),
    ("scale everything to 0", "Scale what, to how many?"),
    ("scale checkout to a lot", "Scale what, to how many?"),
    ("scale checkout to many", "'many' is not a number of replicas"),
    ("drain", "Drain which node?"),
    ("drain node", "Drain which node?"),
    ("drain all nodes", "Drain which node?"),
    ("cordon", "Cordon which node?"),
    ("restart", "Restart which deployment?"),
    ("restart everything", "Restart which deployment?"),
    ("roll back", "Roll back which deployment?"),
    ("roll back checkout to revision 2", "to the revision before the current one"),
    ("delete everything", "I do not delete anything on a guess"),
    ("please remove all pods in shop", "I do not remove anything on a guess"),
    ("kill checkout", "I do not kill anything on a guess"),
])
def test_an_unclear_or_unoffered_change_is_asked_back_never_guessed(text: str, answer: str) -> None:
    command = parse(text)
    assert command.name == "help" and answer in command.text, command


@pytest.mark.once
@pytest.mark.parametrize(("text", "tool", "arguments"), [
    ("scan ports on web.shop.svc", "check_open_ports", {"host": "web.shop.svc", "ports": ALL_COMMON}),
    ("port scan 10.0.0.7", "check_open_ports", {"host": "10.0.0.7", "ports": ALL_COMMON}),
    ("is port 443 open on web.shop.svc", "check_open_ports", {"host": "web.shop.svc", "ports": [443]}),
    ("check ports 80, 443 on 10.0.0.7", "check_open_ports", {"host": "10.0.0.7", "ports": [80, 443]}),
    ("check ssl for web.shop.svc", "check_tls_certificate", {"host": "web.shop.svc"}),
    ("analyze ssl cert on example.com", "check_tls_certificate", {"host": "example.com"}),
    ("check security headers for example.com", "check_security_headers", {"url": "https://example.com/"}),
    ("security headers for http://web.shop.svc:8080/", "check_security_headers",
     {"url": "http://web.shop.svc:8080/"}),
])
def test_security_asks_in_upstreams_words_reach_the_security_tools(text: str, tool: str,
                                                                   arguments: dict[str, Any]) -> None:
    assert parse(text) == Command("security", tool=tool, arguments=arguments)


@pytest.mark.once
@pytest.mark.parametrize("text", ["dns for example.com", "check waf on example.com", "check mtls on api.example.com",
                                  "scan owasp vulnerabilities on example.com", "full security scan on example.com"])
def test_probes_we_do_not_have_are_said_plainly(text: str) -> None:
    command = parse(text)
    assert command.name == "help" and command.text.startswith("I have no ") and "open ports" in command.text


@pytest.mark.once
def test_questions_still_go_to_the_conversation() -> None:
    for text in ("how do I fix a crash loop?", "why was checkout restarted", "should we scale checkout?"):
        assert parse(text).name == "chat", text


def say(text: str, user_id: str = "77", via: str = "telegram") -> list[Reply]:
    return handle_message(IncomingMessage(user_id, via, text, {"chat_id": user_id} if via == "telegram" else {}))


@pytest.fixture
def llm(settings: Any, monkeypatch: Any) -> Iterator[LlmApi]:
    with openai_compatible_server() as api:
        monkeypatch.setenv("OPENAI_BASE_URL", api.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        settings.LLM_MODEL, settings.LLM_MODELS, settings.LLM_TIMEOUT_SECONDS = "tiny", ["tiny", "large"], 5
        yield api


@pytest.mark.django_db
def test_asked_back_in_the_chat_and_nothing_requested(settings: Any) -> None:
    ChatIdentity.objects.create(user=make_user("dev"), telegram_user_id=77)
    [reply] = say("delete everything")
    assert "I do not delete anything on a guess" in reply.text and "scale <deployment> to <replicas>" in reply.text
    assert "Drain which node?" in say("drain")[0].text
    assert "is not an allowed target" in say("is port 22 open on 10.9.8.7")[0].text  # reached the security tool


@pytest.mark.django_db
def test_status_shows_the_model_and_the_message_count_and_the_model_stays_with_the_person(llm: LlmApi) -> None:
    user = make_user("dev")
    ChatIdentity.objects.create(user=user, telegram_user_id=77, slack_user_id="U77")
    assert "Model: tiny (the default) · this conversation: 0 messages" in say("/status")[0].text
    assert "Model for you from now on: large" in say("/model large")[0].text
    llm.script = [{"content": "one"}, {"content": "two"}]
    say("hello")
    say("again")
    assert "Model: large (your choice) · this conversation: 4 messages" in say("/status")[0].text
    assert [r["model"] for r in llm.requests] == ["large", "large"]

    say("/reset")  # a new conversation: the model stays
    assert "Model: large (your choice) · this conversation: 0 messages" in say("/status")[0].text
    llm.script = [{"content": "three"}]
    say("new topic")
    assert llm.requests[-1]["model"] == "large"
    assert "Model: large (your choice)" in say("/status", "U77", "slack")[0].text  # the person, on any platform
    assert ChatIdentity.objects.get(user=user).preferred_model == "large"
    assert "Model: the default (tiny)" in say("/model default")[0].text
    assert "Model: tiny (the default)" in say("/status")[0].text


@pytest.mark.django_db
def test_an_unlinked_chat_account_keeps_its_model_and_brings_it_along_when_linked(llm: LlmApi) -> None:
    from datetime import timedelta

    from django.utils import timezone

    assert "Model for you from now on: large" in say("/model large", "88")[0].text
    say("/reset", "88")
    assert "Model: large." in say("/model", "88")[0].text  # kept for this account, /reset or not
    assert "Model: tiny." in say("/model", "89")[0].text  # another account: its own
    user = make_user("bea")
    LinkCode.objects.create(code="ABCD1234", user=user, expires_at=timezone.now() + timedelta(minutes=5))
    assert "Linked" in say("/link ABCD1234", "88")[0].text
    assert ChatIdentity.objects.get(user=user).preferred_model == "large"
    llm.script = [{"content": "hi"}]
    say("hello", "88")
    assert llm.requests[-1]["model"] == "large"
