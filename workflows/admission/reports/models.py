"""The tables the reports keep: the yearly targets a committee's organisation board
sets (with the admissions it records as handled outside ketnap), and the sourcing quotas
the board the tree names assigns to each mass organisation (plan section 2.3).

No row means the plan's defaults: the plan's targets are yearly and the same every year,
so a board only writes a row to change them.

A third table holds, per admission case, the facts the yearly reports filter on, and a
fourth how long the completed tasks of those cases took, counted by span.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, BigId, DateTime

# The plan's targets (section II.1): at least 1 student per high-school party
# organisation, and at least 2 % enterprise workers among all new members. The plan
# sets no target per enterprise.
DEFAULT_STUDENTS_PER_SCHOOL = 1
DEFAULT_WORKER_SHARE_BP = 200  # basis points: 200 = 2 %


class PlanTarget(Base):
    """One committee's targets for one year."""

    __tablename__ = "plan_targets"

    committee: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    students_per_school: Mapped[int] = mapped_column(Integer, default=DEFAULT_STUDENTS_PER_SCHOOL)
    # Basis points rather than a float or a decimal: exact on every back end.
    worker_share_bp: Mapped[int] = mapped_column(Integer, default=DEFAULT_WORKER_SHARE_BP)
    # Unit codes of the high-school party organisations the first target covers; None:
    # every one the tree marks as a high school (see ``scope.schools``).
    schools: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # Admissions of the year decided outside ketnap: they count in the denominator of
    # the enterprise-worker share (all new members of the committee's organisation).
    outside_admissions: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime())


class SourcingQuota(Base):
    """The number of candidates a mass organisation is to propose in a year."""

    __tablename__ = "sourcing_quotas"

    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    quota: Mapped[int] = mapped_column(Integer)
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(DateTime())


class AdmissionFacts(Base):
    """What the yearly reports count an admission case by, derived from the case each
    time the engine stores it (``stored.store``): a report over 100,000 cases filters
    this narrow table instead of parsing 100,000 JSON documents. The case's unit,
    category and status are repeated here so that no query has to read the wide
    ``cases`` table."""

    __tablename__ = "admission_facts"
    # The dates the reports ask for a year of, or a list of, from a few of the rows: an
    # index each, without the rows where they are empty.
    __table_args__ = (
        *(
            Index(
                f"ix_admission_facts_{name}",
                name,
                postgresql_where=text(f"{name} IS NOT NULL"),
                sqlite_where=text(f"{name} IS NOT NULL"),
            )
            for name in ("recognised_on", "removed_on", "birthday_wait", "probation_until")
        ),
        Index("ix_admission_facts_opened_on", "opened_on"),
    )

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), primary_key=True)
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    title: Mapped[str] = mapped_column(String(300), default="")
    # facts.REPORT_KEYS of the case data: a few hundred bytes, not the whole document.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    admitted_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    decided: Mapped[bool] = mapped_column(Boolean)  # the case has a decision date
    birthday_wait: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The fewest usual days from one of its open steps to the decision (0 without any).
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    # What the half-year report and the quotas group by, and the pipeline's probation
    # list filters on: the dates and groups of ``facts.CaseFacts`` and ``periods``.
    recognised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    removed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The end of the probation of an admitted member not yet recognised or removed.
    probation_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # in Vietnam
    women: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ethnic_minority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    youth_union: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    proposer_unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The outcome the case data states (the decision's script sets "admitted" while the
    # probation runs, before the case closes): what the auditor's search asks of it.
    data_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    # The ids of the completed tasks whose spans this case counts in ``admission_spans``,
    # so that storing the case again can take back what it counted before. None as
    # none: a row that code from before this column writes is valid.
    counted: Mapped[list | None] = mapped_column(JSON, nullable=True)


class AdmissionSpans(Base):
    """How many completed tasks of admission cases took exactly ``micros`` microseconds
    from creation to completion, by the case's unit, the step and the body that did it.

    The pipeline's medians and 90th percentiles per step and per body are read off these
    counts instead of the million completed tasks of a city. Tasks that took the same
    time share a row (the demo's copies all do: at 100,000 cases the table holds a few
    hundred rows); tasks of distinct spans each have one, so the table never outgrows
    the tasks. ``stored.store`` keeps it in step in each case's transaction."""

    __tablename__ = "admission_spans"

    case_unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(200), primary_key=True)
    step_name: Mapped[str] = mapped_column(String(300), primary_key=True)
    body: Mapped[str] = mapped_column(String(64), primary_key=True)
    micros: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tasks: Mapped[int] = mapped_column(Integer, default=0)
