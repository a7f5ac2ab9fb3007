"""MCP servers added in the admin: checked like the file's, used like them, never shadowing them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mcp_bridge.calls import run_tool
from mcp_bridge.manager import sessions
from mcp_bridge.models import McpServer
from mcp_bridge.registry import configured_servers
from tests.factories import make_user
from tests.peers import everything_over_http

pytestmark = pytest.mark.django_db


def test_a_server_added_in_the_admin_is_called_through_the_policy():
    with everything_over_http("streamableHttp") as url:
        server = McpServer(name="everything", type="streamable_http", url=url,
                           policy={"risk": {"echo": "LOW"}, "deny": ["toggle-*"]})
        server.full_clean()
        server.save()
        result = run_tool("everything", "echo", {"message": "from the admin"}, caller="cli")
        sessions().close_all()  # before the server goes away: its session ends cleanly
    assert result.ok and result.text == "Echo: from the admin"
    assert set(configured_servers()) == {"kubernetes", "security", "everything"}


def test_admin_servers_are_validated_and_cannot_shadow_the_files():
    clash = McpServer(name="kubernetes", type="streamable_http", url="http://127.0.0.1:1/mcp")
    with pytest.raises(ValidationError, match="defines a server 'kubernetes' already"):
        clash.full_clean()
    no_command = McpServer(name="local", type="stdio")
    with pytest.raises(ValidationError, match="server 'local': field 'command' is required"):
        no_command.full_clean()
    bad_policy = McpServer(name="remote", type="sse", url="http://127.0.0.1:1/sse", policy={"risk": {"x": "SOMEWHAT"}})
    with pytest.raises(ValidationError, match=r"field 'policy\.risk' must map tool names"):
        bad_policy.full_clean()


def test_only_superusers_may_add_servers(client, admin_client):
    staff = make_user("staff", "mcp_bridge.add_mcpserver", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/mcp_bridge/mcpserver/add/").status_code == 403
    assert admin_client.get("/admin/mcp_bridge/mcpserver/add/").status_code == 200
