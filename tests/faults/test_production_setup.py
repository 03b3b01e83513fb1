"""The README's production section, followed as written on a fresh PostgreSQL database:
a plain ``postgresql://`` DATABASE_URL, the CLI migrating and seeding, gunicorn serving
``web:create_app()``, a timer worker and a notification worker looping beside it (the
latter mailing through an SMTP server on loopback), nginx in front from the repo's site
file, and a user signing in over HTTPS through it (the app seeing the user's address,
not nginx's).

It once failed half-way: the CLI read ``postgresql://`` as psycopg 3, the app factory
as psycopg2 (which we do not ship), so gunicorn's workers never booted.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import requests.adapters
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from engine.cases import unit_of_work
from engine.models import Event
from engine.outbox import Reason, enqueue
from engine.settings import Settings, normalised_url
from tests.support.databases import empty_postgres
from tests.support.mail import SmtpServer

from . import nginx
from .gunicorn import Server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The README's steps, in its order: what this test runs (the arguments aside).
STEPS = (
    "ketnap db upgrade",
    "ketnap orgs import",
    "ketnap deploy",
    "ketnap users add",
    "gunicorn -w",
    "ketnap timers run --loop",
    "ketnap notify run --loop",
)
# Then, as root, nginx: what the test does instead of each (it installs nothing, writes
# nothing outside its directory): ensure-nginx.sh installed the package, the site file
# is rendered into the test's directory, and nginx runs from there (``nginx.Nginx``).
NGINX_STEPS = (
    "apt-get install nginx",
    f"cp {nginx.SITE.relative_to(ROOT)} /etc/nginx/sites-available/ketnap.conf",
    "ln -s /etc/nginx/sites-available/ketnap.conf /etc/nginx/sites-enabled/ketnap.conf",
    "rm /etc/nginx/sites-enabled/default",
    "nginx -t && systemctl reload nginx",
)
EXPORTED = {
    "DATABASE_URL",
    "KETNAP_SECRET_KEY",
    "KETNAP_SECURE_COOKIES",
    "KETNAP_PROXY_HOPS",
    "KETNAP_SMTP_URL",
    "KETNAP_MAIL_FROM",
    "KETNAP_BASE_URL",
}
USER, PASSWORD, UNIT = "chibo-thpt", "mat-khau-dai-2025", "THPT-TP"
EMAIL = "chibo-thpt@ketnap.test"
CLIENT = "127.0.0.2"  # the user's address: loopback, but not the one nginx connects from


def _production_block() -> list[str]:
    """The lines of the README's production shell block, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_this_test_does_what_the_readme_says():
    lines = _production_block()
    exported = dict(
        line[len("export ") :].split("=", 1) for line in lines if line.startswith("export ")
    )
    assert set(exported) == EXPORTED
    assert exported["DATABASE_URL"].startswith("postgresql://")
    assert exported["KETNAP_SECURE_COOKIES"] == "1" and exported["KETNAP_PROXY_HOPS"] == "1"
    commands = [line[len(".venv/bin/") :] for line in lines if line.startswith(".venv/bin/")]
    assert len(commands) == len(STEPS)
    assert all(command.startswith(step) for command, step in zip(commands, STEPS, strict=True))
    # gunicorn listens where the site file's upstream points.
    [gunicorn] = [c for c in commands if c.startswith("gunicorn")]
    assert f"-b {nginx.UPSTREAM} " in gunicorn
    rest = [line for line in lines if not line.startswith(("export ", ".venv/bin/"))]
    assert tuple(rest) == NGINX_STEPS


@pytest.fixture
def mail_server():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def environment(pg_database, monkeypatch, mail_server):
    """The README's exports over a fresh database, in this process's environment too
    (``Server`` hands its environment to gunicorn); nothing else of ketnap's set. Mail
    goes to the test's SMTP server (no password, no TLS on loopback)."""
    for name in list(os.environ):
        if name.startswith("KETNAP_") and name != "KETNAP_TEST_PG_URL":
            monkeypatch.delenv(name)
    with empty_postgres(pg_database.url, "ketnap_production") as url:
        # The scheme the README writes, not the psycopg one the test server is named by.
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        assert plain.startswith("postgresql://")
        monkeypatch.setenv("DATABASE_URL", plain)
        monkeypatch.setenv("KETNAP_SECRET_KEY", "faults")  # what Server gives gunicorn
        monkeypatch.setenv("KETNAP_SECURE_COOKIES", "1")
        monkeypatch.setenv("KETNAP_PROXY_HOPS", "1")
        monkeypatch.setenv("KETNAP_SMTP_URL", mail_server.url)
        monkeypatch.setenv("KETNAP_MAIL_FROM", "ketnap <ketnap@ketnap.test>")
        monkeypatch.setenv("KETNAP_BASE_URL", "https://ketnap.test")
        yield dict(os.environ)


