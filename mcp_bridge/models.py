from __future__ import annotations

import re

from django.db import models
from django.utils import timezone


class McpServer(models.Model):
    """A server added in the admin, next to those of `.mcp-config.json` (same fields, same checks; a name
    the file already uses is refused). Secrets go in env/headers as `${VAR}`, read from the environment."""

    class Type(models.TextChoices):
        STDIO = "stdio", "stdio (a local command)"
        SSE = "sse", "SSE"
        STREAMABLE_HTTP = "streamable_http", "streamable HTTP"

    name = models.SlugField(max_length=100, unique=True)
    enabled = models.BooleanField(default=True)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.STREAMABLE_HTTP)
    description = models.CharField(max_length=300, blank=True)
    command = models.CharField(max_length=500, blank=True, help_text="stdio: the program to start.")
    args = models.JSONField(default=list, blank=True, help_text='stdio: e.g. ["-m", "my_server"]')
    env = models.JSONField(default=dict, blank=True, help_text='stdio: e.g. {"API_KEY": "${MY_API_KEY}"}')
    url = models.CharField(max_length=500, blank=True, help_text="SSE / streamable HTTP: the http(s) endpoint.")
    headers = models.JSONField(default=dict, blank=True, help_text='e.g. {"Authorization": "Bearer ${TOKEN}"}')
    policy = models.JSONField(
        default=dict, blank=True,
        help_text='{"allow": [...], "deny": [...], "risk": {"tool": "LOW"}, "allow_sensitive": []}')
    max_concurrency = models.PositiveSmallIntegerField(default=4)
    timeout_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "MCP server"

    def __str__(self) -> str:
        return self.name

    def as_entry(self) -> dict[str, object]:
        """The server as an `mcpServers` entry of the config file."""
        entry: dict[str, object] = {"type": self.type, "description": self.description, "policy": self.policy,
                                    "max_concurrency": self.max_concurrency}
        if self.timeout_seconds:
            entry["timeout_seconds"] = self.timeout_seconds
        if self.type == self.Type.STDIO:
            entry |= {"command": self.command, "args": self.args, "env": self.env}
        else:
            entry |= {"url": self.url, "headers": self.headers}
        return entry

    def clean(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ValidationError

        from mcp_bridge.config import load_config, parse_server
        from mcp_bridge.exceptions import McpConfigError

        try:
            if self.name in load_config(settings.MCP_CONFIG_FILE):
                raise ValidationError({"name": f"{settings.MCP_CONFIG_FILE} defines a server {self.name!r} already."})
        except McpConfigError:
            pass  # the file's own problem, reported at start-up
        try:
            parse_server(self.name, self.as_entry())
        except McpConfigError as exc:
            raise ValidationError(str(exc)) from None


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


# The causes /ready may name: the kind of failure, never its text (which may quote a server's stderr or URL).
_PUBLIC_CAUSES = tuple(re.compile(p) for p in (
    r"HTTP [1-5]\d\d(?: [A-Z][A-Za-z-]*)*",  # the reason phrase's Title Case words: "HTTP 503 Service Unavailable"
    r"no answer within [\d.]+ s", r"command not found", r"the server closed the connection",
    r"(?<=: )[A-Za-z]*(?:Connect|Timeout)\w*"))


def public_cause(error: str) -> str:
    """The kind of a server's failure, fit for /ready ("HTTP 401 Unauthorized"); "" when it is not one of those."""
    problem = error.split("; its stderr ends with:", 1)[0]
    return next((m.group(0) for regex in _PUBLIC_CAUSES if (m := regex.search(problem))), "")


def server_states() -> dict[str, dict[str, str]]:
    """Each server's state for /ready, and for one that is down the kind of failure ("HTTP 401 Unauthorized"): the
    errors themselves (which may quote a server's stderr) are for the admin, not the world."""
    states: dict[str, dict[str, str]] = {}
    for s in McpServerState.objects.all():
        states[s.server] = {"state": s.state, "since": s.changed_at.isoformat()}
        if s.state == "down" and (cause := public_cause(s.error)):
            states[s.server]["cause"] = cause
    return states


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
