"""A step's tool result on the incident page, for people: a described pod, deployment or node as small tables, a
log with the lines the log analyzer recognises marked, lists as tables, anything else as pretty JSON, errors as
errors; the raw output one click away. Long outputs are cut on the server with a link to the whole output (a page
of lines at a time), behind the same permission as the output itself, and everything a cluster says is escaped.

The first test runs the bundled Kubernetes MCP server's tools against the simulated cluster through the normal
step path (create_run, then the worker's tasks in order) and reads the incident page as a person would.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.test import Client

from incidents.models import Cluster, Incident
from remediation.models import PlaybookRun, StepRun
from remediation.services import create_run
from tests.factories import drive_run, make_event, make_playbook, make_user
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
LONG_TOKEN = "x" * 1500
LOGS = ("booting checkout 1.4.2\n"
        "<script>alert('log')</script>\n"
        f"request id {LONG_TOKEN}\n"
        "panic: cannot connect to postgres:5432\n"
        "goroutine 1 [running]:\n")
SCENARIO = {"name": "step-output", "namespaces": ["shop"],
            "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2", "ready": False}],
            "deployments": [{"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2",
                             "state": "crashloop", "logs": LOGS}]}
POD = {"namespace": "shop", "name": "checkout-gone", "workload": "Deployment/checkout"}  # its current pod


def step(tool: str, **arguments: object) -> dict[str, object]:
    return {"name": tool, "server": "kubernetes", "tool": tool, "risk": "LOW", "arguments": arguments}


def an_incident() -> Incident:
    event = make_event(object_name=f"checkout-{Incident.objects.count()}")
    return Incident.objects.create(fingerprint=event.fingerprint, group_key=event.group_key, title="CrashLoopBackOff")


def reader() -> Client:
    client = Client()
    client.force_login(make_user("oncall", "remediation.view_steprun"))
    return client


def output_of(page: str, step_run: StepRun) -> str:
    """The HTML of one step's output box."""
    match = re.search(rf'<div class="step-output [^"]*" id="step-output-{step_run.pk}">(.*?)\n</div>', page, re.S)
    assert match, f"no output box for step {step_run.pk}"
    return match.group(1)


