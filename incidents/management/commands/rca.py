"""`manage.py rca INCIDENT_ID`: analyse an incident now and print the report as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.models import Incident
from incidents.rca.service import run_root_cause_analysis


class Command(BaseCommand):
    help = "Run a root-cause analysis of one incident and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("incident_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if not Incident.objects.filter(pk=options["incident_id"]).exists():
            raise CommandError(f"no incident {options['incident_id']}", returncode=2)
        stored = run_root_cause_analysis(options["incident_id"], via="cli")
        self.stdout.write(json.dumps(stored.report, indent=2, ensure_ascii=False))
