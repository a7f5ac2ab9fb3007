from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from aiops_project.redaction import redact, redact_data
from incidents.rca.conditions import validate_rca_categories
from mcp_bridge.registry import step_problems


class Risk(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class Playbook(models.Model):
    """A named remediation: ordered steps (MCP tool calls), with its approval timeout and hourly run budget."""

    name = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    approval_timeout_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the default approval expiry for this playbook's steps."
    )
    max_runs_per_hour = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Remediation budget: at most this many runs per workload (incident group) in any hour; "
                  "beyond it the playbook does not start and the timeline says why. Empty = no limit.",
    )
    parameters = models.JSONField(
        default=dict, blank=True,
        help_text='Named values (true/false, numbers, text) its steps read as {{ params.NAME }} and test in their '
                  '"when" conditions, e.g. {"drain": false}.',
    )
    source_file = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def approval_timeout(self) -> timedelta:
        if self.approval_timeout_seconds:
            return timedelta(seconds=self.approval_timeout_seconds)
        return settings.APPROVAL_TIMEOUT


class OnFailure(models.TextChoices):
    STOP = "stop", "Stop the run"
    CONTINUE = "continue", "Continue with the next step"
    ROLLBACK = "rollback", "Run the rollback steps, then stop"


class StepSettings(models.Model):
    """How a step runs: shared by the playbook's definition and the run's snapshot of it."""

    timeout_seconds = models.PositiveIntegerField(default=60)
    retries = models.PositiveSmallIntegerField(default=0, help_text="Further attempts after a failure.")
    retry_backoff_seconds = models.PositiveIntegerField(
        default=5, help_text="Wait before the first retry; doubles with each further one."
    )
    on_failure = models.CharField(max_length=10, choices=OnFailure.choices, default=OnFailure.STOP)
    is_rollback = models.BooleanField(
        default=False, help_text="Runs only when an earlier step fails with on_failure=rollback."
    )
    verify_after_seconds = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="After success, wait this long, then record whether the triggering signal resolved.",
    )
    rca_in = models.JSONField(
        default=list, blank=True, validators=[validate_rca_categories],
        help_text="RCA categories: the step runs only when the incident's root cause is one of them.")
    rca_not_in = models.JSONField(
        default=list, blank=True, validators=[validate_rca_categories],
        help_text="RCA categories: the step is skipped when the incident's root cause is one of them.")

    class Meta:
        abstract = True


def rollback_problem(steps: list[tuple[str, bool]]) -> str | None:
    """Why a playbook's steps, as (on_failure, is_rollback) in order, cannot work together; None if they can."""
    if any(on_failure == OnFailure.ROLLBACK for on_failure, _ in steps) and not any(r for _, r in steps):
        return "a step has on_failure: rollback, but no step is marked rollback: true"
    if any(r and on_failure == OnFailure.ROLLBACK for on_failure, r in steps):
        return "a rollback step cannot itself roll back (on_failure: stop or continue)"
    if steps and all(r for _, r in steps):
        return "every step is a rollback step: nothing would ever run"
    return None


