from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import AuditEntry, Cluster, ClusterEvent, Incident, Rule


class ClusterEventSerializer(serializers.ModelSerializer):
    cluster: serializers.SlugRelatedField[Cluster] = serializers.SlugRelatedField(slug_field="name", read_only=True,
                                                                                  allow_null=True)

    class Meta:
        model = ClusterEvent
        fields = ["id", "fingerprint", "group_key", "source", "reason", "severity", "status", "cluster", "namespace",
                  "object_kind", "object_name", "message", "labels", "payload", "occurred_at", "recorded_at",
                  "flapping", "incident"]


class TimelineEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["at", "actor_label", "action", "via", "message", "target_type", "target_id"]


class IncidentSerializer(serializers.ModelSerializer):
    cluster: serializers.SlugRelatedField[Cluster] = serializers.SlugRelatedField(slug_field="name", read_only=True,
                                                                                  allow_null=True)
    rule: serializers.SlugRelatedField[Rule] = serializers.SlugRelatedField(slug_field="name", read_only=True,
                                                                            allow_null=True)
    last_change_at = serializers.DateTimeField(
        read_only=True, help_text="When anything last happened to it: its newest timeline entry, else its opening.")

    class Meta:
        model = Incident
        fields = ["id", "fingerprint", "group_key", "title", "status", "severity", "cluster", "namespace",
                  "object_kind", "object_name", "rule", "opened_at", "acknowledged_at", "resolved_at",
                  "last_change_at"]


class IncidentDetailSerializer(IncidentSerializer):
    events = ClusterEventSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "events", "timeline"]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, incident: Incident) -> list[dict[str, Any]]:
        return list(TimelineEntrySerializer(incident.timeline(), many=True).data)  # oldest first


class IncidentChangeSerializer(serializers.Serializer):
    """The body of POST .../acknowledge and .../close: an optional reason (empty body: none)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000, trim_whitespace=True)

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value({} if data is None or data == "" else data)
