"""The walking skeleton, end to end through real processes and a real browser.

runstack starts embedded (or configured) Redis, the simulated cluster, daphne, a Celery worker and
Celery beat. Beat schedules the poll, the worker detects the crash loop, the default rule opens an
incident and starts the playbook; LOW steps run through the MCP bridge on the bundled Kubernetes MCP
server; the MEDIUM restart waits for an approval that Chromium clicks; the simulated cluster heals and
the next poll resolves the incident, which the page shows without reloading.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.stack import running_stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.e2e]


def _require_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("AIOPS_REQUIRE_BROWSER"):
            pytest.fail("AIOPS_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")


def test_a_crash_loop_is_detected_approved_in_the_browser_and_healed(tmp_path):
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    with running_stack(tmp_path) as stack:
        print(f"\nmake-run equivalent: /ready answered 200 after {stack.seconds_to_ready:.1f}s")
        password = (stack.var_dir / "admin_password").read_text().strip()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{stack.base_url}/console/")
                page.fill("#id_username", "admin")
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                expect(page.locator("#live")).to_have_text("live", timeout=15_000)

                # Detection, incident, playbook, LOW steps: all without anyone touching anything.
                approve = page.locator("button.approve").first
                expect(approve).to_be_visible(timeout=120_000)
                steps = page.locator("[data-step-status]")
                expect(steps.nth(0)).to_have_text("succeeded")
                expect(steps.nth(1)).to_have_text("succeeded")
                expect(steps.nth(2)).to_have_text("waiting_approval")
                expect(page.locator("#h-incidents")).to_have_text("Open incidents (1)")
                # The LOW step fetched the crashing container's logs from the cluster through MCP.
                expect(page.locator("#h-runs ~ div pre").first).to_contain_text("Error", timeout=5_000)

                # That step by its id from here on: a later run would be listed above it.
                step_id = steps.nth(2).get_attribute("data-step-status")
                restart = page.locator(f'[data-step-status="{step_id}"]')
                run_id = page.locator("[data-run-status]").first.get_attribute("data-run-status")

                # The incident's own page, open in a second tab, follows along without reloading.
                incident_page = context.new_page()
                incident_link = page.locator("#h-incidents ~ table a").first.get_attribute("href") or ""
                incident_page.goto(stack.base_url + incident_link)
                incident_page.wait_for_url("**/console/incidents/*/")
                expect(incident_page.locator("#live")).to_have_text("live", timeout=15_000)
                expect(incident_page.locator(f"#step-{step_id}")).to_contain_text("waiting_approval")
                incident_page.evaluate("window.__sameDocument = true")

                # Decided with the keyboard alone: type the reason, Tab to Approve, Enter. No reload.
                page.evaluate("window.__sameDocument = true")
                approval_id = approve.get_attribute("id").removeprefix("approve-")
                # The card says what the root cause is and whether the restart fits it.
                expect(page.locator(f"#verdict-{approval_id}")).to_contain_text("application_crash")
                expect(page.locator(f"#verdict-{approval_id}")).to_contain_text("a restart clears a crash")
                page.focus(f"#reason-{approval_id}")
                page.keyboard.type("restart is the runbook's first step")
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.id") == f"approve-{approval_id}"
                page.keyboard.press("Enter")
                expect(page.locator("#notices")).to_contain_text(f"Approval #{approval_id}: approved.")

                expect(restart).to_have_text("succeeded", timeout=60_000)
                expect(page.locator(f'[data-run-status="{run_id}"]')).to_have_text("Succeeded", timeout=30_000)
                expect(page.locator("#h-incidents")).to_have_text("Open incidents (0)", timeout=60_000)
                # Pushed over the websocket: the page was never reloaded after the approval.
                assert page.evaluate("window.__sameDocument") is True
                expect(incident_page.locator(f"#step-{step_id}")).to_contain_text("succeeded")
                expect(incident_page.locator("#incident-status")).to_have_text("resolved", timeout=30_000)
                expect(incident_page.locator("#timeline")).to_contain_text("restart is the runbook's first step")
                assert incident_page.evaluate("window.__sameDocument") is True

                audit = page.locator("#h-audit ~ table")
                for action in ("incident.opened", "playbook.started", "approval.requested", "approval.approved",
                               "step.succeeded", "playbook.succeeded", "incident.resolved"):
                    expect(audit).to_contain_text(action)
                browser.close()
        except BaseException:
            print(stack.log()[-20_000:])
            raise
        finally:
            exit_code = stack.stop()
    assert exit_code == 0, stack.log()[-5_000:]
    assert "Stack stopped." in stack.log()
