"""What every report counts, read once from the stored cases.

A case is read as a ``CaseFacts``: its row's columns and the few data fields the
reports look at. The dates come from the case data, as the procedure says reports count
them: an admission on its decision date, a recognition or a removal on the recognition
decision's date (procedure.md, "Case status and outcome").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case

from ..rules import VIETNAM
from ..tree import OrgTree
from .models import AdmissionFacts

# Outcomes that follow an admission decision: probation, then recognition or removal.
AFTER_ADMISSION = frozenset({"admitted", "recognised", "removed"})
OPEN = frozenset({"active", "waiting"})
# What a ``CaseFacts`` is read from (not the case's stored state, which is far larger).
COLUMNS = (
    Case.id,
    Case.unit,
    Case.category,
    Case.status,
    Case.outcome,
    Case.created_at,
    Case.title,
    Case.data,
)
# The fields of the case data that the reports read: ``admission_facts`` keeps these
# beside each case, so a report does not parse each case's whole document.
REPORT_KEYS = (
    "outcome",
    "decision",
    "decision_date",
    "recognition_decision",
    "recognition_decision_date",
    "waiting_reason",
    "waiting_until",
    "probation_end",
    "gender",
    "ethnicity",
    "youth_union_member",
    "proposer_unit",
    "enterprise",
    "ended_on",
)


@dataclass(frozen=True)
class Figure:
    """A count and the cases behind it; ``extra`` counts what has no case in ketnap
    (admissions the organisation board recorded as decided elsewhere)."""

    cases: tuple[int, ...] = ()
    extra: int = 0

    @property
    def value(self) -> int:
        return len(self.cases) + self.extra

    @classmethod
    def of(cls, cases: Iterable[CaseFacts], extra: int = 0) -> Figure:
        return cls(tuple(sorted({case.id for case in cases})), extra)


def as_date(value: Any) -> date | None:
    """An ISO date (or date-time) from the case data; anything else is no date."""
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class CaseFacts:
    id: int
    unit: str | None
    category: str | None
    status: str
    outcome: str | None
    created_at: datetime
    title: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def _ended(self, *outcomes: str) -> bool:
        return (self.data.get("outcome") or self.outcome) in outcomes

    @property
    def opened_on(self) -> date:
        """The day the case was opened, in Vietnam (a case opened at 6 a.m. on 1 January
        there was opened on 31 December in UTC)."""
        return self.created_at.astimezone(VIETNAM).date()

    @property
    def admission_date(self) -> date | None:
        decision = self.data.get("decision")
        admitted = decision == "admit" if decision else self._ended(*AFTER_ADMISSION)
        return as_date(self.data.get("decision_date")) if admitted else None

    def _recognition_decision(self, choice: str, outcome: str) -> date | None:
        decided = self.data.get("recognition_decision")
        made = decided == choice if decided else self._ended(outcome)
        return as_date(self.data.get("recognition_decision_date")) if made else None

    @property
    def recognition_date(self) -> date | None:
        return self._recognition_decision("recognise", "recognised")

    @property
    def removal_date(self) -> date | None:
        """The recognition decision's date; for a member removed during probation by an
        ending (workflows/admission/ending.py), the day of the ending."""
        decided = self._recognition_decision("remove", "removed")
        if decided is None and self.outcome == "removed" and self.data.get("ended_on"):
            return as_date(self.data.get("ended_on"))
        return decided

    @property
    def undecided(self) -> bool:
        """Still on its way to an admission decision: open, no decision yet."""
        return self.status in OPEN and not self.data.get("decision_date")

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @classmethod
    def of(cls, row) -> CaseFacts:
        """From a case, or a row of ``COLUMNS``."""
        return cls(
            row.id,
            row.unit,
            row.category,
            row.status,
            row.outcome,
            row.created_at,
            row.title or "",
            row.data or {},
        )


def committee_units(tree: OrgTree, committee: str) -> set[str]:
    """The committee and every unit below it: whose cases its reports count."""
    return {committee, *(unit.code for unit in tree.descendants(committee))}


def report_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The part of a case's data that the reports read."""
    data = data or {}
    return {key: data[key] for key in REPORT_KEYS if key in data}


def load(session: Session, units: Collection[str] | None) -> list[CaseFacts]:
    """The admission cases whose responsible unit is in ``units`` (None: every case),
    read from ``admission_facts``: a few columns and ``REPORT_KEYS`` of the data."""
    stmt = select(
        AdmissionFacts.case_id.label("id"),
        AdmissionFacts.unit,
        AdmissionFacts.category,
        AdmissionFacts.status,
        AdmissionFacts.outcome,
        AdmissionFacts.created_at,
        AdmissionFacts.title,
        AdmissionFacts.data,
    )
    if units is not None:
        stmt = stmt.where(AdmissionFacts.unit.in_(sorted(units)))
    # Plain rows, unpacked by position: a city's 100,000 cases are read per request.
    rows = session.connection().execute(stmt.order_by(AdmissionFacts.case_id)).all()
    return [
        CaseFacts(case_id, unit, category, status, outcome, created_at, title or "", data or {})
        for case_id, unit, category, status, outcome, created_at, title, data in rows
    ]
