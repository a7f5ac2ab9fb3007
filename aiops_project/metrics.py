"""Domain metrics for /metrics, computed from the database at scrape time.

Web, worker and beat are separate processes; counting in the database gives every scrape the
totals of all of them, and the totals survive restarts (they are counters in Prometheus' sense:
only ever growing, since events, incidents, approvals and step runs are never deleted).

Each app counts its own models (`incidents.metrics`, `remediation.metrics`) in a `DatabaseCollector`
registered from its AppConfig.ready() with `register_collector`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import structlog
from django.db import DatabaseError
from prometheus_client import REGISTRY
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

log = structlog.get_logger(__name__)


class DatabaseCollector(Collector):
    """A collector whose metrics are counted in the database; a scrape while it is down skips them."""

    def describe(self) -> Iterator[Metric]:
        # Registration asks for the metric names; answer without touching the database.
        raise NotImplementedError

    def count(self) -> list[Metric]:
        raise NotImplementedError

    def collect(self) -> Iterator[Metric]:
        try:
            metrics = self.count()
        except DatabaseError:
            log.warning("metrics_collect_failed", collector=type(self).__name__, exc_info=True)
            return
        yield from metrics


def register_collector(collector: Collector) -> None:
    with contextlib.suppress(ValueError):  # already registered: ready() ran twice in this process
        REGISTRY.register(collector)
