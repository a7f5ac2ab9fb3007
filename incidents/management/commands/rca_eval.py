"""`manage.py rca_eval DIR`: the deterministic RCA engine over scenario files, scored.

A scenario file is one JSON object: {"name", "objects": [...], "events": [...], "logs": {"ns/pod/container":
"text", "ns/pod/container:previous": "text"}, "expected_category": "...", optionally "unavailable": [...]}.
DIR holds the files, or a `dev/` and a `held/` folder of them (a corpus with a frozen split): each part is then
scored on its own, the held part last. Prints a line per miss, per-category precision and recall, the
confusions, calibration (confidence against being right), and last `accuracy: X/Y` (`accuracy (held): X/Y`).
The held part's misses are not named unless `--show-held` asks: whoever tunes rules reads aggregates only,
so the held figure stays a measure of failures the rules were not fitted to.
Exit code 0 however it scores (it measures; it does not judge); 2 when a file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.rca.engine import CATEGORIES, analyze
from incidents.rca.scoring import Scores

SPLITS = ("dev", "held")


class Command(BaseCommand):
    help = "Score the deterministic RCA engine on a folder of scenario files (or its dev/ and held/ parts)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--verbose", action="store_true", help="print every scenario, not only misses")
        parser.add_argument("--split", choices=SPLITS, help="score only this part of a split corpus")
        parser.add_argument("--show-held", action="store_true",
                            help="name the held part's scenarios too (by default it is scored in aggregate only)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        parts = [(s, directory / s) for s in SPLITS if (directory / s).is_dir()]
        if options["split"]:
            parts = [(s, p) for s, p in parts if s == options["split"]]
        if not parts:
            parts = [("", directory)]
        for label, folder in parts:
            files = sorted(folder.glob("*.json"))
            if not files:
                raise CommandError(f"no *.json scenario files in {folder}", returncode=2)
            if label:
                self.stdout.write(f"== {label}: {len(files)} scenarios ==")
            scores = Scores()
            named = label != "held" or options["show_held"]
            for path in files:
                self._score(path, scores, options["verbose"] if named else None)
            self.stdout.write("\n".join(scores.lines(label)))

    def _score(self, path: Path, scores: Scores, verbose: bool | None) -> None:
        """Score one file; `verbose` None names no scenario (a blind part), False names misses, True all."""
        scenario = self._load(path)
        expected = scenario["expected_category"]
        report = analyze(scenario.get("objects") or [], scenario.get("events") or [], scenario.get("logs") or {},
                         unavailable=scenario.get("unavailable") or ())
        name = scenario.get("name", path.stem)
        scores.add(name, expected, report.category, report.confidence)
        if verbose is not None and (report.category != expected or verbose):
            mark = "ok  " if report.category == expected else "MISS"
            self.stdout.write(f"{mark} {name}: expected {expected}, got {report.category} "
                              f"({report.confidence:.2f}): {report.summary}")

    def _load(self, path: Path) -> dict[str, Any]:
        try:
            scenario = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        if not isinstance(scenario, dict) or scenario.get("expected_category") not in CATEGORIES:
            raise CommandError(f"{path}: needs an object with expected_category, one of {', '.join(CATEGORIES)}",
                               returncode=2)
        return scenario
