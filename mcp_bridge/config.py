"""Load `.mcp-config.json`, in the common `mcpServers` format, into typed server definitions.

    {"mcpServers": {"kubernetes": {
        "type": "stdio", "command": "python", "args": ["-m", "mcp_bridge.servers.kubernetes"],
        "env": {"KUBECONFIG": "${KUBECONFIG}", "KUBE_CONTEXT": "${KUBE_CONTEXT:-}"}}}}

`type` is "stdio", "sse" or "streamable_http" ("http" and "streamable-http" are accepted too); without
it, a `command` means stdio and a `url` streamable HTTP. `${VAR}` and `${VAR:-default}` are replaced from
the environment in command, args, env, url and headers; an unset `${VAR}` becomes "" so that a variable
the caller supplies per call (KUBECONFIG) need not exist in the worker's environment. The command
`python` or `python3` runs `sys.executable`, and a stdio server starts in `cwd` (default: the folder
holding the file, so `-m mcp_bridge...` imports from the repository). Unknown keys are ignored.

`"requires_env": ["PROMETHEUS_URL"]` (ours, ignored by other clients): the server is left out, as if the file did
not name it, while any of these variables is unset or empty (an optional integration costs nothing when off).

No Django here: the path is passed in, or comes from env AIOPS_MCP_CONFIG, or is the repository root's.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mcp_bridge.exceptions import McpConfigError

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / ".mcp-config.json"
CONFIG_PATH_ENV = "AIOPS_MCP_CONFIG"

Transport = Literal["stdio", "sse", "streamable_http"]
TRANSPORT_ALIASES: dict[str, Transport] = {
    "stdio": "stdio",
    "sse": "sse",
    "streamable_http": "streamable_http",
    "streamable-http": "streamable_http",
    "http": "streamable_http",
}
PYTHON_COMMANDS = {"python", "python3"}
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


RISKS = ("LOW", "MEDIUM", "HIGH")


@dataclass(frozen=True)
class ServerPolicy:
    """Our additions to a server's entry (other MCP clients ignore them), read by `mcp_bridge.policy`.

        "policy": {"allow": ["get_*", "list_*"], "deny": ["delete_*"], "risk": {"rollout_restart": "MEDIUM"},
                   "allow_sensitive": ["get_secret"]}

    Names are globs on tool names. Empty `allow` allows every tool not denied.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    risk: Mapping[str, str] = field(default_factory=dict)
    allow_sensitive: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerConfig:
    name: str
    type: Transport
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    max_concurrency: int = 4
    timeout_seconds: float | None = None
    policy: ServerPolicy = field(default_factory=ServerPolicy)


def default_config_path() -> Path:
    return Path(os.environ.get(CONFIG_PATH_ENV) or DEFAULT_CONFIG_PATH)


def interpolate(value: str, environ: Mapping[str, str]) -> str:
    """Replace `${VAR}` (unset: "") and `${VAR:-default}` (unset or empty: default), as a shell would."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if default is not None:
            return environ.get(name) or default
        return environ.get(name, "")

    return _VARIABLE.sub(replace, value)


@dataclass(frozen=True)
class _Parsed:
    stamp: tuple[int, int, int]  # the file's (mtime_ns, size, inode) when it was read
    variables: tuple[tuple[str, str | None], ...]  # each ${VAR} the file names, with its value then
    servers: dict[str, ServerConfig]


# Every tool call judges the policy, which needs the file: parse it once per version of the file (and of
# the variables it names), not once per call. A few paths at most (tests make many files: the oldest go).
_parsed: dict[str, _Parsed] = {}
_parsed_lock = threading.Lock()  # readers need none (one dict lookup); writers evict and insert together
MAX_PARSED_FILES = 16
# File times tick coarsely (a kernel tick, a second or two on some file systems): a file read within that
# long of its last change could change again with the same mtime and size, so it is not kept until older.
RACY_NANOSECONDS = 2_000_000_000


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> dict[str, ServerConfig]:
    """Read and validate every server of the file; a malformed file raises `McpConfigError`.

    The parsed file is kept while its mtime, size and inode and the values of the variables it names stay
    the same; a changed file is read again.
    """
    path = Path(path) if path is not None else default_config_path()
    environ = os.environ if environ is None else environ
    key = os.path.abspath(path)
    try:
        stat = os.stat(key)
    except OSError as exc:
        raise McpConfigError(f"{path}: cannot read the MCP config: {exc.strerror or exc}") from exc
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    kept = _parsed.get(key)
    if kept is not None and kept.stamp == stamp and all(environ.get(n) == v for n, v in kept.variables):
        return dict(kept.servers)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise McpConfigError(f"{path}: cannot read the MCP config: {exc.strerror or exc}") from exc
    servers, required = _parse(path, text, environ)
    if time.time_ns() - stat.st_mtime_ns > RACY_NANOSECONDS:
        named = {name for name, _ in _VARIABLE.findall(text)} | required
        variables = tuple((name, environ.get(name)) for name in sorted(named))
        with _parsed_lock:
            _parsed.pop(key, None)
            while len(_parsed) >= MAX_PARSED_FILES:
                _parsed.pop(next(iter(_parsed)))
            _parsed[key] = _Parsed(stamp, variables, servers)
    return dict(servers)


def _parse(path: Path, text: str, environ: Mapping[str, str]) -> tuple[dict[str, ServerConfig], set[str]]:
    """The servers whose required variables are set, and the names of every server's required variables."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise McpConfigError(f"{path}: not valid JSON: {exc}") from exc
    servers = document.get("mcpServers") if isinstance(document, dict) else None
    if not isinstance(servers, dict):
        raise McpConfigError(f"{path}: the top level must be an object with an 'mcpServers' object")
    parsed, required = {}, set()
    for name, entry in servers.items():
        needs = _required(path, name, entry)
        required |= needs
        if all(environ.get(variable) for variable in needs):
            parsed[name] = _parse_server(path, name, entry, environ)
    return parsed, required


