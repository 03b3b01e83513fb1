"""Database connection: SQLite under ``instance/`` by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from engine.settings import Settings, normalised_url

SQLITE_FILE = "ketnap.sqlite3"
# PostgreSQL's SQLSTATEs for "another transaction holds what you want": lock_not_available
# (lock_timeout, NOWAIT), deadlock_detected, serialization_failure. Trying again helps.
CONTENDED_SQLSTATES = frozenset({"55P03", "40P01", "40001"})
# SQLite's primary result codes for the same (busy_timeout ran out).
CONTENDED_SQLITE = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})


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


def lock_contended(err: BaseException) -> bool:
    """Whether ``err`` says another transaction holds the lock (or the row) wanted: the
    case is busy. Anything else an OperationalError can say (the connection was lost, the
    server shut down, it cannot be reached) is the database failing, not contention."""
    if not isinstance(err, DBAPIError) or err.connection_invalidated:
        return False
    orig = err.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate is not None:
        return sqlstate in CONTENDED_SQLSTATES
    if getattr(orig, "sqlite_errorname", None) in CONTENDED_SQLITE:
        return True
    return "database is locked" in str(orig) or "database table is locked" in str(orig)


def _driver_errors() -> tuple[type[BaseException], ...]:
    """psycopg's own connection errors, which escape unwrapped from a connection used
    by hand (not through SQLAlchemy); none when psycopg is not installed."""
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
    *_driver_errors(),
)


def unavailable(err: BaseException) -> bool:
    """Whether ``err`` itself says the database could not be reached or used for a while:
    a lost or refused connection, a server shutting down, no connection free in the pool.
    Waiting and trying again may help; nothing in the request was at fault."""
    if isinstance(err, UNAVAILABLE):
        return True
    return isinstance(err, DBAPIError) and err.connection_invalidated


def unavailable_cause(err: BaseException) -> BaseException | None:
    """The database error behind ``err``: itself, or one it was raised from or while
    handling (a diagram's function that read the database and failed becomes a
    ProcessError ``from`` it). None when the database is not to blame, also when it was
    only busy: a Conflict raised from lock contention stays a Conflict."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if lock_contended(current):
            return None
        if unavailable(current):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


# session.info key: the rows an operation locked or wrote, kept alive until its
# transaction ends (see ``hold``).
_HELD = "ketnap.held_rows"


def hold(session: Session, *rows: object) -> None:
    """Keep ``rows`` in ``session``'s identity map until its transaction ends.

    The identity map holds unchanged rows weakly: once an operation returns, the case it
    locked is gone from it, and every commit hook that asks ``session.get`` for it again
    (the outbox, the domain's notification rules) costs a query. Held, they are found
    in memory, as they are under the case lock."""
    session.info.setdefault(_HELD, []).extend(rows)


@event.listens_for(Session, "after_transaction_end")
def _release_held(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_HELD, None)
