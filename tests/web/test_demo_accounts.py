"""`ketnap demo` on an empty database also creates an account for each body."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from engine import cli
from engine.cases import unit_of_work
from web.accounts import User, authenticate


def test_demo_creates_cases_and_an_account_per_body(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)
    runner = CliRunner()
    assert runner.invoke(cli.cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli.cli, ["demo"])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"^\s+(\S+)\s+(\S+)\s+\w+ @ ", result.output, re.M))
    assert {
        "thpt-tp",
        "dt-thpt-tp",
        "ttct-dl",
        "btc-dl",
        "btv-dl",
        "p1",
        "kiemtra",
        "thietke",
        "quantri",
    } <= set(printed)
    with unit_of_work(cli.session_factory()) as session:
        assert authenticate(session, "thpt-tp", printed["thpt-tp"]).roles_in("reviewer") == {
            "THPT-TP"
        }
        count = len(session.execute(select(User)).all())
    again = runner.invoke(cli.cli, ["demo", "--if-empty"])
    assert again.exit_code == 0 and "Tài khoản mẫu" not in again.output
    with unit_of_work(cli.session_factory()) as session:
        assert len(session.execute(select(User)).all()) == count
