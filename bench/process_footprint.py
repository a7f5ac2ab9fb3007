"""Memory and CPU of each process of the production deployment, idle and under load, with suggested
Kubernetes requests and limits. Asserts nothing about the figures.

Every process runs with docker-compose.yml's command and AIOPS_ENV=production (a SECRET_KEY and ALLOWED_HOSTS
for the run, static files collected as the image does) on a throwaway PostgreSQL database (DATABASE_URL's
server, else postgres://postgres@127.0.0.1:5432) and database 13 of REDIS_URL's server (else 127.0.0.1:6379),
emptied before and after. The simulated cluster (crashloop scenario) plays Kubernetes, registered by
load_defaults as with `make run`: the watcher and beat's 10 s poll read it, the playbooks' MCP calls act on it.
migrate is `migrate --noinput` then `load_defaults` (two one-shot commands, each sampled until it exits); web
is uvicorn with docker-compose.yml's options (uvloop, httptools); worker is prefork --concurrency 2 on
default,detection,remediation (its pool processes keep a warm MCP server subprocess each per server and
cluster used); beat uses LeaderDatabaseScheduler; the watcher is
watch_clusters.

Phases once /ready answers: SETTLE s unmeasured (the watcher sees the crashloop at once: incident, RCA, the
playbook's LOW steps, its MEDIUM step waits for approval), IDLE s idle, then the load: ALERT_POSTS Alertmanager
webhook posts of ALERT_BATCH alerts over ALERT_PODS workloads (most are redeliveries) from 4 threads, where a
rule gives each workload an incident, an RCA and the crashloop playbook (its tools find no such pod: the run
fails at its first step); API_REQUESTS console pages, panels, incident pages, REST API calls (token) and
/metrics, with a console RCA request per 10, from 2 threads; every pending approval approved through the API
(the simulated crashloop's rollout restart). The load ends when every playbook run has finished and the
Celery queues are empty (at most LOAD_MAX s); then COOL s idle. Every SAMPLE s each process tree (the process
and its descendants) is read with psutil: RSS and PSS (shared pages counted once, nearer to a container's
memory charge) summed over the tree, and CPU seconds (user + system, reaped children included).

Suggested: memory request = the larger of the idle and after-load median RSS, rounded up to 32 MiB; limit =
2 x peak RSS rounded up to 64 MiB; CPU request = the load phase's average cores rounded up to 50m; CPU limit
= the busiest SAMPLE window rounded up to 250m (a CPU limit only throttles: leaving it out is fine too).

This is the production layout (a process per role). `make run`'s compact layout (web, one background process
with the worker, beat and the watcher, a supervisor without Django) is measured by bench/embedded_stack.py and
bench/stack_startup.py.

Usage: .venv/bin/python bench/process_footprint.py
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
SETTLE, IDLE, COOL, LOAD_MAX, SAMPLE = 5, 15, 10, 75, 0.5
ALERT_POSTS, ALERT_BATCH, ALERT_PODS, API_REQUESTS = 300, 5, 30, 200
REDIS_DB = 13
MIB = 1024 * 1024
RULE = """\
rules:
  - name: bench-alertmanager-critical
    source: alertmanager
    min_severity: critical
    open_incident: true
    run_rca: true
    playbook: crashloop-remediation
"""


@dataclass
class Role:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    samples: list[tuple[float, str, int, int, float]] = field(default_factory=list)  # t, phase, rss, pss, cpu


def tree_figures(pid: int) -> tuple[int, int, float]:
    """RSS and PSS (bytes) summed over the process and its descendants, and their CPU seconds."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0.0
    rss = pss = 0
    cpu = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            mem = p.memory_full_info()
            rss += mem.rss
            pss += mem.pss
            t = p.cpu_times()
            cpu += t.user + t.system + t.children_user + t.children_system
    return rss, pss, cpu


class Sampler(threading.Thread):
    def __init__(self, roles: list[Role]) -> None:
        super().__init__(daemon=True)
        self.roles, self.phase, self.stopped = roles, "start", threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE):
            now = time.monotonic()
            for role in self.roles:
                if role.proc is not None:
                    role.samples.append((now, self.phase, *tree_figures(role.proc.pid)))


