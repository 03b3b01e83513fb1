"""Database connection: SQLite under ``instance/`` by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.settings import Settings, normalised_url

SQLITE_FILE = "ketnap.sqlite3"


def database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL, or the SQLite file in the instance folder (creating the folder)."""
    settings = settings or Settings.from_env()
    if settings.database_url:
        return settings.database_url
    path = settings.instance_dir / SQLITE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine on ``url`` (a plain ``postgresql://`` one too), or on ``database_url()``."""
    url = normalised_url(url) if url else database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _serialise_sqlite_writers(engine)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
    return engine


def _serialise_sqlite_writers(engine: Engine) -> None:
    """Make every SQLite transaction take the write lock at BEGIN.

    pysqlite's deferred BEGIN lets two transactions read, then both try to write, and
    one fails with "database is locked" instead of waiting. BEGIN IMMEDIATE makes the
    second wait for the first, which is how row locks behave on PostgreSQL.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL keeps every commit atomic and the file consistent; a power
        # cut may lose the last commits, not corrupt them. PostgreSQL is for production.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(session_or_engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
