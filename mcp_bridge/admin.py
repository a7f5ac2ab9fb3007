from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.models import McpServer, McpServerState, McpTool
from mcp_bridge.registry import refresh_tools


@admin.register(McpServer)
class McpServerAdmin(admin.ModelAdmin):
    """Servers added here join those of `.mcp-config.json`. Only superusers may add or change them: a stdio
    server is a command the workers run."""

    list_display = ["name", "type", "enabled", "description"]
    list_filter = ["type", "enabled"]
    fieldsets = [
        (None, {"fields": ["name", "enabled", "type", "description"]}),
        ("stdio", {"fields": ["command", "args", "env"]}),
        ("SSE / streamable HTTP", {"fields": ["url", "headers"]}),
        ("Policy and limits", {"fields": ["policy", "max_concurrency", "timeout_seconds"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: McpServer | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: McpServer | None = None) -> bool:
        return request.user.is_superuser


@admin.register(McpServerState)
class McpServerStateAdmin(admin.ModelAdmin):
    """Each server's health as the workers last saw it (written when it changes)."""

    list_display = ["server", "state", "changed_at", "error"]
    readonly_fields = ["server", "state", "changed_at", "error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: McpServerState | None = None) -> bool:
        return False


@admin.register(McpTool)
class McpToolAdmin(admin.ModelAdmin):
    """The registry, as the servers last answered `tools/list`: read-only, refreshed by the action."""

    list_display = ["name", "server", "read_only", "destructive", "refreshed_at"]
    list_filter = ["server"]
    search_fields = ["name", "description"]
    readonly_fields = ["server", "name", "description", "input_schema", "annotations", "refreshed_at"]
    actions = ["refresh"]

    @admin.display(boolean=True)
    def read_only(self, tool: McpTool) -> bool | None:
        return tool.annotations.get("read_only_hint")

    @admin.display(boolean=True)
    def destructive(self, tool: McpTool) -> bool | None:
        return tool.annotations.get("destructive_hint")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: McpTool | None = None) -> bool:
        return False

    @admin.action(description="Ask the servers of the selected tools for their tools again")
    def refresh(self, request: HttpRequest, queryset: QuerySet[McpTool]) -> None:
        for server in sorted(set(queryset.values_list("server", flat=True))):
            try:
                tools = refresh_tools(server)
            except McpBridgeError as exc:
                self.message_user(request, f"{server}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{server}: {len(tools)} tools", messages.SUCCESS)
