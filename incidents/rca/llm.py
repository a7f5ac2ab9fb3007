"""Root-cause analysis by an LLM, with an answer that is always valid (or not used).

The context (the deterministic report, the objects' states, events, log findings and log tails) is
bounded, redacted, and optionally anonymised (names replaced by placeholders, put back in the answer). The
model must answer with JSON matching `LlmAnswer` (asked for with a JSON-schema response format); an
invalid answer is retried once with the validation errors, then the deterministic report is used and
says so. Recommended actions must name a known playbook or tool.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

import structlog
from django.conf import settings
from pydantic import BaseModel, Field, ValidationError, field_validator

from aiops_project.loganalysis import analyze_logs, redact
from incidents.ports import playbook_names
from incidents.rca.engine import CATEGORIES, Hypothesis, RcaReport
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.registry import server_tools

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params.response_format_json_schema import JSONSchema

log = structlog.get_logger(__name__)
MAX_PROMPT_CHARS = 24_000
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


def _names(objects: list[dict[str, Any]]) -> set[str]:
    found = set()
    for obj in objects:
        meta = obj.get("metadata") or {}
        found |= {meta.get("name"), meta.get("namespace"), (obj.get("spec") or {}).get("nodeName")}
    return {n for n in found if n and len(n) > 2}


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
    return redact("\n".join(parts))[:MAX_PROMPT_CHARS]


def llm_root_cause(objects: list[dict[str, Any]], events: list[dict[str, Any]], logs: dict[str, str],
                   deterministic: RcaReport) -> RcaReport:
    """The LLM's report, or the deterministic one (saying why) when the LLM fails or answers badly twice."""
    from openai import APIConnectionError, APIStatusError, APITimeoutError, OpenAI

    anonymizer = Anonymizer(_names(objects)) if settings.RCA_ANONYMISE else None
    context = _compact(objects, events, logs)
    hint = json.dumps(deterministic.as_dict()["hypotheses"])
    user = (f"Incident context:\n{context}\n\nA rule-based engine ranked these causes: {hint}\n"
            f"Answer with JSON only. Categories: {', '.join(CATEGORIES)}.")
    if anonymizer:
        user = anonymizer.hide(user)
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
        return RcaReport(
            category=data["category"], summary=data["summary"], root_cause=data["root_cause"],
            confidence=data["confidence"], evidence=[redact(e) for e in data["evidence"]],
            recommended_actions=[a["action"] + (f" (playbook {a['playbook']})" if a.get("playbook") else "")
                                 + (f" ({a['tool']})" if a.get("tool") else "") for a in data["recommended_actions"]],
            affected_resources=data["affected_resources"],
            hypotheses=[Hypothesis(h["category"], h["confidence"], h["summary"]) for h in data["hypotheses"]],
            engine="llm")
    log.warning("rca_llm_fallback", reason=problem)
    deterministic.summary = f"{deterministic.summary} (Deterministic answer: {problem}.)"
    return deterministic
