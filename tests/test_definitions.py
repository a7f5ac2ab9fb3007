"""Default rules and playbooks load from YAML, all or nothing, with errors naming file, line and field."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from aiops_project.yamlfile import YamlFileError
from incidents.models import Cluster, Rule
from remediation.definitions import load_definitions
from remediation.models import Playbook, PlaybookStep

pytestmark = pytest.mark.django_db

GOOD_PLAYBOOK = """\
playbooks:
  - name: restart
    steps:
      - name: Restart
        tool: rollout_restart
        risk: MEDIUM
        arguments: {namespace: "{{ event.namespace }}", name: "{{ event.labels.workload_name }}"}
"""
GOOD_RULE = """\
rules:
  - name: crash
    reasons: [CrashLoopBackOff]
    playbook: restart
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


def test_the_shipped_defaults_load_and_reload_idempotently():
    call_command("load_defaults")
    counts = (Playbook.objects.count(), PlaybookStep.objects.count(), Rule.objects.count())
    call_command("load_defaults")
    assert (Playbook.objects.count(), PlaybookStep.objects.count(), Rule.objects.count()) == counts
    assert Rule.objects.get(name="crashloop-restart").playbook.name == "crashloop-remediation"
    risks = list(Playbook.objects.get(name="crashloop-remediation").steps.values_list("risk", flat=True))
    assert risks == ["LOW", "LOW", "MEDIUM"]
    # The defaults the product promises: each failure has its playbook, riskier fixes wait for a person.
    playbooks = dict(Rule.objects.filter(playbook__isnull=False).values_list("name", "playbook__name"))
    assert playbooks == {"crashloop-restart": "crashloop-remediation",
                         "oomkilled-raise-memory": "oomkilled-remediation",
                         "image-pull-failure": "imagepull-diagnosis", "node-not-ready": "node-not-ready",
                         "deployment-rollback": "deployment-rollback", "hpa-maxed-out-scale-up": "scale-up",
                         "crashloop-diagnosis": "restarts-diagnosis", "oomkilled-diagnosis": "restarts-diagnosis",
                         "container-config-error": "config-error-diagnosis",
                         "pod-unschedulable": "unschedulable-diagnosis", "pod-evicted": "evicted-cleanup",
                         "frequent-restarts": "restarts-diagnosis", "node-pressure": "node-pressure-diagnosis",
                         "job-failed": "job-failed-diagnosis", "volume-mount-failure": "mount-failure-diagnosis",
                         "probe-failure": "pod-not-ready", "container-not-ready": "pod-not-ready",
                         "replica-shortfall": "replica-shortfall-diagnosis", "backoff-diagnosis": "restarts-diagnosis",
                         "alert-pod-crashlooping": "restarts-diagnosis", "alert-pod-not-ready": "pod-not-ready",
                         "alert-deployment-replicas": "replica-shortfall-diagnosis",
                         "alert-job-failed": "job-failed-diagnosis", "alert-node-not-ready": "node-not-ready",
                         "alert-node-pressure": "node-pressure-diagnosis", "alert-diagnosis": "alert-diagnosis",
                         "bare-pod-failed": "pod-failed-diagnosis"}
    tools = {(s.playbook.name, s.tool): s.risk for s in PlaybookStep.objects.select_related("playbook")}
    assert tools[("oomkilled-remediation", "set_resources")] == "HIGH"
    assert tools[("node-not-ready", "cordon_node")] == "HIGH"
    assert {risk for (name, _), risk in tools.items() if name == "imagepull-diagnosis"} == {"LOW"}
    # Diagnosis only where no fix is safe; a fix waits for an approval.
    for name in ("config-error-diagnosis", "unschedulable-diagnosis", "restarts-diagnosis", "node-pressure-diagnosis",
                 "job-failed-diagnosis", "mount-failure-diagnosis", "replica-shortfall-diagnosis", "alert-diagnosis",
                 "pod-failed-diagnosis"):
        assert {risk for (playbook, _), risk in tools.items() if playbook == name} == {"LOW"}, name
    assert tools[("evicted-cleanup", "delete_failed_pods")] == tools[("pod-not-ready", "delete_pod")] == "MEDIUM"
    assert set(Rule.objects.filter(notify=True).values_list("name", flat=True)) == {
        "oomkilled-raise-memory", "image-pull-failure", "node-not-ready", "bare-pod-failed", "deployment-rollback",
        "hpa-maxed-out-scale-up", "alertmanager-notify", "crashloop-diagnosis", "oomkilled-diagnosis",
        "container-config-error", "pod-unschedulable", "pod-evicted", "frequent-restarts", "node-pressure",
        "job-failed", "volume-mount-failure", "probe-failure", "container-not-ready", "replica-shortfall"}
    if settings.SIMCLUSTER_ENABLED:
        assert Cluster.objects.filter(kind=Cluster.Kind.SIMULATED).count() == 1


