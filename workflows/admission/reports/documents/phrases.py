"""Sentences several forms share: who the candidate is, how a vote went, when a
meeting's figures pass (two thirds of all members, procedure.md steps 7, 8 and 15)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...vocabulary import EDUCATION_LEVELS, GENDERS, RELIGIONS
from .bodies import Bodies
from .model import BLANK, long_date, percent, text


def person(data: Mapping[str, Any], bodies: Bodies) -> str:
    """Who the candidate is, as the forms introduce them (the lines of Mẫu 2-KNĐ they
    repeat: birth, gender, ethnicity, hometown, residence, occupation, education)."""
    return (
        f"{text(data.get('full_name'))}, sinh {long_date(data.get('birth_date'))}, "
        f"giới tính: {GENDERS.get(str(data.get('gender')), BLANK)}, "
        f"dân tộc: {text(data.get('ethnicity'))}, "
        f"tôn giáo: {RELIGIONS.get(str(data.get('religion')), BLANK)}, "
        f"quê quán: {text(data.get('hometown'))}, nơi cư trú: {bodies.residence}, "
        f"nghề nghiệp: {text(data.get('occupation'))}, trình độ giáo dục phổ thông: "
        f"{EDUCATION_LEVELS.get(str(data.get('education_level')), BLANK).lower()}"
    )


def count(data: Mapping[str, Any], key: str) -> int:
    try:
        return int(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def passed(data: Mapping[str, Any], votes_for: str, members: str) -> bool:
    """At least two thirds of all ``members`` voted for."""
    whole = count(data, members)
    return whole > 0 and count(data, votes_for) * 3 >= whole * 2


def tally(data: Mapping[str, Any], keys: tuple[str, str, str], who: str, act: str) -> str:
    """ "Số đảng viên chính thức tán thành việc …: 8/9 đồng chí (88,9 % …); không tán
    thành: 1/9 đồng chí (11,1 %)." ``keys``: for, against, members; ``who`` counted."""
    votes_for, against, members = (count(data, key) for key in keys)
    return (
        f"Số {who} tán thành {act} là {votes_for}/{members} đồng chí "
        f"({percent(votes_for, members)} so với tổng số {who}); số không tán thành là "
        f"{against}/{members} đồng chí ({percent(against, members)})."
    )


def introducer_names(data: Mapping[str, Any]) -> str:
    names = [text(i.get("name")) for i in data.get("introducers") or [] if isinstance(i, dict)]
    return ", ".join(names) or BLANK


def meeting(data: Mapping[str, Any], members: int, prefix: str) -> str:
    """Attendance, chair and secretary of a branch meeting (``prefix``: "recognition_"
    for the recognition vote's fields)."""
    present = data.get(f"{prefix}members_present")
    attendance = (
        f"có mặt {count(data, f'{prefix}members_present')}/{members} đồng chí, vắng mặt "
        f"{max(members - count(data, f'{prefix}members_present'), 0)} đồng chí"
        if present not in (None, "")
        else f"có mặt {BLANK} đồng chí, vắng mặt {BLANK} đồng chí"
    )
    return (
        f"Tổng số đảng viên chính thức của chi bộ: {members} đồng chí; {attendance}. "
        f"Chủ trì hội nghị: {text(data.get(f'{prefix}chair_name'))}; thư ký hội nghị: "
        f"{text(data.get(f'{prefix}secretary_name'))}."
    )


def against_reasons(data: Mapping[str, Any], prefix: str) -> str:
    reasons = data.get(f"{prefix}against_reasons")
    return f" Lý do không tán thành: {text(reasons)}" if reasons else ""