def _ketnap(env, cwd, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "ketnap"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"ketnap {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from ``address``: a client other than nginx, as the app should see."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _browser(front: nginx.Nginx) -> requests.Session:
    """A browser at CLIENT trusting the test's certificate; it claims another address in
    X-Forwarded-For, which nginx must replace with the one it saw."""
    browser = requests.Session()
    browser.mount("https://", _FromAddress(CLIENT))
    browser.trust_env = False  # else REQUESTS_CA_BUNDLE would win over ``verify``
    browser.verify = str(front.cert)
    browser.headers["X-Forwarded-For"] = "10.9.9.9"
    return browser


def _sign_in(browser: requests.Session, base: str) -> None:
    """Sign in with the login form over HTTPS; the session cookie must be Secure."""
    page = browser.get(base + "/dang-nhap", timeout=10)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        base + "/dang-nhap",
        timeout=10,
        allow_redirects=False,
        headers={"Referer": base + "/dang-nhap"},  # as a browser sends it over HTTPS
        data={"username": USER, "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302, answer.text
    [cookie] = [c for c in browser.cookies if c.name == "session"]
    assert cookie.secure, "KETNAP_SECURE_COOKIES=1 but the session cookie is not Secure"


def _sign_in_addresses(url: str) -> list[str | None]:
    engine = create_engine(normalised_url(url))
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(select(Event.client).where(Event.kind == "signed_in")).scalars()
            )
    finally:
        engine.dispose()


def _too_large(front: nginx.Nginx) -> int:
    """The status of a request announcing one byte more than the app takes (no body:
    nginx must refuse it from the headers alone)."""
    context = ssl.create_default_context(cafile=str(front.cert))
    conn = http.client.HTTPSConnection("127.0.0.1", front.https_port, context=context, timeout=10)
    try:
        conn.putrequest("POST", "/dang-nhap")
        conn.putheader("Content-Length", str(Settings().max_request_bytes + 1))
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _notify(url: str, name: str) -> None:
    """A notification for ``name``, written as an operation writes one."""
    engine = create_engine(normalised_url(url))
    try:
        with unit_of_work(sessionmaker(engine)) as session:
            enqueue(session, Reason("task_new", users=(name,), data={"title": "Thử thư"}))
    finally:
        engine.dispose()


def _wait_for_mail(server: SmtpServer, address: str, seconds: float = 20) -> list:
    deadline = time.monotonic() + seconds
    while not server.inbox.to(address) and time.monotonic() < deadline:
        time.sleep(0.2)
    return server.inbox.to(address)


def test_the_production_section_runs_as_written(environment, mail_server, tmp_path):
    env = environment
    assert "database is up to date" in _ketnap(env, tmp_path, "db", "upgrade")
    _ketnap(env, tmp_path, "orgs", "import", str(ROOT / "workflows/admission/data/org_demo.yaml"))
    _ketnap(env, tmp_path, "deploy", str(ROOT / "bpmn"))
    _ketnap(
        env,
        tmp_path,
        "users",
        "add",
        USER,
        "--unit",
        UNIT,
        "--role",
        "reviewer",
        "--password",
        PASSWORD,
        "--email",
        EMAIL,
    )

    nginx.require_nginx()
    server = Server(env["DATABASE_URL"], tmp_path, workers=1)
    front = nginx.Nginx(server.port, tmp_path)
    timer_log = open(tmp_path / "timers.log", "w+b")
    timers = subprocess.Popen(
        [str(BIN / "ketnap"), "timers", "run", "--loop"],
        env=env,
        cwd=tmp_path,
        stdout=timer_log,
        stderr=subprocess.STDOUT,
    )
    notify_log = open(tmp_path / "notify.log", "w+b")
    notify = subprocess.Popen(
        [str(BIN / "ketnap"), "notify", "run", "--loop"],
        env={**env, "KETNAP_NOTIFY_INTERVAL": "1"},  # the test waits a second, not 30
        cwd=tmp_path,
        stdout=notify_log,
        stderr=subprocess.STDOUT,
    )
    try:
        server.start()
        front.start()
        browser = _browser(front)
        _sign_in(browser, front.base)
        inbox = browser.get(front.base + "/", timeout=10, allow_redirects=False)
        assert inbox.status_code == 200 and "Việc cần làm" in inbox.text
        assert USER in inbox.text
        # Without the cookie, the same page sends one to sign in: the 200 was the user's.
        anonymous = requests.get(
            front.base + "/", verify=str(front.cert), timeout=10, allow_redirects=False
        )
        assert anonymous.status_code == 302
        # The app saw the user's address, neither nginx's nor the one the user claimed.
        assert _sign_in_addresses(env["DATABASE_URL"]) == [CLIENT]
        # Plain HTTP only points to HTTPS; a body over the app's limit stops at nginx.
        plain = requests.get(
            f"http://127.0.0.1:{front.http_port}/dang-nhap", timeout=10, allow_redirects=False
        )
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith("https://127.0.0.1")
        assert _too_large(front) == 413
        time.sleep(2)  # the worker's first pass is long done: it must still be looping
        assert timers.poll() is None, (tmp_path / "timers.log").read_text()
        logged = (tmp_path / "timers.log").read_text()
        assert not re.search(r"level=(WARNING|ERROR|CRITICAL)|Traceback", logged), logged
        # The notification worker mails what an operation wrote, linking to the site.
        _notify(env["DATABASE_URL"], USER)
        [mail] = _wait_for_mail(mail_server, EMAIL)
        assert "https://ketnap.test/thong-bao/tuy-chon/" in mail.get_body(("plain",)).get_content()
        assert notify.poll() is None, (tmp_path / "notify.log").read_text()
        logged = (tmp_path / "notify.log").read_text()
        assert not re.search(r"level=(WARNING|ERROR|CRITICAL)|Traceback", logged), logged
    finally:
        _stop(notify)
        notify_log.close()
        _stop(timers)
        timer_log.close()
        front.stop()
        server.stop()