def test_a_wrong_risk_is_refused_with_file_line_and_field(tmp_path):
    path = write(tmp_path / "pb", "bad.yaml", GOOD_PLAYBOOK.replace("MEDIUM", "MAYBE"))
    with pytest.raises(YamlFileError) as excinfo:
        load_definitions(tmp_path / "pb", tmp_path / "rules")
    assert f"{path}:6: playbooks[0].steps[0].risk:" in str(excinfo.value)


def test_a_missing_field_names_the_mapping_that_lacks_it(tmp_path):
    path = write(tmp_path / "pb", "bad.yaml", GOOD_PLAYBOOK.replace("        tool: rollout_restart\n", ""))
    with pytest.raises(YamlFileError) as excinfo:
        load_definitions(tmp_path / "pb", tmp_path / "rules")
    assert f"{path}:4: playbooks[0].steps[0].tool: Field required" in str(excinfo.value)


def test_invalid_yaml_syntax_names_the_line(tmp_path):
    path = write(tmp_path / "pb", "bad.yaml", "playbooks:\n  - name: [unclosed\n")
    with pytest.raises(YamlFileError, match=rf"{path}:\d+: invalid YAML"):
        load_definitions(tmp_path / "pb", tmp_path / "rules")


def test_a_broken_template_is_refused_at_load_time(tmp_path):
    path = write(tmp_path / "pb", "bad.yaml", GOOD_PLAYBOOK.replace("{{ event.namespace }}", "{{ event.namespace"))
    with pytest.raises(YamlFileError, match=rf"{path}:7: playbooks.0.steps.0.arguments.namespace"):
        load_definitions(tmp_path / "pb", tmp_path / "rules")


def test_a_rule_naming_an_unknown_playbook_is_refused(tmp_path):
    write(tmp_path / "pb", "ok.yaml", GOOD_PLAYBOOK)
    path = write(tmp_path / "rules", "bad.yaml", GOOD_RULE.replace("playbook: restart", "playbook: nope"))
    with pytest.raises(YamlFileError, match=rf"{path}:4: rules\[0\].playbook: unknown playbook 'nope'"):
        load_definitions(tmp_path / "pb", tmp_path / "rules")


def test_nothing_is_half_loaded_when_one_file_is_bad(tmp_path):
    write(tmp_path / "pb", "a-good.yaml", GOOD_PLAYBOOK)
    write(tmp_path / "rules", "a-good.yaml", GOOD_RULE)
    write(tmp_path / "rules", "b-bad.yaml", "rules:\n  - name: Not A Slug\n")
    with pytest.raises(YamlFileError):
        load_definitions(tmp_path / "pb", tmp_path / "rules")
    assert not Playbook.objects.exists() and not Rule.objects.exists()


def test_the_command_reports_refusal_without_a_traceback(tmp_path):
    write(tmp_path / "pb", "bad.yaml", "playbooks: 3\n")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_defaults", playbooks=str(tmp_path / "pb"), rules=str(tmp_path / "rules"))


