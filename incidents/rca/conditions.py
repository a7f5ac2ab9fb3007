"""Conditions on the root cause that rules and playbook steps may set (`rca_in`, `rca_not_in`), validated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from incidents.rca.engine import CATEGORIES


def validate_rca_categories(value: Any) -> None:
    """A list of root-cause categories (see incidents.rca.engine.CATEGORIES)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("a list of root-cause categories")
    if unknown := [v for v in value if v not in CATEGORIES]:
        raise ValidationError(f"unknown root-cause categories {', '.join(unknown)}: one of {', '.join(CATEGORIES)}")
