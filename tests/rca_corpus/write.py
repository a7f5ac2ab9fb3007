"""Writes the RCA corpus: one JSON file per scenario into `dev/` or `held/` (see `kube.split_of`).

    python -m tests.rca_corpus.write            # every src_*.py module
    python -m tests.rca_corpus.write src_db     # only these modules' scenarios
    python -m tests.rca_corpus.write --check    # exit 1 if a committed file differs from its module
    python -m tests.rca_corpus.write --stats    # the corpus by category, split, difficulty and kind of source

The JSON files are committed; the `src_*.py` modules are how they were made, each case citing its source.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.rca_corpus import kube
from tests.rca_corpus.kube import split_of

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


def source_kind(url: str) -> str:
    if url.startswith("github:"):
        return "source code (GitHub file)"
    if "github.com/" in url and ("/issues/" in url or "/pull/" in url or "/discussions/" in url):
        return "GitHub issue, pull request or discussion"
    if "github.com/" in url:
        return "GitHub page"
    return "web page (Q&A, docs, blog)"


def stats(scenarios: dict[str, dict[str, Any]]) -> list[str]:
    """Counts for a report: by category and split, by difficulty, by module, and the distinct sources by kind."""
    out = [f"{len(scenarios)} scenarios"]
    by_split = Counter((s["expected_category"], split_of(name)) for name, s in scenarios.items())
    out.append(f"{'category':26} {'dev':>4} {'held':>4} {'all':>4}")
    for category in sorted({c for c, _ in by_split}):
        dev, held = by_split[(category, "dev")], by_split[(category, "held")]
        out.append(f"{category:26} {dev:4} {held:4} {dev + held:4}")
    out.append("difficulty: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(
        s["difficulty"] for s in scenarios.values()).items())))
    out.append("modules: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(
        s["module"] for s in scenarios.values()).items())))
    urls = {src["url"] for s in scenarios.values() for src in s["source"]}
    out.append(f"distinct sources: {len(urls)}")
    out += [f"  {kind}: {n}" for kind, n in Counter(source_kind(u) for u in urls).most_common()]
    return out


def path_of(name: str) -> Path:
    return HERE / split_of(name) / f"{name}.json"


def text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args(argv)
    scenarios = build(args.modules or modules())
    if args.stats:
        print("\n".join(stats(scenarios)))
        return 0
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
