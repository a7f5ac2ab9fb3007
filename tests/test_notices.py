"""The notifications port: notices go to every sink after commit, never from a rolled-back change, and a
failing sink keeps nothing from the others."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from aiops_project import notices
from aiops_project.notices import Notice, publish


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Notice]]]:
    got: list[tuple[str, Notice]] = []
    before = notices.sinks()

    def broken(notice: Notice) -> None:
        raise RuntimeError("this sink is down")

    notices.register_sink("a-broken-one", broken)
    notices.register_sink("listener", lambda notice: got.append(("listener", notice)))
    yield got
    for name in set(notices.sinks()) - set(before):
        notices.unregister_sink(name)


@pytest.mark.django_db(transaction=True)
def test_a_notice_reaches_the_sinks_only_when_its_transaction_commits(heard: list[tuple[str, Notice]]) -> None:
    with transaction.atomic():
        publish(Notice("incident.notified", "kept", incident_id=1))
        assert heard == []  # not before commit
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        publish(Notice("incident.notified", "rolled back"))
        1 / 0  # noqa: B018
    assert [(name, n.text) for name, n in heard] == [("listener", "kept")]  # the broken sink kept nothing back


def test_chat_and_the_console_register_themselves() -> None:
    assert {"chat", "console"} <= set(notices.sinks())


@pytest.mark.django_db(transaction=True)
def test_chat_presents_an_approval_request_with_buttons_and_a_requesters_notice_only_to_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from chat import notify

    sent: list[tuple[str, tuple[str, ...], bool]] = []
    monkeypatch.setattr(notify, "notify_chat", lambda text, *, buttons=(), reply_to=None,
                        channels=True: sent.append((text, tuple(b.value for b in buttons), channels)))
    notify.chat_sink(Notice("approval.requested", "Approval #7", approval_id=7))
    notify.chat_sink(Notice("step.finished", "done", audience="requester",
                            reply_to={"channel_type": "slack", "conversation_id": "C1"}))
    notify.chat_sink(Notice("incident.notified", "[critical] OOMKilled", incident_id=3))
    assert sent == [("Approval #7", ("approve:7", "reject:7"), True), ("done", (), False),
                    ("[critical] OOMKilled\nIncident #3: /incident show 3", (), True)]


def test_a_steps_output_goes_to_chat_but_not_to_every_open_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """A console shows notices to anyone signed in; who may read step output is decided on the run's page."""
    from chat import notify

    shown: list[dict[str, object]] = []
    sent: list[str] = []
    monkeypatch.setattr(notices, "notify_console", lambda topic, **fields: shown.append(fields))
    monkeypatch.setattr(notify, "notify_chat", lambda text, **options: sent.append(text))
    finished = Notice("step.finished", "Step 'logs' (kubernetes.get_pod_logs) succeeded", detail="order 7 paid",
                      incident_id=3)
    notices.console_sink(finished)
    notify.chat_sink(finished)
    assert [f["text"] for f in shown] == ["Step 'logs' (kubernetes.get_pod_logs) succeeded"]
    assert sent == ["Step 'logs' (kubernetes.get_pod_logs) succeeded:\norder 7 paid"]
