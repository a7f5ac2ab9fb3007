"""The deploy checks that stand in for Django's middleware checks accept our subclasses and miss nothing."""

from __future__ import annotations

from aiops_project.checks import middleware_present


def test_the_listed_subclasses_satisfy_the_security_checks():
    assert middleware_present() == []


def test_dropping_csrf_or_clickjacking_middleware_is_a_warning(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m and "XFrame" not in m]
    assert sorted(w.id for w in middleware_present()) == ["aiops.W002", "aiops.W003"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.csrf.CsrfViewMiddleware"]
    assert [w.id for w in middleware_present()] == ["aiops.W002"]  # Django's own class counts too
