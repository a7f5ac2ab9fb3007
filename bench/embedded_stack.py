"""The embedded stack as `make run` starts it: start-up time, memory per process (PSS) and idle CPU and writes.

Runs `manage.py runstack --bootstrap` (as `make run` does, venv present) twice: cold (an empty
database: migrate, defaults and admin first) and warm (the same database again, as after a Ctrl-C). For each
it prints the seconds to /ready answering 200. After the warm start it waits SETTLE s (the watcher and the
first polls see the simulated crash loop: incident, RCA, playbook), then measures IDLE s: the PSS of every
process of the stack (shared pages counted once, so the sum is the stack's footprint), the CPU the whole
tree used, and, on PostgreSQL, the rows each table gained, changed or lost (pg_stat_user_tables) and the
transactions committed meanwhile.

--database sqlite (default: the embedded default, SQLite and embedded Redis under a fresh var dir) or
postgres (a throwaway database on DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432, and
database 12 of REDIS_URL's server, else 127.0.0.1:6379, as the upstream harness runs `make run`).

Usage: .venv/bin/python bench/embedded_stack.py [--database sqlite|postgres] [--settle 20] [--idle 30]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
LABELS = (("supervisor.py", "supervisor"), ("runstack", "supervisor"), ("runbackground", "background"),
          ("redis-server", "redis"), ("-m simcluster", "simcluster"),
          ("watch_clusters", "watcher"), ("daphne", "web"), ("uvicorn", "web"), (" beat", "beat"),
          (" worker", "worker"), ("mcp_servers", "mcp server"), ("mcp-server", "mcp server"))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            kids.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        out.append(p := todo.pop())
        todo.extend(kids.get(p, []))
    return out


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()


def label(pid: int, cmd: str) -> str:
    name = next((name for key, name in LABELS if key in cmd), cmd[:50])
    return f"{name} (child)" if name == "worker" and "celery" in cmdline_parent(pid) else name


def cmdline_parent(pid: int) -> str:
    try:
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return cmdline(ppid)
    except OSError:
        return ""


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / TICK
    return total


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
            if r.status == 200:
                return
        if proc.poll() is not None:
            raise SystemExit(f"runstack exited with {proc.returncode} before /ready answered")
        time.sleep(0.05)
    raise SystemExit("/ready did not answer 200 in time")


@contextlib.contextmanager
def postgres_env() -> Iterator[tuple[dict[str, str], str]]:
    import psycopg
    import redis

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"aiops_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    redis_url = urlunsplit(urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))._replace(path="/12"))
    redis.Redis.from_url(redis_url).flushdb()
    try:
        yield {"DATABASE_URL": url, "REDIS_URL": redis_url}, url
    finally:
        redis.Redis.from_url(redis_url).flushdb()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_writes(url: str) -> tuple[dict[str, int], int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables").fetchall()
        commits = conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                               ).fetchone()
    return {name: int(n) for name, n in rows}, int(commits[0]) if commits else 0


def start(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "manage.py", "runstack", "--bootstrap", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port, proc)
    return proc, time.monotonic() - started


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(proc: subprocess.Popen[bytes], idle: float, db_url: str | None) -> None:
    pids = tree(proc.pid)
    before = table_writes(db_url) if db_url else None
    cpu0, t0 = {pid: cpu_seconds([pid]) for pid in pids}, time.monotonic()
    time.sleep(idle)
    pids = tree(proc.pid)
    elapsed = time.monotonic() - t0
    # Per process (a process started meanwhile counts from 0); the whole tree's sum is the stack's idle CPU.
    cpu_of = {pid: (cpu_seconds([pid]) - cpu0.get(pid, 0.0)) / elapsed for pid in pids}
    cpu = sum(cpu_of.values())
    after = table_writes(db_url) if db_url else None
    rows = []
    for pid in pids:
        with contextlib.suppress(OSError):
            cmd = cmdline(pid)
            rows.append((label(pid, cmd), pid, pss_kb(pid)))
    total = sum(r[2] for r in rows)
    print(f"memory and CPU after {idle:.0f} s idle: {len(rows)} processes, PSS {total / 1024:.1f} MiB")
    for name, pid, kb in sorted(rows, key=lambda r: -r[2]):
        print(f"  {name:22s} pid {pid:>7}  PSS {kb / 1024:7.1f} MiB  CPU {cpu_of[pid] * 100:5.2f}% of a core")
    print(f"idle CPU of the stack: {cpu * 100:.2f}% of one core over {idle:.0f} s")
    if before and after:
        written = {t: after[0].get(t, 0) - before[0].get(t, 0) for t in after[0]}
        print(f"idle database: {(after[1] - before[1]) / idle:.2f} transactions/s committed (reads included); "
              f"rows written per minute by table: "
              + (", ".join(f"{t} {n * 60 / idle:.0f}" for t, n in sorted(written.items(), key=lambda x: -x[1]) if n)
                 or "none"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--settle", type=float, default=20)
    ap.add_argument("--idle", type=float, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(AIOPS_VAR_DIR=f"{tmp}/var", AIOPS_HTTP_PORT=str(port), AIOPS_SIMCLUSTER_PORT=str(free_port()),
                   AIOPS_CLUSTER_DISCOVERY="false")
        db_url = None
        if args.database == "postgres":
            extra, db_url = stack.enter_context(postgres_env())
            env.update(extra)
        print(f"conditions: {args.database} ({'embedded Redis' if args.database == 'sqlite' else 'Redis server'}),"
              f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, simulated cluster crashloop")
        proc, ready = start(env, port)
        print(f"cold make run -> /ready: {ready:5.1f} s (empty database: migrate, defaults, admin)")
        stop(proc)
        proc, ready = start(env, port)
        print(f"warm make run -> /ready: {ready:5.1f} s")
        try:
            time.sleep(args.settle)
            measure(proc, args.idle, db_url)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
