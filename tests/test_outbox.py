"""The task outbox on a real (private) Redis broker: a committed change's task reaches the broker, or waits in the
outbox while the broker is gone and reaches it when it is back. Nothing raises into the request meanwhile."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from aiops_project import embedded_redis, outbox
from aiops_project.celery import app
from aiops_project.models import OutboxTask
from remediation import tasks
from tests.helpers import stop

pytestmark = pytest.mark.django_db(transaction=True)


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None  # the next send opens connections to the new URL
    app.amqp._producer_pool = None


class Broker:
    def __init__(self, socket: Path) -> None:
        self.socket = socket
        self.process = embedded_redis.start(socket)

    def queued(self, queue: str) -> int:
        return int(redis.Redis(unix_socket_path=str(self.socket)).llen(queue))

    def kill(self) -> None:
        assert self.process is not None
        stop(self.process, signal.SIGKILL)

    def start(self) -> None:
        self.process = embedded_redis.start(self.socket)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    previous = app.conf.broker_url
    private = Broker(tmp_path / "broker.sock")
    _use_broker(f"redis+socket://{private.socket}")
    outbox._paused_until = 0.0
    yield private
    _use_broker(previous)
    outbox._paused_until = 0.0
    if private.process is not None:
        stop(private.process, signal.SIGKILL)


def test_a_task_reaches_the_broker_after_commit_and_leaves_no_row(broker):
    with transaction.atomic():
        outbox.enqueue(tasks.advance_run, 42)
        assert OutboxTask.objects.count() == 1 and broker.queued("remediation") == 0  # nothing before commit
    assert broker.queued("remediation") == 1
    assert not OutboxTask.objects.exists()


def test_a_rolled_back_change_sends_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(tasks.advance_run, 42)
        raise RuntimeError("the change failed")
    assert broker.queued("remediation") == 0 and not OutboxTask.objects.exists()


def test_a_task_enqueued_while_the_broker_is_gone_is_kept_and_sent_when_it_is_back(broker):
    broker.kill()
    with transaction.atomic():
        outbox.enqueue(tasks.advance_run, 7)  # the commit stands; nothing raises
    outbox.enqueue(tasks.execute_step, 8, countdown=30)  # during the pause: not even tried
    rows = list(OutboxTask.objects.values_list("task", "args"))
    assert rows == [("remediation.advance_run", [7]), ("remediation.execute_step", [8])]
    assert outbox.drain() == 0  # too young: still their senders' to send
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox.drain() == 0  # the broker is still gone
    assert OutboxTask.objects.get(args=[7]).attempts == 1
    broker.start()
    outbox._paused_until = 0.0
    assert outbox.drain() == 2
    assert broker.queued("remediation") == 2  # the countdown's ETA travels with the message
    assert not OutboxTask.objects.exists()


def test_a_task_unknown_to_the_code_is_said_and_dropped(broker):
    OutboxTask.objects.create(task="gone.task", args=[1], due_at=timezone.now(),
                              created_at=timezone.now() - timedelta(minutes=1))
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox.drain() == 0 and not OutboxTask.objects.exists()
