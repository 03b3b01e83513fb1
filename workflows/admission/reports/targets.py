"""The plan's yearly targets (seed plan, section II.1) for a committee that adopted them
(``scope.owns_targets``):

1. every high-school party organisation admits at least ``students_per_school``
   students;
2. enterprise workers are at least ``worker_share_bp`` basis points of all the
   committee's new members: those recorded in ketnap (every category) plus those its
   organisation board records as decided elsewhere.

The schools and enterprises are the units the tree marks as such (``scope``), wherever
they sit. The plan sets no target per enterprise: the workers of target 2 are broken
down by enterprise for the board to follow, without a target or a status.

Each target is met (count ≥ target), on track (the count plus the undecided cases that
can still be decided this year reach it), at risk (they cannot), or missed (the year
ended short).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from sqlalchemy.orm import Session

from engine import audit, clock

from ..kinds import ENTERPRISE
from ..tree import OrgTree
from . import facts, scope, stored
from .facts import Figure
from .models import DEFAULT_STUDENTS_PER_SCHOOL, DEFAULT_WORKER_SHARE_BP, PlanTarget

MET, ON_TRACK, AT_RISK, MISSED = "met", "on_track", "at_risk", "missed"
# Worst first: a target over several units is as good as its worst unit.
SEVERITY = (MISSED, AT_RISK, ON_TRACK, MET)
WORKER = "enterprise_worker"  # the category target 2 counts


@dataclass(frozen=True)
class Settings:
    """One committee's targets for one year (the plan's, unless its board set others)."""

    committee: str
    year: int
    students_per_school: int = DEFAULT_STUDENTS_PER_SCHOOL
    worker_share_bp: int = DEFAULT_WORKER_SHARE_BP
    schools: tuple[str, ...] | None = None
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
        tuple(row.schools) if row.schools is not None else None,
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
    row.schools = list(chosen.schools) if chosen.schools is not None else None
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
            "schools": row.schools,
            "outside_admissions": chosen.outside_admissions,
        },
    )


def school_choices(tree: OrgTree, chosen: Settings) -> list[str]:
    """What the board may pick the first target's schools from: the tree's high schools
    below the committee, and any it picked before that the tree no longer marks."""
    found = [unit.code for unit in scope.schools(tree, chosen.committee)]
    return found + [code for code in chosen.schools or () if code not in found]


def covered(tree: OrgTree, chosen: Settings) -> Settings:
    """``chosen`` with every high school of the tree where the board picked none."""
    if chosen.schools is not None:
        return chosen
    return replace(chosen, schools=tuple(u.code for u in scope.schools(tree, chosen.committee)))


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
class EnterpriseWorkers:
    """The workers of target 2 admitted at one enterprise, and those that can still be
    this year. No target: the plan sets none per enterprise. ``unit`` None holds the
    workers of no enterprise the tree marks (another province's, say), so that the rows
    add up to the share's figures."""

    unit: str | None
    workers: Figure
    pipeline: Figure
    party_organisation: bool | None = None  # whether it has one (None: no enterprise)

    @property
    def key(self) -> str:
        return f"enterprise:{self.unit or ''}"


@dataclass(frozen=True)
class TargetsReport:
    settings: Settings
    today: date
    schools: list[UnitTarget]
    share: ShareTarget
    enterprises: list[EnterpriseWorkers]

    @property
    def year_over(self) -> bool:
        return self.today > date(self.settings.year, 12, 31)

    @property
    def overall(self) -> dict[str, str | None]:
        return {"schools": worst([t.status for t in self.schools]), "share": self.share.status}

    @property
    def figures(self) -> dict[str, Figure]:
        found = {
            "share:workers": self.share.workers,
            "share:admissions": self.share.admissions,
            "share:pipeline": self.share.pipeline,
        }
        for row in self.schools:
            found[f"school:{row.unit}:count"] = row.count
            found[f"school:{row.unit}:pipeline"] = row.pipeline
        for workers in self.enterprises:
            found[f"{workers.key}:workers"] = workers.workers
            found[f"{workers.key}:pipeline"] = workers.pipeline
        return found


Keep = Callable[[str | None, str | None, str | None], bool]  # (unit, category, enterprise)


def _figure(groups: stored.Groups, keep: Keep, extra: int = 0) -> Figure:
    return Figure(
        tuple(sorted(case_id for key, ids in groups.items() if keep(*key) for case_id in ids)),
        extra,
    )


def _school_targets(
    tree: OrgTree,
    chosen: Settings,
    admitted: stored.Groups,
    coming: stored.Groups,
    year_over: bool,
) -> list[UnitTarget]:
    """One row per school: the students of its party organisation and the units below."""
    rows = []
    for code in chosen.schools or ():
        units = scope.inside(tree, code)

        def keep(unit, category, _named, units: set[str] = units) -> bool:
            return unit in units and category == "student"

        count, ahead = _figure(admitted, keep), _figure(coming, keep)
        target = chosen.students_per_school
        rows.append(
            UnitTarget(
                code, target, count, ahead, status(count.value, ahead.value, target, year_over)
            )
        )
    return rows


def _workers(_unit: str | None, category: str | None, _named: str | None) -> bool:
    return category == WORKER


def _by_enterprise(
    tree: OrgTree, committee: str, admitted: stored.Groups, coming: stored.Groups
) -> list[EnterpriseWorkers]:
    """Each worker under the enterprise whose party organisation handles the case, else
    the one the case names (a worker of an enterprise without a party organisation is
    in a residential branch); the rest in a last row, when there are any."""
    found = scope.enterprises(tree, committee)
    owner = {code: unit.code for unit in found for code in scope.inside(tree, unit.code)}

    def sorted_out(groups: stored.Groups) -> dict[str | None, list[int]]:
        """enterprise code (None: none of the tree's) -> its workers' case ids."""
        ids: dict[str | None, list[int]] = defaultdict(list)
        for (unit, category, named), cases in groups.items():
            if category == WORKER:
                ids[owner.get(unit or "") or owner.get(named or "")].extend(cases)
        return ids

    done, ahead = sorted_out(admitted), sorted_out(coming)

    def row(code: str | None, party_organisation: bool | None) -> EnterpriseWorkers:
        return EnterpriseWorkers(
            code,
            Figure(tuple(sorted(done[code]))),
            Figure(tuple(sorted(ahead[code]))),
            party_organisation,
        )

    rows = [row(unit.code, unit.kind != ENTERPRISE) for unit in found]
    return rows + [row(None, None)] if done[None] or ahead[None] else rows


def targets_report(
    session: Session, tree: OrgTree, committee: str, year: int, today: date
) -> TargetsReport:
    """The committee's targets for ``year``, as they stand on ``today``.

    The cases come from ``stored`` (typed columns), not from reading every case's data:
    the dashboard must stay quick for a city's whole pipeline."""
    chosen = covered(tree, settings(session, committee, year))
    units = facts.committee_units(tree, committee)
    last_day = date(year, 12, 31)
    year_over = today > last_day
    admitted = stored.admitted(session, units, year)
    coming = stored.decidable(session, units, today, last_day)
    all_admitted = _figure(admitted, lambda *_key: True, chosen.outside_admissions)
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
        _school_targets(tree, chosen, admitted, coming, year_over),
        share,
        _by_enterprise(tree, committee, admitted, coming),
    )
