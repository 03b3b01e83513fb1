"""The database unreachable for a few seconds, once or again and again: clean 503
answers with Retry-After (never a 500), then recovery by itself (no restart), through
a proxy the test cuts on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.support.webapp import csrf_token

from .conftest import start_cases
from .gunicorn import Server
from .load import PERSON
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


CUTS, CUT_SECONDS, BETWEEN = 3, 1.0, 1.5


@dataclass
class Answers:
    """(request, status) of every answer; the 503s without Retry-After apart, and the
    requests that got no answer at all (a connection dropped, or no answer in 15 s)."""

    seen: list[tuple[str, int]] = field(default_factory=list)
    without_retry_after: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str, answer: requests.Response) -> None:
        with self.lock:
            self.seen.append((what, answer.status_code))
            if answer.status_code == 503 and not answer.headers.get("Retry-After"):
                self.without_retry_after.append(what)

    def add_broken(self, err: Exception) -> None:
        with self.lock:
            self.broken.append(repr(err))

    def statuses(self) -> set[int]:
        return {status for _, status in self.seen}


def _api_client(base: str, token: str, case_id: int) -> Callable[[Answers], None]:
    """One round of API requests: reads, claim and unclaim, and completing the case's
    next task (reads and writes; 409 when a write lost to the page client)."""
    from workflows.admission import rules, steps

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"

    def round_(answers: Answers) -> None:
        answers.add("api: my tasks", http.get(f"{base}/api/v1/tasks", timeout=15))
        case = http.get(f"{base}/api/v1/cases/{case_id}", timeout=15)
        answers.add("api: case", case)
        if case.status_code != 200 or not case.json()["tasks"]:
            return
        task = case.json()["tasks"][0]
        for action in ("claim", "unclaim"):
            answers.add(
                f"api: {action}",
                http.post(f"{base}/api/v1/tasks/{task['id']}/{action}", timeout=15),
            )
        data = steps.step_data(task["step"], rules.today(), PERSON)
        answers.add(
            "api: complete",
            http.post(
                f"{base}/api/v1/tasks/{task['id']}/complete", json={"data": data}, timeout=15
            ),
        )

    return round_


def _page_client(base: str, user: str, case_id: int, task_id: int) -> Callable[[Answers], None]:
    """One round of a signed-in browser: the inbox and the case page, then claiming,
    commenting on and giving back a task (each a form post with its CSRF token)."""
    browser = requests.Session()
    form = browser.get(f"{base}/dang-nhap", timeout=15)
    signed_in = browser.post(
        f"{base}/dang-nhap",
        timeout=15,
        allow_redirects=False,
        data={"csrf_token": csrf_token(form.text), "username": user, "password": "unused"},
    )
    assert signed_in.status_code == 302, signed_in.text
    token = csrf_token(browser.get(f"{base}/", timeout=15).text)

    def post(path: str, **data: str) -> requests.Response:
        return browser.post(
            base + path, data={"csrf_token": token, **data}, timeout=15, allow_redirects=False
        )

    def round_(answers: Answers) -> None:
        answers.add("page: inbox", browser.get(f"{base}/", timeout=15))
        answers.add("page: case", browser.get(f"{base}/ho-so/{case_id}", timeout=15))
        answers.add("page: claim", post(f"/viec/{task_id}/nhan"))
        answers.add("page: comment", post(f"/viec/{task_id}/y-kien", body="Ý kiến thử."))
        answers.add("page: unclaim", post(f"/viec/{task_id}/tra-lai"))

    return round_


def _open_task(seeded, case_id: int) -> int:
    from sqlalchemy import select

    from engine.models import WorkItem

    factory = seeded.factory()
    with factory() as s:
        [task] = s.execute(
            select(WorkItem.id).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalars()
    factory.kw["bind"].dispose()
    return task


def _keep_asking(
    rounds: list[Callable[[Answers], None]], answers: Answers, stop: threading.Event
) -> list[threading.Thread]:
    """Each client in a thread of its own, round after round, until ``stop`` is set."""

    def run(round_):
        while not stop.is_set():
            try:
                round_(answers)
            except requests.RequestException as err:
                answers.add_broken(err)

    threads = [threading.Thread(target=run, args=(r,)) for r in rounds]
    for t in threads:
        t.start()
    return threads


def test_repeated_one_second_cuts_give_only_503s_and_successes(proxied, seeded, tmp_path):
    proxy, server = proxied
    api_case, page_case = start_cases(seeded, 2)
    clients = [
        _api_client(server.base, seeded.tokens[0], api_case),
        _page_client(server.base, "load1", page_case, _open_task(seeded, page_case)),
    ]
    answers = Answers()
    stop = threading.Event()
    threads = _keep_asking(clients, answers, stop)
    try:
        for _ in range(CUTS):
            time.sleep(BETWEEN)
            proxy.interrupt()
            time.sleep(CUT_SECONDS)
            proxy.restore()
        time.sleep(BETWEEN)
    finally:
        stop.set()
        for t in threads:
            t.join(30)

    assert answers.statuses() <= {200, 302, 409, 503}, sorted(
        {a for a in answers.seen if a[1] not in (200, 302, 409, 503)}
    )
    assert 503 in answers.statuses(), "no request met a cut: the test tested nothing"
    assert not answers.broken, answers.broken
    assert not answers.without_retry_after, answers.without_retry_after
    # After the cuts, every kind of request works again, without a restart.
    after = Answers()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        after = Answers()
        for round_ in clients:
            round_(after)
        if 503 not in after.statuses():
            break
        time.sleep(0.2)
    assert after.statuses() <= {200, 302, 409}, after.seen
    log = next(tmp_path.glob("gunicorn-*.log")).read_text(errors="replace")
    assert "Error handling request" not in log  # nothing escaped the app to gunicorn
