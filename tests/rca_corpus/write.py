"""Writes the RCA corpus: one JSON file per scenario into `dev/` or `held/` (see `kube.split_of`).

    python -m tests.rca_corpus.write            # every src_*.py module
    python -m tests.rca_corpus.write src_db     # only these modules' scenarios
    python -m tests.rca_corpus.write --check    # exit 1 if a committed file differs from its module

The JSON files are committed; the `src_*.py` modules are how they were made, each case citing its source.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from tests.rca_corpus import kube

HERE = Path(__file__).resolve().parent


def modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("src_*.py"))


def build(names: list[str]) -> dict[str, dict[str, Any]]:
    """The scenarios of the given modules, by name (each module's cases registered once)."""
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        kube.SCENARIOS.clear()
        qualified = f"tests.rca_corpus.{name}"
        if qualified in sys.modules:
            importlib.reload(sys.modules[qualified])
        else:
            importlib.import_module(qualified)
        for key, value in kube.SCENARIOS.items():
            if key in out:
                raise ValueError(f"scenario {key!r} is defined in two modules")
            out[key] = {**value, "module": name}
    kube.SCENARIOS.clear()
    return out


def path_of(name: str) -> Path:
    return HERE / kube.split_of(name) / f"{name}.json"


def text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    scenarios = build(args.modules or modules())
    stale = []
    for name, data in scenarios.items():
        target = path_of(name)
        if args.check:
            if not target.exists() or target.read_text() != text(data):
                stale.append(str(target.relative_to(HERE)))
            continue
        target.parent.mkdir(exist_ok=True)
        target.write_text(text(data))
    if stale:
        print("differ from their modules:", *stale, sep="\n  ")
        return 1
    print(f"{len(scenarios)} scenarios {'checked' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
