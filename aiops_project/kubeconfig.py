"""Loading kubeconfig files from several threads at once, safely.

The official client writes a kubeconfig's inline certificate data (certificate-authority-data,
client-certificate-data, client-key-data) to temporary files that it caches by content, and it publishes
a file's name in that cache before it writes the file. A second thread loading the same kubeconfig in that
moment gets the name of a still-empty file, and its TLS set-up fails with "no certificate or crl found".
The watcher starts one stream per kind at the same instant, the leader elector and the MCP server load
their own clients beside it: every load in this project goes through here, under one lock.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubernetes.client import ApiClient, Configuration

_LOADING = threading.Lock()


def load_kube_config(config_file: str, context: str | None, configuration: Configuration) -> None:
    """`kubernetes.config.load_kube_config` into `configuration`, never in two threads at once."""
    from kubernetes import config

    with _LOADING:
        config.load_kube_config(config_file=config_file, context=context or None,
                                client_configuration=configuration, persist_config=False)


def new_client_from_config(config_file: str) -> ApiClient:
    """`kubernetes.config.new_client_from_config` (current context), never in two threads at once."""
    from kubernetes import config

    with _LOADING:
        return config.new_client_from_config(config_file=config_file, persist_config=False)
