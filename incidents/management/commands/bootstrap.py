"""First half of `make run`: check the database answers, migrate, load the defaults, ensure an admin."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aiops_project.health import check_database
from mcp_bridge.manager import sessions
from mcp_bridge.registry import prefetch_tools

# The bundled MCP server the default playbooks' steps use: load_defaults checks them against its tools.
PLAYBOOK_SERVER = "kubernetes"


def migrations_pending() -> bool:
    """Whether `migrate` has anything to apply: reading the migration files and the applied ones (~20 ms) rather
    than running `migrate` (~0.3-1.3 s with nothing to do: its checks and post-migrate signals)."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Check the database, migrate, load default rules/playbooks/schedules and ensure an admin user."

    def handle(self, *args: Any, **options: Any) -> None:
        if (error := check_database()) is not None:
            raise CommandError(f"{error} (check DATABASE_URL)")
        if migrations_pending():
            # An empty registry (a new database): load_defaults would start the server to list its tools
            # (~2.5-4 s, most of a cold start's load_defaults): it starts while migrate runs instead.
            prefetch = threading.Thread(
                target=prefetch_tools, args=(PLAYBOOK_SERVER,), name="mcp-prefetch", daemon=True
            )
            prefetch.start()
            call_command("migrate", interactive=False, verbosity=0)
            prefetch.join()  # its session must be open (or failed) before load_defaults asks the same server
        call_command("load_defaults", stdout=self.stdout)
        call_command("ensure_admin", stdout=self.stdout)
        # Stop the MCP servers the checks started (~0.3 s): runstack replaces itself with its supervisor next,
        # which would leave them to exit unreaped.
        sessions().close_all()
