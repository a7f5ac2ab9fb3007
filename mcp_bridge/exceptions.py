class McpBridgeError(Exception):
    """No answer from an MCP server: unknown, failed to start, timed out, or broke the protocol."""


class McpConfigError(McpBridgeError):
    """The MCP config file is missing or malformed; the message names the server and the field."""
