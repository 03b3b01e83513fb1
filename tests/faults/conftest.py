"""Fault-test fixtures: a fresh PostgreSQL database per test, seeded as a real install
(the demo tree, the deployed admission process, load users with API tokens), and a
gunicorn serving it on a free loopback port.

These tests need PostgreSQL (KETNAP_TEST_PG_URL, set by ``make test``): without it
they skip, except in CI, where a missing PostgreSQL fails the run (as ``pg_database``
decides for every PostgreSQL test).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine import db as engine_db
from engine import definitions, schema
from engine.cases import Actor, unit_of_work

from .gunicorn import Server

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 16


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.faults)
            # Under pytest-xdist, all on one worker, one after the other: they load the
            # server, kill processes and cut connections, and must not do it to each
            # other (the rest of the suite runs on the other worker meanwhile). The
            # scheduler groups tests/faults/ itself (tests/support/scheduling.py): this
            # xdist 3.8 ignores the mark under pytest 9.2.
            item.add_marker(pytest.mark.xdist_group("faults"))


@dataclass
class Seeded:
    url: str
    tokens: list[str]  # one API token per load user, each a reviewer everywhere

    def factory(self):
        return engine_db.make_session_factory(engine_db.make_engine(self.url))


def _create_database(server, name: str, template: str | None = None) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _drop_database(server, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _seed(url: str) -> list[str]:
    """The demo tree, the deployed admission process and CLIENTS load users with API
    tokens, in the database at ``url``; the tokens."""
    from argon2 import PasswordHasher

    import web.accounts
    from web.accounts import create_user
    from web.tokens import issue
    from workflows.admission import register_domain
    from workflows.admission.orgs import import_tree, read_tree_file

    # Passwords are never used here (tokens are): the cheapest hash keeps seeding fast.
    web.accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    register_domain()
    tree = read_tree_file(ROOT / "workflows/admission/data/org_demo.yaml")
    factory = engine_db.make_session_factory(engine_db.make_engine(url))
    with unit_of_work(factory) as s:
        import_tree(s, tree)
        definitions.deploy(s, definitions.collect([ROOT / "bpmn"]), "faults")
        units = [code for (code,) in s.execute(text("SELECT code FROM units"))]
        tokens = []
        for n in range(CLIENTS):
            user = create_user(
                s,
                f"load{n}",
                "unused",
                full_name=f"Load {n}",
                memberships=[(code, "reviewer") for code in units],
            )
            s.flush()
            tokens.append(issue(s, user, "load")[1])
    # A template database must have no connection left when it is copied.
    factory.kw["bind"].dispose()
    return tokens


@pytest.fixture(scope="session")
def fault_templates(pg_database):
    """Two template databases made once per test process: migrated, and migrated and
    seeded. Each fault test gets a copy (CREATE DATABASE … TEMPLATE, a file copy on the
    server), which costs a fraction of migrating and seeding anew.

    ``pg_database`` (the session's shared database) decides whether PostgreSQL tests
    run here at all, and names the server to create these on."""
    server = pg_database.url.set(database="postgres")
    tag = uuid.uuid4().hex[:10]
    migrated, seeded = f"ketnap_tpl_migrated_{tag}", f"ketnap_tpl_seeded_{tag}"
    url = _create_database(server, migrated)
    engine = engine_db.make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    tokens = _seed(_create_database(server, seeded, template=migrated))
    yield server, migrated, seeded, tokens
    for name in (migrated, seeded):
        _drop_database(server, name)


@contextmanager
def _copy_of(server, template: str) -> Iterator[str]:
    name = f"ketnap_fault_{uuid.uuid4().hex[:10]}"
    try:
        yield _create_database(server, name, template=template)
    finally:
        _drop_database(server, name)


@pytest.fixture
def pg_url(fault_templates):
    """The URL of a fresh, migrated PostgreSQL database, dropped after the test."""
    server, migrated, _seeded, _tokens = fault_templates
    with _copy_of(server, migrated) as url:
        yield url


@pytest.fixture
def seeded(fault_templates) -> Iterator[Seeded]:
    """A fresh database seeded as a real install (see ``_seed``), dropped after the test."""
    server, _migrated, template, tokens = fault_templates
    with _copy_of(server, template) as url:
        yield Seeded(url, tokens)


@pytest.fixture
def server(seeded, tmp_path):
    """gunicorn, 4 workers, on a free loopback port over the seeded database."""
    srv = Server(seeded.url, tmp_path)
    srv.start()
    yield srv
    srv.stop()


def start_cases(seeded: Seeded, count: int, who: str = "load0") -> list[int]:
    """Start ``count`` admission cases (adults: nothing waits for a birthday)."""
    from tests.support.api import adult
    from workflows.admission import intake

    factory = seeded.factory()
    ids = []
    with unit_of_work(factory) as s:
        for n in range(count):
            case = intake.start_admission(s, adult(full_name=f"Nguyễn Văn Tải {n}"), Actor(who))
            s.flush()
            ids.append(case.id)
    factory.kw["bind"].dispose()
    return ids
