"""The database connection lost at each point of a request: before it (the signed-in
user cannot be read), in a view, in an operation, wrapped in an engine error, in an
after-request hook and at teardown. Each answers 503 with Retry-After (a page, or JSON
under /api/), never 500; teardown never raises; the next request after the cut works.

In-process (Flask's test client) over PostgreSQL through a proxy the test cuts, so each
point is hit on purpose rather than by chance; tests/faults/test_db_outage.py cuts a
gunicorn's database at random points instead."""

from __future__ import annotations

import logging

import pytest
from flask import g
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from engine import cases
from engine.cases import unit_of_work
from engine.db import make_engine, make_session_factory
from engine.errors import ProcessError
from tests.support.webapp import cheap_password_hashing, csrf_token

from .proxy import Proxy

OUTAGE = "Máy chủ cơ sở dữ liệu tạm thời không trả lời"
NAME, PASSWORD = "mat-ket-noi", "mat-khau-kiem-thu"

pytestmark = pytest.mark.parametrize("db_engine", ["postgres"], indirect=True)


@pytest.fixture
def proxy(db_engine):
    proxy = Proxy(db_engine.url.host or "127.0.0.1", db_engine.url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def through(db_engine, proxy) -> str:
    """The test database's URL through the proxy."""
    return db_engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )


@pytest.fixture
def token(db_engine) -> str:
    """One user (``NAME``, signed in by the page tests) and an API token of theirs."""
    from web.accounts import create_user
    from web.tokens import issue

    with cheap_password_hashing(), unit_of_work(make_session_factory(db_engine)) as s:
        user = create_user(s, NAME, PASSWORD, full_name="Mất Kết Nối")
        s.flush()
        return issue(s, user, "faults")[1]


@pytest.fixture
def app(through, proxy, tmp_path, monkeypatch):
    """The app over the proxied database, with routes that cut the connection at the
    points the app's own routes reach only by chance."""
    from web import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app(
        {"DATABASE_URL": through, "SECRET_KEY": "faults", "ATTACHMENTS_DIR": str(tmp_path)}
    )
    app.config["TESTING"] = True  # an error no handler answered reaches the test

    def read_then_cut():
        from web.extensions import db

        db().execute(text("SELECT 1"))  # the request's transaction is open...
        proxy.interrupt()  # ...and its connection dies before teardown rolls it back
        return "read"

    def cut_in_operation():
        from web.extensions import run_operation

        def operation(session):
            proxy.interrupt()
            session.execute(text("SELECT 1"))

        run_operation(operation)
        return "unreachable"

    def cut_behind_engine_error():
        from web.extensions import run_operation

        def operation(session):
            proxy.interrupt()
            try:
                session.execute(text("SELECT 1"))
            except OperationalError as err:  # as a diagram's function failing would
                raise ProcessError("a function could not read the database") from err

        run_operation(operation)
        return "unreachable"

    def cut_after_request(response):
        from web.extensions import db

        if g.get("cut_after"):
            proxy.interrupt()
            db().execute(text("SELECT 1"))
        return response

    def mark_cut_after():
        g.cut_after = True
        return "answered"

    for path, view in {
        "/_test/read-then-cut": read_then_cut,
        "/_test/cut-in-operation": cut_in_operation,
        "/_test/cut-behind-engine-error": cut_behind_engine_error,
        "/_test/cut-after-request": mark_cut_after,
        "/api/_test/cut-after-request": mark_cut_after,
    }.items():
        app.add_url_rule(path, path, view)
    app.after_request(cut_after_request)
    yield app
    app.extensions["ketnap_db"].kw["bind"].dispose()


def _signed_in(app):
    client = app.test_client()
    page = client.get("/dang-nhap")
    answer = client.post(
        "/dang-nhap",
        data={"username": NAME, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert answer.status_code == 302, answer.text
    return client


def _assert_outage_page(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert answer.mimetype == "text/html" and OUTAGE in answer.text


def _assert_outage_json(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert OUTAGE in answer.get_json()["error"]


def _works_again(app, proxy, token) -> None:
    proxy.restore()
    answer = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


def test_a_cut_before_the_request_answers_503(app, proxy, token):
    client = _signed_in(app)
    proxy.interrupt()
    _assert_outage_page(client.get("/"))  # the signed-in user cannot be read
    api = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    _assert_outage_json(api)  # nor the token
    _works_again(app, proxy, token)
    assert client.get("/").status_code == 200  # still signed in


def test_a_cut_in_an_operation_answers_503_to_a_signed_in_user(app, proxy, token):
    # The rollback expires the user's row: the outage page must not read it again.
    _assert_outage_page(_signed_in(app).get("/_test/cut-in-operation"))
    _works_again(app, proxy, token)


def test_a_cut_behind_an_engine_error_answers_503_not_its_error(app, proxy, token):
    _assert_outage_page(_signed_in(app).get("/_test/cut-behind-engine-error"))
    _works_again(app, proxy, token)


def test_a_cut_in_an_after_request_hook_answers_503(app, proxy, token):
    _assert_outage_page(app.test_client().get("/_test/cut-after-request"))
    proxy.restore()
    _assert_outage_json(app.test_client().get("/api/_test/cut-after-request"))
    _works_again(app, proxy, token)


def test_a_cut_before_teardown_keeps_the_answer_and_is_logged(app, proxy, token, caplog):
    with caplog.at_level(logging.WARNING, logger="web.extensions"):
        answer = _signed_in(app).get("/_test/read-then-cut")  # teardown raised here once
    assert (answer.status_code, answer.text) == (200, "read")
    assert "could not close the request's database session" in caplog.text
    _works_again(app, proxy, token)


def test_a_cut_while_locking_a_case_is_the_database_failing_not_busy(through, proxy):
    """``_lock_case`` told every OperationalError "the case is busy" (409)."""
    engine = make_engine(through)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            session.execute(select(1))  # a live connection, in a transaction
            proxy.interrupt()
            with pytest.raises(OperationalError):
                cases._lock_case(session, 1)
        with factory() as session:  # no connection to be had at all
            with pytest.raises(OperationalError):
                cases._lock_case(session, 1)
    finally:
        engine.dispose()