class PlaybookStep(StepSettings):
    """One step of a playbook as defined: the MCP tool it calls, its templated arguments and its risk."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    server = models.CharField(max_length=100, default="kubernetes", help_text="MCP server name.")
    tool = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict, blank=True, help_text="Values may use {{ event.* }} templates.")
    risk = models.CharField(max_length=6, choices=Risk.choices, default=Risk.HIGH)
    when = models.CharField(
        max_length=500, blank=True,
        help_text="A condition over event, incident and params (e.g. params.drain): the step runs only when it "
                  "holds, else the run shows it skipped. Empty: always.",
    )

    class Meta:
        ordering = ["playbook", "order"]
        constraints = [models.UniqueConstraint(fields=["playbook", "order"], name="unique_step_order")]

    def __str__(self) -> str:
        return f"{self.playbook.name}#{self.order} {self.name}"

    def clean(self) -> None:
        """Refuse, when the step is saved, a template that could never render (not when it runs)."""
        from remediation.templating import condition_problem, template_problems

        params = list((self.playbook.parameters or {}) if self.playbook_id else {})
        if problems := [f"{'.'.join(map(str, loc)) or 'arguments'}: {why}"
                        for loc, why in template_problems(self.arguments, params=params)]:
            raise ValidationError({"arguments": problems})
        if self.when and (problem := condition_problem(self.when, params)) is not None:
            raise ValidationError({"when": problem})
        errors: dict[str, list[str]] = {}
        for where, why in step_problems(self.server, self.tool, self.arguments or {}, self.risk):
            field = where[0]
            errors.setdefault(field, []).append(f"{'.'.join(where[1:])}: {why}" if len(where) > 1 else why)
        if errors:
            raise ValidationError(errors)


class PlaybookRun(models.Model):
    """One execution of a playbook, for an incident or a person's request, from start to its final status."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        WAITING_APPROVAL = "waiting_approval", "Waiting for approval"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Approval expired"
        SKIPPED = "skipped", "Not run: not for this root cause"

    FINISHED = {Status.SUCCEEDED, Status.FAILED, Status.REJECTED, Status.EXPIRED, Status.SKIPPED}

    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="runs")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="playbook_runs"
    )
    trigger_event = models.ForeignKey(
        "incidents.ClusterEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cluster = models.ForeignKey(
        "incidents.Cluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The cluster its tools act on, when no incident says (an action asked for in chat).")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who asked for it, when a person did rather than a rule.")
    reply_to = models.JSONField(default=dict, blank=True,
                                help_text="The chat conversation that asked for it: its results go there too.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Rca(models.TextChoices):
        NONE = "", "Not asked"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed or timed out"

    # The root cause the run's changes are weighed against: analysed before its first step that needs an
    # approval (or that is conditioned on it), once per run.
    rca_state = models.CharField(max_length=10, choices=Rca.choices, default=Rca.NONE, blank=True)
    rca_requested_at = models.DateTimeField(null=True, blank=True)
    rca_report = models.ForeignKey("incidents.RootCauseReport", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    rca_in = models.JSONField(default=list, blank=True,
                              help_text="From the rule that started it: the root causes it runs for (empty: any).")

    class Meta:
        ordering = ["-created_at"]
        permissions = [("start_playbook", "Can start any playbook by hand, for an incident or a workload")]

    def __str__(self) -> str:
        return f"run #{self.pk} of {self.playbook.name}"


class StepRun(StepSettings):
    """One step of a run: the call as rendered, its status, attempts, output and log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        WAITING_APPROVAL = "waiting_approval", "Waiting for approval"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        SKIPPED = "skipped", "Skipped"

    run = models.ForeignKey(PlaybookRun, on_delete=models.CASCADE, related_name="step_runs")
    step = models.ForeignKey(PlaybookStep, null=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    server = models.CharField(max_length=100)
    tool = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict, blank=True, help_text="Rendered arguments: exactly what runs.")
    risk = models.CharField(max_length=6, choices=Risk.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    verified = models.BooleanField(null=True, blank=True, help_text="Did the remediation work? Empty: not checked.")
    verification = models.TextField(blank=True)
    output = models.TextField(blank=True)
    structured = models.JSONField(null=True, blank=True, help_text="The tool's structured content, if it gave any.")
    error = models.TextField(blank=True)
    log_lines = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True,
                                  help_text="When a queued step is due to start (its retry backoff included).")

    class Meta:
        ordering = ["run", "order"]
        constraints = [models.UniqueConstraint(fields=["run", "order"], name="unique_step_run_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def needs_approval(self) -> bool:
        return self.risk != Risk.LOW

    @property
    def execution_key(self) -> str:
        """The same for every attempt of this step: a tool that honours it acts once however often it is called."""
        return f"step-run-{self.pk}"

    def claim(self) -> bool:
        """Move QUEUED -> RUNNING; only one caller wins, so a redelivered task never runs a step twice."""
        now = timezone.now()
        won = StepRun.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.RUNNING, started_at=now, attempts=models.F("attempts") + 1
        )
        if won:
            self.status, self.started_at, self.attempts = self.Status.RUNNING, now, self.attempts + 1
        return bool(won)

    def log(self, line: str) -> None:
        self.log_lines = [*self.log_lines, f"{timezone.now().isoformat()} {redact(line)}"]

    def finish(self, *, ok: bool, output: str = "", error: str = "", structured: Any = None) -> None:
        """Record the outcome; redacted again here (run_tool already did), since errors come from elsewhere too."""
        self.status = self.Status.SUCCEEDED if ok else self.Status.FAILED
        self.output, self.error, self.structured = redact(output), redact(error), redact_data(structured)
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "output", "error", "structured", "finished_at", "log_lines"])


class ApprovalQuerySet(models.QuerySet["Approval"]):
    def pending(self) -> ApprovalQuerySet:
        return self.filter(status=Approval.Status.PENDING)

    def overdue(self) -> ApprovalQuerySet:
        return self.pending().filter(expires_at__lte=timezone.now())


class DecisionRefused(Exception):
    """A decision that cannot be taken (already decided, expired, not allowed); nothing changed."""


class DecisionNotAllowed(DecisionRefused):
    """The user may not decide this approval."""


class DecisionClosed(DecisionRefused):
    """The approval is no longer pending: decided already, or expired."""


class ApproverScope(models.Model):
    """Where someone may decide: a person (or a group's member) with any scope may decide only approvals
    whose cluster and namespace match one of their scopes. Someone with no scope is limited only by the
    approve_medium / approve_high permissions, as are superusers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="approver_scopes")
    group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="approver_scopes")
    clusters = models.JSONField(default=list, blank=True, help_text="Cluster names; empty = any.")
    namespaces = models.JSONField(default=list, blank=True, help_text="Namespace globs, e.g. shop-*; empty = any.")

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(models.Q(user__isnull=False, group__isnull=True)
                       | models.Q(user__isnull=True, group__isnull=False)),
            name="scope_for_a_user_or_a_group")]

    def __str__(self) -> str:
        who = self.user or self.group
        return f"{who}: clusters {self.clusters or 'any'}, namespaces {self.namespaces or 'any'}"

    def covers(self, cluster: str, namespace: str) -> bool:
        from fnmatch import fnmatchcase

        return ((not self.clusters or cluster in self.clusters)
                and (not self.namespaces or any(fnmatchcase(namespace, glob) for glob in self.namespaces)))


