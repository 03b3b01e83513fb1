"""Migration 0011 (shared sign-in counters, server-side sessions) goes up and down on
SQLite and PostgreSQL, keeping the accounts made before it."""

from __future__ import annotations

from sqlalchemy import inspect, text

from engine import schema
from tests.support.databases import downgrade

TABLES = {"rate_counters", "user_sessions"}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) & TABLES


def test_0011_goes_up_and_down(empty_engine):
    schema.upgrade(empty_engine, "0010")
    with empty_engine.begin() as conn:  # an account of before 0011
        conn.execute(
            text(
                "INSERT INTO users (username, full_name, password_hash, active, failed_logins,"
                " language, created_at) VALUES ('old', '', 'x', true, 2, 'vi', '2026-01-01')"
            )
        )
    schema.upgrade(empty_engine)
    assert _tables(empty_engine) == TABLES
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_sessions (token_hash, user_id, created_at, last_seen_at)"
                " SELECT 'h', id, created_at, created_at FROM users"
            )
        )
        conn.execute(
            text("INSERT INTO rate_counters (key, hits, ends_at) VALUES ('k', 1, '2026-01-01')")
        )
    downgrade(empty_engine, "0010")
    assert _tables(empty_engine) == set()
    schema.upgrade(empty_engine)
    assert _tables(empty_engine) == TABLES
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT failed_logins FROM users")).scalar() == 2
