"""`manage.py run_playbook NAME --namespace NS --workload KIND/NAME [--cluster C] --user U`, or `--incident N`:
start a playbook by hand as that user, through the same service, checks and approvals as the console and chat.
A worker runs the steps; MEDIUM and HIGH ones (and, notify-only, LOW ones) wait for their approvals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from remediation.manual import StartRefused, parse_workload, start_by_hand, summary


class Command(BaseCommand):
    help = "Start a playbook for a workload or an incident, as a user (its steps go through the usual approvals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("playbook", help="the playbook's name")
        parser.add_argument("--workload", default="", help="KIND/NAME or NAME (a Deployment), e.g. Deployment/web")
        parser.add_argument("--namespace", default="", help="the workload's namespace")
        parser.add_argument("--cluster", default="", help="the workload's cluster (default: the first enabled one)")
        parser.add_argument("--incident", type=int, help="start it for this incident instead of a workload")
        parser.add_argument("--user", required=True, help="who starts it (needs remediation.start_playbook)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['user']!r}.")
        if bool(options["workload"]) == (options["incident"] is not None):
            raise CommandError("Give --workload (with --namespace) or --incident, one of them.")
        try:
            workload = parse_workload(options["workload"], options["namespace"]) if options["workload"] else None
            run = start_by_hand(user=user, playbook=options["playbook"], via="cli", incident_id=options["incident"],
                                workload=workload, cluster=options["cluster"])
        except StartRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary(run))
