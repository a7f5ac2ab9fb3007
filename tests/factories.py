"""Plain factories for tests: make_* functions with sensible defaults, overridable by keyword."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Permission, User
from django.utils import timezone

from incidents.models import Cluster, ClusterEvent, EventSource, Incident, Rule, Severity, make_fingerprint
from remediation.models import Approval, Playbook, PlaybookRun, PlaybookStep, Risk, StepRun


def make_user(username: str = "alice", *perms: str, **fields: Any) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery", **fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # fresh instance: no stale permission cache


def make_cluster(name: str = "prod", **fields: Any) -> Cluster:
    fields.setdefault("kind", Cluster.Kind.KUBECONFIG)
    fields.setdefault("kubeconfig_path", "/nonexistent/kubeconfig")
    return Cluster.objects.create(name=name, **fields)


def make_playbook(name: str = "restart", steps: list[dict[str, Any]] | None = None, **fields: Any) -> Playbook:
    playbook = Playbook.objects.create(name=name, **fields)
    for order, step in enumerate(steps or [{"name": "Restart", "tool": "rollout_restart", "risk": Risk.MEDIUM}],
                                 start=1):
        PlaybookStep.objects.create(playbook=playbook, order=order, **step)
    return playbook


def make_rule(name: str = "crashloop", **fields: Any) -> Rule:
    fields.setdefault("source", EventSource.KUBERNETES)
    fields.setdefault("reasons", ["CrashLoopBackOff"])
    return Rule.objects.create(name=name, **fields)


def make_event(cluster: Cluster | None = None, **fields: Any) -> ClusterEvent:
    fields.setdefault("source", EventSource.KUBERNETES)
    fields.setdefault("reason", "CrashLoopBackOff")
    fields.setdefault("status", "firing")
    fields.setdefault("severity", Severity.CRITICAL)
    fields.setdefault("namespace", "shop")
    fields.setdefault("object_kind", "Pod")
    fields.setdefault("object_name", "checkout-abc")
    fields.setdefault("fingerprint", make_fingerprint(fields["reason"], fields["namespace"], fields["object_name"]))
    fields.setdefault("group_key", fields["fingerprint"])
    fields.setdefault("occurred_at", timezone.now())
    return ClusterEvent.objects.create(cluster=cluster, **fields)


def make_pending_approval(risk: str = Risk.MEDIUM, expires_in: timedelta = timedelta(minutes=5)) -> Approval:
    playbook = make_playbook(f"pb-{Playbook.objects.count()}")
    key = make_fingerprint(playbook.pk)
    incident = Incident.objects.create(fingerprint=key, group_key=key, title="test incident")
    run = PlaybookRun.objects.create(playbook=playbook, incident=incident,
                                     status=PlaybookRun.Status.WAITING_APPROVAL)
    step = StepRun.objects.create(run=run, order=1, name="Restart", server="kubernetes", tool="rollout_restart",
                                  arguments={"namespace": "shop", "name": "checkout"}, risk=risk,
                                  status=StepRun.Status.WAITING_APPROVAL)
    return Approval.objects.create(step_run=step, expires_at=timezone.now() + expires_in)


def make_run(*steps: dict[str, Any], server: str | None = None, name: str = "p") -> PlaybookRun:
    """A started run of a new playbook with these steps, for a firing event and its incident (`name`: the
    playbook's, and the workload's if not "p", so that one database can hold several)."""
    from incidents.models import EventStatus, Signal
    from remediation.services import start_playbook

    playbook = make_playbook(name, steps=[{"name": f"step {i}", **({"server": server} if server else {}), **step}
                                          for i, step in enumerate(steps, start=1)])
    event = make_event(**({} if name == "p" else {"object_name": f"{name}-abc"}))
    Signal.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, source=event.source,
                          status=EventStatus.FIRING)
    incident = Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, title="t")
    run = start_playbook(playbook, incident=incident, event=event)
    assert run is not None
    return run


def drive_run(run: PlaybookRun) -> list[str]:
    """What a worker does, in order: advance the run and execute what it queues (retries included) until it
    waits for someone or ends. Returns the steps' statuses."""
    from remediation.services import advance_run, execute_step
    from remediation.verdict import analyse_run

    for _ in range(20):
        advance_run(run.pk)
        if PlaybookRun.objects.filter(pk=run.pk, rca_state=PlaybookRun.Rca.RUNNING).exists():
            analyse_run(run.pk)  # the root cause before a step that needs it (the analyse_run task)
            continue
        queued = run.step_runs.filter(status=StepRun.Status.QUEUED).first()
        if queued is None:
            break
        execute_step(queued.pk)
    run.refresh_from_db()
    return list(run.step_runs.order_by("order").values_list("status", flat=True))
