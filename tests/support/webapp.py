"""The app the web, browser and fault tests sign in to: a SQLite database holding the
demo organisation tree, the deployed admission process and one user per body
(``USERS``, password = "pw-" + name), and the helpers to sign in to it.

The database is seeded once per test process (per password hasher: the hashes hold
its cost) and each app gets a copy of the file in its test's directory."""

from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.seeding import close_sqlite, copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
USERS = {
    # name: [(unit, role)]
    "dt_tp": [("DT-THPT-TP", "reviewer")],  # Youth Union of Trần Phú high school
    "cb_tp": [("THPT-TP", "reviewer")],  # party branch of Trần Phú high school
    "cb_btx": [("THPT-BTX", "reviewer")],  # another school's branch
    "ttct": [("TTCT-DL", "reviewer")],  # political centre
    "p1": [("P1", "reviewer")],  # ward 1 committee
    "btc": [("BTC-DL", "reviewer")],  # city organisation board
    "btv": [("BTV-DL", "reviewer")],  # city standing board
    "auditor": [("TU-DL", "auditor")],
    "designer": [("TU-DL", "designer")],
    "admin": [("TU-DL", "admin")],
}
DB_FILE = "web.sqlite3"  # the copy's name in the test's directory


@contextmanager
def cheap_password_hashing():
    """argon2 at its production cost takes ~0.3 s a hash: ten users per test would spend
    seconds on hashing alone. The tests check the flow, not the cost parameters."""
    from argon2 import PasswordHasher

    import web.accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            web.accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        yield


@pytest.fixture(autouse=True)
def _cheap_password_hashing():
    """Autouse where a conftest imports it: the web and browser tests."""
    with cheap_password_hashing():
        yield


def password(name: str) -> str:
    return f"pw-{name}"


def _seed(path: Path) -> None:
    from engine import db as engine_db
    from engine import schema

    engine = engine_db.make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    seed_users_and_process(engine)
    close_sqlite(engine)


def seed_users_and_process(engine) -> None:
    """Into a migrated, empty database: the demo tree, the process and ``USERS``."""
    from engine import db as engine_db
    from engine import definitions
    from engine.cases import unit_of_work
    from web.accounts import create_user
    from workflows.admission.orgs import import_tree, read_tree_file

    with unit_of_work(engine_db.make_session_factory(engine)) as s:
        import_tree(s, read_tree_file(ROOT / "workflows/admission/data/org_demo.yaml"))
        definitions.deploy(s, definitions.collect([ROOT / "bpmn"]), "test")
        for name, grants in USERS.items():
            create_user(s, name, password(name), full_name=name.upper(), memberships=grants)


# hasher parameters -> the seeded file of this process
_seeds: dict[tuple, Path] = {}
_seed_dir: tempfile.TemporaryDirectory | None = None


def seed_file() -> Path:
    """The seeded database of this process for the current password hasher, made on
    first use (in a directory removed when the process ends)."""
    global _seed_dir
    import web.accounts

    hasher = web.accounts._hasher
    key = (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
        hasher.type,
    )
    if key not in _seeds:
        if _seed_dir is None:
            _seed_dir = tempfile.TemporaryDirectory(prefix="ketnap-web-seed-")
        path = Path(_seed_dir.name) / f"seed-{len(_seeds)}.sqlite3"
        _seed(path)
        _seeds[key] = path
    return _seeds[key]


def seeded_app(tmp_path: Path, **config):
    """The app over ``tmp_path``/web.sqlite3, a fresh copy of the seeded database."""
    from web import create_app
    from workflows.admission import register_domain

    register_domain()
    copy_sqlite(seed_file(), tmp_path / DB_FILE)
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / DB_FILE}",
            "SECRET_KEY": "test",
            "ATTACHMENTS_DIR": str(tmp_path / "files"),
            **config,
        }
    )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, name: str):
    page = client.get("/dang-nhap")
    response = client.post(
        "/dang-nhap",
        data={
            "username": name,
            "password": password(name),
            "csrf_token": csrf_token(page.get_data(True)),
        },
    )
    assert response.status_code == 302, response.get_data(True)
    return client
