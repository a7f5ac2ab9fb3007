"""Typed readers for environment variables that fail loudly, naming the variable."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path
from typing import overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# A Kubernetes namespace name: a DNS-1123 label.
NAMESPACE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


@overload
def envstr(name: str, default: str, *, required: bool = False) -> str: ...
@overload
def envstr(name: str, default: None = None, *, required: bool = False) -> str | None: ...
def envstr(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not a boolean (use true/false).")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={value} must be >= {minimum}.")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: set[str]) -> str:
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} must be one of: {', '.join(sorted(choices))}."
        )
    return value


def split_names(text: str) -> list[str]:
    """The items of a comma and/or space separated list, once each, sorted."""
    return sorted({item for item in re.split(r"[,\s]+", text) if item})


def namespace_names(text: str) -> list[str]:
    """Namespace names from a comma and/or space separated list, once each, sorted; ValueError names the first
    that is not a DNS-1123 label (lower-case letters, digits and -, at most 63, starting and ending alphanumeric)."""
    names = split_names(text)
    for name in names:
        if not NAMESPACE_NAME.fullmatch(name):
            raise ValueError(f"{name[:70]!r} is not a namespace name (a DNS-1123 label: lower-case letters, "
                             f"digits and -, at most 63 characters, starting and ending with a letter or digit)")
    return names


def envnamespaces(name: str) -> list[str]:
    """A list of Kubernetes namespace names (comma or space separated); empty when unset."""
    try:
        return namespace_names(os.environ.get(name, ""))
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name}: {exc}.") from None


def private_dir(path: Path) -> Path:
    """Create `path` readable by this user only (0700) and take group and other access off what it holds already.

    For var/: the SQLite database (API tokens, session keys), the secret key, the admin password, logs. Files made
    later by the processes `runstack` starts are 0600 by their umask (077); whatever else writes there is still
    shut off by the directory's mode, and loses group/other bits at the next start. Paths this user does not own
    (a mounted volume) are left as they are.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            with contextlib.suppress(OSError):  # not ours, or gone meanwhile (a socket, a temporary file)
                mode = os.lstat(name).st_mode
                if not stat.S_ISLNK(mode) and mode & 0o077:
                    os.chmod(name, stat.S_IMODE(mode) & ~0o077 | (0o700 if stat.S_ISDIR(mode) else 0))
    return path
