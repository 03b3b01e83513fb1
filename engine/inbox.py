"""The inbox: the user tasks of a set of units, in tabs, filtered, searched and paged.

One query answers the page's rows, and two more count every tab under the same
filters, so the numbers on the tabs always match what clicking a tab shows. Only the
work-item table is read (it carries the candidate name, search key and category).

A busy unit holds thousands of open tasks and many times more completed ones, so every
query here reads open tasks, or the user's own completed ones, through an index that
starts with (unit, status): the unit's history does not slow its inbox down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.listing import Page, fetch_page, folded_search
from engine.models import WorkItem
from engine.workdays import Calendar, default_calendar

MINE, UNIT, OVERDUE, DONE = "mine", "unit", "overdue", "done"
TABS = (MINE, UNIT, OVERDUE, DONE)
SOON_WORKDAYS = 5


@dataclass(frozen=True)
class InboxQuery:
    """What one inbox page asks for. ``user`` is the name claims and completions carry."""

    user: str
    units: frozenset[str]
    tab: str | None = MINE  # None: MINE if the user holds tasks, else UNIT
    step: str | None = None
    category: str | None = None
    unit: str | None = None  # one of ``units``; None: all of them
    search: str = ""
    descending: bool = False  # by due date
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class Inbox:
    page: Page
    counts: dict[str, int]
    tab: str = MINE  # the tab shown


def _tabs(user: str, now: datetime) -> dict[str, ColumnElement[bool]]:
    is_open = WorkItem.status == "open"
    return {
        MINE: and_(is_open, WorkItem.claimed_by == user),
        UNIT: and_(is_open, WorkItem.claimed_by.is_(None)),
        OVERDUE: and_(is_open, WorkItem.due_at < now),
        DONE: and_(WorkItem.status == "completed", WorkItem.completed_by == user),
    }


def _scope(query: InboxQuery) -> list[ColumnElement[bool]]:
    """The units asked for, narrowed by the filters and the search."""
    units = query.units & {query.unit} if query.unit else query.units
    where: list[ColumnElement[bool]] = [WorkItem.unit.in_(sorted(units))]
    if query.step:
        where.append(WorkItem.step == query.step)
    if query.category:
        where.append(WorkItem.category == query.category)
    found = folded_search(WorkItem.search_key, query.search)
    if found is not None:
        where.append(found)
    return where


def _order(descending: bool) -> list:
    due = WorkItem.due_at.desc() if descending else WorkItem.due_at.asc()
    # Tasks without a deadline come last either way; ties keep the order of arrival.
    # NULLS LAST (not an "IS NULL" sort key) lets the ascending order, the default, be
    # read off the (unit, status, due_at, id) index instead of sorting the open tasks.
    return [due.nulls_last(), WorkItem.id]


def _count(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(session: Session, query: InboxQuery, where: list, now: datetime) -> dict[str, int]:
    """Every tab's count: one pass over the open tasks (an index-only scan when no
    filter reads other columns), one over the user's completed ones."""
    mine, unclaimed, overdue = session.execute(
        select(
            _count(WorkItem.claimed_by == query.user),
            _count(WorkItem.claimed_by.is_(None)),
            _count(WorkItem.due_at < now),
        ).where(*where, WorkItem.status == "open")
    ).one()
    done = session.execute(
        select(func.count())
        .select_from(WorkItem)
        .where(*where, WorkItem.status == "completed", WorkItem.completed_by == query.user)
    ).scalar_one()
    return {MINE: int(mine), UNIT: int(unclaimed), OVERDUE: int(overdue), DONE: int(done)}


def inbox(session: Session, query: InboxQuery, *, now: datetime | None = None) -> Inbox:
    """One page of the tab asked for, and the count of every tab under the same filters.

    ``now`` decides what is overdue (default: the engine clock)."""
    if query.tab is not None and query.tab not in TABS:
        raise ValueError(f"unknown inbox tab {query.tab!r}")
    if not query.units or (query.unit and query.unit not in query.units):
        return Inbox(Page.empty(query.page_size), dict.fromkeys(TABS, 0), query.tab or MINE)
    now = now or clock.now()
    where = _scope(query)
    counts = _counts(session, query, where, now)
    tab = query.tab or (MINE if counts[MINE] else UNIT)
    stmt = (
        select(WorkItem)
        .where(*where, _tabs(query.user, now)[tab])
        .order_by(*_order(query.descending))
    )
    return Inbox(
        fetch_page(session, stmt, query.page, query.page_size, total=counts[tab]), counts, tab
    )


def facets(
    session: Session, user: str, units: frozenset[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """The steps (id, name) and categories of the tasks ``user`` finds in the tabs of
    ``units`` (open ones, and those the user completed): the inbox filters' choices."""
    if not units:
        return [], []
    columns = (WorkItem.step, WorkItem.step_name, WorkItem.category)
    in_units = WorkItem.unit.in_(sorted(units))
    # Two queries, not a UNION: the open tasks' DISTINCT then streams off the facets
    # index in its order instead of hashing the unit's thousands of open tasks.
    found = {
        *session.execute(select(*columns).where(in_units, WorkItem.status == "open").distinct()),
        *session.execute(
            select(*columns)
            .where(in_units, WorkItem.status == "completed", WorkItem.completed_by == user)
            .distinct()
        ),
    }
    steps: dict[str, str] = {}
    for step, name, _category in sorted(found, key=lambda row: (row[1] or row[0], row[0])):
        steps.setdefault(step, name or step)  # a renamed step keeps one entry
    categories = sorted({category for _s, _n, category in found if category is not None})
    return sorted(steps.items(), key=lambda kv: kv[1]), categories


def urgency(
    due_at: datetime | None,
    now: datetime,
    *,
    tz: tzinfo = UTC,
    calendar: Calendar = default_calendar,
) -> str | None:
    """ "overdue" past the deadline, "due_soon" within SOON_WORKDAYS working days, else None.

    Working days are counted on the calendar of ``tz`` (the users' time zone), since a
    deadline "within five working days" is about local days, not UTC ones.
    """
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    today: date = now.astimezone(tz).date()
    if due_at.astimezone(tz).date() <= calendar.add_workdays(today, SOON_WORKDAYS):
        return "due_soon"
    return None


def workdays_left(
    due_at: datetime,
    now: datetime,
    *,
    tz: tzinfo = UTC,
    calendar: Calendar = default_calendar,
) -> int:
    """Working days from today to the deadline's day, on the calendar of ``tz``: positive
    while there is time left, 0 when it falls today, negative by the working days it is
    overdue (-1 at least, once ``due_at`` has passed: a deadline missed an hour ago on a
    holiday is still missed)."""
    today: date = now.astimezone(tz).date()
    due_day: date = due_at.astimezone(tz).date()
    if due_at < now:
        return -max(1, calendar.workdays_between(due_day, today))
    return calendar.workdays_between(today, due_day)
