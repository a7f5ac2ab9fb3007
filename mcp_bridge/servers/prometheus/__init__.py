"""Prometheus MCP server bundled with the agent: read-only PromQL, bounded and summarised.

    python -m mcp_bridge.servers.prometheus [--transport stdio|sse|streamable-http] [--host H] [--port N]

Configured by PROMETHEUS_URL (and PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD,
PROMETHEUS_CA_FILE, PROMETHEUS_TIMEOUT_SECONDS). `.mcp-config.json` lists it only when PROMETHEUS_URL is set.

- `client`: the HTTP chokepoint, with the bounds (the RCA uses it too).
- `summaries`: answers as a few numbers per series.
- `server`: the tools (query, query_range, metric_names) and the command line.
"""
