"""Sourcing quotas (seed plan, section 2.3): the board the tree names for it
(``scope.quota_body``: the city's mass mobilisation board in the plan's structure, the
province's combined propaganda and mass mobilisation board in the 2025 tree) gives each
mass organisation (Youth Union, Trade Union, Fatherland Front bodies) a yearly number of
candidates to propose; its progress is the cases it started that year, counted by the
case's ``proposer_unit``, and how many of those were admitted since.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from engine import audit, clock

from ..kinds import MASS_ORGANISATION, TRADE_UNION, YOUTH_UNION
from ..tree import OrgTree
from . import facts, scope
from .facts import Figure
from .models import AdmissionFacts, SourcingQuota

MASS_KINDS = (YOUTH_UNION, TRADE_UNION, MASS_ORGANISATION)


def mass_organisations(tree: OrgTree, committee: str) -> list[str]:
    """The mass organisations below ``committee``, in tree order."""
    below = {unit.code for unit in tree.descendants(committee)}
    return [unit.code for unit in tree.units() if unit.code in below and unit.kind in MASS_KINDS]


def assigned(session: Session, units: list[str], year: int) -> dict[str, int]:
    rows = session.execute(
        select(SourcingQuota).where(SourcingQuota.year == year, SourcingQuota.unit.in_(units))
    ).scalars()
    return {row.unit: row.quota for row in rows}


def assign(session: Session, unit: str, year: int, quota: int | None, actor: str) -> None:
    """Set ``unit``'s quota for ``year``; None takes it away (the caller commits)."""
    row = session.get(SourcingQuota, (unit, year))
    audit.record(
        session, "sourcing_quota_set", actor=actor, unit=unit, data={"year": year, "quota": quota}
    )
    if quota is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = SourcingQuota(unit=unit, year=year)
        session.add(row)
    row.quota, row.assigned_by, row.assigned_at = quota, actor, clock.now()


@dataclass(frozen=True)
class QuotaRow:
    unit: str
    quota: int | None
    proposed: Figure
    admitted: Figure

    @property
    def reached(self) -> bool | None:
        return None if self.quota is None else self.proposed.value >= self.quota


@dataclass(frozen=True)
class QuotaReport:
    committee: str
    year: int
    rows: list[QuotaRow]
    body: str | None  # the board that sets these quotas; None: the tree names none

    @property
    def figures(self) -> dict[str, Figure]:
        found = {}
        for row in self.rows:
            found[f"quota:{row.unit}:proposed"] = row.proposed
            found[f"quota:{row.unit}:admitted"] = row.admitted
        return found


def _proposed(
    session: Session, units: list[str], committee_units: set[str], year: int
) -> dict[str, dict[bool, list[int]]]:
    """The cases of ``committee_units`` opened in ``year`` (in Vietnam) that each of
    ``units`` proposed, split by whether they were admitted since: grouped in SQL."""
    admitted = AdmissionFacts.admitted_on.is_not(None)
    stmt = (
        select(
            AdmissionFacts.proposer_unit,
            admitted,
            func.aggregate_strings(cast(AdmissionFacts.case_id, String), ","),
        )
        .where(
            AdmissionFacts.unit.in_(sorted(committee_units)),
            AdmissionFacts.opened_on.between(date(year, 1, 1), date(year, 12, 31)),
            AdmissionFacts.proposer_unit.in_(units),
        )
        .group_by(AdmissionFacts.proposer_unit, admitted)
    )
    found: dict[str, dict[bool, list[int]]] = defaultdict(dict)
    for unit, was_admitted, ids in session.execute(stmt):
        found[unit][bool(was_admitted)] = [int(i) for i in ids.split(",")]
    return found


def quota_report(session: Session, tree: OrgTree, committee: str, year: int) -> QuotaReport:
    units = mass_organisations(tree, committee)
    quotas = assigned(session, units, year)
    proposed = _proposed(session, units, facts.committee_units(tree, committee), year)
    rows = []
    for unit in units:
        mine = proposed.get(unit, {})
        admitted = mine.get(True, [])
        rows.append(
            QuotaRow(
                unit,
                quotas.get(unit),
                Figure(tuple(sorted(admitted + mine.get(False, [])))),
                Figure(tuple(sorted(admitted))),
            )
        )
    body = scope.quota_body(tree, committee)
    return QuotaReport(committee, year, rows, body.code if body is not None else None)
