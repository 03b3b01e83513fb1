"""Shared fixtures: a migrated database on SQLite and, where available, PostgreSQL.

``db`` is parametrised over both back ends. PostgreSQL tests run against
KETNAP_TEST_PG_URL (``make test`` sets it); without it they skip, except in CI
(CI=true), where a missing PostgreSQL fails the run instead.

Each test process (each pytest-xdist worker) migrates once: a SQLite file that every
test gets a copy of, and a PostgreSQL database of its own that is emptied between tests.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from engine import clock, schema
from engine import db as dbmod
from engine.models import Base
from tests.support.databases import empty_postgres
from tests.support.seeding import (
    clear_postgres,
    close_sqlite,
    copy_sqlite,
    keep_heap_order,
    worker_tag,
)

PG_URL = os.environ.get("KETNAP_TEST_PG_URL")


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """Under ``-n`` (make test: -n 2), the fault tests on one worker, one after the other,
    and the rest spread test by test: see tests/support/scheduling.py. Another --dist
    than the default (load) or loadgroup is left to pytest-xdist."""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from tests.support.scheduling import FolderGroups

    return FolderGroups(config, log)


def _pg_admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, migrated once, dropped after."""
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but KETNAP_TEST_PG_URL is not set: PostgreSQL tests must run")
        pytest.skip("PostgreSQL not configured (set KETNAP_TEST_PG_URL)")
    name = f"ketnap_test_{worker_tag()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    engine = dbmod.make_engine(url)
    schema.upgrade(engine)
    keep_heap_order(engine, _tables())
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables() -> list[str]:
    return [t.name for t in reversed(Base.metadata.sorted_tables)]


def _empty_postgres(engine) -> None:
    clear_postgres(engine, _tables())


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A migrated SQLite file, made once per test process: tests get copies of it."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    engine = dbmod.make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    close_sqlite(engine)
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request, tmp_path):
    """A migrated, empty database: a copy of ``migrated_sqlite``, or the session's
    PostgreSQL database emptied."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        copy_sqlite(request.getfixturevalue("migrated_sqlite"), path)
        engine = dbmod.make_engine(f"sqlite:///{path}")
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


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request, tmp_path):
    """An engine on a database without any table yet, on each back end: for tests that
    migrate up and down."""
    if request.param == "sqlite":
        engine = dbmod.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("pg_database").url  # skips or fails as it decides
    with empty_postgres(server, "ketnap_migrations") as url:
        engine = dbmod.make_engine(url)
        yield engine
        engine.dispose()
