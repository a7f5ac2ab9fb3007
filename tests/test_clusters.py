"""Cluster credentials: by path, by secret name, or in-cluster; never shown in an error. Each cluster's poll
schedule follows it (added, renamed, disabled, deleted), as django-celery-beat's scheduler sees it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from aiops_project.schedules import POLL_TASK
from incidents import kube
from incidents.clusters import delete_clusters, save_cluster, sync_beat_schedules
from incidents.models import Cluster

pytestmark = pytest.mark.django_db
SECRET = "s3cr3t-token-value"


@pytest.mark.parametrize(("fields", "problem"), [
    ({"kind": "kubeconfig"}, "needs a kubeconfig path or a secret name"),
    ({"kind": "kubeconfig", "kubeconfig_path": "/etc/k", "kubeconfig_secret": "k"}, "one of them"),
    ({"kind": "in_cluster", "kubeconfig_secret": "k"}, "takes no kubeconfig"),
    ({"kind": "kubeconfig", "kubeconfig_secret": "../etc/passwd"}, "A file name"),
    ({"kind": "kubeconfig", "kubeconfig_secret": ".hidden"}, "A file name"),
])
def test_a_cluster_names_its_credentials_one_way(fields: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Cluster(name="prod", **fields).full_clean()


def test_a_secret_name_resolves_inside_the_secrets_dir(settings, tmp_path: Path) -> None:
    settings.SECRETS_DIR = tmp_path
    cluster = Cluster(name="prod", kind="kubeconfig", kubeconfig_secret="prod-kubeconfig")
    cluster.full_clean()
    assert cluster.resolved_kubeconfig == str(tmp_path / "prod-kubeconfig")


@pytest.mark.parametrize("content", [
    f"users:\n- name: u\n  user: {{token: {SECRET}\n",  # broken YAML: its error quotes the line
    f"apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {{token: {SECRET}}}\n",  # no context
    f"[{SECRET}]\n",  # not a mapping
])
def test_an_unusable_kubeconfig_is_reported_without_its_contents(settings, tmp_path: Path, content: str) -> None:
    settings.SECRETS_DIR = tmp_path
    (tmp_path / "prod-kubeconfig").write_text(content)
    cluster = Cluster(name="prod", kind="kubeconfig", kubeconfig_secret="prod-kubeconfig")
    with pytest.raises(kube.ClusterUnreachable) as caught:
        kube.api_client_for(cluster)
    message = str(caught.value)
    assert message.startswith(f"cannot load credentials for cluster prod from {tmp_path / 'prod-kubeconfig'}: ")
    assert SECRET not in message
    # Not chained either: a logged traceback cannot show the loader's own error.
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_missing_secret_says_so(settings, tmp_path: Path) -> None:
    settings.SECRETS_DIR = tmp_path
    cluster = Cluster(name="prod", kind="kubeconfig", kubeconfig_secret="absent")
    with pytest.raises(kube.ClusterUnreachable, match="no file at"):
        kube.api_client_for(cluster)


# --- A cluster's poll schedule follows the cluster ---------------------------------------------

ADMIN = "/admin/incidents/cluster/"


def poll_schedules(cluster_id: int) -> list[Any]:
    """The poll schedules of one cluster: found by the cluster id they poll, whatever their name."""
    from django_celery_beat.models import PeriodicTask

    return [task for task in PeriodicTask.objects.filter(task=POLL_TASK) if json.loads(task.args) == [cluster_id]]


def admin_post(client: Any, url: str, **fields: Any) -> None:
    """Submit a Cluster's admin form (its inlines' management forms too, whatever inlines it has)."""
    page = client.get(url)
    assert page.status_code == 200
    data = {f"{inline.formset.prefix}-{key}": value for inline in page.context["inline_admin_formsets"]
            for key, value in inline.formset.management_form.initial.items()}
    data.update({key: value for key, value in fields.items() if value is not False})
    response = client.post(url, data)
    errors = response.context["adminform"].form.errors if response.status_code == 200 else ""
    assert response.status_code == 302, errors


def cluster_fields(name: str, enabled: bool = True) -> dict[str, Any]:
    return {"name": name, "kind": "kubeconfig", "kubeconfig_path": "/etc/aiops/prod.kubeconfig",
            "kubeconfig_secret": "", "context": "", "enabled": "on" if enabled else False}


@pytest.fixture
def beat() -> Any:
    """django-celery-beat's DatabaseScheduler, as beat runs it: it rereads the database when told of a change."""
    from django_celery_beat.schedulers import DatabaseScheduler

    from aiops_project.celery import app

    sync_beat_schedules(10)  # bootstrap's rows: the scheduler starts on a seeded database
    scheduler = DatabaseScheduler(app=app)
    assert "expire overdue approvals" in scheduler.schedule  # the first read
    scheduler.schedule_changed()  # what beat's next tick does: note the current change stamp
    return scheduler


