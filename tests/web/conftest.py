"""Web fixtures: an app over a copy of a SQLite database holding the demo organisation
tree, the deployed admission process and one reviewer per body (password = "pw-" + name);
see tests/support/webapp.py, which seeds it once per test process."""

from __future__ import annotations

import pytest

# The notification tests' SMTP server on loopback and their app on both back ends.
from tests.support.mail import mail_app, smtp  # noqa: F401

# The web tests' helpers (USERS, login...) are in tests/support/webapp.py; still importable
# from here for tests that ``from .conftest import login``.
from tests.support.webapp import (  # noqa: F401
    ROOT,
    USERS,
    _cheap_password_hashing,  # autouse: cheap argon2 for every web test
    csrf_token,
    login,
    password,
    seeded_app,
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return seeded_app(tmp_path, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _fresh_denial_windows():
    """Denials are aggregated per user and minute in the process's memory: a denial of
    one test must not fold another test's first denial into its minute."""
    from web import denials

    denials.reset()
    yield
    denials.reset()
