"""Deploy checks standing in for three of Django's: `security.W001`, `W002` and `W003` look for Django's own
SecurityMiddleware, XFrameOptionsMiddleware and CsrfViewMiddleware by their dotted paths, and MIDDLEWARE lists
async-capable subclasses of them instead (aiops_project/middleware.py). These checks accept a subclass and warn,
as Django would, when none is listed. Registered by the incidents app (aiops_project has no AppConfig)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.module_loading import import_string

# (Django's check this replaces, the class it looks for, what is lost without it)
REPLACED = (
    ("security.W001", SecurityMiddleware, "HSTS, nosniff, referrer and opener policies and the SSL redirect"),
    ("security.W002", XFrameOptionsMiddleware, "the X-Frame-Options header against clickjacking"),
    ("security.W003", CsrfViewMiddleware, "cross-site request forgery protection"),
)


@register(Tags.security, deploy=True)
def middleware_present(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    listed = [import_string(path) for path in settings.MIDDLEWARE]
    return [
        Warning(f"No {needed.__module__}.{needed.__name__} (or a subclass of it) in MIDDLEWARE: {lost} is off.",
                id=f"aiops.{django_id.split('.')[1]}")
        for django_id, needed, lost in REPLACED
        if not any(isinstance(cls, type) and issubclass(cls, needed) for cls in listed)
    ]
