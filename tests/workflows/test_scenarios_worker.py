"""Scenarios of workers of enterprises without state capital: with a party organisation
(its branch handles the case) and without one (the ward of residence assigns a
residential branch, plan section 2.9); and the upper committee's deadline."""

from __future__ import annotations

from datetime import date

from engine import audit
from engine.cases import unit_of_work
from workflows.admission import rules

from .scenario import (
    AFTER_BRANCH_VOTE,
    LONE_WORKER,
    TO_BRANCH_VOTE,
    WORKER,
    Case,
    advance_to,
    today,
    workdays_after,
)

UNION_AND_MEMBER = [
    {"kind": "trade_union", "name": "Ban Chấp hành Công đoàn cơ sở Công ty Langbiang"},
    {"kind": "member", "name": "Vũ Đình Khoa", "official": True, "months_known": 30},
]


def test_worker_of_an_enterprise_with_a_party_branch(world):
    case = Case(world, WORKER)
    assert case.open() == [("accept_sympathiser", "DN-LB")]
    case.walk("accept_sympathiser", "attend_class", "application")
    assert case.open() == [
        ("introduction", "DN-LB"),
        ("mass_org_opinion", "CD-DN-LB"),
        ("send_verification", "DN-LB"),
    ]
    case.walk("send_verification")
    assert ("verify_place", "P2") in case.open()
    case.do("introduction", introducers=UNION_AND_MEMBER)
    case.walk("verify_place", "certify_history", "mass_org_opinion")
    assert case.open() == [("residence_opinion", "P2")]
    case.walk("residence_opinion", "branch_vote")
    assert case.open() == [("grassroots_vote", "DN-LB")]
    case.walk(*AFTER_BRANCH_VOTE)
    row = case.row
    assert row.data["outcome"] == "admitted" and row.category == "enterprise_worker"
    assert case.open() == [("member_record", "DN-LB")]


def test_worker_of_an_enterprise_without_a_party_organisation(world):
    case = Case(world, LONE_WORKER)
    row = case.row
    assert row.unit == "P3" and row.data["branch"] is None
    assert case.open() == [("assign_branch", "P3")]
    case.do("assign_branch", branch="P3-KP1")
    row = case.row
    assert row.unit == "P3-KP1" and row.data["helper_name"] == "Nguyễn Văn Thắng"
    assert case.open() == [("attend_class", "TTCT-DL")]
    case.walk("attend_class")
    assert case.open() == [("application", "P3-KP1")]
    case.walk("application")
    # The ward committee is the grassroots committee of its residential branch.
    assert case.open() == [
        ("introduction", "P3-KP1"),
        ("mass_org_opinion", "CD-DN-MX"),
        ("send_verification", "P3"),
    ]
    case.walk(*TO_BRANCH_VOTE[3:])
    assert case.open() == [("branch_vote", "P3-KP1")]
    case.do("branch_vote")
    assert case.open() == [("grassroots_vote", "P3")]
    case.do("grassroots_vote")
    assert case.open() == [("appraisal", "BTC-DL")]
    case.walk("appraisal", "decide")
    assert case.open() == [("ceremony", "P3-KP1")]


def test_worker_without_any_mass_organisation_has_no_opinion_step(world):
    case = Case(
        world, {**LONE_WORKER, "enterprise": "DN-RS", "proposer_unit": None, "residence_unit": "P1"}
    )
    case.do("assign_branch", branch="P1-KP2")
    case.walk("attend_class", "application")
    assert case.open() == [
        ("introduction", "P1-KP2"),
        ("residence_opinion", "P1"),
        ("send_verification", "P1"),
    ]


def test_grassroots_vote_below_two_thirds_is_not_admitted(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote")
    case.do(
        "grassroots_vote", committee_members=7, grassroots_votes_for=4, grassroots_votes_against=3
    )
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert "cấp ủy viên" in row.data["not_admitted_reason"]


def test_upper_committee_refuses(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal")
    case.do("decide", decision="refuse", decision_note="Chưa đủ tiêu chuẩn.")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert case.open() == []


def test_decision_overrun_escalates_to_the_organisation_board(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal")
    meeting = case.row.data["meeting_date"]
    deadline = workdays_after(meeting, 60)
    assert case.open() == [("decide", "BTV-DL")] and case.due("decide") == deadline
    assert case.row.next_due_at.isoformat() == rules.workday_deadline(meeting, 60).replace(
        "T23:59:00+07:00", "T16:59:00+00:00"
    )
    assert advance_to(world, deadline) == 0  # due that day, not yet overdue
    assert case.open() == [("decide", "BTV-DL")]
    assert advance_to(world, date.fromordinal(deadline.toordinal() + 1)) == 1
    assert case.open() == [("decide", "BTV-DL"), ("escalate", "BTC-DL")]
    assert case.row.status == "active"
    # The decision closes the follow-up with it.
    case.do("decide")
    assert case.open() == [("ceremony", "DN-LB")]
    [escalation] = [item for item in case.items() if item.step == "escalate"]
    assert escalation.status == "cancelled"
    assert case.due("ceremony") == workdays_after(today(), 30)


def test_escalation_done_before_the_late_decision(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal")
    advance_to(world, date(2025, 12, 15))
    case.do("escalate")
    assert case.open() == [("decide", "BTV-DL")]
    case.do("decide")
    assert case.open() == [("ceremony", "DN-LB")]
    with unit_of_work(world) as session:
        kinds = [event.kind for event in audit.history(session, case.id)]
    assert kinds.count("timer_fired") == 1
