"""uvicorn's housekeeping once a second (aiops_project/uvicorn_tick.py): the Date header still moves on, and
SIGTERM still ends the server through uvicorn's graceful shutdown."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
from pathlib import Path

import uvicorn

from aiops_project import uvicorn_tick
from tests.helpers import eventually, free_port

ROOT = Path(__file__).resolve().parent.parent
SERVE = """
import sys, uvicorn
from aiops_project import uvicorn_tick

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})

assert uvicorn_tick.install()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info", lifespan="off")
"""


def test_the_replacement_is_written_for_the_uvicorn_in_use():
    """An upgrade of uvicorn fails here: read its Server.main_loop and on_tick again, then extend KNOWN_RELEASES."""
    assert uvicorn.__version__.startswith(uvicorn_tick.KNOWN_RELEASES), uvicorn.__version__


def test_the_date_header_moves_on_and_sigterm_stops_the_server_at_once():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        def date() -> str | None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                response.read()
                return response.getheader("date")
            except OSError:
                return None

        first = eventually(date, what="uvicorn answering")
        eventually(lambda: (date() or first) != first, what="a later Date header")
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then raises the signal again to exit by it.
        _, log = server.communicate(timeout=30)
        assert server.returncode in (0, -signal.SIGTERM)
        assert "Shutting down" in log and "Finished server process" in log, log
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
