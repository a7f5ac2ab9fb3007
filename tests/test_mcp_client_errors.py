"""The MCP client names itself and says why a server refused it: a streamable HTTP server answering 401 is
"HTTP 401 Unauthorized from <url>" in the CLI and "HTTP 401 Unauthorized" on /ready, not the SDK's
"-32603 Server returned an error response"."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from mcp_bridge.manager import sessions
from mcp_bridge.models import server_states
from tests.loopback import json_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_server(settings: Any, tmp_path: Path) -> Any:
    """A server that wants a token we do not send; it records what it was sent."""
    seen: list[dict[str, Any]] = []

    def answer(path: str, headers: Any, raw: bytes) -> tuple[int, Any]:
        seen.append(json.loads(raw or b"{}"))
        return 401, {"error": "missing bearer token"}

    with json_server(answer) as url:
        config = tmp_path / "mcp.json"
        config.write_text(json.dumps({"mcpServers": {"locked": {"url": f"{url}/mcp", "timeout_seconds": 10}}}))
        settings.MCP_CONFIG_FILE = config
        yield url, seen, config
    sessions().close_all()


def test_a_401_is_named_in_the_cli_and_on_ready_and_we_introduce_ourselves(locked_server):
    url, seen, config = locked_server
    err = StringIO()
    call_command("mcp", "--config", str(config), "tools", "--refresh", "--server", "locked", stdout=StringIO(),
                 stderr=err)
    assert f"HTTP 401 Unauthorized from {url}/mcp" in err.getvalue()
    assert "-32603" not in err.getvalue() and "Server returned an error response" not in err.getvalue()
    assert server_states()["locked"]["state"] == "down"
    assert server_states()["locked"]["cause"] == "HTTP 401 Unauthorized"
    initialize = next(m for m in seen if m.get("method") == "initialize")
    assert initialize["params"]["clientInfo"]["name"] == "aiops-agent"
