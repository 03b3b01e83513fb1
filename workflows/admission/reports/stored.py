"""The facts the yearly reports filter on, kept per case in ``admission_facts``, and the
spans of the completed tasks, counted in ``admission_spans``.

The targets dashboard counts a city's admissions of the year and its undecided cases
that can still be decided by 31 December. Reading every case's JSON data for that takes
seconds at 100,000 cases; a narrow table of typed columns answers it in SQL. ``store``
runs each time the engine stores an admission case, or changes its status (a
``case_stored`` listener), in the same transaction, and derives the columns with the
very rules of ``facts.CaseFacts`` and ``pipeline``, so the SQL here and the reports'
Python reading of the data agree (``tests/workflows/test_reports_stored.py``).

Each row also lists the tasks whose spans its case counts in ``admission_spans``
(``counted``, their ids): storing the case again adds the tasks completed since and takes
back those no longer completed (a reopened step), or moves them all when the case moves
to another unit, in the same transaction.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, cast, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import Case, WorkItem

from ..intake import KEY
from . import periods, pipeline
from .facts import COLUMNS, OPEN, CaseFacts, as_date, report_data
from .models import AdmissionFacts, AdmissionSpans

BACKFILL_BATCH = 500
# [step, step name, body, microseconds from creation to completion] of a completed task
Span = list
ONE_MICROSECOND = timedelta(microseconds=1)
SPAN_KEY = ("case_unit", "step", "step_name", "body", "micros")  # admission_spans' key


def probation_until(case: CaseFacts) -> date | None:
    """The end of the probation of an admitted member neither recognised nor removed
    (``pipeline.waiting`` lists those whose end is still to come)."""
    end = as_date(case.get("probation_end"))
    if not case.admission_date or end is None:
        return None
    return None if case.recognition_date or case.removal_date else end


def _text(value) -> str | None:
    # Compared with codes (units, outcomes): anything but a text matches none.
    return value if isinstance(value, str) else None


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
        "recognised_on": seen.recognition_date,
        "removed_on": seen.removal_date,
        "probation_until": probation_until(seen),
        "opened_on": seen.opened_on,
        **{group: periods.GROUPS[group](seen) for group in periods.FLAGS},
        "proposer_unit": _text(seen.get("proposer_unit")),
        "data_outcome": _text(seen.get("outcome")),
    }


def micros(created_at: datetime, completed_at: datetime) -> int:
    """A task's span, exactly: what the database's difference of the two times says."""
    return (completed_at - created_at) // ONE_MICROSECOND


def _span(step, name, body, created_at, completed_at) -> Span:
    return [step or "", name or "", body or "", micros(created_at, completed_at)]


_SPAN_COLUMNS = (
    WorkItem.step,
    WorkItem.step_name,
    WorkItem.unit,
    WorkItem.created_at,
    WorkItem.completed_at,
)
_COMPLETED = and_(WorkItem.status == "completed", WorkItem.completed_at.is_not(None))


def _spans_of(session: Session, *where) -> dict[int, Span]:
    """The spans of the tasks matching ``where``, by task id."""
    rows = session.execute(select(WorkItem.id, *_SPAN_COLUMNS).where(*where))
    return {row[0]: _span(*row[1:]) for row in rows}


def _before_and_now(
    session: Session, case_id: int
) -> tuple[tuple[str | None, set[int]] | None, dict[int, Span]]:
    """(unit, ids of the tasks) the case's row counted (None: no row yet), and the spans
    of its completed tasks now: one query, the row joined to those tasks."""
    rows = session.execute(
        select(AdmissionFacts.unit, AdmissionFacts.counted, WorkItem.id, *_SPAN_COLUMNS)
        .select_from(AdmissionFacts)
        .outerjoin(WorkItem, and_(WorkItem.case_id == AdmissionFacts.case_id, _COMPLETED))
        .where(AdmissionFacts.case_id == case_id)
    ).all()
    if not rows:
        return None, _spans_of(session, WorkItem.case_id == case_id, _COMPLETED)
    before = (rows[0][0], set(rows[0][1] or ()))
    return before, {row[2]: _span(*row[3:]) for row in rows if row[2] is not None}


def count_spans(session: Session, changes: Counter) -> None:
    """Add ``changes`` ((case unit, step, step name, body, microseconds) -> tasks, maybe
    negative) to ``admission_spans``. In key order, so that two transactions wait for
    each other's rows in one order, never in a circle."""
    rows = [
        dict(zip(SPAN_KEY, key, strict=True), tasks=n) for key, n in sorted(changes.items()) if n
    ]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(AdmissionSpans)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=list(SPAN_KEY),
            set_={"tasks": AdmissionSpans.tasks + stmt.excluded.tasks},
        ),
        rows,
    )


def span_changes(
    session: Session,
    before: tuple[str | None, set[int]] | None,
    unit: str | None,
    now: dict[int, Span],
) -> Counter:
    """What storing a case changes in ``admission_spans``: the spans of its tasks
    completed since it was last stored, less those of tasks no longer completed (a
    reopened step, the steps after it); all of them move when the case's unit does."""
    old_unit, old = before if before is not None else (unit, set())
    added, gone = (now.keys() - old, old - now.keys()) if old_unit == unit else (now.keys(), old)
    changes: Counter = Counter((unit or "", *now[i]) for i in added)
    missing = gone - now.keys()  # a task no longer completed: its span from its row
    spans = {**now, **(_spans_of(session, WorkItem.id.in_(sorted(missing))) if missing else {})}
    changes.subtract((old_unit or "", *spans[i]) for i in gone)
    return changes


def store(session: Session, case: Case, open_steps: list[str]) -> None:
    """Bring the case's row, and its spans, in line with the case (the engine's
    ``case_stored`` hook)."""
    if case.definition_key != KEY:
        return
    before, spans = _before_and_now(session, case.id)
    values = {**_derived(case, open_steps), "counted": sorted(spans)}
    # One statement for the row, not a choice between INSERT and UPDATE.
    session.execute(_upsert(session.get_bind().dialect.name), {"case_id": case.id, **values})
    count_spans(session, span_changes(session, before, case.unit, spans))


@functools.cache
def _upsert(dialect: str):
    """INSERT a case's row, or UPDATE it if the case has one (both back ends speak
    ``ON CONFLICT … DO UPDATE``). Built once per dialect: building it costs more than
    running it."""
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(AdmissionFacts)
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
        spans: dict[int, dict[int, Span]] = defaultdict(dict)
        for case_id, item_id, *task in session.execute(
            select(WorkItem.case_id, WorkItem.id, *_SPAN_COLUMNS).where(
                WorkItem.case_id.in_(chunk), _COMPLETED
            )
        ):
            spans[case_id][item_id] = _span(*task)
        added = [
            AdmissionFacts(
                case_id=row.id, **_derived(row, open_steps[row.id]), counted=sorted(spans[row.id])
            )
            for row in session.execute(select(*COLUMNS).where(Case.id.in_(chunk)))
        ]
        session.add_all(added)
        count_spans(
            session,
            Counter(
                (row.unit or "", *span) for row in added for span in spans[row.case_id].values()
            ),
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
