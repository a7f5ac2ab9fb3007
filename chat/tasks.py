from __future__ import annotations

from typing import Any

import structlog
from celery import shared_task
from django.core.cache import cache

from chat.adapters import adapter_for
from chat.handler import handle_message
from chat.messages import Button, Reply

log = structlog.get_logger(__name__)
SEEN_SECONDS = 86400


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def handle_update(channel_type: str, payload: dict[str, Any]) -> None:
    """One platform update: parse, answer, reply. A platform's retry or a redelivered task is handled once
    (by the update's id): an approval is never decided twice, at the cost of a lost reply if sending fails."""
    adapter = adapter_for(channel_type)
    if adapter is None:
        return
    message = adapter.parse_update(payload)
    if message is None:
        return
    update_id = message.metadata.get("update_id")
    if update_id is not None and not cache.add(f"chat:update:{channel_type}:{update_id}", 1, SEEN_SECONDS):
        log.info("chat_update_seen_before", channel=channel_type, update_id=update_id)
        return
    replies = handle_message(message)
    try:
        adapter.send_replies(message, replies)
    except Exception:
        log.exception("chat_reply_failed", channel=channel_type, update_id=update_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=2, max_retries=3, ignore_result=True)
def send_notification(channel_type: str, conversation_id: str, text: str, buttons: list[list[str]],
                      monospace: bool = False) -> None:
    """One notice to one conversation; retried when the platform does not answer (a repeat beats a loss)."""
    adapter = adapter_for(channel_type)
    if adapter is None:
        return
    adapter.send_message(conversation_id, Reply(text, tuple(Button(*b) for b in buttons), monospace))
