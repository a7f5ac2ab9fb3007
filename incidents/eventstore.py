"""The bulk writes of recording: new signals claimed, and events appended, in as few statements as the database
allows. PostgreSQL gets its own fast paths; any other database goes through the ORM.

Why (cProfile on the alert intake, 100 notifications x 50 new alerts, PostgreSQL 15): Django 5.2's
`bulk_create` sends the events as one INSERT ... UNNEST of arrays, and psycopg quotes every element of those
arrays in Python (a regular expression per JSON string): 28 of the 69 ms a notification took. Appending
the same 50 rows with ids drawn from the table's sequence and COPY took 4.7 ms wall / 0.9 ms CPU against
24 ms / 4.0 ms for one multi-row INSERT and 13 ms / 2.3 ms for executemany (a micro-benchmark on the
events table's columns and indexes, including the commit).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import msgspec
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Field, ForeignKey, Model
from psycopg.types.json import Jsonb

from incidents.models import ClusterEvent, Incident, Signal


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def build_event(values: dict[str, Any], **related: Model | None) -> ClusterEvent:
    """An unsaved event from its column values and its related objects (cluster, incident).

    By position, as Django builds a model read from the database: its keyword path, which goes through each
    relation's descriptor, was 14% of the web process's CPU on new alerts (py-spy --gil, 50 events a request).
    """
    meta = ClusterEvent._meta
    relations = {name: meta.get_field(name) for name in related}
    for name, field in relations.items():
        assert isinstance(field, ForeignKey)
        values[field.attname] = obj.pk if (obj := related[name]) is not None else None
    event = ClusterEvent(*[values.get(field.attname) for field in meta.concrete_fields])  # type: ignore[misc, unused-ignore]  # by position
    for name, field in relations.items():
        assert isinstance(field, ForeignKey)
        field.set_cached_value(event, related[name])  # event.cluster and event.incident: no query
    return event


def insert_events(events: Sequence[ClusterEvent]) -> list[ClusterEvent]:
    """Append these events (in the caller's transaction); they come back with their primary keys set."""
    if not events:
        return []
    if not _postgres():
        return ClusterEvent.objects.bulk_create(events)
    meta = ClusterEvent._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(meta.db_table)
    pk = meta.pk
    assert pk is not None
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields] if f.column)
    preps = [_prep(field) for field in fields]
    with connection.cursor() as cursor:
        # Ids first (one statement), so the rows can be streamed by COPY, which cannot return them.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, pk.column, len(events)])
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, event in zip(ids, events, strict=True):
                row = [pk]
                for field, prep in zip(fields, preps, strict=True):
                    value = getattr(event, field.attname)
                    if value is None and field.has_default():  # as `save` would fill it (recorded_at)
                        value = field.get_default()
                        setattr(event, field.attname, value)
                    row.append(value if prep is None or value is None else prep(value))
                copy.write_row(row)
    for pk, event in zip(ids, events, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias
    return list(events)


def _json(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_encode_json)


def _encode_json(value: Any) -> bytes:
    try:
        return msgspec.json.encode(value)  # 5x json.dumps on alert payloads; the same JSON for plain data
    except (TypeError, msgspec.EncodeError):
        return json.dumps(value, cls=DjangoJSONEncoder).encode()


def _prep(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of this column goes to COPY: as it is (text, numbers, booleans, aware datetimes, foreign
    keys), as JSON, or by the field's own preparation for anything else."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if field.is_relation or kind in ("CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField",
                                     "PositiveIntegerField", "DateTimeField", "FloatField"):
        return None
    return partial(field.get_db_prep_save, connection=connection)


# A signal's (fingerprint, status, flapping, last_seen, transitions).
SignalState = tuple[str, str, bool, datetime, int]


def signal_states(fingerprints: list[str]) -> list[SignalState]:
    """(fingerprint, status, flapping, last_seen, transitions) of the signals among these fingerprints."""
    if not _postgres():
        return list(Signal.objects.filter(fingerprint__in=fingerprints)
                    .values_list("fingerprint", "status", "flapping", "last_seen", "transitions"))
    with connection.cursor() as cursor:  # one array: a statement of constant text (the ORM's IN list is not)
        cursor.execute("SELECT s.fingerprint, s.status, s.flapping, s.last_seen, s.transitions FROM "  # noqa: S608
                       + _by_fingerprint("*"), [fingerprints])
        return cursor.fetchall()


def open_incidents(group_keys: Collection[str]) -> dict[str, Incident]:
    """The open incident of each of these groups that has one (a group has at most one: a unique constraint).

    PostgreSQL: one array, a statement of constant text, and no query compilation: the ORM's filter took 0.8-1.1
    ms of CPU for 50 group keys against 0.2-0.3 ms (a micro-benchmark, empty result), on every notification that
    flips signals (a resolved batch).
    """
    if not _postgres():
        return {i.group_key: i for i in Incident.objects.open().filter(group_key__in=group_keys).order_by()}
    table = connection.ops.quote_name(Incident._meta.db_table)
    found = Incident.objects.raw(f"SELECT * FROM {table} WHERE group_key = ANY(%b) AND status <> %s",  # noqa: S608
                                 [list(group_keys), Incident.Status.RESOLVED])
    return {incident.group_key: incident for incident in found}


def _by_fingerprint(columns: str) -> str:
    """FROM clause (as `s`) of the signals of an array of fingerprints, one probe of the unique index each,
    whatever the statistics say. Asked as `fingerprint = ANY(array)`, PostgreSQL scans the whole table while
    it is small or not yet analysed (a new installation's first minutes, an alert storm among them): 1.4 ms
    against 0.4 ms at 5,000 signals, on every notification. The LIMIT keeps the subquery from being
    flattened into a hash join."""
    return ("unnest(%b::text[]) AS f(fingerprint) CROSS JOIN LATERAL "  # noqa: S608  (names, never values)
            f"(SELECT {columns} FROM {_signal_table()} WHERE fingerprint = f.fingerprint LIMIT 1) AS s")


def _signal_table() -> str:
    return connection.ops.quote_name(Signal._meta.db_table)


def insert_signals(rows: Sequence[dict[str, Any]], now: datetime) -> set[str]:
    """Create the signals of never-seen fingerprints, `rows` of fingerprint, group_key, cluster_id, source and
    status; the fingerprints this statement created (a concurrent writer may have created the others: the
    unique constraint settles the race)."""
    if not rows:
        return set()
    # In one order, whoever inserts: two requests inserting the same new fingerprints (Alertmanager replicas
    # both sending a notification) then wait for each other instead of deadlocking.
    rows = sorted(rows, key=lambda row: row["fingerprint"])
    table = connection.ops.quote_name(Signal._meta.db_table)  # only names and placeholders are formatted in
    moment = connection.ops.adapt_datetimefield_value(now)
    names = ("fingerprint", "group_key", "cluster_id", "source", "status")
    head = (f"INSERT INTO {table} (fingerprint, group_key, cluster_id, source, status, first_seen, "
            "last_seen, last_transition_at, transitions, flapping) ")
    tail = " ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint"
    with connection.cursor() as cursor:
        if _postgres():
            # One array per column: a statement of constant text, which psycopg and the server parse once; the
            # arrays go in binary (%b), which spares psycopg quoting every element with a regular expression.
            cursor.execute(
                head + "SELECT u.fingerprint, u.group_key, u.cluster_id, u.source, u.status, %s, %s, %s, 1, false "
                "FROM unnest(%b::text[], %b::text[], %b::bigint[], %b::text[], %b::text[]) "
                "AS u(fingerprint, group_key, cluster_id, source, status) ORDER BY u.fingerprint" + tail,
                [moment, moment, moment, *([row[name] for row in rows] for name in names)],
            )
        else:
            params: list[Any] = []
            for row in rows:
                params += [*(row[name] for name in names), moment, moment, moment, False]
            cursor.execute(head + "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, 1, %s)"] * len(rows))
                           + tail, params)
        return {row[0] for row in cursor.fetchall()}


def claim_flips(fingerprints: list[str], status: str, now: datetime, observed_at: datetime | None) -> set[str]:
    """Flip these signals to `status`; the fingerprints this statement changed (a racing writer may have).

    With `observed_at`, only signals whose last transition is older than that observation.
    """
    table = _signal_table()  # placeholders only, as in `insert_signals`
    moment = connection.ops.adapt_datetimefield_value(now)
    # PostgreSQL: one array (constant statement text), by index whatever the statistics; elsewhere an IN list.
    which = ("id IN (SELECT s.id FROM " + _by_fingerprint("id") + ")" if _postgres()  # noqa: S608
             else f"fingerprint IN ({', '.join(['%s'] * len(fingerprints))})")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, last_seen = %s, last_transition_at = %s, "  # noqa: S608
            f"transitions = transitions + 1 WHERE {which} AND status <> %s"
            + (" AND last_transition_at < %s" if observed_at is not None else "") + " RETURNING fingerprint",
            [status, moment, moment, *([fingerprints] if _postgres() else fingerprints), status,
             *([connection.ops.adapt_datetimefield_value(observed_at)] if observed_at is not None else [])],
        )
        return {row[0] for row in cursor.fetchall()}
