"""Web fixtures: an app over a fresh SQLite database holding the demo organisation tree,
the deployed admission process and one reviewer per body (password = "pw-" + name)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import db as engine_db, definitions, schema
from engine.cases import unit_of_work

ROOT = Path(__file__).resolve().parents[2]
USERS = {
    # name: [(unit, role)]
    "dt_tp": [("DT-THPT-TP", "reviewer")],        # Youth Union of Trần Phú high school
    "cb_tp": [("THPT-TP", "reviewer")],           # party branch of Trần Phú high school
    "cb_btx": [("THPT-BTX", "reviewer")],         # another school's branch
    "ttct": [("TTCT-DL", "reviewer")],            # political centre
    "p1": [("P1", "reviewer")],                   # ward 1 committee
    "btc": [("BTC-DL", "reviewer")],              # city organisation board
    "btv": [("BTV-DL", "reviewer")],              # city standing board
    "auditor": [("TU-DL", "auditor")],
    "designer": [("TU-DL", "designer")],
    "admin": [("TU-DL", "admin")],
}


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2 at its production cost takes ~0.3 s a hash: ten users per test would spend
    seconds on hashing alone. The tests check the flow, not the cost parameters."""
    from argon2 import PasswordHasher
    import web.accounts
    monkeypatch.setattr(web.accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def password(name: str) -> str:
    return f"pw-{name}"


def seeded_app(tmp_path, **config):
    """The app over a fresh SQLite file holding the demo tree, the deployed admission
    process and the USERS; shared by the web and the browser tests."""
    from web import create_app
    from web.accounts import create_user
    from workflows.admission import register_domain
    from workflows.admission.orgs import import_tree, read_tree_file

    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    engine = engine_db.make_engine(url)
    schema.upgrade(engine)
    register_domain()
    with unit_of_work(engine_db.make_session_factory(engine)) as s:
        import_tree(s, read_tree_file(ROOT / "workflows/admission/data/org_demo.yaml"))
        definitions.deploy(s, definitions.collect([ROOT / "bpmn"]), "test")
        for name, grants in USERS.items():
            create_user(s, name, password(name), full_name=name.upper(), memberships=grants)
    engine.dispose()
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "test",
                       "ATTACHMENTS_DIR": str(tmp_path / "files"), **config})


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return seeded_app(tmp_path, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, name: str):
    page = client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"username": name, "password": password(name),
                                              "csrf_token": csrf_token(page.get_data(True))})
    assert response.status_code == 302, response.get_data(True)
    return client
