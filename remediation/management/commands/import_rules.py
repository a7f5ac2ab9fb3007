from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiops_project.yamlfile import YamlFileError
from remediation.definitions import import_rule_file


class Command(BaseCommand):
    help = "Create or update rules from a YAML rule file, all or nothing (`export_rules` writes this format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = import_rule_file(options["file"])
        except YamlFileError as exc:
            raise CommandError(f"Refused, nothing was imported:\n{exc}") from None
        self.stdout.write(f"Imported {count} rule(s) from {options['file']}.")
