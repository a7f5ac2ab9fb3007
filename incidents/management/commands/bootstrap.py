"""First half of `make run`: check the database answers, migrate, load the defaults, ensure an admin."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from aiops_project.health import check_database


class Command(BaseCommand):
    help = "Check the database, migrate, load default rules/playbooks/schedules and ensure an admin user."

    def handle(self, *args: Any, **options: Any) -> None:
        if (error := check_database()) is not None:
            raise CommandError(f"{error} (check DATABASE_URL)")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_defaults", stdout=self.stdout)
        call_command("ensure_admin", stdout=self.stdout)
