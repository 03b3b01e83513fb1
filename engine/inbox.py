"""The inbox: the user tasks of a set of units, in tabs, filtered, searched and paged.

One query answers the page's rows, and one more counts every tab under the same
filters, so the numbers on the tabs always match what clicking a tab shows. Only the
work-item table is read (it carries the candidate name, search key and category).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from . import clock
from .listing import Page, fetch_page, folded_search
from .models import WorkItem
from .workdays import Calendar, default_calendar

MINE, UNIT, OVERDUE, DONE = "mine", "unit", "overdue", "done"
TABS = (MINE, UNIT, OVERDUE, DONE)
SOON_WORKDAYS = 5


@dataclass(frozen=True)
class InboxQuery:
    """What one inbox page asks for. ``user`` is the name claims and completions carry."""
    user: str
    units: frozenset[str]
    tab: str = MINE
    step: str | None = None
    category: str | None = None
    unit: str | None = None        # one of ``units``; None: all of them
    search: str = ""
    descending: bool = False       # by due date
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class Inbox:
    page: Page
    counts: dict[str, int]


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
    where = [WorkItem.unit.in_(sorted(units))]
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
    return [WorkItem.due_at.is_(None), due, WorkItem.id]


def inbox(session: Session, query: InboxQuery, *, now: datetime | None = None) -> Inbox:
    """One page of the tab asked for, and the count of every tab under the same filters.

    ``now`` decides what is overdue (default: the engine clock)."""
    if query.tab not in TABS:
        raise ValueError(f"unknown inbox tab {query.tab!r}")
    if not query.units or (query.unit and query.unit not in query.units):
        return Inbox(Page.empty(query.page_size), dict.fromkeys(TABS, 0))
    tabs = _tabs(query.user, now or clock.now())
    where = _scope(query)
    sums = [func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for cond in tabs.values()]
    row = session.execute(select(*sums).where(*where, or_(*tabs.values()))).one()
    counts = {tab: int(n) for tab, n in zip(tabs, row)}
    stmt = select(WorkItem).where(*where, tabs[query.tab]).order_by(*_order(query.descending))
    return Inbox(fetch_page(session, stmt, query.page, query.page_size,
                            total=counts[query.tab]), counts)


def facets(session: Session, units: frozenset[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The steps (id, name) and categories found among the tasks of ``units``: the
    choices of the inbox filters."""
    if not units:
        return [], []
    where = WorkItem.unit.in_(sorted(units))
    steps: dict[str, str] = {}
    for step, name in session.execute(select(WorkItem.step, WorkItem.step_name).where(where)
                                      .distinct().order_by(WorkItem.step_name)):
        steps.setdefault(step, name or step)   # a renamed step keeps one entry
    categories = session.execute(select(WorkItem.category).where(
        where, WorkItem.category.is_not(None)).distinct().order_by(WorkItem.category)).scalars()
    return sorted(steps.items(), key=lambda kv: kv[1]), list(categories)


def urgency(due_at: datetime | None, now: datetime, *, tz: tzinfo = timezone.utc,
            calendar: Calendar = default_calendar) -> str | None:
    """"overdue" past the deadline, "due_soon" within SOON_WORKDAYS working days, else None.

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
