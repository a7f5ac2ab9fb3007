"""Several processes record the same failures at once: one event each, and no "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from incidents.models import ClusterEvent, Incident, Signal
from tests.factories import make_cluster, make_playbook, make_rule

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 4
ROUNDS = 25

SCRIPT = f"""
import os
from incidents.detectors import Finding
from incidents.models import Cluster
from incidents.detection import sync_cluster_findings

cluster = Cluster.objects.get(pk=int(os.environ["WRITER_CLUSTER"]))
writer = os.environ["WRITER_ID"]
for n in range({ROUNDS}):
    shared = Finding(reason="CrashLoopBackOff", severity="critical", namespace="shop", object_kind="Pod",
                     object_name="checkout-1", message="crash", group_kind="Deployment", group_name="checkout",
                     labels={{"pod": "checkout-1", "workload_kind": "Deployment", "workload_name": "checkout"}})
    own = Finding(reason="ImagePullBackOff", severity="warning", namespace="shop", object_kind="Pod",
                  object_name=f"w{{writer}}-{{n}}", message="pull", group_kind="Pod", group_name=f"w{{writer}}-{{n}}")
    sync_cluster_findings(cluster, [shared, own])
print("ok")
"""


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_pollers_record_each_transition_once_without_lock_errors(tmp_path):
    cluster = make_cluster()
    make_rule(playbook=make_playbook("restart"))
    env = {**os.environ, "DATABASE_URL": _database_url(), "AIOPS_VAR_DIR": str(tmp_path)}
    if "REDIS_URL" not in os.environ:
        from django.conf import settings

        env["REDIS_URL"] = settings.REDIS_URL  # the embedded server this test session runs
    writers = [
        subprocess.Popen([sys.executable, "manage.py", "shell", "-c", SCRIPT], cwd=ROOT,
                         env={**env, "WRITER_CLUSTER": str(cluster.pk), "WRITER_ID": str(i)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(WRITERS)
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip().endswith("ok"), err[-3000:]
        assert "database is locked" not in err

    shared = ClusterEvent.objects.filter(reason="CrashLoopBackOff")
    assert shared.count() == 1, "the same failure seen by every writer is recorded once"
    assert Incident.objects.count() == 1
    own = ClusterEvent.objects.filter(reason="ImagePullBackOff")
    assert own.filter(status="firing").count() == WRITERS * ROUNDS
    # Writers resolve each other's vanished findings concurrently: each is resolved at most once.
    resolved = list(own.filter(status="resolved").values_list("fingerprint", flat=True))
    assert len(resolved) == len(set(resolved)) > 0
    assert Signal.objects.count() == 1 + WRITERS * ROUNDS


INTAKE_SCRIPT = """
import os, random
from incidents.alertmanager import ingest_notification
from tests.alertmanager_payloads import firing

template = firing()["alerts"][0]
rng = random.Random(os.environ["WRITER_ID"])
for n in range(10):
    alerts = [{**template, "fingerprint": f"r{n}-a{i}", "labels": {**template["labels"], "pod": f"p{n}-{i}"}}
              for i in range(40)]
    rng.shuffle(alerts)  # the same alerts, in another order for each writer
    result = ingest_notification(alerts)
    assert not result.rejected, result.rejected
print("ok")
"""


@pytest.mark.django_db(transaction=True)
def test_replicas_delivering_the_same_alerts_at_once_record_each_once(tmp_path):
    # What two Alertmanager replicas (or a redelivery racing the first delivery) do: the same new alerts,
    # concurrently, each notification one transaction. Any error (a lock conflict, a deadlock) fails a writer.
    env = {**os.environ, "DATABASE_URL": _database_url(), "AIOPS_VAR_DIR": str(tmp_path)}
    if "REDIS_URL" not in os.environ:
        from django.conf import settings

        env["REDIS_URL"] = settings.REDIS_URL
    writers = [subprocess.Popen([sys.executable, "manage.py", "shell", "-c", INTAKE_SCRIPT], cwd=ROOT,
                                env={**env, "WRITER_ID": str(i)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
               for i in range(WRITERS)]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip().endswith("ok"), err[-3000:]
    assert ClusterEvent.objects.count() == Signal.objects.count() == 10 * 40
    assert len(set(ClusterEvent.objects.values_list("fingerprint", flat=True))) == 10 * 40
