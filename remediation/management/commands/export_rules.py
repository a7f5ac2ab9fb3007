from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from remediation.definitions import export_rules


class Command(BaseCommand):
    help = "Write every rule as a YAML rule file (to standard output, or --output FILE); import_rules reads it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = export_rules()
        if options["output"]:
            options["output"].write_text(text)
            self.stderr.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text, ending="")
