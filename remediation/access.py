"""Who may decide and see what: the one helper every path (console, API, /mcp, Slack, Telegram) goes through."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404

from remediation.models import Approval, ApproverScope, DecisionNotAllowed, Risk

PERMISSION_FOR_RISK: dict[str, str] = {
    # A LOW step waits for an approval only in notify-only mode (AUTO_REMEDIATION_ENABLED=false): whoever may
    # approve MEDIUM steps may approve it.
    Risk.LOW: "remediation.approve_medium",
    Risk.MEDIUM: "remediation.approve_medium",
    Risk.HIGH: "remediation.approve_high",
}
START_PERMISSION = "remediation.start_playbook"
# What a step's tool answered (pod logs, descriptions, errors) is redacted, yet still more than everyone signed in
# needs to read: Django's view permission on step runs, or a permission to decide steps, shows it.
STEP_OUTPUT_PERMISSIONS = ("remediation.view_steprun", *sorted(set(PERMISSION_FOR_RISK.values())))


def decision_problem(user: Any, approval: Approval) -> str | None:
    """Why `user` may not decide `approval`, or None if they may. Every path asks this one question."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "You must be signed in as an active user to decide."
    step = approval.step_run
    permission = PERMISSION_FOR_RISK.get(step.risk)
    if permission is None or not user.has_perm(permission):
        return (f"You are not allowed to decide {step.risk}-risk steps "
                f"(needs the {permission or 'approve'} permission).")
    if user.is_superuser:
        return None
    scopes = list(ApproverScope.objects.filter(Q(user=user) | Q(group__in=user.groups.all())))
    if not scopes:
        return None
    run = step.run
    cluster = run.cluster or (run.incident.cluster if run.incident else None)
    namespace = (run.incident.namespace if run.incident else "") or str(step.arguments.get("namespace", ""))
    if any(scope.covers(cluster.name if cluster else "", namespace) for scope in scopes):
        return None
    where = f"cluster {cluster.name if cluster else '?'}, namespace {namespace or '?'}"
    return f"This approval ({where}) is outside your approval scope."


def start_problem(user: Any) -> str | None:
    """Why `user` may not start a playbook by hand, or None if they may (console, API, chat, manage.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "You must be signed in as an active user to start a playbook."
    if not user.has_perm(START_PERMISSION):
        return f"You are not allowed to start playbooks (needs the {START_PERMISSION} permission)."
    return None


def can_start_playbooks(user: Any) -> bool:
    return start_problem(user) is None


def can_view_step_output(user: Any) -> bool:
    """May `user` read what steps' tools answered (output, error, log lines)? Console pages and /mcp ask this."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(user.has_perm(permission) for permission in STEP_OUTPUT_PERMISSIONS)


def can_decide(user: Any, approval: Approval) -> bool:
    return decision_problem(user, approval) is None


def get_approval_for_decider(user: Any, approval_id: int) -> Approval:
    """The approval, if it exists and `user` may decide it; 404 / DecisionRefused otherwise."""
    approval = get_object_or_404(Approval.objects.select_related("step_run__run__incident__cluster",
                                                                 "step_run__run__cluster"), pk=approval_id)
    if (problem := decision_problem(user, approval)) is not None:
        raise DecisionNotAllowed(problem)
    return approval
