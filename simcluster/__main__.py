"""python -m simcluster --scenario FILE [--host H] [--port P] [--kubeconfig PATH]

Exit codes: 0 after SIGINT/SIGTERM, 2 for a bad scenario or a port that cannot be bound.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import kmock

from simcluster.controller import Controller
from simcluster.scenario import Scenario, ScenarioError, load_scenario
from simcluster.server import SimCluster, log, write_kubeconfig


async def serve(scenario: Scenario, host: str, port: int, kubeconfig: Path) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with SimCluster(scenario) as cluster:
        try:
            server = await kmock.Server(cluster, host=host, port=port).__aenter__()
        except OSError as exc:
            print(f"simcluster: error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
            return 2
        try:
            url = f"http://{host}:{server.port}"
            write_kubeconfig(kubeconfig, url)  # only now: the port is listening
            controller = asyncio.create_task(Controller(cluster).run())
            log("simcluster.ready", url=url, kubeconfig=str(kubeconfig), scenario=scenario.name, pid=os.getpid())
            await stop.wait()
            controller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await controller
            cluster.end_watches()
        finally:
            await server.__aexit__(None, None, None)
    log("simcluster.stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simcluster", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=Path("scenarios/crashloop.yaml"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18080, help="0 picks a free port (see the kubeconfig)")
    parser.add_argument("--kubeconfig", type=Path, default=Path("var/simcluster/kubeconfig"))
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"simcluster: error: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(serve(scenario, args.host, args.port, args.kubeconfig))


if __name__ == "__main__":
    sys.exit(main())
