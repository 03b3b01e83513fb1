"""The tables the reports keep: the yearly targets a committee's organisation board
sets (with the admissions it records as handled outside ketnap), and the sourcing quotas
the board the tree names assigns to each mass organisation (plan section 2.3).

No row means the plan's defaults: the plan's targets are yearly and the same every year,
so a board only writes a row to change them.

A third table holds, per admission case, the facts the yearly reports filter on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
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
