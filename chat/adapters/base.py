from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import structlog

from chat.messages import IncomingMessage, Reply

log = structlog.get_logger(__name__)
_disabled_logged: set[str] = set()


class BaseAdapter(ABC):
    """A chat platform: turn its updates into IncomingMessages, and Replies into its messages.

    Adding a platform (Discord, Teams) is one module: a subclass with these methods, a webhook view that
    checks the platform's signature and enqueues `chat.tasks.handle_update`, and a line in `adapter_for`.
    """

    channel_type: ClassVar[str]
    max_length: ClassVar[int]  # of one message on the platform, in characters

    @classmethod
    @abstractmethod
    def from_settings(cls) -> BaseAdapter | None:
        """The adapter, or None when its credentials are not configured."""

    @abstractmethod
    def parse_update(self, payload: dict[str, Any]) -> IncomingMessage | None:
        """The message in a webhook payload; None for updates that carry none (edits, joins...)."""

    @abstractmethod
    def send_message(self, conversation_id: str, reply: Reply) -> None:
        """Send one reply; long text is split to the platform's limit."""

    @classmethod
    def disabled(cls, missing: str) -> None:
        if cls.channel_type not in _disabled_logged:
            _disabled_logged.add(cls.channel_type)
            log.info("chat_adapter_disabled", channel=cls.channel_type, missing=missing)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text or not pieces else pieces
