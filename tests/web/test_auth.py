"""Sign-in, sign-out, lock-out, throttling, sessions, and the protections every page has:
security headers, CSRF, no open redirects."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine import clock
from engine.models import Event
from tests.support.webapp import csrf_token, login, password
from web.accounts import User


def _sign_in(client, name, secret, next_=None):
    page = client.get("/dang-nhap")
    url = "/dang-nhap" + (f"?next={next_}" if next_ else "")
    return client.post(
        url,
        data={"username": name, "password": secret, "csrf_token": csrf_token(page.get_data(True))},
    )


def _events(app, kind):
    with app.extensions["ketnap_db"]() as session:
        return (
            session.execute(select(Event).where(Event.kind == kind).order_by(Event.seq))
            .scalars()
            .all()
        )


def _user(app, name) -> User:
    with app.extensions["ketnap_db"]() as session:
        user = session.execute(select(User).where(User.username == name)).scalar_one()
        session.expunge(user)
        return user


def _signed_in(client) -> bool:
    return client.get("/tai-khoan").status_code == 200


def test_security_headers(client):
    response = client.get("/dang-nhap")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-Id"]


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    refused = client.post("/dang-nhap", data={"username": "btc", "password": password("btc")})
    assert refused.status_code == 400
    assert not _events(app, "signed_in") and not _signed_in(client)
    login(client, "admin")
    target = _user(app, "cb_tp")
    refused = client.post(f"/quan-tri/nguoi-dung/{target.id}/vo-hieu-hoa")
    assert refused.status_code == 400
    assert _user(app, "cb_tp").active and not _events(app, "user_deactivated")


def test_sign_in_and_out(app, client):
    response = _sign_in(client, "btc", password("btc"))
    assert response.status_code == 302
    assert _signed_in(client)
    [event] = _events(app, "signed_in")
    assert event.actor == "btc" and event.client == "127.0.0.1" and event.request_id
    # Signing out needs a POST with the CSRF token: a link or a forged form cannot do it.
    assert client.get("/dang-xuat").status_code == 405
    assert client.post("/dang-xuat").status_code == 400 and _signed_in(client)
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    assert client.post("/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(client)
    assert client.get("/tai-khoan").headers["Location"].startswith("/dang-nhap")


def test_wrong_password_is_401_and_recorded(app, client):
    response = _sign_in(client, "btc", "not-the-password")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(True)
    unknown = _sign_in(client, "nobody", "whatever")
    assert unknown.status_code == 401
    assert [(e.actor, e.client) for e in _events(app, "sign_in_failed")] == [
        ("btc", "127.0.0.1"),
        ("nobody", "127.0.0.1"),
    ]


def test_five_failures_lock_the_account_until_it_expires(app, client):
    for _ in range(5):
        assert _sign_in(client, "btc", "wrong-guess").status_code == 401
    locked = _sign_in(client, "btc", password("btc"))
    assert locked.status_code == 401 and "tạm khóa" in locked.get_data(True)
    assert _events(app, "sign_in_failed")[-1].data == '{"reason":"locked"}'
    clock.advance(timedelta(minutes=14))
    assert _sign_in(client, "btc", password("btc")).status_code == 401
    clock.advance(timedelta(minutes=2))
    assert _sign_in(client, "btc", password("btc")).status_code == 302


def test_failures_from_one_address_are_throttled(app, client):
    app.extensions["sign_in_throttle"].limit = 3
    for name in ("btc", "btv", "p1"):  # a few guesses at each of many accounts
        assert _sign_in(client, name, "guess-1").status_code == 401
    throttled = _sign_in(client, "ttct", password("ttct"))
    assert throttled.status_code == 429
    # Refused before the password is checked: no failure counted, no event written.
    assert len(_events(app, "sign_in_failed")) == 3 and not _events(app, "signed_in")
    other = app.test_client()
    page = other.get("/dang-nhap")
    assert (
        other.post(
            "/dang-nhap",
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
            data={
                "username": "ttct",
                "password": password("ttct"),
                "csrf_token": csrf_token(page.get_data(True)),
            },
        ).status_code
        == 302
    )
    clock.advance(timedelta(minutes=11))
    assert _sign_in(client, "ttct", password("ttct")).status_code == 302


def test_next_goes_only_to_local_paths(client):
    # A tab (%09) is dropped by browsers: "/<tab>/evil.example" would be "//evil.example".
    for evil in ("//evil.example", "https://evil.example/", "/\\evil.example", "/%09/evil.example"):
        response = _sign_in(client, "btc", password("btc"), next_=evil)
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
        client.post(
            "/dang-xuat", data={"csrf_token": csrf_token(client.get("/tai-khoan").get_data(True))}
        )
    response = _sign_in(client, "btc", password("btc"), next_="/tai-khoan")
    assert response.headers["Location"] == "/tai-khoan"


def test_sign_in_starts_a_fresh_session(client):
    with client.session_transaction() as session:
        session["uid"] = 999  # whatever was planted before sign-in is gone after
        session["planted"] = "x"
        session["lang"] = "en"
    login(client, "btc")
    with client.session_transaction() as session:
        assert "planted" not in session and "uid" not in session and session["sid"]
        assert session["lang"] == "en"  # the chosen language is kept


def _change_password(client, current, new, repeat=None):
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    return client.post(
        "/tai-khoan/mat-khau",
        data={
            "current": current,
            "new": new,
            "repeat": new if repeat is None else repeat,
            "csrf_token": token,
        },
    )


def test_changing_the_password_ends_the_other_sessions(app):
    here, elsewhere = login(app.test_client(), "btc"), login(app.test_client(), "btc")
    response = _change_password(here, password("btc"), "a-new-long-secret")
    assert response.status_code == 302
    assert _signed_in(here) and not _signed_in(elsewhere)
    [event] = _events(app, "password_changed")
    assert event.actor == "btc"
    assert _sign_in(app.test_client(), "btc", password("btc")).status_code == 401
    assert _sign_in(app.test_client(), "btc", "a-new-long-secret").status_code == 302


def test_password_change_is_checked(app, client):
    login(client, "btc")
    short = _change_password(client, password("btc"), "short")
    assert short.status_code == 422 and "từ 12" in short.get_data(True)
    mismatch = _change_password(client, password("btc"), "long-enough-1", "long-enough-2")
    assert mismatch.status_code == 422 and "không khớp" in mismatch.get_data(True)
    wrong = _change_password(client, "wrong-current", "long-enough-1")
    assert wrong.status_code == 422 and "không đúng" in wrong.get_data(True)
    # Wrong guesses here count towards the lock-out as at sign-in.
    assert _user(app, "btc").failed_logins == 1
    assert _events(app, "password_change_failed")
    assert _sign_in(app.test_client(), "btc", password("btc")).status_code == 302


def test_deactivation_ends_sessions_and_refuses_sign_in(app, client):
    login(client, "btc")
    with app.extensions["ketnap_db"]() as session:
        session.execute(select(User).where(User.username == "btc")).scalar_one().active = False
        session.commit()
    assert not _signed_in(client)
    assert _sign_in(client, "btc", password("btc")).status_code == 401
