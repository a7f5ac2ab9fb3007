"""What the MCP bridge tells the layers above it, which it may not import (incidents audits these)."""

from __future__ import annotations

from django.dispatch import Signal

# A call was refused before anything was sent: by the tool policy or by the tool's input schema.
# Sent with: server, tool, message (why), actor (a user or None), via (the caller), incident (or None),
# and risk when the policy judged it.
tool_refused = Signal()
