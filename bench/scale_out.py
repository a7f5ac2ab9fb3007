"""Scale-out on PostgreSQL + Redis (issue 15): 1 vs 2 worker processes, 1 vs 2 web processes, in one run.

Both run on a throwaway database on DATABASE_URL's PostgreSQL server (else postgres://postgres@127.0.0.1:5432)
and Redis database 14 of 127.0.0.1:6379 (REDIS_URL's server if set) as broker, cache and channel layer, with
AIOPS_ENV=production, each process in a session of its own.

Workers. "A worker process" is one `celery -A aiops_project worker --concurrency 1` on every queue (prefork, one
pool child running tasks): a replica as production runs them (docker-compose.yml, the Helm chart; the embedded
`runstack` puts worker, beat and watcher in one process instead, not a replica's shape). Two run all along; in a
1-worker round the second has stopped consuming (Celery's cancel_consumer on every queue; it idles), in a
2-worker round it consumes again, so rounds alternate (1 2 2 1 ...) without restarts and with warm MCP sessions.
A round starts RUNS playbook runs of STEPS LOW-risk steps each (they run at once, no approval); every step calls
the tool `work` of a stdio MCP server written here, which sleeps 100 ms (asyncio.sleep), as a call to a remote
API takes. A round is timed from the first advance_run enqueued to the last run's finished_at.

Web. Two web processes, the command line `manage.py runstack` starts for web (read from its code when this runs:
bench/_scale_procs.py), on distinct ports (as two replicas behind a load balancer); POSTs of Alertmanager
notifications (../shared/upstream-bench/payloads.py build(): NOTIFICATIONS x 50 alerts, new alerts each round)
over 8 keep-alive connections, pulled from one queue: all 8 to the first process in a 1-web round, 4 to each in
a 2-web round; no worker runs meanwhile. Rounds alternate 1 2 2 1 ...

Each round prints its CPU shares (% of one core; the machine has 2, shared with PostgreSQL and anyone else's
work, shown as "other processes"). Asserts nothing about the figures (it fails if a step or a POST fails).

Usage: .venv/bin/python bench/scale_out.py [--runs 20] [--steps 4] [--tool-ms 100] [--notifications 100]
                                            [--rounds 4] [--connections 8]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scale_procs import CpuMeter, Proc, format_shares, free_port, runstack_web_argv, wait_http, worker_argv  # noqa: E402
from bench._throwaway import throwaway_database  # noqa: E402

REDIS_DB = 14  # others: 0 (default), 2 (tests), 7, 12, 13 (benches), 9/10 (upstream harness)
TOKEN = secrets.token_hex(16)
PROBE = '''
import asyncio, os
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("bench-sleep")

@mcp.tool()
async def work(ms: int = 100) -> str:
    """Wait `ms` milliseconds, as a call to a remote API does; answers this server's pid."""
    await asyncio.sleep(ms / 1000)
    return str(os.getpid())

