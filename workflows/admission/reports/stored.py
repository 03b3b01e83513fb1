"""The facts the yearly reports filter on, kept per case in ``admission_facts``.

The targets dashboard counts a city's admissions of the year and its undecided cases
that can still be decided by 31 December. Reading every case's JSON data for that takes
seconds at 100,000 cases; these typed, indexed columns answer it in SQL. ``store`` runs
each time the engine stores an admission case (a ``case_stored`` listener), in the same
transaction, and derives the columns with the very rules of ``facts.CaseFacts``, so
the SQL here and the reports' Python reading of the data agree
(``tests/workflows/test_reports_stored.py`` checks they do).
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta

from sqlalchemy import exists, select, true
from sqlalchemy.orm import Session

from engine.models import Case, WorkItem

from ..demo import SCHEDULE
from ..intake import KEY
from . import pipeline
from .facts import COLUMNS, OPEN, CaseFacts
from .models import AdmissionFacts

BACKFILL_BATCH = 500


def _derived(case) -> dict:
    """The row's values for ``case`` (a case, or a row of ``facts.COLUMNS``)."""
    seen = CaseFacts.of(case)
    return {"admitted_on": seen.admission_date, "decided": bool(seen.get("decision_date")),
            "birthday_wait": pipeline.birthday_wait(seen)}


def store(session: Session, case: Case) -> None:
    """Bring the case's row in line with its data (the engine's ``case_stored`` hook)."""
    if case.definition_key != KEY:
        return
    values = _derived(case)
    row = session.get(AdmissionFacts, case.id)
    if row is None:
        session.add(AdmissionFacts(case_id=case.id, **values))
        return
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def backfill(session: Session, progress: Callable[[int], None] = lambda n: None) -> int:
    """Write the row of every admission case that has none (cases stored before the
    table existed); returns how many were written."""
    missing = (select(Case.id).where(Case.definition_key == KEY, ~exists().where(
        AdmissionFacts.case_id == Case.id)).order_by(Case.id))
    ids = list(session.execute(missing).scalars())
    for start in range(0, len(ids), BACKFILL_BATCH):
        chunk = ids[start:start + BACKFILL_BATCH]
        session.add_all(AdmissionFacts(case_id=row.id, **_derived(row)) for row in
                        session.execute(select(*COLUMNS).where(Case.id.in_(chunk))))
        session.flush()
        session.expunge_all()            # keeps memory flat over 100,000 documents
        progress(len(chunk))
    return len(ids)


def _counted(units: Collection[str]):
    """(id, unit, category) of the admission cases of ``units``, with their facts."""
    return (select(Case.id, Case.unit, Case.category)
            .join(AdmissionFacts, AdmissionFacts.case_id == Case.id)
            .where(Case.definition_key == KEY, Case.unit.in_(sorted(units))))


def admitted(session: Session, units: Collection[str], year: int) -> list:
    """The cases of ``units`` admitted (decision dated) in ``year``."""
    return list(session.execute(_counted(units).where(
        AdmissionFacts.admitted_on.between(date(year, 1, 1), date(year, 12, 31)))))


def decidable(session: Session, units: Collection[str], today: date, last_day: date) -> list:
    """The undecided open cases of ``units`` whose decision can still come by
    ``last_day``: ``pipeline.decidable`` as a query (see ``pipeline.earliest_decision``).

    The earliest decision is today plus the fewest usual days from one of the case's
    open steps (0 without any), and not before the 18th birthday plus the days from the
    branch vote; each bound is a comparison with a date known here."""
    if today > last_day:
        return []
    slack = (last_day - today).days
    far = sorted(step for step in SCHEDULE if pipeline.days_to_decision(step) > slack)
    open_item = select(WorkItem.id).where(WorkItem.case_id == Case.id,
                                          WorkItem.status == "open")
    near = (~open_item.exists() | open_item.where(WorkItem.step.not_in(far)).exists()
            if far else true())
    branch = pipeline.days_to_decision("branch_vote")
    birthday = AdmissionFacts.birthday_wait
    in_time = (birthday.is_(None) | (birthday <= last_day - timedelta(days=branch))
               if branch <= slack else birthday.is_(None))
    return list(session.execute(_counted(units).where(
        Case.status.in_(sorted(OPEN)), AdmissionFacts.decided.is_(False), near, in_time)))
