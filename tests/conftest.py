from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from aiops_project import embedded_redis


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
