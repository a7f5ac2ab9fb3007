"""The clusters detection covers: picked up with no configuration, and their poll schedules in django-celery-beat.

Every change of a Cluster goes through `save_cluster` / `delete_cluster(s)` (the admin does), so its poll
schedule follows it at once. Schedules are saved and deleted one row at a time through the ORM: that is what
makes django-celery-beat's DatabaseScheduler notice (a queryset.update() would not).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from incidents.models import Cluster

if TYPE_CHECKING:
    from django_celery_beat.models import PeriodicTask

IN_CLUSTER_NAME = "in-cluster"


def ensure_simulated_cluster() -> Cluster:
    cluster, _ = Cluster.objects.get_or_create(
        name="simulated", defaults={"kind": Cluster.Kind.SIMULATED, "enabled": True}
    )
    return cluster


def simulated_cluster_wanted() -> bool:
    """Whether the stack should run the simulated cluster: it is on and a cluster row points at it."""
    return settings.SIMCLUSTER_ENABLED and Cluster.objects.filter(kind=Cluster.Kind.SIMULATED).exists()


# --- Zero-config pick-up -----------------------------------------------------------------------


@dataclass
class Discovery:
    """What discovery found (an unsaved Cluster) and why it passed over what it could not use."""

    cluster: Cluster | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The cluster as stdout may show it: name, kind, context, file; never credentials."""
        cluster = self.cluster
        if cluster is None:
            return ""
        limited = f", namespaces {', '.join(cluster.watched_namespaces)} only" if cluster.namespaces else ""
        if cluster.kind == Cluster.Kind.IN_CLUSTER:
            return f"{cluster.name} (kind {cluster.kind}: the pod's service account{limited})"
        return (f"{cluster.name} (kind {cluster.kind}, context {cluster.context}, file {cluster.kubeconfig_path}"
                f"{limited})")


def cluster_name_for(context: str) -> str:
    """A Cluster name from a kubeconfig context name: lower-case letters, digits, - and _, at most 63."""
    slug = re.sub(r"[^a-z0-9_]+", "-", context.lower()).strip("-_")
    return slug[:63].rstrip("-_") or "kubeconfig"


def discover_cluster() -> Discovery:
    """The cluster this process runs beside: the in-cluster service account in a pod, else the current context
    of KUBECONFIG (a list, merged as kubectl does) or ~/.kube/config; limited to AIOPS_WATCH_NAMESPACES when
    that is set. Nothing is saved."""
    environ = os.environ
    notes: list[str] = []
    if environ.get("KUBERNETES_SERVICE_HOST"):
        token = Path(settings.SERVICE_ACCOUNT_DIR) / "token"
        if token.is_file():
            return Discovery(Cluster(name=IN_CLUSTER_NAME, kind=Cluster.Kind.IN_CLUSTER,
                                     namespaces=",".join(settings.WATCH_NAMESPACES)))
        notes.append(f"in-cluster service account not picked up: KUBERNETES_SERVICE_HOST is set but there is "
                     f"no token at {token}")
    paths = _kubeconfig_paths(environ)
    if not paths and environ.get("KUBECONFIG"):
        notes.append(f"kubeconfig not picked up: none of the files KUBECONFIG lists exists ({environ['KUBECONFIG']})")
    found = _current_context(paths)
    found.notes[:0] = notes
    return found


def _kubeconfig_paths(environ: Mapping[str, str]) -> list[Path]:
    """KUBECONFIG's files in order (absolute, once each, those that exist), else ~/.kube/config."""
    listed = environ.get("KUBECONFIG", "")
    if not listed:
        default = Path.home() / ".kube" / "config"
        return [default] if default.is_file() else []
    paths: list[Path] = []
    for item in listed.split(os.pathsep):
        path = Path(os.path.abspath(os.path.expanduser(item))) if item else None
        if path is not None and path.is_file() and path not in paths:
            paths.append(path)
    return paths


def _read_kubeconfig(path: Path) -> dict[str, Any]:
    """One kubeconfig file as a mapping. Errors name the file and line, never the contents (credentials)."""
    try:
        with path.open() as f:
            doc = yaml.safe_load(f)
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    except yaml.MarkedYAMLError as exc:  # its message quotes the offending line, which may hold a token
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ValueError(f"{path}{line}: not valid YAML") from None
    except yaml.YAMLError:
        raise ValueError(f"{path}: not valid YAML") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a kubeconfig (not a mapping)")
    return doc