def test_real_tool_results_read_as_tables_marked_log_lines_and_errors_with_the_raw_output_at_hand(
        tmp_path: Path) -> None:
    playbook = make_playbook("look", [
        step("describe_pod", **POD), step("get_pod_logs", **POD), step("describe", kind="Deployment",
                                                                        namespace="shop", name="checkout"),
        step("describe_node", name="sim-node-2"), step("list_pods", namespace="shop"),
        step("describe_pod", namespace="shop", name="nope")])
    incident = an_incident()
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        cluster = Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        run = create_run(playbook, {}, "started", cluster=cluster, incident=incident)
        assert drive_run(run) == ["succeeded"] * 5 + ["failed"]
    pod, logs, deployment, node, pods, missing = run.step_runs.order_by("order")
    page = reader().get(f"/console/incidents/{incident.pk}/").content.decode()

    described = output_of(page, pod)
    pod_name = pod.structured["name"]
    assert pod_name.startswith("checkout-") and f"<strong>Pod shop/{pod_name}</strong>" in described
    assert f'<p class="muted step-note">pod shop/checkout-gone is gone; showing shop/{pod_name}' in described
    for fact in ("<dt>phase</dt><dd>Running</dd>", "<dt>ready</dt><dd>0/1</dd>",
                 "<dt>waiting reason</dt><dd>CrashLoopBackOff</dd>"):
        assert fact in described, fact
    container = re.search(r"<caption>Containers</caption>.*?<tbody><tr class=\"bad\">(.*?)</tr>", described, re.S)
    assert container and re.findall(r"<td>(.*?)</td>", container.group(1))[:8] == [
        "checkout", "shop/checkout:1.4.2", "no", str(pod.structured["restarts"]), "waiting (CrashLoopBackOff)",
        "terminated (Error)", "1", "Error"]
    assert "<caption>Recent events (2)</caption>" in described and "<td>BackOff</td>" in described
    assert "<summary>Raw output</summary>" in described
    assert html.escape(json.dumps(pod.structured["containers"][0]["last_state"], separators=(",", ":")),
                       quote=True) in described  # the raw JSON, escaped

    log = output_of(page, logs)
    assert "<strong>go_panic</strong>" in log  # the analyzer's finding, named
    assert f'<p class="muted step-note">pod shop/checkout-gone is gone; reading the logs of shop/{pod_name}' in log
    assert '<td class="line-number">4</td><td class="line-text"><mark>panic: cannot connect to postgres:5432</mark>' \
        in log
    assert "<mark>goroutine 1 [running]:</mark>" in log
    assert "<details class=\"log-all\"><summary>Log: lines 1 to 5 of 5</summary>" in log
    assert "&lt;script&gt;alert(&#x27;log&#x27;)&lt;/script&gt;" in log and "<script>alert" not in page
    assert LONG_TOKEN in log  # whole: the box wraps it, the page does not cut it

    rolled = output_of(page, deployment)
    for fact in ("<dt>desired</dt><dd>1</dd>", '<div class="bad"><dt>ready</dt><dd>0</dd>',
                 "<dt>available</dt><dd>0</dd>", "<dt>revision</dt><dd>1</dd>"):
        assert fact in rolled, fact
    assert "<td>checkout</td><td>shop/checkout:1.4.2</td>" in rolled
    assert '<tr class="bad"><td>Available</td><td>False</td><td>MinimumReplicasUnavailable</td>' in rolled

    unready = output_of(page, node)
    assert '<tr class="bad"><td>Ready</td><td>Unknown</td><td>NodeStatusUnknown</td>' in unready
    assert "<td>node.kubernetes.io/unreachable</td><td></td><td>NoSchedule</td>" in unready
    assert "<td>cpu</td><td>4</td><td>4</td>" in unready

    listed = output_of(page, pods)
    assert "<caption>Pods (1)</caption>" in listed and '<th scope="col">waiting reason</th>' in listed
    assert f"<td>{pod_name}</td><td>shop</td><td>Running</td><td>0/1</td>" in listed

    failed = output_of(page, missing)
    assert '<p class="step-error"><strong>Error:</strong> pod shop/nope not found</p>' in failed
    assert "Show the whole output" not in page  # nothing here was cut


def make_step(tool: str, *, output: str = "", structured: object = None, error: str = "",
              status: str = "succeeded") -> StepRun:
    incident = an_incident()
    run = PlaybookRun.objects.create(playbook=make_playbook(f"pb-{tool}", [{"name": tool, "tool": tool}]),
                                     incident=incident)
    return StepRun.objects.create(run=run, order=1, name=tool, server="kubernetes", tool=tool, risk="LOW",
                                  status=status, output=output, structured=structured, error=error)


def test_a_5_mb_log_shows_its_first_lines_and_links_to_the_whole_log_a_page_at_a_time() -> None:
    lines = [f"GET /health 200 {n}" for n in range(1, 150_001)]
    lines[9] = "java.lang.OutOfMemoryError: Java heap space <img src=x onerror=alert(1)>"
    lines[1_499] = "Error: connect ECONNREFUSED 10.0.0.7:5432"
    logs = make_step("get_pod_logs", output="\n".join(lines) + "\n" + "y" * 3_000_000)
    assert len(logs.output) > 5_000_000
    client = reader()
    page = client.get(f"/console/incidents/{logs.run.incident_id}/").content.decode()
    box = output_of(page, logs)
    assert len(page) < 200_000  # the page carries a little of it, not 5 MB
    assert box.count('<td class="line-number">') == 200 + 1  # this page's lines, and the one match among them
    assert '<td class="line-number">10</td><td class="line-text"><mark>java.lang.OutOfMemoryError: Java heap ' \
           'space &lt;img src=x onerror=alert(1)&gt;</mark>' in box
    assert "<summary>Log: lines 1 to 200 of 150001</summary>" in box
    assert "9,990,000 more characters" not in box and "more characters not shown" in box  # raw output cut too
    link = f'href="/console/steps/{logs.pk}/output/"'
    assert link in box

    second = client.get(f"/console/steps/{logs.pk}/output/?page=2")
    assert second.status_code == 200
    whole = second.content.decode()
    assert "<summary>Log: lines 1001 to 2000 of 150001</summary>" in whole
    assert '<td class="line-number">1500</td><td class="line-text"><mark>Error: connect ECONNREFUSED' in whole
    assert 'href="?page=1" rel="prev"' in whole and 'href="?page=3" rel="next"' in whole and "page 2 of 151" in whole
    last = client.get(f"/console/steps/{logs.pk}/output/?page=151").content.decode()
    assert "<summary>Log: lines 150001 to 150001 of 150001</summary>" in last
    assert "(2980000 more characters)" in last  # a 3 MB line is clipped, not sent whole
    assert client.get(f"/console/steps/{logs.pk}/output/?page=nonsense").status_code == 200


