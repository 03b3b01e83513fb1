"""The dates a submission must keep to, checked on submit (a 422 with field errors):
an extension of the decision's deadline, and the date of the admission ceremony.

The decision is due ``decision_deadline`` (60 working days after the branch resolution,
30 at recognition); one extension of at most 30 working days moves ``decision_due``
(the due date of the open decision task moves with it). The ceremony lies between the
decision and today (procedure.md, steps 10, 11 and 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import rules

EXTENSION_WORKDAYS = 30


def _day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and value else None


def extension_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The new due date lies after the deadline and at most 30 working days after it."""
    deadline, due = _day(data.get("decision_deadline")), _day(data.get("decision_due"))
    if deadline is None or due is None:
        return {}
    latest = rules.add_workdays(deadline, EXTENSION_WORKDAYS)
    if due <= deadline:
        return {"decision_due": [f"Hạn mới phải sau hạn hiện tại ({_shown(deadline)})."]}
    if due > latest:
        return {
            "decision_due": [
                f"Chỉ được gia hạn một lần, không quá {EXTENSION_WORKDAYS} ngày làm việc: "
                f"hạn mới chậm nhất là {_shown(latest)}."
            ]
        }
    return {}


def ceremony_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The ceremony is not before the admission decision and not in the future."""
    held, decided = _day(data.get("ceremony_date")), _day(data.get("decision_date"))
    if held is None:
        return {}
    if decided is not None and held < decided:
        return {
            "ceremony_date": [
                f"Lễ kết nạp không thể trước ngày quyết định kết nạp ({_shown(decided)})."
            ]
        }
    if held > rules.today():
        return {"ceremony_date": ["Ngày tổ chức lễ kết nạp chưa đến."]}
    return {}


def _shown(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
