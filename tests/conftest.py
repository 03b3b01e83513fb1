"""Shared fixtures: a migrated database on SQLite and, where available, PostgreSQL.

``db`` is parametrised over both back ends. PostgreSQL tests run against
KETNAP_TEST_PG_URL (``make test`` sets it); without it they skip, except in CI
(CI=true), where a missing PostgreSQL fails the run instead.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from engine import clock, db as dbmod, schema
from engine.models import Base

PG_URL = os.environ.get("KETNAP_TEST_PG_URL")


def _pg_admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, migrated once, dropped after."""
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but KETNAP_TEST_PG_URL is not set: PostgreSQL tests must run")
        pytest.skip("PostgreSQL not configured (set KETNAP_TEST_PG_URL)")
    name = f"ketnap_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    engine = dbmod.make_engine(url)
    schema.upgrade(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(engine) -> None:
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, :h)"),
                     {"h": "0" * 64})


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = dbmod.make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        schema.upgrade(engine)
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_database")
        _empty_postgres(engine)
        yield engine


@pytest.fixture
def factory(db_engine):
    return dbmod.make_session_factory(db_engine)


@pytest.fixture(autouse=True)
def _real_clock():
    clock.reset()
    yield
    clock.reset()
