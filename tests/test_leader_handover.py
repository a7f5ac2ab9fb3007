"""Two `manage.py watch_clusters` processes on a real API server and one database: only the leader watches;
killed with SIGKILL, its standby takes over once the lease expires, relists, and records what changed while
nobody led. Every transition is recorded exactly once. The lease is a Kubernetes Lease on the same API server,
or a database row."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests import helpers
from tests.stack import _database_url

ROOT = Path(__file__).resolve().parent.parent
LEASE_SECONDS = 3


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def identity_suffix(self) -> str:
        return f":{self.process.pid}"

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        lines = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and (name is None or entry.get("event") == name):
                lines.append(entry)
        return lines

    def stop(self) -> int:
        return helpers.stop(self.process, signal.SIGINT, timeout=30)


class Database:
    """The database the watcher processes share: a SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, url: str, migrated: bool) -> None:
        self.url, self.migrated = url, migrated

    def setup_commands(self, *commands: list[str]) -> list[list[str]]:
        """`manage.py` commands that prepare it: `migrate` first unless it is migrated already."""
        return [*([] if self.migrated else [["migrate", "--noinput", "-v0"]]), *commands]

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(f"file:{self.url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def execute(self, sql: str) -> None:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as db:
                db.execute(sql)
            return
        import psycopg

        with psycopg.connect(self.url) as db:
            db.execute(sql)  # type: ignore[arg-type]


@contextmanager
def shared_database(tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> Iterator[Database]:
    """A SQLite file migrated already (a copy of the session's), or a fresh PostgreSQL database to migrate."""
    with _database_url(tmp_path) as url:
        yield Database(url, False) if url else Database(f"sqlite:///{migrated_sqlite(tmp_path / 'shared.sqlite3')}",
                                                         True)


def eventually(probe: Callable[[], Any], what: str, replicas: list[Replica], timeout: float = 60) -> Any:
    """Waits as tests.helpers.eventually does; a failure shows the end of each replica's log."""

    def logs() -> str:
        return "\n".join(f"--- {r.process.pid}:\n{r.log_path.read_text(errors='replace')[-4000:]}" for r in replicas)

    return helpers.eventually(probe, what, timeout, interval=0.1, explain=logs)


def wall(entry: dict[str, Any]) -> float:
    return datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("election", [pytest.param("kubernetes", marks=pytest.mark.once), "database"])
def test_the_standby_watcher_takes_over_from_a_killed_leader_and_records_every_transition_once(
        realkube: Any, tmp_path: Path, election: str, migrated_sqlite: Callable[[Path], Path]) -> None:
    ns, node = f"handover-{uuid.uuid4().hex[:6]}", f"handover-{uuid.uuid4().hex[:6]}"
    realkube.sim("node", node)
    for app in ("alpha", "beta"):
        realkube.sim("deploy", ns, app, "--node", node)
        realkube.sim("pods", ns, app, "running", "--restarts", "0", "--node", node)

    def available(app: str) -> bool:
        conditions = realkube.get(f"/apis/apps/v1/namespaces/{ns}/deployments/{app}").get("status", {})
        return any(c["type"] == "Available" and c["status"] == "True" for c in conditions.get("conditions") or [])

    replicas: list[Replica] = []
    eventually(lambda: available("alpha") and available("beta"), "the deployments to be available", replicas)

    with shared_database(tmp_path, migrated_sqlite) as database:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
               and not k.startswith("AIOPS_LEADER_")}
        env.update(AIOPS_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=database.url, LOG_FORMAT="json",
                   REDIS_URL=f"unix://{settings.EMBEDDED_REDIS_SOCKET}?db=7" if settings.EMBEDDED_REDIS
                   else settings.REDIS_URL,
                   AIOPS_LEADER_ELECTION=election, AIOPS_LEADER_LEASE_SECONDS=str(LEASE_SECONDS))
        if election == "kubernetes":
            env.update(AIOPS_LEADER_KUBECONFIG=str(realkube.kubeconfig), AIOPS_LEADER_NAMESPACE=ns)
        for args in database.setup_commands(
                ["shell", "-c", "from incidents.models import Cluster; Cluster.objects.create(name='real', "
                                f"kind='kubeconfig', kubeconfig_path={str(realkube.kubeconfig)!r})"]):
            result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=120, check=False)
            assert result.returncode == 0, result.stderr

        def transitions(app: str, status: str) -> list[tuple[Any, ...]]:
            return database.rows("SELECT fingerprint, recorded_at FROM incidents_clusterevent WHERE namespace = %s "
                                 "AND reason = 'CrashLoopBackOff' AND status = %s AND object_name LIKE %s",
                                 ns, status, f"{app}-%")

        try:
            for n in range(2):
                log_path = tmp_path / f"watcher-{n}.log"
                with log_path.open("wb") as out:
                    replicas.append(Replica(subprocess.Popen(
                        [sys.executable, "manage.py", "watch_clusters", "--refresh-seconds", "1"],
                        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT), log_path))
            first = eventually(lambda: [r for r in replicas if r.events("leader_acquired")], "a leader", replicas)[0]
            standby = next(r for r in replicas if r is not first)
            eventually(lambda: standby.events("leader_standby"), "the other replica to stand by", replicas)

            # While the first leads: alpha fails and heals; recorded by the leader.
            realkube.sim("pods", ns, "alpha", "crashloop", "--restarts", "1", "--node", node)
            eventually(lambda: transitions("alpha", "firing"), "alpha's crash loop to be recorded", replicas)
            realkube.sim("pods", ns, "alpha", "running", "--restarts", "1", "--node", node)
            eventually(lambda: transitions("alpha", "resolved"), "alpha's recovery to be recorded", replicas)

            # The leader dies without a word; beta starts failing while nobody leads.
            first.process.send_signal(signal.SIGKILL)
            killed_at = time.time()
            first.process.wait(timeout=10)
            realkube.sim("pods", ns, "beta", "crashloop", "--restarts", "1", "--node", node)
            acquired = eventually(lambda: standby.events("leader_acquired"), "the standby to lead", replicas)
            [(_, recorded_at)] = eventually(lambda: transitions("beta", "firing"), "beta's crash loop", replicas)

            # Someone else takes the lease behind its back: the leader stops watching at once and stands by;
            # beta heals meanwhile, and the leader records that when it has the lease again (after it expired).
            if election == "kubernetes":
                realkube.kubectl("patch", "lease", "aiops-watcher", "-n", ns, "--type=merge",
                                 "-p", '{"spec": {"holderIdentity": "intruder"}}')
            else:
                database.execute("UPDATE incidents_leaderlease SET holder = 'intruder' WHERE name = 'watcher'")
            [lost] = eventually(lambda: standby.events("leader_lost"), "the leader to notice", replicas, timeout=10)
            assert lost["reason"] == "held_by_another" and lost["holder"] == "intruder"
            realkube.sim("pods", ns, "beta", "running", "--restarts", "1", "--node", node)
            again = eventually(lambda: standby.events("leader_acquired")[1:], "the lease to come back", replicas)
            eventually(lambda: transitions("beta", "resolved"), "beta's recovery to be recorded", replicas)
            # Nothing of this namespace (beta healed only after the lease was lost) is recorded without the lease.
            # Other tests' namespaces on the shared API server are left out: a transition of theirs that was in
            # flight when the lease went may finish, and log, after `leader_lost`.
            assert not [e for e in standby.events("watch_transition")
                        if e.get("namespace") == ns and wall(lost) <= wall(e) < wall(again[0])]

            def settled() -> bool:  # every failure of the namespace (crash loops, replica shortfalls) resolved
                counts = Counter(status for (status,) in database.rows(
                    "SELECT status FROM incidents_clusterevent WHERE namespace = %s", ns))
                return counts["firing"] == counts["resolved"]

            eventually(settled, "every failure in the namespace to resolve", replicas)
            assert standby.stop() == 0, standby.log_path.read_text()
        finally:
            for replica in replicas:
                replica.stop()

        # Exactly once each: nothing recorded twice (by two leaders, or a leader and a relist), nothing missed.
        recorded = Counter(database.rows("SELECT fingerprint, status FROM incidents_clusterevent WHERE namespace = %s",
                                         ns))
        assert recorded and set(recorded.values()) == {1}, recorded
        for app in ("alpha", "beta"):
            assert len(transitions(app, "firing")) == len(transitions(app, "resolved")) == 1
        # beta's failure began while nobody led: the new leader's relist found it.
        beta = transitions("beta", "firing")[0][0]
        assert any(e.get("fingerprint") == beta and e.get("recorded") for e in standby.events("watch_transition"))
        assert not any(e.get("fingerprint") == beta for e in first.events("watch_transition"))
        # A standby watches nothing: the new leader's first transition comes after it took the lease.
        assert all(wall(e) >= wall(acquired[0]) for e in standby.events("watch_transition"))
        identities = [e["identity"] for e in standby.events("leader_acquired")]
        assert len(identities) == 2 and all(i.endswith(standby.identity_suffix) for i in identities)
        assert standby.events("leader_released") and standby.events("watcher_stopped")[0]["clean"] is True
        assert "Traceback" not in standby.log_path.read_text()

        if election == "kubernetes":
            spec = realkube.get(f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/aiops-watcher")["spec"]
            holder, lease_transitions = spec.get("holderIdentity"), spec.get("leaseTransitions")
        else:
            [(holder, lease_transitions)] = database.rows(
                "SELECT holder, transitions FROM incidents_leaderlease WHERE name = 'watcher'")
        assert (holder, lease_transitions) == ("", 2)  # released on a clean exit; taken over twice

    if isinstance(recorded_at, str):  # SQLite: UTC, as text
        recorded_at = datetime.fromisoformat(recorded_at).replace(tzinfo=UTC)
    print(f"\nhandover ({election}, lease {LEASE_SECONDS} s): leader_acquired {wall(acquired[0]) - killed_at:.2f} s, "
          f"first transition recorded {recorded_at.timestamp() - killed_at:.2f} s after SIGKILL")


def test_two_beat_processes_only_the_leader_sends_and_the_standby_takes_over_when_it_is_killed(
        tmp_path: Path, migrated_sqlite: Callable[[Path], Path]) -> None:
    queue = f"leader-probe-{uuid.uuid4().hex[:8]}"
    replicas: list[Replica] = []
    with shared_database(tmp_path, migrated_sqlite) as database:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
               and not k.startswith("AIOPS_LEADER_")}
        env.update(AIOPS_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=database.url, LOG_FORMAT="json",
                   REDIS_URL=f"unix://{settings.EMBEDDED_REDIS_SOCKET}?db=7" if settings.EMBEDDED_REDIS
                   else settings.REDIS_URL, AIOPS_LEADER_ELECTION="database", AIOPS_LEADER_LEASE_SECONDS="2")
        for args in database.setup_commands(
                ["shell", "-c", "from django_celery_beat.models import IntervalSchedule, PeriodicTask; "
                                "every = IntervalSchedule.objects.create(every=1, period='seconds'); "
                                "PeriodicTask.objects.create(name='probe', task='tests.leader_probe', "
                                f"interval=every, queue={queue!r})"]):
            result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=120, check=False)
            assert result.returncode == 0, result.stderr

        def sends(replica: Replica) -> list[dict[str, Any]]:
            return [e for e in replica.events() if "Sending due task probe" in str(e.get("event"))]

        try:
            for n in range(2):
                log_path = tmp_path / f"beat-{n}.log"
                with log_path.open("wb") as out:
                    replicas.append(Replica(subprocess.Popen(
                        [sys.executable, "-m", "celery", "-A", "aiops_project", "beat", "--loglevel", "INFO",
                         "--scheduler", "aiops_project.beat:LeaderDatabaseScheduler", "--pidfile="],
                        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT), log_path))
            first = eventually(lambda: [r for r in replicas if len(sends(r)) >= 2], "a beat to send", replicas)[0]
            standby = next(r for r in replicas if r is not first)
            eventually(lambda: standby.events("leader_standby"), "the other beat to stand by", replicas)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
            eventually(lambda: len(sends(standby)) >= 2, "the standby to take over and send", replicas)
            assert standby.stop() == 0, standby.log_path.read_text()
        finally:
            for replica in replicas:
                replica.stop()

    for replica in replicas:  # one election per process, even though celery makes a second scheduler
        assert len(replica.events("leader_acquired")) == 1, replica.log_path.read_text()
    [acquired] = standby.events("leader_acquired")
    assert wall(acquired) > max(wall(e) for e in sends(first))  # the standby led only once the leader was gone
    assert all(wall(e) >= wall(acquired) for e in sends(standby))  # and sent nothing while standing by
    assert standby.events("leader_released")
