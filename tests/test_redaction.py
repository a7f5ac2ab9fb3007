"""The one redaction pass: every seeded secret shape is hidden, in plain text, in JSON text (also escaped
inside another JSON string) and in structured data; ordinary log lines are left alone."""

from __future__ import annotations

import json

import pytest

from aiops_project.redaction import REDACTED, is_secret_key, redact, redact_data
from tests.secret_seeds import PEM_BODY, SEEDED_LOG, SEEDS, leaks


@pytest.mark.parametrize(("line", "secret"), [(line, secret) for _, line, secret in SEEDS],
                         ids=[name for name, _, _ in SEEDS])
def test_each_seeded_secret_is_hidden(line, secret):
    assert secret not in redact(line)


def test_a_log_holding_every_seed_keeps_none_and_keeps_its_ordinary_lines():
    text = redact(SEEDED_LOG)
    assert leaks(text) == []
    assert "dial tcp 10.96.4.2:5432: connect: connection refused" in text
    assert "starting checkout v1.4.2" in text
    assert redact(text) == text  # idempotent


def test_secrets_in_json_text_and_in_json_inside_a_json_string_are_hidden():
    as_json = json.dumps({"logs": SEEDED_LOG})
    assert leaks(redact(as_json)) == []
    assert leaks(redact(json.dumps({"outer": as_json}))) == []


def test_a_private_key_cut_short_by_a_log_tail_is_hidden():
    head_cut = f"{PEM_BODY}\nSeedPemSecondLineAbCdEf0123456789GhIjKlMnOpQrStUvWx==\n-----END RSA PRIVATE KEY-----\n"
    tail_cut = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}\n"
    assert PEM_BODY not in redact(head_cut)
    assert PEM_BODY not in redact(tail_cut)


def test_structured_data_loses_values_under_secret_keys_and_secrets_inside_strings():
    data = {"env": {"API_TOKEN": "structSeedTok", "MODE": "prod"},
            "containers": [{"env": [{"name": "DB_PASSWORD", "value": "structSeedPw"},
                                    {"name": "PORT", "value": "80"}]}],
            "note": SEEDED_LOG, "count": 3}
    redacted = redact_data(data)
    text = json.dumps(redacted)
    assert "structSeedTok" not in text and "structSeedPw" not in text and leaks(text) == []
    assert redacted["env"] == {"API_TOKEN": REDACTED, "MODE": "prod"}
    assert redacted["containers"][0]["env"][1] == {"name": "PORT", "value": "80"}
    assert redacted["count"] == 3
    assert data["env"]["API_TOKEN"] == "structSeedTok"  # a copy: the input is not changed


@pytest.mark.parametrize("line", [
    'MountVolume.SetUp failed for volume "secret-volume" : secret "web-tls" not found',
    "Readiness probe failed: HTTP probe failed with statuscode: 503",
    "tests passed: 12, bypass: false",
    "GET /healthz 200 in 3ms (user agent kube-probe/1.28)",
    "the session token expired, logging in again",
])
def test_ordinary_lines_are_left_alone(line):
    assert redact(line) == line


@pytest.mark.parametrize(("name", "secret"), [
    ("DB_PASSWORD", True), ("apiKey", True), ("PASS", True), ("mysql.pass", True), ("client_secret", True),
    ("passed", False), ("bypass", False), ("namespace", False), ("name", False),
])
def test_secret_key_names(name, secret):
    assert is_secret_key(name) is secret
