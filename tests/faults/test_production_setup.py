"""The README's production section, followed as written on a fresh PostgreSQL database:
a plain ``postgresql://`` DATABASE_URL, the CLI migrating and seeding, gunicorn serving
``web:create_app()``, a timer worker looping beside it, and a user signing in over HTTP.

It once failed half-way: the CLI read ``postgresql://`` as psycopg 3, the app factory
as psycopg2 (which we do not ship), so gunicorn's workers never booted.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.support.databases import empty_postgres

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
)
EXPORTED = {"DATABASE_URL", "KETNAP_SECRET_KEY", "KETNAP_SECURE_COOKIES"}
USER, PASSWORD, UNIT = "chibo-thpt", "mat-khau-dai-2025", "THPT-TP"


def _production_block() -> list[str]:
    """The lines of the README's production shell block, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_this_test_does_what_the_readme_says():
    lines = _production_block()
    exported = dict(
        line[len("export ") :].split("=", 1) for line in lines if line.startswith("export ")
    )
    assert set(exported) == EXPORTED
    assert exported["DATABASE_URL"].startswith("postgresql://")
    assert exported["KETNAP_SECURE_COOKIES"] == "1"
    commands = [line[len(".venv/bin/") :] for line in lines if line.startswith(".venv/bin/")]
    assert len(commands) == len(STEPS)
    assert all(command.startswith(step) for command, step in zip(commands, STEPS, strict=True))


@pytest.fixture
def environment(pg_database, monkeypatch):
    """The README's exports over a fresh database, in this process's environment too
    (``Server`` hands its environment to gunicorn); nothing else of ketnap's set."""
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
        yield dict(os.environ)


def _ketnap(env, cwd, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "ketnap"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"ketnap {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def _session_cookie(response: requests.Response) -> str:
    """The session cookie the app set, which must be for HTTPS only."""
    [cookie] = [c for c in response.cookies if c.name == "session"]
    assert cookie.secure, "KETNAP_SECURE_COOKIES=1 but the session cookie is not Secure"
    return f"session={cookie.value}"


def _sign_in(base: str) -> str:
    """Sign in with the login form; the signed-in session's Cookie header. Sent by hand:
    a client keeps a Secure cookie off plain HTTP, and TLS is the proxy's job, not here."""
    page = requests.get(base + "/dang-nhap", timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = requests.post(
        base + "/dang-nhap",
        timeout=10,
        allow_redirects=False,
        headers={"Cookie": _session_cookie(page)},
        data={"username": USER, "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302, answer.text
    return _session_cookie(answer)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_the_production_section_runs_as_written(environment, tmp_path):
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
    )

    server = Server(env["DATABASE_URL"], tmp_path, workers=1)
    timer_log = open(tmp_path / "timers.log", "w+b")
    timers = subprocess.Popen(
        [str(BIN / "ketnap"), "timers", "run", "--loop"],
        env=env,
        cwd=tmp_path,
        stdout=timer_log,
        stderr=subprocess.STDOUT,
    )
    try:
        server.start()
        cookie = _sign_in(server.base)
        inbox = requests.get(
            server.base + "/", headers={"Cookie": cookie}, timeout=10, allow_redirects=False
        )
        assert inbox.status_code == 200 and "Việc cần làm" in inbox.text
        assert USER in inbox.text
        # Without the cookie, the same page sends one to sign in: the 200 was the user's.
        assert requests.get(server.base + "/", timeout=10, allow_redirects=False).status_code == 302
        time.sleep(2)  # the worker's first pass is long done: it must still be looping
        assert timers.poll() is None, (tmp_path / "timers.log").read_text()
        logged = (tmp_path / "timers.log").read_text()
        assert not re.search(r"level=(WARNING|ERROR|CRITICAL)|Traceback", logged), logged
    finally:
        _stop(timers)
        timer_log.close()
        server.stop()
