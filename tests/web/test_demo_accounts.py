"""`ketnap demo` on an empty database also creates an account for each body."""

from __future__ import annotations

import re
import stat

from click.testing import CliRunner
from sqlalchemy import select

from engine import cli
from engine.cases import unit_of_work
from web.accounts import User, authenticate


def test_demo_creates_cases_and_an_account_per_body(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("KETNAP_INSTANCE_DIR", str(tmp_path / "instance"))
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
    # The same lines in the instance folder, for the owner only.
    kept = tmp_path / "instance" / "demo-passwords.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert dict(re.findall(r"^\s+(\S+)\s+(\S+)\s+\w+ @ ", kept.read_text(), re.M)) == printed
    assert str(kept) in result.output
    again = runner.invoke(cli.cli, ["demo", "--if-empty"])
    assert again.exit_code == 0 and "Tài khoản mẫu" not in again.output
    with unit_of_work(cli.session_factory()) as session:
        assert len(session.execute(select(User)).all()) == count


def test_an_older_password_file_is_replaced_and_closed_to_others(tmp_path):
    from web.demo_accounts import PASSWORD_FILE, write_passwords

    old = tmp_path / PASSWORD_FILE
    old.write_text("old passwords")
    old.chmod(0o644)
    path = write_passwords(tmp_path, ["  p1   secret   reviewer @ P1"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "old passwords" not in path.read_text() and "secret" in path.read_text()