class Http:
    """A tiny client for the web process: cookies kept by hand (production cookies are Secure, and the
    requests say X-Forwarded-Proto: https as the TLS proxy in front of the agent would)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        self.base, self.cookies = base, SimpleCookie()
        host = urlsplit(base).netloc
        self.headers = {"X-Forwarded-Proto": "https", "Origin": f"https://{host}",
                        "Referer": f"https://{host}/", **(headers or {})}

    def request(self, path: str, data: bytes | None = None, content_type: str = "",
                ok: tuple[int, ...] = (200,)) -> bytes:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 (loopback)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=60) as response:
                code, body, cookies = response.status, response.read(), response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as exc:
            code, body, cookies = exc.code, exc.read(), exc.headers.get_all("Set-Cookie") or []
        for cookie in cookies:
            self.cookies.load(cookie)
        if code not in ok:
            raise RuntimeError(f"{path}: HTTP {code}: {body[:300]!r}")
        return body

    def post_form(self, path: str, fields: dict[str, str], ok: tuple[int, ...] = (302,)) -> bytes:
        fields = {"csrfmiddlewaretoken": self.cookies["csrftoken"].value, **fields}
        return self.request(path, urlencode(fields).encode(), "application/x-www-form-urlencoded", ok)

    def post_json(self, path: str, payload: object, ok: tuple[int, ...] = (200,)) -> object:
        return json.loads(self.request(path, json.dumps(payload).encode(), "application/json", ok) or b"null")

    def get_json(self, path: str) -> object:
        return json.loads(self.request(path))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def alert_payload(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.alertmanager_payloads import firing

    payload = firing()
    template = payload["alerts"][0]
    alerts = []
    for i in range(ALERT_BATCH):
        pod = (n * ALERT_BATCH + i) % ALERT_PODS
        labels = {**template["labels"], "cluster": "simulated", "pod": f"bench{pod:02d}-7d9f8b6c5-x2x9q",
                  "workload_kind": "Deployment", "workload_name": f"bench{pod:02d}"}
        alerts.append({**template, "fingerprint": f"fp{pod:04d}", "labels": labels,
                       "annotations": {"summary": f"Pod shop/{labels['pod']} is crash looping."}})
    payload["alerts"] = alerts
    return payload


def results(body: object) -> list[dict]:
    """A list endpoint's items, paginated or not."""
    return body["results"] if isinstance(body, dict) else body  # type: ignore[return-value]


def in_threads(count: int, target: Callable[[int], object], items: list[int]) -> Callable[[], None]:
    """A function that runs target over items from `count` threads; the first error is raised."""

    def run() -> None:
        errors: list[BaseException] = []

        def loop(part: list[int]) -> None:
            try:
                for item in part:
                    target(item)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=loop, args=(items[i::count],)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    return run


