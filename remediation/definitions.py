"""The YAML formats of rules and playbooks, and loading them into the database all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from django.db import transaction
from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from aiops_project.yamlfile import YamlFileError, field_line, load_yaml_model
from incidents.models import Rule
from remediation.models import Playbook, PlaybookStep
from remediation.templating import check_template

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepSpec(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    tool: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    server: str = "kubernetes"
    risk: Literal["LOW", "MEDIUM", "HIGH"]
    arguments: dict[str, object] = Field(default_factory=dict)
    timeout_seconds: int = Field(default=60, ge=1, le=3600)


class PlaybookSpec(_Strict):
    name: Slug
    description: str = ""
    enabled: bool = True
    approval_timeout_seconds: int | None = Field(default=None, ge=10)
    steps: list[StepSpec] = Field(min_length=1)


class PlaybookFile(_Strict):
    playbooks: list[PlaybookSpec]


class RuleSpec(_Strict):
    name: Slug
    description: str = ""
    enabled: bool = True
    priority: int = 100
    source: Literal["kubernetes", "alertmanager", "webhook", ""] = ""
    reasons: list[str] = Field(default_factory=list)
    min_severity: Literal["info", "warning", "critical"] = "info"
    namespace: str = "*"
    labels: dict[str, str] = Field(default_factory=dict)
    open_incident: bool = True
    playbook: Slug | None = None
    stop_after_match: bool = True


class RuleFile(_Strict):
    rules: list[RuleSpec]


def _check_templates(value: object, path: Path, loc: tuple[int | str, ...]) -> None:
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        try:
            check_template(value)
        except TemplateSyntaxError as exc:
            raise YamlFileError(f"{path}:{field_line(path, loc)}: {'.'.join(map(str, loc))}: {exc}") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_templates(item, path, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_templates(item, path, (*loc, i))


def parse_playbook_file(path: Path) -> list[PlaybookSpec]:
    specs = load_yaml_model(path, PlaybookFile).playbooks
    for i, spec in enumerate(specs):
        for j, step in enumerate(spec.steps):
            _check_templates(step.arguments, path, ("playbooks", i, "steps", j, "arguments"))
    return specs


def parse_rule_file(path: Path, known_playbooks: set[str]) -> list[RuleSpec]:
    specs = load_yaml_model(path, RuleFile).rules
    for i, spec in enumerate(specs):
        if spec.playbook and spec.playbook not in known_playbooks:
            line = field_line(path, ("rules", i, "playbook"))
            raise YamlFileError(f"{path}:{line}: rules[{i}].playbook: unknown playbook {spec.playbook!r}")
    return specs


def _yaml_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_definitions(playbook_dir: Path, rule_dir: Path) -> tuple[int, int]:
    """Parse every file first, then write everything in one transaction: all or nothing. Idempotent."""
    playbooks: list[tuple[Path, PlaybookSpec]] = []
    for path in _yaml_files(playbook_dir):
        playbooks.extend((path, spec) for spec in parse_playbook_file(path))
    known = {spec.name for _, spec in playbooks} | set(Playbook.objects.values_list("name", flat=True))
    rules: list[tuple[Path, RuleSpec]] = []
    for path in _yaml_files(rule_dir):
        rules.extend((path, spec) for spec in parse_rule_file(path, known))
    _refuse_duplicates([(p, s.name) for p, s in playbooks], "playbook")
    _refuse_duplicates([(p, s.name) for p, s in rules], "rule")

    with transaction.atomic():
        for path, spec in playbooks:
            playbook, _ = Playbook.objects.update_or_create(
                name=spec.name,
                defaults={"description": spec.description, "enabled": spec.enabled,
                          "approval_timeout_seconds": spec.approval_timeout_seconds, "source_file": str(path)},
            )
            playbook.steps.all().delete()
            PlaybookStep.objects.bulk_create(
                PlaybookStep(playbook=playbook, order=n, name=s.name, server=s.server, tool=s.tool,
                             arguments=s.arguments, risk=s.risk, timeout_seconds=s.timeout_seconds)
                for n, s in enumerate(spec.steps, start=1)
            )
        for path, spec in rules:
            Rule.objects.update_or_create(
                name=spec.name,
                defaults={
                    "description": spec.description, "enabled": spec.enabled, "priority": spec.priority,
                    "source": spec.source, "reasons": spec.reasons, "min_severity": spec.min_severity,
                    "namespace_pattern": spec.namespace, "labels": spec.labels,
                    "open_incident": spec.open_incident, "stop_after_match": spec.stop_after_match,
                    "playbook": Playbook.objects.get(name=spec.playbook) if spec.playbook else None,
                    "source_file": str(path),
                },
            )
    return len(playbooks), len(rules)


def _refuse_duplicates(named: list[tuple[Path, str]], what: str) -> None:
    seen: dict[str, Path] = {}
    for path, name in named:
        if name in seen:
            raise YamlFileError(f"{path}: {what} {name!r} is also defined in {seen[name]}")
        seen[name] = path
