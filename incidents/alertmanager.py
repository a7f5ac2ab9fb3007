"""Alertmanager's webhook payload (version 4): validation, and mapping an alert to a transition."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

import pydantic
import structlog
from rest_framework import serializers

from aiops_project.jsonbody import unstorable
from aiops_project.live import batched_notices
from incidents.announce import collecting
from incidents.models import Cluster, EventSource, EventStatus, Severity, make_fingerprint
from incidents.transitions import Transition, read_ahead, record_transitions, workload_group_key

log = structlog.get_logger(__name__)

SEVERITIES = {"critical": Severity.CRITICAL, "error": Severity.CRITICAL, "page": Severity.CRITICAL,
              "warning": Severity.WARNING, "info": Severity.INFO, "none": Severity.INFO}
SEVERITY_NAMES = sorted(SEVERITIES)  # what an alert's severity may say
# Label names that name a workload, as kube-state-metrics and most alert rules spell them.
WORKLOAD_LABELS = (("deployment", "Deployment"), ("statefulset", "StatefulSet"), ("daemonset", "DaemonSet"),
                   ("cronjob", "CronJob"), ("job_name", "Job"))
# A Deployment's pod: <deployment>-<pod-template-hash>-<suffix>, both from Kubernetes' name alphabet
# (no vowels, no 0/1/3: generated names never spell words).
_NAME_CHARS = "[bcdfghjklmnpqrstvwxz2456789]"
DEPLOYMENT_POD = re.compile(rf"^(?P<deployment>.+)-{_NAME_CHARS}{{6,10}}-{_NAME_CHARS}{{5}}$")
# Label names that identify the Kubernetes object an alert is about, most specific first.
OBJECT_LABELS = (("pod", "Pod"), ("deployment", "Deployment"), ("statefulset", "StatefulSet"),
                 ("daemonset", "DaemonSet"), ("job_name", "Job"), ("node", "Node"), ("service", "Service"))


# The labels whose values are stored as a Kubernetes name (an event's namespace and object name: columns of 253
# characters, the longest name Kubernetes allows). Checked here because SQLite would store a longer value and
# PostgreSQL refuse it (a 500 and the whole notification lost): both databases answer the same.
NAME_LABELS = ("namespace", *(key for key, _ in OBJECT_LABELS))
MAX_NAME_LENGTH = 253
# \ud800 to \udfff in a JSON text: a UTF-16 surrogate, alone not text (no database stores it).
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def overlong_labels(labels: dict[str, Any]) -> list[str]:
    return [key for key in NAME_LABELS if len(labels.get(key) or "") > MAX_NAME_LENGTH]


def may_hold_unstorable(body: bytes) -> bool:
    """Whether a JSON text may hold a string no database stores (NUL, a lone surrogate): JSON spells both as
    escapes, so a body without them has none, and alerts need not be encoded again to look for them. A surrogate
    pair (an emoji written as escapes) also says yes: the caller then only checks each alert."""
    return b"\\u0000" in body or SURROGATE_ESCAPE.search(body) is not None


class Validator(Protocol):
    def run_validation(self, data: Any) -> dict[str, Any]: ...  # raises serializers.ValidationError


Key = Callable[[dict[str, Any]], tuple[str, str]]  # a validated alert's (fingerprint, status) as recorded


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class AlertmanagerAlert(pydantic.BaseModel):
    """One alert of a version-4 notification, as Alertmanager spells it (camelCase).

    Validated with pydantic (already installed with the `mcp` SDK) rather than a DRF serializer: this
    runs for every alert of every notification, and bench/alert_intake.py measured DRF's field-by-field
    validation at a third of the request time. Unknown fields are allowed (kept in the event's payload).
    """

    model_config = pydantic.ConfigDict(extra="allow")

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = pydantic.Field(default_factory=dict)
    startsAt: Annotated[datetime, pydantic.AfterValidator(_aware)]
    endsAt: Annotated[datetime, pydantic.AfterValidator(_aware)] | None = None
    generatorURL: str = ""
    fingerprint: Annotated[str, pydantic.StringConstraints(min_length=1, max_length=64)]

    @pydantic.field_validator("labels")
    @classmethod
    def _has_alertname(cls, labels: dict[str, str]) -> dict[str, str]:
        if not labels.get("alertname"):
            raise ValueError("labels must include a non-empty alertname.")
        if overlong := overlong_labels(labels):
            raise ValueError(f"labels {', '.join(overlong)} are longer than a Kubernetes name "
                             f"({MAX_NAME_LENGTH} characters).")
        return labels


class AlertValidator:
    """`AlertmanagerAlert` behind the interface of a DRF serializer: a dict, or ValidationError by field."""

    def run_validation(self, data: Any) -> dict[str, Any]:
        try:
            alert = AlertmanagerAlert.model_validate(data)
        except pydantic.ValidationError as exc:
            errors: dict[str, list[str]] = {}
            for error in exc.errors(include_url=False):
                name = str(error["loc"][0]) if error["loc"] else "non_field_errors"
                errors.setdefault(name, []).append(error["msg"])
            raise serializers.ValidationError(errors) from None
        return vars(alert)


class AlertListField(serializers.ListField):
    """A non-empty list of JSON objects, checked shallowly: each alert is validated on its own afterwards (a
    ListField of DictFields walked every key of every alert: 2.4 ms of a 50-alert notification, by cProfile)."""

    child = serializers.DictField()  # what the schema shows

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not data:
            self.fail("empty")
        return data


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
    alerts = AlertListField(allow_empty=False)


def alertmanager_key(alert: dict[str, Any]) -> tuple[str, str]:
    """An alert's (fingerprint, status) as recorded: what tells a redelivery from news."""
    return (make_fingerprint(EventSource.ALERTMANAGER, alert["fingerprint"]),
            EventStatus.RESOLVED if alert["status"] == "resolved" else EventStatus.FIRING)


def to_transition(alert: dict[str, Any], raw: dict[str, Any], clusters: dict[str, Cluster]) -> Transition:
    labels: dict[str, str] = alert["labels"]
    annotations: dict[str, str] = alert["annotations"]
    object_kind, object_name = next(
        ((kind, labels[key]) for key, kind in OBJECT_LABELS if labels.get(key)), ("", "")
    )
    fingerprint, status = alertmanager_key(alert)
    resolved = status == EventStatus.RESOLVED
    ends_at: datetime | None = alert.get("endsAt")
    occurred_at = ends_at if resolved and ends_at and ends_at.year > 1 else alert["startsAt"]
    message = annotations.get("summary") or annotations.get("description") or annotations.get("message") or ""
    cluster = clusters.get(labels.get("cluster", ""))
    workload = workload_of_alert(labels)
    return Transition(
        # Alertmanager's fingerprint is a hash of the alert's labels: the same alert, whatever the delivery.
        fingerprint=fingerprint,
        # An alert about a workload of a known cluster joins that workload's incident, beside what the
        # cluster's own detectors found; any other alert is its own group.
        group_key=workload_group_key(cluster, "" if workload[0] == "Node" else labels.get("namespace", ""),
                                     *workload) if cluster is not None and workload else fingerprint,
        source=EventSource.ALERTMANAGER,
        status=status,
        reason=labels["alertname"][:120],
        severity=SEVERITIES.get(labels.get("severity", "").lower(), Severity.WARNING),
        cluster=cluster,
        namespace=labels.get("namespace", ""),
        object_kind=object_kind,
        object_name=object_name,
        message=message,
        labels=labels,
        occurred_at=occurred_at,
        payload=raw,
    )


def workload_of_alert(labels: dict[str, str]) -> tuple[str, str] | None:
    """The workload (or node) an alert is about, from its labels; None when they do not say."""
    for key, kind in WORKLOAD_LABELS:
        if labels.get(key):
            return kind, labels[key]
    if pod := labels.get("pod"):
        match = DEPLOYMENT_POD.match(pod)
        return ("Deployment", match["deployment"]) if match else ("Pod", pod)
    if node := labels.get("node"):
        return "Node", node
    return None


@dataclass
class IntakeResult:
    received: int = 0
    recorded: int = 0  # transitions that became events (the rest were repeats)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "recorded": self.recorded,
                "duplicates": self.received - self.recorded - len(self.rejected), "rejected": self.rejected}


