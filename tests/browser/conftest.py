"""Browser tests: Playwright driving Debian's Chromium against a live server.

The server is the real app (create_app) on a free loopback port, in a thread, over a
copy of the SQLite database holding the demo organisation tree, the deployed admission
process and one user per body (tests/support/webapp.py's USERS, password "pw-" + name).
Without /usr/bin/chromium these tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.support.webapp import (  # noqa: F401
    _cheap_password_hashing,  # autouse: cheap argon2 for every browser test
    password,
    seeded_app,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"

# Assertions wait as long as actions do (page.set_default_timeout below). Under
# pytest-xdist a browser test may share the two cores with a fault test's load
# generator, and a page's answer then takes longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but /usr/bin/chromium is missing: browser tests must run")
    pytest.skip("Chromium not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(tmp_path, monkeypatch):
    """The app served on 127.0.0.1:<free port>; yields its base URL."""
    monkeypatch.chdir(tmp_path)
    app = seeded_app(tmp_path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, name: str) -> None:
    """Sign out whoever is signed in, then sign in as ``name``."""
    page.context.clear_cookies()
    page.goto("/dang-nhap")
    page.fill("#username", name)
    page.fill("#password", password(name))
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
