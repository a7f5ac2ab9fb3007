from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone

from aiops_project.env import namespace_names, split_names
from incidents.matching import RuleError, compile_rule, compile_silence
from incidents.rca.conditions import validate_rca_categories


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Cluster(models.Model):
    """A Kubernetes cluster the agent watches and acts on, and how to reach it (kubeconfig, secret or in-cluster)."""

    class Kind(models.TextChoices):
        SIMULATED = "simulated", "Simulated cluster"
        KUBECONFIG = "kubeconfig", "Kubeconfig file"
        IN_CLUSTER = "in_cluster", "In-cluster service account"

    name = models.SlugField(max_length=63, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.KUBECONFIG)
    kubeconfig_path = models.CharField(
        max_length=500, blank=True, help_text="Path to a kubeconfig file (kind=kubeconfig)."
    )
    kubeconfig_secret = models.CharField(
        max_length=253, blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$", "A file name: letters, digits, . _ -")],
        help_text="Or: the name of a secret mounted as a file in AIOPS_SECRETS_DIR (e.g. a Docker or Kubernetes "
                  "secret) that holds the kubeconfig. The file is read when connecting, never shown.",
    )
    context = models.CharField(max_length=200, blank=True, help_text="Kubeconfig context; empty = current.")
    namespaces = models.CharField(
        max_length=2000, blank=True,
        help_text="Empty: the whole cluster. Or the namespaces the credentials may read (comma or space separated), "
                  "for a service account with Roles in those namespaces only: detection lists and watches each of "
                  "them and skips nodes (cluster-scoped), and tools refuse every other namespace.")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.KUBECONFIG and bool(self.kubeconfig_path) == bool(self.kubeconfig_secret):
            raise ValidationError("A kubeconfig cluster needs a kubeconfig path or a secret name (one of them).")
        if self.kind != self.Kind.KUBECONFIG and (self.kubeconfig_path or self.kubeconfig_secret):
            raise ValidationError(f"A {self.get_kind_display().lower()} takes no kubeconfig path or secret.")
        try:
            self.namespaces = ",".join(namespace_names(self.namespaces))
        except ValueError as exc:
            raise ValidationError({"namespaces": str(exc)}) from None

    @property
    def watched_namespaces(self) -> tuple[str, ...]:
        """The namespaces detection and tools keep to, sorted; empty: the whole cluster."""
        return tuple(split_names(self.namespaces))

    @property
    def resolved_kubeconfig(self) -> str:
        if self.kind == self.Kind.SIMULATED:
            return str(settings.SIMCLUSTER_KUBECONFIG)
        if self.kubeconfig_secret:
            return str(settings.SECRETS_DIR / self.kubeconfig_secret)
        return self.kubeconfig_path

    def tool_env(self) -> dict[str, str]:
        """Environment that points a Kubernetes MCP server at this cluster (and keeps it to its namespaces)."""
        limit = {"KUBE_ALLOWED_NAMESPACES": ",".join(self.watched_namespaces)} if self.namespaces else {}
        if self.kind == self.Kind.IN_CLUSTER:
            return {"KUBECONFIG": "", "KUBE_CONTEXT": "", **limit}
        return {"KUBECONFIG": self.resolved_kubeconfig, "KUBE_CONTEXT": self.context, **limit}


class DetectionProblem(models.Model):
    """A kind of object detection cannot read in a cluster right now, and why (e.g. a missing RBAC permission).

    One row per (cluster, kind, reporter): the poll and the watcher each report what they see. A row exists
    while the problem lasts; it is written when the problem starts or changes and deleted when it ends.
    """

    class Reporter(models.TextChoices):
        POLL = "poll", "Poll"
        WATCH = "watch", "Watcher"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="detection_problems")
    kind = models.CharField(max_length=63, help_text="The object kind, e.g. Job.")
    reporter = models.CharField(max_length=10, choices=Reporter.choices)
    summary = models.CharField(
        max_length=300, help_text="What is missing, without identities or addresses (shown by /ready), e.g. "
                                  "'forbidden: list jobs.batch at the cluster scope'.")
    detail = models.TextField(help_text="What failed, in the API server's words where it gave any (admin only).")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cluster", "kind", "reporter"]
        constraints = [models.UniqueConstraint(fields=["cluster", "kind", "reporter"],
                                               name="one_problem_per_cluster_kind_reporter")]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.kind} ({self.reporter})"


class EventSource(models.TextChoices):
    KUBERNETES = "kubernetes", "Kubernetes"
    ALERTMANAGER = "alertmanager", "Alertmanager"
    WEBHOOK = "webhook", "Generic webhook"


