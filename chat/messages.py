"""What adapters and the message handler pass each other: platform-neutral messages and replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IncomingMessage:
    user_id: str  # the platform's id of the person (Slack user id, Telegram user id)
    channel_type: str  # "slack", "telegram", "web"
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)  # chat/channel id, thread, user name...

    @property
    def conversation_id(self) -> str:
        return str(self.metadata.get("chat_id") or self.metadata.get("channel") or self.user_id)


@dataclass(frozen=True)
class Button:
    label: str
    value: str  # what comes back when pressed: "approve:12", "reject:12"
    style: str = ""  # "primary" | "danger" | ""


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    monospace: bool = False  # tool output: shown as a code block, not as Markdown


def approval_buttons(approval_id: int) -> tuple[Button, ...]:
    return (Button("Approve", f"approve:{approval_id}", "primary"), Button("Reject", f"reject:{approval_id}", "danger"))
