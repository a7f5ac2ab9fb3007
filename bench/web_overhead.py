"""Fixed costs of the web process: /ready req/s at 1 and 8 connections, and the p50 of a request refused by auth.

The upstream harness (issue 15) compares these with the upstream's deep /health and its refused webhook:
- /ready checks the database, Redis and the broker and lists what the apps report (READINESS_DETAILS);
  sequential keep-alive requests (1 connection), then a burst over 8 keep-alive connections.
- POST /api/v1/alerts/alertmanager with a wrong bearer token -> 401, with a 31 KiB notification (50 alerts)
  and with a 2-byte body, sequential keep-alive, p50 and p99.

By default it starts its own web process (uvicorn with the options `manage.py runstack` gives it, on the Channels
app) on a throwaway database (a temp SQLite file, or a new database on DATABASE_URL's PostgreSQL server) and
Redis (REDIS_URL's server, else the embedded redis-server), at LOG_LEVEL info with the log to a file, as in
production. With --url it measures a stack already running there instead.

Usage: .venv/bin/python bench/web_overhead.py [--server uvicorn|daphne] [--requests 300] [--burst 800]
       .venv/bin/python bench/web_overhead.py --url http://127.0.0.1:18802
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_database  # noqa: E402

_local = threading.local()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    host: str, port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[float, int]:
    """One request on this thread's keep-alive connection: (seconds, status)."""
    conns = _local.__dict__.setdefault("conns", {})
    for attempt in (1, 2):
        conn = conns.get(port) or http.client.HTTPConnection(host, port, timeout=30)
        conns[port] = conn
        try:
            t0 = time.perf_counter()
            conn.request(method, path, body, headers or {})
            response = conn.getresponse()
            response.read()
            return time.perf_counter() - t0, response.status
        except (http.client.HTTPException, OSError):
            conn.close()
            conns.pop(port, None)
            if attempt == 2:
                raise
    raise AssertionError


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def notification(alerts: int = 50) -> bytes:
    """An Alertmanager notification of `alerts` distinct alerts (about 31 KiB for 50)."""
    from tests.alertmanager_payloads import firing

    payload = firing()
    template = payload["alerts"][0]
    payload["alerts"] = [
        {
            **template,
            "fingerprint": f"{i:016x}",
            "labels": {
                **template["labels"],
                "pod": f"svc-{i % 7}-7d9f8b6c5d-x{i:04d}",
                "deployment": f"svc-{i % 7}",
                "job": "kube-state-metrics",
                "prometheus": "monitoring/k8s",
            },
            "annotations": {
                "summary": f"Pod team-1/svc-{i % 7}-7d9f8b6c5d-x{i:04d} has been in a non-ready state "
                "for longer than 15 minutes",
                "runbook_url": "https://runbooks.example/notready",
            },
            "generatorURL": "http://prometheus.local/graph?g0.expr=ALERTS%7Balertname%3D%22KubePodNotReady%22%7D",
        }
        for i in range(alerts)
    ]
    return json.dumps(payload).encode()


def measure(host: str, port: int, requests: int, burst: int) -> None:
    for _ in range(10):  # warm-up: connections, first queries
        request(host, port, "GET", "/ready")
    codes: dict[int, int] = {}
    latencies = []
    for _ in range(requests):
        t, code = request(host, port, "GET", "/ready")
        latencies.append(t)
        codes[code] = codes.get(code, 0) + 1
    c1 = requests / sum(latencies)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: request(host, port, "GET", "/ready"), range(16)))  # open the 8 connections
        t0 = time.perf_counter()
        results = list(pool.map(lambda _: request(host, port, "GET", "/ready"), range(burst)))
        c8 = burst / (time.perf_counter() - t0)
    for _, code in results:
        codes[code] = codes.get(code, 0) + 1
    print(
        f"/ready      1 connection  {c1:6.0f} req/s  p50 {statistics.median(latencies) * 1000:5.2f} ms  "
        f"p99 {pct(latencies, 0.99) * 1000:5.2f} ms"
    )
    print(f"/ready      8 connections {c8:6.0f} req/s  (status codes {codes})")

    url = "/api/v1/alerts/alertmanager"
    headers = {"Content-Type": "application/json", "Authorization": "Bearer wrong"}
    for label, body in (("31 KiB body", notification()), ("2-byte body", b"{}")):
        lat, refused = [], set()
        for _ in range(requests):
            t, code = request(host, port, "POST", url, body, headers)
            lat.append(t)
            refused.add(code)
        print(
            f"refused     {label} ({len(body):,} B, {sorted(refused)})  p50 {statistics.median(lat) * 1000:5.2f} ms  "
            f"p99 {pct(lat, 0.99) * 1000:5.2f} ms"
        )


