from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from incidents.clusters import delete_cluster, delete_clusters, save_cluster
from incidents.matching import RuleError
from incidents.models import (
    AuditEntry,
    Cluster,
    ClusterEvent,
    DetectionProblem,
    Incident,
    IncidentQuerySet,
    Rule,
    Signal,
    Silence,
)
from incidents.rules import replay_rule
from incidents.services import acknowledge_incident, close_incident


class DetectionProblemInline(admin.TabularInline):
    """What detection cannot read in this cluster now (e.g. a missing RBAC permission), per poll and watcher."""

    model = DetectionProblem
    fields = readonly_fields = ("kind", "reporter", "summary", "detail", "since")
    extra = 0
    can_delete = False
    verbose_name_plural = "Detection problems (kinds that cannot be read now)"

    def has_add_permission(self, request: HttpRequest, obj: Cluster | None = None) -> bool:
        return False


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    inlines = [DetectionProblemInline]
    list_display = ["name", "kind", "context", "namespaces", "enabled", "last_polled_at"]
    list_filter = ["kind", "enabled"]
    readonly_fields = ["last_polled_at", "last_poll_error"]
    fields = ["name", "kind", "kubeconfig_path", "kubeconfig_secret", "context", "namespaces", "enabled",
              "last_polled_at", "last_poll_error"]

    # Through the cluster services, so the cluster's poll schedule follows it at once.
    def save_model(self, request: HttpRequest, obj: Cluster, form: Any, change: bool) -> None:
        save_cluster(obj)

    def delete_model(self, request: HttpRequest, obj: Cluster) -> None:
        delete_cluster(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        delete_clusters(queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: viewable, never edited or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ClusterEvent)
class ClusterEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "source", "reason", "status", "severity", "cluster", "namespace",
                    "object_name", "incident"]
    list_filter = ["source", "status", "severity", "reason"]
    search_fields = ["fingerprint", "object_name", "namespace", "message"]
    date_hierarchy = "occurred_at"


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = ["fingerprint", "source", "status", "flapping", "cluster", "first_seen", "last_seen",
                    "transitions"]
    list_filter = ["source", "status"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "status", "severity", "cluster", "namespace", "opened_at", "resolved_at"]
    list_filter = ["status", "severity"]
    search_fields = ["title", "fingerprint", "object_name"]
    # The status changes only through the services (audited, resolved_at set, consoles told): see the action.
    readonly_fields = ["status", "fingerprint", "opened_at", "acknowledged_at", "acknowledged_by", "resolved_at"]
    actions = ["acknowledge_incidents", "close_incidents"]

    @admin.action(description="Acknowledge selected incidents", permissions=["change"])
    def acknowledge_incidents(self, request: HttpRequest, queryset: IncidentQuerySet) -> None:
        done = [i for i in queryset.open() if acknowledge_incident(i, actor=request.user, via="admin")]
        self.message_user(request, f"Acknowledged {len(done)} incident{pluralize(len(done))}.",
                          messages.SUCCESS if done else messages.WARNING)

    @admin.action(description="Close selected incidents", permissions=["change"])
    def close_incidents(self, request: HttpRequest, queryset: IncidentQuerySet) -> None:
        closed = [incident for incident in queryset.open() if close_incident(incident, actor=request.user, via="admin")]
        already = queryset.count() - len(closed)
        note = f"; {already} {pluralize(already, 'was,were')} resolved already." if already else "."
        self.message_user(request, f"Closed {len(closed)} incident{pluralize(len(closed))}{note}",
                          messages.SUCCESS if closed else messages.WARNING)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "priority", "source", "reasons", "namespace_pattern", "playbook"]
    list_filter = ["enabled", "source"]
    list_editable = ["enabled", "priority"]
    readonly_fields = ["source_file", "updated_at"]
    change_form_template = "admin/incidents/rule/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        test = self.admin_site.admin_view(self.test_view)
        return [path("<int:object_id>/test/", test, name="incidents_rule_test"), *super().get_urls()]

    def test_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Dry run: what the rule, as saved, would have matched and done over the last N days."""
        rule = get_object_or_404(Rule.objects.select_related("playbook"), pk=object_id)
        if not self.has_view_permission(request, rule):
            raise PermissionDenied
        days = request.GET.get("days", "7")
        if not days.isdigit() or not 1 <= int(days) <= 90:
            return HttpResponseBadRequest("days must be a whole number from 1 to 90")
        try:
            replay = replay_rule(rule, int(days))
        except RuleError as exc:
            return HttpResponseBadRequest(f"The rule cannot be compiled: {exc.field}: {exc}")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": rule,
                   "title": f"Test rule {rule.name}", "replay": replay, "rule": rule}
        return TemplateResponse(request, "admin/incidents/rule/test.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "via", "incident", "target_type", "target_id", "message"]
    list_filter = ["action", "via"]
    search_fields = ["message", "actor_label", "target_id"]
    date_hierarchy = "at"


@admin.register(Silence)
class SilenceAdmin(admin.ModelAdmin):
    list_display = ["comment", "starts_at", "ends_at", "source", "reasons", "clusters", "namespace_pattern",
                    "created_by"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Silence, form: Any, change: bool) -> None:
        if not change:
            assert isinstance(request.user, User)  # the admin's users are signed in
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
