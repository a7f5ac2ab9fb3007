"""`manage.py mcp servers | tools [--server NAME] | call TOOL --args JSON`: the MCP bridge from a shell.

Calls go through the same policy as playbook steps and chat (`mcp_bridge.calls.run_tool`): nobody
approves a command line, so only LOW-risk tools run from here; anything else is refused with the reason.
Exit codes: 0 done, 1 the tool ran and reported an error, 2 refused (policy, arguments, unknown tool)
or the server could not be reached.

It lives in the incidents app because `--cluster NAME` runs the tool against a registered cluster (the
bridge itself knows no clusters).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.models import Cluster
from mcp_bridge.calls import ArgumentRefusal, PolicyRefusal, run_tool
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.models import McpServerState
from mcp_bridge.policy import risk_of
from mcp_bridge.registry import configured_servers, refresh_tools, server_tools


class Command(BaseCommand):
    help = "List MCP servers and tools, or call a tool through the policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--config", type=Path, help="another MCP config file (default: AIOPS_MCP_CONFIG)")
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("servers", help="configured servers, their transport and last known health")
        tools = commands.add_parser("tools", help="tools with their risk under the policy")
        tools.add_argument("--server", help="only this server")
        tools.add_argument("--refresh", action="store_true", help="ask the servers again (tools/list)")
        call = commands.add_parser("call", help="call a tool (LOW risk only) and print the result as JSON")
        call.add_argument("tool", help="TOOL or SERVER.TOOL")
        call.add_argument("--args", dest="arguments", default="{}", help="the arguments, a JSON object")
        call.add_argument("--server", help="the server, when TOOL alone is ambiguous")
        call.add_argument("--cluster", help="a registered cluster: its credentials go to the server's env")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["config"]:
            settings.MCP_CONFIG_FILE = options["config"].resolve()
        try:
            servers = configured_servers()
        except McpBridgeError as exc:
            raise CommandError(str(exc), returncode=2) from None
        getattr(self, f"_{options['command']}")(servers, options)

    def _servers(self, servers: dict[str, Any], options: dict[str, Any]) -> None:
        health = {s.server: s for s in McpServerState.objects.all()}
        for name, config in sorted(servers.items()):
            where = config.url or " ".join([config.command or "", *config.args])
            state = health.get(name)
            seen = f"{state.state} since {state.changed_at:%Y-%m-%d %H:%M:%S}" if state else "not called yet"
            self.stdout.write(f"{name}\t{config.type}\t{where}\t{seen}" + (f"\t{state.error}" if state and
                                                                            state.error else ""))

    def _tools(self, servers: dict[str, Any], options: dict[str, Any]) -> None:
        names = [options["server"]] if options["server"] else sorted(servers)
        for name in names:
            if name not in servers:
                raise CommandError(f"unknown MCP server {name!r} (configured: {', '.join(sorted(servers))})",
                                   returncode=2)
            try:
                tools = ({t.name: t for t in refresh_tools(name)} if options["refresh"] else server_tools(name))
            except McpBridgeError as exc:
                self.stderr.write(f"{name}: {exc}")
                continue
            for tool in sorted(tools.values(), key=lambda t: t.name):
                risk, source = risk_of(servers[name], tool.name, tool.annotations)
                self.stdout.write(f"{name}.{tool.name}\t{risk}\t({source})")

    def _call(self, servers: dict[str, Any], options: dict[str, Any]) -> None:
        try:
            arguments = json.loads(options["arguments"])
        except ValueError as exc:
            raise CommandError(f"--args is not valid JSON: {exc}", returncode=2) from None
        if not isinstance(arguments, dict):
            raise CommandError("--args must be a JSON object", returncode=2)
        server, tool = self._resolve(servers, options["tool"], options["server"])
        env = None
        if options["cluster"]:
            cluster = Cluster.objects.filter(name=options["cluster"]).first()
            if cluster is None:
                known = ", ".join(Cluster.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"unknown cluster {options['cluster']!r} (registered: {known})", returncode=2)
            env = cluster.tool_env()
        try:
            result = run_tool(server, tool, arguments, caller="cli", env=env)
        except (PolicyRefusal, ArgumentRefusal) as exc:
            raise CommandError(f"refused: {exc}", returncode=2) from None
        except McpBridgeError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(json.dumps({"server": server, "tool": tool, "ok": result.ok, "text": result.text,
                                      "structured": result.structured, "error": result.error},
                                     indent=2, ensure_ascii=False))
        if not result.ok:
            sys.exit(1)

    def _resolve(self, servers: dict[str, Any], name: str, server: str | None) -> tuple[str, str]:
        """SERVER.TOOL, --server and TOOL, or a TOOL that exactly one server offers."""
        if server is None and "." in name and name.split(".", 1)[0] in servers:
            server, name = name.split(".", 1)
        if server is not None:
            return server, name
        offering = []
        for candidate in sorted(servers):
            try:
                if name in server_tools(candidate):
                    offering.append(candidate)
            except McpBridgeError:
                continue
        if len(offering) != 1:
            problem = (f"{len(offering)} servers offer it ({', '.join(offering)}): name one as SERVER.TOOL"
                       if offering else "no configured server offers it")
            raise CommandError(f"tool {name!r}: {problem}", returncode=2)
        return offering[0], name
