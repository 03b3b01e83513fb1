"""Test databases built once and handed out per test.

Migrating a database, importing the organisation tree and deploying the diagrams cost
a tenth of a second to a few tenths per test; done once per test process and copied,
the copy costs a millisecond. On SQLite the copy is the file; on PostgreSQL a test's
database is emptied by DELETE, which is ~20 times cheaper than TRUNCATE (that makes new
files for every table and index)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.engine import Engine


def worker_tag() -> str:
    """``gw0``, ``gw1``… under pytest-xdist, ``main`` without it: part of the names of
    everything a test process creates outside its own temporary directory."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def close_sqlite(engine: Engine) -> None:
    """Close every connection of ``engine`` and checkpoint the WAL into the main file, so
    that the file alone holds the database and can be copied."""
    engine.dispose()
    path = Path(engine.url.database)
    # Outside the engine: its connections BEGIN IMMEDIATE, and a checkpoint cannot run
    # inside a transaction.
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, f"{path} is still in use: its copies would miss pages"
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds pages"


def copy_sqlite(source: Path, target: Path) -> None:
    """A private copy of a closed SQLite database (see ``close_sqlite``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _is_superuser(conn) -> bool:
    return bool(
        conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    )


def clear_postgres(engine: Engine, tables: list[str]) -> None:
    """Make ``tables`` empty, every sequence start again at 1 and the audit chain start
    afresh, as a just-migrated database has them.

    DELETE from the tables that hold rows, with triggers off (the events table refuses
    DELETE by a trigger, and the foreign keys are triggers too). That needs a superuser
    (the local server's ``postgres``); another role gets the TRUNCATE of every table."""
    with engine.begin() as conn:
        if _is_superuser(conn):
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            probe = " UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables
            )
            for (name,) in conn.execute(text(probe)).all():
                conn.execute(text(f"DELETE FROM {name}"))
            # A rolled back INSERT moves a sequence too: restart every one that moved.
            for schema, name in conn.execute(
                text(
                    "SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL"
                )
            ).all():
                conn.execute(text(f'ALTER SEQUENCE "{schema}"."{name}" RESTART'))
        else:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(
            text("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


def keep_heap_order(engine: Engine, tables: list[str]) -> None:
    """No autovacuum on ``tables``: rows deleted by ``clear_postgres`` then never leave
    free space that a later INSERT would fill, so a table scanned without ORDER BY gives
    its rows in insertion order, as in a fresh table."""
    with engine.begin() as conn:
        for name in tables:
            conn.execute(
                text(
                    f"ALTER TABLE {name} SET (autovacuum_enabled = false, "
                    "toast.autovacuum_enabled = false)"
                )
            )


class Snapshot:
    """The rows a seeding left in a freshly migrated database, to put into another one of
    the same back end instead of seeding it again: for fixtures that seed the database
    ``db_engine`` gives, which a file copy cannot replace.

    Taken right after the seeding, from every table of ``tables`` (in foreign-key
    order), with the PostgreSQL sequences where they stood."""

    def __init__(self, engine: Engine, tables: list[Table]) -> None:
        self.tables = tables
        with engine.connect() as conn:
            self.rows = {
                t.name: [dict(r._mapping) for r in conn.execute(select(t))] for t in tables
            }
            self.sequences = []
            if engine.dialect.name == "postgresql":
                self.sequences = conn.execute(
                    text(
                        "SELECT schemaname, sequencename, last_value FROM pg_sequences "
                        "WHERE last_value IS NOT NULL"
                    )
                ).all()

    def restore(self, engine: Engine) -> None:
        """Into a freshly migrated (or emptied) database: the rows and the sequences."""
        with engine.begin() as conn:
            for table in self.tables:
                rows = self.rows[table.name]
                if not rows:
                    continue
                if table.name == "chain_head":  # the one row a migration writes
                    conn.execute(delete(table))
                conn.execute(insert(table), rows)
            for schema, name, value in self.sequences:
                conn.execute(text(f'SELECT setval(\'"{schema}"."{name}"\', {int(value)})'))


def holds_nothing(engine: Engine, tables: list[Table]) -> bool:
    """No row in ``tables`` but the audit chain's first head: as just migrated."""
    probe = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name}"
        + (" WHERE seq <> 0" if t.name == "chain_head" else "")
        + ")"
        for t in tables
    )
    with engine.connect() as conn:
        return not conn.execute(text(probe)).all()
