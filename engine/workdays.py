"""Due dates counted in Vietnamese working days ("ngày làm việc").

Statutory deadlines in the admission procedure are expressed in working days, so a
deadline must skip weekends (Saturday, Sunday) and public holidays.

What the holiday calendar covers
--------------------------------
Holidays come from ``holidays.country_holidays("VN", years=...)`` (package
``holidays``, checked against 0.109). For each year it lists:

* Tết Dương lịch (1/1); Tết Nguyên Đán: Giao thừa + mùng 1–4 (mùng 1–3 before 2013);
  Giỗ Tổ Hùng Vương (10/3 lunar); 30/4; 1/5; Quốc khánh 2/9 plus the adjacent day
  (since 2021); Ngày Văn hóa Việt Nam 24/11 (since 2026).
* In-lieu days ("nghỉ bù") when a holiday falls on a weekend, e.g. 2026-04-27 for
  Giỗ Tổ on a Sunday. For Tết it moves a Saturday Tết day to the working day before
  ("29 Tết"): Tết 2024 → 08–14/02, Tết 2025 → 27/01–01/02, which matches the
  government's announced breaks for public servants in those years.
* Days swapped by government decision that the package has encoded ("ngày nghỉ thay
  cho ngày ..."), e.g. 2025-05-02 off, and the Saturday worked in exchange
  (2025-04-26) is a working day here: we read it from the package's public
  ``weekend_workdays`` attribute.

Not covered: swaps the government announces after the installed ``holidays``
release, and years the package cannot compute (lunar dates only up to 2100; for
later years only weekends are days off). Configure those with
``Calendar(extra_holidays=..., extra_workdays=...)``.

Durations
---------
``parse_duration`` accepts ``"10WD"`` / ``"10 wd"`` (working days) and ISO-8601
durations (``P30D``, ``P12M``, ``P1Y``, ``P2W``, ``PT2H``, ``P1DT2H``). A calendar
duration is returned as a ``(months, timedelta)`` pair: years become 12 months,
because months have no fixed length and must be added with month arithmetic
(``add_months``), while weeks/days/hours/minutes/seconds are exact.
No python-dateutil needed.
"""

from __future__ import annotations

import calendar as _stdcal
import functools
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import TypeVar

import holidays

#: Vietnam's time: UTC+7 all year (no daylight saving), without needing a tz database.
LOCAL_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

WORKDAYS = "workdays"
CALENDAR = "calendar"

# Sanity caps so a typo such as "P99999Y" in a diagram fails loudly at parse time
# instead of computing holidays for thousands of years.
MAX_WORKDAYS = 10_000
MAX_MONTHS = 1_200
MAX_DAYS = 36_600
# Years whose working days a calendar keeps (about 9 KB each): diagrams may ask for any
# year from 1 to 9999, and a process would otherwise keep every one asked for.
KEPT_YEARS = 256


@functools.lru_cache(maxsize=512)
def _vn_year(year: int) -> tuple[frozenset[int], frozenset[int]]:
    """(weekday ordinals that are holidays, weekend ordinals that are working days).

    Building one year's holidays costs ~1 ms (lunar calendar), so it is done once
    per year per process; ordinals keep the hot path to integer comparisons.
    """
    vn = holidays.country_holidays("VN", years=year)
    off = frozenset(d.toordinal() for d in vn if d.year == year)
    # weekend_workdays holds swap Saturdays of all years the package knows.
    on = frozenset(d.toordinal() for d in vn.weekend_workdays if d.year == year)
    return off, on


