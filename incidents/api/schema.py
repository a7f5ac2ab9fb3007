"""What the OpenAPI schema says of the incidents API beyond its serializers: the list filters, the intakes'
bodies and answers. Schemathesis (tests/test_api_schemathesis.py) reaches only what is documented here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from incidents.alertmanager import GenericAlertSerializer
from incidents.search import IncidentSearch


def _text(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=f"{description} No NUL characters.")


SINCE = OpenApiParameter("since", OpenApiTypes.DATETIME,
                         description="At or after this ISO 8601 date-time, e.g. 2026-11-28T10:00:00Z.")
EVENT_FILTERS = [
    _text("source", "Exact source: kubernetes, alertmanager or webhook."),
    _text("status", "Exact status: firing or resolved."),
    _text("reason", "Exact reason, e.g. CrashLoopBackOff or an alertname."),
    _text("severity", "Exact severity: info, warning or critical."),
    _text("cluster", "Cluster name."),
    _text("namespace", "Exact namespace."),
    _text("fingerprint", "Exact fingerprint."),
    _text("group_key", "Exact group key (the incident's events share it)."),
    OpenApiParameter("incident", OpenApiTypes.INT, description="The events of this incident (an id: ASCII digits)."),
    SINCE,
]


def _search_parameter(name: str, field: Any) -> OpenApiParameter:
    limit = getattr(field, "max_length", None)
    return OpenApiParameter(
        name, OpenApiTypes.DATETIME if name in {"since", "before"} else OpenApiTypes.STR,
        enum=[value for value, _ in field.choices if value] if hasattr(field, "choices") else None,
        description=f"{field.help_text} Invalid values get 400 naming the parameter."
                    + (f" At most {limit} characters; no NUL characters." if limit else ""))


# Generated from the one form the API and the console's incident history read them with (incidents.search).
INCIDENT_FILTERS = [_search_parameter(name, field) for name, field in IncidentSearch.base_fields.items()]

class GenericAlertsBodySerializer(serializers.Serializer):
    """`POST /api/v1/alerts/generic`: one or more alerts; each is validated (and recorded or refused) alone."""

    alerts = GenericAlertSerializer(many=True, allow_empty=False)


# Inline: a Serializer subclass cannot declare a field named `errors` (its attribute is the validation errors).
_REFUSED_ALERT = inline_serializer("RefusedAlert", {
    "index": serializers.IntegerField(help_text="The alert's place in the list, from 0."),
    "fingerprint": serializers.CharField(allow_null=True, help_text="Its fingerprint, when it had one."),
    "errors": serializers.DictField(child=serializers.JSONField(), help_text="Field name to its errors."),
}, many=True)


class IntakeResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    recorded = serializers.IntegerField(help_text="Alerts that became events (the others were repeats or refused).")
    duplicates = serializers.IntegerField()
    rejected = _REFUSED_ALERT


_REASON = inline_serializer("Refusal", {"detail": serializers.CharField(),
                                        "errors": serializers.DictField(required=False)})
INTAKE_RESPONSES = {
    200: OpenApiResponse(IntakeResultSerializer, description="All alerts recorded or recognised as repeats."),
    400: OpenApiResponse(_REASON, description="Not JSON, or nested deeper than 64 levels: nothing recorded."),
    413: OpenApiResponse(_REASON, description="Larger than AIOPS_ALERT_BODY_MAX_BYTES: nothing recorded."),
    422: OpenApiResponse(description="Invalid envelope (`detail` and `errors`; nothing recorded) or invalid alerts "
                                     "(an intake result listing them by index; the valid ones were recorded)."),
}
