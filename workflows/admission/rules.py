"""Rule functions that the admission diagrams call (ages, validity, votes, deadlines).

Diagrams may call only registered functions, so every rule of the procedure that a
gateway or timer needs is here. Arguments arrive from case data: dates as ISO strings
'YYYY-MM-DD' (date objects are accepted too); results are plain data (bool, int, str,
list) so that they can be stored in case data as they are.

Counting conventions (Điều lệ Đảng, Quy định 294-QĐ/TW, Hướng dẫn 06-HD/TW):
- age is counted in whole months: a month is complete on the same day of the month,
  or on the month's last day when it has no such day (born 31/1 -> one month on 28/2
  or 29/2; born 29/2 -> 18 years on 28/2 of a common year), as Điều 148 of the Civil
  Code ends a period counted in months;
- "18 to 60 years" means from the 18th birthday up to 60 years and any days less than
  a month: 216 to 720 whole months;
- times of day are in Vietnam, UTC+7 all year (no daylight saving since 1975).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from engine import clock, workdays
from engine.registry import DEFAULT_COST, Cost, Registry, registry

VIETNAM = timezone(timedelta(hours=7), "ICT")
MIN_AGE_MONTHS = 18 * 12
MAX_AGE_MONTHS = 60 * 12
CERTIFICATE_MONTHS = 60
INTRODUCER_MONTHS = 12  # a member introducer has known the candidate this long (introductions)
TREE_PLACE = "tree"  # a place of verification that is a unit of the tree (else: outside it)
COMPETENT_BODY = "competent_body"  # the outside "place" of an extra verification
#: reason of an extra verification -> the body whose opinion the sending committee asks.
REVIEW_BODIES = {
    "religion": "Cơ quan có thẩm quyền về công tác tôn giáo (ý kiến về người theo tôn giáo)",
    "relatives_abroad": "Cơ quan có thẩm quyền về người thân ở nước ngoài",
    "political_history": "Cơ quan bảo vệ chính trị nội bộ có thẩm quyền",
}


def _date(value: Any, name: str = "date") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        try:  # a datetime string names its day
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date 'YYYY-MM-DD', not {value!r}")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return value


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if workdays.add_months(start, months) > end else months


def age_in_months(birth_date, on_date) -> int:
    """Tuổi tính theo tháng (số tháng tròn) vào ngày on_date.

    Whole months of age on ``on_date``; a month is complete on the same day of the
    month, or on the last day of a shorter month. Raises if on_date is before birth.
    """
    born, on = _date(birth_date, "birth_date"), _date(on_date, "on_date")
    if on < born:
        raise ValueError(f"on_date {on} is before birth_date {born}")
    return _months_between(born, on)


def full_years(birth_date, on_date) -> int:
    """Số tuổi tròn (năm) vào ngày on_date. Whole years of age on ``on_date``."""
    return age_in_months(birth_date, on_date) // 12


def age_eligible(birth_date, on_date) -> bool:
    """Đủ 18 tuổi đến đủ 60 tuổi (tính theo tháng) vào ngày chi bộ xét kết nạp.

    True when the person is 18 to 60 full years old counted in months on ``on_date``
    (the branch meeting): 216 to 720 whole months.
    """
    return MIN_AGE_MONTHS <= age_in_months(birth_date, on_date) <= MAX_AGE_MONTHS


def eighteenth_birthday(birth_date) -> str:
    """Ngày tròn 18 tuổi (ISO). The 18th birthday, the first day of eligibility.

    Born on 29 February: 28 February, as 18 years later is never a leap year (the last
    day of the month, as the Civil Code ends periods counted in months).
    """
    return workdays.add_months(_date(birth_date, "birth_date"), MIN_AGE_MONTHS).isoformat()


def certificate_valid(certificate_date, on_date) -> bool:
    """Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng còn giá trị (60 tháng) vào on_date.

    True while ``certificate_date <= on_date < certificate_date + 60 months``; a
    date before the certificate was issued is not covered by it.
    """
    issued, on = _date(certificate_date, "certificate_date"), _date(on_date, "on_date")
    return issued <= on < workdays.add_months(issued, CERTIFICATE_MONTHS)


def two_thirds(votes_for, total) -> bool:
    """Đạt ít nhất hai phần ba (≥ 2/3) tổng số (đảng viên chính thức / cấp ủy viên).

    True when ``votes_for * 3 >= total * 2``; ``total`` is all official members of the
    body, not those present, and must be positive.
    """
    votes, total = _int(votes_for, "votes_for"), _int(total, "total")
    if total <= 0:
        raise ValueError(f"total must be positive, not {total}")
    if not 0 <= votes <= total:
        raise ValueError(f"votes_for must be between 0 and total ({total}), not {votes}")
    return votes * 3 >= total * 2


MAX_VOTE_ROUNDS = 3


def vote_result(votes_for, votes_against, total, rounds) -> str:
    """Kết quả một lần biểu quyết: "passed", "rejected", "again" hoặc "refer".

    ``passed``: at least two thirds of all ``total`` members for; ``rejected``: at least
    two thirds against; otherwise undecided: ``again`` (vote again) until the third
    vote (``rounds`` counts this one), then ``refer``: the upper committee decides.
    """
    if two_thirds(votes_for, total):
        return "passed"
    if two_thirds(votes_against, total):
        return "rejected"
    return "refer" if _int(rounds, "rounds") >= MAX_VOTE_ROUNDS else "again"


def _workday_count(value: Any) -> int:
    n = _int(value, "n")
    if abs(n) > workdays.MAX_WORKDAYS:
        raise ValueError(
            f"n must be at most {workdays.MAX_WORKDAYS:,} working days either way, not {n:,}"
        )
    return n


def add_workdays(start_date, n) -> str:
    """Ngày làm việc thứ n sau ngày start_date (ISO), bỏ thứ Bảy, Chủ nhật, ngày lễ, Tết.

    The n-th Vietnamese working day after ``start_date`` (not counting it); n is at
    most 10,000 either way (about forty years).
    """
    day = workdays.default_calendar.add_workdays(_date(start_date, "start_date"), _workday_count(n))
    return day.isoformat()


def workday_deadline(start_date, n) -> str:
    """Hạn chót: 23:59 (giờ Việt Nam) của ngày làm việc thứ n sau start_date.

    ISO datetime for a BPMN timeDate timer: 23:59 in Vietnam on the n-th working
    day after ``start_date``, e.g. '2025-03-14T23:59:00+07:00'.
    """
    day = date.fromisoformat(add_workdays(start_date, n))
    return datetime.combine(day, time(23, 59), VIETNAM).isoformat()


def add_months(start_date, n) -> str:
    """Cộng n tháng (ISO); ngày cuối tháng nếu tháng đích không có ngày đó.

    ``start_date`` plus ``n`` calendar months, clamped to the month's last day.
    """
    return workdays.add_months(_date(start_date, "start_date"), _int(n, "n")).isoformat()


def date_at_start(day) -> str:
    """Thời điểm 00:00 (giờ Việt Nam) của ngày day, cho bộ hẹn giờ chờ đến một ngày.

    ISO datetime at the start of ``day`` in Vietnam, for a timer that waits until a
    date, e.g. the 18th birthday: '2026-05-10T00:00:00+07:00'.
    """
    return datetime.combine(_date(day, "day"), time(0, 0), VIETNAM).isoformat()


def today() -> str:
    """Hôm nay (ISO 'YYYY-MM-DD') theo giờ Việt Nam, theo đồng hồ của hệ thống.

    The day in Vietnam by the engine's clock (``engine.clock.now()``), not the
    machine's: tests and simulations move that clock, and every age, validity and
    deadline check in a diagram must move with it.
    """
    return clock.now().astimezone(VIETNAM).date().isoformat()


def vote_problems(total, votes_for, votes_against, meeting_date) -> list[str]:
    """Những điểm không hợp lệ của biên bản biểu quyết (tiếng Việt), rỗng nếu hợp lệ.

    Problems with a vote as entered, in Vietnamese, for forms: the body must have
    members, the votes for and against cannot exceed all its members (``total`` is
    all official members, not those present), and the meeting cannot be later than
    ``today()``.
    """
    total = _int(total, "total")
    votes_for, votes_against = _int(votes_for, "votes_for"), _int(votes_against, "votes_against")
    problems = []
    if total <= 0:
        problems.append("Tổng số đảng viên chính thức (thành viên) phải lớn hơn 0.")
    if votes_for < 0 or votes_against < 0:
        problems.append("Số phiếu không được âm.")
    elif votes_for + votes_against > total:
        problems.append(
            f"Số tán thành ({votes_for}) cộng số không tán thành ({votes_against}) "
            f"vượt quá tổng số đảng viên chính thức ({total})."
        )
    meeting = _date(meeting_date, "meeting_date")
    if meeting.isoformat() > today():
        problems.append(f"Ngày họp {meeting:%d/%m/%Y} chưa đến.")
    return problems


def _place_key(relative: dict, name: Any) -> tuple[str, str]:
    """Where ``relative`` is verified: ("tree", unit code), or (kind, the address the
    letter goes to) for a place outside the tree (another province, abroad through the
    competent body, an agency's party committee, a member sent in person)."""
    kind = str(relative.get("place_kind") or TREE_PLACE)
    if kind == TREE_PLACE:
        code = str(relative.get("place_unit") or "").strip()
        if not code:
            raise ValueError(f"no place (unit code) given for {name!r}")
        return TREE_PLACE, code
    address = str(relative.get("place_outside") or "").strip()
    if not address:
        raise ValueError(f"no place outside the tree given for {name!r}")
    return kind, address


def _place(key: tuple[str, str], people: list[str]) -> dict:
    kind, where = key
    if kind == TREE_PLACE:
        return {"unit": where, "people": people}
    return {"unit": None, "outside": kind, "address": where, "people": people}


def verification_places(full_name, residence_unit, relatives, fully_declared) -> list[dict]:
    """Các nơi phải thẩm tra lý lịch: nơi cư trú của người vào Đảng và của người thân.

    One entry per distinct place, in the order given: {"unit": code, "people": [names]}
    for a unit of the tree; {"unit": None, "outside": kind, "address": text, "people":
    [names]} for a place outside it (a relative's ``place_kind`` other than "tree",
    with ``place_outside``), which the sending committee verifies by letter. A relative
    who is a party member is not verified when the personal history is fully declared
    (``fully_declared``); when that holds for every relative listed, nothing is
    verified and the result is [] (the exemption of Hướng dẫn 12-HD/BTCTW). Each
    relative: {"full_name": str, "party_member": bool, "place_unit": code,
    "place_kind": str, "place_outside": str}.
    """
    if not isinstance(relatives, list) or not all(isinstance(r, dict) for r in relatives):
        raise ValueError("relatives must be a list of objects")
    exempt = [fully_declared is True and r.get("party_member") is True for r in relatives]
    if relatives and all(exempt):
        return []
    places: dict[tuple[str, str], list[str]] = {}
    people = [({"place_unit": residence_unit}, full_name)] + [
        (r, r.get("full_name")) for r, skip in zip(relatives, exempt, strict=False) if not skip
    ]
    for where, name in people:
        places.setdefault(_place_key(where, name), []).append(str(name or "").strip())
    return [_place(key, names) for key, names in places.items()]


def special_reviews(full_name, religion, relatives, relatives_abroad, political_questions) -> list:
    """Các nội dung phải xin ý kiến cơ quan có thẩm quyền (bảo vệ chính trị nội bộ).

    The extra verifications the personal history calls for, as places outside the tree
    that the sending committee writes to, one per reason: a religious follower
    (``religion`` other than "none"), relatives abroad (declared, or a relative whose
    place is abroad), political-history questions (``political_questions``). Each:
    {"unit": None, "outside": "competent_body", "about": reason, "address": the body,
    "people": [full_name]}.
    """
    if not isinstance(relatives, list) or not all(isinstance(r, dict) for r in relatives):
        raise ValueError("relatives must be a list of objects")
    abroad = relatives_abroad is True or any(r.get("place_kind") == "abroad" for r in relatives)
    reasons = [
        ("religion", religion not in (None, "", "none")),
        ("relatives_abroad", abroad),
        ("political_history", political_questions is True),
    ]
    name = str(full_name or "").strip()
    return [
        {
            "unit": None,
            "outside": COMPETENT_BODY,
            "about": reason,
            "address": REVIEW_BODIES[reason],
            "people": [name],
        }
        for reason, needed in reasons
        if needed
    ]


def age_allowed(birth_date, on_date, over_age_consent) -> bool:
    """Tuổi hợp lệ vào ngày chi bộ họp: đủ 18 đến đủ 60 tuổi, hoặc trên 60 tuổi khi Ban
    Thường vụ tỉnh ủy (tương đương) đã đồng ý bằng văn bản (``over_age_consent``)."""
    months = age_in_months(birth_date, on_date)
    if months > MAX_AGE_MONTHS:
        return over_age_consent == "given"
    return months >= MIN_AGE_MONTHS


# What one call costs a diagram's evaluation, in sandbox steps (engine/registry.py): its
# worst case as bench/functions.py measures it, at most a loop step's time per step on
# a loaded machine. Working days cost most: the first use of a year builds its holidays
# (1 to 6 ms), so a call is priced for every year it may span, as if none were built.
_YEAR_STEPS = 1_300
_WORKDAYS_A_YEAR = 240  # fewer than any year has


def _items(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple, dict, str)) else 1