def _refuse_unstorable(raw: Any) -> None:
    """Refuse what no database stores (NUL, lone surrogates) with the alert, not the whole batch."""
    if (reason := unstorable(raw)) is not None:
        raise serializers.ValidationError({"non_field_errors": [reason]})


def ingest_alerts(alerts: list[Any], validator: Validator, to_transition: Any, *, may_hold_unstorable: bool = True,
                  key: Key | None = None, grouped: bool = False) -> IntakeResult:
    """Record every valid alert; report invalid ones by index. Redelivery is a no-op.

    `may_hold_unstorable=False`: the caller knows no string holds U+0000 or a lone surrogate (see
    `may_hold_unstorable`), which spares encoding each alert again to look for them.
    """
    result = IntakeResult(received=len(alerts))
    valid: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index, raw in enumerate(alerts):
        try:
            if may_hold_unstorable:  # first: a validation error would quote the value, which cannot be written
                _refuse_unstorable(raw)
            alert = validator.run_validation(raw)  # one serializer instance: fields built once
            valid.append((alert, raw))
        except serializers.ValidationError as exc:
            result.rejected.append({"index": index, "fingerprint": raw.get("fingerprint") if isinstance(raw, dict)
                                    else None, "errors": exc.detail})
    return record_valid(result, valid, to_transition, key=key, grouped=grouped)


