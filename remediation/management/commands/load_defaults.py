from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from aiops_project.yamlfile import YamlFileError
from incidents.clusters import register_default_cluster, sync_beat_schedules
from incidents.models import Rule
from mcp_bridge.models import McpServer, McpTool
from remediation import definitions
from remediation.models import Playbook, PlaybookStep

# What the last load read and left, per database: {database: {"files": digest, "stored": digest}}. A start with
# the same files, over the same stored definitions, skips the load (~0.3 s warm, bench/stack_startup.py: YAML,
# validation against the MCP registry, rewriting every playbook step). Kept in the var dir, not the database:
# the "stored" digest is of the database's own rows, so a database emptied, restored or edited since (the
# admin) is loaded again, whatever this file says.
STATE_FILE = "defaults-loaded.json"
# Every row of these (but when a tool was last refreshed) may change what a load writes or refuses.
STORED = (Playbook, PlaybookStep, Rule, McpServer, McpTool)


def files_digest(*directories: Path) -> str:
    """The definition files, the MCP configuration (validation reads it) and the loader's own code."""
    digest = hashlib.sha256()
    paths = [
        Path(definitions.__file__),
        settings.MCP_CONFIG_FILE,
        *(path for directory in directories for path in definitions.yaml_files(directory)),
    ]
    for path in paths:
        digest.update(f"{path}\0".encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_digest() -> str:
    digest = hashlib.sha256()
    for model in STORED:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "refreshed_at"]
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _database_key() -> str:
    db = connection.settings_dict
    return f"{connection.vendor}:{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db['NAME']}"


def _state() -> dict[str, Any]:
    try:
        state = json.loads((settings.VAR_DIR / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


class Command(BaseCommand):
    help = (
        "Load the default playbooks and rules (YAML), the cluster this runs beside (or the simulated one) when "
        "none is registered, and the beat schedules. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--playbooks", default=str(settings.DEFAULT_PLAYBOOKS_DIR))
        parser.add_argument("--rules", default=str(settings.DEFAULT_RULES_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        self._load_definitions(Path(options["playbooks"]), Path(options["rules"]))
        discovery = register_default_cluster()
        if discovery.cluster is not None:
            self.stdout.write(f"Picked up cluster {discovery.describe()}.")
        for note in discovery.notes:
            self.stdout.write(f"Note: {note}.")
        schedules = sync_beat_schedules(settings.POLL_INTERVAL_SECONDS)
        self.stdout.write(f"{schedules} beat schedule(s) in place.")

    def _load_definitions(self, playbook_dir: Path, rule_dir: Path) -> None:
        state, key = _state(), _database_key()
        files = files_digest(playbook_dir, rule_dir)
        if state.get(key) == {"files": files, "stored": stored_digest()}:
            self.stdout.write("Playbooks and rules: the files did not change since they were loaded.")
            return
        try:
            playbooks, rules = definitions.load_definitions(playbook_dir, rule_dir)
        except YamlFileError as exc:
            raise CommandError(f"Refused, nothing was loaded:\n{exc}") from None
        state[key] = {"files": files, "stored": stored_digest()}
        try:
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            (settings.VAR_DIR / STATE_FILE).write_text(json.dumps(state, indent=1))
        except OSError as exc:  # a read-only var dir: the next start loads again
            self.stderr.write(f"Note: cannot save {STATE_FILE}: {exc.strerror or exc}.")
        self.stdout.write(f"Loaded {playbooks} playbook(s), {rules} rule(s).")
