"""The project's middleware, all of it async-capable without a thread hop where it does no I/O.

Under ASGI a sync-only middleware makes Django run the chain around it in a thread, and Django's own middleware
(`MiddlewareMixin`) runs each hook in async mode through `sync_to_async`: 18 thread hops for a request through
MIDDLEWARE. The classes here run under ASGI on the event loop: ours natively, Django's, WhiteNoise's and
django_prometheus' as subclasses whose hooks run inline when they do no I/O (header and cookie work, counters,
a dict lookup) and in a thread when they may (a session to save, messages to store, a static file to open).
Under WSGI (and the test client) they behave as their parents. bench/web_overhead.py measures a request
refused by auth through this chain.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware as DjangoXFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.middleware.security import SecurityMiddleware as DjangoSecurityMiddleware
from django_prometheus.middleware import PrometheusAfterMiddleware as DjangoPrometheusAfterMiddleware
from django_prometheus.middleware import PrometheusBeforeMiddleware as DjangoPrometheusBeforeMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware as BaseWhiteNoiseMiddleware  # type: ignore[import-untyped]

from aiops_project import logins, views

log = structlog.get_logger(__name__)

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
Handler = Callable[[HttpRequest], Any]


class _SyncAndAsync:
    """A middleware of ours in both modes: `__acall__` when the handler below is async, `call` otherwise."""

    sync_capable = async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._choose_mode()

    def _choose_mode(self) -> None:
        """Async when the handler below is (Django's chain then awaits this middleware), else sync."""
        self.async_mode = iscoroutinefunction(self.get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        return self.call(request)

    def call(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError


class RequestIdMiddleware(_SyncAndAsync):
    """Binds a request id (the caller's X-Request-ID when well-formed, else a new one) to every log line."""

    def _bind(self, request: HttpRequest) -> str:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        return request_id

    def call(self, request: HttpRequest) -> HttpResponse:
        request_id = self._bind(request)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = request_id
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        request_id = self._bind(request)
        try:
            response = await self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = request_id
        return response


class ProbeHostMiddleware(_SyncAndAsync):
    """Answers the probes by pod IP that production ALLOWED_HOSTS does not list.

    The kubelet probes a pod at its IP (`Host: 10.1.2.3:8000`) and Prometheus scrapes every pod at its IP, so a
    list of public host names refuses both with 400 (DisallowedHost). /health and /ready answer every host the
    same and build nothing from it, so for them (GET only) and for /metrics with the right bearer token, a host
    outside ALLOWED_HOSTS is let through to the view. Every other path keeps Django's host check; an allowed host
    goes the usual way.
    """

    @staticmethod
    def _probe(request: HttpRequest) -> Handler | None:
        """The view to answer `request` with directly, if it is a probe from a host outside ALLOWED_HOSTS."""
        if request.method != "GET":
            return None
        probes: dict[str, Handler] = {"/health": views.health, "/ready": views.ready}
        probe = probes.get(request.path_info)
        if request.path_info == "/metrics" and views.metrics_bearer_ok(request):
            probe = views.metrics
        if probe is None:
            return None
        try:
            request.get_host()
        except DisallowedHost:
            return probe
        return None

    def call(self, request: HttpRequest) -> HttpResponse:
        if (probe := self._probe(request)) is not None:
            return async_to_sync(probe)(request) if iscoroutinefunction(probe) else probe(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if (probe := self._probe(request)) is not None:
            if iscoroutinefunction(probe):
                return await probe(request)
            return await sync_to_async(probe)(request)
        return await self.get_response(request)


class _Inline:
    """Before a `MiddlewareMixin` class: in async mode its hooks run on the event loop, except a response hook
    that `response_needs_thread` says may do I/O, which runs in the request's thread as Django would run it."""

    get_response: Handler
    async_mode: bool

    def __init__(self, get_response: Handler) -> None:
        super().__init__(get_response)  # type: ignore[call-arg]
        self.inline = self.async_mode and self.inline_ok()
        if self.inline:
            # Django adapts these hooks to the chain's mode: a sync one would cost a thread hop per request. Bound
            # methods (Django names their class in its errors).
            for name in ("process_view", "process_template_response"):
                if hasattr(self, name):
                    setattr(self, name, getattr(self, f"_{name}_on_the_loop"))

    def _class_hook(self, name: str) -> Callable[..., Any]:
        hook: Callable[..., Any] = getattr(type(self), name)
        return hook

    async def _process_view_on_the_loop(self, request: HttpRequest, view: Handler, *args: Any) -> Any:
        return self._class_hook("process_view")(self, request, view, *args)

    async def _process_template_response_on_the_loop(self, request: HttpRequest, response: HttpResponse) -> Any:
        return self._class_hook("process_template_response")(self, request, response)

    def inline_ok(self) -> bool:
        return True

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        return False

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if not self.inline:
            return await super().__acall__(request)  # type: ignore[misc]
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_needs_thread(request, response):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
            else:
                response = self.process_response(request, response)
        return response


class PrometheusBeforeMiddleware(_Inline, DjangoPrometheusBeforeMiddleware):
    """Counts requests and times them (counters in memory)."""


class SecurityMiddleware(_Inline, DjangoSecurityMiddleware):
    """Security headers and the HTTPS redirect (headers only)."""


class WhiteNoiseMiddleware(_SyncAndAsync, BaseWhiteNoiseMiddleware):
    """Static files: the path is looked up in memory; a hit is served (a file opened) in a thread."""

    def __init__(self, get_response: Handler) -> None:
        BaseWhiteNoiseMiddleware.__init__(self, get_response)
        self._choose_mode()

    def call(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = BaseWhiteNoiseMiddleware.__call__(self, request)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)


class SessionMiddleware(_Inline, DjangoSessionMiddleware):
    """Sessions: the store is made lazily; a session the request touched is saved in a thread."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        session = getattr(request, "session", None)
        return session is not None and session.accessed


class CommonMiddleware(_Inline, DjangoCommonMiddleware):
    """Disallowed user agents, APPEND_SLASH (a URL resolution), Content-Length."""


class CsrfViewMiddleware(_Inline, DjangoCsrfViewMiddleware):
    """CSRF: the cookie, the token in the form or header (the body is already read under ASGI). With
    CSRF_USE_SESSIONS the token is in the session: then every hook runs in a thread, as Django runs it."""

    def inline_ok(self) -> bool:
        from django.conf import settings

        return not settings.CSRF_USE_SESSIONS


class AuthenticationMiddleware(_Inline, DjangoAuthenticationMiddleware):
    """request.user, loaded lazily (by a sync view in its thread, by an async view with `auser`)."""


class MessageMiddleware(_Inline, DjangoMessageMiddleware):
    """Messages: stored (in the cookie or the session) in a thread when the request used or added some."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)


class XFrameOptionsMiddleware(_Inline, DjangoXFrameOptionsMiddleware):
    """The X-Frame-Options header."""


class PrometheusAfterMiddleware(_Inline, DjangoPrometheusAfterMiddleware):
    """Counts requests by view, method, status and size (counters in memory), same metric names."""


class LoginThrottleMiddleware(_SyncAndAsync):
    """A login form posted for a name (or from an address) past its failed attempts answers 429 with
    Retry-After, before the password is checked (aiops_project/logins.py counts the failures)."""

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        if request.method != "POST" or request.path_info not in logins.LOGIN_PATHS:
            return None
        wait = logins.retry_after(request, request.POST.get("username", ""))
        if wait is None:
            return None
        log.warning("login_throttled", address=request.META.get("REMOTE_ADDR", ""), retry_after=wait)
        response = HttpResponse(f"Too many failed logins: try again in {wait} seconds.\n", status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(wait)
        return response

    def call(self, request: HttpRequest) -> HttpResponse:
        return self._refusal(request) or self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        # A login form: its body is read and the cache asked, in a thread (both may block).
        refusal = await sync_to_async(self._refusal)(request) if request.path_info in logins.LOGIN_PATHS else None
        return refusal or await self.get_response(request)


# The console's pages load their script and styles from this site with the nonce the templates carry; style
# attributes stay allowed (the panels are re-rendered from HTML that uses them). No other origin, no framing.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class ContentSecurityPolicyMiddleware(_SyncAndAsync):
    """A Content-Security-Policy on every response (a view may set its own), with a nonce per request that the
    templates put on their inline <script> and <style> (`request.csp_nonce`)."""

    @staticmethod
    def _nonce(request: HttpRequest) -> None:
        request.csp_nonce = secrets.token_urlsafe(16)  # type: ignore[attr-defined]

    @staticmethod
    def _header(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP.format(nonce=request.csp_nonce)  # type: ignore[attr-defined]
        return response

    def call(self, request: HttpRequest) -> HttpResponse:
        self._nonce(request)
        return self._header(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        self._nonce(request)
        return self._header(request, await self.get_response(request))
