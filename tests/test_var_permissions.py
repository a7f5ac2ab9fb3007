"""var/ (the SQLite database with API tokens and session keys, the secret key, logs) is this user's alone:
created 0700, and what it holds loses group and other access at every start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from aiops_project.env import private_dir

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_django(var: Path) -> None:
    """A process's start as every one of ours begins it: the settings are read."""
    env = {**os.environ, "AIOPS_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "aiops_project.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, check=True,
                   timeout=60)


def test_a_new_var_directory_and_its_secret_key_are_private(tmp_path):
    var = tmp_path / "var"
    start_django(var)
    assert mode(var) == 0o700
    assert mode(var / "secret_key") == 0o600


def test_a_world_readable_var_left_by_an_older_version_is_closed_at_the_next_start(tmp_path):
    var, redis = tmp_path / "var", tmp_path / "var" / "redis"
    redis.mkdir(parents=True, mode=0o755)
    var.chmod(0o755)
    database = var / "aiops.sqlite3"
    database.write_bytes(b"SQLite format 3\x00")
    database.chmod(0o644)
    (redis / "dump.rdb").write_bytes(b"REDIS")
    (redis / "dump.rdb").chmod(0o664)
    start_django(var)
    assert (mode(var), mode(redis)) == (0o700, 0o700)
    assert (mode(database), mode(redis / "dump.rdb")) == (0o600, 0o600)


def test_owner_bits_are_kept_and_links_are_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not var's")
    outside.chmod(0o644)
    var = tmp_path / "var"
    var.mkdir()
    (var / "link").symlink_to(outside)
    (var / "tool").write_text("#!/bin/sh\n")
    (var / "tool").chmod(0o755)
    private_dir(var)
    assert mode(var / "tool") == 0o700 and mode(outside) == 0o644