def uvicorn_options() -> list[str]:
    """uvicorn's options as `manage.py runstack` runs the web process."""
    source = (ROOT / "incidents" / "management" / "commands" / "runstack.py").read_text()
    if "WEB_SERVER_OPTIONS = " in source:
        import ast

        start = source.index("WEB_SERVER_OPTIONS = ") + len("WEB_SERVER_OPTIONS = ")
        end = source.index("]", start) + 1
        return list(ast.literal_eval(source[start:end]))
    return ["--no-access-log"]


@contextlib.contextmanager
def own_web_process(server: str) -> Iterator[tuple[str, int, str]]:
    """A web process on a throwaway database and Redis: (host, port, conditions)."""
    var = tempfile.mkdtemp(prefix="aiops-bench-web-")
    env = {
        **os.environ,
        "AIOPS_VAR_DIR": var,
        "AIOPS_ALERTMANAGER_TOKEN": "bench-token",
        "DEBUG": "false",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "info"),
        "DJANGO_SETTINGS_MODULE": "aiops_project.settings",
    }
    with contextlib.ExitStack() as stack:
        database = stack.enter_context(throwaway_database())
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", f"sqlite:///{var}/aiops.sqlite3")
        redis_process = None
        if "REDIS_URL" not in os.environ:
            from aiops_project import embedded_redis

            redis_process = embedded_redis.start(Path(var) / "redis" / "redis.sock")
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
            )
            port = free_port()
            command = {
                "daphne": [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)],
                "uvicorn": [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    *uvicorn_options(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
            }[server] + ["aiops_project.asgi:application"]
            log = open(Path(var) / "web.log", "wb")  # noqa: SIM115 (closed below)
            web = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if request("127.0.0.1", port, "GET", "/health")[1] == 200:
                            break
                    except OSError:
                        pass
                    if web.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the web process did not answer; see {var}/web.log")
                    time.sleep(0.1)
                shown = " ".join(command[2:-1]).replace(str(port), "PORT")
                engine = "PostgreSQL" if database else "SQLite"
                redis = "embedded redis (unix socket)" if redis_process else "REDIS_URL (TCP)"
                yield (
                    "127.0.0.1",
                    port,
                    f"own {shown} web process, {engine}, {redis}, LOG_LEVEL {env['LOG_LEVEL']}",
                )
            finally:
                web.terminate()
                web.wait(timeout=15)
                log.close()
        finally:
            if redis_process is not None:
                redis_process.terminate()
                redis_process.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running stack (default: start a web process of our own)")
    ap.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn", help="as runstack runs it")
    ap.add_argument("--requests", type=int, default=300, help="sequential requests per measure")
    ap.add_argument("--burst", type=int, default=800, help="/ready requests over 8 connections")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        if args.url:
            parts = urlsplit(args.url)
            host, port, conditions = parts.hostname or "127.0.0.1", parts.port or 80, f"the stack at {args.url}"
        else:
            host, port, conditions = stack.enter_context(own_web_process(args.server))
        load = os.getloadavg()[0]
        print(
            f"conditions: {conditions}; {os.cpu_count()} CPUs, load average {load:.2f} at start; "
            f"client: this process, keep-alive http.client threads"
        )
        measure(host, port, args.requests, args.burst)


if __name__ == "__main__":
    main()
