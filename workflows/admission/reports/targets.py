"""The plan's yearly targets (seed plan, section II.1) for one committee:

1. every high-school party organisation admits at least ``students_per_school``
   students;
2. enterprise workers are at least ``worker_share_bp`` basis points of all the
   committee's new members: those recorded in ketnap (every category) plus those its
   organisation board records as decided elsewhere;
3. every enterprise without state capital that has a party organisation admits at least
   ``per_enterprise`` members.

Each target is met (count ≥ target), on track (the count plus the undecided cases that
can still be decided this year reach it), at risk (they cannot), or missed (the year
ended short).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from sqlalchemy.orm import Session

from engine import audit, clock

from ..kinds import BRANCH, COMMITTEE, GRASSROOTS_COMMITTEE
from ..tree import OrgTree, OrgUnit
from . import facts, stored
from .facts import Figure
from .models import (
    DEFAULT_PER_ENTERPRISE,
    DEFAULT_STUDENTS_PER_SCHOOL,
    DEFAULT_WORKER_SHARE_BP,
    PlanTarget,
)

MET, ON_TRACK, AT_RISK, MISSED = "met", "on_track", "at_risk", "missed"
# Worst first: a target over several units is as good as its worst unit.
SEVERITY = (MISSED, AT_RISK, ON_TRACK, MET)
SCHOOL_WORDS = ("thpt", "trung học phổ thông")
ENTERPRISE_WORDS = ("công ty", "doanh nghiệp", "hợp tác xã", "tập đoàn")


@dataclass(frozen=True)
class Settings:
    """One committee's targets for one year (the plan's, unless its board set others)."""

    committee: str
    year: int
    students_per_school: int = DEFAULT_STUDENTS_PER_SCHOOL
    worker_share_bp: int = DEFAULT_WORKER_SHARE_BP
    per_enterprise: int = DEFAULT_PER_ENTERPRISE
    schools: tuple[str, ...] | None = None
    enterprises: tuple[str, ...] | None = None
    outside_admissions: int = 0
    note: str = ""


def settings(session: Session, committee: str, year: int) -> Settings:
    row = session.get(PlanTarget, (committee, year))
    if row is None:
        return Settings(committee, year)
    return Settings(
        committee,
        year,
        row.students_per_school,
        row.worker_share_bp,
        row.per_enterprise,
        tuple(row.schools) if row.schools is not None else None,
        tuple(row.enterprises) if row.enterprises is not None else None,
        row.outside_admissions,
        row.note or "",
    )


def save(session: Session, chosen: Settings, actor: str) -> None:
    """Store ``chosen`` for its committee and year (the caller commits)."""
    row = session.get(PlanTarget, (chosen.committee, chosen.year))
    if row is None:
        row = PlanTarget(committee=chosen.committee, year=chosen.year)
        session.add(row)
    row.students_per_school = chosen.students_per_school
    row.worker_share_bp = chosen.worker_share_bp
    row.per_enterprise = chosen.per_enterprise
    row.schools = list(chosen.schools) if chosen.schools is not None else None
    row.enterprises = list(chosen.enterprises) if chosen.enterprises is not None else None
    row.outside_admissions = chosen.outside_admissions
    row.note = chosen.note
    row.updated_by, row.updated_at = actor, clock.now()
    audit.record(
        session,
        "plan_targets_set",
        actor=actor,
        unit=chosen.committee,
        data={
            "year": chosen.year,
            "students_per_school": chosen.students_per_school,
            "worker_share_bp": chosen.worker_share_bp,
            "per_enterprise": chosen.per_enterprise,
            "schools": row.schools,
            "enterprises": row.enterprises,
            "outside_admissions": chosen.outside_admissions,
        },
    )


def party_organisations(tree: OrgTree, committee: str) -> list:
    """The grassroots party organisations below ``committee``: its grassroots committees
    and the branches directly under it (chi bộ cơ sở). Ward committees are places, not
    schools or enterprises, so they are left out."""

    def parent_kind(unit: OrgUnit) -> str | None:
        parent = tree.get(unit.parent) if unit.parent else None
        return parent.kind if parent is not None else None

    return [
        unit
        for unit in tree.descendants(committee)
        if unit.active
        and (
            unit.kind == GRASSROOTS_COMMITTEE
            or (unit.kind == BRANCH and parent_kind(unit) == COMMITTEE)
        )
    ]


def _named(units: list, words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(u.code for u in units if any(w in u.name.casefold() for w in words))


def detected_units(tree: OrgTree, committee: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(schools, enterprises) among the party organisations, found by their names: the
    tree has no kind for them, and a board that disagrees lists them in its settings."""
    found = party_organisations(tree, committee)
    return _named(found, SCHOOL_WORDS), _named(found, ENTERPRISE_WORDS)


