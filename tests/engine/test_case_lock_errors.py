"""A case row locked by another transaction is "busy" (Conflict, 409: try again), on
both back ends; the database failing while locking is not (tests/faults/
test_connection_lost.py cuts the connection for that half)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from engine import cases
from engine.cases import unit_of_work
from engine.db import make_engine, make_session_factory
from engine.errors import Conflict

from .helpers import ALICE, BOB, deploy_review, make_registry


def _impatient(db_engine):
    """A second engine on the same database that waits for a lock 50 ms, not 30 s."""
    if db_engine.dialect.name == "postgresql":
        other = make_engine(db_engine.url.render_as_string(hide_password=False))

        @event.listens_for(other, "begin")
        def _lock_timeout(conn):
            conn.exec_driver_sql("SET LOCAL lock_timeout = '50ms'")

    else:
        other = make_engine(str(db_engine.url))

        @event.listens_for(other, "connect")
        def _busy_timeout(dbapi_connection, _record):  # after engine.db's own (30 s)
            dbapi_connection.execute("PRAGMA busy_timeout = 50")

    return other


def test_a_case_locked_by_another_transaction_is_busy(db_engine):
    reg = make_registry()
    factory = make_session_factory(db_engine)
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        case_id = cases.start_case(s, "review", {"full_name": "Ân"}, ALICE, registry=reg).id
    other = _impatient(db_engine)
    try:
        with factory() as holder:
            cases.suspend(holder, case_id, ALICE)  # holds the case row (SQLite: the database)
            with make_session_factory(other)() as session:
                with pytest.raises(Conflict, match="busy"):
                    cases.suspend(session, case_id, BOB)
                session.rollback()
            holder.rollback()
    finally:
        other.dispose()
    with factory() as s:  # nothing changed: the holder rolled back, the other was refused
        assert (
            s.execute(text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}).scalar()
            == "active"
        )