class Approval(models.Model):
    """The decision a MEDIUM or HIGH step waits for: who decided, through which channel, before it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    class Via(models.TextChoices):
        WEB = "web", "Web console"
        SLACK = "slack", "Slack"
        TELEGRAM = "telegram", "Telegram"
        API = "api", "API"
        SYSTEM = "system", "System"

    step_run = models.OneToOneField(StepRun, on_delete=models.CASCADE, related_name="approval")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    reason = models.TextField(blank=True)
    # Two-person rule (AIOPS_TWO_PERSON_HIGH): the first of two approvals of a HIGH step.
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    # The root cause as it stood when the approval was asked, and whether the step fits it: what every channel
    # shows beside the buttons ({"category", "confidence", "summary", "fit", "advice", "report_id"}; empty: no
    # analysis could be made).
    verdict = models.JSONField(default=dict, blank=True)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        permissions = [
            ("approve_medium", "Can approve MEDIUM-risk remediation steps"),
            ("approve_high", "Can approve HIGH-risk remediation steps"),
        ]

    def __str__(self) -> str:
        return f"approval #{self.pk} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return timezone.now() >= self.expires_at

    def decide(self, *, approve: bool, by: Any, via: str, reason: str = "") -> Approval:
        """Approve or reject a pending approval exactly once; raises DecisionRefused otherwise."""
        with transaction.atomic():
            # Lock the row: of two simultaneous decisions the second sees the first's result.
            approval = Approval.objects.select_for_update().get(pk=self.pk)
            if approval.status != self.Status.PENDING:
                raise DecisionClosed(f"Approval #{approval.pk} is already {approval.status}.")
            if approval.is_overdue:
                raise DecisionClosed(f"Approval #{approval.pk} expired at {approval.expires_at:%H:%M:%S} UTC.")
            if approve and approval.needs_two_people:
                if approval.first_approved_by_id is None:
                    # The first of two: recorded, still pending until a second person approves.
                    approval.first_approved_by, approval.first_approved_at = by, timezone.now()
                    approval.save(update_fields=["first_approved_by", "first_approved_at"])
                    return approval
                if approval.first_approved_by_id == by.pk:
                    raise DecisionNotAllowed(
                        f"You approved #{approval.pk} already: a HIGH-risk step needs a second person's approval.")
            approval.status = self.Status.APPROVED if approve else self.Status.REJECTED
            approval.decided_at = timezone.now()
            approval.decided_by = by
            approval.decided_via = via
            approval.reason = reason
            approval.save(update_fields=["status", "decided_at", "decided_by", "decided_via", "reason"])
        return approval

    @property
    def needs_two_people(self) -> bool:
        return settings.TWO_PERSON_HIGH and self.step_run.risk == Risk.HIGH

    def expire(self) -> bool:
        """PENDING -> EXPIRED if overdue; a conditional update, so concurrent sweepers expire it once."""
        changed = Approval.objects.filter(
            pk=self.pk, status=self.Status.PENDING, expires_at__lte=timezone.now()
        ).update(status=self.Status.EXPIRED, decided_at=timezone.now(), decided_via=self.Via.SYSTEM)
        return bool(changed)
