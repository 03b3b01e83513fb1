"""The database unreachable for a few seconds: clean 503 answers, then recovery by
itself (no restart), through a proxy the test cuts on 127.0.0.1."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from .gunicorn import Server
from .proxy import Proxy


@pytest.fixture
def proxied(seeded, tmp_path):
    parts = urlsplit(seeded.url)
    proxy = Proxy(parts.hostname, parts.port or 5432)
    netloc = parts.netloc.replace(
        f"{parts.hostname}:{parts.port or 5432}", f"127.0.0.1:{proxy.port}"
    )
    if netloc == parts.netloc:  # the URL named no port
        netloc = parts.netloc.replace(parts.hostname, f"127.0.0.1:{proxy.port}")
    server = Server(urlunsplit(parts._replace(netloc=netloc)), tmp_path, workers=2)
    server.start()
    yield proxy, server
    server.stop()
    proxy.close()


def _ask(http: requests.Session, base: str, rounds: int) -> list[int]:
    """``rounds`` API and page requests; their statuses (a bounded loop)."""
    statuses = []
    for _ in range(rounds):
        answer = http.get(f"{base}/api/v1/tasks", timeout=15)
        statuses.append(answer.status_code)
        if answer.status_code == 503:
            assert answer.headers["Content-Type"].startswith("application/json")
            assert answer.json()["error"] and answer.headers["Retry-After"]
    return statuses


def _sign_in(base: str) -> requests.Response:
    """A sign-in attempt from a browser: a page that needs the database."""
    from tests.support.webapp import csrf_token

    browser = requests.Session()
    form = browser.get(f"{base}/dang-nhap", timeout=15)
    return browser.post(
        f"{base}/dang-nhap",
        timeout=15,
        data={"csrf_token": csrf_token(form.text), "username": "load0", "password": "wrong"},
    )


def test_database_outage_answers_503_then_recovers(proxied, seeded):
    proxy, server = proxied
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {seeded.tokens[0]}"
    assert set(_ask(http, server.base, 8)) == {200}

    proxy.interrupt()
    started = time.monotonic()
    assert set(_ask(http, server.base, 8)) == {503}
    assert time.monotonic() - started < 30, "requests hung instead of failing"
    page = _sign_in(server.base)
    assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
    assert "Traceback" not in page.text
    time.sleep(3)

    proxy.restore()
    # The pool recovers on its own: pre-ping replaces the dead connections.
    deadline = time.monotonic() + 15
    statuses = []
    while time.monotonic() < deadline and statuses[-4:] != [200] * 4:
        statuses += _ask(http, server.base, 1)
        time.sleep(0.2)
    assert statuses[-4:] == [200] * 4, statuses
    assert set(statuses) <= {200, 503}
