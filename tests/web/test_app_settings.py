"""``create_app()`` takes its config from ``engine.settings``, as gunicorn runs it; a
test's ``create_app(config)`` still overrides any key."""

from __future__ import annotations

import pytest

from engine.settings import SettingsError
from web import create_app


@pytest.fixture
def bare_env(tmp_path, monkeypatch):
    """No ketnap variable from the caller's environment; the instance folder in tmp."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "DATABASE_URL",
        "KETNAP_SECRET_KEY",
        "KETNAP_SECURE_COOKIES",
        "KETNAP_INSTANCE_DIR",
        "KETNAP_ATTACHMENTS_DIR",
        "KETNAP_PAGE_SIZE",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_app_is_configured_by_the_environment(bare_env, tmp_path):
    # The README's production URL: a bare postgresql:// once made the app look for
    # psycopg2, which we do not ship (the CLI alone read it as psycopg 3).
    bare_env.setenv("DATABASE_URL", "postgresql://ketnap@db.internal/ketnap")
    bare_env.setenv("KETNAP_SECRET_KEY", "from-the-environment")
    bare_env.setenv("KETNAP_SECURE_COOKIES", "1")
    bare_env.setenv("KETNAP_PAGE_SIZE", "7")
    bare_env.setenv("KETNAP_SIGN_IN_LIMIT", "3")
    bare_env.setenv("KETNAP_API_TOKEN_LIMIT", "0")
    app = create_app()
    assert app.extensions["ketnap_db"].kw["bind"].url.drivername == "postgresql+psycopg"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["PAGE_SIZE"] == 7
    assert app.extensions["sign_in_throttle"].limit == 3
    assert app.config["API_TOKEN_LIMIT"] == 0
    assert app.config["ATTACHMENTS_DIR"] == str(tmp_path / "instance" / "attachments")
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_the_defaults_need_no_variable(bare_env, tmp_path):
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is False and app.config["PAGE_SIZE"] == 20
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()
    assert (
        str(app.extensions["ketnap_db"].kw["bind"].url)
        == f"sqlite:///{(tmp_path / 'instance' / 'ketnap.sqlite3').relative_to(tmp_path)}"
    )


def test_a_config_given_to_the_factory_wins(bare_env, tmp_path):
    bare_env.setenv("KETNAP_PAGE_SIZE", "7")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "SECRET_KEY": "test",
            "PAGE_SIZE": 2,
        }
    )
    assert app.config["PAGE_SIZE"] == 2 and app.config["SECRET_KEY"] == "test"


def test_a_bad_variable_stops_the_app(bare_env):
    bare_env.setenv("KETNAP_SECURE_COOKIES", "maybe")
    with pytest.raises(SettingsError, match="^KETNAP_SECURE_COOKIES='maybe': expected 1 or 0"):
        create_app()
