"""Every console page in a real browser, from a phone to a desktop: axe-core finds no serious or critical WCAG 2 A/AA
violation, the document never scrolls sideways, and no badge, time, actor or name is drawn on two lines. An approver
on a phone approves with a thumb, and the console shows the decision without a reload.

Screenshots of each page at each width go to test-artifacts/screenshots/ (or $AIOPS_TEST_ARTIFACTS/screenshots/).
To check one more page, add a line to PAGES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from django.utils import timezone

from incidents.audit import audit
from incidents.models import AuditEntry, ClusterEvent, Incident, RootCauseReport, Severity
from remediation.models import Approval, PlaybookRun, Risk, StepRun
from tests import browser as harness
from tests.factories import make_cluster, make_event, make_pending_approval, make_playbook, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

WIDTHS = (360, 390, 768, 1400, 1920)  # CSS pixels: small and common phones, a tablet, desktops
AXE_WIDTHS = (390, 1400)


@dataclass
class Seed:
    """What the pages show: ids for their URLs, and the user they are seen as."""

    user: Any
    incident_id: int
    approval_id: int
    step_id: int  # a step whose output is a log


class ConsolePage(NamedTuple):
    name: str
    url: Callable[[Seed], str]
    signed_in: bool = True
    press: str = ""  # a button to press first (a page a form leads to)
    shows: tuple[str, ...] = ()  # selectors the page must show, so that the checks have something to measure
    status: int = 200  # what the page answers (a refused search is a 400, which the browser logs as an error)


PAGES = [
    ConsolePage("console", lambda seed: "/console/", shows=(".badge", "time.reltime", ".actor", ".approval")),
    ConsolePage("incident", lambda seed: f"/console/incidents/{seed.incident_id}/",
                shows=(".badge", "time.reltime", ".actor", "#events tr", "pre")),
    ConsolePage("history", lambda seed: "/console/incidents/?q=checkout", shows=("#incident-results tr", ".badge")),
    ConsolePage("history-refused", lambda seed: "/console/incidents/?severity=%3Cscript%3E&q=%25_%27",
                shows=("#incident-problems",), status=400),
    ConsolePage("step-output", lambda seed: f"/console/steps/{seed.step_id}/output/", shows=(".log-lines td",)),
    ConsolePage("overview", lambda seed: "/console/overview/", shows=("svg", "#mtta")),
    ConsolePage("start-playbook", lambda seed: "/console/playbooks/start/", shows=("#start-workload",)),
    ConsolePage("link-code", lambda seed: "/console/chat-link/", shows=("#new-code",)),
    ConsolePage("link-code-issued", lambda seed: "/console/chat-link/", press="#new-code", shows=("#link-command",)),
    ConsolePage("login", lambda seed: "/accounts/login/", signed_in=False, shows=("#id_username",)),
]

# The relative times the seeded pages show, as reltime.js words them.
RELATIVE = {"just now", "3 h ago"} | {f"{n} s ago" for n in range(10, 60)} | {f"{n} min ago" for n in range(1, 10)}
LONG_TOKEN = "sha256:" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def seed_console() -> Seed:
    """A busy console: incidents of each severity, events with long messages, a run with output, retries and a
    failure, a root cause, two pending approvals (one already approved once), audit entries by people and rules."""
    user = make_user("oncall-platform-team", "remediation.approve_medium", "remediation.approve_high",
                     "remediation.view_steprun", "remediation.start_playbook")
    cluster = make_cluster("production-eu-west-1")
    event = make_event(cluster, namespace="payments-checkout", object_name="checkout-api-7c9f8d6b5-x2k4q",
                       message=f"Back-off restarting failed container api (image registry.example.com/shop/"
                               f"checkout-api@{LONG_TOKEN}); 14 restarts in the last 10 minutes", flapping=True)
    earlier = timezone.now() - timedelta(hours=3, minutes=12)
    incident = Incident.objects.create(
        opened_at=earlier,
        fingerprint=event.fingerprint, group_key=event.group_key, cluster=cluster, severity=Severity.CRITICAL,
        title="CrashLoopBackOff: payments-checkout/checkout-api-7c9f8d6b5-x2k4q keeps restarting after the deploy",
        namespace="payments-checkout", object_kind="Pod", object_name="checkout-api-7c9f8d6b5-x2k4q")
    ClusterEvent.objects.filter(pk=event.pk).update(incident=incident)
    for reason, severity in (("OOMKilled", Severity.WARNING), ("NodeNotReady", Severity.INFO)):
        other = make_event(cluster, reason=reason, severity=severity, object_name=f"{reason.lower()}-worker-3")
        Incident.objects.create(fingerprint=other.fingerprint, group_key=other.group_key, severity=severity,
                                title=f"{reason}: shop/{other.object_name}",
                                status=Incident.Status.ACKNOWLEDGED if severity == Severity.WARNING else "open")
    make_event(cluster, reason="BackOff", status="resolved", namespace="payments-checkout",
               object_name="checkout-api-7c9f8d6b5-x2k4q", message="Resolved", incident=incident)

    playbook = make_playbook("restart-crashlooping-deployment")
    run = PlaybookRun.objects.create(playbook=playbook, incident=incident, trigger_event=event,
                                     status=PlaybookRun.Status.WAITING_APPROVAL)
    steps = [
        dict(name="Read the crashing container's logs", tool="get_pod_logs", risk=Risk.LOW,
             status=StepRun.Status.SUCCEEDED, output="\n".join(
                 f"2026-12-07T12:0{i}:00Z ERROR connecting to orders-db.payments.svc.cluster.local:5432 "
                 f"failed: {LONG_TOKEN}" for i in range(8))),
        dict(name="Describe the deployment", tool="describe_resource", risk=Risk.LOW, attempts=3,
             status=StepRun.Status.FAILED, error="timed out after 60 s waiting for the API server"),
        dict(name="Restart the deployment", tool="rollout_restart", risk=Risk.MEDIUM,
             status=StepRun.Status.WAITING_APPROVAL),
    ]
    made = [StepRun.objects.create(run=run, order=order, server="kubernetes", arguments={
        "namespace": "payments-checkout", "name": "checkout-api", "container": "api"}, **step)
        for order, step in enumerate(steps, start=1)]
    approval = Approval.objects.create(step_run=made[-1], expires_at=timezone.now() + timedelta(minutes=9))
    high = make_pending_approval(Risk.HIGH)
    Approval.objects.filter(pk=high.pk).update(first_approved_by=make_user("second-approver"),
                                               first_approved_at=timezone.now())
    RootCauseReport.objects.create(
        incident=incident, category="application_crash", confidence=0.82,
        summary="The container exits with status 1 at start: it cannot reach orders-db.",
        report={"evidence_chain": [f"logs: ERROR connecting to orders-db ({LONG_TOKEN})", "restarts: 14 in 10 min"],
                "recommended_actions": ["restart the deployment", "check the orders-db service"]})
    opened = audit("incident.opened", incident=incident, target=incident, message="Opened by rule crashloop")
    AuditEntry.objects.filter(pk=opened.pk).update(at=earlier)  # entries are append-only: no save()
    ClusterEvent.objects.filter(pk=event.pk).update(recorded_at=earlier)
    audit("playbook.started", incident=incident, target=run, actor_label="rule crashloop",
          message=f"restart-crashlooping-deployment for {incident.title}")
    audit("approval.requested", incident=incident, target=approval, actor=user, via="web",
          message=f"'Restart the deployment' waits for a MEDIUM approval; arguments {LONG_TOKEN}")
    return Seed(user=user, incident_id=incident.pk, approval_id=approval.pk, step_id=made[0].pk)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    # Playwright's sync API keeps its event loop set on this thread (in another greenlet) while the test's own code
    # runs: Django would take the test's ORM calls for calls from async code.
    with pytest.MonkeyPatch.context() as patch, harness.chromium() as browser:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        yield browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with harness.console_server() as url:
        yield url


def _settled(page: Any) -> None:
    """Wait until the page stops changing: on a page with live panels, the websocket is live and the panels were
    re-rendered once (networkidle: no request for 500 ms)."""
    from playwright.sync_api import expect

    if harness.count(page, "#panels[data-refresh]"):
        expect(page.locator("#live")).to_have_text("live", timeout=15_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("console_page", PAGES, ids=[page.name for page in PAGES])
def test_the_page_reads_at_every_width_and_axe_finds_nothing_serious(console_page, chromium, base_url):
    seed = seed_console()
    context = harness.new_context(chromium, width=WIDTHS[0], base_url=base_url,
                                  user=seed.user if console_page.signed_in else None)
    try:
        page = context.new_page()
        errors: list[str] = []  # a script or style the page's CSP refused shows up here
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(base_url + console_page.url(seed))
        if console_page.press:
            page.click(console_page.press)
        _settled(page)
        for selector in console_page.shows:
            assert harness.count(page, selector), f"{console_page.name}: nothing matches {selector}"
        assert set(harness.relative_times_redrawn(page)) <= RELATIVE, "reltime.js words times as the server does"
        problems, shots = [], []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            shots.append(harness.screenshot(page, f"{console_page.name}-{width}"))
            if overflow := harness.horizontal_overflow(page):
                problems.append(f"{width}px: the document is {overflow}px wider than the window")
            problems += [f"{width}px: {value}" for value in harness.broken_values(page)]
            if width in AXE_WIDTHS and (violations := harness.serious_violations(page)):
                print(f"\naxe-core {harness.AXE_VERSION} on {console_page.name} at {width}px:\n"
                      + harness.describe_violations(violations))
                problems += [f"{width}px: axe {violation['id']} ({violation['impact']})" for violation in violations]
        expected = f"the server responded with a status of {console_page.status}"
        problems += [f"browser console: {error}" for error in errors
                     if console_page.status == 200 or expected not in error]
    finally:
        context.close()  # its websocket too, before the test's data goes
    print(f"\nscreenshots of {console_page.name}: {shots[0].parent}/{console_page.name}-*.png")
    assert not problems, "\n".join(problems)


def test_an_approver_approves_with_a_thumb_on_a_phone_and_sees_it_without_a_reload(chromium, base_url):
    make_user("approver", "remediation.approve_medium")
    approval = make_pending_approval()
    context = harness.new_context(chromium, width=390, height=844, touch=True)  # a phone, held upright
    try:
        _approve_on_a_phone(context.new_page(), base_url, approval)
    finally:
        context.close()
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by.username, approval.decided_via) == ("approved", "approver", "web")


def _approve_on_a_phone(page: Any, base_url: str, approval: Approval) -> None:
    from playwright.sync_api import expect

    step_id = approval.step_run_id
    page.goto(f"{base_url}/console/")
    page.fill("#id_username", "approver")
    page.fill("#id_password", "correct horse battery")
    page.tap("button[type=submit]")
    page.wait_for_url(f"{base_url}/console/")
    _settled(page)
    page.evaluate("window.__sameDocument = true")

    approve = page.locator(f"#approve-{approval.pk}")
    box = approve.bounding_box()
    reject = page.locator(f"#reject-{approval.pk}").bounding_box()
    assert box is not None and reject is not None
    assert box["height"] >= 44 and box["width"] >= 44 and reject["height"] >= 44, (box, reject)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, box
    harness.screenshot(page, "approve-on-phone-390-before")

    approve.tap()
    expect(page.locator("#notices")).to_contain_text(f"Approval #{approval.pk}: approved.")
    expect(page.locator(f"#approval-{approval.pk}")).to_have_count(0)
    expect(page.locator("#h-approvals")).to_have_text("Pending approvals (0)")
    expect(page.locator(f'[data-step-status="{step_id}"]')).to_have_text("queued")
    harness.screenshot(page, "approve-on-phone-390-after")
    assert page.evaluate("window.__sameDocument") is True


@pytest.mark.parametrize("width", [390, 1400])
def test_an_engineer_finds_an_incident_by_search_and_reads_its_step_result(width, chromium, base_url):
    """From the header's Incidents link: search for the workload, open the incident, read the log step's result
    (the analyzer's matched lines marked) and its raw output, at a phone's and a desktop's width."""
    from playwright.sync_api import expect

    seed = seed_console()
    context = harness.new_context(chromium, width=width, height=844, base_url=base_url, user=seed.user)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/console/")
        _settled(page)
        page.click("#incidents-link")
        page.fill("#id_q", "checkout-api")
        page.click("#incident-search-button")
        expect(page.locator("#incident-count")).to_contain_text("1 incident")
        harness.screenshot(page, f"search-{width}")
        page.click(f"#history-{seed.incident_id} a")
        page.wait_for_url(f"{base_url}/console/incidents/{seed.incident_id}/")
        _settled(page)
        output = page.locator(f"#step-output-{seed.step_id}")
        expect(output.locator(".log-lines td.line-text").first).to_contain_text("ERROR connecting to orders-db")
        page.click(f"#step-raw-{seed.step_id} summary")
        expect(page.locator(f"#step-raw-{seed.step_id} pre")).to_be_visible()
        harness.screenshot(page, f"step-result-{width}")
        assert not harness.horizontal_overflow(page)
    finally:
        context.close()
