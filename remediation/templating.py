"""Playbook argument templates: `{{ event.namespace }}` and friends, rendered in Jinja's sandbox.

The sandbox blocks attribute tricks and code execution; StrictUndefined makes a reference to a
missing field an error instead of an empty string that would send a tool the wrong target.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class TemplateRenderError(ValueError):
    pass


def check_template(value: str) -> None:
    """Raise jinja2.TemplateSyntaxError if `value` is not a valid template (nothing is rendered)."""
    _env.parse(value)


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
