"""`manage.py rca_eval DIR`: the deterministic RCA engine over scenario files, scored per category.

A scenario file is one JSON object: {"name", "objects": [...], "events": [...], "logs": {"ns/pod/container":
"text", "ns/pod/container:previous": "text"}, "expected_category": "..."}. Prints a line per miss, accuracy
per category, and last `accuracy: X/Y`. Exit code 0 however it scores (it measures; it does not judge);
2 when a file cannot be read.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.rca.engine import CATEGORIES, analyze


class Command(BaseCommand):
    help = "Score the deterministic RCA engine on a folder of scenario files."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--verbose", action="store_true", help="print every scenario, not only misses")

    def handle(self, *args: Any, **options: Any) -> None:
        files = sorted(options["directory"].glob("*.json"))
        if not files:
            raise CommandError(f"no *.json scenario files in {options['directory']}", returncode=2)
        total, right = Counter[str](), Counter[str]()
        for path in files:
            scenario = self._load(path)
            expected = scenario["expected_category"]
            report = analyze(scenario.get("objects") or [], scenario.get("events") or [], scenario.get("logs") or {})
            total[expected] += 1
            if report.category == expected:
                right[expected] += 1
            if report.category != expected or options["verbose"]:
                mark = "ok  " if report.category == expected else "MISS"
                self.stdout.write(f"{mark} {scenario.get('name', path.stem)}: expected {expected}, got "
                                  f"{report.category} ({report.confidence:.2f}): {report.summary}")
        for category in sorted(total):
            self.stdout.write(f"{category:26} {right[category]}/{total[category]}")
        self.stdout.write(f"accuracy: {sum(right.values())}/{sum(total.values())}")

    def _load(self, path: Path) -> dict[str, Any]:
        try:
            scenario = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        if not isinstance(scenario, dict) or scenario.get("expected_category") not in CATEGORIES:
            raise CommandError(f"{path}: needs an object with expected_category, one of {', '.join(CATEGORIES)}",
                               returncode=2)
        return scenario
