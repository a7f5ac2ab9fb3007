"""Playbook argument templates: `{{ event.namespace }}` and friends, rendered in Jinja's sandbox.

The sandbox blocks attribute tricks and code execution; StrictUndefined makes a reference to a
missing field an error instead of an empty string that would send a tool the wrong target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from incidents.models import ClusterEvent

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class TemplateRenderError(ValueError):
    pass


class TemplateReferenceError(ValueError):
    """A template names something the rendering context will never hold."""


def template_fields() -> dict[str, frozenset[str] | None]:
    """What a step's arguments may reference: the context `start_playbook` renders them with.

    None: any key (labels are free-form; a label an event lacks still fails when the step renders).
    """

    return {"event": frozenset(ClusterEvent(labels={}).as_context()), "incident": frozenset({"id", "title"})}


def check_template(value: str) -> None:
    """Refuse a template that does not parse, or references a field the context will never hold.

    Raises jinja2.TemplateSyntaxError or TemplateReferenceError; nothing is rendered.
    """
    tree = _env.parse(value)
    fields = template_fields()
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


def template_problems(arguments: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Every template inside a JSON-like structure that `check_template` refuses: (where, why)."""
    if isinstance(arguments, str):
        if "{{" in arguments or "{%" in arguments:
            try:
                check_template(arguments)
            except (TemplateSyntaxError, TemplateReferenceError) as exc:
                yield loc, str(exc)
    elif isinstance(arguments, dict):
        for key, value in arguments.items():
            yield from template_problems(value, (*loc, key))
    elif isinstance(arguments, list):
        for i, value in enumerate(arguments):
            yield from template_problems(value, (*loc, i))


def render_arguments(arguments: Any, context: dict[str, Any]) -> Any:
    """Render every string inside a JSON-like structure; other values pass through unchanged."""
    if isinstance(arguments, str):
        if "{{" not in arguments and "{%" not in arguments:
            return arguments
        try:
            return _env.from_string(arguments).render(context)
        except TemplateError as exc:
            raise TemplateRenderError(f"template {arguments!r}: {exc}") from None
    if isinstance(arguments, dict):
        return {key: render_arguments(value, context) for key, value in arguments.items()}
    if isinstance(arguments, list):
        return [render_arguments(value, context) for value in arguments]
    return arguments
