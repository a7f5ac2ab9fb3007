"""Alertmanager's webhook payload (version 4): validation, and mapping an alert to a transition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from aiops_project.live import batched_notices
from incidents.models import Cluster, EventSource, EventStatus, Severity, Signal, make_fingerprint
from incidents.services import Transition, enabled_rules, record_transition

log = structlog.get_logger(__name__)

SEVERITIES = {"critical": Severity.CRITICAL, "error": Severity.CRITICAL, "page": Severity.CRITICAL,
              "warning": Severity.WARNING, "info": Severity.INFO, "none": Severity.INFO}
# Label names that identify the Kubernetes object an alert is about, most specific first.
OBJECT_LABELS = (("pod", "Pod"), ("deployment", "Deployment"), ("statefulset", "StatefulSet"),
                 ("daemonset", "DaemonSet"), ("job_name", "Job"), ("node", "Node"), ("service", "Service"))


class AlertSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    labels = serializers.DictField(child=serializers.CharField(allow_blank=True))
    annotations = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    startsAt = serializers.DateTimeField()  # Alertmanager spells its fields in camelCase
    endsAt = serializers.DateTimeField(required=False, allow_null=True)
    generatorURL = serializers.CharField(required=False, allow_blank=True, default="")
    fingerprint = serializers.CharField(max_length=64)

    def validate_labels(self, labels: dict[str, str]) -> dict[str, str]:
        if not labels.get("alertname"):
            raise serializers.ValidationError("labels must include a non-empty alertname.")
        return labels


class EnvelopeSerializer(serializers.Serializer):
    """The notification around the alerts; the alerts themselves are validated one by one."""

    version = serializers.ChoiceField(choices=["4"])
    groupKey = serializers.CharField(allow_blank=True)
    truncatedAlerts = serializers.IntegerField(required=False, default=0, min_value=0)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    receiver = serializers.CharField(allow_blank=True)
    groupLabels = serializers.DictField(required=False, default=dict)
    commonLabels = serializers.DictField(required=False, default=dict)
    commonAnnotations = serializers.DictField(required=False, default=dict)
    externalURL = serializers.CharField(required=False, allow_blank=True, default="")
    alerts = serializers.ListField(child=serializers.DictField(), allow_empty=False)


def to_transition(alert: dict[str, Any], raw: dict[str, Any], clusters: dict[str, Cluster]) -> Transition:
    labels: dict[str, str] = alert["labels"]
    annotations: dict[str, str] = alert["annotations"]
    object_kind, object_name = next(
        ((kind, labels[key]) for key, kind in OBJECT_LABELS if labels.get(key)), ("", "")
    )
    resolved = alert["status"] == "resolved"
    ends_at: datetime | None = alert.get("endsAt")
    occurred_at = ends_at if resolved and ends_at and ends_at.year > 1 else alert["startsAt"]
    message = annotations.get("summary") or annotations.get("description") or annotations.get("message") or ""
    return Transition(
        # Alertmanager's fingerprint is a hash of the alert's labels: the same alert, whatever the delivery.
        fingerprint=make_fingerprint(EventSource.ALERTMANAGER, alert["fingerprint"]),
        source=EventSource.ALERTMANAGER,
        status=EventStatus.RESOLVED if resolved else EventStatus.FIRING,
        reason=labels["alertname"][:120],
        severity=SEVERITIES.get(labels.get("severity", "").lower(), Severity.WARNING),
        cluster=clusters.get(labels.get("cluster", "")),
        namespace=labels.get("namespace", ""),
        object_kind=object_kind,
        object_name=object_name,
        message=message,
        labels=labels,
        occurred_at=occurred_at,
        payload=raw,
    )


@dataclass
class IntakeResult:
    received: int = 0
    recorded: int = 0  # transitions that became events (the rest were repeats)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "recorded": self.recorded,
                "duplicates": self.received - self.recorded - len(self.rejected), "rejected": self.rejected}


def ingest_alerts(alerts: list[Any], validator: serializers.Serializer, to_transition: Any) -> IntakeResult:
    """Record every valid alert; report invalid ones by index. Redelivery is a no-op."""
    result = IntakeResult(received=len(alerts))
    valid: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index, raw in enumerate(alerts):
        try:
            valid.append((validator.run_validation(raw), raw))  # one serializer instance: fields built once
        except serializers.ValidationError as exc:
            result.rejected.append({"index": index, "fingerprint": raw.get("fingerprint") if isinstance(raw, dict)
                                    else None, "errors": exc.detail})
    clusters = {c.name: c for c in Cluster.objects.all()}
    transitions = [to_transition(alert, raw, clusters) for alert, raw in valid]
    # Redeliveries are most of what Alertmanager sends (every repeat_interval): recognise them with one
    # read and touch them with one write. A stale read can only make an alert look like a repeat when
    # it changed state meanwhile; the sender's next delivery then records it.
    current = dict(Signal.objects.filter(fingerprint__in={t.fingerprint for t in transitions})
                   .values_list("fingerprint", "status"))
    repeats = {t.fingerprint for t in transitions if current.get(t.fingerprint) == t.status}
    if repeats:
        Signal.objects.filter(fingerprint__in=repeats).update(last_seen=timezone.now())
    rules = enabled_rules()
    seen: set[tuple[str, str]] = set()
    # One transaction per notification: one commit instead of one per alert, and consoles hear once.
    with transaction.atomic(), batched_notices():
        for t in transitions:
            if t.fingerprint in repeats or (t.fingerprint, t.status) in seen:
                continue
            seen.add((t.fingerprint, t.status))
            if record_transition(t, rules=rules) is not None:
                result.recorded += 1
    if result.rejected:
        log.warning("alerts_rejected", rejected=result.rejected)
    return result


def ingest_notification(alerts: list[Any]) -> IntakeResult:
    return ingest_alerts(alerts, AlertSerializer(), to_transition)


def ingest_generic(alerts: list[Any]) -> IntakeResult:
    return ingest_alerts(alerts, GenericAlertSerializer(), generic_transition)


class GenericAlertSerializer(serializers.Serializer):
    """An alert from any system that can POST JSON: a name, a status and what it is about."""

    name = serializers.CharField(max_length=120)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    severity = serializers.ChoiceField(choices=sorted(SEVERITIES), required=False, default="warning")
    fingerprint = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    message = serializers.CharField(required=False, allow_blank=True, default="")
    cluster = serializers.CharField(required=False, allow_blank=True, default="")
    namespace = serializers.CharField(required=False, allow_blank=True, default="")
    object_kind = serializers.CharField(required=False, allow_blank=True, default="")
    object_name = serializers.CharField(required=False, allow_blank=True, default="")
    labels = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


def generic_transition(alert: dict[str, Any], raw: dict[str, Any], clusters: dict[str, Cluster]) -> Transition:
    # Without a fingerprint from the sender, the alert's identity is its name and what it is about.
    identity = alert["fingerprint"] or make_fingerprint(
        alert["name"], alert["cluster"], alert["namespace"], alert["object_kind"], alert["object_name"],
        *sorted(alert["labels"].items()),
    )
    return Transition(
        fingerprint=make_fingerprint(EventSource.WEBHOOK, identity),
        source=EventSource.WEBHOOK,
        status=EventStatus.RESOLVED if alert["status"] == "resolved" else EventStatus.FIRING,
        reason=alert["name"],
        severity=SEVERITIES[alert["severity"]],
        cluster=clusters.get(alert["cluster"]),
        namespace=alert["namespace"],
        object_kind=alert["object_kind"],
        object_name=alert["object_name"],
        message=alert["message"],
        labels=alert["labels"],
        occurred_at=alert["occurred_at"],
        payload=raw,
    )
