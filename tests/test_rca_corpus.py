"""The RCA corpus is what it says: every case cites public text that it really contains, and the files are
the ones their modules write (so nobody edits a held-out case by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.rca.engine import CATEGORIES
from tests.rca_corpus import kube, write

CORPUS = Path(write.__file__).resolve().parent
FILES = sorted(CORPUS.glob("*/*.json"))
RESERVED = ("holmesgpt", "kubernetes.io/docs/tasks", "kubernetes/website", "simple-ai-agent",
            "learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_the_corpus_is_there_and_split() -> None:
    splits = {p.parent.name for p in FILES}
    assert splits == {"dev", "held"}, splits
    assert len(FILES) >= 150


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_case_cites_public_text_that_it_contains(path: Path) -> None:
    case = json.loads(path.read_text())
    assert case["name"] == path.stem and path.parent.name == kube.split_of(case["name"])
    assert case["expected_category"] in CATEGORIES and case["difficulty"] in kube.DIFFICULTIES
    assert case["source"], "a case needs at least one source"
    evidence = "\n".join(_texts([case["objects"], case["events"], case["logs"]]))
    for source in case["source"]:
        assert source["url"].startswith(("https://", "http://", "github:")), source["url"]
        assert not any(r in source["url"] for r in RESERVED), f"reserved source: {source['url']}"
        assert len(source["quote"]) >= 12, "a quote is the failure text, not a word"
        assert source["quote"] in evidence, f"the quote is not in the scenario: {source['quote']!r}"


def test_the_files_are_the_ones_their_modules_write() -> None:
    assert write.main(["--check"]) == 0
