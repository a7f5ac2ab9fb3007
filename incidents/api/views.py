from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from aiops_project.circuit import Circuit
from incidents.alertmanager import (
    EnvelopeSerializer,
    IntakeResult,
    alertmanager_key,
    ingest_generic,
    ingest_notification,
    may_hold_unstorable,
    record_valid,
    refusals_summary,
    to_transition,
)
from incidents.api.schema import EVENT_FILTERS, INCIDENT_FILTERS, INTAKE_RESPONSES, GenericAlertsBodySerializer
from incidents.api.serializers import (
    ClusterEventSerializer,
    IncidentChangeSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
)
from incidents.models import ClusterEvent, Incident
from incidents.notification import decode_valid
from incidents.search import MAX_PAGE_SIZE, PAGE_SIZE, IncidentSearch, search_incidents, with_last_change
from incidents.services import acknowledge_incident, close_incident

log = structlog.get_logger(__name__)


SIGNATURE_HEADER = "X-Alertmanager-Secret"  # upstream's: the hex HMAC-SHA256 of the body with its secret


def alertmanager_token_refusal(header: str) -> str | None:
    """Why a request with this Authorization header may not use the Alertmanager intake on its bearer token; None
    when it may."""
    expected = settings.ALERTMANAGER_TOKEN
    if not expected:
        if settings.ALERTMANAGER_WEBHOOK_SECRET:
            return f"Send {SIGNATURE_HEADER}: the hex HMAC-SHA256 of the body with ALERTMANAGER_WEBHOOK_SECRET."
        return ("Alert intake is disabled: neither AIOPS_ALERTMANAGER_TOKEN nor ALERTMANAGER_WEBHOOK_SECRET "
                "is set.")
    if not header.startswith("Bearer "):
        also = f", or {SIGNATURE_HEADER}" if settings.ALERTMANAGER_WEBHOOK_SECRET else ""
        return f"Send Authorization: Bearer <token>{also}."
    if not hmac.compare_digest(header.removeprefix("Bearer ").encode(), expected.encode()):
        return "Invalid token."
    return None


def signature_refusal(signature: str, body: bytes) -> str | None:
    """Why this X-Alertmanager-Secret does not sign this body (upstream's scheme); None when it does."""
    secret = settings.ALERTMANAGER_WEBHOOK_SECRET
    if not secret:
        return f"{SIGNATURE_HEADER} is not accepted: ALERTMANAGER_WEBHOOK_SECRET is not set."
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
        return f"Invalid {SIGNATURE_HEADER}: not the HMAC-SHA256 of the body with ALERTMANAGER_WEBHOOK_SECRET."
    return None


def _signed(request: HttpRequest) -> bool:
    """A signature to check once the body is read (in the view's thread, after the body limit)."""
    return bool(settings.ALERTMANAGER_WEBHOOK_SECRET) and SIGNATURE_HEADER in request.headers


def refuse_without_alertmanager_token(request: HttpRequest) -> HttpResponse | None:
    """The intake's 401, answered before the request goes to a thread (what DRF's authentication would answer).
    A request signed with X-Alertmanager-Secret goes on: its signature needs the body, read within the limit."""
    if (refusal := alertmanager_token_refusal(request.headers.get("Authorization", ""))) is None or _signed(request):
        return None
    response = JsonResponse({"detail": refusal}, status=status.HTTP_401_UNAUTHORIZED)
    response["WWW-Authenticate"] = AlertmanagerTokenAuthentication.REALM
    return response


class AlertmanagerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <AIOPS_ALERTMANAGER_TOKEN>`, what Alertmanager's http_config.authorization sends; or
    upstream's `X-Alertmanager-Secret: <hex HMAC-SHA256 of the body with ALERTMANAGER_WEBHOOK_SECRET>`."""

    REALM = 'Bearer realm="alertmanager"'

    def authenticate(self, request: Request) -> tuple[Any, str]:
        refusal = alertmanager_token_refusal(request.headers.get("Authorization", ""))
        if refusal is not None and _signed(request):
            # The body was read by the intake's limit (incidents/api/bodies.py) before authentication runs.
            refusal = signature_refusal(request.headers[SIGNATURE_HEADER], request.body)
        if refusal is not None:
            raise exceptions.AuthenticationFailed(refusal)
        return AnonymousUser(), "alertmanager"

    def authenticate_header(self, request: Request) -> str:
        return self.REALM


class AlertmanagerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "incidents.api.views.AlertmanagerTokenAuthentication"
    name = "alertmanagerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": (
            "AIOPS_ALERTMANAGER_TOKEN. Instead, upstream's X-Alertmanager-Secret header is accepted: the hex "
            "HMAC-SHA256 of the body with ALERTMANAGER_WEBHOOK_SECRET.")}


class IntakeThrottle(ScopedRateThrottle):
    """Counts requests per client in fixed windows of the rate's period, in the shared cache; if the cache is
    down, alerts still get in (fail open).

    DRF's own throttle keeps every request time of the window in one cached list, read and written whole each
    request: at the default 6000/min that is a list of up to 6000 floats pickled twice per notification (2.6 ms
    of a 50-alert notification, by cProfile). A counter costs two small round trips whatever the load; a
    client may burst up to twice the rate across a window's edge.
    """

    window_ends = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        limit, duration = self.parse_rate(self.rate)
        if limit is None or duration is None or (key := self.get_cache_key(request, view)) is None:
            return True
        window = int(self.timer() // duration)
        self.window_ends = (window + 1) * duration
        if not _THROTTLE_CIRCUIT.allows():  # Redis failed a moment ago: not waiting for it on every notification
            return True
        try:
            count = _count(caches["default"], f"{key}:{window}", duration + 1)
        except Exception as exc:  # the cache (Redis) is unreachable: losing an alert is worse than not throttling
            _THROTTLE_CIRCUIT.failed(exc)
            log.warning("alert_intake_throttle_unavailable", exc_info=True)
            return True
        _THROTTLE_CIRCUIT.succeeded()
        return count <= limit

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.timer())


# One Redis client per cache location for the whole process. Django makes a cache backend (and its connection
# pool) per request context under ASGI and closes it when the request ends, so the backend's own client meant a new
# Redis connection, and redis-py reading its package metadata, for every notification: 8% of the web process's CPU
# under load (py-spy --gil).
_redis_clients: dict[str, Any] = {}
# A hung Redis costs the first notification its 1 s timeout; the next ones skip the throttle for 5 s.
_THROTTLE_CIRCUIT = Circuit("alert intake throttle")


def _count(cache: Any, key: str, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds after its last count; its new value."""
    if isinstance(cache, RedisCache):  # one round trip; the key is of one window, so renewing its expiry is harmless
        location: str = cache._servers[0]  # type: ignore[attr-defined]  # where Django writes
        if (client := _redis_clients.get(location)) is None:
            import redis  # here: 0.27 s of the web process's start otherwise

            client = _redis_clients[location] = redis.Redis.from_url(
                location, socket_connect_timeout=1, socket_timeout=1, health_check_interval=30)
        full_key = cache.make_and_validate_key(key)
        with client.pipeline() as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, timeout)
            count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls: a new window, this its first request
        return 1


def refusing_first(view: Callable[..., HttpResponseBase], refuse: Callable[[HttpRequest], HttpResponse | None],
                   ) -> Callable[..., Coroutine[Any, Any, HttpResponseBase]]:
    """The view behind `refuse`, a check that needs no database and answers on the event loop when it refuses: a
    request without the token costs no thread hop (2.4 ms against upstream's 1.8 ms p50 when it went through
    DRF). Otherwise the view runs where Django runs a sync view (under ASGI the request's warm thread,
    aiops_project/asgi_threads.py, which keeps its database connection). Attributes (DRF's `cls` for the
    schema, `csrf_exempt`) are kept."""

    async def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (refused := refuse(request)) is not None:
            return refused
        return await sync_to_async(view)(request, *args, **kwargs)

    return functools.wraps(view)(checked)


class AlertmanagerWebhookView(APIView):
    """Alertmanager webhook (payload version 4).

    The envelope must be valid or nothing is recorded (422). Inside a valid envelope every valid
    alert is recorded; invalid alerts are reported by index with their field errors and the response
    is 422, so that nothing valid waits behind an alert that can never be accepted.
    """

    authentication_classes = [AlertmanagerTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [IntakeThrottle]
    throttle_scope = "alert_intake"

    @extend_schema(request=EnvelopeSerializer, responses={
        **INTAKE_RESPONSES,
        401: OpenApiResponse(description="Missing or wrong bearer token (or X-Alertmanager-Secret).")})
    def post(self, request: Request) -> Response:
        body = request.body  # read before request.data, which parses the same bytes
        unstorable = may_hold_unstorable(body)
        # The common case, in one pass; any other media type goes to DRF's parsers, which answer 415.
        if (request.content_type == "application/json" and not unstorable
                and (decoded := decode_valid(body)) is not None):
            group_key, valid = decoded
            result = record_valid(IntakeResult(received=len(valid)), valid, to_transition, key=alertmanager_key,
                                  grouped=True)
            log.info("alertmanager_notification", group_key=group_key, **result.as_dict())
            return Response(result.as_dict(), status=status.HTTP_200_OK)
        envelope = EnvelopeSerializer(data=request.data)
        if not envelope.is_valid():
            log.warning("alertmanager_payload_refused", errors=envelope.errors)
            return Response({"detail": "Invalid Alertmanager payload.", "errors": envelope.errors},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        result = ingest_notification(envelope.validated_data["alerts"], may_hold_unstorable=unstorable)
        log.info("alertmanager_notification", group_key=envelope.validated_data["groupKey"][:200],
                 received=result.received, recorded=result.recorded, **refusals_summary(result.rejected))
        code = status.HTTP_422_UNPROCESSABLE_ENTITY if result.rejected else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)


class GenericAlertsView(APIView):
    """Generic JSON alerts: `{"alerts": [{"name", "status", ...}]}`, for any sender with a user's API token.

    Same semantics as the Alertmanager intake: valid alerts are recorded, invalid ones listed with 422.
    """

    throttle_classes = [IntakeThrottle]
    throttle_scope = "alert_intake"

    @extend_schema(request=GenericAlertsBodySerializer, responses=INTAKE_RESPONSES)
    def post(self, request: Request) -> Response:
        alerts = request.data.get("alerts") if isinstance(request.data, dict) else None
        if not isinstance(alerts, list) or not alerts:
            return Response({"detail": "Invalid payload.", "errors": {"alerts": ["A non-empty list is required."]}},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        result = ingest_generic(alerts)
        code = status.HTTP_422_UNPROCESSABLE_ENTITY if result.rejected else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)


class Pages(PageNumberPagination):
    page_size = PAGE_SIZE  # as the console's incident history pages (incidents.search)
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


ID_FILTERS = {"incident"}  # filters on an id: ASCII digits (int() also reads other scripts' digits)
MAX_ID_DIGITS = 18  # ids are 64-bit: more digits name no row (and overflow the database's integer)


def filter_params(params: Any, names: list[str]) -> dict[str, str]:
    """The query parameters among `names` that are set, checked: no NUL (PostgreSQL refuses it in a query),
    ids in ASCII digits. 400 naming the parameter otherwise."""
    found = {name: value for name in names if (value := params.get(name))}
    errors = {name: "NUL characters (%00) are not allowed." for name, value in found.items() if "\x00" in value}
    errors |= {name: "Use an id: ASCII digits." for name, value in found.items() if name in ID_FILTERS
               and name not in errors and not (value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS)}
    if errors:
        raise exceptions.ValidationError(errors)
    return found


def _filter(queryset: QuerySet[Any], params: Any, fields: dict[str, str]) -> QuerySet[Any]:
    """Exact-match filters from query parameters (`?status=firing&namespace=shop`); `since` on time."""
    found = filter_params(params, [*fields, "since"])
    for param, lookup in fields.items():
        if param in found:
            queryset = queryset.filter(**{lookup: found[param]})
    if since := found.get("since"):
        try:
            moment = parse_datetime(since)
        except ValueError:  # well formed but no such moment (February 30th)
            moment = None
        if moment is None:
            raise exceptions.ValidationError({"since": "Use an ISO 8601 date-time, e.g. 2026-11-28T10:00:00Z."})
        queryset = queryset.filter(**{f"{queryset.model.TIME_FIELD}__gte": moment})
    return queryset


class AsciiIdLookup:
    """Objects by id in ASCII digits only: the database's integer field would take '+7', ' 7' and other scripts'
    digits as 7, so another spelling of an id would reach the object."""

    kwargs: dict[str, Any]
    lookup_field: str

    def get_object(self) -> Any:
        raw = str(self.kwargs[self.lookup_field])
        if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS):
            raise exceptions.NotFound(f"An id is a positive integer in ASCII digits, not {raw[:40]!r}.")
        return super().get_object()  # type: ignore[misc]


@extend_schema_view(list=extend_schema(parameters=EVENT_FILTERS))
class ClusterEventViewSet(AsciiIdLookup, viewsets.ReadOnlyModelViewSet):
    """Events, newest first. Filters: source, status, reason, severity, cluster, namespace, fingerprint,
    group_key, incident, since."""

    serializer_class = ClusterEventSerializer
    pagination_class = Pages
    lookup_value_regex = "[^/]+"  # a malformed id reaches get_object and gets a JSON 404 with a reason
    FILTERS = {"source": "source", "status": "status", "reason": "reason", "severity": "severity",
               "cluster": "cluster__name", "namespace": "namespace", "fingerprint": "fingerprint",
               "group_key": "group_key", "incident": "incident_id"}

    def get_queryset(self) -> QuerySet[ClusterEvent]:
        queryset = ClusterEvent.objects.select_related("cluster").order_by("-id")
        return _filter(queryset, self.request.query_params, self.FILTERS)


CHANGE_RESPONSES = {200: IncidentSerializer, 403: OpenApiResponse(description="Needs incidents.change_incident."),
                    409: OpenApiResponse(description="Not in a state this change applies to.")}


@extend_schema_view(list=extend_schema(parameters=INCIDENT_FILTERS))
class IncidentViewSet(AsciiIdLookup, viewsets.ReadOnlyModelViewSet):
    """Incidents, newest first. Search and filters (incidents.search, shared with the console's incident history):
    q, workload, namespace, reason, status (open = not resolved), severity, cluster, period, since, before.

    POST .../acknowledge (someone is on it) and .../close (resolved by a person, with a reason) change one
    through the same services as the console, chat and admin; both need the incidents.change_incident
    permission."""

    pagination_class = Pages
    lookup_value_regex = "[^/]+"  # a malformed id reaches get_object and gets a JSON 404 with a reason

    def get_serializer_class(self) -> type[IncidentSerializer]:
        return IncidentDetailSerializer if self.action == "retrieve" else IncidentSerializer

    def get_queryset(self) -> QuerySet[Incident]:
        if self.action != "list":
            return search_incidents({})
        search = IncidentSearch(self.request.query_params)
        if not search.is_valid():
            raise exceptions.ValidationError(search.problems())
        return search_incidents(search.cleaned_data)

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else with_last_change(page)

    def get_object(self) -> Incident:
        [incident] = with_last_change([super().get_object()])
        return incident

    @extend_schema(request=IncidentChangeSerializer, responses=CHANGE_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._change(request, "acknowledged", lambda incident, user, _: acknowledge_incident(
            incident, actor=user, via="api"))

    @extend_schema(request=IncidentChangeSerializer, responses=CHANGE_RESPONSES)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._change(request, "closed", lambda incident, user, reason: close_incident(
            incident, actor=user, via="api", reason=reason))

    def _change(self, request: Request, done: str, change: Callable[[Incident, Any, str], bool]) -> Response:
        incident = self.get_object()
        if not request.user.has_perm("incidents.change_incident"):
            return Response({"detail": f"You may not change incidents: {done} needs the "
                                       "incidents.change_incident permission."}, status=status.HTTP_403_FORBIDDEN)
        body = IncidentChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not change(incident, request.user, body.validated_data["reason"]):
            now = Incident.objects.values_list("status", flat=True).get(pk=incident.pk)
            return Response({"detail": f"Incident #{incident.pk} is {now}: it cannot be {done}."},
                            status=status.HTTP_409_CONFLICT)
        return Response(IncidentSerializer(self.get_object()).data)