@pytest.mark.django_db(transaction=True)  # the scheduler commits and reconnects, as beat does
def test_a_cluster_added_renamed_disabled_and_deleted_in_the_admin_takes_its_poll_schedule_along(
        admin_client: Any, beat: Any) -> None:
    from django_celery_beat.models import IntervalSchedule

    admin_post(admin_client, f"{ADMIN}add/", **cluster_fields("prod"))
    cluster = Cluster.objects.get(name="prod")
    [poll] = poll_schedules(cluster.pk)
    assert (poll.name, poll.enabled, poll.queue, poll.interval.every) == (
        "poll cluster prod", True, "detection", settings.POLL_INTERVAL_SECONDS)
    assert "poll cluster prod" in beat.schedule  # beat noticed without a restart or load_defaults

    # An interval someone edited in the admin survives what follows.
    poll.interval, _ = IntervalSchedule.objects.get_or_create(every=42, period=IntervalSchedule.SECONDS)
    poll.save()

    admin_post(admin_client, f"{ADMIN}{cluster.pk}/change/", **cluster_fields("production"))
    [poll] = poll_schedules(cluster.pk)
    assert (poll.name, poll.enabled, poll.interval.every) == ("poll cluster production", True, 42)
    assert "poll cluster production" in beat.schedule and "poll cluster prod" not in beat.schedule

    admin_post(admin_client, f"{ADMIN}{cluster.pk}/change/", **cluster_fields("production", enabled=False))
    [poll] = poll_schedules(cluster.pk)
    assert (poll.name, poll.enabled) == ("poll cluster production", False)
    assert "poll cluster production" not in beat.schedule

    response = admin_client.post(f"{ADMIN}{cluster.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Cluster.objects.filter(pk=cluster.pk).exists()
    assert poll_schedules(cluster.pk) == []
    assert not any(name.startswith("poll cluster") for name in beat.schedule)


@pytest.mark.django_db(transaction=True)
def test_clusters_deleted_together_from_the_admin_list_take_their_schedules_along(admin_client: Any,
                                                                                  beat: Any) -> None:
    for name in ("eu", "us", "asia"):
        admin_post(admin_client, f"{ADMIN}add/", **cluster_fields(name))
    eu, us, asia = (Cluster.objects.get(name=name) for name in ("eu", "us", "asia"))
    assert {"poll cluster eu", "poll cluster us", "poll cluster asia"} <= set(beat.schedule)

    response = admin_client.post(ADMIN, {"action": "delete_selected", "_selected_action": [eu.pk, us.pk],
                                         "post": "yes"})
    assert response.status_code == 302
    assert poll_schedules(eu.pk) == poll_schedules(us.pk) == []
    assert [task.name for task in poll_schedules(asia.pk)] == ["poll cluster asia"]
    assert {name for name in beat.schedule if name.startswith("poll cluster")} == {"poll cluster asia"}


def test_a_cluster_that_cannot_be_deleted_keeps_its_schedule() -> None:
    from django.db.models import ProtectedError

    from tests.factories import make_cluster, make_event

    cluster = make_cluster("prod")
    save_cluster(cluster)
    make_event(cluster)  # its history protects it
    with pytest.raises(ProtectedError):
        delete_clusters(Cluster.objects.filter(pk=cluster.pk))
    assert [task.name for task in poll_schedules(cluster.pk)] == ["poll cluster prod"]


def test_sync_finds_schedules_by_cluster_and_removes_those_of_clusters_that_are_gone() -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from tests.factories import make_cluster

    every, _ = IntervalSchedule.objects.get_or_create(every=30, period=IntervalSchedule.SECONDS)
    prod, staging = make_cluster("prod"), make_cluster("staging", enabled=False)
    gone = make_cluster("gone")
    gone_id = gone.pk
    gone.delete()
    # What changes made behind the services' back leave: a rename by queryset (the schedule keeps the old
    # name), a duplicate, the schedule of a deleted cluster, and a stale row holding a name now in use.
    Cluster.objects.filter(pk=prod.pk).update(name="production")
    PeriodicTask.objects.create(name="poll cluster prod", task=POLL_TASK, interval=every, args=f"[{prod.pk}]")
    PeriodicTask.objects.create(name="poll prod again", task=POLL_TASK, interval=every, args=f"[{prod.pk}]")
    PeriodicTask.objects.create(name="poll cluster gone", task=POLL_TASK, interval=every, args=f"[{gone_id}]")
    PeriodicTask.objects.create(name="poll cluster staging", task=POLL_TASK, interval=every, args=f"[{gone_id}]")
    unrelated = PeriodicTask.objects.create(name="nightly report", task="reports.nightly", interval=every,
                                            args="[1]")

    sync_beat_schedules(10)
    [poll] = poll_schedules(prod.pk)
    assert (poll.name, poll.enabled, poll.interval.every) == ("poll cluster production", True, 30)
    [poll] = poll_schedules(staging.pk)
    assert (poll.name, poll.enabled) == ("poll cluster staging", False)
    assert poll_schedules(gone_id) == []
    assert set(PeriodicTask.objects.filter(task=POLL_TASK).values_list("name", flat=True)) == {
        "poll cluster production", "poll cluster staging"}
    assert PeriodicTask.objects.filter(pk=unrelated.pk).exists()

    counts = PeriodicTask.objects.count()
    sync_beat_schedules(10)
    assert PeriodicTask.objects.count() == counts
