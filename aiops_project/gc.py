"""Keep the objects a process loads at start-up out of the cyclic garbage collector's way.

Django, DRF, the Kubernetes client and the MCP SDK leave a few hundred thousand long-lived objects
behind at import. Every full (oldest generation) collection scans them all again: measured with
bench/alert_intake.py, those collections were the ~200 ms p99 outliers of alert intake requests.
`gc.freeze()` moves everything alive now into a permanent generation the collector skips; what the
process allocates later is collected as usual.
"""

from __future__ import annotations

import gc

import structlog

log = structlog.get_logger(__name__)


def freeze_startup_heap() -> int:
    """Import what requests will need, collect once, then freeze the survivors. Returns how many."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module now, not on the first request)
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("startup_heap_frozen", objects=frozen)
    return frozen
