"""The YAML formats of rules and playbooks, and loading them into the database all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, cast

import yaml
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from aiops_project.yamlfile import YamlFileError, field_line, load_yaml_model
from incidents.matching import RuleError, compile_rule
from incidents.models import Rule
from incidents.rca.engine import CATEGORIES
from mcp_bridge.registry import step_problems
from remediation.models import Playbook, PlaybookStep, rollback_problem
from remediation.templating import condition_problem, template_problems

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]
ParamName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$", max_length=50)]
ParamValue = bool | int | float | Annotated[str, StringConstraints(max_length=200)]
RuleSource = Literal["kubernetes", "alertmanager", "webhook", ""]
RcaCategory = Literal[CATEGORIES]  # type: ignore[valid-type]
Severity = Literal["info", "warning", "critical"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepSpec(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    tool: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    server: str = "kubernetes"
    risk: Literal["LOW", "MEDIUM", "HIGH"]
    arguments: dict[str, object] = Field(default_factory=dict)
    timeout_seconds: int = Field(default=60, ge=1, le=3600)
    retries: int = Field(default=0, ge=0, le=10)
    retry_backoff_seconds: int = Field(default=5, ge=1, le=3600)
    on_failure: Literal["stop", "continue", "rollback"] = "stop"
    rollback: bool = False  # a rollback step: runs only when an earlier step fails with on_failure: rollback
    verify_after_seconds: int | None = Field(default=None, ge=1, le=3600)
    # Conditions on the incident's root cause (remediation.verdict): run only for these categories, or not for
    # these. A step with either waits for the analysis, as a MEDIUM/HIGH step does.
    rca_in: list[RcaCategory] = Field(default_factory=list)
    rca_not_in: list[RcaCategory] = Field(default_factory=list)
    # A condition over event, incident and params (Jinja, e.g. `params.drain`): the step runs only when it holds.
    when: Annotated[str, StringConstraints(max_length=500)] = ""

    def model_fields_for_db(self) -> dict[str, object]:
        return {**self.model_dump(exclude={"rollback"}), "is_rollback": self.rollback}


class PlaybookSpec(_Strict):
    name: Slug
    description: str = ""
    enabled: bool = True
    approval_timeout_seconds: int | None = Field(default=None, ge=10)
    max_runs_per_hour: int | None = Field(default=None, ge=1)
    # Named values its steps read as {{ params.NAME }} and test in `when` (e.g. `drain: false`).
    parameters: dict[ParamName, ParamValue] = Field(default_factory=dict)
    steps: list[StepSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _rollback_is_coherent(self) -> PlaybookSpec:
        if problem := rollback_problem([(s.on_failure, s.rollback) for s in self.steps]):
            raise ValueError(problem)
        return self


class PlaybookFile(_Strict):
    playbooks: list[PlaybookSpec]


class MatcherSpec(_Strict):
    key: Annotated[str, StringConstraints(min_length=1)]
    op: Literal["equals", "not_equals", "in", "not_in", "regex", "exists", "absent"] = "equals"
    value: str | None = None
    values: list[str] | None = None


class RuleSpec(_Strict):
    name: Slug
    description: str = ""
    enabled: bool = True
    priority: int = 100
    source: RuleSource = ""
    reasons: list[str] = Field(default_factory=list)
    min_severity: Severity = "info"
    clusters: list[str] = Field(default_factory=list)
    namespace: str = "*"
    namespace_regex: str = ""
    object_kinds: list[str] = Field(default_factory=list)
    object_name: str = "*"
    labels: dict[str, str] = Field(default_factory=dict)
    label_matchers: list[MatcherSpec] = Field(default_factory=list)
    annotation_matchers: list[MatcherSpec] = Field(default_factory=list)
    min_count: int = Field(default=1, ge=1)
    count_window_seconds: int = Field(default=0, ge=0)
    cooldown_seconds: int = Field(default=0, ge=0)
    open_incident: bool = True
    playbook: Slug | None = None
    notify: bool = False
    run_rca: bool = False
    # The playbook runs only for these root causes (analysed before its first step); empty: any.
    rca_in: list[RcaCategory] = Field(default_factory=list)
    stop_after_match: bool = True

    def model_fields_for_db(self) -> dict[str, object]:
        """The Rule model's fields (all but name, playbook and source_file)."""
        data = self.model_dump(exclude={"name", "playbook", "namespace", "object_name"})
        data["label_matchers"] = [m.model_dump(exclude_none=True) for m in self.label_matchers]
        data["annotation_matchers"] = [m.model_dump(exclude_none=True) for m in self.annotation_matchers]
        return {**data, "namespace_pattern": self.namespace, "object_name_pattern": self.object_name}

    @classmethod
    def from_rule(cls, rule: Rule) -> RuleSpec:
        return cls(
            name=rule.name, description=rule.description, enabled=rule.enabled, priority=rule.priority,
            # The model's choices are these literals; pydantic checks them again here.
            source=cast(RuleSource, rule.source), reasons=rule.reasons,
            min_severity=cast(Severity, rule.min_severity), clusters=rule.clusters,
            namespace=rule.namespace_pattern, namespace_regex=rule.namespace_regex, object_kinds=rule.object_kinds,
            object_name=rule.object_name_pattern, labels=rule.labels, label_matchers=rule.label_matchers,
            annotation_matchers=rule.annotation_matchers, min_count=rule.min_count,
            count_window_seconds=rule.count_window_seconds, cooldown_seconds=rule.cooldown_seconds,
            open_incident=rule.open_incident, playbook=rule.playbook.name if rule.playbook else None,
            notify=rule.notify, run_rca=rule.run_rca, rca_in=rule.rca_in, stop_after_match=rule.stop_after_match,
        )


