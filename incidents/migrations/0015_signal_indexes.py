"""Fewer indexes to maintain per recorded alert (each new alert inserts one signal and one event).

- signal.cluster: its own index goes; the (cluster, source, status) index leads with the same column.
- PostgreSQL only: the varchar_pattern_ops ("_like") indexes Django adds beside a unique or indexed CharField, on
  signal.fingerprint and clusterevent.group_key, go. They serve only LIKE 'prefix%' queries, which nothing makes
  (lookups are exact: the unique index and the plain group_key index remain).
"""

import django.db.models.deletion
from django.db import migrations, models

LIKE_INDEXES = (("incidents_signal", "fingerprint"), ("incidents_clusterevent", "group_key"))


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column in LIKE_INDEXES:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                "AND indexname LIKE %s AND indexdef LIKE %s",
                [table, f"{table}_{column}_%_like", "%varchar_pattern_ops%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column in LIKE_INDEXES:
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_like" ON "{table}" '
                           f'("{column}" varchar_pattern_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0014_cluster_namespaces"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signal",
            name="cluster",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, to="incidents.cluster"),
        ),
        migrations.RunPython(drop_like_indexes, create_like_indexes),
    ]
