from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from rest_framework import serializers

from remediation.access import can_decide
from remediation.models import Approval, Playbook, PlaybookRun, PlaybookStep, StepRun


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


class StepRunSummarySerializer(serializers.ModelSerializer):
    """A step of a run as rendered: what it calls, at what risk, and how far it got (not its output)."""

    class Meta:
        model = StepRun
        fields = ["order", "name", "server", "tool", "arguments", "risk", "status", "is_rollback"]
        read_only_fields = fields


class PlaybookRunSerializer(serializers.ModelSerializer):
    """A playbook run: for which incident (or cluster), who started it (empty: a rule), its steps."""

    playbook = serializers.CharField(source="playbook.name", read_only=True)
    cluster = serializers.CharField(source="cluster.name", read_only=True, allow_null=True, default=None)
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True)
    steps = StepRunSummarySerializer(source="step_runs", many=True, read_only=True)
    auto_remediation_enabled = serializers.SerializerMethodField(help_text=(
        "AUTO_REMEDIATION_ENABLED now. False (notify-only): LOW steps too wait for an approval."))

    class Meta:
        model = PlaybookRun
        fields = ["id", "playbook", "status", "incident", "cluster", "requested_by", "created_at", "finished_at",
                  "steps", "auto_remediation_enabled"]
        read_only_fields = fields

    def get_auto_remediation_enabled(self, run: PlaybookRun) -> bool:
        return bool(settings.AUTO_REMEDIATION_ENABLED)


class StartPlaybookSerializer(serializers.Serializer):
    """Start a playbook by hand: for `incident`, or for a workload (`namespace` and `workload`, in `cluster`)."""

    playbook = serializers.CharField(max_length=100, help_text="A playbook's name (GET /api/v1/playbooks lists them).")
    incident = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                        help_text="Start it for this incident (its latest event fills the steps).")
    namespace = serializers.CharField(required=False, max_length=253, default="", allow_blank=True,
                                      help_text="The workload's namespace (not for a Node).")
    workload = serializers.CharField(required=False, max_length=270, default="", allow_blank=True, help_text=(
        "KIND/NAME (Deployment, StatefulSet, DaemonSet, Job, Pod or Node) or NAME (a Deployment)."))
    cluster = serializers.CharField(required=False, max_length=63, default="", allow_blank=True,
                                    help_text="The workload's cluster; default: the first enabled one.")

    def to_internal_value(self, data: Any) -> Any:
        if data is None or data == "":
            data = {}
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("incident" in attrs) == bool(attrs.get("workload")):
            raise serializers.ValidationError("Give either incident, or workload (with namespace).")
        return attrs


class PlaybookStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaybookStep
        fields = ["order", "name", "server", "tool", "arguments", "risk", "is_rollback", "when"]
        read_only_fields = fields


class PlaybookSerializer(serializers.ModelSerializer):
    steps = PlaybookStepSerializer(many=True, read_only=True)

    class Meta:
        model = Playbook
        fields = ["name", "description", "enabled", "parameters", "steps"]
        read_only_fields = fields


class RemediationSettingsSerializer(serializers.Serializer):
    auto_remediation_enabled = serializers.BooleanField(help_text="AUTO_REMEDIATION_ENABLED.")
    mode = serializers.ChoiceField(choices=["automatic", "notify_only"], help_text=(
        "automatic: rules start playbooks and LOW steps run at once; notify_only: rules start no playbook and "
        "every step of a run a person starts waits for an approval."))
    message = serializers.CharField()