def covered(tree: OrgTree, chosen: Settings) -> Settings:
    """``chosen`` with the detected units where it lists none."""
    schools, enterprises = detected_units(tree, chosen.committee)
    return replace(
        chosen,
        schools=schools if chosen.schools is None else chosen.schools,
        enterprises=enterprises if chosen.enterprises is None else chosen.enterprises,
    )


def status(count: int, pipeline_count: int, target: int, year_over: bool) -> str:
    if count >= target:
        return MET
    if year_over:
        return MISSED
    return ON_TRACK if count + pipeline_count >= target else AT_RISK


def worst(statuses: list[str]) -> str | None:
    """The status of a target over several units (None: it covers no unit)."""
    return min(statuses, key=SEVERITY.index) if statuses else None


def share_target(share_bp: int, denominator: int) -> int:
    """Workers needed for a share of ``share_bp`` basis points of ``denominator`` new
    members: rounded up (191 at 2 % -> 4, as the plan's footnote counts), and at least
    one while the share is above zero (the plan asks for workers every year)."""
    if share_bp <= 0:
        return 0
    return max(1, math.ceil(Fraction(share_bp * denominator, 10000)))


@dataclass(frozen=True)
class UnitTarget:
    unit: str
    target: int
    count: Figure
    pipeline: Figure
    status: str


@dataclass(frozen=True)
class ShareTarget:
    share_bp: int
    workers: Figure
    admissions: Figure  # every admission of the year, in ketnap and elsewhere
    target: int
    pipeline: Figure
    status: str


@dataclass(frozen=True)
class TargetsReport:
    settings: Settings
    today: date
    schools: list[UnitTarget]
    enterprises: list[UnitTarget]
    share: ShareTarget

    @property
    def year_over(self) -> bool:
        return self.today > date(self.settings.year, 12, 31)

    @property
    def overall(self) -> dict[str, str | None]:
        return {
            "schools": worst([t.status for t in self.schools]),
            "share": self.share.status,
            "enterprises": worst([t.status for t in self.enterprises]),
        }

    @property
    def figures(self) -> dict[str, Figure]:
        found = {
            "share:workers": self.share.workers,
            "share:admissions": self.share.admissions,
            "share:pipeline": self.share.pipeline,
        }
        for group, rows in (("school", self.schools), ("enterprise", self.enterprises)):
            for row in rows:
                found[f"{group}:{row.unit}:count"] = row.count
                found[f"{group}:{row.unit}:pipeline"] = row.pipeline
        return found


def _figure(
    groups: stored.Groups, keep: Callable[[str | None, str | None], bool], extra: int = 0
) -> Figure:
    return Figure(
        tuple(
            sorted(
                case_id
                for (unit, category), ids in groups.items()
                if keep(unit, category)
                for case_id in ids
            )
        ),
        extra,
    )


def _unit_targets(
    tree: OrgTree,
    codes,
    target: int,
    admitted: stored.Groups,
    coming: stored.Groups,
    category: str | None,
    year_over: bool,
):
    """One row per unit of ``codes``: the cases of the unit and the units below it."""
    rows = []
    for code in codes:
        inside = {code, *(u.code for u in tree.descendants(code))} if code in tree else {code}

        def keep(unit: str | None, kind: str | None, inside: set[str] = inside) -> bool:
            return unit in inside and (category is None or kind == category)

        count, ahead = _figure(admitted, keep), _figure(coming, keep)
        rows.append(
            UnitTarget(
                code, target, count, ahead, status(count.value, ahead.value, target, year_over)
            )
        )
    return rows


def _workers(_unit: str | None, category: str | None) -> bool:
    return category == "enterprise_worker"


def targets_report(
    session: Session, tree: OrgTree, committee: str, year: int, today: date
) -> TargetsReport:
    """The committee's three targets for ``year``, as they stand on ``today``.

    The cases come from ``stored`` (typed columns), not from reading every case's data:
    the dashboard must stay quick for a city's whole pipeline."""
    chosen = covered(tree, settings(session, committee, year))
    units = facts.committee_units(tree, committee)
    last_day = date(year, 12, 31)
    year_over = today > last_day
    admitted = stored.admitted(session, units, year)
    coming = stored.decidable(session, units, today, last_day)
    all_admitted = _figure(admitted, lambda _unit, _category: True, chosen.outside_admissions)
    workers, workers_coming = _figure(admitted, _workers), _figure(coming, _workers)
    target = share_target(chosen.worker_share_bp, all_admitted.value)
    share = ShareTarget(
        chosen.worker_share_bp,
        workers,
        all_admitted,
        target,
        workers_coming,
        status(workers.value, workers_coming.value, target, year_over),
    )
    return TargetsReport(
        chosen,
        today,
        _unit_targets(
            tree, chosen.schools, chosen.students_per_school, admitted, coming, "student", year_over
        ),
        _unit_targets(
            tree, chosen.enterprises, chosen.per_enterprise, admitted, coming, None, year_over
        ),
        share,
    )
