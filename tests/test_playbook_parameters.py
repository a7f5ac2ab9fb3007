"""Playbook parameters (`parameters:`, read by templates as `params`) and step conditions (`when:`): loaded from
YAML with their references checked, and applied when a run is created (a step whose condition does not hold is
shown skipped, with why). The shipped node-not-ready playbook's optional drain is the case in point."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from aiops_project.yamlfile import YamlFileError
from incidents.models import Incident
from remediation.definitions import parse_playbook_file
from remediation.models import Playbook, PlaybookStep, StepRun
from remediation.services import start_playbook
from tests.factories import make_event, make_playbook

pytestmark = pytest.mark.django_db

NODE_PLAYBOOK = """\
playbooks:
  - name: node-care
    parameters:
      drain: false
      grace: 30
    steps:
      - name: Cordon
        tool: cordon_node
        risk: HIGH
        arguments: {name: "{{ event.labels.node }}"}
      - name: Drain
        tool: drain_node
        risk: HIGH
        when: params.drain and event.labels.node != "control-plane"
        arguments: {name: "{{ event.labels.node }}"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbooks.yaml"
    path.write_text(text)
    return path


def test_parameters_and_conditions_load_from_yaml(tmp_path: Path) -> None:
    [spec] = parse_playbook_file(write(tmp_path, NODE_PLAYBOOK))
    assert spec.parameters == {"drain": False, "grace": 30}
    assert [step.when for step in spec.steps] == ["", 'params.drain and event.labels.node != "control-plane"']


@pytest.mark.parametrize("change, error", [
    ("when: params.drain and", r"playbooks.yaml:14: playbooks.0.steps.1.when \(playbook node-care\): unexpected"),
    ("when: params.evict", r"playbooks.yaml:14: playbooks.0.steps.1.when \(playbook node-care\): params.evict does "
                           r"not exist \(known: drain, grace\)"),
    ("when: settings.SECRET_KEY", r"when \(playbook node-care\): unknown name 'settings'"),
], ids=["syntax", "unknown parameter", "unknown name"])
def test_a_condition_that_could_never_be_judged_is_refused_naming_file_line_and_field(
        tmp_path: Path, change: str, error: str) -> None:
    text = NODE_PLAYBOOK.replace('when: params.drain and event.labels.node != "control-plane"', change)
    with pytest.raises(YamlFileError, match=error):
        parse_playbook_file(write(tmp_path, text))


@pytest.mark.parametrize("parameters, error", [
    ("{Drain: true}", "String should match pattern"),
    ("{drain: [1, 2]}", "drain"),
], ids=["name", "value"])
def test_a_parameter_that_is_no_plain_named_value_is_refused(tmp_path: Path, parameters: str, error: str) -> None:
    text = NODE_PLAYBOOK.replace("    parameters:\n      drain: false\n      grace: 30\n",
                                 f"    parameters: {parameters}\n")
    with pytest.raises(YamlFileError, match=error):
        parse_playbook_file(write(tmp_path, text))


def test_a_template_naming_a_parameter_the_playbook_lacks_is_refused(tmp_path: Path) -> None:
    text = NODE_PLAYBOOK.replace('        arguments: {name: "{{ event.labels.node }}"}\n      - name: Drain',
                                 '        arguments: {name: "{{ params.node }}"}\n      - name: Drain')
    with pytest.raises(YamlFileError, match=r"params.node does not exist \(known: drain, grace\)"):
        parse_playbook_file(write(tmp_path, text))


def node_run(drain: object) -> list[StepRun]:
    playbook = make_playbook("node-care", [
        {"name": "Cordon", "tool": "cordon_node", "risk": "HIGH", "arguments": {"name": "{{ event.labels.node }}"}},
        {"name": "Drain", "tool": "drain_node", "risk": "HIGH", "when": "params.drain",
         "arguments": {"name": "{{ event.labels.node }}", "grace": "{{ params.grace }}"}},
    ], parameters={"drain": drain, "grace": 30})
    event = make_event(reason="NodeNotReady", object_kind="Node", object_name="node-2", labels={"node": "node-2"})
    incident = Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, title="node-2")
    run = start_playbook(playbook, incident=incident, event=event)
    assert run is not None
    return list(run.step_runs.order_by("order"))


def test_a_step_whose_condition_does_not_hold_is_created_skipped_saying_why() -> None:
    cordon, drain = node_run(False)
    assert cordon.status == StepRun.Status.PENDING and cordon.arguments == {"name": "node-2"}
    assert drain.status == StepRun.Status.SKIPPED and drain.finished_at is not None
    assert drain.output == 'Skipped: its condition `params.drain` does not hold (playbook parameters: ' \
                           '{"drain": false, "grace": 30}).'
    assert drain.arguments == {"name": "node-2", "grace": "30"}  # what it would have called


def test_a_step_whose_condition_holds_is_rendered_with_the_parameters() -> None:
    cordon, drain = node_run(True)
    assert (cordon.status, drain.status) == (StepRun.Status.PENDING, StepRun.Status.PENDING)
    assert drain.arguments == {"name": "node-2", "grace": "30"}


def test_a_condition_that_fails_to_render_fails_the_run_like_a_template() -> None:
    playbook = make_playbook("scale", [{"name": "Raise", "tool": "scale_deployment", "risk": "MEDIUM",
                                        "when": "event.labels.max_replicas | int < 5", "arguments": {}}])
    event = make_event()
    incident = Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, title="t")
    run = start_playbook(playbook, incident=incident, event=event)
    assert run is not None
    [step] = run.step_runs.all()
    assert step.status == StepRun.Status.FAILED and "condition 'event.labels.max_replicas | int < 5'" in step.error


def test_the_admin_form_checks_conditions_and_parameters_against_the_playbook() -> None:
    playbook = Playbook.objects.create(name="node-care", parameters={"drain": False})
    step = PlaybookStep(playbook=playbook, order=1, name="Drain", tool="drain_node", risk="HIGH",
                        arguments={"name": "{{ params.node }}"}, when="params.evict")
    with pytest.raises(ValidationError) as raised:
        step.clean()
    assert "params.node does not exist (known: drain)" in str(raised.value.message_dict["arguments"])
    step.arguments = {"name": "{{ event.labels.node }}"}
    with pytest.raises(ValidationError) as raised:
        step.clean()
    assert raised.value.message_dict["when"] == ["params.evict does not exist (known: drain)"]


def test_the_api_shows_a_playbooks_parameters_and_its_steps_conditions() -> None:
    from rest_framework.test import APIClient

    from tests.factories import make_user

    make_playbook("node-care", [{"name": "Drain", "tool": "drain_node", "risk": "HIGH", "when": "params.drain",
                                 "arguments": {"name": "{{ event.labels.node }}"}}], parameters={"drain": False})
    api = APIClient()
    api.force_authenticate(make_user("viewer"))
    body = api.get("/api/v1/playbooks/node-care").json()
    assert body["parameters"] == {"drain": False}
    assert [(step["tool"], step["when"]) for step in body["steps"]] == [("drain_node", "params.drain")]
