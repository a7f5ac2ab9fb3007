"""Approvals by API: the same decision, permission helper and audit as the web console and chat."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.api.views import AsciiIdLookup, Pages, filter_params
from remediation.api.serializers import (
    ApprovalSerializer,
    DecisionSerializer,
    PlaybookRunSerializer,
    PlaybookSerializer,
    RemediationSettingsSerializer,
    StartPlaybookSerializer,
)
from remediation.manual import StartRefused, known_playbooks, parse_workload, remediation_mode, start_by_hand
from remediation.models import Approval, DecisionClosed, DecisionNotAllowed, Playbook, PlaybookRun
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


START_RESPONSES = {
    201: PlaybookRunSerializer,
    400: OpenApiResponse(description="A body that is not a start (fields), an unknown playbook (`known` lists "
                                     "the playbooks), an unknown cluster, or a playbook whose steps do not fit "
                                     "the target; nothing was started."),
    403: OpenApiResponse(description="You may not start playbooks (remediation.start_playbook); nothing started."),
    404: OpenApiResponse(description="No such incident, or no such workload in the cluster; nothing started."),
    409: OpenApiResponse(description="The playbook is disabled, or a run for the incident is under way."),
    503: OpenApiResponse(description="The cluster could not be asked whether the workload exists; nothing started."),
}
STATUS_FOR = {"forbidden": 403, "invalid": 400, "unknown_playbook": 400, "unknown_cluster": 400,
              "not_found": 404, "disabled": 409, "busy": 409, "unavailable": 503}


class PlaybookRunViewSet(AsciiIdLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Playbook runs, newest first. POST starts a playbook by hand, for an incident or a workload, through the same
    approvals as a rule's run (MEDIUM/HIGH wait; in notify-only mode LOW steps too)."""

    serializer_class = PlaybookRunSerializer
    pagination_class = Pages
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[PlaybookRun]:
        return (PlaybookRun.objects.select_related("playbook", "cluster", "requested_by")
                .prefetch_related("step_runs").order_by("-id"))

    @extend_schema(request=StartPlaybookSerializer, responses=START_RESPONSES)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = StartPlaybookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            workload = parse_workload(data["workload"], data["namespace"]) if data.get("workload") else None
            run = start_by_hand(user=request.user, playbook=data["playbook"], via=Approval.Via.API,
                                incident_id=data.get("incident"), workload=workload, cluster=data["cluster"])
        except StartRefused as exc:
            detail: dict[str, Any] = {"detail": str(exc), "code": exc.reason}
            if exc.known:
                detail["known"] = exc.known
            return Response(detail, status=STATUS_FOR[exc.reason])
        return Response(self.get_serializer(self.get_queryset().get(pk=run.pk)).data, status=status.HTTP_201_CREATED)


class PlaybookViewSet(viewsets.ReadOnlyModelViewSet):
    """The playbooks a person may start (by name), with their steps and risks."""

    serializer_class = PlaybookSerializer
    lookup_field = "name"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Playbook]:
        return Playbook.objects.filter(name__in=known_playbooks()).prefetch_related("steps").order_by("name")


class RemediationSettingsView(APIView):
    """Whether automatic remediation is on (AUTO_REMEDIATION_ENABLED), as the console's banner says."""

    @extend_schema(responses=RemediationSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(RemediationSettingsSerializer(remediation_mode()).data)
