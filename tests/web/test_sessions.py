"""Server-side sessions: sign-out, a password change and deactivation end them at once
(a cookie copied before answers as signed out after), they time out when idle and at
their maximum age, and the cookie carries nothing of the password. A new password also
revokes the user's API tokens, unless the user keeps them."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from engine import clock
from engine.models import Event
from tests.support.api import Api, issue_token
from tests.support.webapp import csrf_token, login, password
from web.accounts import User
from web.auth.session_store import UserSession
from web.tokens import ApiToken

ME = "btc"
NEW_PASSWORD = "trăng-sáng-trên-đồi-thông"
COOKIE = "session"  # Flask's cookie name


def _signed_in(client) -> bool:
    return client.get("/tai-khoan").status_code == 200


def _copy(client, app):
    """Another browser holding a copy of ``client``'s cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _post(client, url, data=None):
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _rows(app, name=ME) -> list[UserSession]:
    with app.extensions["ketnap_db"]() as s:
        user_id = s.execute(select(User.id).where(User.username == name)).scalar_one()
        return list(
            s.execute(
                select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
            ).scalars()
        )


def _change_password(client, keep_tokens=False):
    data = {"current": password(ME), "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    if keep_tokens:
        data["keep_tokens"] = "1"
    return _post(client, "/tai-khoan/mat-khau", data)


def _api_works(app, token) -> bool:
    return Api(app.test_client(), token).get("/api/v1/units").status_code == 200


def test_a_cookie_copied_before_sign_out_is_signed_out_after(app):
    browser = login(app.test_client(), ME)
    copy = _copy(browser, app)
    assert _signed_in(copy)  # the copy works while the session lives
    assert _post(browser, "/dang-xuat").status_code == 302
    assert not _signed_in(browser) and not _signed_in(copy)
    [row] = _rows(app)
    assert row.ended_at is not None and row.ended_why == "signed_out"


def test_the_cookie_holds_a_session_id_and_nothing_of_the_password(app):
    browser = login(app.test_client(), ME)
    with browser.session_transaction() as cookie:
        assert set(cookie) <= {"sid", "_permanent", "csrf_token", "lang", "_flashes"}
        token = cookie["sid"]
    with app.extensions["ketnap_db"]() as s:
        password_hash = s.execute(select(User.password_hash).where(User.username == ME)).scalar()
    raw = browser.get_cookie(COOKIE).value
    assert password_hash[-16:] not in raw and password_hash[-8:] not in token
    [row] = _rows(app)
    assert row.token_hash != token and token not in row.token_hash  # stored as its sha256


def test_a_cookie_of_before_server_side_sessions_signs_in_no_one(app):
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        cookie["uid"] = 1  # what the cookie held before, with part of the password hash
        cookie["pw"] = "x" * 16
    assert not _signed_in(browser)


def test_a_password_change_ends_every_other_session(app):
    here, elsewhere = login(app.test_client(), ME), login(app.test_client(), ME)
    copy_of_here = _copy(here, app)
    assert _change_password(here).status_code == 302
    assert _signed_in(here)  # this browser goes on, in a new session
    assert not _signed_in(elsewhere) and not _signed_in(copy_of_here)
    ended = [row.ended_why for row in _rows(app) if row.ended_at is not None]
    assert ended == ["password_changed", "password_changed"]


def test_a_password_change_revokes_the_api_tokens(app):
    token = issue_token(app, ME)
    browser = login(app.test_client(), ME)
    response = _change_password(browser)
    assert response.status_code == 302
    assert "đã bị thu hồi" in browser.get(response.headers["Location"]).get_data(True)
    assert not _api_works(app, token)
    [event] = _events(app, "password_changed")
    assert json.loads(event.data)["api_tokens_revoked"] == [_token_ids(app)[0]]


def test_a_password_change_keeps_the_api_tokens_when_asked(app):
    token = issue_token(app, ME)
    browser = login(app.test_client(), ME)
    page = browser.get("/tai-khoan").get_data(True)
    assert "Giữ các mã truy cập API của tôi" in page
    assert _change_password(browser, keep_tokens=True).status_code == 302
    assert _api_works(app, token)
    [event] = _events(app, "password_changed")
    assert json.loads(event.data)["api_tokens_revoked"] == []


def test_deactivation_ends_every_session_and_reactivation_brings_none_back(app):
    browsers = [login(app.test_client(), ME) for _ in range(2)]
    admin = login(app.test_client(), "admin")
    target = next(row.user_id for row in _rows(app))
    assert _post(admin, f"/quan-tri/nguoi-dung/{target}/vo-hieu-hoa").status_code == 302
    assert [row.ended_why for row in _rows(app)] == ["deactivated", "deactivated"]
    assert _post(admin, f"/quan-tri/nguoi-dung/{target}/kich-hoat").status_code == 302
    assert not any(_signed_in(b) for b in browsers)
    assert json.loads(_events(app, "user_deactivated")[0].data)["sessions_ended"] == 2


def test_an_admin_password_reset_ends_sessions_and_revokes_tokens(app):
    token = issue_token(app, ME)
    browser = login(app.test_client(), ME)
    admin = login(app.test_client(), "admin")
    target = next(row.user_id for row in _rows(app))
    reset = _post(admin, f"/quan-tri/nguoi-dung/{target}/mat-khau", {"password": NEW_PASSWORD})
    assert reset.status_code == 302
    assert not _signed_in(browser) and not _api_works(app, token)


def test_an_idle_session_ends(app):
    browser = login(app.test_client(), ME)
    for _ in range(3):  # used every 29 minutes, it lives on past the idle timeout
        clock.advance(timedelta(minutes=29))
        assert _signed_in(browser)
    clock.advance(timedelta(minutes=30))
    assert not _signed_in(browser)
    [row] = _rows(app)
    assert row.ended_why == "idle"


def test_the_idle_timeout_is_a_setting(app):
    app.config["SESSION_IDLE"] = timedelta(minutes=5)
    browser = login(app.test_client(), ME)
    clock.advance(timedelta(minutes=6))
    assert not _signed_in(browser)


def test_a_session_ends_at_its_maximum_age_however_busy(app):
    browser = login(app.test_client(), ME)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    for _ in range(24):  # a request every 29 minutes: never idle, for 11 h 36 min
        clock.advance(timedelta(minutes=29))
        assert _signed_in(browser)
    clock.advance(timedelta(minutes=24))  # 12 hours after sign-in
    assert not _signed_in(browser)
    assert _rows(app)[0].ended_why == "expired"
    assert _signed_in(login(browser, ME))  # signing in again starts a new session


def test_last_seen_is_written_at_most_once_a_minute(app):
    browser = login(app.test_client(), ME)
    [started] = _rows(app)
    clock.advance(timedelta(seconds=30))
    assert _signed_in(browser)
    assert _rows(app)[0].last_seen_at == started.last_seen_at
    clock.advance(timedelta(seconds=31))
    assert _signed_in(browser)
    assert _rows(app)[0].last_seen_at > started.last_seen_at


def test_the_cli_password_reset_ends_sessions_and_revokes_tokens(app, monkeypatch):
    from engine import cli

    token = issue_token(app, ME)
    browser = login(app.test_client(), ME)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)
    result = CliRunner().invoke(cli.cli, ["users", "password", ME, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "every session" in result.output and "API tokens revoked: 1" in result.output
    assert not _signed_in(browser) and not _api_works(app, token)


def _events(app, kind) -> list[Event]:
    with app.extensions["ketnap_db"]() as s:
        return list(s.execute(select(Event).where(Event.kind == kind)).scalars())


def _token_ids(app) -> list[int]:
    with app.extensions["ketnap_db"]() as s:
        return list(s.execute(select(ApiToken.id).order_by(ApiToken.id)).scalars())
