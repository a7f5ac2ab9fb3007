"""Our own MCP server at /mcp, spoken to by the official SDK client over streamable HTTP, in-process
through the real ASGI application (httpx's ASGI transport instead of a socket)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from rest_framework.authtoken.models import Token

from aiops_project.asgi import application
from tests.factories import make_pending_approval, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_thread_connections():
    yield
    await sync_to_async(connections.close_all)()


def http(token: str | None) -> httpx2.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=application), base_url="http://testserver",
                              headers=headers, timeout=30)


async def session_call(token: str, tool: str, arguments: dict[str, Any] | None = None) -> Any:
    async with http(token) as client, Client(streamable_http_client("http://testserver/mcp",
                                                                     http_client=client)) as mcp:
        if tool == "tools/list":
            return (await mcp.list_tools()).tools
        return await mcp.call_tool(tool, arguments or {})


async def test_other_agents_read_incidents_and_approvals_with_a_token():
    approval = await sync_to_async(make_pending_approval)()
    token = await sync_to_async(lambda: Token.objects.create(user=make_user("agent")).key)()

    tools = await session_call(token, "tools/list")
    incidents = await session_call(token, "list_incidents")
    incident_id = incidents.structured_content["incidents"][0]["id"]
    detail = await session_call(token, "get_incident", {"incident_id": incident_id})
    pending = await session_call(token, "list_pending_approvals")
    missing = await session_call(token, "get_incident", {"incident_id": 999_999})

    assert {t.name for t in tools} == {"list_incidents", "get_incident", "get_rca", "list_pending_approvals"}
    assert all(t.annotations.read_only_hint for t in tools)
    assert detail.structured_content["runs"][0]["steps"][0]["risk"] == "MEDIUM"
    assert pending.structured_content["approvals"][0]["id"] == approval.pk
    assert missing.is_error and "no incident 999999" in missing.content[0].text


async def test_without_a_valid_token_nothing_is_read():
    async with http(None) as client:
        anonymous = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    async with http("not-a-token") as client:
        forged = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert anonymous.status_code == 401 and forged.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="mcp"'