mcp.run("stdio")
'''


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20, help="playbook runs per worker round")
    ap.add_argument("--steps", type=int, default=4, help="LOW steps per run")
    ap.add_argument("--tool-ms", type=int, default=100, help="how long the MCP tool takes")
    ap.add_argument("--notifications", type=int, default=100, help="notifications (x 50 alerts) per web round")
    ap.add_argument("--rounds", type=int, default=4, help="rounds per phase, alternating 1 2 2 1 ...")
    ap.add_argument("--connections", type=int, default=8)
    return ap.parse_args()


def pattern(rounds: int) -> list[int]:
    return [(1, 2, 2, 1)[i % 4] for i in range(rounds)]


@dataclass
class Tally:
    """The rounds with one number of processes: work done, seconds, CPU of the measured processes, machine busy."""

    items: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    busy: float = 0.0

    def add(self, items: int, seconds: float, meter: CpuMeter, shares: dict[str, float]) -> None:
        self.items += items
        self.seconds += seconds
        self.cpu += sum(shares[name] for name in meter.trees) * meter.wall
        self.busy += shares["machine"] * meter.wall

    def rate(self) -> float:
        return self.items / self.seconds

    def summary(self, unit: str) -> str:
        return (
            f"{self.rate():,.1f} {unit}s/s, {1000 * self.cpu / self.items:.2f} ms of their CPU per {unit}, "
            f"machine {100 * self.busy / self.seconds:.0f}% busy"
        )


def setup(tmp: Path, cleanup: contextlib.ExitStack) -> dict[str, str]:
    """Settings for this run in os.environ (and the environment of every process started), Django set up."""
    pg = os.environ.get("DATABASE_URL", "")
    os.environ["DATABASE_URL"] = pg if pg.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"
    redis_server = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_url = urlunsplit(urlsplit(redis_server)._replace(path=f"/{REDIS_DB}"))
    import redis

    broker = redis.Redis.from_url(redis_url)
    if broker.dbsize():
        raise SystemExit(f"Redis database {REDIS_DB} of {redis_server} is not empty: someone else uses it")
    cleanup.callback(broker.flushdb)
    cleanup.enter_context(throwaway_database())
    script, config = tmp / "sleep_server.py", tmp / "mcp.json"
    script.write_text(PROBE)
    config.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "bench": {"command": sys.executable, "args": [str(script)], "policy": {"risk": {"work": "LOW"}}}
                }
            }
        )
    )
    for name in ("KUBERNETES_SERVICE_HOST", "SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "AIOPS_LLM_MODEL"):
        os.environ.pop(name, None)
    os.environ.update(
        AIOPS_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=redis_url,
        AIOPS_VAR_DIR=str(tmp / "var"),
        AIOPS_MCP_CONFIG=str(config),
        AIOPS_SIMCLUSTER="false",
        AIOPS_CLUSTER_DISCOVERY="false",
        KUBECONFIG=str(tmp / "no-cluster.kubeconfig"),
        AIOPS_ALERTMANAGER_TOKEN=TOKEN,
        AIOPS_ALERT_INTAKE_RATE="1000000/min",
        LOG_LEVEL="info",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="aiops_project.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dict(os.environ)


# -- workers -------------------------------------------------------------------------------------------


class StepRounds:
    def __init__(self, args: argparse.Namespace) -> None:
        from mcp_bridge.manager import sessions
        from mcp_bridge.registry import refresh_tools
        from remediation.models import Playbook, PlaybookStep, Risk

        refresh_tools("bench")  # the registry knows the tool before any worker asks
        sessions().close_all()
        self.args = args
        self.playbook = Playbook.objects.create(name="bench-scale-out")
        for order in range(1, args.steps + 1):
            PlaybookStep.objects.create(
                playbook=self.playbook,
                order=order,
                name=f"wait {order}",
                server="bench",
                tool="work",
                arguments={"ms": args.tool_ms},
                risk=Risk.LOW,
            )

    def make_runs(self, count: int) -> list[int]:
        from remediation.models import PlaybookRun, StepRun
        from remediation.services import STEP_SETTINGS

        runs = PlaybookRun.objects.bulk_create([PlaybookRun(playbook=self.playbook) for _ in range(count)])
        StepRun.objects.bulk_create(
            [
                StepRun(
                    run=run,
                    step=step,
                    order=step.order,
                    name=step.name,
                    server=step.server,
                    tool=step.tool,
                    arguments=step.arguments,
                    risk=step.risk,
                    **{n: getattr(step, n) for n in STEP_SETTINGS},
                )
                for run in runs
                for step in self.playbook.steps.order_by("order")
            ]
        )
        return [run.pk for run in runs]

    def run(self, count: int, workers: list[Proc]) -> tuple[int, float, Counter[str]]:
        """Start `count` runs, wait for all: (steps done, seconds, steps per MCP server pid)."""
        from django.db.models import Max

        from remediation import tasks
        from remediation.models import PlaybookRun, StepRun

        ids = self.make_runs(count)
        runs = PlaybookRun.objects.filter(pk__in=ids)
        t0 = time.time()
        for pk in ids:
            tasks.advance_run.apply_async((pk,))
        deadline = time.monotonic() + 30 + count * self.args.steps * self.args.tool_ms / 100
        while runs.exclude(status__in=PlaybookRun.FINISHED).exists():
            for worker in workers:
                worker.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"runs not finished in time: {Counter(runs.values_list('status', flat=True))}")
            time.sleep(0.1)
        end = runs.aggregate(end=Max("finished_at"))["end"].timestamp()
        steps = StepRun.objects.filter(run__in=ids)
        if failed := steps.exclude(status=StepRun.Status.SUCCEEDED).values_list("error", flat=True)[:3]:
            raise SystemExit(f"steps did not succeed: {list(failed)}")
        return steps.count(), end - t0, Counter(steps.values_list("output", flat=True))


def set_consuming(app: object, hostname: str, on: bool) -> None:
    from aiops_project.schedules import ALL_QUEUES

    control = app.control  # type: ignore[attr-defined]
    for name in ALL_QUEUES:
        if on:
            control.add_consumer(name, destination=[hostname], reply=True, timeout=5)
        else:
            control.cancel_consumer(name, destination=[hostname], reply=True, timeout=5)
    deadline = time.monotonic() + 10
    while True:  # cancel/add answer before the consumer has changed: wait for the worker to say so
        queues = app.control.inspect(destination=[hostname], timeout=2).active_queues() or {}  # type: ignore[attr-defined]
        if bool(queues.get(hostname)) == on:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{hostname} did not {'start' if on else 'stop'} consuming: {queues}")
        time.sleep(0.2)


def workers_phase(args: argparse.Namespace, env: dict[str, str], tmp: Path, redis_port: int) -> float:
    from django.db import connection

    from aiops_project.celery import app

    database = connection.settings_dict["NAME"]

    names = [f"bench-scale-{c}-{os.getpid()}@{socket.gethostname()}" for c in "ab"]
    workers = [
        Proc(f"worker {c}", worker_argv(n), env, tmp / f"worker-{c}.log") for c, n in zip("ab", names, strict=True)
    ]
    try:
        print(f"workers: `{' '.join(worker_argv('<name>')).replace(sys.executable, 'python')}`")
        deadline = time.monotonic() + 90
        while len(app.control.ping(destination=names, timeout=1) or []) < 2:
            for worker in workers:
                worker.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not answer a ping within 90 s")
        rounds = StepRounds(args)
        # Warm-up, not measured: each worker's pool child opens its MCP session (starts the stdio server).
        _, _, by_server = rounds.run(4, workers)
        if len(by_server) < 2:
            print(f"  note: the warm-up reached {len(by_server)} MCP server(s), not 2; a round includes a start")
        meter = CpuMeter({"worker A": workers[0].pid, "worker B": workers[1].pid}, database, redis_port)
        tally = {1: Tally(), 2: Tally()}
        consuming = True
        for n in pattern(args.rounds):
            if (n == 2) != consuming:
                set_consuming(app, names[1], n == 2)
                consuming = n == 2
            time.sleep(0.5)
            meter.start()
            steps, seconds, by_server = rounds.run(args.runs, workers)
            shares = meter.share()
            tally[n].add(steps, seconds, meter, shares)
            split = "/".join(str(c) for c in sorted(by_server.values(), reverse=True))
            print(
                f"  {n} worker{'s' if n > 1 else ' '}: {steps} steps in {seconds:5.2f} s = {steps / seconds:5.1f} "
                f"steps/s (steps per worker {split})\n    CPU: {format_shares(shares)}"
            )
    finally:
        for worker in workers:
            worker.stop()
    print(f"  1 worker: {tally[1].summary('step')}\n  2 workers: {tally[2].summary('step')}")
    return tally[2].rate() / tally[1].rate()


# -- web -----------------------------------------------------------------------------------------------


def notifications(count: int, run: str) -> list[bytes]:
    """The upstream harness's notifications (50 alerts each), else (harness absent) ones like them."""
    harness = Path(os.environ.get("UPSTREAM_BENCH", ROOT.parent / "shared" / "upstream-bench"))
    if (harness / "payloads.py").exists():
        sys.path.insert(0, str(harness))
        import payloads  # type: ignore[import-not-found]

        return list(payloads.build(count, 50, run=run))
    from tests.alertmanager_payloads import firing

    bodies = []
    for n in range(count):
        payload = firing()
        template = payload["alerts"][0]
        payload["alerts"] = [
            {**template, "fingerprint": f"{run}-{n}-{i}", "labels": {**template["labels"], "pod": f"p{run}-{n}-{i}"}}
            for i in range(50)
        ]
        bodies.append(json.dumps(payload).encode())
    return bodies


def post_all(bodies: list[bytes], ports: list[int]) -> float:
    """POST every body over len(ports) keep-alive connections (connection i to ports[i]); the wall time."""
    todo: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    for body in bodies:
        todo.put(body)
    errors: list[str] = []
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}

    def connection(port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            while not errors:
                try:
                    body = todo.get_nowait()
                except queue.Empty:
                    return
                conn.request("POST", "/api/v1/alerts/alertmanager", body, headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != 200:
                    errors.append(f"port {port}: HTTP {response.status} {data[:300]!r}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"port {port}: {exc!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=connection, args=(port,)) for port in ports]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"a POST failed: {errors[0]}")
    return time.perf_counter() - t0


def web_phase(args: argparse.Namespace, env: dict[str, str], tmp: Path, redis_port: int) -> float:
    from django.db import connection

    from incidents.models import Signal

    database = connection.settings_dict["NAME"]

    ports = [free_port(), free_port()]
    argvs = [runstack_web_argv(port) for port in ports]
    webs = [Proc(f"web {c}", argv, env, tmp / f"web-{c}.log") for c, argv in zip("ab", argvs, strict=True)]
    try:
        print(f"web: `{' '.join(argvs[0]).replace(sys.executable, 'python')}` and the same on a second port")
        tag = uuid.uuid4().hex[:6]
        for web, port in zip(webs, ports, strict=True):
            wait_http(web, port)
            post_all(notifications(1, f"{tag}-warm-{port}"), [port])  # warm: lazy imports, connections
        meter = CpuMeter({"web A": webs[0].pid, "web B": webs[1].pid}, database, redis_port)
        tally = {1: Tally(), 2: Tally()}
        signals = Signal.objects.count()
        for r, n in enumerate(pattern(args.rounds)):
            bodies = notifications(args.notifications, f"{tag}-{r}")
            alerts = sum(len(json.loads(b)["alerts"]) for b in bodies)
            targets = [ports[i % n] for i in range(args.connections)]
            time.sleep(0.5)
            meter.start()
            try:
                seconds = post_all(bodies, targets)
            except SystemExit:
                for web in webs:  # what the server said about it
                    print(f"--- {web.name} log, last lines:\n{web.log.read_text(errors='replace')[-4000:]}")
                raise
            shares = meter.share()
            for web in webs:
                web.check_alive()
            tally[n].add(alerts, seconds, meter, shares)
            print(
                f"  {n} web{'s' if n > 1 else ' '}: {alerts} alerts in {seconds:5.2f} s = {alerts / seconds:6.0f} "
                f"alerts/s\n    CPU: {format_shares(shares)}"
            )
        stored = Signal.objects.count() - signals
        posted = tally[1].items + tally[2].items
        print(f"  stored: {stored} signals for {posted} alerts posted")
    finally:
        for web in webs:
            web.stop()
    print(f"  1 web: {tally[1].summary('alert')}\n  2 webs: {tally[2].summary('alert')}")
    return tally[2].rate() / tally[1].rate()


def main() -> None:
    args = arguments()
    tmp = Path(tempfile.mkdtemp())
    cleanup = contextlib.ExitStack()
    try:
        env = setup(tmp, cleanup)
        from django.db import connection

        cleanup.callback(connection.close)
        redis_port = urlsplit(env["REDIS_URL"]).port or 6379
        print(
            f"scale-out on PostgreSQL ({connection.settings_dict['HOST']}) + Redis db {REDIS_DB}; "
            f"{os.cpu_count()} cores; CPU shares are % of one core over each round"
        )
        print(
            f"workers: {args.runs} runs x {args.steps} LOW steps per round, each step an MCP call of "
            f"{args.tool_ms} ms (stdio server, asyncio.sleep); rounds {pattern(args.rounds)}"
        )
        worker_ratio = workers_phase(args, env, tmp, redis_port)
        print(
            f"web: {args.notifications} notifications x 50 new alerts per round over {args.connections} "
            f"keep-alive connections; rounds {pattern(args.rounds)}"
        )
        web_ratio = web_phase(args, env, tmp, redis_port)
        print(
            f"scale-out ratios: workers 2 vs 1 = {worker_ratio:.2f}x (target >= 1.8x, {args.tool_ms} ms tool); "
            f"web 2 vs 1 = {web_ratio:.2f}x at {args.connections} connections (target >= 1.5x, "
            f"{os.cpu_count()} cores shared with PostgreSQL)"
        )
    finally:
        cleanup.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
