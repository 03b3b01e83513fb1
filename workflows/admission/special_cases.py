"""Conditions of the special cases that the start data and the personal history must
meet before anything is stored (procedure.md, "Special cases"): a re-admission (at
least 36 months after leaving, once only, none of the exclusions), an enterprise owner
(the conditions declared), political-history questions (what must be clarified), and
the letters of the special steps, which cannot be dated after today.

Each function answers with field errors ({field: [Vietnamese text]}, {} when fine), as
``candidate`` does. Being over 60 is no condition of the start: the case waits at the
branch vote for the province's consent (admission.bpmn, ``province_consent``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine import workdays

from . import rules
from .vocabulary import N_

#: A re-admission is considered at least this long after leaving the party (QĐ 294).
READMISSION_MONTHS = 36
OWNER_CATEGORY = "enterprise_manager"

REQUIRED = N_("Bắt buộc nhập khi kết nạp lại.")
TOO_SOON = N_(
    "Chỉ xem xét kết nạp lại sau ít nhất 36 tháng kể từ ngày ra khỏi Đảng "
    "(sớm nhất ngày %(earliest)s)."
)
NOT_BEFORE_LEAVING = N_("Ngày vào Đảng lần trước phải trước ngày ra khỏi Đảng.")
ONCE_ONLY = N_("Người đã được kết nạp lại một lần thì không xem xét kết nạp lại lần nữa.")
EXCLUDED = N_(
    "Chỉ xem xét kết nạp lại khi người vào Đảng không thuộc các trường hợp không xem xét "
    "kết nạp lại: hãy xác nhận."
)
OWNER_CONDITIONS = N_("Chủ doanh nghiệp phải cam kết đủ các điều kiện được kết nạp.")
OWNER_CATEGORY_NEEDED = N_(
    'Chủ doanh nghiệp thuộc đối tượng "Chủ doanh nghiệp, cán bộ quản lý doanh nghiệp '
    'không có vốn Nhà nước".'
)
POLITICAL_NOTE = N_("Hãy ghi vấn đề về lịch sử chính trị cần làm rõ.")
NOT_AFTER_TODAY = N_("Ngày này không được sau hôm nay.")


def _day(value: Any) -> date | None:
    """A date of the data: an ISO string (start data) or a date (a page's schema)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def readmission_errors(data: Mapping[str, Any], today: date) -> dict[str, list[str]]:
    """The conditions of a re-admission (``readmission``), checked on ``today``."""
    if data.get("readmission") is not True:
        return {}
    errors: dict[str, list[str]] = {
        field: [REQUIRED]
        for field in ("earlier_admission_date", "left_party_date", "left_party_reason")
        if not data.get(field)
    }
    left = _day(data.get("left_party_date"))
    if left:
        earliest = workdays.add_months(left, READMISSION_MONTHS)
        if today < earliest:
            errors["left_party_date"] = [TOO_SOON % {"earliest": f"{earliest:%d/%m/%Y}"}]
        earlier = _day(data.get("earlier_admission_date"))
        if earlier and earlier >= left:
            errors["earlier_admission_date"] = [NOT_BEFORE_LEAVING]
    if data.get("earlier_readmission") is True:
        errors["earlier_readmission"] = [ONCE_ONLY]
    if data.get("readmission_no_exclusion") is not True:
        errors["readmission_no_exclusion"] = [EXCLUDED]
    return errors


def owner_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """An enterprise owner is of the owners' category and declares its conditions."""
    if data.get("enterprise_owner") is not True:
        return {}
    errors: dict[str, list[str]] = {}
    if data.get("category") != OWNER_CATEGORY:
        errors["category"] = [OWNER_CATEGORY_NEEDED]
    if data.get("owner_conditions_declared") is not True:
        errors["owner_conditions_declared"] = [OWNER_CONDITIONS]
    return errors


def political_history_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Political-history questions say what is to be clarified."""
    if data.get("political_history_questions") is True and not data.get("political_history_note"):
        return {"political_history_note": [POLITICAL_NOTE]}
    return {}


def dated_by_today(data: Mapping[str, Any], *fields: str) -> dict[str, list[str]]:
    """A letter already written (a consent, a verification request) is dated by today."""
    today = date.fromisoformat(rules.today())
    return {
        field: [NOT_AFTER_TODAY]
        for field in fields
        if (day := _day(data.get(field))) is not None and day > today
    }


def start_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The special cases' conditions of the start data, on the engine clock's day."""
    today = date.fromisoformat(rules.today())
    return {**readmission_errors(data, today), **owner_errors(data)}
