"""Kubeconfig loading from many threads at once: every client gets its certificate files complete.

The watcher starts one stream per kind at the same instant, each loading the cluster's kubeconfig. The
official client caches inline certificate data in temporary files and names a file in its cache before
writing it, so an unguarded concurrent load could hand a stream an empty CA file (CI saw "no certificate
or crl found" on the Event stream).
"""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path

import yaml

from aiops_project import kubeconfig
from incidents.kube import api_client_for
from incidents.models import Cluster


def _kubeconfig(path: Path) -> bytes:
    """A kubeconfig with inline CA, client certificate and key data never seen before in this process
    (the client caches those files by content, so only fresh data exercises the writes)."""
    ca, cert, key = (os.urandom(3000) for _ in range(3))
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1",
                                                "certificate-authority-data": base64.b64encode(ca).decode()}}],
        "users": [{"name": "u", "user": {"client-certificate-data": base64.b64encode(cert).decode(),
                                         "client-key-data": base64.b64encode(key).decode()}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }))
    return ca


def test_streams_loading_one_kubeconfig_at_once_all_read_the_whole_ca_file(tmp_path: Path) -> None:
    rounds, threads = 30, 8
    seen: list[tuple[bytes, bytes]] = []
    for number in range(rounds):
        path = tmp_path / f"kubeconfig-{number}"
        ca = _kubeconfig(path)
        cluster = Cluster(name=f"c{number}", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(path))
        start = threading.Barrier(threads)

        def load(cluster: Cluster = cluster, ca: bytes = ca, start: threading.Barrier = start) -> None:
            start.wait()
            api = api_client_for(cluster)
            seen.append((ca, Path(api.configuration.ssl_ca_cert).read_bytes()))

        workers = [threading.Thread(target=load) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
    assert len(seen) == rounds * threads
    incomplete = sum(1 for expected, read in seen if read != expected)
    assert incomplete == 0, f"{incomplete} of {len(seen)} clients found their CA file incomplete"


def test_a_load_waits_while_another_thread_is_loading(tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    ca = _kubeconfig(path)
    cluster = Cluster(name="waits", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(path))
    loaded: list[bytes] = []
    loader = threading.Thread(
        target=lambda: loaded.append(Path(api_client_for(cluster).configuration.ssl_ca_cert).read_bytes()))
    with kubeconfig._LOADING:  # another thread is inside the client's loader
        loader.start()
        loader.join(0.5)
        assert loader.is_alive() and not loaded, "a second load went ahead while the first was loading"
    loader.join(30)
    assert loaded == [ca]
