"""Template filters over remediation/access.py, so that pages ask the same helper as every other path.

    {% load remediation_access %}{% if user|can_view_step_output %}...{% endif %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from remediation import access
from remediation.manual import NOTIFY_ONLY

register = template.Library()


@register.filter
def can_view_step_output(user: Any) -> bool:
    return access.can_view_step_output(user)


@register.filter
def can_start_playbooks(user: Any) -> bool:
    return access.can_start_playbooks(user)


@register.simple_tag
def notify_only_banner() -> str:
    """The console's banner when automatic remediation is off; empty otherwise."""
    return "" if settings.AUTO_REMEDIATION_ENABLED else NOTIFY_ONLY
