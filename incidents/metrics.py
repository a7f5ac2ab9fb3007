"""Incident metrics for /metrics: events recorded and incidents opened, resolved and open."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from aiops_project.metrics import DatabaseCollector
from incidents.models import ClusterEvent, Incident


class IncidentCollector(DatabaseCollector):
    def describe(self) -> Iterator[Metric]:
        yield CounterMetricFamily("aiops_cluster_events", "", labels=["source", "status"])
        yield CounterMetricFamily("aiops_incidents", "", labels=["status"])
        yield GaugeMetricFamily("aiops_incidents_open", "")

    def count(self) -> list[Metric]:
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
        return [events, incidents, open_incidents]
