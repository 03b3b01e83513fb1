"""Databases a test creates for itself on the test PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from engine import schema


@contextmanager
def empty_postgres(server: URL, prefix: str = "ketnap_empty") -> Iterator[str]:
    """A new database without any table on ``server``'s PostgreSQL, dropped afterwards
    (its connections closed by force): for tests that migrate, or let a command
    migrate, from nothing. Yields its URL, password included."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def downgrade(engine, revision: str) -> None:
    """Take the schema back to ``revision``, keeping the rows its tables had then.

    Through a plain SQLAlchemy engine, not ``make_engine``'s: SQLite enforces foreign
    keys only when asked (ketnap's engines ask), and a downgrade that rebuilds ``cases``
    as SQLite must (0010's) cannot drop that table while others' keys point at it."""
    plain = create_engine(engine.url)
    config = schema.alembic_config()
    with plain.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    plain.dispose()
