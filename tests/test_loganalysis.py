"""The log analyzer: each known pattern on log lines as real programs print them, evidence redacted."""

from __future__ import annotations

import pytest

from aiops_project.loganalysis import PATTERNS, analyze_logs, redact

SAMPLES = {
    "oom_killed": "[  123.456] Memory cgroup out of memory: Killed process 4242 (java) total-vm:2097152kB",
    "java_out_of_memory": 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
    "node_heap_exhausted": "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    "python_traceback": "Traceback (most recent call last):",
    "go_panic": "panic: runtime error: invalid memory address or nil pointer dereference",
    "java_exception": "\tat com.shop.checkout.OrderService.place(OrderService.java:88)",
    "node_exception": "TypeError: Cannot read properties of undefined (reading 'id')",
    "segfault": "/entrypoint.sh: line 7:    12 Segmentation fault      (core dumped) ./server",
    "exit_code": "process exited with status 137",
    "connection_refused": "dial tcp 10.96.4.2:5432: connect: connection refused",
    "connection_reset": "read tcp 10.1.0.7:41234->10.96.0.12:6379: read: connection reset by peer",
    "timeout": 'Get "http://inventory.shop.svc:8080/stock": context deadline exceeded',
    "dns_failure": "dial tcp: lookup orders-db.shop.svc on 10.96.0.10:53: no such host",
    "tls_error": "x509: certificate signed by unknown authority",
    "rbac_forbidden": 'pods is forbidden: User "system:serviceaccount:shop:checkout" cannot list resource "pods"',
    "permission_denied": "open /var/lib/app/cache.db: permission denied",
    "database_auth_failed": 'FATAL:  password authentication failed for user "checkout"',
    "missing_env_var": "Error: environment variable DATABASE_URL is not set",
    "missing_file": "open /etc/checkout/config.yaml: no such file or directory",
    "invalid_config": "error loading config: yaml: line 12: did not find expected key",
    "port_in_use": "listen tcp :8080: bind: address already in use",
    "disk_full": "write /data/wal/000000010000000A: no space left on device",
    "probe_failure": 'Liveness probe failed: Get "http://10.1.0.7:8080/healthz": dial tcp 10.1.0.7:8080: connect',
    "volume_mount": "MountVolume.SetUp failed for volume \"data\" : configmap \"checkout-config\" not found",
    "quota_exceeded": 'pods "web-1" is forbidden: exceeded quota: compute, requested: limits.memory=2Gi',
    "image_pull": 'Failed to pull image "shop/web:9.9.9": manifest unknown',
    "connection_lost": "psycopg2.OperationalError: server closed the connection unexpectedly",
    "dependency_overloaded": 'FATAL:  sorry, too many clients already',
    "unauthorized": 'level=error msg="list objects" err="401 Unauthorized"',
    "database_missing": 'FATAL:  database "orders" does not exist',
    "bad_command": 'exec: "gunicorn": executable file not found in $PATH',
    "memory_exhausted": "OSError: [Errno 12] Cannot allocate memory",
    "database_query_error": "ERROR:  deadlock detected",
    "native_abort": "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:4:5",
    "config_rejected": "Error: required option '--storage.path' not specified",
    "missing_module": "ModuleNotFoundError: No module named 'packaging'",
    "api_not_served": 'no matches for kind "PodDisruptionBudget" in version "policy/v1beta1"',
    "config_value_error": "ValueError: invalid literal for int() with base 10: 'tcp://10.43.54.79:8080'",
    "wrong_architecture": "exec /usr/local/bin/server: exec format error",
}


def test_there_are_at_least_twenty_patterns_and_every_one_has_a_sample():
    assert len(PATTERNS) >= 20
    assert {p.name for p in PATTERNS} == set(SAMPLES)


@pytest.mark.parametrize(("name", "line"), sorted(SAMPLES.items()))
def test_each_pattern_recognises_its_sample(name, line):
    found = {f.pattern: f for f in analyze_logs(f"starting up\n{line}\n").findings}
    assert name in found, found
    assert found[name].evidence[0] == (2, line.strip())


def test_ordinary_logs_have_no_findings():
    text = "\n".join(["2026-11-28T09:14:02Z INFO checkout 1.4.2 starting",
                      "2026-11-28T09:14:03Z INFO connected to orders-db.shop.svc:5432",
                      "2026-11-28T09:14:03Z INFO listening on :8080",
                      "GET /healthz 200 0.3ms"] * 50)
    assert analyze_logs(text).findings == []


def test_a_python_crash_names_the_exception_and_the_refused_target():
    text = """\
2026-11-03T09:14:02Z INFO  connecting to database postgres://checkout:s3cr3t@orders-db.shop.svc:5432/orders
Traceback (most recent call last):
  File "/app/checkout/db.py", line 57, in connect
    self.pool = psycopg_pool.ConnectionPool(url, min_size=2, open=True, timeout=5)
ConnectionRefusedError: [Errno 111] Connection refused
"""
    analysis = analyze_logs(text)
    by_name = {f.pattern: f for f in analysis.findings}
    assert by_name["python_traceback"].detail == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert by_name["connection_refused"].category == "dependency_unreachable"
    assert analysis.as_dict()["top_category"] in {"application_crash", "dependency_unreachable"}
    assert "s3cr3t" not in str(analysis.as_dict())


def test_refused_connections_name_host_and_port():
    finding = analyze_logs("dial tcp 10.96.4.2:5432: connect: connection refused").findings[0]
    assert finding.detail == "10.96.4.2:5432"


def test_the_most_severe_finding_comes_first_and_repeats_are_counted():
    text = "\n".join(["Readiness probe failed: HTTP probe failed with statuscode: 503"] * 5
                     + ["Memory cgroup out of memory: Killed process 1 (app)"])
    analysis = analyze_logs(text)
    assert [(f.pattern, f.count) for f in analysis.findings] == [("oom_killed", 1), ("probe_failure", 5)]
    assert len(analysis.findings[1].evidence) == 3


@pytest.mark.parametrize(("line", "leak"), [
    ("DATABASE_PASSWORD=hunter2 failed", "hunter2"),
    ("connecting to redis://default:Zx9pQ@redis:6379", "Zx9pQ"),
    ("Authorization: Bearer abcdef0123456789xyz", "abcdef0123456789xyz"),
    ("token: ghp_1234567890abcdef", "ghp_1234567890abcdef"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVja291dCJ9.c2lnbmF0dXJlLXZhbHVl", "eyJzdWIiOiJjaGVja291dCJ9"),
    ("aws key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
])
def test_secrets_are_redacted(line, leak):
    assert leak not in redact(line)
