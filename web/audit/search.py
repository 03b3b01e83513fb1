"""The auditor's case search: by candidate, unit, step, date range and outcome.

A unit or a step matches a case that held a task there at any time, not only now: an
auditor asks "which cases passed through this branch", not "which wait there".
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.listing import folded_search
from engine.models import Case, WorkItem
from engine.spreadsheets import safe_row
from engine.workdays import LOCAL_TZ

FILTERS = ("q", "unit", "step", "from", "to", "outcome")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _local_midnight(day: date) -> datetime:
    # Dates are picked in Việt Nam; cases are stored with UTC times.
    return datetime.combine(day, time.min, LOCAL_TZ)


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
        stmt = stmt.where(Case.outcome.is_(None))
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
    """Every matching case as one CSV line; ``row`` turns a case into its cells, which
    are written so that no spreadsheet program takes one for a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for case in session.execute(stmt).scalars():
        writer.writerow(safe_row(row(case)))
    # A byte-order mark, so spreadsheet programs read the Vietnamese letters as UTF-8.
    return "\ufeff" + out.getvalue()