class EventStatus(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"


def make_fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


class SignalQuerySet(models.QuerySet["Signal"]):
    def firing(self) -> SignalQuerySet:
        return self.filter(status=EventStatus.FIRING)


class Signal(models.Model):
    """The current state of one fingerprint: the deduplication key for the append-only event log.

    A transition (firing -> resolved or back) is recorded only by the caller whose conditional
    UPDATE flipped the status, so two pollers seeing the same failure record one event.
    """

    fingerprint = models.CharField(max_length=40, unique=True)
    group_key = models.CharField(
        max_length=40, blank=True, help_text="What the signal is about (e.g. its workload): one incident per group."
    )
    # No index of its own: the (cluster, source, status) index below leads with it.
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    source = models.CharField(max_length=20, choices=EventSource.choices)
    status = models.CharField(max_length=10, choices=EventStatus.choices)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    last_transition_at = models.DateTimeField(default=timezone.now)
    transitions = models.PositiveIntegerField(default=1)
    flapping = models.BooleanField(
        default=False, help_text="Too many transitions within AIOPS_FLAP_WINDOW_SECONDS: no playbook starts."
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["cluster", "source", "status"]), models.Index(fields=["group_key", "status"])]

    def __str__(self) -> str:
        return f"{self.fingerprint} ({self.status})"


