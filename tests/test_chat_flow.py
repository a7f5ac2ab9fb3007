"""The chat story end to end, on both platforms' wire protocols at once: a Telegram user asks for pods and
for a restart on the simulated cluster; the approval request reaches the Slack and Telegram notification
channels with buttons; the on-call presses Approve in Slack; the worker runs the step; the result reaches the
channels and the Telegram conversation that asked. Tasks run here, in order, as a worker would run them."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.app.task import Task

from chat.adapters.slack import bolt_app
from chat.models import ChatIdentity
from incidents.models import Cluster
from remediation.models import Approval, StepRun
from tests.botapi import BotApi, telegram_bot_api
from tests.factories import make_user
from tests.simulated import read, simulated_cluster
from tests.slackapi import SlackApi, signed_headers, slack_web_api

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "chat-flow", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop", "on_restart": "healthy"}]}
TG_SECRET, SLACK_SECRET = "tg-secret-token-0123456789", "slack-signing-secret-0123456789"


@pytest.fixture
def platforms(settings: Any, tmp_path: Path) -> Iterator[tuple[BotApi, SlackApi, Path]]:
    with telegram_bot_api() as telegram, slack_web_api() as slack, simulated_cluster(tmp_path, SCENARIO) as kc:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_WEBHOOK_SECRET = telegram.token, TG_SECRET
        settings.TELEGRAM_API_BASE_URL, settings.TELEGRAM_NOTIFY_CHAT_ID = telegram.url, "-100777"
        settings.SLACK_BOT_TOKEN, settings.SLACK_SIGNING_SECRET = "xoxb-flow", SLACK_SECRET
        settings.SLACK_API_BASE_URL, settings.SLACK_NOTIFY_CHANNEL = slack.url, "COPS"
        bolt_app.cache_clear()
        Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kc))
        yield telegram, slack, kc


@pytest.fixture
def worker(monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Collects what is enqueued after commit; `worker()` runs it (and what that enqueues) to the end."""
    queue: list[tuple[Task, tuple[Any, ...]]] = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=(), kwargs=None, **options: queue.append((self, args)))

    def run() -> list[str]:
        names = []
        while queue:
            task, args = queue.pop(0)
            names.append(task.name)
            with django_capture_on_commit_callbacks(execute=True):
                task.run(*args)
        return names

    return run


def telegram_says(client: Any, update_id: int, user_id: int, text: str) -> None:
    user = {"id": user_id, "is_bot": False, "first_name": "Ana"}
    update = {"update_id": update_id, "message": {"message_id": update_id, "date": 1764400000, "from": user,
                                                  "chat": {"id": user_id, "type": "private"}, "text": text}}
    response = client.post("/api/webhook/telegram", update, content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET)
    assert response.status_code == 200


def slack_presses(client: Any, user: str, value: str) -> None:
    press = {"type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "api_app_id": "A1", "token": "x",
             "trigger_id": "t", "channel": {"id": "COPS"}, "container": {"channel_id": "COPS"},
             "actions": [{"type": "button", "action_id": value.split(":")[0], "block_id": "b", "value": value,
                          "action_ts": f"{time.time():.6f}"}]}
    body = urllib.parse.urlencode({"payload": json.dumps(press)})
    response = client.post("/api/webhook/slack", body, content_type="application/x-www-form-urlencoded",
                           **signed_headers(SLACK_SECRET, body))
    assert response.status_code == 200


def test_ask_in_telegram_approve_in_slack_see_the_result_everywhere(client, platforms, worker,
                                                                     django_capture_on_commit_callbacks):
    telegram, slack, kubeconfig = platforms
    ChatIdentity.objects.create(user=make_user("dev"), telegram_user_id=4242)
    ChatIdentity.objects.create(user=make_user("oncall", "remediation.approve_medium"), slack_user_id="U0NCALL")

    with django_capture_on_commit_callbacks(execute=True):
        telegram_says(client, 1, 4242, "pods in shop")
    worker()
    assert "CrashLoopBackOff" in telegram.sent("sendMessage")[-1]["text"]

    with django_capture_on_commit_callbacks(execute=True):
        telegram_says(client, 2, 4242, "/k8s restart checkout")  # the namespace from the conversation
    worker()
    approval = Approval.objects.get()
    to_dev = [m for m in telegram.sent("sendMessage") if str(m["chat_id"]) == "4242"][-1]
    to_ops = [m for m in telegram.sent("sendMessage") if str(m["chat_id"]) == "-100777"][-1]
    for card in (to_dev, to_ops):
        assert [b["callback_data"] for b in card["reply_markup"]["inline_keyboard"][0]] == [
            f"approve:{approval.pk}", f"reject:{approval.pk}"]
    [slack_card] = slack.sent("chat.postMessage")
    assert slack_card["channel"] == "COPS"
    assert slack_card["blocks"][1]["elements"][0]["value"] == f"approve:{approval.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        slack_presses(client, "U0NCALL", f"approve:{approval.pk}")
    ran = worker()
    assert "remediation.execute_step" in ran
    assert StepRun.objects.get().status == StepRun.Status.SUCCEEDED
    restarted = read(kubeconfig, "/apis/apps/v1/namespaces/shop/deployments/checkout")
    assert "kubectl.kubernetes.io/restartedAt" in restarted["spec"]["template"]["metadata"]["annotations"]

    results = [m for m in telegram.sent("sendMessage") if "succeeded" in m["text"]]
    assert {str(m["chat_id"]) for m in results} == {"4242", "-100777"}  # who asked, and the ops channel
    assert any("succeeded" in m["blocks"][0]["text"]["text"] for m in slack.sent("chat.postMessage"))
    approval.refresh_from_db()
    assert approval.decided_by.username == "oncall" and approval.decided_via == "slack"


def test_an_incident_from_the_cluster_reaches_both_channels_with_approval_buttons(platforms, worker,
                                                                                  django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from incidents.detection import poll_cluster

    telegram, slack, _ = platforms
    call_command("load_defaults")
    with django_capture_on_commit_callbacks(execute=True):
        poll_cluster(Cluster.objects.get(name="sim").pk)
    worker()  # the playbook's LOW steps run, then its MEDIUM restart asks for an approval
    approval = Approval.objects.get()
    [tg_card] = [m for m in telegram.sent("sendMessage") if "reply_markup" in m]
    [slack_card] = [m for m in slack.sent("chat.postMessage") if len(m["blocks"]) > 1]
    assert "CrashLoopBackOff: shop/checkout" in tg_card["text"].replace("\\", "")
    assert tg_card["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"approve:{approval.pk}"
    assert "CrashLoopBackOff: shop/checkout" in slack_card["blocks"][0]["text"]["text"]
