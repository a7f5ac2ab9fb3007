"""Watch mode on a real kube-apiserver (v1.28, realkube): detection latency and reconnects on a quiet cluster.

Starts a real control plane on free loopback ports (tests/realkube.py; etcd progress notifications every 5 s,
so the watch cache sends BOOKMARKs about once a minute) and `manage.py watch_clusters` as a separate process,
on a throwaway SQLite database (with DATABASE_URL=postgres://..., a new database on that server) and the
embedded Redis, with no poller running. Then:

1. flips a pod's status between running and CrashLoopBackOff FLIPS times through the API (a kubelet's status
   PATCH) and times each firing and resolved ClusterEvent row as it appears (polled every 2 ms);
2. leaves the cluster quiet for QUIET seconds and counts, from the watcher's own log, the reconnects (failed
   watches), decode failures, relists (410) and bookmarks, extrapolated per hour.

Usage: .venv/bin/python bench/watch_real.py [FLIPS=50] [QUIET=600]
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FLIPS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
QUIET = int(sys.argv[2]) if len(sys.argv) > 2 else 600
POD, NS, NODE = "bench-pod", "bench", "bench-node"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status(state: str, restarts: int) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "registry.invalid/bench:1", "imageID": "",
                                 "restartCount": restarts, "started": state == "running"}
    if state == "crashloop":
        container |= {"ready": False, "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
                      "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": stamp(),
                                                   "finishedAt": stamp()}}}
    else:
        container |= {"ready": True, "lastState": {}, "state": {"running": {"startedAt": stamp()}}}
    return {"phase": "Running", "hostIP": "127.0.0.1", "podIP": "127.1.0.9", "startTime": stamp(),
            "conditions": [{"type": "Ready", "status": "True" if state == "running" else "False",
                            "lastTransitionTime": stamp()}], "containerStatuses": [container]}


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main() -> None:
    from bench._throwaway import throwaway_database

    with throwaway_database() as database:  # DATABASE_URL=postgres://...: a new database on that server
        if database is None:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
        run()


def run() -> None:
    from tests.realkube import running_realkube

    tmp = Path(tempfile.mkdtemp())
    os.environ.pop("REDIS_URL", None)
    os.environ.update(AIOPS_VAR_DIR=str(tmp / "var"), LOG_LEVEL="warning",
                      DJANGO_SETTINGS_MODULE="aiops_project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from kubernetes import client

    from aiops_project import embedded_redis
    from incidents.models import Cluster, ClusterEvent

    redis_process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
    call_command("migrate", verbosity=0)
    log_path = tmp / "watcher.log"
    watcher = None
    with running_realkube() as kube:
        try:
            kube.sim("node", NODE)
            core = client.CoreV1Api(kube.api())
            core.create_namespace({"metadata": {"name": NS}})
            core.create_namespaced_pod(NS, {"metadata": {"name": POD}, "spec": {
                "nodeName": NODE, "containers": [{"name": "app", "image": "registry.invalid/bench:1"}]}})
            core.patch_namespaced_pod_status(POD, NS, {"status": status("running", 0)})
            Cluster.objects.create(name="bench", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kube.kubeconfig))
            with log_path.open("wb") as out:
                watcher = subprocess.Popen([sys.executable, "manage.py", "watch_clusters"], cwd=ROOT,
                                           env={**os.environ, "LOG_LEVEL": "debug", "LOG_FORMAT": "json",
                                                "AIOPS_LEADER_ELECTION": "off"},
                                           stdout=out, stderr=subprocess.STDOUT)

            def flip(state: str, event_status: str, count: int, restarts: int) -> float:
                started = time.perf_counter()
                core.patch_namespaced_pod_status(POD, NS, {"status": status(state, restarts)})
                deadline = time.monotonic() + 60
                while ClusterEvent.objects.filter(object_name=POD, status=event_status).count() < count:
                    if time.monotonic() > deadline or watcher.poll() is not None:
                        raise SystemExit(f"no {event_status} event within 60 s; see {log_path}")
                    time.sleep(0.002)
                return time.perf_counter() - started

            flip("crashloop", "firing", 1, 1)  # warm-up: waits for the watcher's first LIST and WATCH
            flip("running", "resolved", 1, 1)
            firing, resolved = [], []
            for i in range(2, FLIPS + 2):
                firing.append(flip("crashloop", "firing", i, i))
                resolved.append(flip("running", "resolved", i, i))
            quiet_from = log_path.stat().st_size
            time.sleep(QUIET)
        finally:
            if watcher is not None and watcher.poll() is None:
                watcher.send_signal(signal.SIGINT)
                watcher.wait(timeout=60)
            if redis_process is not None:
                redis_process.terminate()
                redis_process.wait(timeout=10)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"watch mode on kube-apiserver v1.28 (realkube, loopback), database {engine}, 2 cores;")
    print(f"  {FLIPS} status flips of one pod, PATCH sent -> ClusterEvent row visible:")
    for label, values in (("firing", firing), ("resolved", resolved)):
        p50, p95, worst = (1000 * v for v in (percentile(values, 50), percentile(values, 95), max(values)))
        print(f"    {label:9s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {worst:6.1f} ms")
    quiet_lines = [json.loads(line) for line in log_path.read_bytes()[quiet_from:].splitlines()
                   if line.startswith(b"{")]
    events = Counter(line.get("event") for line in quiet_lines)
    decode = sum(1 for line in quiet_lines if "not a watch event" in str(line.get("error", "")))
    reconnects = events["watch_failing"] + events["watch_retry"]
    per_hour = 3600 / QUIET
    print(f"  quiet cluster for {QUIET} s (7 watches): {reconnects} reconnects ({reconnects * per_hour:.1f}/hour), "
          f"{decode} caused by decoding, {events['watch_expired']} relists after 410, "
          f"{events['watch_bookmark']} bookmarks ({events['watch_bookmark'] * per_hour:.0f}/hour)")


if __name__ == "__main__":
    main()
