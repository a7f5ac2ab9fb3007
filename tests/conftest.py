from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from aiops_project import embedded_redis

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _redis_server() -> Iterator[None]:
    """On the embedded defaults, run the same embedded redis-server the product runs."""
    process = None
    if settings.EMBEDDED_REDIS:
        process = embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET)
    yield
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _rules_seen_at_once(settings: Any) -> None:
    """Tests create rules and silences and act at once: no second of grace for the compiled rules, and
    nothing compiled from another test's (rolled back) rules."""
    from incidents import rules

    settings.RULES_CACHE_SECONDS = 0
    rules._cached = rules._fresh = None


@pytest.fixture(autouse=True)
def _closed_circuits() -> None:
    """A circuit a dead Redis opened (it stays open seconds) is no test's but the one that killed Redis."""
    from aiops_project.circuit import Circuit

    for circuit in list(Circuit.made):
        circuit.succeeded()


@pytest.fixture(autouse=True)
def _no_cluster_discovery(settings: Any) -> None:
    """`load_defaults` registers the simulated cluster, whatever kubeconfig the machine running the tests has
    (the discovery tests turn it back on)."""
    settings.CLUSTER_DISCOVERY = False


@pytest.fixture(autouse=True)
def _fresh_chat_state() -> Iterator[None]:
    """Chat sessions, rate counters and seen-update marks live in the shared cache: none carries over."""
    yield
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # Django's RedisCache: the redis-py client
    keys = list(client.scan_iter(match="aiops:*:chat:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def warm_sessions() -> Iterator[Any]:
    """MCP sessions kept warm for the module, as a worker keeps them (mcp_bridge.manager); stopped at its end."""
    from mcp_bridge.manager import SessionManager

    manager = SessionManager()
    yield manager
    manager.close_all()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """For tests whose processes share a SQLite file: `migrated_sqlite(path)` puts a migrated database there,
    copied from one that `manage.py migrate` made once for the session (migrating takes seconds)."""
    import shutil
    import subprocess
    import sys

    template = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(AIOPS_VAR_DIR=str(template.parent), DATABASE_URL=f"sqlite:///{template}")
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr

    def copy(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        return path

    return copy


@pytest.fixture(scope="session")
def realkube() -> Iterator[Any]:
    """A real kube-apiserver with its controller manager and scheduler, for the whole session (tests/realkube.py)."""
    from tests.realkube import RealKubeMissing, realkube_dir, running_realkube

    if realkube_dir() is None:
        if os.environ.get("AIOPS_REQUIRE_REALKUBE"):
            pytest.fail("AIOPS_REQUIRE_REALKUBE is set but the realkube peer is missing (set AIOPS_REALKUBE_DIR)")
        pytest.skip(str(RealKubeMissing("the realkube peer is not on this machine: set AIOPS_REALKUBE_DIR")))
    with running_realkube() as kube:
        yield kube
