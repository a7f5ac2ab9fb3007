"""The Dockerfile: its instructions, user, port, health check and command.

No Docker engine is needed."""

from __future__ import annotations

import json
import re

from tests.deployfiles import DOCKERFILE, ROOT, WEB_COMMAND

# --- Dockerfile ---------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def test_dockerfile():
    instructions = _dockerfile_instructions()
    by_keyword: dict[str, list[str]] = {}
    for keyword, args in instructions:
        by_keyword.setdefault(keyword, []).append(args)

    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = by_keyword["USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}, "the image must run as a non-root user"
    runs = " ".join(by_keyword["RUN"])
    assert "pip install -c constraints.txt ." in runs
    assert any("collectstatic --noinput" in run and "SECRET_KEY=" in run for run in by_keyword["RUN"])
    assert not any("SECRET_KEY" in env for env in by_keyword.get("ENV", [])), "no SECRET_KEY baked into ENV"
    assert any("AIOPS_ENV=production" in env for env in by_keyword["ENV"])
    assert "8000" in by_keyword["EXPOSE"][0].split()
    (healthcheck,) = by_keyword["HEALTHCHECK"]
    assert "urllib" in healthcheck and "http://127.0.0.1:8000/health" in healthcheck
    assert json.loads(by_keyword["CMD"][-1]) == WEB_COMMAND
    # collectstatic runs as root, before USER, into AIOPS_STATIC_ROOT outside var/ (the writable folder, a
    # volume in Kubernetes): the collected files are read-only for the app and no volume hides them.
    keywords = [keyword for keyword, _ in instructions]
    collect = next(i for i, (k, a) in enumerate(instructions) if k == "RUN" and "collectstatic" in a)
    assert collect < keywords.index("USER")
    assert any("AIOPS_STATIC_ROOT=/app/static" in env for env in by_keyword["ENV"])
    assert not any("AIOPS_STATIC_ROOT=/app/var" in env for env in by_keyword["ENV"])


def test_dockerignore_keeps_local_state_out():
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    assert {".git", ".venv", "var", ".env"} <= patterns