def test_beat_schedules_are_seeded_once_and_keep_an_interval_edited_in_the_admin(settings):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    settings.SIMCLUSTER_ENABLED = True
    call_command("load_defaults")
    cluster = Cluster.objects.get(kind=Cluster.Kind.SIMULATED)
    poll = PeriodicTask.objects.get(name=f"poll cluster {cluster.name}")
    assert (poll.task, poll.queue, poll.args) == ("incidents.poll_cluster", "detection", f"[{cluster.pk}]")
    assert poll.expire_seconds and poll.interval.every == settings.POLL_INTERVAL_SECONDS
    assert PeriodicTask.objects.filter(task="remediation.expire_approvals", enabled=True).count() == 1

    poll.interval, _ = IntervalSchedule.objects.get_or_create(every=42, period=IntervalSchedule.SECONDS)
    poll.save()
    call_command("load_defaults")
    assert PeriodicTask.objects.get(pk=poll.pk).interval.every == 42
    assert PeriodicTask.objects.filter(name__startswith="poll cluster").count() == 1


@pytest.mark.parametrize(("template", "problem"), [
    ("{{ event.namspace }}", "event.namspace does not exist"),
    ("{{ evnt.namespace }}", "unknown name 'evnt'"),
    ("{{ incident.owner }}", "incident.owner does not exist"),
    ('{{ event["objectname"] }}', "event.objectname does not exist"),
    ("{{ event.namespace ", "unexpected end of template"),
])
def test_a_step_template_that_could_never_render_is_refused_when_loaded(tmp_path: Path, template: str, problem: str):
    write(tmp_path / "playbooks", "p.yaml", GOOD_PLAYBOOK.replace('"{{ event.namespace }}"', repr(template)))
    write(tmp_path / "rules", "r.yaml", GOOD_RULE)
    with pytest.raises(YamlFileError) as caught:
        load_definitions(tmp_path / "playbooks", tmp_path / "rules")
    assert ":7: playbooks.0.steps.0.arguments.namespace: " in str(caught.value) and problem in str(caught.value)
    assert not Playbook.objects.exists()


def test_labels_and_known_fields_may_be_referenced_and_the_admin_refuses_the_rest():
    from django.core.exceptions import ValidationError

    playbook = Playbook.objects.create(name="p")
    good = PlaybookStep(playbook=playbook, order=1, name="s", tool="list_pods", risk="LOW", arguments={
        "namespace": "{{ event.namespace }}-{{ event.labels.pod }}-{{ incident.id }}",
        "label_selector": "{% for k in event.labels %}{{ k }}{% endfor %}"})
    good.full_clean()
    bad = PlaybookStep(playbook=playbook, order=2, name="s", tool="list_pods", risk="LOW",
                       arguments={"namespace": "{{ event.object }}"})
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "namespace: event.object does not exist" in str(caught.value)


def test_steps_carry_retries_failure_handling_and_verification(tmp_path: Path):
    write(tmp_path / "playbooks", "p.yaml", """\
playbooks:
  - name: careful
    steps:
      - {name: Restart, tool: rollout_restart, risk: MEDIUM, retries: 2, retry_backoff_seconds: 10,
         on_failure: rollback, verify_after_seconds: 120, arguments: {namespace: shop, name: web}}
      - {name: Undo, tool: rollout_undo, risk: MEDIUM, rollback: true, arguments: {namespace: shop, name: web}}
""")
    write(tmp_path / "rules", "r.yaml", "rules: []\n")
    load_definitions(tmp_path / "playbooks", tmp_path / "rules")
    restart, undo = PlaybookStep.objects.order_by("order")
    assert (restart.retries, restart.retry_backoff_seconds, restart.on_failure, restart.verify_after_seconds,
            restart.is_rollback) == (2, 10, "rollback", 120, False)
    assert undo.is_rollback and undo.on_failure == "stop"


