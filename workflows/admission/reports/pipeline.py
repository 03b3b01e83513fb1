"""Where the cases are: how many wait at each step (per unit and category), how long
each step and each body takes, which tasks are overdue, and which cases wait on a date
(an 18th birthday, the 12 months of probation).

Also the rule for when an undecided case can be decided at the earliest: today plus
the usual time from its open step to the decision (``schedule.SCHEDULE``, which the
demo follows too), and not before its 18th birthday plus the usual time from the
branch vote (``earliest_decision``; ``stored.decidable`` asks it of the database).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from engine.models import WorkItem

from ..schedule import SCHEDULE
from .facts import OPEN, CaseFacts, Figure, as_date
from .models import AdmissionFacts, AdmissionSpans

DECISION_STEP = "decide"
SECONDS_A_DAY = 86400


def days_to_decision(step: str) -> int:
    """Usual days from ``step`` to the admission decision (0 at or after it)."""
    return max(0, SCHEDULE[DECISION_STEP] - SCHEDULE.get(step, SCHEDULE[DECISION_STEP]))


def birthday_wait(case: CaseFacts) -> date | None:
    """The 18th birthday the case waits for, while it waits (the diagram clears the
    reason when the birthday comes)."""
    return as_date(case.get("waiting_until")) if case.get("waiting_reason") else None


def earliest_decision(case: CaseFacts, steps: Iterable[str], today: date) -> date:
    earliest = today + timedelta(days=min((days_to_decision(s) for s in steps), default=0))
    birthday = birthday_wait(case)
    if birthday is not None:
        # Until the diagram's timer moves the case on, the branch has still to vote.
        start = max(birthday, today)
        earliest = max(earliest, start + timedelta(days=days_to_decision("branch_vote")))
    return earliest


def _joined_ids(text: str) -> list[int]:
    return [int(i) for i in text.split(",")]


def _open_tasks(units: Collection[str] | None, *where):
    """The open tasks of the admission cases of ``units`` matching ``where``: joined to
    the narrow ``admission_facts`` rather than ``cases``."""
    stmt = (
        select(WorkItem.case_id)
        .join(AdmissionFacts, AdmissionFacts.case_id == WorkItem.case_id)
        .where(WorkItem.status == "open", *where)
    )
    if units is not None:
        stmt = stmt.where(AdmissionFacts.unit.in_(sorted(units)))
    return stmt


@dataclass(frozen=True)
class StepRow:
    step: str
    name: str
    total: Figure
    by_category: dict[str, Figure]
    by_unit: dict[str, Figure]


@dataclass(frozen=True)
class Timing:
    """Days from a task's creation to its completion, over ``count`` tasks."""

    key: str
    name: str
    count: int
    median: float
    p90: float


@dataclass(frozen=True)
class Waiting:
    case_id: int
    title: str
    unit: str | None
    until: date


@dataclass(frozen=True)
class PipelineReport:
    today: date
    steps: list[StepRow]
    step_times: list[Timing]
    body_times: list[Timing]
    overdue: dict[str, Figure]  # body (task unit) -> overdue open tasks' cases
    birthday: list[Waiting]
    probation: list[Waiting]

    @property
    def figures(self) -> dict[str, Figure]:
        found = {}
        for row in self.steps:
            found[f"step:{row.step}"] = row.total
            found.update({f"step:{row.step}:category:{k}": v for k, v in row.by_category.items()})
            found.update({f"step:{row.step}:unit:{k}": v for k, v in row.by_unit.items()})
        found.update({f"overdue:{unit}": figure for unit, figure in self.overdue.items()})
        found["birthday"] = Figure(tuple(sorted(w.case_id for w in self.birthday)))
        found["probation"] = Figure(tuple(sorted(w.case_id for w in self.probation)))
        return found


def _step_order(step: str) -> tuple:
    return (SCHEDULE.get(step, math.inf), step)


def _grouped(pairs: Iterable[tuple[str, Iterable[int]]]) -> dict[str, Figure]:
    ids: dict[str, set[int]] = defaultdict(set)
    for key, case_ids in pairs:
        ids[key].update(case_ids)
    return {key: Figure(tuple(sorted(found))) for key, found in sorted(ids.items())}


def step_rows(session: Session, units: Collection[str] | None) -> list[StepRow]:
    """One row per step with open tasks: the cases there, by category and by unit. The
    database groups the open tasks by step, name, category and unit (a few hundred
    groups for a city's hundred thousand tasks); a step is named as its first task."""
    ids = func.aggregate_strings(cast(WorkItem.case_id, String), ",")
    stmt = (
        _open_tasks(units)
        .with_only_columns(
            WorkItem.step,
            WorkItem.step_name,
            func.min(WorkItem.id),
            AdmissionFacts.category,
            AdmissionFacts.unit,
            ids,
        )
        .group_by(WorkItem.step, WorkItem.step_name, AdmissionFacts.category, AdmissionFacts.unit)
    )
    groups: dict[str, list] = defaultdict(list)
    for step, name, first, category, unit, joined in session.execute(stmt):
        groups[step].append((first, name, category or "", unit or "", _joined_ids(joined)))
    rows = []
    for step in sorted(groups, key=_step_order):
        found = groups[step]
        rows.append(
            StepRow(
                step,
                min(found)[1] or step,
                _grouped([("", g[4]) for g in found])[""],
                _grouped((g[2], g[4]) for g in found),
                _grouped((g[3], g[4]) for g in found),
            )
        )
    return rows


