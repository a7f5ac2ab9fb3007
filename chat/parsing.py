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
    "namespaces": Verb("list_namespaces", namespaced=False),
    "services": Verb("list_services"),
    "top pods": Verb("top_pods"),
    "top nodes": Verb("top_nodes", namespaced=False),
    "contexts": Verb("list_contexts", namespaced=False),
    "config": Verb("current_context", namespaced=False),
}
K8S_CHANGES = {  # never run from chat: each becomes a request that waits for an approval
    "restart": Verb("rollout_restart", ("name",)),
    "scale": Verb("scale_deployment", ("name", "replicas")),
    "rollback": Verb("rollout_undo", ("name",)),
    "cordon": Verb("cordon_node", ("name",), namespaced=False),
    "uncordon": Verb("uncordon_node", ("name",), namespaced=False),
    "drain": Verb("drain_node", ("name",), namespaced=False),
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
    (re.compile(r"\bnamespaces\b", re.I), "namespaces"),
    (re.compile(rf"\bservices\b{_NS}", re.I), "services"),
    (re.compile(r"\bnodes?\b", re.I), "nodes"),
    (re.compile(rf"\blogs?\s+(?:of|for|from)\s+(?P<pod>[a-z0-9.-]+){_NS}", re.I), "logs"),
]
_DETAILS = re.compile(r"\b(show\s+)?(more\s+)?details?\b", re.I)

# --- plain language: changes (each becomes a /k8s change, so an approval request), asked back when unclear ------