class Load:
    """The load phase's clients: an Alertmanager sender, an API token client, a logged-in console session."""

    def __init__(self, base: str, env: dict[str, str], token: str) -> None:
        self.base, self.env, self.rca_requests, self.approved = base, env, 0, 0
        self.api = Http(base, {"Authorization": f"Token {token}"})
        self.console = Http(base)
        self.console.request("/accounts/login/")
        password = (Path(env["AIOPS_VAR_DIR"]) / "admin_password").read_text().strip()
        self.console.post_form("/accounts/login/", {"username": "admin", "password": password})

    def post_alerts(self, n: int) -> None:
        sender = Http(self.base, {"Authorization": f"Bearer {self.env['AIOPS_ALERTMANAGER_TOKEN']}"})
        sender.post_json("/api/v1/alerts/alertmanager", alert_payload(n))

    def browse(self, n: int) -> None:
        if n % 10 == 0:  # an incident's page and panel, and its "Analyse root cause" button
            incidents = results(self.api.get_json("/api/v1/incidents"))
            if incidents:
                pk = incidents[n // 10 % len(incidents)]["id"]
                self.console.request(f"/console/incidents/{pk}/")
                self.console.request(f"/console/incidents/{pk}/panel/")
                self.console.post_form(f"/console/incidents/{pk}/rca/", {})
                self.rca_requests += 1
        elif n % 25 == 1:
            Http(self.base, {"Authorization": f"Bearer {self.env['AIOPS_METRICS_TOKEN']}"}).request("/metrics")
        elif n % 2:
            self.console.request(("/console/", "/console/panels/")[n // 2 % 2])
        else:
            self.api.request(("/api/v1/incidents", "/api/v1/events", "/api/v1/approvals")[n // 2 % 3])

    def approve_playbooks(self) -> None:
        """Approve every pending step (the crashloop's rollout restart among them) until every run finished."""
        deadline = time.monotonic() + LOAD_MAX
        while time.monotonic() < deadline and not playbook_done(self.env):
            for approval in results(self.api.get_json("/api/v1/approvals?status=pending")):
                self.api.post_json(f"/api/v1/approvals/{approval['id']}/approve", {"reason": "bench"})
                self.approved += 1
            time.sleep(0.5)


def drive_load(base: str, env: dict[str, str], token: str, redis_url: str) -> str:
    """The load phase; returns what it did, in one line."""
    import redis

    started = time.monotonic()
    load = Load(base, env, token)
    jobs = [in_threads(4, load.post_alerts, list(range(ALERT_POSTS))),
            in_threads(2, load.browse, list(range(API_REQUESTS))), load.approve_playbooks]
    in_threads(3, lambda i: jobs[i](), [0, 1, 2])()
    requests_done = time.monotonic() - started
    broker = redis.Redis.from_url(redis_url)
    while time.monotonic() - started < LOAD_MAX:
        queued = sum(broker.llen(q) for q in ("default", "detection", "remediation")) + broker.hlen("unacked")
        if not queued and playbook_done(env):
            break
        time.sleep(0.5)
    return (f"{ALERT_POSTS} webhook posts x {ALERT_BATCH} alerts ({ALERT_PODS} pods), {API_REQUESTS} console/API "
            f"requests, {load.rca_requests} console RCA requests, {load.approved} step(s) approved; all done in "
            f"{requests_done:.0f} s, queues empty at {time.monotonic() - started:.0f} s")


def db_counts(env: dict[str, str]) -> dict[str, int]:
    import psycopg

    labels = ("events", "incidents", "rca reports", "playbook runs", "finished runs", "succeeded runs",
              "waiting runs")
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM incidents_clusterevent), (SELECT count(*) FROM incidents_incident), "
            "(SELECT count(*) FROM incidents_rootcausereport), count(*), count(finished_at), "
            "count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'waiting_approval') "
            "FROM remediation_playbookrun").fetchone()
    return dict(zip(labels, row or (), strict=True))


def playbook_done(env: dict[str, str]) -> bool:
    counts = db_counts(env)
    return counts["playbook runs"] > 0 and counts["finished runs"] == counts["playbook runs"]


def run_measured(name: str, argv: list[str], env: dict[str, str], cwd: str, log: Path) -> tuple[int, int, float, float]:
    """A one-shot command, sampled until it exits: peak RSS, peak PSS, CPU seconds, wall seconds."""
    started, reaped = time.monotonic(), sum(os.times()[2:4])
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    peak_rss = peak_pss = 0
    cpu = 0.0
    while proc.poll() is None:
        rss, pss, cpu_now = tree_figures(proc.pid)
        peak_rss, peak_pss, cpu = max(peak_rss, rss), max(peak_pss, pss), max(cpu, cpu_now)
        time.sleep(0.1)
    if proc.returncode:
        raise RuntimeError(f"{name} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
    # Exact now that it is reaped: this process's children's CPU grew by the command's (and its children's).
    return peak_rss, peak_pss, max(cpu, sum(os.times()[2:4]) - reaped), time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def round_up(value: float, step: float) -> float:
    return max(step, math.ceil(value / step) * step)


def summarise(role: Role) -> dict[str, float]:
    def rows(phase: str) -> list[tuple[float, str, int, int, float]]:
        return [s for s in role.samples if s[1] == phase]

    idle, load, cool = rows("idle"), rows("load"), rows("cool")
    measured = idle + load + cool
    cpu_rate = [(b[4] - a[4]) / (b[0] - a[0]) for a, b in itertools.pairwise(measured) if b[0] > a[0]]
    return {
        "idle_rss": statistics.median(s[2] for s in idle) / MIB,
        "cool_rss": statistics.median(s[2] for s in cool) / MIB,
        "peak_rss": max(s[2] for s in role.samples) / MIB,
        "idle_pss": statistics.median(s[3] for s in idle) / MIB,
        "peak_pss": max(s[3] for s in role.samples) / MIB,
        "idle_cores": (idle[-1][4] - idle[0][4]) / (idle[-1][0] - idle[0][0]),
        "load_cpu_s": load[-1][4] - idle[-1][4],
        "load_cores": (load[-1][4] - idle[-1][4]) / (load[-1][0] - idle[-1][0]),
        "max_cores": max(cpu_rate),
    }


def suggest(steady_mib: float, peak_mib: float, cores: float, max_cores: float) -> str:
    return (f"{round_up(steady_mib, 32):.0f}Mi / {round_up(2 * peak_mib, 64):.0f}Mi  "
            f"{round_up(cores * 1000, 50):.0f}m / {round_up(max_cores * 1000, 250):.0f}m")


def main() -> None:
    pg = os.environ.get("DATABASE_URL", "")
    pg = pg if pg.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"
    redis_server = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_url = urlunsplit(urlsplit(redis_server)._replace(path=f"/{REDIS_DB}"))
    import psycopg
    import redis

    try:
        broker = redis.Redis.from_url(redis_url)
        broker.flushdb()
        admin = psycopg.connect(pg, autocommit=True)
    except (redis.RedisError, psycopg.Error) as exc:
        sys.exit(f"bench/process_footprint.py needs PostgreSQL ({pg}) and Redis ({redis_server}): {exc}")
    dbname = f"aiops_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{dbname}"')
    tmp = tempfile.TemporaryDirectory()
    roles: list[Role] = []
    try:
        measure(Path(tmp.name), urlunsplit(urlsplit(pg)._replace(path=f"/{dbname}")), redis_url, roles)
    finally:
        for role in roles:
            if role.proc is not None and role.proc.poll() is None:
                role.proc.terminate()
        for role in roles:
            if role.proc is not None:
                try:
                    role.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    role.proc.kill()
                    role.proc.wait()
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()
        broker.flushdb()
        tmp.cleanup()


def measure(tmp: Path, database_url: str, redis_url: str, roles: list[Role]) -> None:
    port, sim_port = free_port(), free_port()
    var = tmp / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIOPS_", "DJANGO_"))}
    env.update(
        AIOPS_ENV="production", DATABASE_URL=database_url, REDIS_URL=redis_url, AIOPS_VAR_DIR=str(var),
        SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="localhost,127.0.0.1", SECURE_SSL_REDIRECT="false",
        AIOPS_SIMCLUSTER="true", AIOPS_CLUSTER_DISCOVERY="false", AIOPS_SIMCLUSTER_PORT=str(sim_port),
        AIOPS_ALERTMANAGER_TOKEN=secrets.token_hex(16), AIOPS_METRICS_TOKEN=secrets.token_hex(16),
        PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
    )
    py, manage, log = sys.executable, str(ROOT / "manage.py"), tmp / "processes.log"
    kubeconfig = var / "simcluster" / "kubeconfig"

    def setup(*args: str) -> str:
        result = subprocess.run([py, manage, *args], env=env, cwd=tmp, capture_output=True, text=True, timeout=300)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    setup("collectstatic", "--noinput")  # the image's build step
    migrate = run_measured("migrate", [py, manage, "migrate", "--noinput"], env, str(tmp), log)
    defaults = run_measured("load_defaults", [py, manage, "load_defaults"], env, str(tmp), log)
    (tmp / "rule.yaml").write_text(RULE)
    token = setup("shell", "-c", "from django.core.management import call_command as c; c('ensure_admin'); "
                  f"c('import_rules', '{tmp / 'rule.yaml'}'); from rest_framework.authtoken.models import Token; "
                  "print(Token.objects.create(user_id=1).key)").split()[-1]

    sim = Role("simulated cluster", [py, "-m", "simcluster", "--scenario", str(ROOT / "scenarios" / "crashloop.yaml"),
                                     "--host", "127.0.0.1", "--port", str(sim_port), "--kubeconfig", str(kubeconfig)])
    celery = [py, "-m", "celery", "-A", "aiops_project"]
    roles += [
        sim,
        Role("web", [py, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http",
                     "httptools", "--ws", "websockets", "--lifespan", "off", "--no-access-log",
                     "aiops_project.asgi:application"]),
        Role("worker", [*celery, "worker", "--loglevel", "INFO", "--queues", "default,detection,remediation",
                        "--concurrency", "2"]),
        Role("beat", [*celery, "beat", "--loglevel", "INFO", "--scheduler",
                      "aiops_project.beat:LeaderDatabaseScheduler"]),
        Role("watcher", [py, manage, "watch_clusters"]),
    ]
    out = log.open("ab")
    for role in roles:
        role.proc = subprocess.Popen(role.argv, env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT)
        if role is sim:
            deadline = time.monotonic() + 30
            while not kubeconfig.exists():
                if time.monotonic() > deadline or sim.proc.poll() is not None:  # type: ignore[union-attr]
                    raise RuntimeError(f"the simulated cluster did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
    sampler = Sampler(roles)
    sampler.start()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/ready", timeout=2) as answer:  # noqa: S310
            if answer.status == 200:
                break
        dead = [r.name for r in roles if r.proc.poll() is not None]  # type: ignore[union-attr]
        if dead or time.monotonic() - started > 120:
            raise RuntimeError(f"not ready ({', '.join(dead) or 'timeout'}):\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    ready = time.monotonic() - started
    while not db_counts(env)["waiting runs"] and time.monotonic() - started < 120:
        time.sleep(0.5)  # the simulated crashloop's playbook, up to its approval: not part of the idle window
    ready = f"/ready {ready:.1f} s after start, the crashloop's approval pending at {time.monotonic() - started:.1f} s"
    time.sleep(SETTLE)
    sampler.phase = "idle"
    time.sleep(IDLE)
    sampler.phase = "load"
    load_started = time.monotonic()
    did = drive_load(base, env, token, redis_url)
    load_seconds = time.monotonic() - load_started
    sampler.phase = "cool"
    time.sleep(COOL)
    sampler.stopped.set()
    sampler.join()
    dead = [r.name for r in roles if r.proc.poll() is not None]  # type: ignore[union-attr]
    if dead:
        raise RuntimeError(f"exited during the run: {', '.join(dead)}:\n{log.read_text()[-4000:]}")
    report(roles, migrate, defaults, ready, load_seconds, did, db_counts(env))


def report(roles: list[Role], migrate: tuple, defaults: tuple, ready: str, load_seconds: float, did: str,
           counts: dict[str, int]) -> None:
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    print(f"process footprint: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu_model}), "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, PostgreSQL + "
          f"Redis on the same machine, AIOPS_ENV=production, simulated cluster (crashloop scenario)")
    print(f"{ready}; then settle {SETTLE} s, idle {IDLE} s, load {load_seconds:.0f} s, cool "
          f"{COOL} s, sampled every {SAMPLE} s")
    print(f"load: {did}")
    print("after the run: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print("RSS summed over each process tree (MiB); PSS in brackets (shared pages counted once); CPU in cores")
    header = (f"{'process':18} {'idle RSS':>14} {'after-load':>10} {'peak RSS':>14} {'CPU idle':>8} "
              f"{'CPU load':>8} {'CPU max':>8} {'load CPU s':>10}   suggested mem req/lim  cpu req/lim")
    print(header)
    print("-" * len(header))
    for role in roles:
        f = summarise(role)
        print(f"{role.name:18} {f['idle_rss']:7.0f} ({f['idle_pss']:4.0f}) {f['cool_rss']:10.0f} "
              f"{f['peak_rss']:7.0f} ({f['peak_pss']:4.0f}) {f['idle_cores']:8.3f} {f['load_cores']:8.3f} "
              f"{f['max_cores']:8.2f} {f['load_cpu_s']:10.1f}   "
              + ("(not deployed)" if role.name == "simulated cluster" else
                 suggest(max(f["idle_rss"], f["cool_rss"]), f["peak_rss"], f["load_cores"], f["max_cores"])))
    worker = psutil.Process(next(r for r in roles if r.name == "worker").proc.pid)  # type: ignore[union-attr]
    parts = [(" ".join(a for a in p.cmdline()[1:4] if a not in {"-m", "-A"}), p.memory_info().rss / MIB)
             for p in (worker, *worker.children(recursive=True))]
    print(f"{'':18} worker tree at the end (RSS MiB): " + ", ".join(f"{n} {m:.0f}" for n, m in parts))
    for name, (rss, pss, cpu, wall) in (("migrate", migrate), ("load_defaults", defaults)):
        print(f"{name:18} {'':14} {'':10} {rss / MIB:7.0f} ({pss / MIB:4.0f}) {'':8} {'':8} {'':8} {cpu:10.1f}   "
              f"one-shot, {wall:.1f} s wall")
    rss = max(migrate[0], defaults[0]) / MIB
    print(f"{'migrate job':18} suggested: {round_up(rss, 32):.0f}Mi / {round_up(2 * rss, 64):.0f}Mi  "
          f"{round_up(max(migrate[2] / migrate[3], defaults[2] / defaults[3]) * 1000, 50):.0f}m / 1000m")


if __name__ == "__main__":
    main()
