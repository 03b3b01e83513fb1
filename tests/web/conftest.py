"""Web fixtures: an app over a copy of a SQLite database holding the demo organisation
tree, the deployed admission process and one reviewer per body (password = "pw-" + name);
see tests/support/webapp.py, which seeds it once per test process."""

from __future__ import annotations

import pytest

# Imported by the web tests from here too (``from .conftest import login``).
from tests.support.webapp import ROOT, USERS, csrf_token, login, password, seeded_app  # noqa: F401


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2 at its production cost takes ~0.3 s a hash: ten users per test would spend
    seconds on hashing alone. The tests check the flow, not the cost parameters."""
    from argon2 import PasswordHasher

    import web.accounts

    monkeypatch.setattr(
        web.accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return seeded_app(tmp_path, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()
