from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from aiops_project.live import CONSOLE_GROUP


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    """Tells an open console what changed; the page then re-fetches the affected panels."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.channel_layer.group_add(CONSOLE_GROUP, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(CONSOLE_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("command") == "ping":
            await self.send_json({"type": "pong"})

    async def console_changed(self, event: dict[str, Any]) -> None:
        message = {"type": "changed", "topic": event.get("topic"), "id": event.get("id")}
        if event.get("text"):
            message["text"] = event["text"]
        await self.send_json(message)
