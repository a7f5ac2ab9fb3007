"""The rule engine: every condition, the (source, reason) index, count within a window, cooldown, and the
YAML import/export round trip with errors naming file, line and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from incidents.models import ClusterEvent, Incident, Rule
from incidents.rules import RuleSet, claim_cooldown, enabled_ruleset
from remediation.definitions import export_rules, import_rule_file
from tests.factories import make_cluster, make_event, make_playbook, make_rule

pytestmark = pytest.mark.django_db


def names(rules: list[Rule]) -> list[str]:
    return [rule.name for rule in rules]


def ruleset(*rules: Rule) -> RuleSet:
    return RuleSet.build(list(rules))


@pytest.mark.parametrize(("fields", "matches"), [
    ({}, True),
    ({"source": "alertmanager"}, False),
    ({"reasons": ["OOMKilled"]}, False),
    ({"reasons": ["OOMKilled", "CrashLoopBackOff"]}, True),
    ({"min_severity": "critical"}, True),
    ({"clusters": ["prod"]}, True),
    ({"clusters": ["staging"]}, False),
    ({"namespace_pattern": "sh*"}, True),
    ({"namespace_pattern": "prod-*"}, False),
    ({"namespace_regex": "shop|cart"}, True),
    ({"namespace_regex": "sho"}, False),  # the whole namespace must match
    ({"object_kinds": ["Pod"]}, True),
    ({"object_kinds": ["Node"]}, False),
    ({"object_name_pattern": "checkout-*"}, True),
    ({"object_name_pattern": "cart-*"}, False),
    ({"labels": {"team": "payments"}}, True),
    ({"labels": {"team": "search"}}, False),
    ({"label_matchers": [{"key": "team", "op": "in", "values": ["payments", "search"]}]}, True),
    ({"label_matchers": [{"key": "team", "op": "not_in", "values": ["payments"]}]}, False),
    ({"label_matchers": [{"key": "tier", "op": "regex", "value": "front.*"}]}, True),
    ({"label_matchers": [{"key": "tier", "op": "regex", "value": "back.*"}]}, False),
    ({"label_matchers": [{"key": "tier", "op": "exists"}]}, True),
    ({"label_matchers": [{"key": "canary", "op": "exists"}]}, False),
    ({"label_matchers": [{"key": "canary", "op": "absent"}]}, True),
    ({"label_matchers": [{"key": "team", "op": "not_equals", "value": "payments"}]}, False),
    ({"annotation_matchers": [{"key": "runbook_url", "op": "exists"}]}, True),
    ({"annotation_matchers": [{"key": "summary", "op": "regex", "value": ".*disk.*"}]}, False),
])
def test_each_condition(fields, matches):
    cluster = make_cluster("prod")
    event = make_event(cluster, labels={"team": "payments", "tier": "frontend"}, object_name="checkout-abc",
                       payload={"annotations": {"runbook_url": "https://runbooks/x", "summary": "crash looping"}})
    rule = make_rule("r", **fields)
    assert names(ruleset(rule).match(event)) == (["r"] if matches else [])


def test_rules_match_in_priority_order_across_index_buckets_until_one_stops():
    event = make_event()
    specific = make_rule("specific", priority=50, stop_after_match=False)
    any_reason = make_rule("any-reason", priority=10, reasons=[], stop_after_match=False)
    any_source = make_rule("any-source", priority=30, source="", stop_after_match=True)
    after_stop = make_rule("after-stop", priority=40, source="", reasons=[])
    other = make_rule("other", priority=1, reasons=["OOMKilled"])
    rules = ruleset(specific, any_reason, any_source, after_stop, other)
    assert names(rules.match(event)) == ["any-reason", "any-source"]
    # The index only offers rules whose source and reasons can match.
    assert "other" not in names([c.rule for c in rules.candidates("kubernetes", "CrashLoopBackOff")])
    assert names([c.rule for c in rules.candidates("webhook", "Disk")]) == ["after-stop"]


def test_a_rule_with_a_count_matches_only_once_its_signal_fired_that_often_within_the_window():
    rule = make_rule("thrice", min_count=3, count_window_seconds=600)
    first = make_event()
    assert ruleset(rule).match(first) == []
    make_event(fingerprint=first.fingerprint)
    third = make_event(fingerprint=first.fingerprint)
    assert names(ruleset(rule).match(third)) == ["thrice"]
    ClusterEvent.objects.update(recorded_at=timezone.now() - timedelta(hours=1))  # long ago: outside the window
    assert ruleset(rule).match(make_event(fingerprint=first.fingerprint)) == []


def test_cooldown_is_claimed_once_per_group_until_it_passes():
    rule = make_rule("calm", cooldown_seconds=300)
    now = timezone.now()
    assert claim_cooldown(rule, "group-a", now)
    assert not claim_cooldown(rule, "group-a", now + timedelta(seconds=10))
    assert claim_cooldown(rule, "group-b", now)  # per group
    assert claim_cooldown(rule, "group-a", now + timedelta(seconds=301))
    assert claim_cooldown(make_rule("no-cooldown"), "group-a", now) and claim_cooldown(Rule.objects.get(
        name="no-cooldown"), "group-a", now)


def test_a_rule_cooling_down_for_a_group_opens_nothing(settings):
    from incidents.routing import route_event

    settings.INCIDENT_REOPEN_SECONDS = 0
    make_rule("calm", cooldown_seconds=3600)
    first = make_event()
    route_event(first)
    assert Incident.objects.count() == 1
    Incident.objects.get().resolve()
    route_event(make_event())  # same group within the cooldown: the rule matches but does not act
    assert Incident.objects.count() == 1


def test_the_compiled_rules_follow_edits_made_in_the_admin():
    rule = make_rule("edited", reasons=["OOMKilled"])
    event = make_event()
    assert enabled_ruleset().match(event) == []
    rule.reasons = ["CrashLoopBackOff"]
    rule.save()
    assert names(enabled_ruleset().match(event)) == ["edited"]
    rule.enabled = False
    rule.save()
    assert enabled_ruleset().match(event) == []


@pytest.mark.parametrize(("fields", "field"), [
    ({"namespace_regex": "(unclosed"}, "namespace_regex"),
    ({"label_matchers": [{"key": "team", "op": "sounds_like", "value": "x"}]}, "label_matchers"),
    ({"label_matchers": [{"key": "team", "op": "in"}]}, "label_matchers"),
    ({"label_matchers": [{"op": "exists"}]}, "label_matchers"),
    ({"annotation_matchers": [{"key": "a", "op": "regex", "value": "["}]}, "annotation_matchers"),
    ({"clusters": "prod"}, "clusters"),
])
def test_a_broken_rule_is_refused_in_the_admin_naming_the_field(fields, field):
    rule = Rule(name="broken", **fields)
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert field in caught.value.message_dict


FULL_RULES = """\
rules:
- name: oom-prod
  description: OOM kills in production namespaces, thrice in ten minutes.
  priority: 20
  source: kubernetes
  reasons:
  - OOMKilled
  min_severity: warning
  clusters:
  - prod
  namespace: prod-*
  namespace_regex: prod-(eu|us)-.+
  object_kinds:
  - Pod
  object_name: api-*
  labels:
    team: core
  label_matchers:
  - key: tier
    op: in
    values:
    - frontend
    - api
  - key: canary
    op: absent
  annotation_matchers:
  - key: runbook_url
    op: exists
  min_count: 3
  count_window_seconds: 600
  cooldown_seconds: 900
  playbook: restart
  stop_after_match: false