def _current_context(paths: list[Path]) -> Discovery:
    """The current context of the merged files, stored as the one file that defines it, its cluster and user.

    Merging follows kubectl: the first file that sets a non-empty current-context decides it, and the first
    file that defines a context, cluster or user of a given name wins. A Cluster row holds one file: when the
    context, its cluster and its user are defined (first) in one file F, loading F alone with that context
    gives the client exactly what the merged list gives (relative certificate paths included: the client
    resolves them against the file that holds them). When they are spread over files, nothing is picked up.
    """
    if not paths:
        return Discovery()
    try:
        docs = [(path, _read_kubeconfig(path)) for path in paths]
    except ValueError as exc:
        return Discovery(notes=[f"kubeconfig not picked up: {exc}"])
    files = ", ".join(str(path) for path in paths)
    current = next((doc["current-context"] for _, doc in docs
                    if isinstance(doc.get("current-context"), str) and doc["current-context"]), "")
    if not current:
        return Discovery(notes=[f"kubeconfig not picked up: no current-context is set in {files}"])

    def first(section: str, name: str) -> tuple[Path | None, dict[str, Any]]:
        for path, doc in docs:
            entries = doc.get(section)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and entry.get("name") == name:
                    return path, entry
        return None, {}

    where, context = first("contexts", current)
    if where is None:
        return Discovery(notes=[f"kubeconfig not picked up: current-context {current!r} is not defined in {files}"])
    spec = raw if isinstance(raw := context.get("context"), dict) else {}
    cluster_name, user_name = str(spec.get("cluster") or ""), str(spec.get("user") or "")
    cluster_file = first("clusters", cluster_name)[0] if cluster_name else None
    if cluster_file is None:
        return Discovery(notes=[f"kubeconfig not picked up: context {current!r} (in {where}) names cluster "
                                f"{cluster_name!r}, which none of {files} defines"])
    user_file = first("users", user_name)[0] if user_name else None
    spread = {f"cluster {cluster_name!r} in {cluster_file}": cluster_file,
              f"user {user_name!r} in {user_file}": user_file}
    elsewhere = [what for what, path in spread.items() if path is not None and path != where]
    if elsewhere:
        return Discovery(notes=[
            f"kubeconfig not picked up: context {current!r} is defined in {where} but its "
            f"{' and '.join(elsewhere)}; a cluster reads one file: merge them into one (kubectl config view "
            f"--flatten --minify --context {current}) and add it in the admin"])
    cluster = Cluster(name=cluster_name_for(current), kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(where),
                      context=current, namespaces=",".join(settings.WATCH_NAMESPACES))
    try:
        cluster.full_clean(validate_unique=False)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
        return Discovery(notes=[f"kubeconfig not picked up: context {current!r} in {where}: {problems}"])
    return Discovery(cluster)


def register_default_cluster() -> Discovery:
    """With no Cluster rows at all: register the discovered cluster, else the simulated one (when it is on).

    Idempotent: once any cluster exists nothing is added and no row is changed, with one exception: the
    in-cluster service account's row follows a non-empty AIOPS_WATCH_NAMESPACES (the namespaces its Roles
    cover, which a Helm upgrade may change). Returns what discovery found (its `cluster` saved), or a
    Discovery with no cluster (and a note when the namespaces changed) when clusters were already registered.
    """
    if Cluster.objects.exists():
        return _follow_watch_namespaces()
    discovery = discover_cluster() if settings.CLUSTER_DISCOVERY else Discovery()
    found = discovery.cluster
    if found is not None:
        # Two bootstraps at once find the same name: get_or_create lets one of them create it.
        discovery.cluster, _ = Cluster.objects.get_or_create(
            name=found.name, defaults={"kind": found.kind, "kubeconfig_path": found.kubeconfig_path,
                                       "context": found.context, "namespaces": found.namespaces, "enabled": True})
    elif settings.SIMCLUSTER_ENABLED:
        ensure_simulated_cluster()
    return discovery


def _follow_watch_namespaces() -> Discovery:
    """The registered in-cluster service account limited to AIOPS_WATCH_NAMESPACES, when that is set and differs
    (an empty variable changes nothing: an admin's limit stays)."""
    wanted = ",".join(settings.WATCH_NAMESPACES)
    cluster = Cluster.objects.filter(name=IN_CLUSTER_NAME, kind=Cluster.Kind.IN_CLUSTER).first()
    if not (settings.CLUSTER_DISCOVERY and wanted and cluster is not None) or cluster.namespaces == wanted:
        return Discovery()
    cluster.namespaces = wanted
    save_cluster(cluster)
    return Discovery(notes=[f"cluster {cluster.name} now keeps to namespaces {', '.join(settings.WATCH_NAMESPACES)} "
                            f"(AIOPS_WATCH_NAMESPACES)"])


# --- Poll schedules ----------------------------------------------------------------------------


def _polled_cluster_id(task: PeriodicTask) -> int | None:
    """The cluster a poll schedule polls (its task args: `[cluster_id]`); None if its args say otherwise."""
    try:
        args = json.loads(task.args or "[]")
    except ValueError:
        return None
    if isinstance(args, list) and len(args) == 1 and type(args[0]) is int:
        return args[0]
    return None


