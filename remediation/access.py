"""Who may decide what: the one helper every path (console, API, Slack, Telegram) goes through."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from remediation.models import Approval, DecisionNotAllowed, Risk

PERMISSION_FOR_RISK = {
    Risk.MEDIUM: "remediation.approve_medium",
    Risk.HIGH: "remediation.approve_high",
}


def can_decide(user: Any, approval: Approval) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    permission = PERMISSION_FOR_RISK.get(approval.step_run.risk)
    return permission is not None and user.has_perm(permission)


def get_approval_for_decider(user: Any, approval_id: int) -> Approval:
    """The approval, if it exists and `user` may decide it; 404 / DecisionRefused otherwise."""
    approval = get_object_or_404(Approval.objects.select_related("step_run__run__incident"), pk=approval_id)
    if not can_decide(user, approval):
        raise DecisionNotAllowed(
            f"You are not allowed to decide {approval.step_run.risk}-risk steps "
            f"(needs the {PERMISSION_FOR_RISK.get(approval.step_run.risk, 'approve')} permission)."
        )
    return approval
