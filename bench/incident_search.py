"""Incident search: the console's incident history (/console/incidents/) and GET /api/v1/incidents/ over 10,000
incidents with their events, timelines and some root-cause reports. Target: p95 under 300 ms per request.

The data: INCIDENTS incidents opened over the last 90 days in 3 clusters and 30 namespaces, of 2,000 workloads;
85% resolved, 10% open, 5% acknowledged; EVENTS_EACH events each (a firing one, a second signal of the
workload and a resolved one, with Kubernetes-like messages), 2 to 3 timeline entries each, a root-cause report
for one in ten. Each request goes through Django's whole handler in this process (middleware, authentication,
the search, the count, the template or the serializer), from a logged-in session for the page and with an API
token for the API, 25 incidents a page. One unmeasured warm-up per request, then REPEATS measured in turn.

The database: a temp SQLite file, or with DATABASE_URL=postgres://... a new database on that server (dropped
afterwards), ANALYZEd after loading. Not a test: prints figures only.

Usage: [DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres] .venv/bin/python bench/incident_search.py
       [INCIDENTS] [REPEATS]
"""

from __future__ import annotations

import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import migrated_django  # noqa: E402

INCIDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
EVENTS_EACH = 3
TARGET_P95_MS = 300
REASONS = ["CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "ReplicaShortfall", "FrequentRestarts",
           "NodeNotReady", "KubePodCrashLooping", "KubeDeploymentReplicasMismatch", "JobFailed", "Evicted"]
MESSAGES = ["back-off 5m0s restarting failed container app in pod {pod}", "container app killed at its 512Mi limit",
            "failed to pull image registry.example.com/{name}:1.{n}: not found",
            "Deployment {ns}/{name} has 0 of 3 available replicas", "dial tcp 10.0.{n}.7:5432: connection refused",
            "readiness probe failed: HTTP probe failed with statuscode: 503"]
QUERIES = {  # label: the query string of both the page and the API
    "newest (no filter)": "",
    "by workload": "workload=checkout-17",
    "by reason": "reason=OOMKilled",
    "free text": "q=connection+refused",
    "status+severity": "status=open&severity=critical",
    "text+filters, 7d": "q=restarting&namespace=team-3&period=7d",
    "deep page": "page=150",
}


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def load(rng: random.Random) -> None:
    from django.utils import timezone

    from incidents.models import AuditEntry, Cluster, ClusterEvent, Incident, RootCauseReport, make_fingerprint

    now = timezone.now()
    clusters = [Cluster.objects.create(name=f"cluster-{n}", kind=Cluster.Kind.SIMULATED) for n in range(3)]
    incidents, plans = [], []
    for n in range(INCIDENTS):
        name, ns = f"{rng.choice(['checkout', 'cart', 'search', 'ledger', 'api'])}-{rng.randrange(400)}", \
            f"team-{rng.randrange(30)}"
        reason = rng.choice(REASONS)
        opened = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
        status = rng.choices(["resolved", "open", "acknowledged"], [85, 10, 5])[0]
        key = make_fingerprint("bench", n)
        incidents.append(Incident(
            fingerprint=key, group_key=key, title=f"{reason}: {ns}/{name}", status=status,
            severity=rng.choices(["critical", "warning", "info"], [40, 50, 10])[0], cluster=rng.choice(clusters),
            namespace=ns, object_kind="Deployment", object_name=name, opened_at=opened,
            resolved_at=opened + timedelta(minutes=30) if status == "resolved" else None))
        plans.append((reason, ns, name))
    Incident.objects.bulk_create(incidents, batch_size=1000)
    events, entries, reports = [], [], []
    for incident, (reason, ns, name) in zip(incidents, plans, strict=True):
        cluster = incident.cluster
        for k, (why, state) in enumerate([(reason, "firing"), (rng.choice(REASONS), "firing"), (reason, "resolved")]
                                         [:EVENTS_EACH]):
            text = rng.choice(MESSAGES).format(pod=f"{name}-7d9f8-{rng.randrange(99999):05d}", name=name, ns=ns,
                                               n=rng.randrange(250))
            at = incident.opened_at + timedelta(minutes=k)
            events.append(ClusterEvent(
                fingerprint=make_fingerprint(incident.fingerprint, why), group_key=incident.group_key,
                source="kubernetes", reason=why, severity=incident.severity, status=state, cluster=cluster,
                namespace=ns, object_kind="Pod", object_name=name, message=text, occurred_at=at, recorded_at=at,
                incident=incident, labels={"workload_name": name}))
        entries.append(AuditEntry(at=incident.opened_at, action="incident.opened", incident=incident,
                                  message=f"Opened by rule bench: {text}"))
        if incident.resolved_at:
            entries.append(AuditEntry(at=incident.resolved_at, action="incident.resolved", incident=incident,
                                      message=f"Resolved: {reason} no longer observed"))
        if rng.random() < 0.1:
            reports.append(RootCauseReport(incident=incident, category="app_crash", confidence=0.7,
                                           summary=f"The container of {name} exits: {text}"))
    ClusterEvent.objects.bulk_create(events, batch_size=1000)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    RootCauseReport.objects.bulk_create(reports, batch_size=1000)


def measure() -> dict[str, dict[str, list[float]]]:
    from django.contrib.auth.models import User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    user = User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    page = Client(HTTP_HOST="localhost")
    page.force_login(user)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    paths = {"page": (page, "/console/incidents/?page_size=25&"), "api": (api, "/api/v1/incidents/?page_size=25&")}
    times: dict[str, dict[str, list[float]]] = {label: {path: [] for path in paths} for label in QUERIES}
    for repeat in range(REPEATS + 1):
        for label, query in QUERIES.items():
            for path, (client, url) in paths.items():
                started = time.perf_counter()
                response = client.get(url + query)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{path} {label}: HTTP {response.status_code} {response.content[:300]!r}")
                if repeat:  # the first round warms up
                    times[label][path].append(1000 * elapsed)
    return times


def report(times: dict[str, dict[str, list[float]]], load_seconds: float) -> None:
    from django.db import connection

    from incidents.models import AuditEntry, ClusterEvent, Incident
    from incidents.search import IncidentSearch, search_incidents

    pg_version = getattr(connection, "pg_version", 0)
    version = f"{pg_version // 10000}.{pg_version % 100}" if pg_version else sqlite3.sqlite_version
    load_average = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"incident search, database {connection.vendor} {version}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs (load average {load_average}, shared); {Incident.objects.count():,} incidents, "
          f"{ClusterEvent.objects.count():,} events, {AuditEntry.objects.count():,} timeline entries (loaded in "
          f"{load_seconds:.0f} s); {REPEATS} requests per line after one warm-up; target p95 < {TARGET_P95_MS} ms")
    for label, paths in times.items():
        query = QUERIES[label]
        search = IncidentSearch(dict(part.split("=") for part in query.replace("+", " ").split("&") if part
                                     and not part.startswith("page=")))
        matches = search_incidents(search.cleaned_data).count() if search.is_valid() else -1
        figures = "   ".join(f"{path} p50 {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms"
                               for path, ms in paths.items())
        print(f"  {label:20s} {matches:>6,} found   {figures}   ?{query}")


def main() -> None:
    with migrated_django():
        from django.db import connection

        started = time.perf_counter()
        load(random.Random(19))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        load_seconds = time.perf_counter() - started
        report(measure(), load_seconds)

if __name__ == "__main__":
    main()
