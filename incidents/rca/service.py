"""Root-cause analysis of one incident: gather its evidence, analyse, store the report, tell everyone.

The deterministic engine (`engine.analyze`) always answers; with an LLM configured (`LLM_MODEL`,
`RCA_USE_LLM`), `llm.llm_root_cause` may refine its answer. The report is kept (RootCauseReport), put on
the incident's timeline, pushed to consoles and published as a notice (chat channels, and the
conversation that asked for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
import urllib3
from django.conf import settings
from kubernetes import client

from aiops_project.live import notify_console
from aiops_project.notices import Notice, publish
from incidents.audit import audit
from incidents.kube import ClusterUnreachable
from incidents.models import Incident, RootCauseReport
from incidents.rca.engine import RcaReport, analyze
from incidents.rca.evidence import gather_context
from incidents.rca.llm import llm_root_cause
from incidents.rca.trends import Trends, read_trends

log = structlog.get_logger(__name__)


def run_root_cause_analysis(incident_id: int, *, requested_by: Any = None, via: str = "",
                            reply_to: Mapping[str, str] | None = None) -> RootCauseReport:
    """Analyse one incident now; the report is stored, on the timeline, on the consoles and in chat
    (and in the conversation `reply_to` names, the one that asked, if any)."""
    incident = Incident.objects.select_related("cluster").get(pk=incident_id)
    try:
        objects, events, logs, unavailable = gather_context(incident)
        problem = ""
    except (ClusterUnreachable, client.ApiException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        objects, events, logs, unavailable = [], [], {}, ["cluster"]
        problem = f"the cluster could not be read ({str(exc)[:300]})"
    # The pods' memory, CPU and restarts, when a Prometheus is configured (PROMETHEUS_URL).
    trends = read_trends(incident, objects) if not problem else Trends()
    # What could not be read (RBAC refusals, kinds not served, logs of restarted pods) lowers the confidence and
    # the report names it.
    report: RcaReport = analyze(objects, events, logs, unavailable=[*unavailable, *trends.unavailable],
                                extra=trends.findings)
    if settings.LLM_MODEL and settings.RCA_USE_LLM and not problem:
        report = llm_root_cause(objects, events, logs, report)
    report.metrics = trends.observations
    if problem:
        report.summary = f"{report.summary} Note: {problem}."
    stored = RootCauseReport.objects.create(incident=incident, engine=report.engine, category=report.category,
                                            confidence=report.confidence, summary=report.summary,
                                            report=report.as_dict())
    audit("rca.completed", actor=requested_by, via=via, incident=incident, target=incident,
          category=report.category, confidence=round(report.confidence, 2), engine=report.engine,
          message=f"Root cause ({report.engine}, {report.confidence:.0%}): {report.category}: {report.summary}")
    notify_console("incident", id=incident.pk)
    publish(Notice("rca.completed", f"Root cause of incident #{incident.pk} {incident.title}: {report.category} "
                   f"({report.confidence:.0%}). {report.summary}\nNext: {'; '.join(report.recommended_actions[:2])}",
                   incident_id=incident.pk, reply_to=reply_to))
    log.info("rca_completed", incident_id=incident.pk, category=report.category, confidence=report.confidence)
    return stored