def _poll_schedules() -> dict[int, list[PeriodicTask]]:
    """Every poll schedule by the cluster id it polls, oldest first."""
    from django_celery_beat.models import PeriodicTask

    from aiops_project.schedules import POLL_TASK

    by_cluster: dict[int, list[PeriodicTask]] = defaultdict(list)
    for task in PeriodicTask.objects.filter(task=POLL_TASK).order_by("pk"):
        if (cluster_id := _polled_cluster_id(task)) is not None:
            by_cluster[cluster_id].append(task)
    return by_cluster


def _free_schedule_name(name: str, keep: PeriodicTask | None) -> None:
    """Make `name` free for `keep`: a stale poll of a deleted cluster goes; another cluster's poll that still
    carries this name (renamed without this service) moves aside until its own sync names it."""
    from django_celery_beat.models import PeriodicTask

    from aiops_project.schedules import POLL_TASK

    holder = PeriodicTask.objects.filter(name=name).exclude(pk=keep.pk if keep else None).first()
    if holder is None:
        return
    if holder.task != POLL_TASK:
        raise ValueError(f"the periodic task {name!r} runs {holder.task}, not a cluster poll: rename it first")
    owner_id = _polled_cluster_id(holder)
    if owner_id is None or not Cluster.objects.filter(pk=owner_id).exists():
        holder.delete()
        return
    holder.name = f"poll cluster id {owner_id}"
    holder.save()


def sync_cluster_schedule(cluster: Cluster, poll_every_seconds: int | None = None) -> PeriodicTask:
    """The one poll schedule of `cluster`, found by the cluster id in its args: created with the default
    interval, else renamed, enabled or disabled with the cluster. An interval edited in the admin is kept.
    Saved only when something changed (each save makes the beat scheduler reload)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from aiops_project.schedules import POLL_TASK, QUEUE_DETECTION, poll_schedule_name

    every = poll_every_seconds or settings.POLL_INTERVAL_SECONDS
    name = poll_schedule_name(cluster.name)
    wanted = {"name": name, "task": POLL_TASK, "queue": QUEUE_DETECTION, "expire_seconds": max(every - 1, 1),
              "args": json.dumps([cluster.pk]), "enabled": cluster.enabled}
    with transaction.atomic():
        keep, *duplicates = _poll_schedules().get(cluster.pk) or [None]
        for duplicate in duplicates:
            duplicate.delete()
        _free_schedule_name(name, keep)
        if keep is None:
            interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
            return PeriodicTask.objects.create(interval=interval, **wanted)
        changed = {key: value for key, value in wanted.items() if getattr(keep, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(keep, key, value)
            keep.save()
        return keep


def delete_poll_schedules(cluster_ids: Iterable[int]) -> int:
    """Delete the poll schedules of these clusters (one ORM delete each); returns how many went."""
    ids, deleted = set(cluster_ids), 0
    for cluster_id, tasks in _poll_schedules().items():
        if cluster_id in ids:
            for task in tasks:
                task.delete()
                deleted += 1
    return deleted


def save_cluster(cluster: Cluster) -> None:
    """Save a cluster and bring its poll schedule in line, in one transaction."""
    with transaction.atomic():
        cluster.save()
        sync_cluster_schedule(cluster)


def delete_clusters(clusters: QuerySet[Cluster]) -> None:
    """Delete clusters with their poll schedules, in one transaction (a protected cluster keeps both)."""
    with transaction.atomic():
        delete_poll_schedules(clusters.values_list("pk", flat=True))
        clusters.delete()


def delete_cluster(cluster: Cluster) -> None:
    with transaction.atomic():
        delete_poll_schedules([cluster.pk])
        cluster.delete()


def sync_beat_schedules(poll_every_seconds: int) -> int:
    """Bring the django-celery-beat rows in line: one poll per cluster (disabled with its cluster), none for
    clusters that no longer exist, and the sweepers. Idempotent; an interval edited in the admin survives."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from aiops_project.schedules import static_schedules

    count = 0
    for cluster in Cluster.objects.all():
        sync_cluster_schedule(cluster, poll_every_seconds)
        count += 1
    existing = set(Cluster.objects.values_list("pk", flat=True))
    delete_poll_schedules(set(_poll_schedules()) - existing)
    for schedule in static_schedules():
        interval, _ = IntervalSchedule.objects.get_or_create(every=schedule.every_seconds,
                                                             period=IntervalSchedule.SECONDS)
        defaults = {"task": schedule.task, "queue": schedule.queue, "expire_seconds": schedule.expires_seconds,
                    "args": "[]", "enabled": True}
        PeriodicTask.objects.update_or_create(name=schedule.name, defaults=defaults,
                                              create_defaults={**defaults, "interval": interval})
        count += 1
    return count
