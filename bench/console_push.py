"""Console push latency: from an alert committed to the open console page showing its incident.

The target (from the issue) is: pushed updates reach an open page within 500 ms. This starts the whole
stack as `make run` does (`manage.py runstack`: uvicorn, the worker with beat and the watcher, the simulated
cluster, embedded or configured Redis) on a throwaway database, imports one rule that opens an incident
for every alert from Alertmanager, logs Chromium (headless, Debian's) into /console/, and watches the page
with a MutationObserver that stamps (Date.now()) the moment each alert's incident title appears.

Each trial posts one new Alertmanager alert (webhook, bearer token) and measures:
  push    from the webhook's 200 answer (the transaction has committed: the notice goes out after
          commit) to the incident visible on the page: the websocket notice, the page's re-fetch of the
          panels, and the re-render
  total   from just before the POST to the incident visible
Trials run one at a time, each after the previous one showed up. One unmeasured warm-up first. The
browser and this process share the machine's clock. Asserts nothing about the figures.

Usage: .venv/bin/python bench/console_push.py [TRIALS]   (DATABASE_URL=postgres://... for PostgreSQL)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiops_project.settings")

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
TARGET_MS = 500
TOKEN = "bench-console-push"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
RULE = """\
rules:
  - name: bench-every-alert
    source: alertmanager
    min_severity: warning
    open_incident: true
"""
OBSERVER = """
window.__seen = {};
new MutationObserver(() => {
  const text = document.getElementById("panels").textContent;
  for (const m of text.matchAll(/BenchPush(\\d+)/g)) if (!(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
}).observe(document.body, {childList: true, subtree: true, characterData: true});
"""


def alert(n: int) -> bytes:
    return json.dumps({
        "receiver": "aiops", "status": "firing", "version": "4", "groupKey": f"bench-{n}", "truncatedAlerts": 0,
        "externalURL": "http://alertmanager:9093", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "alerts": [{"status": "firing", "labels": {"alertname": f"BenchPush{n}", "severity": "critical",
                                                    "namespace": "bench", "instance": f"10.0.0.{n % 250}:9100"},
                    "annotations": {"summary": f"bench alert {n}"}, "startsAt": "2026-11-28T10:00:00Z",
                    "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": f"{n:016x}"}],
    }).encode()


def post(url: str, n: int) -> None:
    request = urllib.request.Request(url, data=alert(n), method="POST", headers={  # noqa: S310 (loopback)
        "Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        assert response.status == 200, response.status


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main() -> None:
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.stack import running_stack

    if not CHROMIUM.exists():
        sys.exit("bench/console_push.py needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), AIOPS_ALERTMANAGER_TOKEN=TOKEN) as stack:
        rules = Path(tmp) / "bench-rules.yaml"
        rules.write_text(RULE)
        stack.manage("import_rules", str(rules))
        password = (stack.var_dir / "admin_password").read_text().strip()
        webhook = f"{stack.base_url}/api/v1/alerts/alertmanager"
        push, total = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{stack.base_url}/console/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_function("document.getElementById('live').textContent === 'live'", timeout=30_000)
            page.evaluate(OBSERVER)
            for n in range(TRIALS + 1):
                started = time.time() * 1000
                post(webhook, n)
                committed = time.time() * 1000
                seen = page.wait_for_function(f"window.__seen['{n}']", timeout=30_000).json_value()
                if n:  # the first is a warm-up
                    push.append(seen - committed)
                    total.append(seen - started)
            browser.close()
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"console push, {TRIALS} alerts, {backend}, stack ready in {stack.seconds_to_ready:.1f}s")
    for label, values in (("push (commit -> page)", push), ("total (POST -> page)", total)):
        print(f"  {label:22} p50 {statistics.median(values):6.0f} ms   p95 {percentile(values, 95):6.0f} ms   "
              f"max {max(values):6.0f} ms")
    print(f"  target: pushed updates on the page within {TARGET_MS} ms")


if __name__ == "__main__":
    main()
