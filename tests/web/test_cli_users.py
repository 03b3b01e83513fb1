"""``ketnap users``: add, list and set passwords from the command line (a real SQLite file)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import cli
from engine.models import Event
from tests.support.webapp import ROOT
from web.accounts import SignInRefused, User, authenticate


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)  # adds "orgs" (admission) and "users" (web), as main() does
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli.cli, [str(a) for a in args], input=input)

    assert invoke("db", "upgrade").exit_code == 0
    imported = invoke("orgs", "import", ROOT / "workflows/admission/data/org_demo.yaml")
    assert imported.exit_code == 0, imported.output
    return invoke


def _session():
    return cli.session_factory()()


def test_add_and_list(run):
    added = run(
        "users",
        "add",
        "btc",
        "--unit",
        "BTC-DL",
        "--unit",
        "BTV-DL",
        "--role",
        "reviewer",
        "--password",
        "a-long-password",
        "--full-name",
        "Lê Văn B",
    )
    assert added.exit_code == 0, added.output
    assert (
        run(
            "users",
            "add",
            "audit",
            "--unit",
            "TU-DL",
            "--role",
            "auditor",
            "--password",
            "another-long-one",
        ).exit_code
        == 0
    )
    listed = run("users", "list").output.splitlines()
    assert listed == ["audit\tauditor@TU-DL", "btc\treviewer@BTC-DL reviewer@BTV-DL"]
    with _session() as session:
        assert authenticate(session, "btc", "a-long-password").full_name == "Lê Văn B"
        event = session.execute(select(Event).where(Event.kind == "user_created")).scalars().first()
    assert event.actor.startswith("os:") and event.client == "cli"
    assert json.loads(event.data) == {
        "user": "btc",
        "units": ["BTC-DL", "BTV-DL"],
        "roles": ["reviewer"],
    }


def test_generated_password_is_printed_once(run):
    added = run("users", "add", "p1", "--unit", "P1", "--role", "reviewer")
    assert added.exit_code == 0
    secret = added.output.split("password: ")[1].strip()
    with _session() as session:
        assert authenticate(session, "p1", secret).username == "p1"


def test_add_refuses_bad_input(run):
    assert (
        run(
            "users",
            "add",
            "x",
            "--unit",
            "NOPE",
            "--role",
            "reviewer",
            "--password",
            "long-enough-pw",
        ).exit_code
        == 1
    )
    assert (
        run(
            "users", "add", "x", "--unit", "P1", "--role", "king", "--password", "long-enough-pw"
        ).exit_code
        == 2
    )
    short = run("users", "add", "x", "--unit", "P1", "--role", "reviewer", "--password", "short")
    assert short.exit_code == 1 and "từ 12" in short.output
    assert (
        run(
            "users",
            "add",
            "p1",
            "--unit",
            "P1",
            "--role",
            "reviewer",
            "--password",
            "long-enough-pw",
        ).exit_code
        == 0
    )
    again = run(
        "users", "add", "p1", "--unit", "P1", "--role", "reviewer", "--password", "long-enough-pw"
    )
    assert again.exit_code == 1 and "already exists" in again.output
    assert run("users", "list").output.splitlines() == ["p1\treviewer@P1"]


def test_set_password_unlocks_and_replaces(run):
    run("users", "add", "p1", "--unit", "P1", "--role", "reviewer", "--password", "first-password")
    with _session() as session:
        for _ in range(5):
            with pytest.raises(SignInRefused):
                authenticate(session, "p1", "wrong")
        session.commit()
    changed = run("users", "password", "p1", input="second-password\nsecond-password\n")
    assert changed.exit_code == 0, changed.output
    assert (
        run("users", "password", "nobody", input="second-password\nsecond-password\n").exit_code
        == 1
    )
    with _session() as session:
        assert authenticate(session, "p1", "second-password").failed_logins == 0
        with pytest.raises(SignInRefused):
            authenticate(session, "p1", "first-password")
        user = session.execute(select(User).where(User.username == "p1")).scalar_one()
        assert user.locked_until is None


def test_inactive_users_are_marked(run):
    run("users", "add", "p1", "--unit", "P1", "--role", "reviewer", "--password", "first-password")
    with _session() as session:
        session.execute(select(User)).scalar_one().active = False
        session.commit()
    assert run("users", "list").output == "p1\treviewer@P1 (inactive)\n"
