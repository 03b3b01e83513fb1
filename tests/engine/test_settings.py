"""``engine.settings``: every variable typed, checked, documented, and read nowhere else."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from engine import cli, db, logs
from engine.settings import LOG_FORMATS, Settings, SettingsError, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_an_empty_environment_gives_the_defaults():
    assert Settings.from_env({}) == Settings()
    settings = Settings()
    assert (settings.database_url, settings.secure_cookies, settings.page_size) == (None, False, 20)
    assert settings.attachments == Path("instance") / "attachments"


def test_an_empty_variable_is_the_default():
    assert Settings.from_env({"KETNAP_PAGE_SIZE": "", "KETNAP_SECURE_COOKIES": " "}) == Settings()


def test_every_variable_is_read_into_its_type():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "sqlite:///x.sqlite3",
            "KETNAP_SECRET_KEY": "s3cret",
            "KETNAP_SECURE_COOKIES": "1",
            "KETNAP_INSTANCE_DIR": "/srv/ketnap",
            "KETNAP_PAGE_SIZE": "50",
            "KETNAP_SIGN_IN_LIMIT": "0",
            "KETNAP_API_TOKEN_WINDOW": "30",
            "KETNAP_LOG_FORMAT": "json",
            "KETNAP_LOG_LEVEL": "debug",
        }
    )
    assert settings.database_url == "sqlite:///x.sqlite3"
    assert settings.secret_key == "s3cret" and settings.secure_cookies is True
    assert settings.instance_dir == Path("/srv/ketnap")
    assert settings.attachments == Path("/srv/ketnap/attachments")
    assert (settings.page_size, settings.sign_in_limit, settings.api_token_window) == (50, 0, 30)
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert Settings.from_env({"KETNAP_ATTACHMENTS_DIR": "/data/files"}).attachments == Path(
        "/data/files"
    )


@pytest.mark.parametrize(
    "given, read",
    [
        (
            "postgresql://ketnap@db.internal/ketnap",
            "postgresql+psycopg://ketnap@db.internal/ketnap",
        ),
        ("postgres://u:p@h:5433/k", "postgresql+psycopg://u:p@h:5433/k"),
        ("postgresql+psycopg://u@h/k", "postgresql+psycopg://u@h/k"),
        ("sqlite:////var/lib/ketnap.sqlite3", "sqlite:////var/lib/ketnap.sqlite3"),
    ],
)
def test_a_postgresql_url_means_psycopg_3(given, read):
    """We ship psycopg 3; SQLAlchemy reads a bare postgresql:// as psycopg2."""
    assert Settings.from_env({"DATABASE_URL": given}).database_url == read
    assert db.make_engine(given).url.render_as_string(hide_password=False) == read


@pytest.mark.parametrize(
    "name, value, says",
    [
        ("KETNAP_SECURE_COOKIES", "maybe", "expected 1 or 0"),
        ("KETNAP_PAGE_SIZE", "twenty", "expected a whole number"),
        ("KETNAP_PAGE_SIZE", "0", "at least 1"),
        ("KETNAP_SIGN_IN_LIMIT", "2.5", "expected a whole number"),
        ("KETNAP_API_AUTH_FAILURE_LIMIT", "-1", "at least 0"),
        ("KETNAP_LOG_FORMAT", "xml", "expected one of kv, json"),
    ],
)
def test_a_bad_value_names_its_variable(name, value, says):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    assert str(raised.value).startswith(f"{name}={value!r}: ") and says in str(raised.value)


def test_secrets_stay_out_of_the_repr():
    shown = repr(
        Settings.from_env({"KETNAP_SECRET_KEY": "s3cret", "DATABASE_URL": "postgresql://u:pw@h/k"})
    )
    assert "s3cret" not in shown and "pw" not in shown


def test_every_setting_has_a_variable_and_a_meaning():
    names = [f.metadata["env"] for f in fields(Settings)]
    assert len(names) == len(set(names))
    assert all(
        f.metadata["meaning"] and "\n" not in f.metadata["meaning"] for f in fields(Settings)
    )


def test_the_readme_table_is_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README's Configuration table: paste markdown_table()"


def test_no_other_module_reads_the_environment():
    """Only ``engine/settings.py`` reads environment variables: a variable read
    elsewhere would be typed, checked and documented nowhere."""
    readers = []
    for package in ("engine", "workflows", "web"):
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "engine" / "settings.py":
                continue
            source = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source, str(path))):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("environ", "getenv")
                    and ast.unparse(node.value) == "os"
                ):
                    readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []


def test_the_readme_table_lists_every_variable_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([A-Z_]+)` \|", readme, re.MULTILINE)
    assert sorted(listed) == sorted(f.metadata["env"] for f in fields(Settings))


def test_the_log_settings_are_the_formats_logs_knows():
    assert LOG_FORMATS == tuple(logs.FORMATTERS) == logs.FORMATS
    assert (Settings().log_format, Settings().log_level) == (
        logs.DEFAULT_FORMAT,
        logs.DEFAULT_LEVEL,
    )


def test_the_cli_names_a_bad_variable_and_exits(monkeypatch, capsys):
    monkeypatch.setenv("KETNAP_PAGE_SIZE", "many")
    monkeypatch.setattr(cli, "load_plugins", lambda group: None)  # engine commands only
    monkeypatch.setattr(sys, "argv", ["ketnap", "cases", "list"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    assert capsys.readouterr().err == "error: KETNAP_PAGE_SIZE='many': expected a whole number\n"
