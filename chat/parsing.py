"""A chat message's words to a Command; no database, no session, no replies.

Slash commands (`/k8s …`, `/incident …`; a leading `!` works like `/`, since Slack keeps `/` for its own
commands), approvals by word (`approve 12 [reason]`, yes/no), Kubernetes and security questions in
plain language; the rest is free conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

YES = frozenset({"approve", "yes", "confirm", "y"})
NO = frozenset({"reject", "no", "cancel", "n", "deny"})


@dataclass(frozen=True)
class Command:
    """What one message asks for.

    `name` is a slash command as typed ("/k8s", "/incident", "/rca", ...; plain words about pods are a "/k8s"
    too), or one of the kinds no one can type: "help", "decide" (approve or reject, as `approve` says;
    `args` hold the id and reason, if given), "security" (a probe: `tool` with `arguments`), "chat" (free
    words for the language model, in `text`).
    """

    name: str
    args: tuple[str, ...] = ()
    approve: bool = False
    tool: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    text: str = ""


def parse(text: str, *, last_read: str | None = None) -> Command:
    """`last_read` is the conversation's last /k8s read, which "show details" repeats."""
    text = text.strip()
    if not text:
        return Command("help")
    if text.startswith("!"):
        text = "/" + text[1:]
    words = text.split()
    first = words[0].lower()
    if first in YES | NO:
        return Command("decide", tuple(words[1:]), approve=first in YES)
    if first.startswith("/"):
        name, args = first.split("@")[0], tuple(words[1:])  # Telegram adds @botname in groups
        if name in {"/help", "/start"}:
            return Command("help")
        if name == "/approval" and args and args[0] in {"approve", "reject"}:
            return Command("decide", args[1:], approve=args[0] == "approve")
        return Command(name, args)
    return plain_language(text, last_read=last_read)


def number(word: str) -> int | None:
    """An id as people type it: 12 or #12."""
    digits = word.lstrip("#")
    # ASCII only: isdigit() and int() also read other scripts' digits (Arabic-Indic or fullwidth 7 is 7).
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def ascii_int(word: str) -> int:
    """A count typed in ASCII digits; ValueError otherwise (int() takes other scripts' digits, '+7' and '7_0')."""
    if not (word.isascii() and word.isdigit()):
        raise ValueError(f"Not a number: {word[:20]!r}.")
    return int(word)


# --- /k8s verbs ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verb:
    tool: str
    words: tuple[str, ...] = ()  # the arguments named by position; an optional namespace follows them
    namespaced: bool = True
    fixed: tuple[tuple[str, Any], ...] = ()


K8S_READS = {
    "pods": Verb("list_pods"),
    "deployments": Verb("list_deployments"),
    "events": Verb("list_events", fixed=(("limit", 15),)),
    "nodes": Verb("list_nodes", namespaced=False),
    "logs": Verb("get_pod_logs", ("name",), fixed=(("tail_lines", 40),)),
    "describe": Verb("describe", ("kind", "name")),
}
K8S_CHANGES = {  # never run from chat: each becomes a request that waits for an approval
    "restart": Verb("rollout_restart", ("name",)),
    "scale": Verb("scale_deployment", ("name", "replicas")),
}


@dataclass(frozen=True)
class ToolCall:
    tool: str
    arguments: dict[str, Any]
    namespace: str | None  # the namespace the words named (the conversation keeps it), None if they named none


def k8s_call(verb: str, words: list[str], namespace: str) -> ToolCall:
    """The tool call of `/k8s <verb> <words>`, in `namespace` unless the words name one.

    Raises KeyError for an unknown verb, IndexError or ValueError when words are missing or not numbers.
    """
    spec = K8S_READS.get(verb) or K8S_CHANGES[verb]
    arguments: dict[str, Any] = {name: ascii_int(words[i]) if name == "replicas" else words[i]
                                 for i, name in enumerate(spec.words)}
    named = words[len(spec.words)] if spec.namespaced and len(words) > len(spec.words) else None
    if spec.namespaced:
        arguments["namespace"] = named or namespace
    return ToolCall(spec.tool, {**arguments, **dict(spec.fixed)}, named)


# --- plain language --------------------------------------------------------------------------------------

_NS = r"(?:\s+(?:in|on|from|namespace|ns)\s+(?:namespace\s+)?(?P<ns>[a-z0-9-]+))?"
_PLAIN = [
    (re.compile(rf"\b(?:show|list|get|what)?\b.*\bpods?\b{_NS}", re.I), "pods"),
    (re.compile(rf"\bdeployments?\b{_NS}", re.I), "deployments"),
    (re.compile(rf"\b(?:events|warnings)\b{_NS}", re.I), "events"),
    (re.compile(r"\bnodes?\b", re.I), "nodes"),
    (re.compile(rf"\blogs?\s+(?:of|for|from)\s+(?P<pod>[a-z0-9.-]+){_NS}", re.I), "logs"),
]
_DETAILS = re.compile(r"\b(show\s+)?(more\s+)?details?\b", re.I)
_SECURITY = [
    (re.compile(r"\bports?\s+(?P<ports>[0-9, ]+)\s+(?:on|of|at)\s+(?P<host>[\w.:-]+)", re.I), "check_open_ports"),
    (re.compile(r"\b(?:tls|ssl|cert(?:ificate)?)\b\D*?(?:of|for|on)?\s+(?P<host>[a-z0-9][\w.-]*\.[a-z]{2,})\b", re.I),
     "check_tls_certificate"),
    (re.compile(r"\b(?:security\s+)?headers\s+(?:of|for|on)?\s*(?P<url>https?://\S+)", re.I), "check_security_headers"),
]


def plain_language(text: str, *, last_read: str | None = None) -> Command:
    """Security words first, then "show details" (the last read again), then Kubernetes words, else chat."""
    for regex, tool in _SECURITY:
        if match := regex.search(text):
            found = match.groupdict()
            arguments: dict[str, Any] = {"url": found["url"]} if "url" in found else {"host": found["host"]}
            if "ports" in found:
                arguments["ports"] = [int(p) for p in re.split(r"[ ,]+", found["ports"].strip()) if p]
            return Command("security", tool=tool, arguments=arguments)
    if last_read and _DETAILS.search(text):
        return Command("/k8s", (last_read,))
    for regex, verb in _PLAIN:
        if match := regex.search(text):
            found = match.groupdict()
            args = [verb] + ([found["pod"]] if found.get("pod") else []) + ([found["ns"]] if found.get("ns") else [])
            return Command("/k8s", tuple(args))
    return Command("chat", text=text)
