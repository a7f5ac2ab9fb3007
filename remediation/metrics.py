"""Remediation metrics for /metrics: approvals requested, decided and pending; steps finished by outcome."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from aiops_project.metrics import DatabaseCollector
from remediation.models import Approval, StepRun


class RemediationCollector(DatabaseCollector):
    def describe(self) -> Iterator[Metric]:
        yield CounterMetricFamily("aiops_approvals", "", labels=["status"])
        yield GaugeMetricFamily("aiops_approvals_pending", "")
        yield CounterMetricFamily("aiops_step_runs", "", labels=["status"])

    def count(self) -> list[Metric]:
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
        for outcome in (StepRun.Status.SUCCEEDED, StepRun.Status.FAILED, StepRun.Status.REJECTED,
                        StepRun.Status.EXPIRED):
            steps.add_metric([outcome], finished.get(outcome, 0))
        return [approvals, pending, steps]
