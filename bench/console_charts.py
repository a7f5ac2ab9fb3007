"""How fast the console's pictures render on a busy installation: the overview page over 10,000 incidents,
and an incident page whose incident has 500 events.

Data (bulk-inserted into a throwaway database: a temp SQLite file, or with DATABASE_URL=postgres://... a new
database on that server): INCIDENTS incidents opened over the last 90 days on 200 workloads, 4 events each,
a playbook run for every third (8 playbooks, mixed outcomes) with an approval for two runs in three, a third
of the incidents acknowledged and most resolved; then one more incident with 500 events on 40 signals.
Each page is fetched through Django's test client by a logged-in user (the whole request path), once
unmeasured, then REPEATS times; the median and the slowest are printed. Asserts nothing about the figures.

Usage: .venv/bin/python bench/console_charts.py [INCIDENTS] [REPEATS]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import migrated_django  # noqa: E402

INCIDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def populate() -> int:
    """The installation described above; returns the busy incident's id."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from incidents.models import ClusterEvent, Incident, make_fingerprint
    from remediation.models import Approval, Playbook, PlaybookRun, StepRun

    rng = random.Random(7)
    now = timezone.now()
    people = [User.objects.create_user(f"person{i}") for i in range(5)]
    playbooks = [Playbook.objects.create(name=f"playbook-{i}") for i in range(8)]
    incidents = []
    for i in range(INCIDENTS):
        opened = now - timedelta(seconds=rng.randrange(90 * 86400))
        resolved = opened + timedelta(minutes=rng.randrange(5, 600)) if rng.random() < 0.8 else None
        incidents.append(Incident(
            fingerprint=make_fingerprint("bench", i), group_key=make_fingerprint("bench", i), title=f"incident {i}",
            severity=rng.choice(["critical", "warning", "info"]), namespace=f"team-{i % 20}",
            object_kind="Deployment", object_name=f"app-{i % 200}", opened_at=opened,
            status="resolved" if resolved else "open", resolved_at=resolved,
            acknowledged_at=opened + timedelta(minutes=rng.randrange(1, 60)) if rng.random() < 0.3 else None))
    incidents = Incident.objects.bulk_create(incidents, batch_size=2000)
    ClusterEvent.objects.bulk_create([
        ClusterEvent(fingerprint=inc.fingerprint, group_key=inc.group_key, source="kubernetes", reason="BackOff",
                     status="firing" if e % 2 == 0 else "resolved", namespace=inc.namespace, object_kind="Pod",
                     object_name=f"{inc.object_name}-pod", occurred_at=inc.opened_at + timedelta(minutes=e),
                     incident=inc)
        for inc in incidents for e in range(4)], batch_size=4000)
    statuses = ["succeeded", "succeeded", "failed", "rejected", "expired", "skipped"]
    runs = PlaybookRun.objects.bulk_create([
        PlaybookRun(playbook=rng.choice(playbooks), incident=inc, status=rng.choice(statuses),
                    created_at=inc.opened_at + timedelta(minutes=2), finished_at=inc.opened_at + timedelta(minutes=9),
                    requested_by=rng.choice(people) if rng.random() < 0.2 else None)
        for inc in incidents[::3]], batch_size=2000)
    steps = StepRun.objects.bulk_create([
        StepRun(run=run, order=1, name="Restart", server="kubernetes", tool="rollout_restart", risk="MEDIUM",
                status="succeeded") for n, run in enumerate(runs) if n % 3], batch_size=2000)
    Approval.objects.bulk_create([
        Approval(step_run=step, status=rng.choice(["approved", "approved", "rejected", "expired"]),
                 requested_at=step.run.created_at, expires_at=step.run.created_at + timedelta(minutes=30),
                 decided_at=step.run.created_at + timedelta(seconds=rng.randrange(10, 1500)),
                 decided_by=rng.choice(people)) for step in steps], batch_size=2000)
    busy = Incident.objects.create(fingerprint="busy", group_key="busy", title="busy",
                                   opened_at=now - timedelta(hours=6))
    ClusterEvent.objects.bulk_create([
        ClusterEvent(fingerprint=make_fingerprint("busy", i % 40), group_key="busy", source="kubernetes",
                     reason=f"Reason{i % 40}", status="firing" if (i // 40) % 2 == 0 else "resolved",
                     object_kind="Pod", object_name=f"pod-{i % 40}", incident=busy,
                     occurred_at=busy.opened_at + timedelta(seconds=40 * i)) for i in range(500)])
    return busy.pk


def timed(client, url: str) -> tuple[float, float, int]:
    assert client.get(url).status_code == 200  # warm-up (templates compiled, caches filled)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), max(times), len(response.content)


def main() -> None:
    with migrated_django():
        from django.contrib.auth.models import User
        from django.db import connection
        from django.test import Client

        start = time.perf_counter()
        busy = populate()
        print(f"{connection.vendor}: {INCIDENTS} incidents and their rows inserted in "
              f"{time.perf_counter() - start:.1f} s")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.create_user("viewer"))
        for url in ("/console/overview/?days=7", "/console/overview/?days=30", "/console/overview/?days=90",
                    f"/console/incidents/{busy}/", f"/console/incidents/{busy}/panel/"):
            median, slowest, size = timed(client, url)
            print(f"{url:36} median {median:7.1f} ms  slowest {slowest:7.1f} ms  {size / 1024:6.1f} KiB")

if __name__ == "__main__":
    main()
