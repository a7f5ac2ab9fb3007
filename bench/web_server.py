"""daphne against uvicorn (uvloop + httptools) serving the same ASGI app (aiops_project.asgi:application).

For each server, in alternating rounds (A B, B A, ...): seconds from exec to /ready answering 200; the
Alertmanager webhook's throughput (POST /api/v1/alerts/alertmanager, bearer token, notifications of 50 new
alerts each, from CONNECTIONS keep-alive connections for SECONDS s); the web process's PSS after that; a
websocket handshake at /ws/console/ (the Channels router answers: an anonymous session is refused).
Database: a throwaway PostgreSQL database when DATABASE_URL is PostgreSQL, else SQLite in a temp dir;
Redis: database 12 of REDIS_URL's server (else 127.0.0.1:6379), emptied first.

Usage: [DATABASE_URL=postgres://postgres@127.0.0.1:5432/test] .venv/bin/python bench/web_server.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_database  # noqa: E402

TOKEN = "bench-token"
SERVERS = {
    "daphne": ["-m", "daphne", "-b", "127.0.0.1", "-p", "{port}", "aiops_project.asgi:application"],
    "uvicorn": ["-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--loop", "uvloop", "--http",
                "httptools", "--ws", "websockets", "--no-access-log", "--lifespan", "off",
                "aiops_project.asgi:application"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def notification(n: int, run: str, per: int = 50) -> bytes:
    rng = random.Random(f"{run}/{n}")
    ns = f"team-{n % 10}"
    alerts = []
    for i in range(per):
        pod = f"svc{n}-{i % 7}-{rng.getrandbits(40):x}"
        labels = {"alertname": "KubePodCrashLooping", "namespace": ns, "pod": pod, "container": "app",
                  "severity": "critical", "job": "kube-state-metrics"}
        alerts.append({"status": "firing", "labels": labels, "annotations": {"summary": f"{pod} crash loops"},
                       "startsAt": "2026-11-28T08:00:00.456Z", "endsAt": "0001-01-01T00:00:00Z",
                       "generatorURL": "http://prometheus.local/graph", "fingerprint": f"{rng.getrandbits(64):016x}"})
    return json.dumps({"receiver": "aiops", "status": "firing", "alerts": alerts,
                       "groupLabels": {"alertname": "KubePodCrashLooping", "namespace": ns},
                       "commonLabels": {"alertname": "KubePodCrashLooping", "namespace": ns}, "commonAnnotations": {},
                       "externalURL": "http://alertmanager.local", "version": "4", "truncatedAlerts": 0,
                       "groupKey": f'{{}}:{{namespace="{ns}"}}'}).encode()


def pss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")) / 1024


def ready(port: int) -> bool:
    with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
        return r.status == 200
    return False


def load(port: int, run: str, connections: int, seconds: float) -> tuple[float, int]:
    """Alerts per second taken in (status 200), and how many posts failed."""
    done, failed = [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = 0
        while time.monotonic() < deadline:
            body = notification(k * 100_000 + n, run)
            n += 1
            conn.request("POST", "/api/v1/alerts/alertmanager", body,
                         {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            with lock:
                if response.status == 200:
                    done[0] += 50
                else:
                    failed[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.monotonic() - started), failed[0]


def websocket_answers(port: int) -> str:
    from websockets.sync.client import connect

    try:
        with connect(f"ws://127.0.0.1:{port}/ws/console/", origin="http://127.0.0.1", open_timeout=5) as ws:
            ws.recv(timeout=5)
            return "open"
    except Exception as exc:
        return type(exc).__name__


def one(name: str, env: dict[str, str], run: str, connections: int, seconds: float) -> dict[str, float | str]:
    port = free_port()
    argv = [sys.executable, *(a.replace("{port}", str(port)) for a in SERVERS[name])]
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ready(port):
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited with {proc.returncode}")
            time.sleep(0.02)
        start = time.monotonic() - started
        idle = pss_mib(proc.pid)
        rate, failed = load(port, run, connections, seconds)
        return {"start": start, "idle_pss": idle, "pss": pss_mib(proc.pid), "rate": rate, "failed": failed,
                "ws": websocket_answers(port)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database() as db:
        redis_url = urlunsplit(urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))._replace(path="/12"))
        env = dict(os.environ, AIOPS_VAR_DIR=tmp, REDIS_URL=redis_url, AIOPS_ALERTMANAGER_TOKEN=TOKEN,
                   AIOPS_ALERT_INTAKE_RATE="1000000/min", LOG_LEVEL="warning", AIOPS_CLUSTER_DISCOVERY="false")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        results: dict[str, list[dict[str, float | str]]] = {name: [] for name in SERVERS}
        order = list(SERVERS)
        for r in range(args.rounds):
            for name in order if r % 2 == 0 else reversed(order):
                results[name].append(one(name, env, f"{r}-{name}", args.connections, args.seconds))
        print(f"conditions: {'PostgreSQL' if db else 'SQLite'} + Redis server, {os.cpu_count()} CPUs, {args.rounds}"
              f" alternating rounds, {args.connections} connections x {args.seconds:.0f} s of 50-alert notifications"
              f" (new alerts), LOG_LEVEL=warning")
        for name, rows in results.items():
            med = {k: statistics.median(float(row[k]) for row in rows) for k in ("start", "idle_pss", "pss", "rate")}
            print(f"  {name:8s} start->/ready {med['start']:5.2f} s  PSS idle {med['idle_pss']:6.1f} MiB, after load "
                  f"{med['pss']:6.1f} MiB  webhook {med['rate']:7.0f} alerts/s  failed posts "
                  f"{sum(int(row['failed']) for row in rows)}  websocket: {rows[-1]['ws']}")
        a, b = (statistics.median(float(row["rate"]) for row in results[n]) for n in ("uvicorn", "daphne"))
        print(f"  uvicorn/daphne webhook throughput ratio: {a / b:.2f}")
        redis.Redis.from_url(redis_url).flushdb()


if __name__ == "__main__":
    main()
