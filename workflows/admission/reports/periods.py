"""Half-year and year figures by group of people: admissions, recognitions, removals.

Groups overlap on purpose (a student is often a Youth Union member and a woman): each
is a line of the report the committee sends up, as the plan and the province ask for
them (procedure.md, "Plan targets").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from .facts import CaseFacts, Figure
from .models import AdmissionFacts

MAJORITY_ETHNICITY = "kinh"


@dataclass(frozen=True)
class Period:
    """A year (``half`` 0) or one of its halves (1: January–June, 2: July–December)."""

    year: int
    half: int = 0

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def periods_of(year: int) -> tuple[Period, ...]:
    return Period(year, 1), Period(year, 2), Period(year)


def _ethnic_minority(case: CaseFacts) -> bool:
    # The start form defaults to "Kinh"; a case without the field says nothing either way.
    ethnicity = str(case.get("ethnicity") or "").strip().casefold()
    return bool(ethnicity) and ethnicity != MAJORITY_ETHNICITY


#: group key -> who belongs to it, in the order the report lists them.
GROUPS: dict[str, Callable[[CaseFacts], bool]] = {
    "all": lambda case: True,
    "student": lambda case: case.category == "student",
    "enterprise_worker": lambda case: case.category == "enterprise_worker",
    "enterprise_manager": lambda case: case.category == "enterprise_manager",
    "women": lambda case: case.get("gender") == "female",
    "ethnic_minority": _ethnic_minority,
    "youth_union": lambda case: case.get("youth_union_member") is True,
}

#: The groups that are no category: ``admission_facts`` keeps a column of each (a group
#: of one category is named as the category: ``GROUPS["student"]``).
FLAGS = ("women", "ethnic_minority", "youth_union")

#: measure key -> the date a case counts on for it.
MEASURES: dict[str, Callable[[CaseFacts], date | None]] = {
    "admissions": lambda case: case.admission_date,
    "recognitions": lambda case: case.recognition_date,
    "removals": lambda case: case.removal_date,
}


@dataclass(frozen=True)
class PeriodReport:
    year: int
    periods: tuple[Period, ...]
    # (period key, group, measure) -> figure
    cells: dict[tuple[str, str, str], Figure]

    def cell(self, period: Period, group: str, measure: str) -> Figure:
        return self.cells[(period.key, group, measure)]

    @property
    def figures(self) -> dict[str, Figure]:
        return {":".join(key): figure for key, figure in self.cells.items()}


#: measure key -> the column of ``admission_facts`` that keeps that date.
MEASURE_COLUMNS = {
    "admissions": AdmissionFacts.admitted_on,
    "recognitions": AdmissionFacts.recognised_on,
    "removals": AdmissionFacts.removed_on,
}


def _in_groups(category: str | None, flags: dict[str, bool]) -> list[str]:
    """The groups of a case of ``category`` with ``flags`` (``FLAGS`` -> yes or no)."""
    return [g for g in GROUPS if g == "all" or g == category or flags.get(g, False)]


def _dated(session: Session, units: Collection[str], year: int, measure: str):
    """(half, groups, case ids) of the cases of ``units`` that ``measure`` counts in
    ``year``: the database groups them by half, category and flags, a few dozen rows."""
    day = MEASURE_COLUMNS[measure]
    half = case((day <= date(year, 6, 30), 1), else_=2)
    flags = [getattr(AdmissionFacts, flag) for flag in FLAGS]
    stmt = (
        select(
            half,
            AdmissionFacts.category,
            *flags,
            func.aggregate_strings(cast(AdmissionFacts.case_id, String), ","),
        )
        .where(
            AdmissionFacts.unit.in_(sorted(units)),
            day.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .group_by(half, AdmissionFacts.category, *flags)
    )
    for row in session.execute(stmt):
        groups = _in_groups(row[1], dict(zip(FLAGS, map(bool, row[2:-1]), strict=True)))
        yield row[0], groups, [int(i) for i in row[-1].split(",")]


def period_report(session: Session, units: Collection[str], year: int) -> PeriodReport:
    """Every (period, group, measure) count of the cases of ``units`` for ``year``."""
    periods = periods_of(year)
    cells = {}
    for measure in MEASURES:
        ids: dict[tuple[int, str], list[int]] = defaultdict(list)
        for half, groups, found in _dated(session, units, year, measure):
            for group in groups:
                ids[(half, group)] += found
        for period in periods:
            halves = (1, 2) if period.half == 0 else (period.half,)
            for group in GROUPS:
                counted = [i for half in halves for i in ids.get((half, group), [])]
                cells[(period.key, group, measure)] = Figure(tuple(sorted(set(counted))))
    return PeriodReport(year, periods, cells)
