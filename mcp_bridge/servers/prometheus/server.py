"""The server: PromQL instant and range queries and metric names, read-only; and the command line."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from mcp_bridge.servers.prometheus.client import (
    MAX_POINTS,
    MAX_QUERY_CHARS,
    MAX_RANGE,
    Connection,
    Prometheus,
    PrometheusError,
    parse_duration,
    parse_time,
)
from mcp_bridge.servers.prometheus.summaries import summarise

READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
PromQL = Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS, description="a PromQL expression")]
When = Annotated[str, Field(max_length=40, description="now, now-<duration> (now-30m), an RFC 3339 time or a Unix "
                                                       "timestamp")]
MaxSeries = Annotated[int, Field(ge=1, le=200, description="series returned at most, the largest first")]
MAX_NAMES = 200


def _result(text: str, structured: dict) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def build_server(connection: Connection) -> MCPServer:
    prometheus = Prometheus(connection)
    mcp = MCPServer("prometheus", version="1.0", log_level="WARNING",
                    instructions=f"Read-only PromQL queries of the Prometheus at {connection.url}: instant values, "
                                 f"ranges (at most {MAX_RANGE.days} days, {MAX_POINTS} steps), metric names. "
                                 "Answers are summarised, the largest series first.")

    @mcp.tool(annotations=READ)
    def query(promql: PromQL, time: When = "now", max_series: MaxSeries = 20) -> CallToolResult:
        """Evaluate a PromQL expression at one moment (default now): each series' value."""
        try:
            answer = prometheus.query(promql, parse_time(time, datetime.now(UTC)))
        except PrometheusError as exc:
            raise ToolError(str(exc)) from exc
        text, structured = summarise(answer.result_type, answer.result, max_series)
        return _result(_with_warnings(text, answer.warnings), {**structured, "warnings": list(answer.warnings)})

    @mcp.tool(annotations=READ)
    def query_range(
        promql: PromQL,
        start: When = "now-1h",
        end: When = "now",
        step: Annotated[str | None, Field(max_length=20, description="30s, 5m... or seconds; default: about "
                                                                      "120 points over the range")] = None,
        max_series: MaxSeries = 20,
    ) -> CallToolResult:
        """Evaluate a PromQL expression over a time range: per series its first, last, min, max and mean value,
        its change and a dozen samples."""
        now = datetime.now(UTC)
        try:
            begin, finish = parse_time(start, now), parse_time(end, now)
            answer = prometheus.query_range(promql, begin, finish, parse_duration(step) if step else None)
        except PrometheusError as exc:
            raise ToolError(str(exc)) from exc
        text, structured = summarise(answer.result_type, answer.result, max_series)
        return _result(_with_warnings(text, answer.warnings), {**structured, "start": begin.isoformat(),
                                                               "end": finish.isoformat(),
                                                               "warnings": list(answer.warnings)})

    @mcp.tool(annotations=READ)
    def metric_names(
        contains: Annotated[str, Field(max_length=200, description="a part of the name, e.g. memory")] = "",
    ) -> CallToolResult:
        """Names of the metrics Prometheus has, those containing `contains` (at most 200)."""
        try:
            names = [n for n in prometheus.metric_names() if contains.lower() in n.lower()]
        except PrometheusError as exc:
            raise ToolError(str(exc)) from exc
        shown = names[:MAX_NAMES]
        text = f"{len(names)} metric names" + (f" containing {contains!r}" if contains else "") + (
            ":\n" + "\n".join(shown) if shown else "") + (
            f"\n({len(names) - MAX_NAMES} more not shown: narrow `contains`)" if len(names) > MAX_NAMES else "")
        return _result(text, {"total": len(names), "names": shown, "truncated": len(names) > MAX_NAMES})

    return mcp


def _with_warnings(text: str, warnings: tuple[str, ...]) -> str:
    return text + "".join(f"\nPrometheus warns: {w}" for w in warnings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.servers.prometheus",
                                     description="Prometheus MCP server bundled with the agent (read-only PromQL).")
    parser.add_argument("--transport", choices=["stdio", "sse", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    args = parser.parse_args(argv)
    try:
        connection = Connection.from_env()
        connection.check()
    except PrometheusError as exc:
        parser.error(str(exc))
    server = build_server(connection)
    if args.transport == "stdio":
        server.run("stdio")
    else:
        server.run(args.transport, host=args.host, port=args.port)
