"""The password policy: 12 characters at least, nothing a guesser tries first; the same
rules, in Vietnamese, on the account page, the admin pages and the CLI."""

from __future__ import annotations

import configparser
import fnmatch

import pytest
from click.testing import CliRunner

from tests.support.webapp import ROOT, csrf_token, login, password
from web.auth import password_policy
from web.auth.password_policy import (
    COMMON,
    REPEATED,
    RUN,
    TOO_SHORT_OR_LONG,
    USERNAME,
    common_passwords,
    password_problems,
)


def _refusals(secret: str, username: str = "nguyenvana") -> list[str]:
    return [problem.message for problem in password_problems(secret, username)]


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("short-pw", TOO_SHORT_OR_LONG),
        ("x" * 501, TOO_SHORT_OR_LONG),
        ("aaaaaaaaaaaa", REPEATED),
        ("abcabcabcabc", REPEATED),
        ("matkhaumatkhau", REPEATED),
        ("nguyenvana", TOO_SHORT_OR_LONG),
        ("NguyenVanA2024!", USERNAME),
        ("123456789012", RUN),
        ("098765432109", RUN),
        ("qwertyuiop12", RUN),
        ("abcdefghijklm", RUN),
        ("password1234", COMMON),
        ("P@ssw0rd2024!", COMMON),
        ("matkhau12345", COMMON),
        ("Mật khẩu 12345", COMMON),
        ("anhyeuem2024!", COMMON),
        ("1qaz2wsx3edc", COMMON),
        ("dangcongsanvietnam", COMMON),
        ("Đảng Cộng sản 1930", COMMON),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(secret, why):
    assert why in _refusals(secret)


@pytest.mark.parametrize(
    "secret",
    [
        "trăng-sáng-trên-đồi-thông",
        "correct horse battery staple",
        "Mưa-rơi-phố-cũ-7",
        "kT9#qL2v!xW4",
        "nguyenvana-thich-hoa-sen",  # holds the name, but is more than the name
    ],
)
def test_a_good_password_passes(secret):
    assert _refusals(secret) == []


def test_the_list_is_shipped_and_read_as_it_compares():
    common = common_passwords()
    assert len(common) > 300
    assert {"matkhau", "password", "anhyeuem", "iloveyou", "dangvien"} <= common
    assert all(line == line.lower() and " " not in line for line in common)
    # Installed with the package, not only present in a checkout.
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    shipped = [p.strip() for p in config["options.package_data"]["web"].split(",")]
    listed = password_policy.COMMON_FILE.relative_to(ROOT / "web").as_posix()
    assert any(fnmatch.fnmatch(listed, pattern) for pattern in shipped)


def _change(client, new):
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    return client.post(
        "/tai-khoan/mat-khau",
        data={"current": password("btc"), "new": new, "repeat": new, "csrf_token": token},
    )


def test_the_account_page_says_why_in_vietnamese(client):
    login(client, "btc")
    common = _change(client, "matkhau12345")
    assert common.status_code == 422 and "quá phổ biến" in common.get_data(True)
    named = _change(client, "btc-1234567890")
    assert named.status_code == 422 and "tên đăng nhập" in named.get_data(True)
    assert _change(client, "trăng-sáng-trên-đồi-thông").status_code == 302


def test_the_admin_pages_say_why_in_vietnamese(app):
    admin = login(app.test_client(), "admin")
    page = admin.get("/quan-tri/nguoi-dung/moi")
    response = admin.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "csrf_token": csrf_token(page.get_data(True)),
            "username": "nguyenvana",
            "full_name": "Nguyễn Văn A",
            "password": "qwertyuiop12",
            "role": ["reviewer"],
            "unit": ["BTC-DL"],
        },
    )
    assert response.status_code == 422 and "dãy phím" in response.get_data(True)


def test_the_cli_says_why_in_vietnamese(app, monkeypatch):
    from engine import cli

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)
    result = CliRunner().invoke(cli.cli, ["users", "password", "btc", "--password", "password1234"])
    assert result.exit_code == 1 and "quá phổ biến" in result.output
