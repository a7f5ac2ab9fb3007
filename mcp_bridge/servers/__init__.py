"""MCP servers bundled with the agent, each runnable as `python -m mcp_bridge.servers.<name>`.

They run as subprocesses of the bridge client: they must not import Django.
"""
