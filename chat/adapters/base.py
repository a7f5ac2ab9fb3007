from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import structlog

from chat.messages import IncomingMessage, Reply

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

log = structlog.get_logger(__name__)
_disabled_logged: set[str] = set()
ADAPTERS: dict[str, type[BaseAdapter]] = {}
MAX_UPDATE_BYTES = 1 << 20


class BaseAdapter(ABC):
    """A chat platform: its webhook, its updates as IncomingMessages, and Replies as its messages.

    Adding a platform (Discord, Teams) is one new module in `chat/adapters/` with a subclass: it
    registers itself under its `channel_type`, and `POST /api/webhook/<channel_type>` reaches its
    `handle_webhook`, which checks the platform's signature and enqueues `chat.tasks.handle_update`.
    """

    channel_type: ClassVar[str]
    max_length: ClassVar[int]  # of one message on the platform, in characters

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        ADAPTERS[cls.channel_type] = cls

    @abstractmethod
    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        """Authenticate a webhook request (401/403 and nothing else when it fails), enqueue, answer."""

    def send_replies(self, message: IncomingMessage, replies: list[Reply]) -> None:
        for reply in replies:
            self.send_message(message.conversation_id, reply)

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
