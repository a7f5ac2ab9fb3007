"""Security checks MCP server bundled with the agent: read-only, and only towards allowed targets.

    python -m mcp_bridge.servers.security [--allowed-targets "*.svc,*.svc.cluster.local,10.0.0.0/8"]
                                          [--transport stdio|sse|streamable-http] [--host H] [--port N]

Tools: open TCP ports of a host, a TLS certificate's expiry and chain, a URL's HTTP security headers.
A target is a host name or an IP address; it must match the allow-list (globs on names, CIDR blocks
on addresses; env SECURITY_ALLOWED_TARGETS), checked on the name given and on every address it
resolves to, so a name cannot smuggle a probe to a forbidden address. The default allow-list is the
cluster's own service names: nothing outside the cluster is probed unless an operator says so.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import ssl
import urllib.parse
from collections.abc import Iterable
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

DEFAULT_TARGETS = "*.svc,*.svc.cluster.local"
PROBE = ToolAnnotations(read_only_hint=True, open_world_hint=True)
Host = Annotated[str, Field(min_length=1, max_length=253, description="host name or IP address")]
SECURITY_HEADERS = {
    "strict-transport-security": "HSTS: browsers keep to HTTPS",
    "content-security-policy": "limits where scripts and frames may come from",
    "x-content-type-options": "nosniff: no MIME sniffing",
    "x-frame-options": "no framing by other sites (or CSP frame-ancestors)",
    "referrer-policy": "limits what the Referer header leaks",
    "permissions-policy": "limits powerful browser features",
}


class Targets:
    def __init__(self, patterns: Iterable[str]) -> None:
        self.names: list[str] = []
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for pattern in (p.strip() for p in patterns):
            if not pattern:
                continue
            try:
                self.networks.append(ipaddress.ip_network(pattern, strict=False))
            except ValueError:
                self.names.append(pattern.lower())

    def describe(self) -> str:
        return ", ".join([*self.names, *map(str, self.networks)]) or "none"

    def check(self, host: str) -> list[str]:
        """The addresses `host` resolves to, if it is allowed; ToolError otherwise.

        A name is allowed when it matches a name glob, or when every address it resolves to lies in an
        allowed network; an address only when it lies in an allowed network.
        """
        host = host.strip().lower().rstrip(".")
        refused = ToolError(f"refused: {host!r} is not an allowed target (allowed: {self.describe()})")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        by_name = literal is None and any(fnmatchcase(host, p) for p in self.names)
        if literal is not None and not any(literal in n for n in self.networks):
            raise refused
        if literal is None and not by_name and not self.networks:
            raise refused
        try:
            addresses = sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})
        except socket.gaierror as exc:
            if not by_name:
                raise refused from exc
            raise ToolError(f"cannot resolve {host!r}: {exc.strerror}") from exc
        if not by_name and not all(any(ipaddress.ip_address(a) in n for n in self.networks) for a in addresses):
            raise refused
        return addresses


def _result(text: str, structured: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


def build_server(allowed_targets: Iterable[str]) -> MCPServer:
    targets = Targets(allowed_targets)
    mcp = MCPServer("security", version="1.0", log_level="WARNING",
                    instructions=f"Read-only security checks of allowed targets ({targets.describe()}).")

    @mcp.tool(annotations=PROBE)
    def check_open_ports(
        host: Host,
        ports: Annotated[list[Annotated[int, Field(ge=1, le=65535)]], Field(min_length=1, max_length=100)],
        timeout_seconds: Annotated[float, Field(gt=0, le=10)] = 2.0,
    ) -> CallToolResult:
        """Which of the given TCP ports accept a connection (a connect, nothing sent)."""
        address = targets.check(host)[0]
        open_ports, closed = [], []
        for port in dict.fromkeys(ports):
            try:
                with socket.create_connection((address, port), timeout=timeout_seconds):
                    open_ports.append(port)
            except OSError:
                closed.append(port)
        text = f"{host} ({address}): open {open_ports or 'none'}; closed or filtered {closed or 'none'}"
        return _result(text, {"host": host, "address": address, "open": open_ports, "closed": closed})

    @mcp.tool(annotations=PROBE)
    def check_tls_certificate(
        host: Host,
        port: Annotated[int, Field(ge=1, le=65535)] = 443,
        server_name: Annotated[str | None, Field(description="SNI name when it differs from host")] = None,
    ) -> CallToolResult:
        """A TLS certificate's subject, issuer, expiry (days left) and whether its chain and name verify."""
        address = targets.check(host)[0]
        name = server_name or host
        verified, problem = True, ""
        try:
            der = _peer_certificate(address, port, name, verify=True)
        except ssl.SSLCertVerificationError as exc:
            verified, problem = False, exc.verify_message or str(exc)
            der = _peer_certificate(address, port, name, verify=False)
        except (OSError, ssl.SSLError) as exc:
            raise ToolError(f"no TLS handshake with {host}:{port}: {exc}") from exc
        info = _certificate_info(der)
        days = (info["not_after"] - datetime.now(UTC)).days
        summary = {"host": host, "port": port, "subject": info["subject"], "issuer": info["issuer"],
                   "not_after": info["not_after"].isoformat(), "days_left": days, "dns_names": info["dns_names"],
                   "chain_verified": verified, "problem": problem}
        status = "expired" if days < 0 else f"expires in {days} days"
        text = f"{host}:{port} certificate for {info['subject']} by {info['issuer']}: {status}; " + (
            "chain and name verify" if verified else f"does NOT verify: {problem}")
        return _result(text, summary)

    @mcp.tool(annotations=PROBE)
    def check_security_headers(
        url: Annotated[str, Field(min_length=8, max_length=2000, description="http(s)://host[:port]/path")],
    ) -> CallToolResult:
        """Which HTTP security headers a URL's response carries, and which are missing (redirects not followed)."""
        import http.client

        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ToolError(f"not an http(s) URL: {url!r}")
        address = targets.check(parts.hostname)[0]
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        kwargs: dict[str, Any] = {"timeout": 10}
        if parts.scheme == "https":
            kwargs["context"] = ssl.create_default_context()
        connection = connection_class(parts.hostname, parts.port, **kwargs)
        try:
            connection.request("GET", parts.path or "/" + ("?" + parts.query if parts.query else ""),
                               headers={"User-Agent": "aiops-security-check/1.0"})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            raise ToolError(f"cannot fetch {url}: {exc}") from exc
        finally:
            connection.close()
        present = {h: headers[h] for h in SECURITY_HEADERS if h in headers}
        missing = [h for h in SECURITY_HEADERS if h not in headers and not (
            h == "x-frame-options" and "frame-ancestors" in headers.get("content-security-policy", ""))]
        if parts.scheme == "http" and "strict-transport-security" in missing:
            missing.remove("strict-transport-security")  # HSTS means nothing over plain HTTP
        text = f"{url} ({address}) answered {status}; missing: " + (
            ", ".join(f"{h} ({SECURITY_HEADERS[h]})" for h in missing) if missing else "none")
        return _result(text, {"url": url, "status": status, "present": present, "missing": missing})

    return mcp


def _peer_certificate(address: str, port: int, name: str, *, verify: bool) -> bytes:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=name) as tls:
        der = tls.getpeercert(binary_form=True)
    if der is None:
        raise ssl.SSLError("the server sent no certificate")
    return der


def _certificate_info(der: bytes) -> dict[str, Any]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = names.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        dns_names = []
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "not_after": cert.not_valid_after_utc, "dns_names": dns_names}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_bridge.servers.security", description=__doc__.split("\n")[0])
    parser.add_argument("--allowed-targets", default=os.environ.get("SECURITY_ALLOWED_TARGETS") or DEFAULT_TARGETS,
                        help="comma-separated host globs and CIDR blocks (default: %(default)s)")
    parser.add_argument("--transport", choices=["stdio", "sse", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    server = build_server(args.allowed_targets.split(","))
    if args.transport == "stdio":
        server.run("stdio")
    else:
        server.run(args.transport, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
