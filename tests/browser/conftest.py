"""Browser tests: Playwright driving Debian's Chromium against a live server.

The server is the real app (create_app) on a free loopback port, in a thread, over a
copy of the SQLite database holding the demo organisation tree, the deployed admission
process and one user per body (tests/support/webapp.py's USERS, password "pw-" + name).
Without /usr/bin/chromium these tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The app over a copy of the seeded database in ``directory``, served on
    127.0.0.1:<free port> (working directory: ``directory``); yields its base URL."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        app = seeded_app(directory)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(10)


@contextmanager
def new_page(browser, base_url: str):
    """A page in a browser context of its own (no cookies, no cache) on ``base_url``."""
    context = browser.new_context(
        base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def live_server(tmp_path):
    """The app served on 127.0.0.1:<free port>; yields its base URL."""
    with serve(tmp_path) as base_url:
        yield base_url


@pytest.fixture
def page(browser, live_server):
    with new_page(browser, live_server) as page:
        yield page


def sign_in(page, name: str) -> None:
    """Sign out whoever is signed in, then sign in as ``name``."""
    page.context.clear_cookies()
    page.goto("/dang-nhap")
    page.fill("#username", name)
    page.fill("#password", password(name))
    page.click("button[type=submit]")
    # Attached, not visible: on a phone it is folded into the collapsed navigation.
    page.wait_for_selector("[data-testid=whoami]", state="attached")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
