from __future__ import annotations

from django.db import models
from django.utils import timezone


class McpServerState(models.Model):
    """A server's health as the workers last saw it: `up` after a call that got an answer, `down` after one
    that did not (with why). Written when it changes, read by the admin and `/ready`."""

    server = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=10, default="unknown")
    error = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["server"]
        verbose_name = "MCP server state"

    def __str__(self) -> str:
        return f"{self.server}: {self.state}"


class McpTool(models.Model):
    """One tool a configured MCP server offers, as its last `tools/list` answered: the tool registry."""

    server = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    input_schema = models.JSONField(default=dict, blank=True)
    annotations = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["server", "name"]
        constraints = [models.UniqueConstraint(fields=["server", "name"], name="unique_server_tool")]
        verbose_name = "MCP tool"

    def __str__(self) -> str:
        return f"{self.server}.{self.name}"
