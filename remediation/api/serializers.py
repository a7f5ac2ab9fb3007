from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from remediation.access import can_decide
from remediation.models import Approval


class ApprovalSerializer(serializers.ModelSerializer):
    """An approval as an approver needs it: what will run, where, at what risk, until when."""

    incident = serializers.IntegerField(source="step_run.run.incident_id", read_only=True)
    playbook = serializers.CharField(source="step_run.run.playbook.name", read_only=True)
    step = serializers.CharField(source="step_run.name", read_only=True)
    server = serializers.CharField(source="step_run.server", read_only=True)
    tool = serializers.CharField(source="step_run.tool", read_only=True)
    arguments = serializers.JSONField(source="step_run.arguments", read_only=True)
    risk = serializers.CharField(source="step_run.risk", read_only=True)
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True)
    first_approved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True)
    may_decide = serializers.SerializerMethodField()
    verdict = serializers.JSONField(read_only=True, help_text=(
        "The incident's root cause when the approval was asked, and whether the step fits it: category, "
        "confidence, summary, fit (fits, partly, will_not_help, unknown), advice, runner_up, report_id. "
        "Empty when no analysis could be made."))

    class Meta:
        model = Approval
        fields = ["id", "status", "incident", "playbook", "step", "server", "tool", "arguments", "risk",
                  "requested_at", "expires_at", "decided_at", "decided_by", "decided_via", "reason",
                  "first_approved_by", "first_approved_at", "may_decide", "verdict"]

    def get_may_decide(self, approval: Approval) -> bool:
        return approval.status == Approval.Status.PENDING and can_decide(self.context["request"].user, approval)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000, trim_whitespace=True)

    def to_internal_value(self, data: Any) -> Any:
        if data is None or data == "":  # a POST with no body at all: no reason
            data = {}
        return super().to_internal_value(data)
