"""Scenarios of the introductions: the route follows from the candidate and the tree,
and an introduction off it is refused on submit with field errors, changing nothing."""

from __future__ import annotations

import pytest

from engine import audit
from engine.cases import unit_of_work
from engine.errors import InvalidData

from .scenario import LONE_WORKER, STUDENT, WORKER, Case

PHUC = {"kind": "member", "name": "Lê Văn Phúc", "official": True, "months_known": 24}
LAN = {"kind": "member", "name": "Phạm Thị Ngọc Lan", "official": True, "months_known": 30}
YOUTH_UNION = {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường THPT Trần Phú"}
TRADE_UNION = {"kind": "trade_union", "name": "Ban Chấp hành Công đoàn cơ sở Công ty Mứt Xưa"}


def _events(case: Case) -> int:
    with unit_of_work(case.factory) as session:
        return len(audit.history(session, case.id))


def refused(case: Case, step: str = "introduction", **overrides) -> dict:
    """Submit ``step``; assert it was refused and changed nothing; return the errors."""
    before, data, events = case.open(), case.row.data, _events(case)
    with pytest.raises(InvalidData) as err:
        case.do(step, **overrides)
    assert (case.open(), case.row.data, _events(case)) == (before, data, events)
    return err.value.fields


def at_introduction(world, person: dict) -> Case:
    case = Case(world, person)
    if person.get("enterprise"):
        case.do("assign_branch", branch="P3-KP1")
    else:
        case.do("accept_sympathiser")
    case.walk("attend_class", "application")
    return case


def test_youth_union_student_introduced_by_two_members_is_refused(world):
    case = at_introduction(world, STUDENT)
    errors = refused(case, introducers=[PHUC, LAN])
    [message] = errors["introducers"]["_schema"]
    assert "độ tuổi thanh niên (18 tuổi)" in message and "Đoàn trường THPT Trần Phú" in message
    assert "Ban Chấp hành Đoàn cơ sở" in message
    # The Youth Union committee and one official member: accepted, the branch goes on.
    case.do("introduction", introducers=[YOUTH_UNION, PHUC])
    assert ("introduction", "THPT-TP") not in case.open()
    assert case.row.data["introducers"][0]["kind"] == "youth_union"


def test_youth_age_where_there_is_a_youth_union_needs_a_member_of_it(world):
    case = at_introduction(world, STUDENT)
    errors = refused(case, youth_union_member=False, introducers=[YOUTH_UNION, PHUC])
    assert "phải là đoàn viên" in errors["youth_union_member"][0]


def test_member_introducers_are_official_and_known_for_twelve_months(world):
    case = at_introduction(world, STUDENT)
    errors = refused(
        case,
        introducers=[YOUTH_UNION, {**PHUC, "official": False, "months_known": 8}],
    )
    assert errors["introducers"] == {
        1: {
            "official": [
                "Phải là đảng viên chính thức; đảng viên dự bị không được giới thiệu "
                "người vào Đảng."
            ],
            "months_known": [
                "Phải cùng công tác, học tập hoặc sinh sống với người vào Đảng ít nhất 12 "
                "tháng (đang ghi 8), trừ đảng viên được chi bộ phân công giới thiệu thay."
            ],
        }
    }
    # A replacement the branch assigned is exempt from the 12 months.
    case.do(
        "introduction", introducers=[YOUTH_UNION, {**PHUC, "months_known": 2, "replacement": True}]
    )
    assert ("introduction", "THPT-TP") not in case.open()


def test_introduction_dated_in_the_future_is_refused(world):
    case = at_introduction(world, STUDENT)
    errors = refused(case, introduction_date="2030-01-01")
    assert errors == {"introduction_date": ["Ngày giới thiệu không được sau hôm nay."]}


def test_worker_of_an_enterprise_without_youth_union_by_the_trade_union(world):
    case = at_introduction(world, LONE_WORKER)
    assert ("introduction", "P3-KP1") in case.open()
    # Not the Youth Union (the enterprise has none), not two members: the Trade Union.
    message = refused(case, introducers=[PHUC, LAN])["introducers"]["_schema"][0]
    assert "Công ty TNHH Mứt Đà Lạt Xưa không có tổ chức Đoàn" in message
    assert "Ban Chấp hành Công đoàn cơ sở và một đảng viên chính thức" in message
    refused(case, introducers=[{**YOUTH_UNION, "name": "Chi đoàn"}, PHUC])
    case.do("introduction", introducers=[TRADE_UNION, PHUC])
    assert ("introduction", "P3-KP1") not in case.open()


def test_worker_who_is_no_union_member_is_introduced_by_two_members(world):
    case = at_introduction(world, {**LONE_WORKER, "trade_union_member": False})
    refused(case, introducers=[TRADE_UNION, PHUC])
    case.do("introduction", introducers=[PHUC, LAN])
    assert ("introduction", "P3-KP1") not in case.open()


def test_no_trade_union_route_where_the_enterprise_has_a_youth_union(world):
    case = Case(world, WORKER)
    case.walk("accept_sympathiser", "attend_class", "application")
    message = refused(case, introducers=[TRADE_UNION, PHUC])["introducers"]["_schema"][0]
    assert "Chi đoàn Công ty Cổ phần Nông nghiệp Công nghệ cao Langbiang" in message
    case.do("introduction")  # the Youth Union and one member, as for its members
    assert ("introduction", "DN-LB") not in case.open()


def test_the_introduction_records_the_memberships_it_was_checked_with(world):
    case = at_introduction(world, LONE_WORKER)
    case.do("introduction", trade_union_member=False, introducers=[PHUC, LAN])
    assert case.row.data["trade_union_member"] is False
