"""Leader election (aiops_project/leader.py): the Kubernetes Lease backend on a real API server, the database
backend on the test database, the elector on both, and Celery beat that sends only while it leads. The two
watcher processes handing over on realkube are in test_leader_handover.py."""

from __future__ import annotations

import base64
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kubernetes import client

from aiops_project import leader
from aiops_project.beat import LeaderDatabaseScheduler
from aiops_project.celery import app as celery_app
from aiops_project.leader import (
    AlwaysLeader,
    Attempt,
    Elector,
    KubernetesLeases,
    LeaseBackend,
    LeasePermissionError,
)
from incidents.leases import DatabaseLeases, LeaderLease
from tests.helpers import eventually, free_port
from tests.test_settings import start_django

# Transactional: the backends' threads (and the elector's) use connections of their own.
pytestmark = pytest.mark.django_db(transaction=True)

def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class Contenders:
    """Backends of one kind, each as a separate replica would have it (client-go keeps per-client state)."""

    kind: str
    make: Callable[[], LeaseBackend]
    seize: Callable[[str, str], None]  # write another holder into the lease, behind everyone's back
    made: list[LeaseBackend] = field(default_factory=list)

    def __call__(self) -> LeaseBackend:
        backend = self.make()
        self.made.append(backend)
        return backend


@pytest.fixture(params=["database", pytest.param("kubernetes", marks=pytest.mark.once)])  # once: one CI pass
def contenders(request: pytest.FixtureRequest) -> Iterator[Contenders]:
    if request.param == "database":

        def seize_row(name: str, holder: str) -> None:
            LeaderLease.objects.filter(name=name).update(holder=holder)

        yield Contenders("database", DatabaseLeases, seize_row)
        return
    kube = request.getfixturevalue("realkube")
    namespace = unique("lease")
    kube.kubectl("create", "namespace", namespace)

    def seize_lease(name: str, holder: str) -> None:
        kube.kubectl("patch", "lease", f"aiops-{name}", "-n", namespace, "--type=merge",
                     "-p", f'{{"spec": {{"holderIdentity": "{holder}"}}}}')

    found = Contenders("kubernetes", lambda: KubernetesLeases(kube.api(), namespace, timeout=5), seize_lease)
    yield found
    for backend in found.made:
        backend._api_client.close()  # type: ignore[attr-defined]


# --- the backends ------------------------------------------------------------------------------------


def test_the_first_contender_acquires_and_renews_without_a_transition(contenders: Contenders) -> None:
    name, a = unique("t"), contenders()
    assert a.read(name) is None
    assert a.try_acquire_or_renew(name, "a", 15) == Attempt(True, "a")
    first = a.read(name)
    assert first is not None and first.holder == "a" and first.transitions == 0

    def renewed_later() -> Any:  # the database's clock counts milliseconds: renew until it has moved on
        assert a.try_acquire_or_renew(name, "a", 15) == Attempt(True, "a")
        lease = a.read(name)
        return lease if lease is not None and lease.renewed > first.renewed else None

    renewed = eventually(renewed_later, "a renewal at a later time")
    assert renewed.holder == "a" and renewed.transitions == 0
    assert renewed.renewed > first.renewed


def test_a_second_contender_waits_while_the_lease_is_renewed(contenders: Contenders) -> None:
    name, a, b = unique("t"), contenders(), contenders()
    assert a.try_acquire_or_renew(name, "a", 15).acquired
    for _ in range(3):
        assert b.try_acquire_or_renew(name, "b", 15) == Attempt(False, "a")
        assert a.try_acquire_or_renew(name, "a", 15).acquired
    assert a.read(name).holder == "a"  # type: ignore[union-attr]


def test_a_release_hands_the_lease_over_at_once(contenders: Contenders) -> None:
    name, a, b = unique("t"), contenders(), contenders()
    assert a.try_acquire_or_renew(name, "a", 15).acquired
    assert not b.try_acquire_or_renew(name, "b", 15).acquired
    a.release(name, "a")
    assert b.try_acquire_or_renew(name, "b", 15) == Attempt(True, "b")
    a.release(name, "a")  # no longer a's: nothing changes
    record = b.read(name)
    assert record is not None and record.holder == "b" and record.transitions == 1


