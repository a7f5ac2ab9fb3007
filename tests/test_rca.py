"""The deterministic RCA engine and `manage.py rca_eval` over the shipped scenarios."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.rca.engine import CATEGORIES, analyze

SCENARIOS = Path(__file__).resolve().parent / "rca_scenarios"


def load(name: str) -> dict:
    return json.loads((SCENARIOS / f"{name}.json").read_text())


def test_there_are_thirty_scenarios_covering_every_category():
    expected = [json.loads(p.read_text())["expected_category"] for p in SCENARIOS.glob("*.json")]
    assert len(expected) >= 30 and set(expected) == set(CATEGORIES)


def test_rca_eval_scores_per_category_and_ends_with_the_accuracy():
    out = StringIO()
    call_command("rca_eval", str(SCENARIOS), stdout=out)
    lines = out.getvalue().splitlines()
    right, total = map(int, lines[-1].removeprefix("accuracy: ").split("/"))
    assert total == len(list(SCENARIOS.glob("*.json")))
    assert right / total >= 0.85, out.getvalue()
    assert any(line.startswith("oom_killed ") for line in lines)


def test_rca_eval_refuses_what_it_cannot_read(tmp_path):
    (tmp_path / "bad.json").write_text('{"expected_category": "gremlins"}')
    with pytest.raises(CommandError, match="expected_category, one of"):
        call_command("rca_eval", str(tmp_path))
    with pytest.raises(CommandError, match=r"no \*\.json scenario files"):
        call_command("rca_eval", str(tmp_path / "empty"))


def test_a_crash_caused_by_a_dependency_names_the_dependency_and_ranks_the_rest():
    scenario = load("db-connection-refused")
    report = analyze(scenario["objects"], scenario["events"], scenario["logs"])
    assert report.category == "dependency_unreachable"
    assert [h.category for h in report.hypotheses][:2] == ["dependency_unreachable", "application_crash"]
    assert report.recommended_actions and report.as_dict()["confidence"] > 0.5


def test_evidence_is_redacted():
    scenario = load("db-auth-failed")
    scenario["logs"] = {"finance/ledger/app:previous": "connecting to postgres://ledger:Sup3rS3cret@db:5432/ledger\n"
                        "FATAL:  password authentication failed for user \"ledger\"\n"}
    report = analyze(scenario["objects"], scenario["events"], scenario["logs"])
    assert report.category == "config_error"
    assert "Sup3rS3cret" not in json.dumps(report.as_dict())


@pytest.mark.parametrize(("objects", "events", "logs"), [
    ([], [], {}),
    ([{"kind": "Pod"}, {"kind": "Node", "status": {"conditions": None}}], [{}], {"x/y/z": ""}),
    ([{"kind": "Pod", "status": {"containerStatuses": [{"state": None, "lastState": "garbage"}]}}],
     [{"reason": None, "message": None}], {"x/y/z": "\x00\xff\ufffd" * 10_000 + "\n" * 100_000}),
])
def test_bad_or_missing_input_still_gets_an_answer(objects, events, logs):
    report = analyze(objects, events, logs)
    assert report.category in CATEGORIES and 0 <= report.confidence <= 1


def test_a_huge_log_is_read_with_a_bound():
    from aiops_project.loganalysis import MAX_LINES, analyze_logs

    text = "".join(f"line {n}: connection refused by 10.0.0.1:5432\n" for n in range(3 * MAX_LINES))
    analysis = analyze_logs(text)
    assert analysis.lines == MAX_LINES and analysis.findings[0].count == MAX_LINES
