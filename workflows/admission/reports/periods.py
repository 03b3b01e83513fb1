"""Half-year and year figures by group of people: admissions, recognitions, removals.

Groups overlap on purpose (a student is often a Youth Union member and a woman): each
is a line of the report the committee sends up, as the plan and the province ask for
them (procedure.md, "Plan targets").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .facts import CaseFacts, Figure

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


def period_report(cases: list[CaseFacts], year: int) -> PeriodReport:
    """Every (period, group, measure) count of ``cases`` for ``year``."""
    periods = periods_of(year)
    cells = {}
    for measure, day_of in MEASURES.items():
        dated = [(case, day_of(case)) for case in cases]
        for period in periods:
            in_period = [case for case, day in dated if day in period]
            for group, belongs in GROUPS.items():
                cells[(period.key, group, measure)] = Figure.of(
                    case for case in in_period if belongs(case)
                )
    return PeriodReport(year, periods, cells)
