"""The bundled security MCP server, as a real stdio subprocess (one warm session for the module, as a worker
keeps it), against servers started here on loopback: a TCP listener, a TLS server with a certificate made for
the test, and an HTTP server with chosen headers."""

from __future__ import annotations

import dataclasses
import http.server
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mcp_bridge.client import ToolResult
from mcp_bridge.config import ServerConfig, get_server
from mcp_bridge.manager import SessionManager
from tests.helpers import free_port

REPO = Path(__file__).resolve().parent.parent

# Not about the database engine: CI runs this module in one database pass (pyproject: the `once` marker).
pytestmark = pytest.mark.once


@pytest.fixture(scope="module")
def config() -> ServerConfig:
    server = get_server("security", REPO / ".mcp-config.json")
    return dataclasses.replace(server, cwd=REPO, env={"SECURITY_ALLOWED_TARGETS": "127.0.0.0/8,localhost"})


@pytest.fixture
def call(warm_sessions: SessionManager, config: ServerConfig) -> Callable[..., ToolResult]:
    return lambda tool, **arguments: warm_sessions.call_tool(config, tool, arguments, timeout=30)


@pytest.fixture
def listener() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def self_signed(tmp_path: Path, days: int) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "checkout.shop.svc")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Headers(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Headers)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed(tmp_path, days=12))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def http_server() -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Headers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_open_ports_of_an_allowed_host(call, listener):
    free = free_port()
    result = call("check_open_ports", host="127.0.0.1", ports=[listener, free])
    assert result.ok, result.error
    assert result.structured["open"] == [listener] and result.structured["closed"] == [free]


def test_targets_outside_the_allow_list_are_refused(call):
    for host in ("10.1.2.3", "example.com", "169.254.169.254"):
        result = call("check_open_ports", host=host, ports=[80])
        assert not result.ok and "is not an allowed target" in result.error, host


def test_a_certificate_that_expires_soon_and_does_not_verify(call, https_server):
    result = call("check_tls_certificate", host="localhost", port=https_server)
    assert result.ok, result.error
    assert result.structured["subject"] == "CN=checkout.shop.svc"
    assert result.structured["days_left"] in (11, 12)
    assert result.structured["chain_verified"] is False and "self-signed" in result.structured["problem"]
    assert "does NOT verify" in result.text


def test_missing_security_headers_are_named(call, http_server):
    result = call("check_security_headers", url=f"http://127.0.0.1:{http_server}/")
    assert result.ok, result.error
    # frame-ancestors in the CSP stands for X-Frame-Options; HSTS is meaningless over plain HTTP.
    assert result.structured["missing"] == ["referrer-policy", "permissions-policy"]
    assert set(result.structured["present"]) == {"content-security-policy", "x-content-type-options"}
