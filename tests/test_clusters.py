"""Cluster credentials: by path, by secret name, or in-cluster; never shown in an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from incidents import kube
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