class Calendar:
    """Working-day calendar: Mon–Fri, minus VN holidays, with local overrides.

    ``extra_holidays`` are additional days off (e.g. a provincial decision);
    ``extra_workdays`` are days that must be worked even if the package says
    otherwise (e.g. a compensatory Saturday the package does not know yet).
    """

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
    ) -> None:
        self._extra_off = frozenset(d.toordinal() for d in extra_holidays)
        self._extra_on = frozenset(d.toordinal() for d in extra_workdays)
        clash = self._extra_off & self._extra_on
        if clash:
            days = ", ".join(sorted(date.fromordinal(o).isoformat() for o in clash))
            raise ValueError(f"days both extra holiday and extra workday: {days}")
        # year -> sorted ordinals of that year's working days; bisect on these
        # makes add_workdays/workdays_between O(log n) instead of day-by-day. The
        # years built first are dropped past KEPT_YEARS.
        self._years: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    def _workdays(self, year: int) -> list[int]:
        days = self._years.get(year)
        if days is None:
            days = self._build(year)
            with self._lock:
                self._years[year] = days
                while len(self._years) > KEPT_YEARS:
                    del self._years[next(iter(self._years))]
        return days

    def _build(self, year: int) -> list[int]:
        """The sorted ordinals of ``year``'s working days."""
        if not 1 <= year <= 9999:
            raise OverflowError(f"year {year} is out of range")
        off, on = _vn_year(year)
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        days = []
        for o in range(first, last + 1):
            if o in self._extra_on:
                days.append(o)
            elif o in self._extra_off:
                continue
            elif (o - 1) % 7 >= 5:  # ordinal 1 (0001-01-01) is a Monday
                if o in on:
                    days.append(o)
            elif o not in off:
                days.append(o)
        return days

    def is_workday(self, d: date) -> bool:
        days = self._workdays(d.year)
        o = d.toordinal()
        i = bisect_left(days, o)
        return i < len(days) and days[i] == o

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted).

        n == 0 gives ``start`` if it is a working day, else the next one;
        n < 0 counts backwards (the |n|-th working day before ``start``).
        """
        year = start.year
        days = self._workdays(year)
        o = start.toordinal()
        if n > 0:
            k = bisect_right(days, o) + n - 1  # index among this year's workdays
        elif n == 0:
            k = bisect_left(days, o)
        else:
            k = bisect_left(days, o) + n
        while k >= len(days):
            k -= len(days)
            year += 1
            days = self._workdays(year)
        while k < 0:
            year -= 1
            days = self._workdays(year)
            k += len(days)
        return date.fromordinal(days[k])

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end < start."""
        s, e = start.toordinal(), end.toordinal()
        if e < s:
            return -self.workdays_between(end, start)
        count = bisect_right(self._workdays(end.year), e) - bisect_right(
            self._workdays(start.year), s
        )
        for year in range(start.year, end.year):
            count += len(self._workdays(year))
        return count


#: The calendar used when none is given: VN holidays, no local overrides.
default_calendar = Calendar()

_WD_RE = re.compile(r"([0-9]+)\s*WD", re.IGNORECASE | re.ASCII)
_ISO_RE = re.compile(
    r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
    r"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?",
    re.IGNORECASE | re.ASCII,
)


def parse_duration(text: str) -> tuple[str, int | tuple[int, timedelta]]:
    """``"10WD"`` -> ("workdays", 10); ``"P1Y2DT3H"`` -> ("calendar", (12, timedelta(2, hours=3))).

    Raises ValueError for anything else (including negative or fractional values).
    """
    if not isinstance(text, str):
        raise ValueError(f"duration must be a string, not {type(text).__name__}")
    s = text.strip()
    m = _WD_RE.fullmatch(s)
    if m:
        n = int(m.group(1))
        if n > MAX_WORKDAYS:
            raise ValueError(f"duration {text!r}: more than {MAX_WORKDAYS} working days")
        return WORKDAYS, n
    m = _ISO_RE.fullmatch(s)
    # "P" or "P1DT" match the pattern but name no amount; ISO forbids both.
    if not m or not any(m.groups()) or s.upper().endswith("T"):
        raise ValueError(
            f"invalid duration {text!r}: expected working days like '10WD' or an "
            "ISO-8601 duration like 'P30D', 'P12M', 'P1Y', 'PT2H', 'P1DT2H'"
        )
    y, mo, w, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    months = y * 12 + mo
    if months > MAX_MONTHS:
        raise ValueError(f"duration {text!r}: more than {MAX_MONTHS} months")
    if w * 7 + d + (h * 3600 + mi * 60 + sec) / 86400 > MAX_DAYS:
        raise ValueError(f"duration {text!r}: more than {MAX_DAYS} days")
    return CALENDAR, (months, timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=sec))


AnyDate = TypeVar("AnyDate", date, datetime)


def add_months(d: AnyDate, months: int) -> AnyDate:
    """Calendar month arithmetic, clamping the day: 2024-01-31 + 1 -> 2024-02-29.

    Works for datetimes too (the time of day is kept).
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"year {year} is out of range")
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return d.replace(year=year, month=month0 + 1, day=min(d.day, last))


def due_from(
    start: datetime | date, duration_text: str, calendar: Calendar = default_calendar
) -> datetime:
    """The moment ``duration_text`` after ``start``.

    A date ``start`` means midnight at the beginning of that day. Working-day
    durations land on the same time of day (and tzinfo) on the n-th working day
    after the start date, so "1WD" from Friday 15:00 is Monday 15:00. Calendar
    durations add months first (clamped to month end: 12 months from 2024-02-29
    is 2025-02-28), then the exact part; tz-aware datetimes use wall-clock
    arithmetic, as Python does.
    """
    if isinstance(start, datetime):
        moment = start
    elif isinstance(start, date):
        moment = datetime.combine(start, time())
    else:
        raise TypeError(f"start must be a date or datetime, not {type(start).__name__}")
    kind, amount = parse_duration(duration_text)
    if isinstance(amount, int):  # the working days of a "10WD"
        day = calendar.add_workdays(moment.date(), amount)
        return moment.replace(year=day.year, month=day.month, day=day.day)
    months, exact = amount  # months and the rest of an ISO duration
    return add_months(moment, months) + exact