def _workday_steps(start_date: Any, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or abs(n) > workdays.MAX_WORKDAYS:
        return 1  # refused by the function itself, before any year is built
    return _YEAR_STEPS * (2 + abs(n) // _WORKDAYS_A_YEAR)


COSTS: dict[str, Cost] = {
    "age_in_months": 5,
    "full_years": 5,
    "age_eligible": 5,
    "eighteenth_birthday": 5,
    "certificate_valid": 5,
    "two_thirds": 1,
    "vote_result": 3,
    "add_workdays": _workday_steps,
    "workday_deadline": _workday_steps,
    "add_months": 5,
    "date_at_start": 3,
    "today": 3,
    "vote_problems": 6,
    "verification_places": lambda full_name, residence_unit, relatives, fully_declared: (
        5 + 3 * _items(relatives)
    ),
    "special_reviews": lambda full_name, religion, relatives, abroad, questions: (
        5 + _items(relatives)
    ),
    "age_allowed": 5,
}

FUNCTIONS = (
    age_in_months,
    full_years,
    age_eligible,
    eighteenth_birthday,
    certificate_valid,
    two_thirds,
    vote_result,
    add_workdays,
    workday_deadline,
    add_months,
    date_at_start,
    today,
    vote_problems,
    verification_places,
    special_reviews,
    age_allowed,
)


def register(target: Registry = registry) -> None:
    """Register the rule functions under their own names (safe to call again)."""
    for fn in FUNCTIONS:  # a function without a cost here gets the default (a test says so)
        target.function(cost=COSTS.get(fn.__name__, DEFAULT_COST))(fn)


register()
