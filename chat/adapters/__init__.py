"""Chat platforms. Each is one module with a BaseAdapter subclass; `enabled_adapters()` lists those configured."""

from __future__ import annotations

from chat.adapters.base import BaseAdapter


def adapter_for(channel_type: str) -> BaseAdapter | None:
    """The configured adapter of a platform; None (and one log line, once) when its credentials are missing."""
    from chat.adapters.slack import SlackAdapter
    from chat.adapters.telegram import TelegramAdapter

    adapters: dict[str, type[BaseAdapter]] = {"slack": SlackAdapter, "telegram": TelegramAdapter}
    cls = adapters.get(channel_type)
    return cls.from_settings() if cls else None
