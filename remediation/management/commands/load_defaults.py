from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project.yamlfile import YamlFileError
from incidents.clusters import register_default_cluster, sync_beat_schedules
from remediation.definitions import load_definitions


class Command(BaseCommand):
    help = ("Load the default playbooks and rules (YAML), the cluster this runs beside (or the simulated one) when "
            "none is registered, and the beat schedules. Idempotent.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--playbooks", default=str(settings.DEFAULT_PLAYBOOKS_DIR))
        parser.add_argument("--rules", default=str(settings.DEFAULT_RULES_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        try:
            playbooks, rules = load_definitions(Path(options["playbooks"]), Path(options["rules"]))
        except YamlFileError as exc:
            raise CommandError(f"Refused, nothing was loaded:\n{exc}") from None
        discovery = register_default_cluster()
        if discovery.cluster is not None:
            self.stdout.write(f"Picked up cluster {discovery.describe()}.")
        for note in discovery.notes:
            self.stdout.write(f"Note: {note}.")
        schedules = sync_beat_schedules(settings.POLL_INTERVAL_SECONDS)
        self.stdout.write(f"Loaded {playbooks} playbook(s), {rules} rule(s); {schedules} beat schedule(s) in place.")
