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
import os
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
        step("analyze_logs", **POD), step("list_events", namespace="shop"), step("describe", kind="Namespace",
                                                                                 name="shop"),
        step("describe_pod", namespace="shop", name="nope")])
    incident = an_incident()
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        cluster = Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        run = create_run(playbook, {}, "started", cluster=cluster, incident=incident)
        assert drive_run(run) == ["succeeded"] * 8 + ["failed"]
    pod, logs, deployment, node, pods, analysis, events, namespace, missing = run.step_runs.order_by("order")
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
    raw = re.search(rf'<details class="step-raw" id="step-raw-{pod.pk}"><summary>Raw output</summary>'
                    r'<pre tabindex="0">(.*?)</pre>', described, re.S)
    assert raw and json.loads(html.unescape(raw.group(1)).partition("\n")[2]) == pod.structured  # note, then JSON
    assert "&quot;waiting_reason&quot;:&quot;CrashLoopBackOff&quot;" in raw.group(1)  # escaped

    log = output_of(page, logs)
    assert "<strong>go_panic</strong>" in log  # the analyzer's finding, named
    assert f'<p class="muted step-note">pod shop/checkout-gone is gone; reading the logs of shop/{pod_name}' in log
    assert '<td class="line-number">4</td><td class="line-text"><mark>panic: cannot connect to postgres:5432</mark>' \
        in log
    assert "<mark>goroutine 1 [running]:</mark>" in log
    assert f'<details class="log-all" id="step-log-{logs.pk}"><summary>Log: lines 1 to 5 of 5</summary>' in log
    assert "&lt;script&gt;alert(&#x27;log&#x27;)&lt;/script&gt;" in log and "<script>alert" not in page
    assert LONG_TOKEN in log  # whole: the box wraps it, the page does not cut it

    rolled = output_of(page, deployment)
    for fact in ("<dt>desired</dt><dd>1</dd>", '<div class="bad"><dt>ready</dt><dd>0</dd>',
                 "<dt>available</dt><dd>0</dd>", "<dt>revision</dt><dd>1</dd>"):
        assert fact in rolled, fact
    assert "<td>checkout</td><td>shop/checkout:1.4.2</td>" in rolled
    assert '<tr class="bad"><td>Available</td><td>False</td><td class="long">MinimumReplicasUnavailable</td>' in rolled

    unready = output_of(page, node)
    assert '<tr class="bad"><td>Ready</td><td>Unknown</td><td>NodeStatusUnknown</td>' in unready
    assert '<td class="long">node.kubernetes.io/unreachable</td><td></td><td>NoSchedule</td>' in unready
    assert "<td>cpu</td><td>4</td><td>4</td>" in unready

    listed = output_of(page, pods)
    assert "<caption>Pods (1)</caption>" in listed and '<th scope="col">waiting reason</th>' in listed
    assert f'<td class="long">{pod_name}</td><td>shop</td><td>Running</td><td>0/1</td>' in listed

    analysed = output_of(page, analysis)
    assert "<caption>Findings, current container</caption>" in analysed
    assert ('<tr class="bad"><td>critical</td><td>go_panic</td><td>application_crash</td><td>2</td>' in analysed
            and "<td>4: panic: cannot connect to postgres:5432, 5: goroutine 1 [running]:</td>" in analysed)
    assert '<tr class="warn"><td>' in output_of(page, events) and "<td>BackOff</td>" in output_of(page, events)
    generic = output_of(page, namespace)  # any other kind: its values, and the nested ones as JSON
    assert "<strong>Namespace shop</strong>" in generic and "<dt>status</dt><dd>phase=Active</dd>" in generic
    assert '<pre class="step-json" tabindex="0">{\n  &quot;spec&quot;: {\n    &quot;finalizers&quot;: [' in generic

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


