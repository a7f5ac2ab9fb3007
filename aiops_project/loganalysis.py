"""Container log analysis: known failure patterns, each with a category, a severity and evidence lines.

    analysis = analyze_logs(text)
    analysis.findings[0].pattern, .category, .severity, .count, .evidence, .detail

Plain Python, no Django: the bundled Kubernetes MCP server imports it (its `analyze_logs` tool), and so
does root-cause analysis. Categories are those the RCA reports use. Evidence lines are redacted
(aiops_project/redaction.py: passwords, tokens, keys, credentials in URLs) before they leave this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiops_project.redaction import redact as redact  # re-exported: callers older than redaction.py

MAX_LINES = 5000  # the tail that is read; logs are longest where they repeat themselves
MAX_EVIDENCE = 3
SEVERITY_RANK = {"critical": 3, "error": 2, "warning": 1, "info": 0}


@dataclass(frozen=True)
class Pattern:
    name: str
    category: str
    severity: str
    regex: re.Pattern[str]
    description: str


def _p(name: str, category: str, severity: str, regex: str, description: str) -> Pattern:
    """Patterns are matched against the lower-cased line: Python's `re` is several times slower with
    IGNORECASE on alternations of literals (no upper-case escapes such as \\S may appear in `regex`)."""
    if re.search(r"\\[A-Z]", regex):
        raise ValueError(f"pattern {name}: an upper-case escape changes meaning once lower-cased")
    return Pattern(name, category, severity, re.compile(regex.lower().replace("(?p<", "(?P<")), description)


# host:port, not a time of day (08:14:37)
HOST_PORT = r"(?<![:\w.-])(?P<target>(?:\[[0-9a-f:]+\]|[\w.-]+):\d{1,5})(?!:?\d)"
PATTERNS: tuple[Pattern, ...] = (
    _p("oom_killed", "oom_killed", "critical",
       r"out of memory: kill(ed)? process|oom[- ]?kill|\bOOMKilled\b|memory cgroup out of memory",
       "the kernel killed the process for exceeding its memory limit"),
    _p("java_out_of_memory", "oom_killed", "critical", r"java\.lang\.OutOfMemoryError",
       "the JVM ran out of heap or metaspace"),
    _p("node_heap_exhausted", "oom_killed", "critical",
       r"JavaScript heap out of memory|Allocation failed - process out of memory", "Node.js ran out of heap"),
    _p("memory_exhausted", "oom_killed", "critical",
       r"cannot allocate memory|\bMemoryError\b|std::bad_alloc|fatal error: runtime: out of memory|ENOMEM\b",
       "the process could not get the memory it asked for"),
    _p("wrong_architecture", "image_pull_error", "critical", r"exec format error|no match for platform in manifest",
       "the image is built for another CPU architecture than the node's"),
    _p("python_traceback", "application_crash", "error", r"^Traceback \(most recent call last\):",
       "a Python exception was not handled"),
    _p("go_panic", "application_crash", "critical", r"^panic: |^goroutine \d+ \[running\]:|^fatal error: ",
       "a Go program panicked"),
    _p("java_exception", "application_crash", "error",
       r"^Exception in thread \"|^Caused by: [\w.$]+(Exception|Error)|^\s+at [\w.$<>]+\([\w$]+\.java:\d+\)",
       "a Java exception was thrown"),
    _p("node_exception", "application_crash", "error",
       r"UnhandledPromiseRejection|^\s+at .+\(.+\.[cm]?js:\d+:\d+\)|^(Type|Reference|Range|Syntax)Error: ",
       "a Node.js error was not handled"),
    _p("native_abort", "application_crash", "critical",
       r"thread '[^']+' panicked at|terminate called after throwing|Unhandled exception\. System\.|"
       r"Fatal Python error|stack overflow|assertion .*failed|uncaught exception|unhandledexception",
       "the program aborted on an error it did not handle"),
    _p("segfault", "application_crash", "critical", r"segmentation fault|SIGSEGV|segfault at|core dumped",
       "the process crashed on a memory access"),
    _p("database_query_error", "application_crash", "error",
       r"deadlock detected|Deadlock found when trying to get lock|syntax error at or near|error in your SQL syntax|"
       r"relation \"[^\"]+\" does not exist|Unknown column '|duplicate key value violates",
       "a database query of the program's own failed"),
    _p("missing_module", "application_crash", "error",
       r"ModuleNotFoundError|No module named|NoClassDefFoundError|ClassNotFoundException|Cannot find module|"
       r"cannot load such file|Could not load file or assembly",
       "the image lacks a module or class the program needs (a broken build)"),
    _p("api_not_served", "application_crash", "error",
       r"no matches for kind|the server could not find the requested resource|is not registered for version",
       "the program asks for a Kubernetes API the cluster does not serve (outdated)"),
    _p("exit_code", "application_crash", "error",
       r"exit(?:ed)?(?: with)? (?:status|code)[ :=]+(?P<code>[1-9]\d{0,2})\b",
       "the process exited with an error code"),
    _p("connection_refused", "dependency_unreachable", "error",
       r"connection refused|ECONNREFUSED|:\d{1,5}\b.{0,40}\brefused|"
       r"could not connect to server|Can't connect to (local )?MySQL server|Communications link failure|"
       r"Could not connect to Redis|Error \d+ connecting to|java\.net\.ConnectException|"
       r"Failed to establish a new connection|NewConnectionError|Max retries exceeded with url|"
       r"can't connect to remote host|curl: \(7\)|Connection to node -?\d+ .*could not be established|"
       r"Broker may not be available|AMQPConnectionError|no route to host|NoRouteToHostException|"
       r"network is unreachable|EHOSTUNREACH|ENETUNREACH|no endpoints available for service|"
       r"failed calling webhook|upstream connect error",
       "a service it depends on refused or could not take the connection"),
    _p("connection_reset", "dependency_unreachable", "warning", r"connection reset by peer|ECONNRESET|broken pipe",
       "a connection was dropped by the other side"),
    _p("connection_lost", "dependency_unreachable", "warning",
       r"server closed the connection unexpectedly|Lost connection to MySQL server|connection (was )?lost|"
       r"terminating connection due to administrator command|socket hang up|Connection closed by peer",
       "an established connection to a dependency was lost"),
    _p("dependency_overloaded", "dependency_unreachable", "error",
       r"too many (connections|clients)|remaining connection slots are reserved|max_connections|"
       r"Connection is not available, request timed out|pool (is )?exhausted|ERR max number of clients",
       "a dependency refuses more connections (its limit or a pool is exhausted)"),
    _p("timeout", "dependency_unreachable", "error",
       r"i/o timeout|ETIMEDOUT|ESOCKETTIMEDOUT|context deadline exceeded|connection timed out|"
       r"timed out (after|waiting)(?! for caches? to (be )?sync)|read timeout|connect timeout|"
       r"SocketTimeoutException|ConnectTimeout|"
       r"download timed out|curl: \(28\)|"
       r"ServerSelectionTimeoutError|Server selection timed out|MongoServerSelectionError|MongoNetworkError|"
       r"No suitable servers found|operation timed out|:\d+ - no response|brokers are down|"
       r"waiting for (the )?(database|db|postgres|mysql|redis|kafka|rabbitmq|broker|service)\b",
       "a call to another service timed out"),
    _p("dns_failure", "dependency_unreachable", "error",
       r"no such host|Name or service not known|Temporary failure in name resolution|getaddrinfo "
       r"(ENOTFOUND|EAI_AGAIN)|\bENOTFOUND\b|\bEAI_AGAIN\b|could not resolve host|UnknownHostException|"
       r"can't resolve|bad address '|nodename nor servname|Could not resolve hostname|curl: \(6\)|"
       r"server misbehaving|could not translate host name|host not found in upstream",
       "a host name could not be resolved"),
    _p("tls_error", "dependency_unreachable", "error",
       r"^(?!.*handshake error from).*(x509: |certificate verify failed|certificate has expired|"
       r"tls: handshake failure|SSLHandshakeException|unable to verify the first certificate|"
       r"self[- ]signed certificate|PKIX path building failed)",
       "a TLS handshake or certificate failed"),
    _p("rbac_forbidden", "permission_denied", "error",
       r"is forbidden: User \"system:serviceaccount:|forbidden: .*cannot (get|list|watch|create|update|patch|delete)",
       "the service account lacks an RBAC permission"),
    _p("permission_denied", "permission_denied", "error",
       r"permission denied|EACCES|operation not permitted|EPERM\b|read-only file system|EROFS|"
       r"has group or world access|permissions should be u=rw",
       "a file or operation was not permitted (user, file mode, security context)"),
    _p("unauthorized", "permission_denied", "error",
       r"\b401 Unauthorized|status(?: code)?:? 401\b|invalid (access |bearer |auth )?token|token (is |has )?expired|"
       r"\b403 Forbidden|AccessDenied(Exception)?\b|not authorized to perform|UnauthorizedOperation|"
       r"the server has asked for the client to provide credentials|Unauthenticated|\bAccess Denied\b(?! for user)|"
       r"https?://[^ ]+: 40[13]\b|"
       r"does not have [\w.]+ access|not authorized on [^ ]+ to execute|\bnot authorized to\b|api key (is )?invalid|"
       r"invalid api key|Forbidden: 403|\b403 (GET|POST|PUT|PATCH|DELETE)\b|(error|failed).{0,60}\bforbidden\b|"
       r"is not authorized to perform|AuthorizationFailed|does not have authorization|PERMISSION_DENIED|"
       r"caller does not have permission|insufficient authentication scopes|ExpiredToken|"
       r"AssumeRoleWithWebIdentity|violates PodSecurity|security context constraint|is forbidden: (?!exceeded)|"
       r"\(403\)|\"code\": ?403\b|code = (PermissionDenied|Unauthenticated)|\bNOPERM\b|security_exception|"
       r"is unauthorized for user|AuthorizationException|Not authorized to access|requires authentication|"
       r"Permission denied \(publickey|missing client token|\b(http|status|statuscode|status code|response)[ :=]*"
       r"(401|403)\b|\bUnauthorized\b",
       "a call was rejected for its credentials or token"),
    _p("database_auth_failed", "config_error", "error",
       r"password authentication failed for user|Access denied for user|authentication failed for user|"
       r"FATAL: +role \"[^\"]+\" does not exist|SASL authentication failed|NOAUTH Authentication required|"
       r"WRONGPASS|invalid username-password pair|ACCESS_REFUSED - Login was refused|Login failed for user|"
       r"Authentication failed\.|auth(entication)? failed: bad credentials|InvalidAccessKeyId|SignatureDoesNotMatch|"
       r"InvalidClientTokenId|security token included in the request is invalid|Access Key Id you provided does not "
       r"exist", "the dependency refused the credentials"),
    _p("database_missing", "config_error", "error",
       r"database \"[^\"]+\" does not exist|Unknown database '|NOT_FOUND - no (queue|exchange)",
       "the database (or queue) it is configured to use does not exist"),
    _p("missing_env_var", "config_error", "error",
       r"environment variable [\"']?[A-Z_][A-Z0-9_]*[\"']? (is )?(not set|missing|required|undefined)|"
       r"missing required (env|environment)|KeyError: '[A-Z][A-Z0-9_]+'|"
       r"(env|environment) var(iable)? .* not (set|found)|: unbound variable|invalid environment variables?",
       "a required environment variable is missing"),
    _p("missing_file", "config_error", "error",
       r"^(?!.*connect\(\) to unix:).*(no such file or directory|ENOENT|FileNotFoundError|cannot open .*: not found)",
       "a file (often configuration) is missing"),
    _p("invalid_config", "config_error", "error",
       r"invalid config(uration)?|config(uration)? (error|is invalid)|failed to (load|parse) config|yaml: line \d+:|"
       r"json: cannot unmarshal|unknown (field|flag|option)|unmarshal errors|field [\w.]+ not found in type|"
       r"(failed|error) (parsing|to parse|loading|to load|reading|to read) (the )?config|"
       r"loading configuration file failed|unsupported protocol scheme|Syntax error on line \d+ of|"
       r"Invalid command '[^']+', perhaps misspelled|FATAL CONFIG FILE ERROR|Bad directive or wrong number|"
       r"field not found, node|\[emerg\] .* in [^ ]+\.conf:\d+|"
       r"host not found in resolver|error reading .{0,40}\.(ya?ml|json|toml|conf|ini|cfg)\b|"
       r"invalid (configuration|setting|value for)|"
       r"ImproperlyConfigured|ConfigurationError|ConfigError|Could not resolve placeholder|Failed to bind properties|"
       r"Failed to configure a DataSource|is not specified and no embedded|must be (set|specified|provided)|"
       r"is required but (was )?not|no configuration file|config(uration)? file .*not found|unknown (key|setting|"
       r"property|directive)|flag needs an argument|json: unknown field|invalid (character|syntax) .*config|"
       r"errors? found in configuration|Fatal errors found in configuration|validation errors? for \w*(Settings|"
       r"Config)\b|MessageEncryptor::InvalidMessage",
       "the configuration could not be read"),
    _p("bad_command", "config_error", "error",
       r"Error loading ASGI app|Could not import module|Failed to find attribute|(lookup|resolve) -[\w-]+\b|"
       r"executable file not found in \$PATH|exec: \"[^\"]+\": (stat .*: )?no such file|: command not found|"
       r"flag provided but not defined|unknown shorthand flag|unrecognized (option|arguments?)|"
       r"invalid (argument|value) .* for (flag|option)|invalid (DSN|connection string|URL)|"
       r"missing required (flag|option)",
       "the command, its flags or a connection string is wrong"),
    _p("config_rejected", "config_error", "error",
       r"\b(config(uration)?|settings?|options?|flags?|parameters?|propert(y|ies)|env(ironment)? var(iable)?s?)\b"
       r".{0,80}\b(invalid|missing|unknown|not (set|found|valid|allowed|supported|defined|specified)|required|"
       r"cannot be|could not be|must be|unsupported|illegal|unrecognized|malformed|no such)\b|"
       r"\b(invalid|missing|unknown|unsupported|illegal|unrecognized|malformed|required)\b.{0,40}\b(config(uration)?|"
       r"settings?|options?|flags?|parameters?|propert(y|ies)|values?|keys?|arguments?|variables?)\b|"
       r"\bmissing\b.{0,20}\b(secret|secret_key\w*|api key|credentials)\b",
       "a setting, flag or value of its configuration is refused"),
    _p("config_value_error", "config_error", "error",
       r"Field required|Property '[^']+' is required|required flag\(s\)|the following arguments are required|"
       r"unrecognized arguments|invalid literal for int\(\)|strconv\.\w+: parsing|Failed to determine a suitable "
       r"driver class|No connection string named|OptionsValidationException|No application encryption key|"
       r"key not found: \"|NoSectionError|NoOptionError|ERR_INVALID_URL|Invalid URL|invalid URI|must be of type "
       r"string\. Received undefined|too many colons in address|missing port in address|invalid port|"
       r"(unable to|failed to|cannot|could not) (load|read|open) (the )?(certificate|"
       r"private key|key ?store|trust ?store|tls|ssl)|misconfigur|not configured|is not a valid|must be one of|"
       r"found duplicate key|already defined|is not allowed|UnrecognizedPropertyException|Could not find or load "
       r"main class|no main manifest attribute|cannot assign requested address|unknown time ?zone|invalid timezone|"
       r"invalid duration",
       "a value of its configuration is missing or malformed"),
    _p("port_in_use", "config_error", "error", r"address already in use|EADDRINUSE|bind: address",
       "the port it listens on is taken"),
    _p("disk_full", "node_failure", "critical",
       r"no space left on device|ENOSPC|disk (is )?full|quota exceeded on disk", "a disk or volume is full"),
    _p("probe_failure", "probe_failure", "warning",
       r"(liveness|readiness|startup) probe failed|\" (404|5\d\d) .*kube-probe/|kube-probe/.*\b(404|5\d\d)\b",
       "a health probe failed"),
    _p("volume_mount", "volume_mount_failure", "error",
       r"MountVolume\.\w+ failed|Unable to attach or mount volumes|FailedMount|persistentvolumeclaim .* not found|"
       r"stale (nfs )?file handle|transport endpoint is not connected",
       "a volume could not be mounted"),
    _p("quota_exceeded", "quota_exceeded", "error", r"exceeded quota|forbidden: exceeded|LimitRange",
       "a ResourceQuota or LimitRange refused something"),
    _p("image_pull", "image_pull_error", "error",
       r"ErrImagePull|ImagePullBackOff|manifest unknown|pull access denied|repository does not exist",
       "an image could not be pulled"),
)

@dataclass
class LogFinding:
    pattern: str
    category: str
    severity: str
    description: str
    count: int = 0
    evidence: list[tuple[int, str]] = field(default_factory=list)  # (line number, redacted line)
    detail: str = ""  # e.g. the host:port refused, or the exit code
    last_line: int = 0  # where it was seen last (1-based, in the lines read)

    def as_dict(self) -> dict[str, object]:
        return {"pattern": self.pattern, "category": self.category, "severity": self.severity,
                "description": self.description, "count": self.count, "detail": self.detail,
                "last_line": self.last_line,
                "evidence": [{"line": n, "text": t} for n, t in self.evidence]}


@dataclass
class LogAnalysis:
    lines: int
    findings: list[LogFinding]

    @property
    def top(self) -> LogFinding | None:
        return self.findings[0] if self.findings else None

    def as_dict(self) -> dict[str, object]:
        return {"lines": self.lines, "findings": [f.as_dict() for f in self.findings],
                "top_category": self.top.category if self.top else None}

    def summary(self) -> str:
        if not self.findings:
            return f"no known failure pattern in {self.lines} lines"
        return "; ".join(f"{f.pattern} x{f.count} ({f.category}{', ' + f.detail if f.detail else ''})"
                         for f in self.findings)


def analyze_logs(text: str) -> LogAnalysis:
    """Every known pattern found in the last MAX_LINES lines, most severe and most frequent first."""
    lines = text.splitlines()[-MAX_LINES:]
    found: dict[str, LogFinding] = {}
    for number, line in enumerate(lines, start=1):
        lowered = line.lower()
        for pattern in PATTERNS:
            match = pattern.regex.search(lowered)
            if match is None:
                continue
            finding = found.setdefault(pattern.name, LogFinding(pattern.name, pattern.category, pattern.severity,
                                                                pattern.description))
            finding.count += 1
            finding.last_line = number
            if len(finding.evidence) < MAX_EVIDENCE:
                finding.evidence.append((number, redact(line.strip())[:500]))
            if not finding.detail:
                finding.detail = _detail(pattern, match, line)
    if "python_traceback" in found:  # the exception itself is the line that explains it
        _add_last_exception(found["python_traceback"], lines)
    findings = sorted(found.values(), key=lambda f: (-SEVERITY_RANK[f.severity], -f.count, f.pattern))
    return LogAnalysis(len(lines), findings)


_TARGET = re.compile(HOST_PORT)


def _detail(pattern: Pattern, match: re.Match[str], line: str) -> str:
    groups = match.groupdict()
    if groups.get("code"):
        return f"exit code {groups['code']}"
    if groups.get("target"):
        return groups["target"]
    if pattern.category == "dependency_unreachable" and (target := _TARGET.search(line)):
        return target.group("target")
    return ""


_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)|[\w.]+Error)\b(:.*)?$")


def _add_last_exception(finding: LogFinding, lines: list[str]) -> None:
    for number in range(len(lines), 0, -1):
        text = lines[number - 1].strip()
        if _EXCEPTION_LINE.match(text):
            finding.detail = redact(text)[:300]
            if all(n != number for n, _ in finding.evidence):
                finding.evidence.append((number, redact(text)[:500]))
            return


def line_pattern(line: str) -> Pattern | None:
    """The first known pattern one line matches (PATTERNS run roughly most severe first), else None: for showing
    a log line by line with the lines that matter marked."""
    lowered = line.lower()
    return next((pattern for pattern in PATTERNS if pattern.regex.search(lowered)), None)
