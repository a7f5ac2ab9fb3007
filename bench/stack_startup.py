"""`make run`'s start-up: seconds from `manage.py runstack --bootstrap` (venv present) to /ready answering 200,
cold (an empty database: migrate, defaults, admin) and warm (the same database again, as after a Ctrl-C), and to
the background process working (its beat has taken the "beat" lease: the worker consumes, beat and the watcher
run). ROUNDS rounds, each a cold start on a fresh database then a warm start on it, alternately; the median and
the spread are printed with the conditions (CPUs, load average, database), and the resident memory (PSS) of
each process of the last warm start once it answered.

--database sqlite (default: the embedded default, SQLite and embedded Redis under a fresh var dir) or postgres
(a throwaway database on DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432, and database 12 of
REDIS_URL's server, as bench/embedded_stack.py does).

Usage: .venv/bin/python bench/stack_startup.py [--database sqlite|postgres] [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from embedded_stack import ROOT, cmdline, free_port, label, postgres_env, pss_kb, stop, tree, wait_ready


def beat_led(db_url: str | None, sqlite_path: Path) -> bool:
    """Whether a process holds the "beat" lease (a clean stop releases it: holder '')."""
    query = "SELECT holder FROM incidents_leaderlease WHERE name = 'beat'"
    with contextlib.suppress(Exception):
        if db_url:
            import psycopg

            with psycopg.connect(db_url, autocommit=True) as conn:
                row = conn.execute(query).fetchone()
        else:
            with contextlib.closing(sqlite3.connect(sqlite_path, timeout=1)) as conn:
                row = conn.execute(query).fetchone()
        return bool(row and row[0])
    return False


def start(
    env: dict[str, str], port: int, db_url: str | None, sqlite_path: Path
) -> tuple[subprocess.Popen[bytes], float, float]:
    """Start the stack; seconds to /ready 200 and to the background leading beat."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--bootstrap", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(port, proc)
    ready = time.monotonic() - started
    deadline = time.monotonic() + 60
    while not beat_led(db_url, sqlite_path) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    return proc, ready, time.monotonic() - started


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):5.1f} s (min {min(values):.1f}, max {max(values):.1f})"


def one_round(database: str, results: dict[str, list[float]], last: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("AIOPS_LEADER_")
        }
        env.update(
            AIOPS_VAR_DIR=f"{tmp}/var",
            AIOPS_HTTP_PORT=str(port),
            AIOPS_SIMCLUSTER_PORT=str(free_port()),
            AIOPS_CLUSTER_DISCOVERY="false",
        )
        db_url = None
        if database == "postgres":
            extra, db_url = stack.enter_context(postgres_env())
            env.update(extra)
        sqlite_path = Path(tmp) / "var" / "aiops.sqlite3"
        for kind in ("cold", "warm"):
            proc, ready, working = start(env, port, db_url, sqlite_path)
            results[f"{kind} /ready"].append(ready)
            results[f"{kind} background"].append(working)
            if last and kind == "warm":
                rows = []
                for pid in tree(proc.pid):
                    with contextlib.suppress(OSError):
                        rows.append((label(pid, cmdline(pid)), pid, pss_kb(pid)))
                print(
                    f"memory of the last warm start, just started: {len(rows)} processes, "
                    f"PSS {sum(r[2] for r in rows) / 1024:.1f} MiB"
                )
                for name, pid, kb in sorted(rows, key=lambda r: -r[2]):
                    print(f"  {name:22s} pid {pid:>7}  PSS {kb / 1024:7.1f} MiB")
            stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    print(
        f"conditions: make run's command (manage.py runstack --bootstrap), venv present, {args.database} "
        f"({'embedded Redis' if args.database == 'sqlite' else 'Redis server'}), simulated cluster crashloop, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start, {args.rounds} round(s) of "
        f"cold then warm"
    )
    results: dict[str, list[float]] = {
        key: [] for key in ("cold /ready", "warm /ready", "cold background", "warm background")
    }
    for n in range(args.rounds):
        one_round(args.database, results, last=n == args.rounds - 1)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print(f"cold make run -> /ready 200:            {spread(results['cold /ready'])}  (target <= 10 s)")
    print(f"warm make run -> /ready 200:            {spread(results['warm /ready'])}  (target <= 5 s)")
    print(f"cold make run -> background leads beat: {spread(results['cold background'])}")
    print(f"warm make run -> background leads beat: {spread(results['warm background'])}")


if __name__ == "__main__":
    main()
