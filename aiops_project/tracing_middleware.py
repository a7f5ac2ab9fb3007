"""The OpenTelemetry Django instrumentation's middleware without thread hops under ASGI. aiops_project/tracing.py puts
it in MIDDLEWARE in place of the instrumentation's own, and only when tracing is on (this module imports the SDK).

The instrumentation's `_DjangoMiddleware` is sync only: under ASGI, Django runs it through a thread, the rest of the
chain back on the event loop, and its process_view through a thread again. That cost every request ~1 ms at the p50,
an untraced /ready included (bench/web_overhead.py). Its hooks do no I/O (a span ends in memory; the exporter sends
from a thread of its own), so here they run inline on the event loop: the same hooks, in the same order. Under WSGI
and the test client it is the instrumentation's middleware as it is. Its class attributes (tracer, excluded URLs,
hooks), which the instrumentor sets on `_DjangoMiddleware`, are inherited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse
from opentelemetry.instrumentation.django.middleware.otel_middleware import _DjangoMiddleware


class TracingMiddleware(_DjangoMiddleware):
    sync_capable = async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        super().__init__(get_response)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
            # Django awaits a coroutine hook inline and sends a plain one to a thread. (Its exception hooks always run
            # in sync mode: process_exception stays as it is.)
            self.process_view = self._process_view_inline  # type: ignore[method-assign]

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        # One task from start to end: the span's context is attached and detached in the same context.
        self.process_request(request)
        response = await self.get_response(request)
        return self.process_response(request, response)

    async def _process_view_inline(self, request: HttpRequest, view_func: Any, *args: Any, **kwargs: Any) -> None:
        super().process_view(request, view_func, *args, **kwargs)
