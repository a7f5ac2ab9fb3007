"""The browser harness for console pages: Debian's Chromium driven by Playwright, the console served by uvicorn in a
thread of the test process (on the test's own database, so that tests seed it with factories), axe-core from npm
(pinned, installed once per machine), and measures taken inside the page.

    with console_server() as base_url, chromium() as browser:
        context = signed_in_context(browser, base_url, user, width=390)
        page = context.new_page(); page.goto(base_url + "/console/")
        assert not serious_violations(page)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import free_port
from tests.peers import npm_install

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--font-render-hinting=none"]
AXE = "axe-core"
AXE_VERSION = "4.14.1"
AXE_DIR = Path(tempfile.gettempdir()) / "aiops-test-peers" / f"axe-core-{AXE_VERSION}"
AXE_TAGS = ("wcag2a", "wcag2aa")
# Marks what must be drawn on one line: badges, times, actors, names (aiops_project/templatetags/console_ui.py).
ONE_LINE = ".one-line"


def _missing(what: str) -> None:
    if os.environ.get("AIOPS_REQUIRE_BROWSER"):
        pytest.fail(f"AIOPS_REQUIRE_BROWSER is set but {what}")
    pytest.skip(what)


def require_browser() -> None:
    """Skip (fail under AIOPS_REQUIRE_BROWSER) without Chromium, or without node and npm while axe-core is not
    installed yet."""
    if not CHROMIUM.exists():
        _missing("/usr/bin/chromium is missing (apt-get install chromium)")
    if not axe_script().exists() and (shutil.which("npm") is None or shutil.which("node") is None):
        _missing("node and npm are missing: axe-core comes from npm (apt-get install nodejs npm)")


def axe_script() -> Path:
    return AXE_DIR / "node_modules" / AXE / "axe.min.js"


def install_axe() -> Path:
    """axe.min.js of the pinned axe-core, installed with npm on first use (one folder per version)."""
    script = axe_script()
    if not script.exists():
        require_browser()
    return npm_install(AXE_DIR, AXE, AXE_VERSION, script)


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium (Playwright's sync API), closed at the end."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def console_server() -> Iterator[str]:
    """The production ASGI application (HTTP, static files, the console websocket) under uvicorn on a free loopback
    port, in a thread of this process: it reads the test's database and Redis. Yields its base URL."""
    from aiops_project import asgi  # before uvicorn.server: uvicorn's own tick, so that stopping is quick

    # isort: split
    import uvicorn
    from django.db import connections

    # Every thread's connection closes when its request or websocket call ends (Django's close_old_connections):
    # none is left open when the test database is dropped (PostgreSQL refuses while one is).
    database = connections["default"].settings_dict
    conn_max_age, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi.application, host="127.0.0.1", port=port, lifespan="off",
                                           ws="websockets", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="console-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        asgi.django_asgi_app.threads.close()  # the request threads' database connections
        database["CONN_MAX_AGE"] = conn_max_age


def session_cookie(base_url: str, user: Any) -> dict[str, Any]:
    """A logged-in session for `user`, as the browser cookie the console reads (the login form has its own test)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": base_url}


def new_context(browser: Any, *, width: int, height: int = 900, user: Any = None, base_url: str = "",
                touch: bool = False) -> Any:
    """A browser context of `width` x `height` CSS pixels (`touch`: a phone's touch screen) with axe-core injected
    into every page, signed in as `user`."""
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch,
                                  device_scale_factor=1)
    context.add_init_script(path=str(install_axe()))  # by the debugging protocol: the page's CSP does not apply
    if user is not None:
        context.add_cookies([session_cookie(base_url, user)])
    return context


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's wcag2a/wcag2aa violations of impact serious or critical on the page as it is now."""
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), why: n.failureSummary}))}));
    }""", list(AXE_TAGS))


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines += [f"    {node['target']}: {' '.join(node['why'].split())}" for node in violation["nodes"]]
    return "\n".join(lines)


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the document is wider than the viewport (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def broken_values(page: Any, selector: str = ONE_LINE) -> list[str]:
    """The visible elements matching `selector` drawn on more than one line (their text's boxes, grouped by the
    vertical space they take), or cut short by an ellipsis; empty when all read whole on one line."""
    return page.evaluate("""(selector) => {
        const found = [];
        for (const el of document.querySelectorAll(selector)) {
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height || !el.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(el);
            const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0)
                .sort((a, b) => a.top - b.top);
            let lines = 0, bottom = -Infinity;
            for (const r of rects) if (r.top >= bottom - 1) { lines += 1; bottom = r.bottom; }
                                   else bottom = Math.max(bottom, r.bottom);
            const cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "hidden";
            if (lines > 1 || cut) found.push(`${lines > 1 ? lines + " lines" : "cut"}: ${el.outerHTML.slice(0, 160)}`);
        }
        return found;
    }""", selector)


def relative_times_redrawn(page: Any) -> list[str]:
    """The page's relative times as its script (static/console/reltime.js) words them once they are wiped."""
    return page.evaluate("""() => {
        const times = [...document.querySelectorAll("time.reltime")];
        times.forEach(el => { el.textContent = ""; });
        window.relativeTimes();
        return times.map(el => el.textContent);
    }""")


def count(page: Any, selector: str) -> int:
    return int(page.evaluate("(s) => document.querySelectorAll(s).length", selector))


def artifacts_dir() -> Path:
    """Where screenshots go: $AIOPS_TEST_ARTIFACTS, else test-artifacts/ at the repository root (git-ignored)."""
    return Path(os.environ.get("AIOPS_TEST_ARTIFACTS") or ROOT / "test-artifacts")


def screenshot(page: Any, name: str) -> Path:
    path = artifacts_dir() / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