def _required(path: Path, name: str, entry: Any) -> set[str]:
    needs = entry.get("requires_env", []) if isinstance(entry, dict) else []
    if not isinstance(needs, list) or not all(isinstance(n, str) and _VARIABLE.fullmatch(f"${{{n}}}") for n in needs):
        raise McpConfigError(f"{path}: server {name!r}: field 'requires_env' must be a list of variable names")
    return set(needs)


def get_server(name: str, path: Path | None = None, environ: Mapping[str, str] | None = None) -> ServerConfig:
    path = Path(path) if path is not None else default_config_path()
    servers = load_config(path, environ)
    if name not in servers:
        raise McpConfigError(f"{path}: {unknown_server(name, servers)}")
    return servers[name]


def unknown_server(name: str, servers: Mapping[str, ServerConfig]) -> str:
    return f"unknown MCP server {name!r} (configured: {', '.join(sorted(servers)) or 'none'})"


def parse_server(name: str, entry: Any, environ: Mapping[str, str] | None = None,
                 origin: Path = Path("admin")) -> ServerConfig:
    """One `mcpServers` entry that is not in a file (the admin's); errors name `origin`, server and field."""
    return _parse_server(origin, name, entry, os.environ if environ is None else environ)


class _Entry:
    """One `mcpServers` entry being read: typed fields, whose errors name the file, the server and the field."""

    def __init__(self, path: Path, name: str, entry: dict[str, Any], environ: Mapping[str, str]) -> None:
        self.path, self.name, self.entry, self.environ = path, name, entry, environ

    def fail(self, field_name: str, problem: str) -> McpConfigError:
        return McpConfigError(f"{self.path}: server {self.name!r}: field {field_name!r} {problem}")

    def text(self, key: str) -> str | None:
        value = self.entry.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(interpolate(item, self.environ) for item in value)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.entry.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            raise self.fail(key, "must be an object of strings")
        return {k: interpolate(v, self.environ) for k, v in value.items()}

    def transport(self) -> Transport:
        """`type`, or without it stdio for a `command` and streamable HTTP otherwise."""
        declared = self.text("type")
        if declared is None:
            return "stdio" if "command" in self.entry else "streamable_http"
        if declared not in TRANSPORT_ALIASES:
            raise self.fail("type", f"is {declared!r}; expected one of {', '.join(sorted(TRANSPORT_ALIASES))}")
        return TRANSPORT_ALIASES[declared]

    def policy(self) -> ServerPolicy:
        value = self.entry.get("policy", {})
        if not isinstance(value, dict):
            raise self.fail("policy", "must be an object")
        if unknown := set(value) - {"allow", "deny", "risk", "allow_sensitive"}:
            raise self.fail("policy", f"has unknown key(s) {', '.join(sorted(unknown))} "
                                      "(known: allow, deny, risk, allow_sensitive)")
        lists = {}
        for key in ("allow", "deny", "allow_sensitive"):
            items = value.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
                raise self.fail(f"policy.{key}", "must be a list of tool names or globs")
            lists[key] = tuple(items)
        risk = value.get("risk", {})
        if not isinstance(risk, dict) or not all(isinstance(r, str) and r.upper() in RISKS for r in risk.values()):
            raise self.fail("policy.risk", f"must map tool names to one of {', '.join(RISKS)}")
        return ServerPolicy(allow=lists["allow"], deny=lists["deny"], allow_sensitive=lists["allow_sensitive"],
                            risk={tool: r.upper() for tool, r in risk.items()})

    def limits(self) -> dict[str, Any]:
        """max_concurrency, timeout_seconds and policy: the fields every transport shares."""
        concurrency = self.entry.get("max_concurrency", 4)
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) or not 1 <= concurrency <= 64:
            raise self.fail("max_concurrency", "must be a whole number from 1 to 64")
        timeout = self.entry.get("timeout_seconds")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                    or not 0 < timeout <= 3600):
            raise self.fail("timeout_seconds", "must be a number of seconds, more than 0 and at most 3600")
        return {"max_concurrency": concurrency, "timeout_seconds": timeout, "policy": self.policy()}


def _parse_server(path: Path, name: str, entry: Any, environ: Mapping[str, str]) -> ServerConfig:
    if not isinstance(entry, dict):
        raise McpConfigError(f"{path}: server {name!r}: must be an object")
    fields = _Entry(path, name, entry, environ)
    kind = fields.transport()
    description = fields.text("description") or ""

    if kind == "stdio":
        command = interpolate(fields.text("command") or "", environ).strip()
        if not command:
            raise fields.fail("command", "is required for a stdio server")
        cwd = Path(interpolate(fields.text("cwd") or ".", environ))
        return ServerConfig(
            name=name,
            type=kind,
            command=sys.executable if command in PYTHON_COMMANDS else command,
            args=fields.strings("args"),
            env=fields.mapping("env"),
            cwd=cwd if cwd.is_absolute() else (path.parent / cwd).resolve(),
            description=description,
            **fields.limits(),
        )
    url = interpolate(fields.text("url") or "", environ).strip()
    if not url.startswith(("http://", "https://")):
        raise fields.fail("url", f"must be an http(s) URL for a {kind} server (got {url!r})")
    return ServerConfig(name=name, type=kind, url=url, headers=fields.mapping("headers"), description=description,
                        **fields.limits())
