"""Start the whole stack as `make run` does (fresh var dir, migrate, load_defaults, runstack) and print:
time from start to /ready answering 200, and the resident memory of every process of the stack.

Usage: .venv/bin/python bench/stack_startup.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def describe(pid: int) -> tuple[str, int]:
    cmdline = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")).strip()
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    return cmdline, rss_kb


def label(cmdline: str) -> str:
    for key, name in (("runstack", "runstack (supervisor)"), ("redis-server", "redis (embedded)"),
                      ("simcluster", "simulated cluster"), ("daphne", "web (daphne)"), (" beat", "celery beat"),
                      (" worker", "celery worker")):
        if key in cmdline:
            return name
    return cmdline[:60]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(AIOPS_VAR_DIR=f"{tmp}/var", AIOPS_HTTP_PORT=str(port), AIOPS_SIMCLUSTER_PORT=str(free_port()))
        started = time.monotonic()
        subprocess.run([sys.executable, "manage.py", "bootstrap"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        setup_done = time.monotonic()
        proc = subprocess.Popen([sys.executable, "manage.py", "runstack", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise SystemExit("runstack exited early")
            time.sleep(0.1)
        ready = time.monotonic()
        time.sleep(15)  # let the worker poll, run LOW steps and settle before measuring memory
        print(f"bootstrap (migrate, defaults, admin):   {setup_done - started:6.1f} s")
        print(f"runstack start -> /ready 200:           {ready - setup_done:6.1f} s")
        print(f"make run (after install) -> /ready 200: {ready - started:6.1f} s")
        print("resident memory (RSS):")
        total = 0
        pids = [proc.pid]
        for pid in pids:
            pids.extend(children_of(pid))
        for pid in pids:
            try:
                cmdline, rss = describe(pid)
            except (OSError, StopIteration):
                continue
            total += rss
            print(f"  {label(cmdline):28s} pid {pid:>7}  {rss / 1024:7.1f} MiB")
        print(f"  {'total':28s}              {total / 1024:7.1f} MiB")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        print(f"Ctrl-C -> exit code {proc.returncode}")


if __name__ == "__main__":
    main()
