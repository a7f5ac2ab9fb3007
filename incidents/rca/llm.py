"""Root-cause analysis by an LLM, with an answer that is always valid (or not used).

The prompt gives the deterministic engine's findings first, labelled as such (its category and confidence,
its evidence chain, the runner-up, the ranked hypotheses, what could not be read), then the raw context (the
objects' states, events, log findings and log tails). All of it is redacted, optionally anonymised (names
replaced by placeholders, put back in the answer), and bounded (the findings survive the bound). The model
must answer with JSON matching `LlmAnswer` (asked for with a JSON-schema response format); an invalid answer
is retried once with the validation errors, then the deterministic report is used and says so. Recommended
actions must name a known playbook or tool. The LLM's report keeps the engine's evidence chain when it agrees
on the category, and ranks the engine's verdict among its hypotheses when it does not.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

import structlog
from django.conf import settings
from pydantic import BaseModel, Field, ValidationError, field_validator

from aiops_project.loganalysis import analyze_logs
from aiops_project.redaction import redact
from incidents.ports import playbook_names
from incidents.rca.engine import CATEGORIES, Hypothesis, RcaReport
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.registry import server_tools

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params.response_format_json_schema import JSONSchema

log = structlog.get_logger(__name__)
MAX_PROMPT_CHARS = 24_000  # the user message, all told
MAX_FINDINGS_CHARS = MAX_PROMPT_CHARS // 2  # of which the engine's findings, first
Category = Literal[CATEGORIES]  # type: ignore[valid-type]


class Action(BaseModel):
    action: str = Field(min_length=3, max_length=300)
    playbook: str | None = None
    tool: str | None = None


class RankedHypothesis(BaseModel):
    category: Category
    confidence: float = Field(ge=0, le=1)
    summary: str = Field(min_length=3, max_length=500)


class LlmAnswer(BaseModel):
    summary: str = Field(min_length=10, max_length=1000)
    root_cause: str = Field(min_length=3, max_length=1000)
    category: Category
    confidence: float = Field(ge=0, le=1)
    evidence: list[str] = Field(min_length=1, max_length=10)
    recommended_actions: list[Action] = Field(min_length=1, max_length=6)
    affected_resources: list[str] = Field(default_factory=list, max_length=20)
    hypotheses: list[RankedHypothesis] = Field(default_factory=list, max_length=5)

    @field_validator("recommended_actions")
    @classmethod
    def _known_playbook_or_tool(cls, actions: list[Action]) -> list[Action]:
        known_playbooks, known_tools = _known()
        for action in actions:
            if action.playbook is None and action.tool is None:
                raise ValueError(f"action {action.action!r} names neither a playbook nor a tool")
            if action.playbook is not None and action.playbook not in known_playbooks:
                raise ValueError(f"unknown playbook {action.playbook!r} (known: {', '.join(sorted(known_playbooks))})")
            if action.tool is not None and action.tool.removeprefix("kubernetes.") not in known_tools:
                raise ValueError(f"unknown tool {action.tool!r}")
        return actions


def _known() -> tuple[set[str], set[str]]:
    try:
        tools = set(server_tools("kubernetes"))
    except McpBridgeError:
        tools = set()
    return playbook_names(), tools  # the playbooks: remediation's catalog (incidents.ports)


class Anonymizer:
    """Names of the cluster's objects replaced by placeholders in what is sent, and put back in what comes."""

    def __init__(self, names: set[str]) -> None:
        self.forward: dict[str, str] = {}
        for n, name in enumerate(sorted(names, key=len, reverse=True), start=1):
            self.forward[name] = f"obj-{n}"
        self.backward = {v: k for k, v in self.forward.items()}

    def hide(self, text: str) -> str:
        for name, token in self.forward.items():
            text = re.sub(rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])", token, text)
        return text

    def reveal(self, value: Any) -> Any:
        if isinstance(value, str):
            return re.sub(r"\bobj-\d+\b", lambda m: self.backward.get(m.group(0), m.group(0)), value)
        if isinstance(value, list):
            return [self.reveal(v) for v in value]
        if isinstance(value, dict):
            return {k: self.reveal(v) for k, v in value.items()}
        return value


