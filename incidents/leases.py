"""The database backend of leader election (aiops_project/leader.py), beside its model.

One row per lease. A claim is one conditional UPDATE (held by me, or by nobody, or expired), judged
by the database's own clock: every replica compares against the same clock, so their skew does not
matter. The first claim of a name inserts an unheld row (INSERT ... ON CONFLICT DO NOTHING) and claims
it with the same UPDATE, so whoever races for it, the row count of that one statement decides.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import close_old_connections, models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Now

from aiops_project import leader


class LeaderLease(models.Model):
    """Which replica leads a role (the watcher, Celery beat). Written only through `DatabaseLeases`."""

    name = models.CharField(max_length=63, unique=True)
    holder = models.CharField(max_length=255, blank=True, help_text="hostname:pid of the leader; empty = nobody.")
    acquired_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    transitions = models.PositiveIntegerField(default=0, help_text="How many times another holder took it.")

    class Meta:
        app_label = "incidents"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or 'nobody'}"


class DatabaseLeases:
    kind = "database"

    def try_acquire_or_renew(self, name: str, identity: str, lease_seconds: int) -> leader.Attempt:
        close_old_connections()  # a long-lived thread: never on a connection that went stale meanwhile
        if self._claim(name, identity, lease_seconds):
            return leader.Attempt(True, identity)
        holder = LeaderLease.objects.filter(name=name).values_list("holder", flat=True).first()
        if holder is None:  # the first claim of this name
            LeaderLease.objects.bulk_create([LeaderLease(name=name)], ignore_conflicts=True)
            if self._claim(name, identity, lease_seconds):
                return leader.Attempt(True, identity)
            holder = LeaderLease.objects.filter(name=name).values_list("holder", flat=True).first()
        return leader.Attempt(False, holder)

    @staticmethod
    def _claim(name: str, identity: str, lease_seconds: int) -> bool:
        """Acquire or renew in one statement; the row count says whether we hold it."""
        mine = Q(holder=identity)
        return LeaderLease.objects.filter(mine | Q(holder="") | Q(expires_at__lt=Now()), name=name).update(
            holder=identity,
            acquired_at=Case(When(mine, then=F("acquired_at")), default=Now()),
            renewed_at=Now(),
            expires_at=Now() + timedelta(seconds=lease_seconds),
            # SET reads the row as it was: a renewal, or the first holder ever, is no transition.
            transitions=Case(When(mine | Q(renewed_at=None), then=F("transitions")), default=F("transitions") + 1),
        ) == 1

    def release(self, name: str, identity: str) -> None:
        close_old_connections()
        LeaderLease.objects.filter(name=name, holder=identity).update(holder="", expires_at=Now())

    def read(self, name: str) -> leader.LeaseRecord | None:
        lease = LeaderLease.objects.filter(name=name).first()
        if lease is None:
            return None
        return leader.LeaseRecord(lease.holder, lease.transitions,
                                  lease.renewed_at.isoformat() if lease.renewed_at else "")


leader.register_backend(DatabaseLeases.kind, DatabaseLeases)