def test_an_expired_lease_goes_to_the_next_contender_and_the_stale_holder_cannot_renew(
        contenders: Contenders) -> None:
    name, a, b = unique("t"), contenders(), contenders()
    assert a.try_acquire_or_renew(name, "a", 1).acquired
    assert b.try_acquire_or_renew(name, "b", 1) == Attempt(False, "a")  # renewed just now: not before its time
    # a stops renewing (a process paused, a node cut off): b takes the lease once it expired.
    eventually(lambda: b.try_acquire_or_renew(name, "b", 1).acquired, "b to take the expired lease")
    assert a.try_acquire_or_renew(name, "a", 1) == Attempt(False, "b")
    record = b.read(name)
    assert record is not None and record.holder == "b" and record.transitions == 1


def race(start: threading.Barrier, backend: LeaseBackend, name: str, identity: str,
         results: dict[str, Attempt]) -> None:
    try:
        start.wait()
        results[identity] = backend.try_acquire_or_renew(name, identity, 15)
    finally:
        connection.close()


def test_racing_contenders_exactly_one_wins(contenders: Contenders) -> None:
    for round_ in range(6):
        name = unique("race")
        if round_ % 2:  # a released lease (the claim is the UPDATE) or a new one (the first claim)
            first = contenders()
            assert first.try_acquire_or_renew(name, "first", 15).acquired
            first.release(name, "first")
        racers = [contenders() for _ in range(3)]
        start = threading.Barrier(len(racers))
        results: dict[str, Attempt] = {}

        threads = [threading.Thread(target=race, args=(start, b, name, f"r{i}", results))
                   for i, b in enumerate(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        winners = [identity for identity, attempt in results.items() if attempt.acquired]
        assert len(results) == len(racers) and len(winners) == 1, results
        assert racers[0].read(name).holder == winners[0]  # type: ignore[union-attr]


def test_a_database_renewal_is_one_conditional_update() -> None:
    name, leases = unique("t"), DatabaseLeases()
    assert leases.try_acquire_or_renew(name, "a", 15).acquired
    with CaptureQueriesContext(connection) as queries:
        assert leases.try_acquire_or_renew(name, "a", 15).acquired
    [claim] = [q["sql"] for q in queries.captured_queries]
    assert claim.startswith("UPDATE") and "WHERE" in claim and "expires_at" in claim.split("WHERE")[1]
    with CaptureQueriesContext(connection) as queries:
        assert not leases.try_acquire_or_renew(name, "b", 15).acquired
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE", "SELECT"]


# --- the elector ---------------------------------------------------------------------------------------


def test_an_elector_that_sees_another_holder_steps_down_at_once(contenders: Contenders) -> None:
    name, roles = unique("t"), []
    elector = Elector(name, "a", backend=contenders(), lease_seconds=15, on_change=roles.append)
    assert elector.try_acquire_or_renew() and elector.is_leader()
    contenders.seize(name, "intruder")
    assert elector.try_acquire_or_renew() is False
    assert not elector.is_leader() and roles == [True, False]


def test_an_elector_whose_renewals_fail_leads_until_its_renew_deadline_then_steps_down() -> None:
    name, roles = unique("t"), []
    elector = Elector(name, "a", backend=DatabaseLeases(), lease_seconds=15, renew_deadline=3, renew_every=1,
                      on_change=roles.append)
    assert elector.try_acquire_or_renew()
    # Its backend becomes unreachable (nothing listens on that port): renewals fail.
    unreachable = client.Configuration(host=f"https://127.0.0.1:{free_port()}")
    elector.backend = KubernetesLeases(client.ApiClient(unreachable), "default", timeout=1)
    assert elector.try_acquire_or_renew() is True  # one failed renewal: still within the deadline
    eventually(lambda: not elector.try_acquire_or_renew(), "the renew deadline to pass")
    assert roles == [True, False]


def test_two_running_electors_one_leads_and_a_clean_stop_hands_over(contenders: Contenders) -> None:
    name, changes = unique("t"), []
    electors = [Elector(name, identity, backend=contenders(), lease_seconds=3,
                        on_change=lambda leading, who=identity: changes.append((who, leading)))
                for identity in ("a", "b")]
    for elector in electors:
        elector.start()
    try:
        first = eventually(lambda: [e for e in electors if e.is_leader()], "a leader")[0]
        other = next(e for e in electors if e is not first)
        observer, renewals = contenders(), set()

        def renewed_twice() -> bool:  # a few renewals and tries: still one leader
            lease = observer.read(name)
            assert lease is not None and lease.holder == first.identity and lease.transitions == 0
            renewals.add(lease.renewed)
            return len(renewals) >= 3

        eventually(renewed_twice, "two renewals by the leader")
        assert first.is_leader() and not other.is_leader()
        first.stop()
        eventually(other.is_leader, "the standby to lead after the release")
        assert changes == [(first.identity, True), (first.identity, False), (other.identity, True)]
    finally:
        for elector in electors:
            elector.stop()


# --- settings ------------------------------------------------------------------------------------------


@pytest.mark.once  # not about the database engine: one CI pass
def test_the_backend_follows_the_settings(settings: Any, realkube: Any, tmp_path: Path) -> None:
    settings.LEADER_ELECTION, settings.LEADER_KUBECONFIG = "off", ""
    assert isinstance(leader.backend_from_settings(), AlwaysLeader)
    assert Elector("watcher").try_acquire_or_renew()
    for mode in ("database", "auto"):  # auto outside a pod and without a kubeconfig: the database
        settings.LEADER_ELECTION = mode
        assert isinstance(leader.backend_from_settings(), DatabaseLeases)
    settings.LEADER_ELECTION = "kubernetes"
    with pytest.raises(ImproperlyConfigured, match="service account or AIOPS_LEADER_KUBECONFIG"):
        leader.backend_from_settings()
    settings.LEADER_KUBECONFIG = str(tmp_path / "missing")
    with pytest.raises(ImproperlyConfigured, match="AIOPS_LEADER_KUBECONFIG"):
        leader.backend_from_settings()
    settings.LEADER_KUBECONFIG, settings.LEADER_NAMESPACE = str(realkube.kubeconfig), "leases-here"
    backend = leader.backend_from_settings()
    assert isinstance(backend, KubernetesLeases) and backend.namespace == "leases-here"
    settings.LEADER_NAMESPACE = ""
    assert leader.backend_from_settings().namespace == "default"  # type: ignore[attr-defined]


@pytest.mark.once  # not about the database engine: one CI pass
def test_in_a_pod_auto_takes_a_lease_in_the_pods_namespace_with_its_service_account(
        settings: Any, realkube: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    namespace = unique("pod")
    realkube.kubectl("create", "namespace", namespace)
    realkube.kubectl("create", "serviceaccount", "aiops", "-n", namespace)
    account = tmp_path / "serviceaccount"  # as the kubelet mounts it
    account.mkdir()
    (account / "token").write_text(realkube.kubectl("create", "token", "aiops", "-n", namespace).strip())
    (account / "namespace").write_text(namespace)
    ca = re.search(r"certificate-authority-data:\s*(\S+)", realkube.kubeconfig.read_text())
    (account / "ca.crt").write_bytes(base64.b64decode(ca.group(1)))  # type: ignore[union-attr]
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(realkube.api_port))
    settings.SERVICE_ACCOUNT_DIR = account
    settings.LEADER_ELECTION, settings.LEADER_KUBECONFIG, settings.LEADER_NAMESPACE = "auto", "", ""

    elector = Elector("watcher", "pod-a")
    assert isinstance(elector.backend, KubernetesLeases) and elector.backend.namespace == namespace
    # Without a role for Leases the API server refuses, and the reason says what to grant.
    with pytest.raises(LeasePermissionError, match=f"may not get leases in namespace {namespace}: grant get, create"):
        elector.backend.try_acquire_or_renew("watcher", "pod-a", 15)
    assert not elector.try_acquire_or_renew()
    # The least privilege the lease needs: get, create and update Leases in its own namespace.
    realkube.kubectl("create", "role", "aiops-leader", "-n", namespace, "--verb=get,create,update",
                     "--resource=leases.coordination.k8s.io")
    realkube.kubectl("create", "rolebinding", "aiops-leader", "-n", namespace, "--role=aiops-leader",
                     f"--serviceaccount={namespace}:aiops")
    eventually(elector.try_acquire_or_renew, "the role to be in force")
    lease = realkube.get(f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/aiops-watcher")
    assert lease["spec"]["holderIdentity"] == "pod-a" and lease["spec"]["leaseDurationSeconds"] == 15
    elector.stop()
    lease = realkube.get(f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/aiops-watcher")
    assert lease["spec"]["holderIdentity"] == ""


@pytest.mark.parametrize(("env", "named"), [
    ({"AIOPS_LEADER_ELECTION": "sometimes"}, "AIOPS_LEADER_ELECTION"),
    ({"AIOPS_LEADER_NAMESPACE": "Not_A_Namespace"}, "AIOPS_LEADER_NAMESPACE"),
    ({"AIOPS_LEADER_LEASE_SECONDS": "1"}, "AIOPS_LEADER_LEASE_SECONDS"),
])
def test_a_bad_leader_setting_names_the_variable(tmp_path: Any, env: dict[str, str], named: str) -> None:
    result = start_django(tmp_path, **env)
    assert result.returncode != 0 and named in result.stderr


def test_a_bad_lease_name_or_timing_is_refused() -> None:
    with pytest.raises(ValueError, match="DNS label"):
        Elector("Watcher!", backend=AlwaysLeader())
    with pytest.raises(ValueError, match="renew_deadline"):
        Elector("watcher", backend=AlwaysLeader(), lease_seconds=15, renew_deadline=20)


# --- Celery beat -------------------------------------------------------------------------------------


def queued(queue: str) -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.client.llen(queue)


def test_only_the_leading_beat_sends_and_a_new_leader_does_not_send_again_what_was_sent() -> None:
    name, queue = unique("beat"), unique("leader-probe")
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name=f"probe {queue}", task="tests.leader_probe", interval=every_hour,
                                       queue=queue, last_run_at=timezone.now() - timedelta(hours=2))
    electors = [Elector(name, identity, backend=DatabaseLeases(), lease_seconds=30) for identity in ("a", "b")]
    a, b = (LeaderDatabaseScheduler(app=celery_app, elector=elector) for elector in electors)
    try:
        assert electors[0].try_acquire_or_renew() and not electors[1].try_acquire_or_renew()
        assert b.tick() > 0 and queued(queue) == 0  # the standby sends nothing, and asks again soon
        a.tick()
        assert queued(queue) == 1  # the due task, sent by the leader
        a.tick()
        assert queued(queue) == 1  # not due again for an hour
        task.refresh_from_db()
        assert task.last_run_at > timezone.now() - timedelta(minutes=1)  # saved at once for a successor

        electors[0].stop()  # a releases; b takes over and reads the schedule as a left it
        assert electors[1].try_acquire_or_renew()
        b.tick()
        assert queued(queue) == 1  # b does not send again what a sent

        task.last_run_at = timezone.now() - timedelta(hours=2)  # an admin makes it due again
        task.save()
        assert a.tick() > 0
        assert queued(queue) == 1  # a no longer leads: it sends nothing
        b.tick()
        assert queued(queue) == 2  # b does
    finally:
        for elector in electors:
            elector.stop()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


def test_a_stop_signal_asks_beat_to_stop_between_ticks_and_touches_nothing_in_the_handler() -> None:
    # Celery's own handler saves the schedule and releases the lease inside the signal handler: when the
    # signal lands inside a database call, that call's connection lock is held and the process hangs.
    import signal

    from celery import platforms
    from celery.beat import Service
    from celery.signals import beat_init

    class Watched(LeaderDatabaseScheduler):
        closed = 0

        def close(self) -> None:
            Watched.closed += 1
            super().close()

    elector = Elector(unique("beat"), "a", backend=DatabaseLeases(), lease_seconds=30)
    service = Service(app=celery_app, scheduler_cls=Watched)
    service.scheduler.elector = elector
    saved = {name: signal.getsignal(getattr(signal, name)) for name in ("SIGINT", "SIGTERM")}
    try:
        beat_init.send(sender=service)
        handler = signal.getsignal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGINT) is handler
        handler(signal.SIGTERM, None)  # the first signal: nothing but "stop after this tick"
        assert service._is_shutdown.is_set() and Watched.closed == 0
        with pytest.raises(SystemExit):  # a second one: at once
            handler(signal.SIGINT, None)
        assert Watched.closed == 0
    finally:
        platforms.signals.update(**saved)
        elector.stop()


def test_an_identity_that_outlives_restarts_is_held_by_one_process_of_a_host_at_a_time(
        settings: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    from incidents.management.commands.runbackground import _lock_identity

    settings.VAR_DIR, settings.LEADER_IDENTITY = tmp_path, "host:/srv/aiops/var"
    assert leader.default_identity() == "host:/srv/aiops/var"
    held = _lock_identity()
    assert held is not None
    try:
        with pytest.raises(CommandError, match="another process on this host runs with AIOPS_LEADER_IDENTITY"):
            _lock_identity()  # a second open of the lock file: refused as another process would be
    finally:
        held.close()
    again = _lock_identity()  # released with its holder
    assert again is not None
    again.close()
    settings.LEADER_IDENTITY = ""
    assert _lock_identity() is None and re.fullmatch(r".+:\d+", leader.default_identity())
