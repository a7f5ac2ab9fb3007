"""{% present_step step as step_view %}: a step's tool result as a view for people (remediation/presenters/)."""

from __future__ import annotations

from typing import Any

from django import template

from remediation.presenters import StepView, present

register = template.Library()


@register.simple_tag
def present_step(step: Any) -> StepView:
    return present(step)
