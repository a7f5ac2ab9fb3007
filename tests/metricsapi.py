"""The resource metrics API (metrics.k8s.io/v1beta1, what metrics-server serves) on the real control plane, for
tests whose subject is the real HorizontalPodAutoscaler controller (realkube runs kube-controller-manager's).

A loopback HTTPS server answers the API's discovery and pod metrics; kube-apiserver's aggregator reaches it through
an APIService and an ExternalName Service pointing at `localhost` (no kube-proxy is needed), as it reaches a real
metrics-server through its Service. The test sets each app's load, a memory usage that spreads over however many of
its pods exist, as a real load does: add pods and each uses less. Registered for a test module and gone after it
(a later test that expects no metrics API finds none).
"""

from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kubernetes import client

from tests.helpers import eventually, free_port

GROUP_VERSION = "metrics.k8s.io/v1beta1"
DISCOVERY = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": GROUP_VERSION, "resources": [
    {"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics", "verbs": ["get", "list"]},
    {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics", "verbs": ["get", "list"]}]}


@dataclass
class MetricsApi:
    core: client.CoreV1Api
    loads: dict[tuple[str, str], int] = field(default_factory=dict)  # (namespace, app) -> memory in MiB, all pods

    def set_load(self, namespace: str, app: str, mebibytes: int) -> None:
        self.loads[namespace, app] = mebibytes

    def pod_metrics(self, namespace: str, selector: str) -> dict[str, Any]:
        pods = [p for p in self.core.list_namespaced_pod(namespace, label_selector=selector).items
                if not p.metadata.deletion_timestamp]
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        items = []
        for pod in pods:
            share = self.loads.get((namespace, (pod.metadata.labels or {}).get("app", "")), 0) // max(len(pods), 1)
            items.append({"metadata": {"name": pod.metadata.name, "namespace": namespace,
                                       "labels": pod.metadata.labels or {}},
                          "timestamp": now, "window": "30s",
                          "containers": [{"name": c.name, "usage": {"cpu": "10m", "memory": f"{share}Mi"}}
                                         for c in pod.spec.containers]})
        return {"kind": "PodMetricsList", "apiVersion": GROUP_VERSION, "metadata": {}, "items": items}


def _handler(api: MetricsApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            if url.path.rstrip("/") == f"/apis/{GROUP_VERSION}":
                self._answer(200, DISCOVERY)
            elif parts[:3] == ["apis", "metrics.k8s.io", "v1beta1"] and parts[3:4] == ["namespaces"] \
                    and parts[5:] == ["pods"]:
                selector = parse_qs(url.query).get("labelSelector", [""])[0]
                self._answer(200, api.pod_metrics(parts[4], selector))
            else:
                self._answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404,
                                   "reason": "NotFound", "message": f"{url.path} is not served here"})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "tls.crt", directory / "tls.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@contextmanager
def metrics_api(kube: Any, directory: Path, namespace: str) -> Iterator[MetricsApi]:
    """Serve the metrics API to `kube` (a tests.realkube.RealKube) until the block ends; `namespace` holds its
    Service (created here, deleted after)."""
    api = MetricsApi(client.CoreV1Api(kube.api()))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(api))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(directory))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="metrics-api", daemon=True)
    thread.start()
    port = server.server_address[1]
    registration = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "metrics-server", "namespace": namespace},
         "spec": {"type": "ExternalName", "externalName": "localhost", "ports": [{"name": "https", "port": port}]}},
        {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
         "metadata": {"name": "v1beta1.metrics.k8s.io"},
         "spec": {"group": "metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100,
                  "versionPriority": 100, "insecureSkipTLSVerify": True,
                  "service": {"name": "metrics-server", "namespace": namespace, "port": port}}}]}
    try:
        kube.kubectl("apply", "-f", "-", stdin=json.dumps(registration))
        eventually(lambda: '"status":"True"' in kube.kubectl(
            "get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "jsonpath={.status.conditions[0]}").replace(" ", ""),
            "the aggregator to find the metrics API available")
        yield api
    finally:
        kube.kubectl("delete", "apiservice", "v1beta1.metrics.k8s.io", "--ignore-not-found", "--wait")
        kube.kubectl("delete", "namespace", namespace, "--ignore-not-found", "--wait=false")
        eventually(lambda: "metrics.k8s.io" not in kube.kubectl("api-versions"), "the metrics API to be gone")
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
