"""Zero-config pick-up: with no cluster registered, bootstrap registers the cluster it runs beside (the pod's
service account, else the current kubeconfig context), and the simulated cluster only when there is none."""

from __future__ import annotations

import base64
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from kubernetes import client, config

from incidents import kube
from incidents.clusters import cluster_name_for, simulated_cluster_wanted
from incidents.models import Cluster

pytestmark = pytest.mark.django_db
TOKEN = "s3cr3t-token-value"
EKS = "arn:aws:eks:eu-west-1:123456789012:cluster/Prod"


@pytest.fixture(autouse=True)
def nothing_around(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """A machine with no kubeconfig and outside any pod, whatever the one running the tests has."""
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings.SERVICE_ACCOUNT_DIR = tmp_path / "serviceaccount"
    settings.VAR_DIR = tmp_path  # ensure_admin saves the admin's password there
    settings.SIMCLUSTER_ENABLED = settings.CLUSTER_DISCOVERY = True


def bootstrap() -> str:
    out = StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def clusters() -> list[tuple[str, str, str, str]]:
    return list(Cluster.objects.order_by("pk").values_list("name", "kind", "kubeconfig_path", "context"))


def poll_schedule_names() -> list[str]:
    from django_celery_beat.models import PeriodicTask

    return sorted(PeriodicTask.objects.filter(task="incidents.poll_cluster").values_list("name", flat=True))


def write_kubeconfig(path: Path, *, current: str | None = None, contexts: dict[str, tuple[str, str]] | None = None,
                     clusters: dict[str, str] | None = None, users: tuple[str, ...] = ()) -> Path:
    doc: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": server}} for name, server in (clusters or {}).items()],
        "users": [{"name": name, "user": {"token": TOKEN}} for name in users],
        "contexts": [{"name": name, "context": {"cluster": cluster, "user": user}}
                     for name, (cluster, user) in (contexts or {}).items()],
    }
    if current is not None:
        doc["current-context"] = current
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc))
    return path


def home_kubeconfig(tmp_path: Path, context: str = EKS) -> Path:
    return write_kubeconfig(tmp_path / "home" / ".kube" / "config", current=context,
                            contexts={context: ("prod", "admin")}, clusters={"prod": "https://prod.example:6443"},
                            users=("admin",))


def test_with_nothing_around_the_simulated_cluster_is_the_default_as_before() -> None:
    out = bootstrap()
    assert clusters() == [("simulated", "simulated", "", "")]
    assert poll_schedule_names() == ["poll cluster simulated"]
    assert "Picked up" not in out and "Note:" not in out
    assert simulated_cluster_wanted()  # make run starts the simulated cluster, as it always did


