"""Template filters over remediation/access.py, so that pages ask the same helper as every other path.

    {% load remediation_access %}{% if user|can_view_step_output %}...{% endif %}
"""

from __future__ import annotations

from typing import Any

from django import template

from remediation import access

register = template.Library()


@register.filter
def can_view_step_output(user: Any) -> bool:
    return access.can_view_step_output(user)