class ClusterEvent(models.Model):
    """Append-only: each state change is a new row; rows are never updated."""

    TIME_FIELD = "occurred_at"

    fingerprint = models.CharField(max_length=40)  # indexed by (fingerprint, recorded_at) below
    group_key = models.CharField(max_length=40, blank=True, db_index=True)
    source = models.CharField(max_length=20, choices=EventSource.choices)
    reason = models.CharField(max_length=120, help_text="What happened, e.g. CrashLoopBackOff or an alertname.")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    status = models.CharField(max_length=10, choices=EventStatus.choices)
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    namespace = models.CharField(max_length=253, blank=True)
    object_kind = models.CharField(max_length=63, blank=True)
    object_name = models.CharField(max_length=253, blank=True)
    message = models.TextField(blank=True)
    labels = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(
        default=dict, blank=True, help_text="The source record as received (e.g. an Alertmanager alert)."
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    flapping = models.BooleanField(default=False, help_text="Recorded while its signal was flapping.")
    incident = models.ForeignKey(
        "Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["source", "reason"]),
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["fingerprint", "recorded_at"]),  # flapping: transitions of one signal lately
            models.Index(fields=["reason", "incident"]),  # the incidents with an event of a reason (incidents.search)
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.status} {self.namespace}/{self.object_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("ClusterEvent is append-only: record a new event instead of changing one.")
        super().save(*args, **kwargs)

    def as_context(self) -> dict[str, Any]:
        """The event as seen by rule matchers and playbook argument templates."""
        return {
            "id": self.pk,
            "fingerprint": self.fingerprint,
            "group_key": self.group_key,
            "source": self.source,
            "reason": self.reason,
            "severity": self.severity,
            "status": self.status,
            "cluster": self.cluster.name if self.cluster else "",
            "namespace": self.namespace,
            "object_kind": self.object_kind,
            "object_name": self.object_name,
            "message": self.message,
            "labels": dict(self.labels),
        }


class Rule(models.Model):
    """Which events open an incident, notify, run an RCA or start a playbook, and how often (YAML or admin)."""

    name = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    priority = models.IntegerField(default=100, help_text="Lower runs first.")
    source = models.CharField(max_length=20, choices=EventSource.choices, blank=True, help_text="Empty = any.")
    reasons = models.JSONField(default=list, blank=True, help_text="Event reasons to match; empty = any.")
    min_severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    namespace_pattern = models.CharField(max_length=253, default="*", help_text="Glob, e.g. prod-*")
    namespace_regex = models.CharField(
        max_length=500, blank=True, help_text="A regular expression the namespace must match in full; empty = any."
    )
    clusters = models.JSONField(default=list, blank=True, help_text="Cluster names to match; empty = any.")
    object_kinds = models.JSONField(default=list, blank=True, help_text="Object kinds (Pod, Node, ...); empty = any.")
    object_name_pattern = models.CharField(max_length=253, default="*", help_text="Glob on the object's name.")
    labels = models.JSONField(default=dict, blank=True, help_text="Labels that must be equal.")
    label_matchers = models.JSONField(
        default=list, blank=True,
        help_text='Label conditions: [{"key": "team", "op": "in", "values": ["a", "b"]}]; op is one of '
                  "equals, not_equals, in, not_in, regex, exists, absent.",
    )
    annotation_matchers = models.JSONField(
        default=list, blank=True, help_text="Conditions on annotations (alerts carry them), as label_matchers."
    )
    min_count = models.PositiveIntegerField(
        default=1, help_text="Match only once the signal has fired this many times within count_window_seconds."
    )
    count_window_seconds = models.PositiveIntegerField(default=0)
    cooldown_seconds = models.PositiveIntegerField(
        default=0, help_text="After acting for a workload (incident group), act again for it only after this long."
    )
    open_incident = models.BooleanField(default=True)
    playbook = models.ForeignKey(
        "remediation.Playbook", null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    run_rca = models.BooleanField(default=False, help_text="Run a root-cause analysis of the incident.")
    rca_in = models.JSONField(default=list, blank=True, validators=[validate_rca_categories], help_text=(
        "RCA categories: the playbook runs only for these root causes (analysed before its first step)."))
    notify = models.BooleanField(
        default=False, help_text="Tell the operators when it matches: on the web console, and on the chat "
                                 "channels that are configured.")
    stop_after_match = models.BooleanField(default=True)
    source_file = models.CharField(max_length=500, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            compile_rule(self)
        except RuleError as exc:
            raise ValidationError({exc.field: str(exc)}) from None


class SilenceQuerySet(models.QuerySet["Silence"]):
    def active(self, at: Any = None) -> SilenceQuerySet:
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class Silence(models.Model):
    """A maintenance window: events it matches are recorded, but no rule acts on them while it lasts."""

    comment = models.CharField(max_length=300, help_text="Why, e.g. 'node pool upgrade, CHG-1234'.")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=EventSource.choices, blank=True, help_text="Empty = any.")
    reasons = models.JSONField(default=list, blank=True, help_text="Event reasons; empty = any.")
    clusters = models.JSONField(default=list, blank=True, help_text="Cluster names; empty = any.")
    namespace_pattern = models.CharField(max_length=253, default="*", help_text="Glob, e.g. prod-*")
    label_matchers = models.JSONField(default=list, blank=True, help_text="As a rule's label_matchers.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SilenceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ends_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="silence_ends_after_it_starts")]

    def __str__(self) -> str:
        return f"{self.comment} ({self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M} UTC)"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A silence must end after it starts."})
        try:
            compile_silence(self)
        except RuleError as exc:
            raise ValidationError({exc.field: str(exc)}) from None


class RuleFiring(models.Model):
    """When a rule last acted for a group: its cooldown, claimed by a conditional UPDATE across all workers."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    group_key = models.CharField(max_length=40)
    last_fired_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "group_key"], name="one_firing_per_rule_and_group")]

    def __str__(self) -> str:
        return f"{self.rule} last acted for {self.group_key} at {self.last_fired_at:%Y-%m-%d %H:%M:%S}"


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=Incident.Status.RESOLVED)


class Incident(models.Model):
    """A problem a person may act on: the events of one group key (workload, node or alert), open to resolved."""

    TIME_FIELD = "opened_at"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    fingerprint = models.CharField(max_length=40, db_index=True, help_text="The fingerprint of the opening event.")
    group_key = models.CharField(
        max_length=40, db_index=True,
        help_text="Events with this group key (the same workload, node or alert) belong to this incident.",
    )
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.PROTECT)
    namespace = models.CharField(max_length=253, blank=True)
    object_kind = models.CharField(max_length=63, blank=True)
    object_name = models.CharField(max_length=253, blank=True)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL)
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        # The incident history, newest first (incidents.search): read in order, not sorted (bench/incident_search.py).
        indexes = [models.Index(fields=["opened_at", "id"])]
        constraints = [
            # At most one unresolved incident per group, even with concurrent pollers.
            models.UniqueConstraint(
                fields=["group_key"],
                condition=~models.Q(status="resolved"),
                name="one_unresolved_incident_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    def resolve(self) -> bool:
        """Resolve if still unresolved; returns whether this call changed it."""
        with transaction.atomic():
            # Lock the row: a concurrent acknowledge must not overwrite the resolution.
            incident = Incident.objects.select_for_update().get(pk=self.pk)
            if incident.status == self.Status.RESOLVED:
                return False
            incident.status = self.Status.RESOLVED
            incident.resolved_at = timezone.now()
            incident.save(update_fields=["status", "resolved_at"])
        self.status, self.resolved_at = incident.status, incident.resolved_at
        return True

    def reopen(self) -> bool:
        """Resolved -> open again; False if it is not resolved, or another incident of its group is open."""
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=self.pk)
            if incident.status != self.Status.RESOLVED:
                return False
            if Incident.objects.open().filter(group_key=incident.group_key).exists():
                return False
            incident.status, incident.resolved_at = self.Status.OPEN, None
            incident.save(update_fields=["status", "resolved_at"])
        self.status, self.resolved_at = incident.status, incident.resolved_at
        return True

    def acknowledge(self, *, by: Any) -> bool:
        """Open -> acknowledged (someone is on it); returns whether this call changed it."""
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=self.pk)
            if incident.status != self.Status.OPEN:
                return False
            incident.status = self.Status.ACKNOWLEDGED
            incident.acknowledged_at = timezone.now()
            incident.acknowledged_by = by
            incident.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        self.status, self.acknowledged_at, self.acknowledged_by = incident.status, incident.acknowledged_at, by
        return True

    def timeline(self) -> list[AuditEntry]:
        return list(self.audit_entries.select_related("actor").order_by("at", "id"))


class RootCauseReport(models.Model):
    """One root-cause analysis of an incident (the engine's whole answer in `report`)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="rca_reports")
    engine = models.CharField(max_length=20, default="deterministic")
    category = models.CharField(max_length=40)
    confidence = models.FloatField()
    summary = models.TextField()
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RCA of incident #{self.incident_id}: {self.category}"


class AuditEntry(models.Model):
    """Who did what, when, through which channel. Also the incident timeline."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150, default="system")
    action = models.CharField(max_length=60, db_index=True)
    via = models.CharField(max_length=20, blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


# The leader lease lives beside its backend (leases.py); imported here so that Django registers the model.
from incidents.leases import LeaderLease  # noqa: E402, F401
