"""One message handler for every chat platform: an IncomingMessage in, Replies out.

Priority, as upstream had it: approvals (`approve 12 [reason]`, `reject 12 [reason]`, and yes/confirm,
no/cancel for the approval last shown) > slash commands (`/k8s …`, `/incident …`, `/approval …`, a
leading `!` works like `/`) > Kubernetes words in plain language > security words > the rest goes to
the language model, or gets help. The work is split by what it is:

- `chat.parsing`: the words to a Command;
- `chat.routing`: a Command to its function, after the permission checks;
- `chat.queries`: read-only answers (incident list and show, alerts, approvals waiting, status);
- `chat.actions`: what changes something or calls a tool, each through its service (decisions through
  `decide_approval`, closing through `close_incident`, tools through `run_tool` and its policy, changes
  as approval requests);
- `chat.formatting`: the words of the replies; `chat.context`: who asks, and the conversation's session.
"""

from __future__ import annotations

import time

import structlog
from django.conf import settings
from django.core.cache import cache

from chat.context import Context, linked_user, load_session, save_session
from chat.messages import IncomingMessage, Reply
from chat.parsing import parse
from chat.routing import route

log = structlog.get_logger(__name__)
MAX_INCOMING = 4000


def handle_message(message: IncomingMessage) -> list[Reply]:
    """Everything one message asks for, answered; never raises for what a person typed."""
    context = Context(message, linked_user(message), load_session(message))
    text, notes = message.text.strip(), []
    if not _within_rate(message):
        return [Reply(f"That is more than {settings.CHAT_RATE_PER_MINUTE} messages in a minute; "
                      "wait a moment and ask again.")]
    if len(text) > MAX_INCOMING:
        text = text[:MAX_INCOMING]
        notes.append(Reply(f"Your message was {len(message.text)} characters long; I read the first {MAX_INCOMING}."))
    try:
        replies = notes + route(context, parse(text, last_read=context.session.get("last")))
    except Exception:  # a bug must cost one reply, not the adapter's worker
        log.exception("chat_handler_failed", channel=message.channel_type)
        replies = [Reply("Something went wrong on my side; it is logged. Try again, or use the web console.")]
    save_session(message, context.session)
    return replies


def _within_rate(message: IncomingMessage) -> bool:
    """At most CHAT_RATE_PER_MINUTE messages a person, a minute (a counter in the shared cache)."""
    key = f"chat:rate:{message.channel_type}:{message.user_id}:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    try:
        return cache.incr(key) <= settings.CHAT_RATE_PER_MINUTE
    except ValueError:  # expired between add and incr
        return True
