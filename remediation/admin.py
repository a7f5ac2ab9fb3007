from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from remediation.models import (
    Approval,
    ApproverScope,
    Playbook,
    PlaybookRun,
    PlaybookStep,
    StepRun,
    rollback_problem,
)


class PlaybookStepFormSet(BaseInlineFormSet):
    """What no single step can judge: the steps' failure handling as a whole (as the YAML import does)."""

    def clean(self) -> None:
        super().clean()
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("A playbook needs at least one step.")
        ordered = sorted(kept, key=lambda data: data.get("order") or 0)
        if problem := rollback_problem([(d.get("on_failure", ""), bool(d.get("is_rollback"))) for d in ordered]):
            raise ValidationError(problem)


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    formset = PlaybookStepFormSet
    extra = 0


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "approval_timeout_seconds", "source_file"]
    inlines = [PlaybookStepInline]
    readonly_fields = ["source_file"]


class StepRunInline(admin.TabularInline):
    model = StepRun
    extra = 0
    fields = readonly_fields = ("order", "name", "tool", "risk", "status", "started_at", "finished_at", "error")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: PlaybookRun | None = None) -> bool:
        return False


@admin.register(PlaybookRun)
class PlaybookRunAdmin(admin.ModelAdmin):
    list_display = ["id", "playbook", "incident", "status", "created_at", "finished_at"]
    list_filter = ["status", "playbook"]
    inlines = [StepRunInline]
    readonly_fields = ["playbook", "incident", "trigger_event", "status", "created_at", "finished_at"]


@admin.register(StepRun)
class StepRunAdmin(admin.ModelAdmin):
    list_display = ["id", "run", "order", "name", "tool", "risk", "status", "started_at", "finished_at"]
    list_filter = ["status", "risk", "tool"]
    readonly_fields = [f.name for f in StepRun._meta.fields]


@admin.register(ApproverScope)
class ApproverScopeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "group"]


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the console or API so they pass the permission helper."""

    list_display = ["id", "step_run", "status", "requested_at", "expires_at", "decided_by", "decided_via"]
    list_filter = ["status", "decided_via"]
    readonly_fields = [f.name for f in Approval._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
