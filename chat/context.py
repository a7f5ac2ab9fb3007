"""Who is asking, from which conversation, and what that conversation remembers (the shared cache); the model a
person chose (kept beyond the conversation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache

from chat.messages import IncomingMessage
from chat.models import ChatIdentity
from incidents.models import Cluster

SESSION_SECONDS = 3600
IDENTITY_FIELDS = {"slack": "slack_user_id", "telegram": "telegram_user_id"}


@dataclass
class Context:
    """One message being answered. `session` (namespace, cluster, last read, approval shown) is saved back when
    the answer is done."""

    message: IncomingMessage
    user: User | None
    session: dict[str, Any]

    @property
    def via(self) -> str:
        return self.message.channel_type

    @property
    def reply_to(self) -> dict[str, str]:
        """Where later news of what this message started goes: this conversation."""
        return {"channel_type": self.via, "conversation_id": self.message.conversation_id}


def linked_user(message: IncomingMessage) -> User | None:
    field = IDENTITY_FIELDS.get(message.channel_type)
    if field is None:
        return None
    identity = ChatIdentity.objects.select_related("user").filter(**{field: message.user_id}).first()
    return identity.user if identity and identity.user.is_active else None


def _session_key(message: IncomingMessage) -> str:
    return f"chat:session:{message.channel_type}:{message.user_id}"


def load_session(message: IncomingMessage) -> dict[str, Any]:
    return dict(cache.get(_session_key(message)) or {})


def save_session(message: IncomingMessage, session: dict[str, Any]) -> None:
    cache.set(_session_key(message), session, SESSION_SECONDS)


def current_cluster(context: Context) -> Cluster | None:
    """The cluster this conversation chose with /k8s use, else the first enabled one."""
    clusters = Cluster.objects.filter(enabled=True).order_by("name")
    chosen = context.session.get("cluster")
    return (clusters.filter(name=chosen).first() if chosen else None) or clusters.first()


def _model_key(message: IncomingMessage) -> str:
    return f"chat:model:{message.channel_type}:{message.user_id}"


def chosen_model(context: Context) -> str | None:
    """The model this person chose with /model, None for the default. A linked person's choice is on their chat
    identity (every platform and conversation, /reset included); an unlinked chat account's is kept for that
    account in the shared cache, without expiry. A choice no longer offered (AIOPS_LLM_MODELS) counts as none."""
    if context.user is not None:
        chosen = ChatIdentity.objects.filter(user=context.user).values_list("preferred_model", flat=True).first()
    else:
        chosen = cache.get(_model_key(context.message))
    return chosen if chosen and chosen in settings.LLM_MODELS else None


def keep_model(context: Context, model: str) -> None:
    """Remember `model` ("" for the default) as `chosen_model` reads it."""
    if context.user is not None:
        ChatIdentity.objects.filter(user=context.user).update(preferred_model=model)
    else:
        cache.set(_model_key(context.message), model, None)


def unlinked_model(message: IncomingMessage) -> str:
    """What this chat account chose before it was linked ("" if nothing)."""
    return str(cache.get(_model_key(message)) or "")