@pytest.mark.parametrize(("steps", "problem"), [
    ("[{name: A, tool: t, risk: LOW, on_failure: rollback}]", "no step is marked rollback: true"),
    ("[{name: A, tool: t, risk: LOW}, {name: B, tool: t, risk: LOW, rollback: true, on_failure: rollback}]",
     "cannot itself roll back"),
    ("[{name: A, tool: t, risk: LOW, rollback: true}]", "nothing would ever run"),
    ("[{name: A, tool: t, risk: LOW, on_failure: retry}]", "on_failure"),
    ("[{name: A, tool: t, risk: LOW, retries: 11}]", "retries"),
])
def test_incoherent_failure_handling_is_refused_when_loaded(tmp_path: Path, steps: str, problem: str):
    write(tmp_path / "playbooks", "p.yaml", f"playbooks:\n  - name: p\n    steps: {steps}\n")
    write(tmp_path / "rules", "r.yaml", "rules: []\n")
    with pytest.raises(YamlFileError, match=problem):
        load_definitions(tmp_path / "playbooks", tmp_path / "rules")


def test_an_unknown_tool_or_server_is_refused_at_load_time_naming_what_exists(tmp_path):
    path = write(tmp_path / "pb", "bad.yaml", GOOD_PLAYBOOK.replace("rollout_restart", "rollout_restrat"))
    with pytest.raises(YamlFileError) as excinfo:
        load_definitions(tmp_path / "pb", tmp_path / "rules")
    message = str(excinfo.value)
    assert f"{path}:5: playbooks.0.steps.0.tool (playbook restart): MCP server 'kubernetes' has no tool " \
           "'rollout_restrat' (it has: analyze_logs, check_access, cordon_node," in message
    assert "rollout_restart" in message

    misnamed = GOOD_PLAYBOOK.replace("        tool:", "        server: kubernetez\n        tool:")
    write(tmp_path / "pb", "bad.yaml", misnamed)
    with pytest.raises(YamlFileError, match=r"unknown MCP server 'kubernetez' \(configured: kubernetes, security\)"):
        load_definitions(tmp_path / "pb", tmp_path / "rules")
    assert not Playbook.objects.exists()


def test_arguments_the_tool_would_refuse_are_refused_at_load_time(tmp_path):
    missing = GOOD_PLAYBOOK.replace(', name: "{{ event.labels.workload_name }}"', "")
    typo = GOOD_PLAYBOOK.replace("namespace: ", "namespce: ")
    wrong_type = GOOD_PLAYBOOK.replace("tool: rollout_restart", "tool: scale_deployment").replace(
        "arguments: {", "arguments: {replicas: -1, ")
    for text, expected in [(missing, "rollout_restart needs argument(s) name"),
                           (typo, "rollout_restart has no argument 'namespce' (it takes: name, namespace)"),
                           (wrong_type, "arguments.replicas (playbook restart): -1 is less than the minimum of 0")]:
        write(tmp_path / "pb", "bad.yaml", text)
        with pytest.raises(YamlFileError) as excinfo:
            load_definitions(tmp_path / "pb", tmp_path / "rules")
        assert expected in str(excinfo.value)


def test_a_step_saved_in_the_admin_is_checked_against_the_registry_too():
    from django.core.exceptions import ValidationError

    playbook = Playbook.objects.create(name="p")
    step = PlaybookStep(playbook=playbook, order=1, name="s", tool="describe_pod", risk="LOW",
                        arguments={"namespace": "shop"})
    with pytest.raises(ValidationError) as excinfo:
        step.full_clean()
    assert excinfo.value.message_dict == {"arguments": ["describe_pod needs argument(s) name"]}
    step.tool = "describe_everything"
    with pytest.raises(ValidationError, match="has no tool 'describe_everything'"):
        step.full_clean()
    step.tool, step.arguments = "describe_pod", {"namespace": "shop", "name": "{{ event.labels.pod }}"}
    step.full_clean()


