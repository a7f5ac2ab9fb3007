"""Playbook argument templates: `{{ event.namespace }}` and friends, rendered in Jinja's sandbox.

The sandbox blocks attribute tricks and code execution; StrictUndefined makes a reference to a
missing field an error instead of an empty string that would send a tool the wrong target.
A playbook's parameters (`parameters:` in its YAML, e.g. `drain: false`) are `params` to its templates, and a
step's `when` is a condition over the same names (`params.drain`): the step runs only when it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from incidents.models import ClusterEvent

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


# Compiled once per source: Jinja compiles a template to Python code on every from_string, which was most of the
# cost of starting a run (measured: bench/alert_intake.py --default-rules, a storm of crash-loop alerts, each
# starting a diagnosis run). A compiled template renders any context and keeps no state between renders.
@lru_cache(maxsize=1024)
def _template(source: str) -> Template:
    return _env.from_string(source)


@lru_cache(maxsize=256)
def _condition(expression: str) -> Callable[..., Any]:
    return _env.compile_expression(expression, undefined_to_none=False)


class TemplateRenderError(ValueError):
    pass


class TemplateReferenceError(ValueError):
    """A template names something the rendering context will never hold."""


def template_fields(params: Iterable[str] = ()) -> dict[str, frozenset[str] | None]:
    """What a step's arguments may reference: the context `start_playbook` renders them with, `params` being the
    names of its playbook's parameters.

    None: any key (labels are free-form; a label an event lacks still fails when the step renders).
    """

    return {"event": frozenset(ClusterEvent(labels={}).as_context()), "incident": frozenset({"id", "title"}),
            "params": frozenset(params)}


def with_params(context: dict[str, Any], parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The context a playbook's steps render with: `context` and the playbook's parameters as `params`."""
    return {**context, "params": dict(parameters or {})}


def check_template(value: str, params: Iterable[str] = ()) -> None:
    """Refuse a template that does not parse, or references a field the context will never hold (`params`: the
    names of the playbook's parameters).

    Raises jinja2.TemplateSyntaxError or TemplateReferenceError; nothing is rendered.
    """
    tree = _env.parse(value)
    fields = template_fields(params)
    defined = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in fields and name.name not in defined:
            raise TemplateReferenceError(f"unknown name {name.name!r} (templates see: {', '.join(sorted(fields))})")
    lookups: list[nodes.Getattr | nodes.Getitem] = [*tree.find_all(nodes.Getattr), *tree.find_all(nodes.Getitem)]
    for node in lookups:
        root = node.node
        if not isinstance(root, nodes.Name) or root.name not in fields or root.name in defined:
            continue
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        known = fields[root.name]
        if isinstance(key, str) and known is not None and key not in known:
            raise TemplateReferenceError(
                f"{root.name}.{key} does not exist (known: {', '.join(sorted(known))})")


def template_problems(arguments: Any, loc: tuple[int | str, ...] = (), params: Iterable[str] = (),
                      ) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Every template inside a JSON-like structure that `check_template` refuses: (where, why)."""
    if isinstance(arguments, str):
        if "{{" in arguments or "{%" in arguments:
            try:
                check_template(arguments, params)
            except (TemplateSyntaxError, TemplateReferenceError) as exc:
                yield loc, str(exc)
    elif isinstance(arguments, dict):
        for key, value in arguments.items():
            yield from template_problems(value, (*loc, key), params)
    elif isinstance(arguments, list):
        for i, value in enumerate(arguments):
            yield from template_problems(value, (*loc, i), params)


def condition_problem(expression: str, params: Iterable[str] = ()) -> str | None:
    """Why a step's `when` could never be judged (its syntax, a name the context will never hold), or None."""
    try:
        _env.compile_expression(expression)
        check_template(f"{{{{ {expression} }}}}", params)  # it parsed whole as one expression: safe to wrap
    except (TemplateSyntaxError, TemplateReferenceError) as exc:
        return str(exc)
    return None


def condition_holds(expression: str, context: dict[str, Any]) -> bool:
    """Whether a step's `when` holds in the context its arguments render with (an empty one always does)."""
    if not expression.strip():
        return True
    try:
        return bool(_condition(expression)(**context))
    except TemplateError as exc:
        raise TemplateRenderError(f"condition {expression!r}: {exc}") from None


def render_arguments(arguments: Any, context: dict[str, Any]) -> Any:
    """Render every string inside a JSON-like structure; other values pass through unchanged."""
    if isinstance(arguments, str):
        if "{{" not in arguments and "{%" not in arguments:
            return arguments
        try:
            return _template(arguments).render(context)
        except TemplateError as exc:
            raise TemplateRenderError(f"template {arguments!r}: {exc}") from None
    if isinstance(arguments, dict):
        return {key: render_arguments(value, context) for key, value in arguments.items()}
    if isinstance(arguments, list):
        return [render_arguments(value, context) for value in arguments]
    return arguments
