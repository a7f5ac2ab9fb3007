"""Chat platforms: one module each, a BaseAdapter subclass that registers itself (see base.py)."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from chat.adapters.base import ADAPTERS, BaseAdapter


@functools.cache
def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def adapter_for(channel_type: str) -> BaseAdapter | None:
    """The configured adapter of a platform; None (and one log line, once) when unknown or not configured."""
    _load_all()
    cls = ADAPTERS.get(channel_type)
    return cls.from_settings() if cls else None
