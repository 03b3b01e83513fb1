"""Working-day arithmetic against the real Vietnamese calendar (holidays 0.109)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.workdays import (
    Calendar,
    add_months,
    default_calendar,
    due_from,
    parse_duration,
)

cal = default_calendar

# Days off on weekdays in 2025, written out by hand from the government's
# announcements (not read from the module), plus the Saturday worked in exchange
# for Friday 2/5.
HOLIDAYS_2025 = {
    date(2025, 1, 1),  # Tết Dương lịch
    *(date(2025, 1, d) for d in range(27, 32)),  # Tết Ất Tỵ, Mon 27 – Fri 31
    date(2025, 4, 7),  # Giỗ Tổ Hùng Vương
    date(2025, 4, 30),
    date(2025, 5, 1),
    date(2025, 5, 2),
    date(2025, 9, 1),
    date(2025, 9, 2),  # Quốc khánh
}
SWAP_SATURDAYS_2025 = {date(2025, 4, 26)}


def naive_add_workdays(start: date, n: int) -> date:
    """Reference implementation: walk day by day over the hand-written 2025 lists."""

    def workday(d):
        if d in SWAP_SATURDAYS_2025:
            return True
        return d.weekday() < 5 and d not in HOLIDAYS_2025

    d, left = start, n
    while left:
        d += timedelta(days=1)
        if workday(d):
            left -= 1
    assert d.year == 2025, "reference lists only cover 2025"
    return d


# --- weekends and holidays ---------------------------------------------------


def test_weekends_are_not_workdays():
    assert cal.is_workday(date(2025, 3, 14))  # Friday
    assert not cal.is_workday(date(2025, 3, 15))  # Saturday
    assert not cal.is_workday(date(2025, 3, 16))  # Sunday
    assert cal.add_workdays(date(2025, 3, 14), 1) == date(2025, 3, 17)
    assert cal.add_workdays(date(2025, 3, 15), 1) == date(2025, 3, 17)


def test_tet_2025_is_skipped():
    # Lunar new year is Wed 29/01/2025; the break for offices ran Sat 25/01 – Sun 02/02.
    for d in range(27, 32):
        assert not cal.is_workday(date(2025, 1, d))
    assert cal.add_workdays(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert cal.add_workdays(date(2025, 1, 29), 0) == date(2025, 2, 3)
    assert cal.add_workdays(date(2025, 1, 20), 5) == date(2025, 2, 3)


def test_tet_2024_includes_the_day_in_lieu():
    # Tết Giáp Thìn: mùng 1 on Saturday 10/02, offices off Thu 08/02 – Wed 14/02.
    for d in range(8, 15):
        assert not cal.is_workday(date(2024, 2, d))
    assert cal.add_workdays(date(2024, 2, 7), 1) == date(2024, 2, 15)


def test_reunification_and_labour_day_2025_with_swap_saturday():
    for d in (date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)):
        assert not cal.is_workday(d)
    assert cal.add_workdays(date(2025, 4, 29), 1) == date(2025, 5, 5)
    # Saturday 26/04/2025 was worked in exchange for Friday 02/05.
    assert cal.is_workday(date(2025, 4, 26))
    assert cal.add_workdays(date(2025, 4, 25), 1) == date(2025, 4, 26)


def test_national_day():
    # 2025: Mon 1/9 and Tue 2/9 off.
    assert cal.add_workdays(date(2025, 8, 29), 1) == date(2025, 9, 3)
    # 2024: Mon 2/9 and Tue 3/9 off.
    assert not cal.is_workday(date(2024, 9, 3))
    assert cal.add_workdays(date(2024, 8, 30), 1) == date(2024, 9, 4)


def test_year_boundary():
    assert cal.add_workdays(date(2024, 12, 31), 1) == date(2025, 1, 2)
    assert cal.add_workdays(date(2025, 1, 2), -1) == date(2024, 12, 31)


# --- 60 working days, checked independently --------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        date(2025, 1, 2),  # across Tết
        date(2025, 3, 14),  # across Giỗ Tổ, the swap Saturday and 30/4–2/5
        date(2025, 7, 1),  # across 2/9
    ],
)
def test_sixty_workdays_matches_day_by_day_reference(start):
    assert cal.add_workdays(start, 60) == naive_add_workdays(start, 60)


def test_every_offset_in_2025_matches_reference():
    start = date(2025, 1, 1)
    for n in range(1, 240):
        assert cal.add_workdays(start, n) == naive_add_workdays(start, n), n


# --- n = 0 and negative n ------------------------------------------------------


def test_zero_means_start_or_next_workday():
    assert cal.add_workdays(date(2025, 3, 14), 0) == date(2025, 3, 14)
    assert cal.add_workdays(date(2025, 3, 15), 0) == date(2025, 3, 17)


def test_negative_counts_backwards():
    assert cal.add_workdays(date(2025, 3, 17), -1) == date(2025, 3, 14)
    assert cal.add_workdays(date(2025, 2, 3), -1) == date(2025, 1, 24)
    assert cal.add_workdays(date(2025, 3, 16), -1) == date(2025, 3, 14)  # from Sunday
    assert cal.add_workdays(date(2025, 5, 5), -3) == date(2025, 4, 26)  # swap Saturday


def test_forward_then_back_is_identity_on_workdays():
    d = date(2024, 12, 2)
    while d < date(2025, 3, 1):
        if cal.is_workday(d):
            for n in (1, 7, 60):
                assert cal.add_workdays(cal.add_workdays(d, n), -n) == d
        d += timedelta(days=1)


# --- workdays_between ---------------------------------------------------------


def test_workdays_between():
    assert cal.workdays_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert cal.workdays_between(date(2025, 2, 3), date(2025, 1, 24)) == -1
    assert cal.workdays_between(date(2025, 3, 14), date(2025, 3, 14)) == 0
    assert cal.workdays_between(date(2025, 3, 14), date(2025, 3, 16)) == 0  # weekend
    assert cal.workdays_between(date(2024, 12, 31), date(2025, 1, 2)) == 1  # 1/1 off
    # 365 days - 104 weekend days - 12 weekday holidays + 1 swap Saturday
    assert cal.workdays_between(date(2024, 12, 31), date(2025, 12, 31)) == 250


def test_workdays_between_inverts_add_workdays():
    start = date(2024, 11, 15)
    for n in range(0, 400, 13):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


# --- configured extra days --------------------------------------------------------


def test_extra_holidays_and_workdays():
    local = Calendar(
        extra_holidays=[date(2025, 3, 17)],  # Monday off locally
        extra_workdays=[date(2025, 3, 22)],
    )  # compensatory Saturday
    assert not local.is_workday(date(2025, 3, 17))
    assert local.is_workday(date(2025, 3, 22))
    assert local.add_workdays(date(2025, 3, 14), 1) == date(2025, 3, 18)
    assert local.add_workdays(date(2025, 3, 21), 1) == date(2025, 3, 22)
    assert local.workdays_between(date(2025, 3, 14), date(2025, 3, 24)) == 6
    # the default calendar is not affected
    assert cal.is_workday(date(2025, 3, 17))
    assert not cal.is_workday(date(2025, 3, 22))


def test_extra_workday_overrides_a_public_holiday():
    local = Calendar(extra_workdays=[date(2025, 5, 2)])
    assert local.is_workday(date(2025, 5, 2))


def test_same_day_both_extra_holiday_and_workday_is_refused():
    with pytest.raises(ValueError, match="2025-03-22"):
        Calendar(extra_holidays=[date(2025, 3, 22)], extra_workdays=[date(2025, 3, 22)])


# --- parse_duration -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10WD", ("workdays", 10)),
        ("10 WD", ("workdays", 10)),
        (" 10wd ", ("workdays", 10)),
        ("0WD", ("workdays", 0)),
        ("P30D", ("calendar", (0, timedelta(days=30)))),
        ("P12M", ("calendar", (12, timedelta()))),
        ("P1Y", ("calendar", (12, timedelta()))),
        ("P1Y2M", ("calendar", (14, timedelta()))),
        ("P2W", ("calendar", (0, timedelta(days=14)))),
        ("PT2H", ("calendar", (0, timedelta(hours=2)))),
        ("P1DT2H", ("calendar", (0, timedelta(days=1, hours=2)))),
        ("PT1H30M15S", ("calendar", (0, timedelta(hours=1, minutes=30, seconds=15)))),
    ],
)
def test_parse_duration_accepts(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "10",
        "WD",
        "-5WD",
        "1.5WD",
        "10 days",
        "P",
        "PT",
        "P1DT",
        "P1.5D",
        "1D",
        "P-1D",
        "T2H",
        "P1H",
        "１０WD",
        "P99999Y",
        "99999WD",
        "P99999D",
    ],
)
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_duration_message_names_the_input():
    with pytest.raises(ValueError, match="'ten days'.*10WD.*P30D"):
        parse_duration("ten days")


def test_parse_duration_refuses_non_strings():
    with pytest.raises(ValueError):
        parse_duration(10)  # type: ignore[arg-type]


# --- due_from and add_months ------------------------------------------------------


def test_due_from_workdays_keeps_time_of_day():
    assert due_from(datetime(2025, 1, 24, 15, 30), "1WD") == datetime(2025, 2, 3, 15, 30)
    tz = timezone(timedelta(hours=7))
    assert due_from(datetime(2025, 3, 14, 9, tzinfo=tz), "1 WD") == datetime(
        2025, 3, 17, 9, tzinfo=tz
    )


def test_due_from_date_means_midnight():
    assert due_from(date(2025, 3, 14), "1WD") == datetime(2025, 3, 17)
    assert due_from(date(2025, 3, 15), "0WD") == datetime(2025, 3, 17)


def test_due_from_sixty_workdays():
    assert due_from(date(2025, 3, 14), "60WD").date() == naive_add_workdays(date(2025, 3, 14), 60)


def test_due_from_calendar_durations():
    assert due_from(date(2024, 2, 29), "P12M") == datetime(2025, 2, 28)
    assert due_from(date(2024, 2, 29), "P1Y") == datetime(2025, 2, 28)
    assert due_from(datetime(2025, 1, 31, 8), "P1M") == datetime(2025, 2, 28, 8)
    assert due_from(datetime(2025, 1, 31, 8), "P30D") == datetime(2025, 3, 2, 8)
    assert due_from(datetime(2025, 3, 14, 23), "P1DT2H") == datetime(2025, 3, 16, 1)
    assert due_from(datetime(2025, 3, 14, 23), "PT2H") == datetime(2025, 3, 15, 1)


def test_due_from_uses_given_calendar():
    local = Calendar(extra_holidays=[date(2025, 3, 17)])
    assert due_from(date(2025, 3, 14), "1WD", local) == datetime(2025, 3, 18)


def test_due_from_refuses_bad_input():
    with pytest.raises(ValueError):
        due_from(date(2025, 3, 14), "soon")
    with pytest.raises(TypeError):
        due_from("2025-03-14", "1WD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "d, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_add_months(d, months, expected):
    assert add_months(d, months) == expected


def test_add_months_keeps_time():
    assert add_months(datetime(2025, 1, 31, 10, 5), 1) == datetime(2025, 2, 28, 10, 5)
