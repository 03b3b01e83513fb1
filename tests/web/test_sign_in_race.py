"""Sign-in under parallel guessing: every attempt is counted before its password is
checked, so 60 guesses at once check no more passwords than the lock-out allows, and
the per-address limit holds across workers (two apps over one database here).

On SQLite and PostgreSQL (``db_engine``), each guess in its own thread with its own
test client, all released together by a barrier."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

import web.accounts
from engine import clock
from engine.cases import unit_of_work
from engine.db import make_session_factory
from engine.models import Event
from tests.support.webapp import csrf_token
from web import create_app
from web.accounts import LOCK_FOR, MAX_FAILURES, User, create_user

GUESSES = 60
VICTIM, SECRET = "btc", "the-right-password"


class CountingHasher(PasswordHasher):
    """The tests' cheap hasher, noting the hash each verification was made against."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified: list[str] = []
        self._lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 (argon2's own parameter name)
        with self._lock:
            self.verified.append(hash)
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(web.accounts, "_hasher", counting)
    return counting


@pytest.fixture
def make_app(db_engine, hasher, tmp_path):
    """Apps (as many as gunicorn workers) over the test's database, which holds the
    victim's account; each app has its own engine and pool, as a worker has."""
    with unit_of_work(make_session_factory(db_engine)) as s:
        create_user(s, VICTIM, SECRET, memberships=[("BTC-DL", "reviewer")])
        create_user(s, "other", "other-password")
    url = db_engine.url.render_as_string(hide_password=False)
    apps = []

    def make(**config):
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "test",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,  # CSRF is test_auth's; here one POST a guess
                "ATTACHMENTS_DIR": str(tmp_path / "files"),
                **config,
            }
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["ketnap_db"].kw["bind"].dispose()


def _sign_in(client, name, secret, address="127.0.0.1"):
    return client.post(
        "/dang-nhap",
        data={"username": name, "password": secret},
        environ_base={"REMOTE_ADDR": address},
    )


def _in_parallel(attempts) -> list[tuple[int, str]]:
    """Run each ``(app, name, secret, address)`` in its own thread, all released at
    once; their (status, page text without the CSRF token), in order."""
    barrier = threading.Barrier(len(attempts))
    answers: list[tuple[int, str] | None] = [None] * len(attempts)

    def guess(i, app, name, secret, address):
        client = app.test_client()
        barrier.wait()
        response = _sign_in(client, name, secret, address)
        answers[i] = (response.status_code, _body(response))

    threads = [
        threading.Thread(target=guess, args=(i, *attempt)) for i, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers), "a guess raised in its thread"
    return answers  # type: ignore[return-value]


def _victim(db_engine) -> User:
    with make_session_factory(db_engine)() as s:
        return s.query(User).filter_by(username=VICTIM).one()


def _failure_reasons(db_engine) -> Counter:
    with make_session_factory(db_engine)() as s:
        events = s.query(Event).filter_by(kind="sign_in_failed").all()
    return Counter(event.data for event in events)


def test_parallel_guesses_lock_the_account_after_the_limit(make_app, db_engine, hasher):
    """From many addresses, so that the address limit is not what stops them."""
    app = make_app()
    answers = _in_parallel(
        [(app, VICTIM, f"guess-{i}", f"10.1.{i // 200}.{i % 200}") for i in range(GUESSES)]
    )
    assert {status for status, _text in answers} == {401}
    assert len({text for _status, text in answers}) == 1  # locked or wrong: one answer
    victim = _victim(db_engine)
    # Every guess cost one verification (the same time), but only the first
    # MAX_FAILURES were checked against the password; the others met the lock-out.
    assert len(hasher.verified) == GUESSES
    assert hasher.verified.count(victim.password_hash) == MAX_FAILURES
    assert _failure_reasons(db_engine) == Counter(
        {'{"reason":"invalid"}': MAX_FAILURES, '{"reason":"locked"}': GUESSES - MAX_FAILURES}
    )
    assert victim.is_locked()

    client = app.test_client()
    assert _sign_in(client, VICTIM, SECRET).status_code == 401  # right, yet locked
    clock.advance(LOCK_FOR - timedelta(minutes=1))
    assert _sign_in(client, VICTIM, SECRET).status_code == 401
    assert hasher.verified.count(victim.password_hash) == MAX_FAILURES  # still unchecked
    clock.advance(timedelta(minutes=2))
    assert _sign_in(client, VICTIM, SECRET).status_code == 302
    assert _victim(db_engine).failed_logins == 0 and not _victim(db_engine).is_locked()


def test_the_address_limit_is_shared_by_the_workers(make_app, db_engine, hasher):
    """60 guesses from one address, spread over two workers: the limit counts them all
    once, in the database; the account's lock-out still bounds the checks."""
    limit = 20
    workers = [make_app(SIGN_IN_LIMIT=limit), make_app(SIGN_IN_LIMIT=limit)]
    answers = _in_parallel(
        [(workers[i % 2], VICTIM, f"guess-{i}", "10.2.0.1") for i in range(GUESSES)]
    )
    statuses = Counter(status for status, _text in answers)
    assert statuses == Counter({401: limit, 429: GUESSES - limit})
    assert len(hasher.verified) == limit  # a refused address costs no verification
    assert hasher.verified.count(_victim(db_engine).password_hash) == MAX_FAILURES
    # Another address is not held back by this one's count.
    assert (
        _sign_in(workers[0].test_client(), "other", "other-password", "10.2.0.2").status_code == 302
    )


def test_a_right_password_gives_its_count_back(make_app, hasher):
    """The address limit is one of failures: people signing in behind one address (an
    office) do not use it up."""
    app = make_app(SIGN_IN_LIMIT=2)
    for _ in range(5):
        assert _sign_in(app.test_client(), "other", "other-password").status_code == 302
    assert _sign_in(app.test_client(), VICTIM, "wrong-1").status_code == 401
    assert _sign_in(app.test_client(), VICTIM, "wrong-2").status_code == 401
    refused = _sign_in(app.test_client(), VICTIM, SECRET)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_unknown_wrong_and_locked_look_the_same(make_app, db_engine, hasher):
    """Same status, same page, one verification each; the lock-out is named only as a
    rule, in every refusal."""
    app = make_app()
    unknown = _sign_in(app.test_client(), "nobody", SECRET)
    wrong = _sign_in(app.test_client(), VICTIM, "not-it")
    for _ in range(MAX_FAILURES - 1):
        _sign_in(app.test_client(), VICTIM, "not-it")
    locked = _sign_in(app.test_client(), VICTIM, SECRET)
    answers = {(r.status_code, _body(r)) for r in (unknown, wrong, locked)}
    assert len(answers) == 1 and 401 in next(iter(answers))
    assert "tạm khóa" in locked.get_data(True)
    assert len(hasher.verified) == MAX_FAILURES + 2
    assert _victim(db_engine).is_locked()


def _body(response) -> str:
    # The page without its CSRF token, which differs per client.
    text = response.get_data(True)
    try:
        return text.replace(csrf_token(text), "")
    except AssertionError:
        return text
