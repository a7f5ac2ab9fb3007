"""`/playbook list` and `/playbook run NAME TARGET`: a person starts a playbook from chat, through the service
every other path uses (`remediation.manual.start_by_hand`: its permission, its checks, the same approvals).

TARGET is `namespace/name` (a Deployment), `namespace/kind/name`, `node/name`, or `#12` (an incident); a
workload is looked for in the conversation's cluster (/k8s use). The run's step results come back here.
"""

from __future__ import annotations

from chat.context import Context, current_cluster
from chat.messages import Reply
from chat.parsing import Command, number
from remediation.manual import (
    StartRefused,
    Workload,
    known_playbooks,
    parse_workload,
    remediation_mode,
    start_by_hand,
    summary,
)
from remediation.models import Playbook

USAGE = ("Use /playbook list, /playbook run <name> <namespace>/<deployment> (or <namespace>/<kind>/<name>, "
         "node/<name>), or /playbook run <name> #<incident>.")


def playbook_command(context: Context, command: Command) -> list[Reply]:
    args = command.args
    verb = args[0].lower() if args else "list"
    if verb == "list":
        return [listing()]
    if verb == "run" and len(args) == 3:
        return [start(context, args[1], args[2])]
    return [Reply(USAGE)]


def listing() -> Reply:
    books = Playbook.objects.filter(name__in=known_playbooks()).prefetch_related("steps").order_by("name")
    lines = [f"• {book.name}{'' if book.enabled else ' (disabled)'}: {book.description or 'no description'} "
             f"[{' → '.join(step.risk for step in book.steps.all())}]" for book in books]
    mode = remediation_mode()
    if not mode["auto_remediation_enabled"]:
        lines.append(mode["message"])
    return Reply("\n".join(lines) if books else "No playbooks are defined.")


def start(context: Context, name: str, target: str) -> Reply:
    incident_id = number(target) if target.startswith("#") or target.isdigit() else None
    workload: Workload | None = None
    cluster = current_cluster(context)
    try:
        if incident_id is None:
            workload = _workload(target)
        run = start_by_hand(user=context.user, playbook=name, via=context.via, incident_id=incident_id,
                            workload=workload, cluster=cluster.name if cluster else "", reply_to=context.reply_to)
    except StartRefused as exc:
        return Reply(str(exc))
    return Reply(f"{summary(run)}\nStep results will be posted here; approvals go to the approvers' channels "
                 "(/approval list).")


def _workload(target: str) -> Workload:
    parts = target.split("/")
    if len(parts) == 2 and parts[0].lower() == "node":
        return parse_workload(f"Node/{parts[1]}")
    if len(parts) == 2:
        return parse_workload(parts[1], parts[0])
    if len(parts) == 3:
        return parse_workload(f"{parts[1]}/{parts[2]}", parts[0])
    raise StartRefused(f"{target[:100]!r} is not a target. {USAGE}", "invalid")
