"""Deadlines beside their dates: "còn 3 ngày làm việc" / "quá hạn 5 ngày làm việc",
counted in Vietnamese working days (weekends and public holidays do not count), on
Việt Nam's local days; and the inbox and task page show them for open tasks."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from engine import clock
from tests.support.driving import item_id, set_item, start
from web.deadlines import time_left
from web.i18n import LOCAL

from .test_inbox import as_user

# Monday 7 December 2026, 10:00 in Việt Nam.
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL)


def _end_of(day: str) -> datetime:
    """A working-day deadline ends with its day, local time (engine/projection.py)."""
    return datetime.fromisoformat(f"{day}T23:59:00").replace(tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("due", "said"),
    [
        ("2026-12-10", "còn 3 ngày làm việc"),  # Tue, Wed, Thu
        ("2026-12-14", "còn 5 ngày làm việc"),  # the weekend between does not count
        ("2026-12-07", "đến hạn hôm nay"),
        ("2026-12-04", "quá hạn 1 ngày làm việc"),  # Friday: only Monday has passed since
        ("2026-11-30", "quá hạn 5 ngày làm việc"),
        ("2027-01-04", "còn 19 ngày làm việc"),  # 1 January, New Year's Day, is off
    ],
)
def test_working_days_left_or_overdue(app, due, said):
    with app.test_request_context():
        assert time_left(_end_of(due), NOW) == said


def test_a_deadline_passed_today_is_overdue_not_due(app):
    with app.test_request_context():
        assert time_left(NOW - timedelta(hours=1), NOW) == "quá hạn 1 ngày làm việc"
        assert time_left(None, NOW) == ""


def test_in_english(app):
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert time_left(_end_of("2026-12-08"), NOW) == "1 working day left"
        assert time_left(_end_of("2026-12-10"), NOW) == "3 working days left"
        assert time_left(_end_of("2026-11-30"), NOW) == "5 working days overdue"


def test_inbox_and_task_page_say_how_long_is_left(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    set_item(app, item, due_at=clock.now() - timedelta(days=10))
    cb = as_user(app, "cb_tp")
    inbox = cb.get("/?tab=unit").get_data(True)
    assert re.search(r'data-testid="time-left">\(quá hạn \d+ ngày làm việc\)', inbox)
    task = cb.get(f"/viec/{item}").get_data(True)
    assert re.search(r'data-testid="time-left">\(quá hạn \d+ ngày làm việc\)', task)