def record_valid(result: IntakeResult, valid: list[tuple[dict[str, Any], dict[str, Any]]], to_transition: Any,
                 *, key: Key | None = None, grouped: bool = False) -> IntakeResult:
    """Record alerts already validated, each (validated fields, the alert as received).

    `key`: an alert's (fingerprint, status) as `to_transition` would record it, to recognise a redelivery of
    nothing new by one read, before building anything. `grouped`: the alerts are one Alertmanager notification,
    told to the operators in one message (incidents.announce).
    """
    ahead = read_ahead([key(alert) for alert, _ in valid]) if key is not None else None
    if ahead is not None and ahead.nothing_new:
        return _rejections_logged(result)
    # Only the clusters the alerts name (most name none: no query at all).
    names = {name for alert, _ in valid for name in (alert.get("cluster"), alert.get("labels", {}).get("cluster"))
             if name and isinstance(name, str)}
    clusters = {c.name: c for c in Cluster.objects.filter(name__in=names)} if names else {}
    transitions = [to_transition(alert, raw, clusters) for alert, raw in valid]
    # One transaction per notification (one commit, and consoles hear once); a few statements per chunk
    # of alerts, whether new or redelivered (what Alertmanager sends every repeat_interval).
    if not grouped:
        with batched_notices():
            result.recorded = len(record_transitions(transitions, ahead=ahead))
        return _rejections_logged(result)
    firing = sum(t.status == EventStatus.FIRING for t in transitions)
    with batched_notices(), collecting(firing) as batch:
        result.recorded = len(record_transitions(transitions, ahead=ahead, routed=batch.enqueue))
    return _rejections_logged(result)


REFUSALS_LOGGED = 3  # examples in the one log line of a notification's refused alerts


def refusals_summary(rejected: list[dict[str, Any]]) -> dict[str, Any]:
    """A notification's refused alerts for a log line: how many, how many per field, and the first few. One line
    whatever the count (a list of each alert's errors made 34 MB of log from one request of 100,000)."""
    fields = Counter(name for refusal in rejected if isinstance(refusal.get("errors"), dict)
                     for name in refusal["errors"])
    return {"rejected": len(rejected), "rejected_fields": dict(fields.most_common(10)),
            "examples": rejected[:REFUSALS_LOGGED]}


def _rejections_logged(result: IntakeResult) -> IntakeResult:
    if result.rejected:
        log.warning("alerts_rejected", **refusals_summary(result.rejected))
    return result


def ingest_notification(alerts: list[Any], *, may_hold_unstorable: bool = True) -> IntakeResult:
    return ingest_alerts(alerts, AlertValidator(), to_transition, may_hold_unstorable=may_hold_unstorable,
                         key=alertmanager_key, grouped=True)


def ingest_generic(alerts: list[Any]) -> IntakeResult:
    return ingest_alerts(alerts, GenericAlertSerializer(), generic_transition)


class GenericAlertSerializer(serializers.Serializer):
    """An alert from any system that can POST JSON: a name, a status and what it is about."""

    name = serializers.CharField(max_length=120)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    severity = serializers.ChoiceField(choices=SEVERITY_NAMES, required=False, default="warning")
    fingerprint = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    message = serializers.CharField(required=False, allow_blank=True, default="")
    cluster = serializers.CharField(max_length=63, required=False, allow_blank=True, default="")
    namespace = serializers.CharField(max_length=MAX_NAME_LENGTH, required=False, allow_blank=True, default="")
    object_kind = serializers.CharField(max_length=63, required=False, allow_blank=True, default="")
    object_name = serializers.CharField(max_length=MAX_NAME_LENGTH, required=False, allow_blank=True, default="")
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
