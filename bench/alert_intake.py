"""Alerts per second through the Alertmanager webhook view into the configured database.

Batches of 50 alerts, as Alertmanager groups them, posted through Django's test client (the whole
request path: middleware, DRF auth/throttle/validation, the service, the database): first all new
(each becomes an event), then the same notifications again (redeliveries, what Alertmanager sends
every repeat_interval). Uses a throwaway database: a temp SQLite file, or with
DATABASE_URL=postgres://... a new database on that server.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/alert_intake.py [--default-rules]

--default-rules loads the shipped rules and playbooks first (config/): every new alert then goes through the
default `alertmanager-notify` rule, and each notification with news writes its chat notice to the outbox (sent to
the embedded Redis broker after commit, as in production).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway_database  # noqa: E402

BATCHES, BATCH_SIZE = 100, 50


def main() -> None:
    os.environ["AIOPS_VAR_DIR"] = tempfile.mkdtemp()
    os.environ["AIOPS_ALERTMANAGER_TOKEN"] = token = "bench-token"
    os.environ["AIOPS_ALERT_INTAKE_RATE"] = "1000000/min"
    os.environ["LOG_LEVEL"] = "warning"
    cleanup = contextlib.ExitStack()
    cleanup.enter_context(throwaway_database())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from aiops_project import embedded_redis

    redis_process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET) if settings.EMBEDDED_REDIS else None
    from django.db import connection
    from django.test import Client

    from aiops_project.gc import freeze_startup_heap
    from tests.alertmanager_payloads import firing

    try:
        call_command("migrate", verbosity=0)
        if "--default-rules" in sys.argv[1:]:
            from remediation.definitions import load_definitions

            playbooks, rules = load_definitions(settings.DEFAULT_PLAYBOOKS_DIR, settings.DEFAULT_RULES_DIR)
            print(f"defaults: {playbooks} playbooks, {rules} rules")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")

        def batch_of(batch: int) -> dict:
            payload = firing()
            template = payload["alerts"][0]
            payload["alerts"] = [
                {**template, "fingerprint": f"b{batch}-{i}", "labels": {**template["labels"], "pod": f"p{batch}-{i}"}}
                for i in range(BATCH_SIZE)
            ]
            return payload

        def run(label: str, payloads: list[dict]) -> None:
            latencies = []
            started = time.perf_counter()
            for payload in payloads:
                t0 = time.perf_counter()
                response = client.post("/api/v1/alerts/alertmanager", payload, content_type="application/json")
                latencies.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.content
            elapsed = time.perf_counter() - started
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            alerts = sum(len(p["alerts"]) for p in payloads)
            p50 = statistics.median(latencies)
            rate = alerts / elapsed
            print(f"{label:12s} {rate:8,.0f} alerts/s   request p50 {p50 * 1000:5.0f} ms   p99 {p99 * 1000:5.0f} ms")

        # A running server is warm: one notification first (lazy imports, connections), not measured.
        warm = client.post("/api/v1/alerts/alertmanager", batch_of(-1), content_type="application/json")
        assert warm.status_code == 200, warm.content
        freeze_startup_heap()  # as the web process does once it has started (aiops_project/asgi.py)
        payloads = [batch_of(b) for b in range(BATCHES)]
        print(f"database: {connection.vendor}; {BATCHES} requests x {BATCH_SIZE} alerts each")
        run("new alerts", payloads)
        run("redelivered", payloads)
    finally:
        connection.close()
        if redis_process is not None:
            redis_process.terminate()
        cleanup.close()  # the throwaway database, if any


if __name__ == "__main__":
    main()
