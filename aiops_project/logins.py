"""Failed logins, counted per user name and client address in the shared cache: past LOGIN_FAILURES_LIMIT in a
window of LOGIN_FAILURES_WINDOW_SECONDS, that name from that address gets 429 until the window ends (and any
name from an address past ten times the limit: one address trying many names). A successful login clears its
count. Every password form goes through Django's authenticate(), which reports failures by signal: the console's
login and the admin's are both counted.

API tokens are 40 random hex characters: guessing one is not a matter of throttling.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

log = structlog.get_logger(__name__)
LOGIN_PATHS = frozenset({"/accounts/login/", "/admin/login/"})
PER_ADDRESS_FACTOR = 10


def _window() -> tuple[int, float]:
    """The current window's number and the seconds left in it."""
    length = settings.LOGIN_FAILURES_WINDOW_SECONDS
    now = time.time()
    return int(now // length), length - now % length


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    window, _ = _window()
    address = request.META.get("REMOTE_ADDR", "")
    name = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()[:16]
    return f"login-failures:{window}:{address}:{name}", f"login-failures:{window}:{address}"


def retry_after(request: HttpRequest, username: str) -> int | None:
    """Seconds until this name may try again from this address; None when it may now. The cache down: None
    (people keep their way in; failures are still logged)."""
    limit = settings.LOGIN_FAILURES_LIMIT
    by_pair, by_address = _keys(request, username)
    try:
        counts = cache.get_many([by_pair, by_address])
    except Exception:
        log.warning("login_throttle_unavailable", exc_info=True)
        return None
    if counts.get(by_pair, 0) >= limit or counts.get(by_address, 0) >= limit * PER_ADDRESS_FACTOR:
        return max(1, int(_window()[1]))
    return None


@receiver(user_login_failed)
def count_failure(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is None:
        return
    username = str(credentials.get("username", ""))
    timeout = settings.LOGIN_FAILURES_WINDOW_SECONDS + 1
    try:
        for key in _keys(request, username):
            cache.add(key, 0, timeout)
            cache.incr(key)
    except Exception:
        log.warning("login_throttle_unavailable", exc_info=True)
    log.info("login_failed", address=request.META.get("REMOTE_ADDR", ""), username=username[:150])


@receiver(user_logged_in)
def clear_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    try:
        cache.delete(_keys(request, user.get_username())[0])
    except Exception:
        log.warning("login_throttle_unavailable", exc_info=True)