def test_a_description_with_500_events_shows_the_newest_few_and_the_rest_on_the_steps_page() -> None:
    events = [{"last_seen": f"2026-12-07T10:{n // 60:02d}:{n % 60:02d}Z", "type": "Warning", "reason": "BackOff",
               "object": "Pod/checkout-1", "namespace": "shop", "message": f"<b>back-off</b> {n}", "count": n}
              for n in range(500)]
    described = {"name": "checkout-1", "namespace": "shop", "phase": "Running", "ready": "0/1", "restarts": 9,
                 "containers": [], "conditions": [], "events": events}
    step = make_step("describe_pod", output=json.dumps(described, separators=(",", ":")), structured=described)
    client = reader()
    box = output_of(client.get(f"/console/incidents/{step.run.incident_id}/").content.decode(), step)
    assert "<caption>Recent events (500)</caption>" in box and box.count("<td>BackOff</td>") == 20
    assert "480 more rows not shown" in box and f'href="/console/steps/{step.pk}/output/"' in box
    assert "<td>&lt;b&gt;back-off&lt;/b&gt; 0</td>" in box and "<b>back-off" not in box
    whole = client.get(f"/console/steps/{step.pk}/output/").content.decode()
    assert whole.count("<td>BackOff</td>") == 500 and "more rows not shown" not in whole


def test_unknown_results_are_pretty_json_text_stays_text_and_errors_read_as_errors() -> None:
    unknown = make_step("echo", output='{"answer": {"value": 42, "html": "<i>x</i>"}}')
    text = make_step("rollout_restart", output="deployment.apps/checkout restarted")
    failed = make_step("scale_deployment", error="refused: the server runs in --read-only mode", status="failed")
    client = reader()
    for step_run in (unknown, text, failed):
        box = output_of(client.get(f"/console/incidents/{step_run.run.incident_id}/").content.decode(), step_run)
        if step_run is unknown:
            assert '<pre class="step-json">{\n  &quot;answer&quot;: {\n    &quot;value&quot;: 42,' in box
            assert "&lt;i&gt;x&lt;/i&gt;" in box and "<i>x</i>" not in box
        elif step_run is text:
            assert '<pre class="step-text">deployment.apps/checkout restarted</pre>' in box
        else:
            assert '<p class="step-error"><strong>Error:</strong> refused: the server runs in --read-only mode' in box


def test_the_whole_output_needs_the_permission_to_read_step_output() -> None:
    step = make_step("get_pod_logs", output="connecting to orders-db as checkout\n" * 500)
    viewer = Client()
    viewer.force_login(make_user("viewer"))
    incident_page = viewer.get(f"/console/incidents/{step.run.incident_id}/").content.decode()
    assert "connecting to orders-db" not in incident_page and "Output hidden" in incident_page
    assert f"/console/steps/{step.pk}/output/" not in incident_page
    refused = viewer.get(f"/console/steps/{step.pk}/output/")
    assert refused.status_code == 403 and "connecting to orders-db" not in refused.content.decode()
    assert viewer.get("/console/steps/999999/output/").status_code == 403  # says nothing of what exists
    anonymous = Client().get(f"/console/steps/{step.pk}/output/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    approver = Client()
    approver.force_login(make_user("approver", "remediation.approve_medium"))
    whole = approver.get(f"/console/steps/{step.pk}/output/")
    assert whole.status_code == 200 and "connecting to orders-db as checkout" in whole.content.decode()
    assert reader().get("/console/steps/999999/output/").status_code == 404
