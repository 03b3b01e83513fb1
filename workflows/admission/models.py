"""The organisation tree's table: party committees, boards, branches and mass organisations.

The tree is data an administrator imports (see ``orgs``), not code: since 7/2025 the
bodies that decide admissions changed, and they will change again. Units are never
deleted, only made inactive, because closed and running cases keep the codes they had.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base


class Unit(Base):
    """One body of the organisation tree, known by a short stable code."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    # The committee that decides admissions for this unit and the units below it, when
    # that is not simply the nearest committee up the tree (an authorised ward, say).
    # Not a foreign key: it may name the unit itself, and it is checked on import.
    upper_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Residential areas (khu phố, tổ dân phố, former wards) a ward committee covers.
    covers: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The school or enterprise it belongs to, and what it takes on for the plan's
    # reports (``traits``): the reports find units by these, never by their names.
    institution: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Nullable: a NOT NULL column added to stored units would need a server default,
    # and none on a JSON column compares on PostgreSQL. The migration writes [].
    duties: Mapped[list | None] = mapped_column(JSON, nullable=True, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
