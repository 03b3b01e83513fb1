"""The pipeline, half-year and quota reports as they were computed before they were
grouped in SQL: every case of the committee read into Python (``facts.load``), every
completed task's span read as a row. Frozen here, as the reading the SQL must agree
with (tests/workflows/test_reports_sql.py); the reports no longer run it."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import WorkItem
from workflows.admission.reports import facts, scope
from workflows.admission.reports.facts import CaseFacts, Figure, as_date
from workflows.admission.reports.models import AdmissionFacts
from workflows.admission.reports.periods import (
    GROUPS,
    MEASURES,
    PeriodReport,
    periods_of,
)
from workflows.admission.reports.pipeline import (
    PipelineReport,
    StepRow,
    Timing,
    Waiting,
    _step_order,
    birthday_wait,
)
from workflows.admission.reports.quotas import (
    QuotaReport,
    QuotaRow,
    assigned,
    mass_organisations,
)
from workflows.admission.tree import OrgTree

# --- half-year and year -------------------------------------------------------------


def period_report(cases: list[CaseFacts], year: int) -> PeriodReport:
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


# --- sourcing quotas ----------------------------------------------------------------


def quota_report(session: Session, tree: OrgTree, committee: str, year: int) -> QuotaReport:
    units = mass_organisations(tree, committee)
    quotas = assigned(session, units, year)
    started = [
        case
        for case in facts.load(session, facts.committee_units(tree, committee))
        if case.opened_on.year == year
    ]
    rows = []
    for unit in units:
        mine = [case for case in started if case.get("proposer_unit") == unit]
        rows.append(
            QuotaRow(
                unit,
                quotas.get(unit),
                Figure.of(mine),
                Figure.of(case for case in mine if case.admission_date),
            )
        )
    body = scope.quota_body(tree, committee)
    return QuotaReport(committee, year, rows, body.code if body is not None else None)


# --- pipeline -----------------------------------------------------------------------


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, Figure]:
    ids: dict[str, set[int]] = defaultdict(set)
    for key, case_id in pairs:
        ids[key].add(case_id)
    return {key: Figure(tuple(sorted(found))) for key, found in sorted(ids.items())}


def _open_items(session: Session, units: Collection[str]) -> list:
    return list(
        session.execute(
            select(
                WorkItem.case_id, WorkItem.step, WorkItem.step_name, WorkItem.unit, WorkItem.due_at
            )
            .join(AdmissionFacts, AdmissionFacts.case_id == WorkItem.case_id)
            .where(WorkItem.status == "open", AdmissionFacts.unit.in_(sorted(units)))
            .order_by(WorkItem.id)
        )
    )


def _step_rows(items, cases: dict[int, CaseFacts]) -> list[StepRow]:
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


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _summary(spans: dict[str, list[float]], names: dict[str, str]) -> list[Timing]:
    return [
        Timing(
            key,
            names.get(key) or key,
            len(values),
            round(statistics.median(values), 2),
            round(_p90(values), 2),
        )
        for key, values in spans.items()
    ]


def _timings(session: Session, units: Collection[str]) -> tuple[list[Timing], list[Timing]]:
    """Each completed task's days, from its own two times (as PostgreSQL's difference
    of them, in seconds read as a number, made them)."""
    rows = session.execute(
        select(
            WorkItem.step,
            WorkItem.unit,
            WorkItem.step_name,
            WorkItem.created_at,
            WorkItem.completed_at,
        )
        .join(AdmissionFacts, AdmissionFacts.case_id == WorkItem.case_id)
        .where(
            WorkItem.status == "completed",
            WorkItem.completed_at.is_not(None),
            AdmissionFacts.unit.in_(sorted(units)),
        )
    )
    by_step: dict[str, list[float]] = defaultdict(list)
    by_body: dict[str, list[float]] = defaultdict(list)
    names: dict[str, str] = {}
    for step, body, name, created_at, completed_at in rows:
        days = (completed_at - created_at).total_seconds() / 86400
        by_step[step or ""].append(days)
        by_body[body or ""].append(days)
        names[step or ""] = max(names.get(step or "", ""), name or "")
    return _summary(by_step, names), _summary(by_body, {})


def _waiting(cases: Iterable[CaseFacts], today: date) -> tuple[list[Waiting], list[Waiting]]:
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
    session: Session, units: Collection[str], now: datetime, today: date
) -> PipelineReport:
    cases = facts.load(session, units)
    by_id = {case.id: case for case in cases}
    open_items = [item for item in _open_items(session, units) if item.case_id in by_id]
    late = [item for item in open_items if item.due_at is not None and item.due_at < now]
    birthday, probation = _waiting(cases, today)
    step_times, body_times = _timings(session, units)
    return PipelineReport(
        today=today,
        steps=_step_rows(open_items, by_id),
        step_times=sorted(step_times, key=lambda t: _step_order(t.key)),
        body_times=sorted(body_times, key=lambda t: t.key),
        overdue=_grouped((item.unit or "", item.case_id) for item in late),
        birthday=birthday,
        probation=probation,
    )
