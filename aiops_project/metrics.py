"""Domain metrics for /metrics, computed from the database at scrape time.

Web, worker and beat are separate processes; counting in the database gives every scrape the
totals of all of them, and the totals survive restarts (they are counters in Prometheus' sense:
only ever growing, since events, incidents, approvals and step runs are never deleted).
"""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from django.db import DatabaseError
from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = structlog.get_logger(__name__)


class DomainCollector(Collector):
    def describe(self) -> Iterator[Metric]:
        # Registration asks for the metric names; answer without touching the database.
        yield CounterMetricFamily("aiops_cluster_events", "", labels=["source", "status"])
        yield CounterMetricFamily("aiops_incidents", "", labels=["status"])
        yield GaugeMetricFamily("aiops_incidents_open", "")
        yield CounterMetricFamily("aiops_approvals", "", labels=["status"])
        yield GaugeMetricFamily("aiops_approvals_pending", "")
        yield CounterMetricFamily("aiops_step_runs", "", labels=["status"])

    def collect(self) -> Iterator[Metric]:
        from incidents.models import ClusterEvent, Incident
        from remediation.models import Approval, StepRun

        try:
            events = CounterMetricFamily(
                "aiops_cluster_events", "Cluster events recorded (transitions).", labels=["source", "status"]
            )
            for row in ClusterEvent.objects.values("source", "status").annotate(n=Count("id")).order_by():
                events.add_metric([row["source"], row["status"]], row["n"])

            incidents = CounterMetricFamily("aiops_incidents", "Incidents opened and resolved.", labels=["status"])
            incidents.add_metric(["opened"], Incident.objects.count())
            incidents.add_metric(["resolved"], Incident.objects.filter(status=Incident.Status.RESOLVED).count())
            open_incidents = GaugeMetricFamily("aiops_incidents_open", "Incidents not yet resolved.",
                                               value=Incident.objects.open().count())

            approvals = CounterMetricFamily("aiops_approvals", "Approvals requested and decided.", labels=["status"])
            approvals.add_metric(["requested"], Approval.objects.count())
            decided = dict(Approval.objects.exclude(status=Approval.Status.PENDING)
                           .values_list("status").annotate(n=Count("id")).order_by())
            for status in (Approval.Status.APPROVED, Approval.Status.REJECTED, Approval.Status.EXPIRED):
                approvals.add_metric([status], decided.get(status, 0))
            pending = GaugeMetricFamily("aiops_approvals_pending", "Approvals waiting for a decision.",
                                        value=Approval.objects.pending().count())

            steps = CounterMetricFamily("aiops_step_runs", "Playbook steps finished, by outcome.", labels=["status"])
            finished = dict(StepRun.objects.filter(finished_at__isnull=False)
                            .values_list("status").annotate(n=Count("id")).order_by())
            for status in (StepRun.Status.SUCCEEDED, StepRun.Status.FAILED, StepRun.Status.REJECTED,
                           StepRun.Status.EXPIRED):
                steps.add_metric([status], finished.get(status, 0))
        except DatabaseError:
            log.warning("metrics_collect_failed", exc_info=True)
            return
        yield from (events, incidents, open_incidents, approvals, pending, steps)