_NAME = r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
# Words that are no name: "scale to 3", "drain the node", "restart everything" are asked back, never guessed.
_NOT_A_NAME = r"(?!(?:to|the|a|an|all|every\w*|it|them|this|that|up|down|pods?|nodes?|deployments?|my|our|some|any)\b)"
_ASKING = r"^\s*(?:(?:please|pls|kindly|can\s+you|could\s+you|would\s+you)\s+)*"
_END = r"(?:\s*,?\s*(?:please|pls|thanks|thank\s+you))?[\s.!?]*$"
_WORKLOAD = rf"(?:\s+(?:the\s+)?(?:deployment|deploy))?\s+{_NOT_A_NAME}(?P<name>{_NAME})(?:\s+deployment)?"
WORD_NUMBERS = {word: n for n, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_CHANGES = [
    ("scale", re.compile(rf"{_ASKING}(?:scale|resize)(?:\s+(?:up|down))?{_WORKLOAD}(?:\s+pods?)?\s+(?:to\s+)?"
                         rf"(?P<count>[a-z0-9]+)(?:\s+(?:replicas?|pods?|instances?|copies))?{_NS}{_END}", re.I)),
    ("restart", re.compile(rf"{_ASKING}restart{_WORKLOAD}{_NS}{_END}", re.I)),
    ("rollback", re.compile(rf"{_ASKING}(?:roll\s*-?\s*back|undo){_WORKLOAD}{_NS}{_END}", re.I)),
    ("node", re.compile(rf"{_ASKING}(?P<verb>uncordon|cordon|drain)(?:\s+(?:the\s+)?node)?\s+{_NOT_A_NAME}"
                        rf"(?P<name>{_NAME}){_END}", re.I)),
]
_FIX = re.compile(rf"{_ASKING}(?:fix|clean\s*-?\s*up|remediate|repair)\b(?P<rest>.*)$", re.I | re.S)
_IN_NAMESPACE = re.compile(rf"\b(?:in|on|from)\s+(?:the\s+)?(?:namespace\s+|ns\s+)?{_NOT_A_NAME}(?P<ns>[a-z0-9-]+)",
                           re.I)
_ASKED_VERB = re.compile(rf"{_ASKING}(?P<verb>scale|resize|restart|roll\s*-?\s*back|undo|uncordon|cordon|drain|delete|"
                         r"remove|destroy|kill|wipe|purge|nuke|drop|terminate|evict|erase|shut\s*down|reboot|"
                         r"uninstall)\b", re.I)
CHANGES_HELP = ("What I change from chat, each only after an approval: scale <deployment> to <replicas> "
                "[in <namespace>], restart <deployment>, roll back <deployment> (to its previous revision), "
                "cordon|uncordon|drain <node>, fix [in <namespace>] (offers to delete the pods that ended Failed). "
                "/help lists everything.")
_USAGE = {
    "scale": "Scale what, to how many? Say: scale checkout to 3 [in shop] (or /k8s scale checkout 3 shop).",
    "restart": "Restart which deployment? Say: restart checkout [in shop] (a rolling restart, after an approval).",
    "rollback": "Roll back which deployment? Say: roll back checkout [in shop]: to the revision before the current "
                "one (the only one I offer from chat).",
    "cordon": "Cordon which node? Say: cordon <node> (/k8s nodes lists them).",
    "uncordon": "Uncordon which node? Say: uncordon <node> (/k8s nodes lists them).",
    "drain": "Drain which node? Say: drain <node> (one node by name; /k8s nodes lists them).",
}


def replicas(word: str) -> int | None:
    """A replica count as people write it: 3 or three (up to twenty)."""
    word = word.lower()
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 4 else WORD_NUMBERS.get(word)


def change(text: str) -> Command | None:
    """A change asked in words ("scale checkout to three", "roll back checkout in shop", "drain node-2",
    "fix the pods in shop"), as the /k8s command that files its approval request; a clarifying reply when a
    change verb leads but the target is missing or unclear; None when no change verb leads."""
    for verb, regex in _CHANGES:
        if (match := regex.search(text)) is None:
            continue
        found = {key: value.lower() for key, value in match.groupdict().items() if value}  # names are lowercase
        if verb == "node":
            return Command("/k8s", (found["verb"], found["name"]))
        ns = (found["ns"],) if "ns" in found else ()
        if verb != "scale":
            return Command("/k8s", (verb, found["name"], *ns))
        if (count := replicas(found["count"])) is None:
            return Command("help", text=f"{found['count'][:20]!r} is not a number of replicas. {_USAGE['scale']}")
        return Command("/k8s", ("scale", found["name"], str(count), *ns))
    if match := _FIX.search(text):
        where = _IN_NAMESPACE.search(match["rest"])
        return Command("/k8s", ("fix", *((where["ns"].lower(),) if where else ())))
    if match := _ASKED_VERB.search(text):
        verb = re.sub(r"\s|-", "", match["verb"].lower())
        verb = {"resize": "scale", "undo": "rollback"}.get(verb, verb)
        return Command("help", text=_USAGE.get(verb) or f"I do not {match['verb'].lower()} anything on a guess. "
                       f"{CHANGES_HELP}")
    return None


# --- plain language: security probes, then reads -----------------------------------------------------------------

_HOST = r"(?P<host>[a-z0-9](?:[\w.-]*\w)?)"
_DOTTED = r"(?P<host>[a-z0-9][\w.-]*\.[a-z]{2,})\b"
COMMON_PORTS = (22, 80, 443, 3306, 5432, 6379, 8080, 8443)
_SECURITY = [
    (re.compile(rf"\bports?\s+(?P<ports>\d[0-9, ]*?)\s+(?:(?:is|are)\s+)?(?:open\s+)?(?:on|of|at|for)\s+{_HOST}", re.I),
     "check_open_ports"),
    (re.compile(rf"\b(?:scan\s+(?:the\s+)?(?:open\s+)?ports?|port\s*-?\s*scan|open\s+ports)\s+(?:(?:on|of|at|for)\s+)?"
                rf"{_HOST}", re.I), "check_open_ports"),
    (re.compile(rf"\b(?:tls|ssl|cert(?:ificate)?)\b\D*?(?:of|for|on)?\s+{_DOTTED}", re.I), "check_tls_certificate"),
    (re.compile(r"\b(?:security\s+)?headers\s+(?:of|for|on)?\s*(?P<url>https?://\S+)", re.I), "check_security_headers"),
    (re.compile(rf"\b(?:security\s+)?headers\s+(?:(?:of|for|on|at)\s+)?{_DOTTED}", re.I), "check_security_headers"),
]
# Probes upstream's security server had and ours has not: said plainly, never a guess at another probe.
_NO_PROBE = re.compile(rf"\b(?P<probe>dns|whois|waf|cdn|mtls|owasp(?:\s+vulnerabilities)?|vulnerabilit(?:y|ies)|"
                       rf"(?:full\s+)?security\s+(?:scan|assessment|audit))\s+(?:(?:check|scan|lookup|records?)\s+)?"
                       rf"(?:for|of|on)\s+{_DOTTED}", re.I)
SECURITY_HELP = ("The security tools check, for allowed targets only (SECURITY_ALLOWED_TARGETS): open ports "
                 '("scan ports on <host>", "is port 443 open on <host>", "check ports 80,443 on <host>"), TLS '
                 'certificates ("check ssl for <host>") and HTTP security headers ("security headers for <url or '
                 'host>").')


def security(text: str) -> Command | None:
    for regex, tool in _SECURITY:
        if match := regex.search(text):
            found = match.groupdict()
            arguments: dict[str, Any] = {"host": found["host"]} if "host" in found else {}
            if tool == "check_open_ports":
                given = [int(p) for p in re.split(r"[ ,]+", (found.get("ports") or "").strip()) if p]
                arguments["ports"] = given or list(COMMON_PORTS)
            if tool == "check_security_headers":
                arguments = {"url": found.get("url") or f"https://{found['host']}/"}
            return Command("security", tool=tool, arguments=arguments)
    if match := _NO_PROBE.search(text):
        return Command("help", text=f"I have no {match['probe'].lower()} probe. {SECURITY_HELP}")
    return None


def plain_language(text: str, *, last_read: str | None = None) -> Command:
    """Changes first (a leading change verb), then security words, then "show details" (the last read again),
    then Kubernetes words, else chat."""
    if (command := change(text) or security(text)) is not None:
        return command
    if last_read and _DETAILS.search(text):
        return Command("/k8s", (last_read,))
    for regex, verb in _PLAIN:
        if match := regex.search(text):
            found = match.groupdict()
            args = [verb] + ([found["pod"]] if found.get("pod") else []) + ([found["ns"]] if found.get("ns") else [])
            return Command("/k8s", tuple(args))
    return Command("chat", text=text)
