"""The inbox query on SQLite and PostgreSQL: units, tabs and their counts, filters,
diacritics-free search, order by due date, pages; and how urgent a deadline is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import cases
from engine.cases import unit_of_work
from engine.inbox import (
    DONE,
    MINE,
    OVERDUE,
    UNIT,
    InboxQuery,
    facets,
    inbox,
    urgency,
    workdays_left,
)
from engine.listing import window
from engine.models import WorkItem

from .helpers import ALICE, BOB, SUBMIT_OK, deploy_review, make_registry

NAMES = {
    "U1": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"],
    "U2": ["Nguyễn Thị Dung"],
    "U3": ["Phạm Văn Em"],
}


@pytest.fixture
def items(factory):
    """One open "submit" task per candidate, in the unit the candidate's case names."""
    reg = make_registry()
    deploy_review(factory, reg)
    found = {}
    with unit_of_work(factory) as s:
        for unit, names in NAMES.items():
            for name in names:
                case = cases.start_case(
                    s,
                    "review",
                    {
                        "full_name": name,
                        "unit_code": unit,
                        "category": "student" if unit == "U1" else "other",
                    },
                    ALICE,
                    registry=reg,
                )
                s.flush()
                found[name] = s.execute(
                    select(WorkItem.id).where(WorkItem.case_id == case.id)
                ).scalar_one()
    return found


def ask(factory, **kwargs):
    kwargs.setdefault("user", "alice")
    kwargs["units"] = frozenset(kwargs.get("units", {"U1", "U2"}))
    with unit_of_work(factory) as s:
        result = inbox(s, InboxQuery(**kwargs))
        return [row.title for row in result.page.rows], result.counts, result.page


def test_only_the_units_asked_for(factory, items):
    titles, counts, page = ask(factory, tab=UNIT)
    assert sorted(titles) == sorted(NAMES["U1"] + NAMES["U2"])
    assert counts == {MINE: 0, UNIT: 4, OVERDUE: 0, DONE: 0} and page.total == 4
    titles, counts, _ = ask(factory, tab=UNIT, units={"U9"})
    assert titles == [] and counts[UNIT] == 0
    assert ask(factory, tab=UNIT, units=set())[0] == []


def test_tabs_claimed_completed_and_their_counts(factory, items):
    with unit_of_work(factory) as s:
        cases.claim(s, items["Nguyễn Văn An"], ALICE)
        cases.claim(s, items["Trần Thị Bình"], BOB)
        cases.complete_task(s, items["Lê Văn Cường"], SUBMIT_OK, ALICE, registry=make_registry())
    assert ask(factory, tab=MINE)[0] == ["Nguyễn Văn An"]
    assert ask(factory, tab=UNIT)[0] == ["Nguyễn Thị Dung"]
    assert ask(factory, tab=DONE)[0] == ["Lê Văn Cường"]
    assert ask(factory, tab=UNIT, user="bob")[1] == {MINE: 1, UNIT: 1, OVERDUE: 0, DONE: 0}


def test_overdue_counts_open_tasks_past_their_deadline(factory, items):
    later = datetime.now(UTC) + timedelta(days=60)  # "submit" is due in 5WD
    with unit_of_work(factory) as s:
        cases.claim(s, items["Nguyễn Văn An"], ALICE)
        result = inbox(s, InboxQuery("alice", frozenset({"U1"}), tab=OVERDUE), now=later)
    assert result.counts[OVERDUE] == 3 and result.counts[MINE] == 1
    assert len(result.page.rows) == 3


@pytest.mark.parametrize("typed", ["nguyen van an", "Nguyễn Văn An", "NGUYEN AN", "an nguy"])
def test_search_ignores_diacritics_and_case(factory, items, typed):
    assert ask(factory, tab=UNIT, search=typed)[0] == ["Nguyễn Văn An"]


def test_search_treats_like_wildcards_as_letters(factory, items):
    assert ask(factory, tab=UNIT, search="%")[0] == []
    assert ask(factory, tab=UNIT, search="_")[0] == []


def test_filters_narrow_rows_and_counts(factory, items):
    titles, counts, _ = ask(factory, tab=UNIT, category="student")
    assert sorted(titles) == sorted(NAMES["U1"]) and counts[UNIT] == 3
    assert ask(factory, tab=UNIT, unit="U2")[0] == ["Nguyễn Thị Dung"]
    assert ask(factory, tab=UNIT, unit="U3")[0] == []  # not one of the user's units
    assert len(ask(factory, tab=UNIT, step="submit")[0]) == 4
    assert ask(factory, tab=UNIT, step="decide")[0] == []


