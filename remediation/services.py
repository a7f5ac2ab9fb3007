"""Playbook execution with a human in the loop: start, advance, approve, execute, expire."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aiops_project import outbox
from aiops_project.live import notify_console
from aiops_project.notices import Notice, publish
from incidents.audit import audit
from incidents.models import ClusterEvent, EventStatus, Incident, Signal
from mcp_bridge.calls import ArgumentRefusal, run_tool
from mcp_bridge.exceptions import McpBridgeError
from mcp_bridge.policy import RISK_RANK, PolicyRefusal, Verdict, judge, judged
from mcp_bridge.preflight import AccessDenied, AccessRefusal, access_denied
from remediation.access import get_approval_for_decider
from remediation.models import (
    Approval,
    OnFailure,
    Playbook,
    PlaybookRun,
    PlaybookStep,
    Risk,
    StepRun,
    StepSettings,
)
from remediation.templating import TemplateRenderError, condition_holds, render_arguments, with_params
from remediation.verdict import START, describe, gate, verdict_line

log = structlog.get_logger(__name__)
MAX_OUTPUT_CHARS = 20_000
ACCESS_CHECK_TIMEOUT = 30  # seconds: a check_access call (a few SelfSubjectAccessReviews)
# What a run copies from each step's definition when it starts: the fields they share.
STEP_SETTINGS = tuple(f.name for f in StepSettings._meta.fields)
DONE = (StepRun.Status.SUCCEEDED, StepRun.Status.SKIPPED)


def _enqueue(task: Any, *args: Any, countdown: float | None = None) -> None:
    # Through the outbox, after commit: a worker never picks up an id whose row it cannot see yet, and a broker
    # that cannot take the task now loses nothing (the outbox sends it when it answers again).
    outbox.enqueue(task, *args, countdown=countdown)


def budget_left(playbook: Playbook, incident: Incident) -> int | None:
    """How many more runs the playbook's hourly budget allows for the incident's workload; None: no budget."""
    if playbook.max_runs_per_hour is None:
        return None
    recent = PlaybookRun.objects.filter(playbook=playbook, incident__group_key=incident.group_key,
                                        created_at__gte=timezone.now() - timedelta(hours=1)).count()
    return max(playbook.max_runs_per_hour - recent, 0)


def start_playbook(playbook: Playbook, *, incident: Incident, event: ClusterEvent, rca_in: list[str] | None = None,
                   rule: str = "") -> PlaybookRun | None:
    """Create a run with every step's arguments rendered now, so an approver sees exactly what runs.

    None when the playbook's remediation budget for this workload is spent (a circuit breaker: the same
    fix applied again and again is not fixing anything); the timeline says so.
    """
    if budget_left(playbook, incident) == 0:
        audit("playbook.budget_exhausted", incident=incident, target=incident, playbook=playbook.name,
              event_id=event.pk,
              message=f"Playbook {playbook.name} not started: it already ran {playbook.max_runs_per_hour} time(s) "
                      f"for this workload within the hour (its remediation budget). A human should look.")
        log.warning("remediation_budget_exhausted", playbook=playbook.name, incident_id=incident.pk)
        return None

    context = {"event": event.as_context(), "incident": {"id": incident.pk, "title": incident.title}}
    only = f" (for root causes {', '.join(rca_in)} only, rule {rule})" if rca_in else ""
    return create_run(playbook, context, f"Playbook {playbook.name} started{only}",
                      incident=incident, trigger_event=event, rca_in=list(rca_in or []))


def create_run(playbook: Playbook, context: dict[str, Any], message: str, *, actor: Any = None, via: str = "",
               **fields: Any) -> PlaybookRun:
    """The run (`fields`: PlaybookRun's) with every step's arguments rendered from `context` now; audited, shown
    on the consoles, and handed to a worker after commit. A step that does not render fails, and the run with it."""
    from remediation import tasks

    with transaction.atomic():
        run = PlaybookRun.objects.create(playbook=playbook, **fields)
        render_error = ""
        for step in playbook.steps.order_by("order"):
            status, output = StepRun.Status.PENDING, ""
            try:
                arguments = render_step(step, context)
                if arguments is None:  # its `when` does not hold: shown skipped, with what it would have called
                    status, output = StepRun.Status.SKIPPED, skipped_output(step)
                    arguments = _rendered_or_raw(step, context)
            except TemplateRenderError as exc:
                arguments, render_error, status = step.arguments, str(exc), StepRun.Status.FAILED
            StepRun.objects.create(
                run=run, step=step, order=step.order, name=step.name, server=step.server, tool=step.tool,
                arguments=arguments, risk=step.risk, **{name: getattr(step, name) for name in STEP_SETTINGS},
                status=status, output=output, error=render_error,
                finished_at=timezone.now() if status != StepRun.Status.PENDING else None,
            )
            if render_error:
                break
        audit("playbook.started", message=message, actor=actor, via=via, incident=run.incident, target=run,
              playbook=playbook.name, event_id=run.trigger_event_id)
        notify_console("run", id=run.pk)
        _enqueue(tasks.advance_run, run.pk)
    return run


def render_step(step: PlaybookStep, context: dict[str, Any]) -> Any:
    """A step's arguments as a run will call them, or None when its `when` does not hold (the step is skipped);
    the playbook's parameters are `params` to both. TemplateRenderError when they cannot be filled in: every run,
    a rule's or a person's, and the check before a person's start, render through here."""
    context = with_params(context, step.playbook.parameters)
    if not condition_holds(step.when, context):
        return None
    return render_arguments(step.arguments, context)


def skipped_output(step: PlaybookStep) -> str:
    return (f"Skipped: its condition `{step.when}` does not hold "
            f"(playbook parameters: {json.dumps(step.playbook.parameters or {})}).")


def _rendered_or_raw(step: PlaybookStep, context: dict[str, Any]) -> Any:
    try:
        return render_arguments(step.arguments, with_params(context, step.playbook.parameters))
    except TemplateRenderError:
        return step.arguments


ACTIONS_PLAYBOOK = "requested-actions"


def request_action(*, user: Any, server: str, tool: str, arguments: dict[str, Any], via: str,
                   cluster: Any = None, reply_to: dict[str, str] | None = None,
                   verdict: Verdict | None = None) -> PlaybookRun:
    """A person asked for one tool call (from chat): a one-step run at the tool's risk under the policy.

    LOW runs at once; MEDIUM/HIGH waits for an approval like any playbook step, decided through the same
    permission helper (the person who asked may approve it only if they may approve that risk).
    Raises PolicyRefusal when the policy refuses the tool outright, AccessRefusal when the server's identity
    may not make the call (its RBAC). `verdict`: the caller's own verdict on this very call
    (`mcp_bridge.policy.judge`), used rather than judging it again.
    """
    from remediation import tasks

    verdict = judged(server, tool, arguments, verdict)
    if not verdict.allowed:
        audit("tool.refused", actor=user, via=via, server=server, tool=tool, message=verdict.reason)
        raise PolicyRefusal(verdict)
    denied = access_denied(server, tool, arguments, risk=verdict.risk, env=cluster.tool_env() if cluster else None,
                           timeout=ACCESS_CHECK_TIMEOUT)
    if denied is not None:
        audit("tool.refused", actor=user, via=via, server=server, tool=tool, reason="access",
              message=f"{user.get_username()} asked for {server}.{tool} {arguments} via {via}: {denied}")
        raise AccessRefusal(denied)
    playbook, _ = Playbook.objects.get_or_create(
        name=ACTIONS_PLAYBOOK, defaults={"description": "One-step runs that people asked for (from chat)."})
    with transaction.atomic():
        run = PlaybookRun.objects.create(playbook=playbook, cluster=cluster, requested_by=user,
                                         reply_to=reply_to or {})
        step = StepRun.objects.create(run=run, order=1, name=f"{tool} asked by {user.get_username()}", server=server,
                                      tool=tool, arguments=arguments, risk=verdict.risk)
        audit("action.requested", actor=user, via=via, target=run, server=server, tool=tool, risk=verdict.risk,
              message=f"{user.get_username()} asked for {server}.{tool} {arguments} via {via} ({verdict.risk})")
        if verdict.risk == Risk.LOW:
            StepRun.objects.filter(pk=step.pk).update(status=StepRun.Status.QUEUED, due_at=timezone.now())
            _enqueue(tasks.execute_step, step.pk)
        else:
            request_approval(step, run)
        notify_console("run", id=run.pk)
    return run


def _finish_run(run: PlaybookRun, status: str, message: str) -> None:
    run.status, run.finished_at = status, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit(f"playbook.{status}", message=message, incident=run.incident, target=run)
    notify_console("run", id=run.pk)


def _skip_pending(steps: list[StepRun], why: str) -> None:
    StepRun.objects.filter(pk__in=[s.pk for s in steps if s.status == StepRun.Status.PENDING]).update(
        status=StepRun.Status.SKIPPED, output=why, finished_at=timezone.now())


def advance_run(run_id: int) -> None:
    """Move a run forward by one decision. Safe to call any number of times.

    Steps run in order. A failed step with on_failure=continue is passed over; with rollback, the run
    switches to its rollback steps (the remaining steps are skipped) and ends failed once they are done;
    with stop, the run ends failed. Rollback steps are skipped when nothing failed.
    """
    from remediation import tasks

    if _advance_run(run_id, tasks):
        advance_run(run_id)  # a step was refused by the policy: decide again what comes next


def _advance_run(run_id: int, tasks: Any) -> bool:
    """One decision; True when a step was refused by the tool policy and the run must be looked at again."""

    with transaction.atomic():
        run = (PlaybookRun.objects.select_for_update(of=("self",))
               .select_related("playbook", "incident__cluster", "cluster").get(pk=run_id))
        if run.status in PlaybookRun.FINISHED:
            return False
        steps = list(run.step_runs.order_by("order"))
        failed_over = next((s for s in steps if not s.is_rollback and s.status == StepRun.Status.FAILED
                            and s.on_failure == OnFailure.ROLLBACK), None)
        active = [s for s in steps if s.is_rollback == (failed_over is not None)]
        step = next((s for s in active if s.status not in DONE
                     and not (s.status == StepRun.Status.FAILED and s.on_failure == OnFailure.CONTINUE)), None)
        if step is None:
            if failed_over is not None:
                _skip_pending(steps, "Skipped: the run rolled back")
                _finish_run(run, PlaybookRun.Status.FAILED,
                            f"Step {failed_over.name} failed ({failed_over.error}); rolled back")
            else:
                _skip_pending(steps, "Skipped: a rollback step, and nothing failed")
                _finish_run(run, PlaybookRun.Status.SUCCEEDED, f"Playbook {run.playbook.name} completed")
            return False
        if step.status == StepRun.Status.FAILED:
            _skip_pending(steps, f"Skipped: step {step.name} failed")
            _finish_run(run, PlaybookRun.Status.FAILED, f"Step {step.name} failed: {step.error}")
            return False
        if step.status != StepRun.Status.PENDING:
            return False  # queued, running or waiting for a decision: someone else moves it on
        # The tool policy has the last word, also over a playbook saved before the policy changed.
        verdict = judge(step.server, step.tool, step.arguments)
        if not verdict.allowed:
            step.finish(ok=False, output="", error=verdict.reason)
            audit("tool.refused", via="playbook", incident=run.incident, target=step, server=step.server,
                  tool=step.tool, message=f"{step.name}: {verdict.reason}")
            return True
        if RISK_RANK[verdict.risk] > RISK_RANK[step.risk]:
            audit("step.risk_raised", incident=run.incident, target=step, risk=verdict.risk,
                  message=f"{step.name}: {step.server}.{step.tool} is {verdict.risk} risk ({verdict.risk_source}), "
                          f"not {step.risk} as the playbook says; it needs an approval of that risk")
            step.risk = verdict.risk
            step.save(update_fields=["risk"])
        # Nobody is asked to approve, and nothing runs, what the server's own identity may not do (its RBAC).
        if (denied := _access_denied(step, run)) is not None:
            _refuse_step(step, run, denied)
            return True
        if (decided := _await_cause(step, run, tasks)) is not None:
            return decided
        if step.risk == Risk.LOW and settings.AUTO_REMEDIATION_ENABLED:  # notify-only: a person approves each step
            step.status, step.due_at = StepRun.Status.QUEUED, timezone.now()
            step.save(update_fields=["status", "due_at"])
            run.status = PlaybookRun.Status.RUNNING
            run.save(update_fields=["status"])
            _enqueue(tasks.execute_step, step.pk)
        else:
            request_approval(step, run)
        notify_console("run", id=run.pk)
    return False


def _access_denied(step: StepRun, run: PlaybookRun) -> AccessDenied | None:
    cluster = run.cluster or (run.incident.cluster if run.incident else None)
    return access_denied(step.server, step.tool, step.arguments, risk=step.risk,
                         env=cluster.tool_env() if cluster else None, timeout=ACCESS_CHECK_TIMEOUT,
                         incident=run.incident)


def _refuse_step(step: StepRun, run: PlaybookRun, denied: AccessDenied) -> None:
    """The step fails before anyone is asked (or it runs): audited, on the consoles, told like a failed step."""
    step.finish(ok=False, output="", error=str(denied)[:MAX_OUTPUT_CHARS])
    before = "anyone was asked to approve it" if step.risk != Risk.LOW else "it ran"
    audit("step.refused", incident=run.incident, target=step, server=step.server, tool=step.tool, risk=step.risk,
          reason="access", message=f"{step.name} ({step.tool}) refused before {before}: {denied}")
    log.warning("step_refused_access", step_run_id=step.pk, tool=step.tool, reason=denied.message)
    notify_console("run", id=run.pk)
    publish(Notice("step.finished", f"Step '{step.name}' ({step.server}.{step.tool}) refused before {before}: "
                   f"{denied}", incident_id=run.incident_id, reply_to=run.reply_to,
                   audience="operators" if step.risk != Risk.LOW else "requester"))


def _await_cause(step: StepRun, run: PlaybookRun, tasks: Any) -> bool | None:
    """The root cause first: a change that will not help is not put to anyone (remediation.verdict).
    None: go on with the step; else what `_advance_run` returns (True: look at the run again)."""
    outcome = gate(run, step)
    if isinstance(outcome, str):  # START or WAIT
        if outcome == START:
            _enqueue(tasks.analyse_run, run.pk)
        notify_console("run", id=run.pk)
        return False
    if outcome is None:
        return None
    if outcome.whole_run:
        steps = list(run.step_runs.all())
        _skip_pending(steps, outcome.reason)
        _finish_run(run, PlaybookRun.Status.SKIPPED, outcome.reason)
        publish(Notice("step.finished", f"Playbook {run.playbook.name} for incident #{run.incident_id}: "
                       f"{outcome.reason}", incident_id=run.incident_id, audience="operators"))
        return False
    _skip_for_cause(step, run, outcome.reason)
    return True


def _skip_for_cause(step: StepRun, run: PlaybookRun, why: str) -> None:
    """The root cause says the step will not help (or is not for it): skipped, audited, told to operators."""
    StepRun.objects.filter(pk=step.pk).update(status=StepRun.Status.SKIPPED, output=why, finished_at=timezone.now())
    audit("step.skipped", incident=run.incident, target=step, reason="rca", message=f"{step.name}: {why}")
    notify_console("run", id=run.pk)
    publish(Notice("step.finished", f"Step '{step.name}' ({step.server}.{step.tool}) of run #{run.pk}: {why}",
                   incident_id=run.incident_id, reply_to=run.reply_to, audience="operators"))


def request_approval(step: StepRun, run: PlaybookRun) -> Approval:
    step.status = StepRun.Status.WAITING_APPROVAL
    step.save(update_fields=["status"])
    run.status = PlaybookRun.Status.WAITING_APPROVAL
    run.save(update_fields=["status"])
    approval = Approval.objects.create(step_run=step, expires_at=timezone.now() + run.playbook.approval_timeout,
                                       verdict=describe(step, run.rca_report))
    cause = f" {verdict_line(approval.verdict)}" if run.incident_id else ""
    audit("approval.requested", incident=run.incident, target=approval,
          message=f"{step.risk} step '{step.name}' ({step.tool} {step.arguments}) needs approval "
                  f"before {approval.expires_at:%H:%M:%S} UTC.{cause}")
    log.info("approval_requested", approval_id=approval.pk, tool=step.tool)
    notify_console("approval", id=approval.pk)
    incident = f" for incident #{run.incident_id} {run.incident.title}" if run.incident else ""
    publish(Notice("approval.requested", f"Approval #{approval.pk}{incident}: {step.risk} step '{step.name}' runs "
                   f"{step.server}.{step.tool} {json.dumps(step.arguments)}; it expires at "
                   f"{approval.expires_at:%H:%M:%S} UTC.{cause}", incident_id=run.incident_id,
                   approval_id=approval.pk))
    return approval


def decide_approval(*, approval_id: int, user: Any, approve: bool, via: str, reason: str = "") -> Approval:
    """Approve or reject on behalf of `user`; raises DecisionRefused (nothing changes) if not allowed."""
    from remediation import tasks

    structlog.contextvars.bind_contextvars(approval_id=approval_id)
    approval = get_approval_for_decider(user, approval_id)
    with transaction.atomic():
        approval = approval.decide(approve=approve, by=user, via=via, reason=reason)
        step = (StepRun.objects.select_for_update(of=("self",)).select_related("run__incident")
                .get(pk=approval.step_run_id))
        run = step.run
        if approval.status == Approval.Status.PENDING:  # the first of two approvals (two-person rule)
            audit("approval.first_approval", actor=user, via=via, incident=run.incident, target=approval,
                  message=f"{user.get_username()} approved '{step.name}' via {via}; a second person must approve"
                          + (f": {reason}" if reason else ""))
            notify_console("approval", id=approval.pk)
            return approval
        verdict = "approved" if approve else "rejected"
        audit(f"approval.{verdict}", actor=user, via=via, incident=run.incident, target=approval,
              message=f"{user.get_username()} {verdict} '{step.name}' via {via}"
                      + (f": {reason}" if reason else ""))
        if approve:
            StepRun.objects.filter(pk=step.pk, status=StepRun.Status.WAITING_APPROVAL).update(
                status=StepRun.Status.QUEUED, due_at=timezone.now())
            PlaybookRun.objects.filter(pk=run.pk).update(status=PlaybookRun.Status.RUNNING)
            _enqueue(tasks.execute_step, step.pk)
        else:
            step.status, step.finished_at = StepRun.Status.REJECTED, timezone.now()
            step.save(update_fields=["status", "finished_at"])
            _finish_run(run, PlaybookRun.Status.REJECTED, f"Step '{step.name}' rejected by {user.get_username()}")
        notify_console("approval", id=approval.pk)
    return approval


def _trigger_still_firing(run: PlaybookRun) -> bool:
    if run.trigger_event is None:
        return True
    return Signal.objects.filter(fingerprint=run.trigger_event.fingerprint, status=EventStatus.FIRING).exists()


def execute_step(step_run_id: int) -> None:
    """Run one claimed step through the MCP bridge and record the outcome. Safe to run twice."""

    step = StepRun.objects.select_related("run__incident__cluster", "run__trigger_event").get(pk=step_run_id)
    if not step.claim():
        log.info("step_not_claimed", step_run_id=step.pk, status=step.status)
        return
    run = step.run
    structlog.contextvars.bind_contextvars(incident_id=run.incident_id, step_run_id=step.pk, tool=step.tool)
    notify_console("run", id=run.pk)
    # Never remediate what healed meanwhile; a rollback step undoes our own change, so it runs regardless.
    if step.risk != Risk.LOW and not step.is_rollback and not _trigger_still_firing(run):
        step.status, step.finished_at = StepRun.Status.SKIPPED, timezone.now()
        step.output = "Skipped: the triggering event is no longer firing."
        step.save(update_fields=["status", "finished_at", "output"])
        audit("step.skipped", incident=run.incident, target=step, message=f"{step.name}: {step.output}")
        advance_run(run.pk)
        return
    cluster = run.cluster or (run.incident.cluster if run.incident else None)
    step.log(f"calling {step.server}.{step.tool} with {step.arguments}")
    approved = Approval.objects.filter(step_run=step, status=Approval.Status.APPROVED).exists()
    refused, structured = False, None
    try:
        result = run_tool(
            step.server, step.tool, step.arguments, caller="playbook",
            approved_risk=step.risk if approved else Risk.LOW, incident=run.incident,
            env=cluster.tool_env() if cluster else None, timeout=step.timeout_seconds,
            execution_key=step.execution_key,
        )
        ok, output, error = result.ok, result.text, result.error or ("" if result.ok else result.text)
        structured = result.structured
    except (PolicyRefusal, ArgumentRefusal) as exc:
        ok, output, error, refused = False, "", str(exc), True  # asking again would be refused again
    except McpBridgeError as exc:
        ok, output, error = False, "", str(exc)
    if not ok and not refused and step.attempts <= step.retries:
        retry_step(step, output, error)
        return
    if structured is not None and len(json.dumps(structured, default=str)) > MAX_OUTPUT_CHARS:
        structured = None  # too big to keep; the text output (truncated) says what it said
    step.finish(ok=ok, output=output[:MAX_OUTPUT_CHARS], error=error[:MAX_OUTPUT_CHARS], structured=structured)
    log.info("step_finished", ok=ok, error=error[:200], attempts=step.attempts)
    audit("step.succeeded" if ok else "step.failed", incident=run.incident, target=step,
          message=f"{step.name} ({step.tool}) {'succeeded' if ok else 'failed: ' + error[:500]}"
                  + (f" after {step.attempts} attempts" if step.attempts > 1 else ""))
    if approved or step.risk != Risk.LOW or run.reply_to:
        # Whoever approved or asked hears how it went: the channels for approved steps, and the
        # conversation that asked for it.
        publish(Notice("step.finished", f"Step '{step.name}' ({step.server}.{step.tool}) "
                       f"{'succeeded' if ok else 'failed'}", detail=(output if ok else error)[:1500],
                       incident_id=run.incident_id, reply_to=run.reply_to,
                       audience="operators" if approved or step.risk != Risk.LOW else "requester"))
    if ok and step.verify_after_seconds is not None:
        from remediation import tasks

        with transaction.atomic():  # on_commit needs a transaction to hang on, or it runs at once
            _enqueue(tasks.verify_step, step.pk, countdown=step.verify_after_seconds)
    advance_run(run.pk)


def retry_step(step: StepRun, output: str, error: str) -> None:
    """Queue the step again after its backoff (base, doubling with each attempt); the run waits for it."""
    from remediation import tasks

    delay = step.retry_backoff_seconds * 2 ** (step.attempts - 1)
    step.log(f"attempt {step.attempts} failed: {error[:300]}; retrying in {delay}s")
    with transaction.atomic():
        StepRun.objects.filter(pk=step.pk, status=StepRun.Status.RUNNING).update(
            status=StepRun.Status.QUEUED, output=output[:MAX_OUTPUT_CHARS], error=error[:MAX_OUTPUT_CHARS],
            log_lines=step.log_lines, due_at=timezone.now() + timedelta(seconds=delay))
        audit("step.retrying", incident=step.run.incident, target=step,
              message=f"{step.name} ({step.tool}) failed (attempt {step.attempts} of {step.retries + 1}): "
                      f"{error[:300]}; retrying in {delay}s")
        _enqueue(tasks.execute_step, step.pk, countdown=delay)
    log.info("step_retrying", attempts=step.attempts, retry_in=delay, error=error[:200])


def verify_step(step_run_id: int) -> bool | None:
    """Record whether a succeeded step's remediation worked: did the triggering signal resolve? Once only."""
    step = StepRun.objects.select_related("run__incident", "run__trigger_event").get(pk=step_run_id)
    run = step.run
    if step.verified is not None or step.status != StepRun.Status.SUCCEEDED or run.trigger_event_id is None:
        return step.verified  # no triggering signal (a run a person started for a workload): nothing to judge by
    worked = not _trigger_still_firing(run)
    reason = run.trigger_event.reason if run.trigger_event else "the trigger"
    text = (f"{reason} resolved within {step.verify_after_seconds}s of {step.name}" if worked else
            f"{reason} still firing {step.verify_after_seconds}s after {step.name}")
    if StepRun.objects.filter(pk=step.pk, verified__isnull=True).update(verified=worked, verification=text):
        audit("step.verified" if worked else "step.not_effective", incident=run.incident, target=step, message=text)
        notify_console("run", id=run.pk)
    return worked


def expire_overdue_approvals() -> int:
    """Expire every pending approval past its deadline; its step and run stop. Returns how many."""
    expired = 0
    for approval in Approval.objects.overdue().select_related("step_run__run__incident"):
        structlog.contextvars.bind_contextvars(approval_id=approval.pk, incident_id=approval.step_run.run.incident_id)
        with transaction.atomic():
            if not approval.expire():
                continue  # decided or expired by someone else meanwhile
            step = approval.step_run
            StepRun.objects.filter(pk=step.pk).update(status=StepRun.Status.EXPIRED, finished_at=timezone.now())
            audit("approval.expired", incident=step.run.incident, target=approval,
                  message=f"No decision on '{step.name}' before {approval.expires_at:%H:%M:%S} UTC")
            _finish_run(step.run, PlaybookRun.Status.EXPIRED, f"Approval for '{step.name}' expired")
            notify_console("approval", id=approval.pk)
            publish(Notice("approval.expired", f"Approval #{approval.pk} expired: nobody decided on '{step.name}' "
                           f"({step.server}.{step.tool}) before {approval.expires_at:%H:%M:%S} UTC, so it did not run.",
                           incident_id=step.run.incident_id, approval_id=approval.pk, reply_to=step.run.reply_to))
            expired += 1
    return expired
