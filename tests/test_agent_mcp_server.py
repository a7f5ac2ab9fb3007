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


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "probe", "version": "1"}}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


async def test_a_forged_host_or_a_foreign_origin_is_refused_before_the_token_is_read():
    """DNS rebinding: a page whose name resolves to this server sends its own Host and Origin."""
    token = await sync_to_async(lambda: Token.objects.create(user=make_user("agent")).key)()
    async with http(token) as client:
        forged_host = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Host": "evil.example"})
        foreign = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://evil.example"})
        opaque = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "null"})
        same = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "Origin": "http://testserver"})
        plain = await client.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    async with http(None) as client:
        anonymous_forged = await client.post("/mcp", json=INITIALIZE, headers={"Host": "evil.example"})
    assert forged_host.status_code == 400 and "ALLOWED_HOSTS" in forged_host.json()["detail"]
    assert anonymous_forged.status_code == 400  # as the REST API answers a forged Host
    assert foreign.status_code == 403 and opaque.status_code == 403
    assert same.status_code == 200 and plain.status_code == 200


async def test_get_and_other_methods_answer_405_at_once():
    token = await sync_to_async(lambda: Token.objects.create(user=make_user("agent")).key)()
    async with http(token) as client:
        get = await client.get("/mcp", headers={"Accept": "text/event-stream"})
        delete = await client.delete("/mcp")
    assert get.status_code == 405 and get.headers["allow"] == "POST"
    assert delete.status_code == 405


async def test_every_tool_declares_its_output_schema():
    token = await sync_to_async(lambda: Token.objects.create(user=make_user("agent")).key)()
    tools = {t.name: t for t in await session_call(token, "tools/list")}
    for tool in tools.values():
        assert tool.output_schema and tool.output_schema.get("properties"), tool.name
    assert set(tools["list_incidents"].output_schema["properties"]) == {"incidents"}
    assert {"events", "runs", "timeline", "title"} <= set(tools["get_incident"].output_schema["properties"])


async def test_step_output_is_shown_only_to_a_token_whose_user_may_read_it():
    approval = await sync_to_async(make_pending_approval)()

    def finished_step() -> int:
        step = approval.step_run
        step.output = "checkout restarted; DATABASE_PASSWORD=mcpSeedPw1"
        step.save(update_fields=["output"])
        return step.run.incident_id

    incident_id = await sync_to_async(finished_step)()
    plain = await sync_to_async(lambda: Token.objects.create(user=make_user("agent")).key)()
    reader = await sync_to_async(
        lambda: Token.objects.create(user=make_user("reader", "remediation.view_steprun")).key)()
    hidden = await session_call(plain, "get_incident", {"incident_id": incident_id})
    shown = await session_call(reader, "get_incident", {"incident_id": incident_id})
    hidden_output = hidden.structured_content["runs"][0]["steps"][0]["output"]
    shown_output = shown.structured_content["runs"][0]["steps"][0]["output"]
    assert "checkout restarted" not in hidden_output and "view_steprun" in hidden_output
    assert "checkout restarted" in shown_output and "mcpSeedPw1" not in shown_output  # redacted on the way out
