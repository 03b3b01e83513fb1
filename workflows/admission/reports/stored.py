"""The facts the yearly reports filter on, kept per case in ``admission_facts``.

The targets dashboard counts a city's admissions of the year and its undecided cases
that can still be decided by 31 December. Reading every case's JSON data for that takes
seconds at 100,000 cases; a narrow table of typed columns answers it in SQL. ``store``
runs each time the engine stores an admission case, or changes its status (a
``case_stored`` listener), in the same transaction, and derives the columns with the
very rules of ``facts.CaseFacts`` and ``pipeline``, so the SQL here and the reports'
Python reading of the data agree (``tests/workflows/test_reports_stored.py``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta

from sqlalchemy import String, cast, exists, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.models import Case, WorkItem

from ..intake import KEY
from . import pipeline
from .facts import COLUMNS, OPEN, CaseFacts, report_data
from .models import AdmissionFacts

BACKFILL_BATCH = 500


def _derived(case, open_steps: Iterable[str]) -> dict:
    """The row's values for ``case`` (a case, or a row of ``facts.COLUMNS``) whose open
    tasks are at ``open_steps``."""
    seen = CaseFacts.of(case)
    return {
        "unit": seen.unit,
        "category": seen.category,
        "status": seen.status,
        "outcome": seen.outcome,
        "created_at": seen.created_at,
        "title": seen.title,
        "data": report_data(seen.data),
        "admitted_on": seen.admission_date,
        "decided": bool(seen.get("decision_date")),
        "birthday_wait": pipeline.birthday_wait(seen),
        "lead_days": min(map(pipeline.days_to_decision, open_steps), default=0),
    }


def store(session: Session, case: Case, open_steps: list[str]) -> None:
    """Bring the case's row in line with the case (the engine's ``case_stored`` hook)."""
    if case.definition_key != KEY:
        return
    values = _derived(case, open_steps)
    # One statement, not a read then a write: this runs in every completion and start.
    session.execute(_upsert(session.get_bind().dialect.name), {"case_id": case.id, **values})


@functools.cache
def _upsert(dialect: str):
    """INSERT a case's row, or UPDATE it if the case has one (both back ends speak
    ``ON CONFLICT … DO UPDATE``). Built once per dialect: building it costs more than
    running it."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(AdmissionFacts)
    changed = {
        column.name: statement.excluded[column.name]
        for column in AdmissionFacts.__table__.columns
        if column.name != "case_id"
    }
    # render_nulls: every column in the INSERT, None ones too (the ORM would leave them
    # out, and the UPDATE would then take their defaults instead of the case's None).
    return statement.on_conflict_do_update(
        index_elements=["case_id"], set_=changed
    ).execution_options(render_nulls=True)


def backfill(session: Session, progress: Callable[[int], None] = lambda n: None) -> int:
    """Write the row of every admission case that has none (cases stored before the
    table existed); returns how many were written."""
    missing = (
        select(Case.id)
        .where(Case.definition_key == KEY, ~exists().where(AdmissionFacts.case_id == Case.id))
        .order_by(Case.id)
    )
    ids = list(session.execute(missing).scalars())
    for start in range(0, len(ids), BACKFILL_BATCH):
        chunk = ids[start : start + BACKFILL_BATCH]
        open_steps = defaultdict(list)
        for case_id, step in session.execute(
            select(WorkItem.case_id, WorkItem.step).where(
                WorkItem.case_id.in_(chunk), WorkItem.status == "open"
            )
        ):
            open_steps[case_id].append(step)
        session.add_all(
            AdmissionFacts(case_id=row.id, **_derived(row, open_steps[row.id]))
            for row in session.execute(select(*COLUMNS).where(Case.id.in_(chunk)))
        )
        session.flush()
        session.expunge_all()  # keeps memory flat over 100,000 documents
        progress(len(chunk))
    return len(ids)


# (unit, category, enterprise named in the data) -> case ids
Groups = dict[tuple[str | None, str | None, str | None], list[int]]


def _counted(session: Session, units: Collection[str], *where) -> Groups:
    """The ids of the admission cases of ``units`` matching ``where``, by (unit,
    category, enterprise). The database joins each group's ids into one string: early
    in a year tens of thousands of cases qualify, and reading a row per case would cost
    more than all the counting."""
    ids = func.aggregate_strings(cast(AdmissionFacts.case_id, String), ",")
    enterprise = AdmissionFacts.data["enterprise"].as_string()
    stmt = (
        select(AdmissionFacts.unit, AdmissionFacts.category, enterprise, ids)
        .where(AdmissionFacts.unit.in_(sorted(units)), *where)
        .group_by(AdmissionFacts.unit, AdmissionFacts.category, enterprise)
    )
    return {
        (unit, category, named): [int(i) for i in joined.split(",")]
        for unit, category, named, joined in session.execute(stmt)
    }


def admitted(session: Session, units: Collection[str], year: int) -> Groups:
    """The cases of ``units`` admitted (decision dated) in ``year``."""
    return _counted(
        session, units, AdmissionFacts.admitted_on.between(date(year, 1, 1), date(year, 12, 31))
    )


def decidable(session: Session, units: Collection[str], today: date, last_day: date) -> Groups:
    """The undecided open cases of ``units`` whose decision can still come by
    ``last_day``: ``pipeline.earliest_decision`` as a query.

    The earliest decision is today plus the case's ``lead_days`` (the fewest usual days
    from one of its open steps), and not before the 18th birthday plus the days from
    the branch vote; each bound is a comparison with a number or date known here."""
    if today > last_day:
        return {}
    slack = (last_day - today).days
    branch = pipeline.days_to_decision("branch_vote")
    birthday = AdmissionFacts.birthday_wait
    in_time = (
        birthday.is_(None) | (birthday <= last_day - timedelta(days=branch))
        if branch <= slack
        else birthday.is_(None)
    )
    return _counted(
        session,
        units,
        AdmissionFacts.status.in_(sorted(OPEN)),
        AdmissionFacts.decided.is_(False),
        AdmissionFacts.lead_days <= slack,
        in_time,
    )
