"""Scenarios of probation: 12 months from the ceremony, then recognition or removal;
three branch votes without two thirds either way go to the upper committee."""

from __future__ import annotations

from .scenario import (
    AFTER_BRANCH_VOTE,
    TO_BRANCH_VOTE,
    WORKER,
    Case,
    through_probation,
    today,
    workdays_after,
)


def admitted(world) -> Case:
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", *AFTER_BRANCH_VOTE)
    assert case.open() == [("member_record", "DN-LB")]
    assert case.due("member_record") == workdays_after(today(), 30)
    return case


def test_probation_to_recognition(world):
    case = admitted(world)
    through_probation(case)
    probation_end = case.row.data["probation_end"]
    assert case.due("recognition_file") == workdays_after(probation_end, 30)
    case.do("recognition_file")
    assert case.open() == [("recognition_vote", "DN-LB")]
    assert case.due("recognition_vote") == workdays_after(probation_end, 30)
    case.do("recognition_vote")
    # A chi bộ cơ sở: no grassroots vote; the decision counts from the branch meeting.
    resolution = case.row.data["recognition_meeting_date"]
    assert case.open() == [("recognition_decide", "BTV-DL")]
    assert case.due("recognition_decide") == workdays_after(resolution, 30)
    case.do("recognition_decide")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "recognised")
    # Official from the end of the 12 months, whenever the decision came.
    assert row.data["official_since"] == probation_end
    assert row.data["recognition_votes"][0]["for"] == 9


def test_probation_to_removal(world):
    case = admitted(world)
    through_probation(case)
    case.do("recognition_file")
    case.do("recognition_vote", recognition_votes_for=1, recognition_votes_against=8)
    assert case.task_data("recognition_decide")["recognition_proposal"] == "remove"
    case.do(
        "recognition_decide",
        recognition_decision="remove",
        recognition_decision_note="Không đủ tư cách đảng viên.",
    )
    row = case.row
    assert (row.status, row.outcome) == ("closed", "removed")
    assert "official_since" not in row.data and case.open() == []


def test_three_votes_without_two_thirds_go_to_the_upper_committee(world):
    case = admitted(world)
    through_probation(case)
    case.do("recognition_file")
    for round_ in (1, 2):
        case.do("recognition_vote", recognition_votes_for=5, recognition_votes_against=4)
        assert case.open() == [("recognition_vote", "DN-LB")]
        notice = case.task_data("recognition_vote")["recognition_vote_notice"]
        assert f"thứ {round_}" in notice
    case.do("recognition_vote", recognition_votes_for=4, recognition_votes_against=5)
    assert case.open() == [("recognition_decide", "BTV-DL")]
    decide = case.task_data("recognition_decide")
    assert len(decide["recognition_votes"]) == 3 and "ba lần" in decide["referral_note"]
    case.do("recognition_decide")
    assert (case.row.status, case.row.outcome) == ("closed", "recognised")


def test_recognition_vote_before_the_end_of_probation_is_refused(world):
    case = admitted(world)
    through_probation(case)
    case.do("recognition_file")
    case.do("recognition_vote", recognition_meeting_date="2026-09-01")
    assert case.open() == [("recognition_vote", "DN-LB")]
    assert "12 tháng" in case.task_data("recognition_vote")["recognition_vote_notice"]