def test_a_prometheus_answer_is_a_table_of_series() -> None:
    from mcp_bridge.servers.prometheus.summaries import summarise

    text, structured = summarise("vector", [
        {"metric": {"__name__": "container_memory_working_set_bytes", "pod": "checkout-1"}, "value": [1, "2.5e8"]},
        {"metric": {"__name__": "container_memory_working_set_bytes", "pod": "<checkout-2>"}, "value": [1, "1e8"]},
    ], 20)
    step = make_step("query", output=text, structured=structured)
    box = output_of(reader().get(f"/console/incidents/{step.run.incident_id}/").content.decode(), step)
    assert "<caption>Series (2)</caption>" in box
    assert ('<td class="long">container_memory_working_set_bytes{pod=&quot;checkout-1&quot;}</td>'
            "<td>250000000.0</td>") in box
    assert "pod=&quot;&lt;checkout-2&gt;&quot;" in box and "2 series (instant" in box  # the raw text


def test_unknown_results_are_pretty_json_text_stays_text_and_errors_read_as_errors() -> None:
    unknown = make_step("echo", output='{"answer": {"value": 42, "html": "<i>x</i>"}}')
    text = make_step("rollout_restart", output="deployment.apps/checkout restarted")
    failed = make_step("scale_deployment", error="refused: the server runs in --read-only mode", status="failed")
    deep = make_step("echo2", output="[" * 100_000 + "]" * 100_000)  # deeper than Python's JSON parser goes
    client = reader()
    deep_box = output_of(client.get(f"/console/incidents/{deep.run.incident_id}/").content.decode(), deep)
    assert '<pre class="step-text" tabindex="0">[[[[' in deep_box and "190000 more characters" in deep_box
    for step_run in (unknown, text, failed):
        box = output_of(client.get(f"/console/incidents/{step_run.run.incident_id}/").content.decode(), step_run)
        if step_run is unknown:
            assert '<pre class="step-json" tabindex="0">{\n  &quot;answer&quot;: {\n    &quot;value&quot;: 42,' in box
            assert "&lt;i&gt;x&lt;/i&gt;" in box and "<i>x</i>" not in box
        elif step_run is text:
            assert '<pre class="step-text" tabindex="0">deployment.apps/checkout restarted</pre>' in box
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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.mark.django_db(transaction=True)
def test_in_chromium_long_tokens_and_500_events_stay_inside_the_output_box(live_server: object) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("AIOPS_REQUIRE_BROWSER"):
            pytest.fail("AIOPS_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from django.conf import settings
    from playwright.sync_api import expect, sync_playwright

    logs = make_step("get_pod_logs", output=f"booting\n{'z' * 1900}\n<script>window.pwned = 1</script>\n"
                                            "panic: cannot connect to postgres:5432\n")
    events = [{"type": "Warning", "reason": "BackOff", "message": f"{'m' * 400} {n}", "count": n} for n in range(500)]
    described = {"name": "checkout-1", "namespace": "shop", "phase": "Running", "events": events}
    StepRun.objects.create(run=logs.run, order=2, name="describe", server="kubernetes", tool="describe_pod",
                           risk="LOW", status="succeeded", output=json.dumps(described), structured=described)
    client = Client()
    client.force_login(make_user("oncall", "remediation.view_steprun"))
    url = f"{live_server.url}/console/incidents/{logs.run.incident_id}/"  # type: ignore[attr-defined]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
            page = context.new_page()
            page.goto(url)
            box = page.locator(f"#step-output-{logs.pk}")
            box.locator("details.log-all > summary").click()
            box.locator("details.step-raw > summary").click()
            expect(box.locator("details.step-raw pre")).to_contain_text("<script>window.pwned = 1</script>")
            expect(box.locator("mark").first).to_have_text("panic: cannot connect to postgres:5432")
            # The page does not scroll sideways; each output box stays within its section.
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            section = page.locator("section[aria-labelledby=h-steps]").bounding_box()
            for step_box in page.locator(".step-output").all():
                shape = step_box.bounding_box()
                assert section and shape and shape["x"] + shape["width"] <= section["x"] + section["width"] + 1
            assert page.locator(f"#step-output-{logs.pk} tr.hit mark").evaluate(
                "mark => getComputedStyle(mark).backgroundColor") == "rgb(90, 30, 30)"  # the styles pass the CSP
            assert page.evaluate("window.pwned") is None
        finally:
            browser.close()
