from django.db import migrations, models
from django.db.models import F


def copy_fingerprints(apps, schema_editor):
    # Before grouping, every incident and signal was its own group.
    for name in ("Signal", "ClusterEvent", "Incident"):
        apps.get_model("incidents", name).objects.update(group_key=F("fingerprint"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_clusterevent_payload")]

    operations = [
        migrations.AddField(
            model_name="signal", name="group_key",
            field=models.CharField(blank=True, help_text="What the signal is about (e.g. its workload): one incident "
                                   "per group.", max_length=40),
        ),
        migrations.AddField(
            model_name="clusterevent", name="group_key",
            field=models.CharField(blank=True, db_index=True, max_length=40),
        ),
        migrations.AddField(
            model_name="incident", name="group_key",
            field=models.CharField(db_index=True, default="", help_text="Events with this group key (the same "
                                   "workload, node or alert) belong to this incident.", max_length=40),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="incident", name="fingerprint",
            field=models.CharField(db_index=True, help_text="The fingerprint of the opening event.", max_length=40),
        ),
        migrations.RunPython(copy_fingerprints, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="incident", name="one_unresolved_incident_per_fingerprint"),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.UniqueConstraint(condition=models.Q(("status", "resolved"), _negated=True),
                                               fields=("group_key",), name="one_unresolved_incident_per_group"),
        ),
        migrations.AddIndex(
            model_name="signal", index=models.Index(fields=["group_key", "status"], name="incidents_s_group_k_e07a46_idx"),
        ),
    ]
