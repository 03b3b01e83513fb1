"""The rule functions that diagrams call, with the edge cases of the procedure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.registry import registry
from workflows.admission import rules


def test_every_rule_is_registered_with_its_docstring():
    for fn in rules.FUNCTIONS:
        assert registry.functions[fn.__name__] is fn
        assert registry.docs[fn.__name__]
    rules.register()  # again: still one entry each
    assert registry.functions["two_thirds"] is rules.two_thirds


@pytest.mark.parametrize(
    "born, on, months",
    [
        ("2008-05-10", "2026-05-09", 215),
        ("2008-05-10", "2026-05-10", 216),
        ("2008-05-10", "2008-05-10", 0),
        ("2023-01-31", "2023-02-27", 0),
        ("2023-01-31", "2023-02-28", 1),  # no 31 February: month ends on the last day
        ("2024-01-31", "2024-02-29", 1),
        ("2024-01-31", "2024-03-30", 1),
        ("2024-01-31", "2024-03-31", 2),
        ("2008-02-29", "2026-02-27", 215),
        ("2008-02-29", "2026-02-28", 216),
    ],
)
def test_age_in_months(born, on, months):
    assert rules.age_in_months(born, on) == months
    assert rules.full_years(born, on) == months // 12


def test_age_accepts_dates_and_datetimes_and_rejects_nonsense():
    assert rules.age_in_months(date(2000, 1, 15), datetime(2001, 1, 15, 8, 0)) == 12
    assert rules.age_in_months("2000-01-15", "2001-01-15T08:00:00+07:00") == 12
    with pytest.raises(ValueError, match="before"):
        rules.age_in_months("2010-01-01", "2009-12-31")
    with pytest.raises(ValueError, match="birth_date"):
        rules.age_in_months("15/01/2000", "2001-01-15")
    with pytest.raises(ValueError):
        rules.age_in_months(None, "2001-01-15")


@pytest.mark.parametrize(
    "born, on, ok",
    [
        ("2008-05-10", "2026-05-09", False),  # the day before the 18th birthday
        ("2008-05-10", "2026-05-10", True),  # exactly 18
        ("2008-02-29", "2026-02-28", True),  # born 29/2: 18 on 28/2 of a common year
        ("1965-03-15", "2025-03-15", True),  # exactly 60
        ("1965-03-15", "2025-04-14", True),  # 60 years and 30 days: still 720 months
        ("1965-03-15", "2025-04-15", False),  # 721 months
    ],
)
def test_age_eligible(born, on, ok):
    assert rules.age_eligible(born, on) is ok


@pytest.mark.parametrize(
    "born, birthday",
    [
        ("2008-05-10", "2026-05-10"),
        ("2008-02-29", "2026-02-28"),
        ("2012-02-29", "2030-02-28"),
        ("2006-12-31", "2024-12-31"),
    ],
)
def test_eighteenth_birthday(born, birthday):
    assert rules.eighteenth_birthday(born) == birthday
    assert rules.age_eligible(born, birthday)


@pytest.mark.parametrize(
    "issued, on, ok",
    [
        ("2020-06-15", "2020-06-15", True),
        ("2020-06-15", "2025-06-14", True),  # 60 months minus a day
        ("2020-06-15", "2025-06-15", False),  # 60 months: expired
        ("2020-06-15", "2020-06-14", False),  # not issued yet
        ("2020-02-29", "2025-02-27", True),
        ("2020-02-29", "2025-02-28", False),
    ],
)
def test_certificate_valid(issued, on, ok):
    assert rules.certificate_valid(issued, on) is ok


@pytest.mark.parametrize(
    "votes, total, ok",
    [
        (6, 9, True),
        (5, 9, False),
        (2, 3, True),
        (4, 6, True),
        (3, 5, False),
        (4, 5, True),
        (0, 1, False),
        (1, 1, True),
        (13, 20, False),
        (14, 20, True),
    ],
)
def test_two_thirds(votes, total, ok):
    assert rules.two_thirds(votes, total) is ok
    assert ok == (votes / total >= 2 / 3 - 1e-12)


@pytest.mark.parametrize("votes, total", [(1, 0), (-1, 3), (4, 3), (True, 3), (2.0, 3), ("2", 3)])
def test_two_thirds_rejects_impossible_counts(votes, total):
    with pytest.raises(ValueError):
        rules.two_thirds(votes, total)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2025-03-07", 1, "2025-03-10"),  # Friday -> Monday
        ("2025-03-10", 5, "2025-03-17"),
        ("2025-01-24", 1, "2025-02-03"),  # Tết Ất Tỵ: 25/1 to 2/2/2025 off
        ("2025-04-29", 1, "2025-05-05"),  # 30/4, 1/5 and 2/5/2025 off, then the weekend
    ],
)
def test_add_workdays(start, n, expected):
    assert rules.add_workdays(start, n) == expected


def test_workday_deadline_is_end_of_day_in_vietnam():
    text = rules.workday_deadline("2025-03-07", 1)
    assert text == "2025-03-10T23:59:00+07:00"
    moment = datetime.fromisoformat(text).astimezone(UTC)
    assert moment == datetime(2025, 3, 10, 16, 59, tzinfo=UTC)


def test_date_at_start_is_midnight_in_vietnam():
    text = rules.date_at_start("2026-05-10")
    assert text == "2026-05-10T00:00:00+07:00"
    assert datetime.fromisoformat(text).astimezone(UTC) == datetime(2026, 5, 9, 17, 0, tzinfo=UTC)
    assert rules.date_at_start(date(2026, 5, 10)) == text


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2025-05-10", 12, "2026-05-10"),
        ("2020-06-15", 60, "2025-06-15"),
    ],
)
def test_add_months(start, n, expected):
    assert rules.add_months(start, n) == expected


def test_counts_must_be_whole_numbers():
    with pytest.raises(ValueError, match="n must be"):
        rules.add_workdays("2025-03-07", "1")
    with pytest.raises(ValueError, match="n must be"):
        rules.add_months("2025-03-07", 1.5)