class RuleFile(_Strict):
    rules: list[RuleSpec]


def _check_templates(value: object, path: Path, loc: tuple[int | str, ...], params: list[str]) -> None:
    for where, why in template_problems(value, loc, params):
        raise YamlFileError(f"{path}:{field_line(path, where)}: {'.'.join(map(str, where))}: {why}")


def parse_playbook_file(path: Path) -> list[PlaybookSpec]:
    specs = load_yaml_model(path, PlaybookFile).playbooks
    for i, spec in enumerate(specs):
        params = list(spec.parameters)
        for j, step in enumerate(spec.steps):
            _check_templates(step.arguments, path, ("playbooks", i, "steps", j, "arguments"), params)
            if step.when and (problem := condition_problem(step.when, params)) is not None:
                at: tuple[int | str, ...] = ("playbooks", i, "steps", j, "when")
                raise YamlFileError(f"{path}:{field_line(path, at)}: {'.'.join(map(str, at))} "
                                    f"(playbook {spec.name}): {problem}")
            # Against the MCP tool registry: unknown servers and tools, and arguments the tool refuses.
            for where, why in step_problems(step.server, step.tool, step.arguments, step.risk):
                loc: tuple[int | str, ...] = ("playbooks", i, "steps", j, *where)
                raise YamlFileError(f"{path}:{field_line(path, loc)}: {'.'.join(map(str, loc))} "
                                    f"(playbook {spec.name}): {why}")
    return specs


def parse_rule_file(path: Path, known_playbooks: set[str]) -> list[RuleSpec]:
    specs = load_yaml_model(path, RuleFile).rules
    for i, spec in enumerate(specs):
        if spec.playbook and spec.playbook not in known_playbooks:
            line = field_line(path, ("rules", i, "playbook"))
            raise YamlFileError(f"{path}:{line}: rules[{i}].playbook: unknown playbook {spec.playbook!r}")
        try:  # what pydantic cannot see: regular expressions, and matchers missing their value(s)
            compile_rule(Rule(name=spec.name, **spec.model_fields_for_db()))
        except RuleError as exc:
            field = {"namespace_pattern": "namespace", "object_name_pattern": "object_name"}.get(exc.field, exc.field)
            line = field_line(path, ("rules", i, field))
            raise YamlFileError(f"{path}:{line}: rules[{i}].{field} (rule {spec.name}): {exc}") from None
    return specs


def save_rules(rules: list[tuple[Path | None, RuleSpec]]) -> None:
    """Create or update rules by name (in the caller's transaction)."""
    for path, spec in rules:
        Rule.objects.update_or_create(
            name=spec.name,
            defaults={**spec.model_fields_for_db(),
                      "playbook": Playbook.objects.get(name=spec.playbook) if spec.playbook else None,
                      "source_file": str(path) if path else ""},
        )


def import_rule_file(path: Path) -> int:
    """One rule file into the database, all or nothing; playbooks must exist already."""
    specs = parse_rule_file(path, set(Playbook.objects.values_list("name", flat=True)))
    _refuse_duplicates([(path, s.name) for s in specs], "rule")
    with transaction.atomic():
        save_rules([(path, spec) for spec in specs])
    return len(specs)


def export_rules() -> str:
    """Every rule as a rule file (defaults left out), in priority order: `import_rule_file` reads it back."""
    rules = Rule.objects.select_related("playbook").order_by("priority", "name")
    specs = [RuleSpec.from_rule(rule).model_dump(exclude_defaults=True, exclude_none=True) for rule in rules]
    return yaml.safe_dump({"rules": specs}, sort_keys=False, allow_unicode=True)


def yaml_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_definitions(playbook_dir: Path, rule_dir: Path) -> tuple[int, int]:
    """Parse every file first, then write everything in one transaction: all or nothing. Idempotent."""
    playbooks: list[tuple[Path, PlaybookSpec]] = []
    for path in yaml_files(playbook_dir):
        playbooks.extend((path, spec) for spec in parse_playbook_file(path))
    known = {spec.name for _, spec in playbooks} | set(Playbook.objects.values_list("name", flat=True))
    rules: list[tuple[Path, RuleSpec]] = []
    for path in yaml_files(rule_dir):
        rules.extend((path, spec) for spec in parse_rule_file(path, known))
    _refuse_duplicates([(p, s.name) for p, s in playbooks], "playbook")
    _refuse_duplicates([(p, s.name) for p, s in rules], "rule")

    with transaction.atomic():
        for path, spec in playbooks:
            playbook, _ = Playbook.objects.update_or_create(
                name=spec.name,
                defaults={"description": spec.description, "enabled": spec.enabled,
                          "approval_timeout_seconds": spec.approval_timeout_seconds,
                          "max_runs_per_hour": spec.max_runs_per_hour, "parameters": spec.parameters,
                          "source_file": str(path)},
            )
            playbook.steps.all().delete()
            PlaybookStep.objects.bulk_create(
                PlaybookStep(playbook=playbook, order=n, **s.model_fields_for_db())
                for n, s in enumerate(spec.steps, start=1)
            )
        save_rules(list(rules))
    return len(playbooks), len(rules)


def _refuse_duplicates(named: list[tuple[Path, str]], what: str) -> None:
    seen: dict[str, Path] = {}
    for path, name in named:
        if name in seen:
            raise YamlFileError(f"{path}: {what} {name!r} is also defined in {seen[name]}")
        seen[name] = path
