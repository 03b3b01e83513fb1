"""SQLAlchemy 2 tables of the engine: definition versions, cases, work items, events.

The work-item table is the inbox projection: one row per user task (open, completed or
cancelled), written in the same transaction as the case state, so the inbox never
disagrees with the engine. Columns the inbox filters on (candidate name, search key,
category, unit) are copied onto each row so that an inbox query touches one table.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import DateTime as _DateTime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY, PostgreSQL wants BIGINT for growth.
BigId = BigInteger().with_variant(Integer, "sqlite")
#: How much of a failing timer's error a case keeps (the log has all of it).
INCIDENT_LENGTH = 500


class DateTime(TypeDecorator):
    """Timezone-aware UTC in and out, on every back end.

    SQLite keeps no time zone and hands back naive values; comparing those with the
    aware values the engine computes would fail, so we store UTC and re-attach it.
    """

    impl = _DateTime(timezone=True)
    cache_ok = True

    def __init__(self, timezone: bool = True):
        super().__init__()

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class DefinitionVersion(Base):
    """One immutable deployment of a definition key: its BPMN files and forms."""

    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_definition_key_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON)  # {file name: BPMN text}
    forms: Mapped[dict] = mapped_column(JSON)  # {form name: form dict}
    elements: Mapped[dict] = mapped_column(JSON)  # {process id: {element id: metadata}}
    deployed_by: Mapped[str] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TimerStart(Base):
    """When the next case of a definition with a timer start event is due
    (``engine.timer_starts``): one row per key, for its latest version."""

    __tablename__ = "timer_starts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version_id: Mapped[int] = mapped_column(BigId, ForeignKey("definition_versions.id"))
    element: Mapped[str] = mapped_column(String(200))  # the start event
    timer: Mapped[str] = mapped_column(Text)  # "timeCycle: ...": what the schedule follows
    next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    remaining: Mapped[int | None] = mapped_column(Integer)  # None: a cycle without end
    interval_seconds: Mapped[float | None] = mapped_column(Float)


class Case(Base):
    """A running or finished process instance, with its state as one JSON document."""

    __tablename__ = "cases"
    # A fragment anywhere in the name (the auditor's search, ``LIKE '%an%'``): a
    # trigram index on PostgreSQL (migration 0022); a plain one elsewhere.
    __table_args__ = (
        Index(
            "ix_cases_search_trgm",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    definition_key: Mapped[str] = mapped_column(String(200), index=True)
    # The version's content hash, copied here so that a cached spec can be found without
    # reading the version row (versions are immutable; ids alone repeat across databases).
    definition_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)  # active|waiting|suspended|closed
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    search_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # SpiffWorkflow's serialization without the spec, kept as text: we encode it ourselves.
    state: Mapped[str] = mapped_column(Text)
    # The earliest moment one of this case's timers is due: the timer worker's index.
    next_due_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set while the case's timers fail to fire (engine/timers.py): the error, when it last
    # failed and how many times in a row; a successful firing clears them.
    incident: Mapped[str | None] = mapped_column(String(INCIDENT_LENGTH), nullable=True)
    incident_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    incident_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __mapper_args__ = {"version_id_col": revision}


class CaseTrunk(Base):
    """A part of a case's finished trunk, taken out of its state (``engine.stored``):
    the tasks that finished above its live part during one operation, in the state's
    JSON. Appended, in the transaction of the operation; rewritten only when a step is
    reopened or the case moves to another version."""

    __tablename__ = "case_trunk"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tasks: Mapped[str] = mapped_column(Text)


class WorkItem(Base):
    """The inbox projection: one row per user task of a case."""

    __tablename__ = "work_items"
    __table_args__ = (
        # Both let a busy unit's inbox read its open tasks from the index alone
        # (migration 0008): tab counts and due-date order, and the filter choices.
        Index("ix_work_items_inbox", "unit", "status", "due_at", "id", "claimed_by"),
        Index("ix_work_items_facets", "unit", "status", "step", "step_name", "category"),
        Index("ix_work_items_case", "case_id", "status"),
        # A city's open tasks, for the reports that count them (steps, overdue tasks),
        # read from the index alone instead of the million rows of every task.
        Index(
            "ix_work_items_open",
            "case_id",
            postgresql_include=["id", "step", "step_name", "unit", "due_at"],
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    process_id: Mapped[str] = mapped_column(String(200))
    step: Mapped[str] = mapped_column(String(200), index=True)
    step_name: Mapped[str] = mapped_column(String(300), default="")
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    form: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # open|completed|cancelled
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    search_key: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Event(Base):
    """One entry of the global, gap-free, hash-chained audit log."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    case_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The single row naming the last event: locked by each append, so numbering is gap-free."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))


class Attachment(Base):
    """A file attached to a case: its bytes live on disk, named by their sha256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigId)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime())


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), nullable=True)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class Notification(Base):
    """The outbox: one row per person to tell and reason to tell them (engine/outbox.py),
    written in the transaction of the operation that gave the reason. The app shows it
    until read; the mail worker (web/notifications/worker.py) sends it by e-mail, once,
    or keeps it for the daily digest, as the recipient chose."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A reminder is written once per task and recipient, however often it is computed.
        UniqueConstraint("recipient", "key", name="uq_notifications_recipient_key"),
        Index("ix_notifications_recipient", "recipient", "read_at", "id"),
        Index("ix_notifications_mail", "mail_status", "mail_next_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(200))  # a user name
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    work_item_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    # The unit and deadline the reason is about: what the digest groups by.
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # pending (to send) | digest (waits for the digest) | sent | off (not wanted by mail)
    # | no_address (the user has no e-mail address)
    mail_status: Mapped[str] = mapped_column(String(12), default="pending")
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    mail_error: Mapped[str | None] = mapped_column(String(INCIDENT_LENGTH), nullable=True)
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
