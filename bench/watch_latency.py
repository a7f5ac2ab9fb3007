"""Detection latency in watch mode: from the PATCH that turns a pod CrashLoopBackOff to its ClusterEvent row.

Starts a simulated cluster (`python -m simcluster`, healthy scenario) and `manage.py watch_clusters` as
separate processes, on a throwaway SQLite database and the embedded Redis, with no poller running. Then
flips a bare pod between running and CrashLoopBackOff FLIPS times through the Kubernetes API and times
each firing and resolved row as it appears in the database (polled every 2 ms).

Usage: .venv/bin/python bench/watch_latency.py [FLIPS]
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FLIPS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
POD = "bench-pod"


def container(state: str) -> dict[str, Any]:
    status: dict[str, Any] = {"name": "app", "image": "example/bench:1", "imageID": "", "restartCount": 3}
    if state == "crashloop":
        return status | {"ready": False, "lastState": {"terminated": {"reason": "Error", "exitCode": 1}},
                         "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}}}
    return status | {"ready": True, "lastState": {}, "state": {"running": {"startedAt": "2026-11-03T09:14:02Z"}}}


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ.pop("REDIS_URL", None)
    os.environ.update(AIOPS_VAR_DIR=str(tmp / "var"), DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
                      LOG_LEVEL="warning", DJANGO_SETTINGS_MODULE="aiops_project.settings")
    import django

    django.setup()
    import kubernetes
    from django.conf import settings
    from django.core.management import call_command

    from aiops_project import embedded_redis
    from incidents.models import Cluster, ClusterEvent

    redis_process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
    call_command("migrate", verbosity=0)
    kubeconfig = tmp / "kubeconfig"
    simcluster = subprocess.Popen(
        [sys.executable, "-m", "simcluster", "--scenario", str(ROOT / "scenarios" / "healthy.yaml"), "--port", "0",
         "--kubeconfig", str(kubeconfig)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher = None
    try:
        while not kubeconfig.exists():
            if simcluster.poll() is not None:
                raise SystemExit("simcluster exited early")
            time.sleep(0.05)
        Cluster.objects.create(name="bench", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        watcher = subprocess.Popen([sys.executable, "manage.py", "watch_clusters"], cwd=ROOT, env=os.environ.copy(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        core = kubernetes.client.CoreV1Api(kubernetes.config.new_client_from_config(config_file=str(kubeconfig)))
        core.create_namespaced_pod("default", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": POD, "namespace": "default"},
            "spec": {"containers": [{"name": "app", "image": "example/bench:1"}]},
            "status": {"phase": "Running", "containerStatuses": [container("running")]},
        })

        def flip(state: str, status: str, count: int) -> float:
            """Seconds from sending the PATCH to the count-th `status` event of the pod being in the database."""
            started = time.perf_counter()
            core.patch_namespaced_pod_status(POD, "default", {"status": {"containerStatuses": [container(state)]}},
                                             _content_type="application/merge-patch+json")
            deadline = time.monotonic() + 30
            while ClusterEvent.objects.filter(object_name=POD, status=status).count() < count:
                if time.monotonic() > deadline or watcher.poll() is not None:
                    raise SystemExit(f"no {status} event within 30 s (watcher exit code {watcher.poll()})")
                time.sleep(0.002)
            return time.perf_counter() - started

        flip("crashloop", "firing", 1)  # warm-up: waits for the watcher's first LIST and WATCH
        flip("running", "resolved", 1)
        firing, resolved = [], []
        for i in range(2, FLIPS + 2):
            firing.append(flip("crashloop", "firing", i))
            resolved.append(flip("running", "resolved", i))

        print(f"watch mode, {FLIPS} flips, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
              "PATCH sent -> ClusterEvent row visible:")
        for label, values in (("firing", firing), ("resolved", resolved)):
            p50, p95, worst = (1000 * v for v in (percentile(values, 50), percentile(values, 95), max(values)))
            print(f"  {label:9s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {worst:6.1f} ms")
        print(f"(poll mode, for comparison: one LIST every AIOPS_POLL_INTERVAL_SECONDS = "
              f"{settings.POLL_INTERVAL_SECONDS} s, so up to that long)")
    finally:
        for process in (watcher, simcluster):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)


if __name__ == "__main__":
    main()