def _names(objects: list[dict[str, Any]], events: list[dict[str, Any]], deterministic: RcaReport) -> set[str]:
    """The names to hide: the objects' (and their nodes', owners'), the events' objects', and those the
    engine's findings name ("Kind/namespace/name" subjects), which may be of objects no longer listed."""
    found: list[Any] = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        found += [meta.get("name"), meta.get("namespace"), (obj.get("spec") or {}).get("nodeName")]
        found += [ref.get("name") for ref in meta.get("ownerReferences") or [] if isinstance(ref, dict)]
    for event in events:
        about = event.get("involvedObject") or event.get("regarding") or {}
        if isinstance(about, dict):
            found += [about.get("name"), about.get("namespace")]
    subjects = list(deterministic.affected_resources)
    for hypothesis in deterministic.hypotheses:
        subjects += hypothesis.resources
    for subject in subjects:
        found += str(subject).split("/")[1:]  # "Pod/ns/name" -> ns, name (not the kind)
    return {n for n in found if isinstance(n, str) and len(n) > 2 and n != "None"}


def _compact(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str]) -> str:
    """The context, most telling first: states and conditions, events, log findings, then log tails."""
    parts = []
    for obj in objects:
        meta, status = obj.get("metadata") or {}, obj.get("status") or {}
        keep = {k: status.get(k) for k in ("phase", "reason", "message", "conditions", "containerStatuses")
                if status.get(k)}
        if obj.get("kind") == "Pod":
            keep["containers"] = [{k: c.get(k) for k in ("name", "image", "resources")}
                                  for c in (obj.get("spec") or {}).get("containers") or []]
        parts.append(f"{obj.get('kind')} {meta.get('namespace', '')}/{meta.get('name')}: {json.dumps(keep)}")
    parts += [f"event {e.get('type')} {e.get('reason')} on {(e.get('involvedObject') or {}).get('name')}"
              f" x{e.get('count', 1)}: {e.get('message')}" for e in events[:40]]
    for key, text in logs.items():
        parts.append(f"log analysis {key}: {analyze_logs(text).summary()}")
    for key, text in logs.items():
        parts.append(f"log tail {key}:\n" + "\n".join(text.splitlines()[-40:]))
    return redact("\n".join(parts))


def _findings(report: RcaReport) -> str:
    """The deterministic engine's verdict, as evidence: most telling first (it may be cut at the end)."""
    lines = [f"Verdict: {report.category} (confidence {report.confidence:.2f})",
             f"Summary: {report.summary}"]
    if report.chain:
        lines += ["Evidence chain (each cause's finding, then the symptoms it explains):", *report.chain]
    else:
        lines.append("Evidence chain: none (no finding names a cause)")
    runner = report.runner_up
    lines.append(f"Runner-up: {runner.category} (score {runner.score:.2f}): {runner.summary}" if runner
                 else "Runner-up: none")
    lines.append("Not read (missing evidence): " + (", ".join(report.missing) if report.missing else "nothing"))
    if report.hypotheses:
        lines.append("Ranked hypotheses (category, score, summary):")
        lines += [f"{n}. {h.category} (score {h.score:.2f}): {h.summary}"
                  for n, h in enumerate(report.hypotheses[:8], start=1)]
    if report.evidence:
        lines.append("Findings behind the verdict:")
        lines += [f"- {e}" for e in report.evidence[:6]]
    return redact("\n".join(lines))


def _prompt(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str],
            deterministic: RcaReport, anonymizer: Anonymizer | None) -> str:
    """The user message: instructions, the engine's findings, the raw context; redacted, then anonymised,
    then bounded (names are hidden before the cut, so no name is cut short and left visible)."""
    def prepare(text: str) -> str:
        return anonymizer.hide(text) if anonymizer else text

    head = (f"Answer with JSON only. Categories: {', '.join(CATEGORIES)}.\n"
            "Below are first the findings of a rule-based engine (a deterministic evidence model) over this "
            "incident, then the raw context it read. The engine's findings are evidence, not the answer: check "
            "them against the raw context; agree when it supports them, otherwise answer differently and rank "
            "the engine's verdict among your hypotheses.\n\n")
    findings = "== Rule-based engine's findings ==\n" + _bound(prepare(_findings(deterministic)), MAX_FINDINGS_CHARS)
    raw = "\n\n== Raw incident context (objects, events, log findings, log tails) ==\n"
    room = MAX_PROMPT_CHARS - len(head) - len(findings) - len(raw)
    return head + findings + raw + _bound(prepare(_compact(objects, events, logs)), max(room, 0))


