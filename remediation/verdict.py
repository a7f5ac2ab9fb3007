"""Remediation that listens to the root cause: a run's changes are weighed against the incident's RCA verdict.

Before a run's first step that needs an approval (MEDIUM/HIGH), or that is conditioned on the root cause
(`rca_in` / `rca_not_in`), the incident is analysed once (`analyse_run`, a task; a fresh report of the
incident is reused). The step then runs, waits for its approval with the verdict and whether the step fits
it on the card (`describe`), or is skipped because the cause says it will not help (`skip_reason`).
An analysis that fails or takes longer than RCA_WAIT lets the run go on without a verdict, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import structlog
from django.utils import timezone

from incidents.audit import audit
from incidents.models import RootCauseReport
from remediation.models import PlaybookRun, Risk, StepRun

log = structlog.get_logger(__name__)
RCA_WAIT = timedelta(seconds=120)  # past this, a run waiting for its analysis goes on without one
FRESH = timedelta(minutes=10)  # an incident's report this recent is reused, not made again
WAIT: Literal["wait"] = "wait"  # an analysis is under way: it advances the run when done
START: Literal["start"] = "start"  # an analysis must start now (the caller enqueues `analyse_run`)

_RESTART = {
    "application_crash": ("fits", "a restart clears a crash that does not come back at once; if it does, roll "
                                  "back the change that introduced it"),
    "probe_failure": ("will_not_help", "restarting will likely not help: the probe is wrong, not the process"),
    "dependency_unreachable": ("will_not_help", "restarting will likely not help: the dependency does not "
                                                "answer; check it, not this workload"),
    "config_error": ("will_not_help", "restarting will likely not help until the configuration is fixed"),
    "image_pull_error": ("will_not_help", "restarting will likely not help: the image cannot be pulled"),
    "oom_killed": ("will_not_help", "restarting will likely not help: it will be killed again; raise the memory "
                                    "limit"),
    "permission_denied": ("will_not_help", "restarting will likely not help until the permission is granted"),
    "quota_exceeded": ("will_not_help", "restarting will likely not help: the quota refuses the pods"),
    "unschedulable_resources": ("will_not_help", "restarting will likely not help: no node has room"),
    "unschedulable_constraints": ("will_not_help", "restarting will likely not help: no node matches its "
                                                   "placement rules"),
    "volume_mount_failure": ("will_not_help", "restarting will likely not help: the volume cannot be mounted"),
    "node_failure": ("partly", "a new pod may land on a healthy node; cordon the failing node first"),
}
# What each changing tool can end, by RCA category: (fit, advice). Reading tools fit anything.
FITS: dict[str, dict[str, tuple[str, str]]] = {
    "rollout_restart": _RESTART, "delete_pod": _RESTART,
    "set_resources": {
        "oom_killed": ("fits", "a higher memory limit ends the OOM kills, if the usage is not a leak"),
        "unschedulable_resources": ("partly", "fits if it lowers the requests; raising them makes it worse"),
        "quota_exceeded": ("partly", "fits if it brings the pods within the quota or LimitRange"),
    },
    "rollout_undo": {
        "application_crash": ("fits", "a rollback ends a crash the last rollout introduced"),
        "image_pull_error": ("fits", "a rollback returns to an image that could be pulled"),
        "config_error": ("partly", "fits if the last rollout changed the configuration"),
        "dependency_unreachable": ("will_not_help", "rolling back will likely not help: the dependency does not "
                                                    "answer"),
        "node_failure": ("will_not_help", "rolling back will likely not help: the node fails"),
    },
    "update_image": {
        "image_pull_error": ("fits", "a correct image name or tag ends the pull errors"),
        "application_crash": ("partly", "fits if the new image fixes the crash"),
    },
    "scale_deployment": {
        "unschedulable_resources": ("will_not_help", "scaling up will not help: no node has room for more pods"),
        "quota_exceeded": ("will_not_help", "scaling up will not help: the quota refuses the pods"),
    },
    "cordon_node": {"node_failure": ("fits", "no new pods land on the failing node")},
    "drain_node": {"node_failure": ("fits", "its pods move to healthy nodes")},
}


@dataclass(frozen=True)
class Skip:
    reason: str
    whole_run: bool = False  # the rule that started the run wants it only for other root causes


def needs_verdict(run: PlaybookRun, step: StepRun) -> bool:
    return step.risk != Risk.LOW or bool(step.rca_in or step.rca_not_in or run.rca_in)


def gate(run: PlaybookRun, step: StepRun) -> Skip | Literal["start", "wait"] | None:
    """Inside the run's lock: START (the caller enqueues the analysis), WAIT (one is under way and advances the
    run when done), a Skip (of the step, or of the whole run), or None (go on)."""
    if not needs_verdict(run, step) or run.incident_id is None:
        return None
    now = timezone.now()
    if run.rca_state == PlaybookRun.Rca.NONE:
        fresh = RootCauseReport.objects.filter(incident_id=run.incident_id, created_at__gte=now - FRESH).first()
        if fresh is None:
            run.rca_state, run.rca_requested_at = PlaybookRun.Rca.RUNNING, now
            run.save(update_fields=["rca_state", "rca_requested_at"])
            return START
        run.rca_state, run.rca_report = PlaybookRun.Rca.DONE, fresh
        run.save(update_fields=["rca_state", "rca_report"])
    elif run.rca_state == PlaybookRun.Rca.RUNNING:
        if run.rca_requested_at and now - run.rca_requested_at < RCA_WAIT:
            return WAIT
        run.rca_state = PlaybookRun.Rca.FAILED
        run.save(update_fields=["rca_state"])
        audit("rca.unavailable", incident=run.incident, target=run,
              message=f"The root-cause analysis of run #{run.pk} took over {RCA_WAIT.seconds}s: the run goes on "
                      f"without a verdict")
    category = run.rca_report.category if run.rca_report is not None else None
    if run.rca_in and category not in run.rca_in:
        cause = f"the root cause is {category}" if category else "there is no root-cause verdict"
        return Skip(f"Not run: {cause}; its rule starts {run.playbook.name} only for {', '.join(run.rca_in)}",
                    whole_run=True)
    reason = skip_reason(step, run.rca_report)
    return Skip(reason) if reason else None


def skip_reason(step: StepRun, report: RootCauseReport | None) -> str | None:
    category = report.category if report is not None else None
    if step.rca_in and category not in step.rca_in:
        cause = f"the root cause is {category}" if category else "there is no root-cause verdict"
        return f"Skipped: {cause}; this step runs only for {', '.join(step.rca_in)}"
    if step.rca_not_in and category in step.rca_not_in:
        return f"Skipped: the root cause is {category}; {advice(step.tool, category)[1] or 'this step is not for it'}"
    return None


def advice(tool: str, category: str | None) -> tuple[str, str]:
    """(fit, advice) of a tool against a root-cause category: fits, partly, will_not_help or unknown."""
    if category is None or category == "unknown":
        return "unknown", ""
    return FITS.get(tool, {}).get(category, ("unknown", ""))


def describe(step: StepRun, report: RootCauseReport | None) -> dict[str, Any]:
    """The verdict an approval shows: the cause, its confidence, and whether this step fits it."""
    if report is None:
        return {}
    fit, words = advice(step.tool, report.category)
    return {"category": report.category, "confidence": round(report.confidence, 2), "summary": report.summary[:500],
            "engine": report.engine, "fit": fit, "advice": words, "report_id": report.pk,
            "runner_up": (report.report.get("runner_up") or {}).get("category")}


def verdict_line(verdict: dict[str, Any]) -> str:
    """One line for any channel: "RCA: dependency_unreachable (84%): restarting will likely not help: ..."."""
    if not verdict:
        return "RCA: no verdict (the analysis could not be made)."
    line = f"RCA: {verdict['category']} ({verdict['confidence']:.0%})"
    if verdict.get("advice"):
        return f"{line}: {verdict['advice']}."
    return f"{line}: {verdict.get('summary', '')[:200]}"


def analyse_run(run_id: int) -> None:
    """The run's root-cause analysis (safe to run twice: only a run still waiting for one is analysed)."""
    from incidents.rca.service import run_root_cause_analysis

    run = PlaybookRun.objects.filter(pk=run_id, rca_state=PlaybookRun.Rca.RUNNING).first()
    if run is None or run.incident_id is None:
        return
    try:
        report = run_root_cause_analysis(run.incident_id, via="playbook")
    except Exception:  # any failure: the run goes on without a verdict, never stalls
        log.exception("run_rca_failed", run_id=run_id)
        PlaybookRun.objects.filter(pk=run_id, rca_state=PlaybookRun.Rca.RUNNING).update(
            rca_state=PlaybookRun.Rca.FAILED)
        return
    PlaybookRun.objects.filter(pk=run_id, rca_state=PlaybookRun.Rca.RUNNING).update(
        rca_state=PlaybookRun.Rca.DONE, rca_report=report)
