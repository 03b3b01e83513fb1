"""The auditor's case search: by candidate, unit, step, date range and outcome.

A unit or a step matches a case that held a task there at any time, not only now: an
auditor asks "which cases passed through this branch", not "which wait there".
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from engine.listing import folded_search
from engine.models import Case, WorkItem
from engine.workdays import LOCAL_TZ
from workflows.admission.intake import KEY
from workflows.admission.reports.models import AdmissionFacts

from .tables import csv_text

FILTERS = ("q", "unit", "step", "from", "to", "outcome")


def _day(text: str | None) -> date | None:
    """A filter's date: dd/mm/yyyy as the page's fields take it, or ISO (older links)."""
    for reads in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return reads(text.strip()) if text else None
        except ValueError:
            continue
    return None


def _local_midnight(day: date) -> datetime:
    # Dates are picked in Việt Nam; cases are stored with UTC times.
    return datetime.combine(day, time.min, LOCAL_TZ)


def _in_probation() -> ColumnElement[bool]:
    """A case still running whose admission was decided: the decision's script set the
    outcome "admitted" in its data, and the case goes on through probation in the same
    case, so its column is empty until it closes (procedure.md, "Case status and
    outcome"). An auditor asking for the admitted means these too."""
    return Case.outcome.is_(None) & _data_says_admitted()


def _data_says_admitted() -> ColumnElement[bool]:
    """The case data's outcome is "admitted". An admission case's is read from
    ``admission_facts``, which keeps it as a column in the case's transaction: the case
    data is a document of kilobytes stored apart, and reading it for every case of a
    search took seconds at 100,000 cases. Another process's case is read as before."""
    kept = select(AdmissionFacts.case_id).where(AdmissionFacts.data_outcome == "admitted")
    own = func.coalesce(Case.data["outcome"].as_string(), "") == "admitted"
    # A CASE, not an OR: the database then reads the data only of the other cases.
    return case((Case.definition_key == KEY, Case.id.in_(kept)), else_=own)


def query(args) -> Select:
    """The cases matching the filters in ``args`` (a request's query arguments)."""
    stmt = select(Case)
    found = folded_search(Case.search_key, args.get("q", ""))
    if found is not None:
        stmt = stmt.where(found)
    if args.get("unit"):
        held = select(WorkItem.case_id).where(WorkItem.unit == args["unit"])
        stmt = stmt.where((Case.unit == args["unit"]) | Case.id.in_(held))
    if args.get("step"):
        stmt = stmt.where(
            Case.id.in_(select(WorkItem.case_id).where(WorkItem.step == args["step"]))
        )
    start, end = _day(args.get("from")), _day(args.get("to"))
    if start:
        stmt = stmt.where(Case.created_at >= _local_midnight(start))
    if end:
        stmt = stmt.where(Case.created_at < _local_midnight(date.fromordinal(end.toordinal() + 1)))
    if args.get("outcome") == "none":
        stmt = stmt.where(Case.outcome.is_(None), ~_in_probation())
    elif args.get("outcome") == "admitted":
        stmt = stmt.where((Case.outcome == "admitted") | _in_probation())
    elif args.get("outcome"):
        stmt = stmt.where(Case.outcome == args["outcome"])
    return stmt.order_by(Case.created_at.desc(), Case.id.desc())


def steps(session: Session) -> list[tuple[str, str]]:
    """(step id, step name) pairs that tasks have had, for the step filter."""
    rows = session.execute(
        select(WorkItem.step, WorkItem.step_name).distinct().order_by(WorkItem.step)
    ).all()
    named: dict[str, str] = {}
    for step, name in rows:
        named.setdefault(step, name or step)
    return sorted(named.items(), key=lambda pair: pair[1])


def as_csv(session: Session, stmt: Select, header: list[str], row) -> str:
    """Every matching case as one CSV line; ``row`` turns a case into its cells."""
    return csv_text(header, (row(case) for case in session.execute(stmt).scalars()))