def admin_playbook_form(*steps: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {"name": "from-admin", "description": "", "enabled": "on",
                               "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": "0",
                               "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    for i, step in enumerate(steps):
        fields = {"order": i + 1, "name": f"step {i + 1}", "server": "kubernetes", "tool": "list_pods",
                  "arguments": "{}", "risk": "LOW", "timeout_seconds": 60, "retries": 0,
                  "retry_backoff_seconds": 5, "on_failure": "stop", **step}
        data |= {f"steps-{i}-{key}": value for key, value in fields.items() if value is not False}
    return data


@pytest.mark.parametrize(("steps", "problem"), [
    ([{"order": 1}, {"order": 1}], "Please correct the duplicate data for order."),
    ([{"tool": "list_podz"}], "has no tool &#x27;list_podz&#x27;"),
    ([{"arguments": '{"namespace": 7}'}], "namespace: 7 is not valid under any of the given schemas"),
    ([{"on_failure": "rollback"}], "no step is marked rollback: true"),
    ([{"is_rollback": "on"}], "nothing would ever run"),
    ([{"tool": "cordon_node", "risk": "MEDIUM", "arguments": '{"name": "n"}'}],
     "kubernetes.cordon_node is HIGH risk (annotations); a step calling it cannot be MEDIUM"),
])
def test_the_playbook_admin_refuses_what_could_never_run(admin_client, steps, problem):
    response = admin_client.post("/admin/remediation/playbook/add/", admin_playbook_form(*steps))
    assert response.status_code == 200  # the form again, with the error
    assert problem in response.content.decode()
    assert not Playbook.objects.exists()


def test_the_playbook_admin_saves_a_coherent_playbook(admin_client):
    response = admin_client.post("/admin/remediation/playbook/add/", admin_playbook_form(
        {"on_failure": "rollback", "tool": "rollout_restart", "risk": "MEDIUM",
         "arguments": '{"namespace": "{{ event.namespace }}", "name": "{{ event.labels.workload_name }}"}'},
        {"is_rollback": "on", "tool": "rollout_undo", "risk": "MEDIUM",
         "arguments": '{"namespace": "{{ event.namespace }}", "name": "{{ event.labels.workload_name }}"}'}))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert list(PlaybookStep.objects.values_list("tool", "is_rollback")) == [("rollout_restart", False),
                                                                             ("rollout_undo", True)]


def test_loading_unchanged_files_over_unchanged_definitions_is_skipped_and_an_edit_loads_them_again():
    def load() -> str:
        out = StringIO()
        call_command("load_defaults", stdout=out)
        return out.getvalue()

    assert "Loaded 17 playbook(s)" in load()
    assert "the files did not change since they were loaded" in load()
    Playbook.objects.filter(name="crashloop-remediation").update(description="edited in the admin")
    assert "Loaded 17 playbook(s)" in load()  # the files win, as on every start before
    assert Playbook.objects.get(name="crashloop-remediation").description != "edited in the admin"
    PlaybookStep.objects.filter(playbook__name="crashloop-remediation").delete()
    assert "Loaded 17 playbook(s)" in load()
    assert Playbook.objects.get(name="crashloop-remediation").steps.count() == 3


def test_the_coverage_table_says_what_the_shipped_rules_do():
    """docs/playbooks.md names every shipped rule with its priority and playbook, as config/rules says them."""
    root = Path(__file__).resolve().parent.parent
    rows = re.findall(r"^\|[^|\n]*\|[^|\n]*\| `([a-z0-9-]+)` \((\d+)\) \| (?:`([a-z0-9-]+)`|none)",
                      (root / "docs" / "playbooks.md").read_text(), re.MULTILINE)
    table = {name: (int(priority), playbook or None) for name, priority, playbook in rows}
    shipped = {rule["name"]: (rule.get("priority", 100), rule.get("playbook"))
               for rule in yaml.safe_load((root / "config" / "rules" / "default.yaml").read_text())["rules"]}
    del shipped["alertmanager-notify"]  # said in words: it tells of every alert
    assert table == shipped