def test_in_a_pod_the_service_account_is_picked_up(tmp_path: Path, settings: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SERVICE_ACCOUNT_DIR.mkdir()
    (settings.SERVICE_ACCOUNT_DIR / "token").write_text(TOKEN)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    home_kubeconfig(tmp_path)  # the pod's own account comes first

    out = bootstrap()
    assert clusters() == [("in-cluster", "in_cluster", "", "")]
    assert poll_schedule_names() == ["poll cluster in-cluster"]
    assert "Picked up cluster in-cluster (kind in_cluster" in out and TOKEN not in out
    assert not simulated_cluster_wanted()


def test_in_a_pod_limited_to_namespaces_the_account_keeps_to_them_and_follows_the_variable(
        settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SERVICE_ACCOUNT_DIR.mkdir()
    (settings.SERVICE_ACCOUNT_DIR / "token").write_text(TOKEN)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    settings.WATCH_NAMESPACES = ["billing", "shop"]  # AIOPS_WATCH_NAMESPACES, as the Helm chart's namespaced RBAC sets

    out = bootstrap()
    cluster = Cluster.objects.get()
    assert (cluster.name, cluster.namespaces, cluster.watched_namespaces) == ("in-cluster", "billing,shop",
                                                                               ("billing", "shop"))
    assert "Picked up cluster in-cluster (kind in_cluster: the pod's service account, namespaces billing, shop only)" \
        in out
    assert cluster.tool_env()["KUBE_ALLOWED_NAMESPACES"] == "billing,shop"

    settings.WATCH_NAMESPACES = ["shop"]  # an upgrade with other Roles: the registered account follows
    assert "Note: cluster in-cluster now keeps to namespaces shop (AIOPS_WATCH_NAMESPACES)." in bootstrap()
    assert Cluster.objects.get().namespaces == "shop" and poll_schedule_names() == ["poll cluster in-cluster"]
    assert "Note:" not in bootstrap()  # the same again: nothing to say
    settings.WATCH_NAMESPACES = []  # unset: an admin's limit stays
    bootstrap()
    assert Cluster.objects.get().namespaces == "shop"


def test_a_discovered_kubeconfig_takes_the_namespaces_once_like_the_rest_of_it(tmp_path: Path, settings: Any) -> None:
    home_kubeconfig(tmp_path, "prod")
    settings.WATCH_NAMESPACES = ["shop"]
    assert "(kind kubeconfig, context prod, file " in bootstrap()
    assert Cluster.objects.get().namespaces == "shop"
    settings.WATCH_NAMESPACES = ["billing"]
    bootstrap()
    assert Cluster.objects.get().namespaces == "shop"  # only the in-cluster account follows the variable


def test_a_service_host_without_a_token_is_no_pod_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    path = home_kubeconfig(tmp_path, "prod")
    out = bootstrap()
    assert clusters() == [("prod", "kubeconfig", str(path), "prod")]
    assert "no token at" in out


def test_the_current_context_of_the_home_kubeconfig_is_picked_up_and_named_after_it(tmp_path: Path) -> None:
    path = home_kubeconfig(tmp_path)
    out = bootstrap()
    name = "arn-aws-eks-eu-west-1-123456789012-cluster-prod"
    assert clusters() == [(name, "kubeconfig", str(path), EKS)]
    assert poll_schedule_names() == [f"poll cluster {name}"]
    assert f"Picked up cluster {name} (kind kubeconfig, context {EKS}, file {path})." in out
    assert TOKEN not in out and "prod.example" not in out


def test_bootstrap_is_idempotent_and_never_changes_what_is_registered(tmp_path: Path) -> None:
    path = home_kubeconfig(tmp_path, "prod")
    bootstrap()
    before = clusters()
    assert "Picked up" not in bootstrap()
    home_kubeconfig(tmp_path, "staging")  # the current context moves on: the registered cluster stays
    write_kubeconfig(path, current="other", contexts={"other": ("c", "u")}, clusters={"c": "https://c.example"},
                     users=("u",))
    assert "Picked up" not in bootstrap()
    assert clusters() == before and poll_schedule_names() == ["poll cluster prod"]


def test_a_registered_cluster_stops_discovery_and_the_simulated_default(tmp_path: Path) -> None:
    Cluster.objects.create(name="mine", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path="/etc/mine", context="x")
    home_kubeconfig(tmp_path)
    out = bootstrap()
    assert clusters() == [("mine", "kubeconfig", "/etc/mine", "x")] and "Picked up" not in out
    assert poll_schedule_names() == ["poll cluster mine"]


def test_discovery_can_be_turned_off(tmp_path: Path, settings: Any) -> None:
    settings.CLUSTER_DISCOVERY = False
    home_kubeconfig(tmp_path)
    bootstrap()
    assert clusters() == [("simulated", "simulated", "", "")]


def test_nothing_is_registered_when_nothing_is_found_and_the_simulated_cluster_is_off(settings: Any) -> None:
    settings.SIMCLUSTER_ENABLED = False
    bootstrap()
    assert clusters() == [] and poll_schedule_names() == []
    assert not simulated_cluster_wanted()


def test_kubeconfig_lists_only_its_files_like_kubectl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home_kubeconfig(tmp_path)  # not read: KUBECONFIG is set
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path}/absent-a:{tmp_path}/absent-b")
    out = bootstrap()
    assert clusters() == [("simulated", "simulated", "", "")]
    assert f"none of the files KUBECONFIG lists exists ({tmp_path}/absent-a:{tmp_path}/absent-b)" in out


def test_a_context_spread_over_two_files_is_not_picked_up_and_bootstrap_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_kubeconfig(tmp_path / "a", current="prod", contexts={"prod": ("prod", "admin")},
                             clusters={"prod": "https://prod.example:6443"})
    second = write_kubeconfig(tmp_path / "b", users=("admin",))
    monkeypatch.setenv("KUBECONFIG", f"{first}:{second}")
    out = bootstrap()
    assert clusters() == [("simulated", "simulated", "", "")]
    assert (f"Note: kubeconfig not picked up: context 'prod' is defined in {first} but its user 'admin' in "
            f"{second}; a cluster reads one file") in out
    assert TOKEN not in out


@pytest.mark.parametrize(("content", "problem"), [
    (f"users:\n- name: u\n  user: {{token: {TOKEN}\n", ":4: not valid YAML"),  # its error quotes the line
    (f"[{TOKEN}]\n", ": not a kubeconfig (not a mapping)"),
])
def test_an_unusable_kubeconfig_is_named_by_file_never_by_its_contents(tmp_path: Path, content: str,
                                                                        problem: str) -> None:
    path = tmp_path / "home" / ".kube" / "config"
    path.parent.mkdir()
    path.write_text(content)
    out = bootstrap()
    assert f"Note: kubeconfig not picked up: {path}{problem}" in out and TOKEN not in out
    assert clusters() == [("simulated", "simulated", "", "")]


def test_a_current_context_that_no_file_defines_says_so(tmp_path: Path) -> None:
    write_kubeconfig(tmp_path / "home" / ".kube" / "config", current="gone")
    assert "current-context 'gone' is not defined in" in bootstrap()


@pytest.mark.parametrize(("context", "name"), [
    ("kind-dev", "kind-dev"),
    ("gke_my-project_europe-west1_prod", "gke_my-project_europe-west1_prod"),
    ("Admin@Prod.Example", "admin-prod-example"),
    ("x" * 80 + "-tail", "x" * 63),
    ("a" * 62 + "/b", "a" * 62),  # no dash left dangling by the cut
    ("@@@", "kubeconfig"),
])
def test_a_context_name_becomes_a_cluster_name(context: str, name: str) -> None:
    assert cluster_name_for(context) == name
    Cluster(name=name, kind="kubeconfig", kubeconfig_path="/k").full_clean()


@pytest.mark.once  # not about the database engine: one CI pass
def test_a_kubeconfig_list_is_merged_as_kubectl_does_and_the_stored_file_reaches_the_same_cluster(
        realkube: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three files: the first sets no current-context, the second sets it and defines its cluster and user
    (its CA as a path relative to that file), the third sets another one, too late. The Cluster stores the
    second file and the context; loading it alone gives the client what the merged list gives."""
    admin = yaml.safe_load(realkube.kubeconfig.read_text())
    folder = tmp_path / "kube"
    folder.mkdir()
    (folder / "ca.crt").write_bytes(base64.b64decode(admin["clusters"][0]["cluster"].pop("certificate-authority-data")))
    admin["clusters"][0]["cluster"]["certificate-authority"] = "ca.crt"
    admin["current-context"] = "realkube"
    (folder / "config").write_text(yaml.safe_dump(admin))
    first = write_kubeconfig(tmp_path / "first", contexts={"staging": ("staging", "ci")},
                             clusters={"staging": "https://staging.invalid"}, users=("ci",))
    last = write_kubeconfig(tmp_path / "last", current="staging")
    listed = f"{first}:{tmp_path}/absent:{folder}/config:{last}"
    monkeypatch.setenv("KUBECONFIG", listed)
    monkeypatch.chdir(tmp_path)

    out = bootstrap()
    assert clusters() == [("realkube", "kubeconfig", str(folder / "config"), "realkube")]
    assert f"Picked up cluster realkube (kind kubeconfig, context realkube, file {folder / 'config'})." in out
    assert admin["users"][0]["user"]["token"] not in out

    cluster = Cluster.objects.get()
    stored = kube.api_client_for(cluster)
    merged = config.new_client_from_config(config_file=listed, context="realkube")
    assert (stored.configuration.host, stored.configuration.api_key) == (merged.configuration.host,
                                                                         merged.configuration.api_key)
    namespaces = json.loads(client.CoreV1Api(stored).list_namespace(_preload_content=False).data)
    assert "kube-system" in {ns["metadata"]["name"] for ns in namespaces["items"]}