def overdue(session: Session, units: Collection[str] | None, now: datetime) -> dict[str, Figure]:
    """The cases with an open task past its due date, by the body the task is with."""
    ids = func.aggregate_strings(cast(WorkItem.case_id, String), ",")
    stmt = (
        _open_tasks(units, WorkItem.due_at.is_not(None), WorkItem.due_at < now)
        .with_only_columns(WorkItem.unit, ids)
        .group_by(WorkItem.unit)
    )
    return _grouped((body or "", _joined_ids(joined)) for body, joined in session.execute(stmt))


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value with 90 % at or below it."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _nth(counted: list[tuple[int, int]], n: int) -> int:
    """The ``n``-th (from 0) of the values of ``counted`` ((value, times), in order)."""
    for value, times in counted:
        if n < times:
            return value
        n -= times
    raise IndexError(n)


def _days(micros: int) -> float:
    # As the database's seconds, read as a number, make days: exact to the microsecond.
    return micros / 1_000_000 / SECONDS_A_DAY


def summary(key: str, name: str, counts: dict[int, int]) -> Timing:
    """The count, median and nearest-rank 90th percentile (``p90``) of the spans in
    ``counts`` (microseconds -> tasks), in days: what ``statistics.median`` and ``p90``
    say of the list of every task's days, without the list."""
    counted = sorted(counts.items())
    total = sum(counts.values())
    middle = total // 2
    if total % 2:
        median = _days(_nth(counted, middle))
    else:
        median = (_days(_nth(counted, middle - 1)) + _days(_nth(counted, middle))) / 2
    rank = _days(_nth(counted, math.ceil(0.9 * total) - 1))
    return Timing(key, name, total, round(median, 2), round(rank, 2))


def timings(session: Session, units: Collection[str] | None) -> tuple[list[Timing], list[Timing]]:
    """Days from creation to completion of the completed tasks: by step, and by body.

    Read off ``admission_spans`` (tasks counted by span, ``stored.count_spans``), not the
    city's million completed tasks."""
    stmt = select(
        AdmissionSpans.step,
        AdmissionSpans.step_name,
        AdmissionSpans.body,
        AdmissionSpans.micros,
        AdmissionSpans.tasks,
    ).where(AdmissionSpans.tasks > 0)
    if units is not None:
        stmt = stmt.where(AdmissionSpans.case_unit.in_(sorted(units)))
    by_step: dict[str, Counter] = defaultdict(Counter)
    by_body: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, str] = {}
    for step, name, body, micros, tasks in session.execute(stmt):
        by_step[step][micros] += tasks
        by_body[body][micros] += tasks
        names[step] = max(names.get(step, ""), name)
    return (
        [summary(step, names[step] or step, counts) for step, counts in by_step.items()],
        [summary(body, body, counts) for body, counts in by_body.items()],
    )


def _waiting(session: Session, units: Collection[str] | None, until, *where) -> list[Waiting]:
    stmt = (
        select(AdmissionFacts.case_id, AdmissionFacts.title, AdmissionFacts.unit, until)
        .where(AdmissionFacts.status.in_(sorted(OPEN)), until.is_not(None), *where)
        .order_by(until, AdmissionFacts.case_id)
    )
    if units is not None:
        stmt = stmt.where(AdmissionFacts.unit.in_(sorted(units)))
    return [Waiting(*row) for row in session.execute(stmt)]


def waiting(
    session: Session, units: Collection[str] | None, today: date
) -> tuple[list[Waiting], list[Waiting]]:
    """Open cases waiting for an 18th birthday (not decided yet), and the members still
    in their probation, soonest first."""
    return (
        _waiting(session, units, AdmissionFacts.birthday_wait, AdmissionFacts.decided.is_(False)),
        _waiting(
            session, units, AdmissionFacts.probation_until, AdmissionFacts.probation_until > today
        ),
    )


def pipeline_report(
    session: Session, units: Collection[str] | None, now: datetime, today: date
) -> PipelineReport:
    """The pipeline of the admission cases of ``units`` (None: every one) at ``now``."""
    birthday, probation = waiting(session, units, today)
    step_times, body_times = timings(session, units)
    return PipelineReport(
        today=today,
        steps=step_rows(session, units),
        step_times=sorted(step_times, key=lambda t: _step_order(t.key)),
        body_times=sorted(body_times, key=lambda t: t.key),
        overdue=overdue(session, units, now),
        birthday=birthday,
        probation=probation,
    )