- name: notify-only
  enabled: false
  open_incident: false
"""


def test_export_then_import_round_trips_without_loss(tmp_path: Path):
    make_playbook("restart")
    path = tmp_path / "rules.yaml"
    path.write_text(FULL_RULES)
    assert import_rule_file(path) == 2
    exported = export_rules()
    Rule.objects.all().delete()
    again = tmp_path / "exported.yaml"
    again.write_text(exported)
    assert import_rule_file(again) == 2
    assert export_rules() == exported
    rule = Rule.objects.get(name="oom-prod")
    assert (rule.namespace_regex, rule.min_count, rule.cooldown_seconds, rule.playbook.name) == (
        "prod-(eu|us)-.+", 3, 900, "restart")
    assert rule.label_matchers == [{"key": "tier", "op": "in", "values": ["frontend", "api"]},
                                   {"key": "canary", "op": "absent"}]


def test_the_commands_import_and_export(tmp_path: Path, capsys):
    make_playbook("restart")
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: crash\n    reasons: [CrashLoopBackOff]\n    playbook: restart\n")
    call_command("import_rules", str(path))
    call_command("export_rules")
    assert "name: crash" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "where"), [
    ("rules:\n  - name: a\n    namespace_regex: '(x'\n", ":3: rules[0].namespace_regex (rule a): not a valid regular"),
    ("rules:\n  - name: a\n    label_matchers:\n      - key: t\n        op: in\n", ":3: rules[0].label_matchers"),
    ("rules:\n  - name: a\n    playbook: nope\n", ":3: rules[0].playbook: unknown playbook 'nope'"),
    ("rules:\n  - name: a\n    cooldown_seconds: -5\n", "cooldown_seconds"),
    ("rules:\n  - name: a\n  - name: a\n", "rule 'a' is also defined"),
])
def test_a_bad_rule_file_is_refused_whole_naming_file_line_and_field(tmp_path: Path, text: str, where: str):
    make_rule("existing")
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n  - name: good\n" + text.removeprefix("rules:\n"))
    with pytest.raises(CommandError) as caught:
        call_command("import_rules", str(path))
    message = str(caught.value).replace(":4:", ":3:").replace(":5:", ":3:").replace("rules[1]", "rules[0]")
    assert str(path) in message and where in message
    assert list(Rule.objects.values_list("name", flat=True)) == ["existing"]  # nothing imported


def test_a_maintenance_window_records_events_but_no_rule_acts_on_them():
    from incidents.models import Silence
    from incidents.routing import route_event

    make_rule("any", reasons=[])
    now = timezone.now()
    Silence.objects.create(comment="node pool upgrade", starts_at=now - timedelta(minutes=1),
                           ends_at=now + timedelta(hours=1), namespace_pattern="sh*",
                           label_matchers=[{"key": "team", "op": "equals", "value": "payments"}])
    silenced = make_event(labels={"team": "payments"})
    route_event(silenced)
    assert not Incident.objects.exists() and ClusterEvent.objects.filter(pk=silenced.pk).exists()
    other_team = make_event(labels={"team": "search"}, object_name="search-1", fingerprint="f-search")
    route_event(other_team)
    assert Incident.objects.count() == 1  # outside the window's matchers: acted on

    Silence.objects.update(ends_at=now - timedelta(seconds=1), starts_at=now - timedelta(hours=1))
    route_event(make_event(labels={"team": "payments"}, object_name="pay-2", fingerprint="f-pay-2"))
    assert Incident.objects.count() == 2  # the window is over


def test_a_silence_must_end_after_it_starts_and_have_valid_matchers():
    from incidents.models import Silence

    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        Silence(comment="x", starts_at=now, ends_at=now - timedelta(minutes=1)).full_clean()
    assert "ends_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        Silence(comment="x", ends_at=now + timedelta(hours=1), label_matchers=[{"key": "a", "op": "?"}]).full_clean()
    assert "label_matchers" in caught.value.message_dict


def test_testing_a_rule_in_the_admin_replays_stored_events_and_executes_nothing(client):
    from django.contrib.auth.models import User

    from incidents.models import RuleFiring
    from remediation.models import PlaybookRun

    playbook = make_playbook("restart")
    rule = make_rule("crash", playbook=playbook, cooldown_seconds=600, namespace_pattern="shop")
    first = make_event(fingerprint="f1")
    again = make_event(fingerprint="f1")  # same workload within the cooldown
    make_event(fingerprint="f2", namespace="cart", object_name="cart-1")  # another namespace: no match
    ClusterEvent.objects.filter(pk=again.pk).update(recorded_at=first.recorded_at + timedelta(seconds=30))
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    before = (Incident.objects.count(), PlaybookRun.objects.count(), RuleFiring.objects.count())

    change = client.get(f"/admin/incidents/rule/{rule.pk}/change/")
    assert f"/admin/incidents/rule/{rule.pk}/test/" in change.content.decode()
    page = client.get(f"/admin/incidents/rule/{rule.pk}/test/", {"days": "3"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 of 3 event(s) matched" in text
    assert "start playbook restart" in text and "cooling down" in text and "cart-1" not in text
    assert (Incident.objects.count(), PlaybookRun.objects.count(), RuleFiring.objects.count()) == before
    assert client.get(f"/admin/incidents/rule/{rule.pk}/test/", {"days": "x"}).status_code == 400


def test_testing_a_rule_needs_the_admin(client):
    rule = make_rule("crash")
    response = client.get(f"/admin/incidents/rule/{rule.pk}/test/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_process_trusts_its_compiled_rules_for_the_configured_time(settings):
    settings.RULES_CACHE_SECONDS = 3600
    event = make_event()
    assert enabled_ruleset().match(event) == []
    make_rule("new")
    assert enabled_ruleset().match(event) == []  # within the grace: not looked for yet
    settings.RULES_CACHE_SECONDS = 0
    assert names(enabled_ruleset().match(event)) == ["new"]
