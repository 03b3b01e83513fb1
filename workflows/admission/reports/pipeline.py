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
import statistics
from collections import defaultdict, namedtuple
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Float, String, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from engine.models import WorkItem

from ..schedule import SCHEDULE
from .facts import CaseFacts, Figure, as_date
from .models import AdmissionFacts

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


OpenItem = namedtuple("OpenItem", "case_id step step_name unit due_at")


def _open_items(session: Session, units: Collection[str] | None) -> list[OpenItem]:
    """The admission cases' open tasks, of the cases of ``units``. Joined to the narrow
    ``admission_facts`` rather than ``cases``, and read as plain tuples: a city has
    about a hundred thousand at a time."""
    stmt = (
        select(WorkItem.case_id, WorkItem.step, WorkItem.step_name, WorkItem.unit, WorkItem.due_at)
        .join(AdmissionFacts, AdmissionFacts.case_id == WorkItem.case_id)
        .where(WorkItem.status == "open")
    )
    if units is not None:
        stmt = stmt.where(AdmissionFacts.unit.in_(sorted(units)))
    return [
        OpenItem._make(row)
        for row in session.connection().execute(stmt.order_by(WorkItem.id)).all()
    ]


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


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, Figure]:
    ids: dict[str, set[int]] = defaultdict(set)
    for key, case_id in pairs:
        ids[key].add(case_id)
    return {key: Figure(tuple(sorted(found))) for key, found in sorted(ids.items())}


def step_rows(items, cases: dict[int, CaseFacts]) -> list[StepRow]:
    """One row per step with open tasks: the cases there, by category and by unit."""
    by_step: dict[str, list] = defaultdict(list)
    for item in items:
        if item.case_id in cases:
            by_step[item.step].append(item)
    rows = []
    for step in sorted(by_step, key=_step_order):
        found = [cases[item.case_id] for item in by_step[step]]
        rows.append(
            StepRow(
                step,
                by_step[step][0].step_name or step,
                Figure.of(found),
                _grouped((c.category or "", c.id) for c in found),
                _grouped((c.unit or "", c.id) for c in found),
            )
        )
    return rows


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value with 90 % at or below it."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


class _SecondsBetween(FunctionElement):
    """Seconds from the first timestamp to the second, worked out by the database."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(_SecondsBetween)
def _seconds_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps the times as text; julianday() reads them to the millisecond.
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(_SecondsBetween, "postgresql")
def _seconds_postgresql(element, compiler, **kw) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def _summary(spans: dict[str, list[float]], names: dict[str, str]) -> list[Timing]:
    return [
        Timing(
            key,
            names.get(key) or key,
            len(values),
            round(statistics.median(values), 2),
            round(p90(values), 2),
        )
        for key, values in spans.items()
    ]


def timings(session: Session, units: Collection[str] | None) -> tuple[list[Timing], list[Timing]]:
    """Days from creation to completion of the completed tasks: by step, and by body.

    One pass over a city's million completed tasks: the database groups the spans by
    (step, body) and joins each group's into one string; both summaries add them up."""
    seconds = cast(_SecondsBetween(WorkItem.created_at, WorkItem.completed_at), String)
    stmt = (
        select(
            WorkItem.step,
            WorkItem.unit,
            func.max(WorkItem.step_name),
            func.aggregate_strings(seconds, ","),
        )
        .join(AdmissionFacts, AdmissionFacts.case_id == WorkItem.case_id)
        .where(WorkItem.status == "completed", WorkItem.completed_at.is_not(None))
        .group_by(WorkItem.step, WorkItem.unit)
    )
    if units is not None:
        stmt = stmt.where(AdmissionFacts.unit.in_(sorted(units)))
    by_step: dict[str, list[float]] = defaultdict(list)
    by_body: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for step, body, name, joined in session.execute(stmt):
        days = [float(value) / SECONDS_A_DAY for value in joined.split(",")]
        by_step[step or ""] += days
        by_body[body or ""] += days
        names[step or ""] = max(names.get(step or "", ""), name or "")
    return _summary(by_step, names), _summary(by_body, {})


def waiting(cases: Iterable[CaseFacts], today: date) -> tuple[list[Waiting], list[Waiting]]:
    """Open cases waiting for an 18th birthday, and those still in their probation."""
    birthday, probation = [], []
    for case in cases:
        if case.status not in ("active", "waiting"):
            continue
        until = birthday_wait(case)
        if until is not None and case.undecided:
            birthday.append(Waiting(case.id, case.title, case.unit, until))
        end = as_date(case.get("probation_end"))
        if (
            case.admission_date
            and end is not None
            and end > today
            and not (case.recognition_date or case.removal_date)
        ):
            probation.append(Waiting(case.id, case.title, case.unit, end))
    return (
        sorted(birthday, key=lambda w: (w.until, w.case_id)),
        sorted(probation, key=lambda w: (w.until, w.case_id)),
    )


def pipeline_report(
    session: Session,
    cases: list[CaseFacts],
    units: Collection[str] | None,
    now: datetime,
    today: date,
) -> PipelineReport:
    """The pipeline of ``cases`` (those of ``units``) at ``now``."""
    by_id = {case.id: case for case in cases}
    open_items = [item for item in _open_items(session, units) if item.case_id in by_id]
    late = [item for item in open_items if item.due_at is not None and item.due_at < now]
    birthday, probation = waiting(cases, today)
    step_times, body_times = timings(session, units)
    return PipelineReport(
        today=today,
        steps=step_rows(open_items, by_id),
        step_times=sorted(step_times, key=lambda t: _step_order(t.key)),
        body_times=sorted(body_times, key=lambda t: t.key),
        overdue=_grouped((item.unit or "", item.case_id) for item in late),
        birthday=birthday,
        probation=probation,
    )
