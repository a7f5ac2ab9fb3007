from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from incidents.models import AuditEntry
from remediation.access import can_decide, get_approval_for_decider
from remediation.models import Approval, DecisionRefused, PlaybookRun, Risk, StepRun
from remediation.services import decide_approval, expire_overdue_approvals
from tests.factories import make_pending_approval, make_user

pytestmark = pytest.mark.django_db


def test_medium_steps_need_the_approve_medium_permission():
    approval = make_pending_approval(Risk.MEDIUM)
    assert not can_decide(make_user("nobody"), approval)
    assert can_decide(make_user("oncall", "remediation.approve_medium"), approval)


def test_high_steps_are_not_decided_with_the_medium_permission():
    approval = make_pending_approval(Risk.HIGH)
    assert not can_decide(make_user("oncall", "remediation.approve_medium"), approval)
    assert can_decide(make_user("lead", "remediation.approve_high"), approval)


def test_inactive_users_decide_nothing():
    approval = make_pending_approval(Risk.MEDIUM)
    assert not can_decide(make_user("gone", "remediation.approve_medium", is_active=False), approval)


def test_an_unknown_approval_is_a_404():
    with pytest.raises(Http404):
        get_approval_for_decider(make_user("oncall", "remediation.approve_medium"), 999_999)


def test_approving_queues_the_step_and_audits_who_how_and_why(django_capture_on_commit_callbacks):
    approval = make_pending_approval(Risk.MEDIUM)
    user = make_user("oncall", "remediation.approve_medium")
    with django_capture_on_commit_callbacks() as callbacks:
        decide_approval(approval_id=approval.pk, user=user, approve=True, via="web", reason="looks safe")
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.decided_via) == ("approved", user, "web")
    assert StepRun.objects.get(pk=approval.step_run_id).status == StepRun.Status.QUEUED
    entry = AuditEntry.objects.get(action="approval.approved")
    assert entry.actor == user and entry.via == "web" and "looks safe" in entry.message
    assert len(callbacks) == 2  # execute_step enqueued + console notice, both after commit


def test_rejecting_stops_the_run():
    approval = make_pending_approval(Risk.MEDIUM)
    decide_approval(approval_id=approval.pk, user=make_user("oncall", "remediation.approve_medium"),
                    approve=False, via="api", reason="not during the sale")
    step = StepRun.objects.get(pk=approval.step_run_id)
    assert step.status == StepRun.Status.REJECTED
    assert step.run.status == PlaybookRun.Status.REJECTED


def test_a_second_decision_is_refused_and_changes_nothing():
    approval = make_pending_approval(Risk.MEDIUM)
    first, second = make_user("a", "remediation.approve_medium"), make_user("b", "remediation.approve_medium")
    decide_approval(approval_id=approval.pk, user=first, approve=True, via="web")
    with pytest.raises(DecisionRefused, match="already approved"):
        decide_approval(approval_id=approval.pk, user=second, approve=False, via="web")
    approval.refresh_from_db()
    assert approval.decided_by == first and approval.status == "approved"


def test_a_decision_without_permission_is_refused_and_changes_nothing():
    approval = make_pending_approval(Risk.HIGH)
    with pytest.raises(DecisionRefused, match="approve_high"):
        decide_approval(approval_id=approval.pk, user=make_user("oncall", "remediation.approve_medium"),
                        approve=True, via="web")
    assert Approval.objects.get(pk=approval.pk).status == "pending"


def test_an_expired_approval_cannot_be_approved_and_the_sweeper_expires_it():
    approval = make_pending_approval(Risk.MEDIUM, expires_in=timedelta(seconds=-1))
    with pytest.raises(DecisionRefused, match="expired"):
        decide_approval(approval_id=approval.pk, user=make_user("oncall", "remediation.approve_medium"),
                        approve=True, via="web")
    assert expire_overdue_approvals() == 1
    assert expire_overdue_approvals() == 0  # safe to run twice
    approval.refresh_from_db()
    step = StepRun.objects.get(pk=approval.step_run_id)
    assert approval.status == "expired" and step.status == StepRun.Status.EXPIRED
    assert step.run.status == PlaybookRun.Status.EXPIRED
    assert AuditEntry.objects.filter(action="approval.expired").count() == 1


def test_the_sweeper_leaves_approvals_that_still_have_time():
    approval = make_pending_approval(Risk.MEDIUM, expires_in=timedelta(minutes=5))
    assert expire_overdue_approvals() == 0
    assert Approval.objects.get(pk=approval.pk).status == "pending"
