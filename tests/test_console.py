"""The console websocket: login required, and services' notices reach it through the real Redis layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import Client

from aiops_project.live import _send
from remediation.consumers import ConsoleConsumer
from remediation.models import Approval
from tests.factories import make_pending_approval, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def close_thread_connections():
    # sync_to_async runs ORM calls in a worker thread with a connection of its own; close it so the
    # test database can be dropped at the end of the session.
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.usefixtures("close_thread_connections")
async def test_anonymous_sockets_are_refused():
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect()
    assert not connected and code == 4401


@pytest.mark.usefixtures("close_thread_connections")
async def test_a_logged_in_console_hears_about_changes():
    user = await sync_to_async(make_user)("oncall")
    communicator = WebsocketCommunicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {"type": "hello"}
    await sync_to_async(_send)({"topic": "approval", "id": 7})
    assert await communicator.receive_json_from(timeout=5) == {"type": "changed", "topic": "approval", "id": 7}
    await communicator.disconnect()


def test_the_console_lists_pending_approvals_with_buttons_only_for_deciders():
    approval = make_pending_approval()
    client = Client()
    client.force_login(make_user("viewer"))
    page = client.get("/console/").content.decode()
    assert f'id="approval-{approval.pk}"' in page and f'id="approve-{approval.pk}"' not in page
    client.force_login(make_user("oncall", "remediation.approve_medium"))
    page = client.get("/console/panels/").content.decode()
    assert f'id="approve-{approval.pk}"' in page


def test_deciding_from_the_console_needs_csrf_and_permission():
    approval = make_pending_approval()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("oncall", "remediation.approve_medium"))
    assert strict.post(f"/console/approvals/{approval.pk}/decide/", {"decision": "approve"}).status_code == 403

    client = Client()
    client.force_login(make_user("viewer"))
    response = client.post(f"/console/approvals/{approval.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "not allowed" in response.content.decode()
    assert Approval.objects.get(pk=approval.pk).status == "pending"
    assert client.post(f"/console/approvals/{approval.pk}/decide/", {"decision": "maybe"}).status_code == 400


def test_the_consoles_script_decides_without_a_reload_and_hears_why_not():
    approval = make_pending_approval()
    url, fetch = f"/console/approvals/{approval.pk}/decide/", {"HTTP_X_REQUESTED_WITH": "fetch"}
    viewer, oncall = Client(), Client()
    viewer.force_login(make_user("viewer"))
    oncall.force_login(make_user("oncall", "remediation.approve_medium"))

    refused = viewer.post(url, {"decision": "approve"}, **fetch)
    approved = oncall.post(url, {"decision": "approve", "reason": "known bad pod"}, **fetch)
    again = oncall.post(url, {"decision": "reject"}, **fetch)

    assert refused.status_code == 403 and "not allowed" in refused.json()["message"]
    assert approved.status_code == 200 and approved.json() == {"ok": True,
                                                               "message": f"Approval #{approval.pk}: approved."}
    assert again.status_code == 409 and again.json()["ok"] is False
    approval.refresh_from_db()
    assert approval.status == "approved" and approval.reason == "known bad pod"