def test_sort_by_due_date_and_pages(factory, items):
    base = datetime(2030, 1, 1, tzinfo=UTC)
    with unit_of_work(factory) as s:
        for offset, name in enumerate(["Trần Thị Bình", "Nguyễn Văn An", "Nguyễn Thị Dung"]):
            s.get(WorkItem, items[name]).due_at = base + timedelta(days=offset)
        s.get(WorkItem, items["Lê Văn Cường"]).due_at = None
    ascending = ask(factory, tab=UNIT)[0]
    assert ascending == ["Trần Thị Bình", "Nguyễn Văn An", "Nguyễn Thị Dung", "Lê Văn Cường"]
    descending = ask(factory, tab=UNIT, descending=True)[0]
    assert descending == ["Nguyễn Thị Dung", "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    first = ask(factory, tab=UNIT, page_size=3)
    second = ask(factory, tab=UNIT, page_size=3, page=2)
    assert first[0] == ascending[:3] and second[0] == ascending[3:]
    assert (second[2].number, second[2].pages, second[2].total) == (2, 2, 4)
    assert ask(factory, tab=UNIT, page_size=3, page=99)[2].number == 2


def test_facets_list_steps_and_categories_of_the_units(factory, items):
    with unit_of_work(factory) as s:
        steps, categories = facets(s, "alice", frozenset({"U1", "U2"}))
        assert steps == [("submit", "Nộp hồ sơ")] and categories == ["other", "student"]
        assert facets(s, "alice", frozenset()) == ([], [])


def test_facets_leave_out_tasks_no_tab_shows(factory, items):
    """Tasks someone else completed are in no tab of the user's, so they offer no filter
    choice (and a unit's long history is not read to build the choices)."""
    with unit_of_work(factory) as s:
        for name in NAMES["U1"]:
            cases.complete_task(s, items[name], SUBMIT_OK, ALICE, registry=make_registry())
    with unit_of_work(factory) as s:
        assert facets(s, "bob", frozenset({"U1"})) == ([], [])
        assert facets(s, "alice", frozenset({"U1"})) == ([("submit", "Nộp hồ sơ")], ["student"])
        assert facets(s, "bob", frozenset({"U1", "U2"})) == ([("submit", "Nộp hồ sơ")], ["other"])


def test_without_a_tab_the_users_own_tasks_else_the_units(factory, items):
    with unit_of_work(factory) as s:
        first = inbox(s, InboxQuery("alice", frozenset({"U1"}), tab=None))
        assert first.tab == UNIT and len(first.page.rows) == 3
        cases.claim(s, items["Trần Thị Bình"], ALICE)
    with unit_of_work(factory) as s:
        claimed = inbox(s, InboxQuery("alice", frozenset({"U1"}), tab=None))
        assert claimed.tab == MINE and [r.title for r in claimed.page.rows] == ["Trần Thị Bình"]
        assert claimed.counts == {MINE: 1, UNIT: 2, OVERDUE: 0, DONE: 0}


def test_unknown_tab_is_refused(factory):
    with unit_of_work(factory) as s, pytest.raises(ValueError):
        inbox(s, InboxQuery("alice", frozenset({"U1"}), tab="all"))


HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "due, expected",
    [
        (datetime(2025, 9, 8, 1, tzinfo=UTC), "overdue"),  # an hour ago
        (datetime(2025, 9, 15, 9, tzinfo=UTC), "due_soon"),  # 5th working day
        (datetime(2025, 9, 16, 9, tzinfo=UTC), None),  # 6th working day
        (None, None),
    ],
)
def test_urgency_counts_local_working_days(due, expected):
    now = datetime(2025, 9, 8, 2, tzinfo=UTC)  # Monday 09:00 in Vietnam
    assert urgency(due, now, tz=HCM) == expected


def test_urgency_skips_public_holidays():
    now = datetime(2025, 8, 29, 2, tzinfo=UTC)  # Friday before 1-2/9
    # Mon 1/9 and Tue 2/9 are holidays: the 5th working day is Tue 9/9.
    assert urgency(datetime(2025, 9, 9, 9, tzinfo=UTC), now, tz=HCM) == "due_soon"
    assert urgency(datetime(2025, 9, 10, 9, tzinfo=UTC), now, tz=HCM) is None


def test_page_window_links_ends_and_neighbours():
    assert window(1, 1) == [1]
    assert window(5, 10) == [1, 3, 4, 5, 6, 7, 10]


def test_workdays_left_counts_local_working_days_to_the_deadline():
    # Friday 29 August 2025, 10:00 in Việt Nam; 1 and 2 September are holidays.
    now = datetime(2025, 8, 29, 10, tzinfo=HCM)
    end_of = lambda day: datetime(2025, *day, 23, 59, tzinfo=HCM)  # noqa: E731
    assert workdays_left(end_of((9, 3)), now, tz=HCM) == 1  # only Wednesday the 3rd
    assert workdays_left(end_of((8, 29)), now, tz=HCM) == 0  # due today
    assert workdays_left(end_of((8, 27)), now, tz=HCM) == -2  # Thursday, Friday passed
    # Passed an hour ago: overdue, even on a day off since.
    assert workdays_left(now - timedelta(hours=1), now, tz=HCM) == -1