def _bound(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a line's end when one is near (the cut says so)."""
    if len(text) <= limit:
        return text
    marker = "\n[cut]"
    cut = text[:max(limit - len(marker), 0)]
    if (newline := cut.rfind("\n")) > len(cut) - 400:
        cut = cut[:newline]
    return cut + marker if limit >= len(marker) else cut


def llm_root_cause(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str],
                   deterministic: RcaReport) -> RcaReport:
    """The LLM's report, or the deterministic one (saying why) when the LLM fails or answers badly twice."""
    from openai import APIConnectionError, APIStatusError, APITimeoutError, OpenAI

    anonymizer = Anonymizer(_names(objects, events, deterministic)) if settings.RCA_ANONYMISE else None
    user = _prompt(objects, events, logs, deterministic, anonymizer)
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "You are a Kubernetes SRE doing root-cause analysis. Use only the evidence "
                                      "given. When the evidence is split, rank hypotheses."},
        {"role": "user", "content": user}]
    client = OpenAI(timeout=settings.LLM_TIMEOUT_SECONDS, max_retries=1)
    schema: JSONSchema = {"name": "root_cause_analysis", "schema": LlmAnswer.model_json_schema()}
    problem = ""
    for attempt in (1, 2):
        try:
            response = client.chat.completions.create(model=settings.LLM_MODEL, messages=messages,
                                                      response_format={"type": "json_schema", "json_schema": schema})
        except (APITimeoutError, APIConnectionError, APIStatusError) as exc:
            problem = f"the LLM could not be reached ({type(exc).__name__})"
            break
        content = response.choices[0].message.content or ""
        try:
            answer = LlmAnswer.model_validate_json(content)
        except ValidationError as exc:
            problem = f"the LLM's answer was invalid twice ({exc.error_count()} errors)"
            log.info("rca_llm_invalid", attempt=attempt, errors=exc.error_count())
            messages += [{"role": "assistant", "content": content[:4000]},
                         {"role": "user", "content": f"That JSON is invalid: {exc}. Answer again, JSON only."}]
            continue
        data = answer.model_dump()
        if anonymizer:
            data = anonymizer.reveal(data)
        return _report(data, deterministic)
    log.warning("rca_llm_fallback", reason=problem)
    deterministic.summary = f"{deterministic.summary} (Deterministic answer: {problem}.)"
    return deterministic


def _report(data: dict[str, Any], deterministic: RcaReport) -> RcaReport:
    """The LLM's answer as a report. It keeps what the engine could not read; agreeing, the engine's evidence
    chain too; disagreeing, the engine's verdict right after its own (so the runner-up shows it)."""
    category = data["category"]
    agrees = category == deterministic.category
    hypotheses = [Hypothesis(category, data["confidence"], data["summary"])]
    if not agrees:
        hypotheses.append(Hypothesis(deterministic.category, deterministic.confidence,
                                     f"the rule-based engine's verdict: {deterministic.summary}",
                                     list(deterministic.evidence), list(deterministic.affected_resources)))
    named = {h.category for h in hypotheses}
    for h in data["hypotheses"]:
        if h["category"] not in named:
            named.add(h["category"])
            hypotheses.append(Hypothesis(h["category"], h["confidence"], h["summary"]))
    return RcaReport(
        category=category, summary=data["summary"], root_cause=data["root_cause"],
        confidence=data["confidence"], evidence=[redact(e) for e in data["evidence"]],
        recommended_actions=[a["action"] + (f" (playbook {a['playbook']})" if a.get("playbook") else "")
                             + (f" ({a['tool']})" if a.get("tool") else "") for a in data["recommended_actions"]],
        affected_resources=data["affected_resources"], hypotheses=hypotheses, engine="llm",
        chain=list(deterministic.chain) if agrees else [], missing=list(deterministic.missing))
