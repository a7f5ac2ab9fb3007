"""Approvals by API: the same decision, permission helper and audit as the web console and chat."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.api.views import AsciiIdLookup, filter_params
from remediation.api.serializers import ApprovalSerializer, DecisionSerializer
from remediation.models import Approval, DecisionClosed, DecisionNotAllowed
from remediation.services import decide_approval

DECISION_RESPONSES = {
    200: ApprovalSerializer,
    400: OpenApiResponse(description="Invalid body (e.g. a reason that is not a string)."),
    403: OpenApiResponse(description="You may not decide steps of this risk; nothing changed."),
    404: OpenApiResponse(description="No such approval."),
    409: OpenApiResponse(description="Already decided or expired; nothing changed."),
}


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter(
    "status", OpenApiTypes.STR, description="pending, approved, rejected or expired. No NUL characters.")]))
class ApprovalViewSet(AsciiIdLookup, viewsets.ReadOnlyModelViewSet):
    """Approvals, pending first by expiry. Filter: `status` (pending, approved, rejected, expired)."""

    serializer_class = ApprovalSerializer
    lookup_value_regex = "[^/]+"  # a malformed id reaches the view and gets a 404 with a reason

    def get_queryset(self) -> QuerySet[Approval]:
        queryset = Approval.objects.select_related("step_run__run__playbook", "decided_by").order_by(
            "expires_at", "id")
        if wanted := filter_params(self.request.query_params, ["status"]).get("status"):
            queryset = queryset.filter(status=wanted)
        return queryset

    @extend_schema(request=DecisionSerializer, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(request=DecisionSerializer, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=False)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        approval = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            approval = decide_approval(approval_id=approval.pk, user=request.user, approve=approve,
                                       via=Approval.Via.API, reason=body.validated_data["reason"])
        except DecisionNotAllowed as exc:
            return _refused(exc, status.HTTP_403_FORBIDDEN)
        except DecisionClosed as exc:
            return _refused(exc, status.HTTP_409_CONFLICT)
        approval = self.get_queryset().get(pk=approval.pk)
        return Response(self.get_serializer(approval).data)


def _refused(exc: Exception, code: int) -> Response:
    detail: dict[str, Any] = {"detail": str(exc)}
    return Response(detail, status=code)
