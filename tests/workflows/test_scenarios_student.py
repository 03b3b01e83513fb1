"""Scenarios of the high-school student path: the school's Youth Union proposes, the
school's branch handles the case, and the branch vote waits for the 18th birthday."""

from __future__ import annotations

from datetime import UTC, date, datetime

from workflows.admission import voting

from .scenario import (
    AFTER_BRANCH_VOTE,
    STUDENT,
    TO_BRANCH_VOTE,
    Case,
    advance_to,
    deploy_changed,
    today,
    workdays_after,
)


def test_student_is_admitted_step_by_step(world):
    case = Case(world, STUDENT)
    assert case.row.unit == "THPT-TP" and case.row.status == "active"
    assert case.open() == [("accept_sympathiser", "THPT-TP")]
    case.do("accept_sympathiser")
    assert case.open() == [("attend_class", "TTCT-DL")]
    case.do("attend_class")
    assert case.open() == [("application", "THPT-TP")]
    case.do("application")
    # Three things in parallel: verification, introductions, opinions.
    assert case.open() == [
        ("introduction", "THPT-TP"),
        ("mass_org_opinion", "DT-THPT-TP"),
        ("send_verification", "THPT-TP"),
    ]
    case.walk("send_verification")
    # The family lives in Khu phố 1, so Phường 1's committee answers.
    assert ("verify_place", "P1") in case.open()
    case.walk("verify_place", "certify_history", "introduction", "mass_org_opinion")
    assert case.open() == [("residence_opinion", "P1")]
    case.do("residence_opinion")
    assert case.open() == [("branch_vote", "THPT-TP")]
    assert case.due("branch_vote") is None

    case.do("branch_vote")
    # A chi bộ cơ sở: its resolution goes straight to the upper committee.
    assert case.open() == [("appraisal", "BTC-DL")]
    assert case.row.data["needs_grassroots_vote"] is False
    # The steps before the decision carry its deadline: 60 working days from the meeting.
    assert case.due("appraisal") == workdays_after(today(), 60)
    case.do("appraisal")
    assert case.open() == [("decide", "BTV-DL")]
    assert case.due("decide") == workdays_after(today(), 60)  # from the branch meeting
    case.do("decide")
    row = case.row
    assert row.status == "active" and row.outcome is None
    assert row.data["outcome"] == "admitted" and row.data["decision_date"] == "2025-09-08"
    assert case.open() == [("ceremony", "THPT-TP")]
    assert case.due("ceremony") == workdays_after(today(), 30)
    case.do("ceremony")
    assert case.open() == [("member_record", "THPT-TP")]
    assert case.row.data["probation_end"] == "2026-09-08"


def test_younger_student_waits_until_the_18th_birthday(world):
    case = Case(world, {**STUDENT, "birth_date": "2008-01-20"})
    case.walk(*TO_BRANCH_VOTE)
    row = case.row
    assert case.open() == [] and row.status == "waiting"
    assert row.data["waiting_until"] == "2026-01-20"
    assert "18 tuổi" in row.data["waiting_reason"]
    # Midnight in Vietnam on the birthday.
    assert row.next_due_at == datetime(2026, 1, 19, 17, tzinfo=UTC)
    assert advance_to(world, date(2026, 1, 19)) == 0
    assert case.row.status == "waiting"
    assert advance_to(world, date(2026, 1, 20)) == 1
    row = case.row
    assert case.open() == [("branch_vote", "THPT-TP")]
    assert row.status == "active" and row.data["waiting_until"] is None
    assert row.next_due_at is None
    # A meeting held before the birthday would not count.
    case.do("branch_vote", meeting_date="2026-01-19")
    assert case.open() == [("branch_vote", "THPT-TP")]
    assert "chưa đủ 18 tuổi" in case.row.data["branch_vote_problems"]
    case.do("branch_vote")
    assert case.open() == [("appraisal", "BTC-DL")]


def test_expired_certificate_means_the_class_again(world):
    case = Case(world, STUDENT)
    # Issued 60 months and a day ago: no longer valid.
    case.walk("accept_sympathiser")
    case.do("attend_class", certificate_date="2020-09-07")
    case.walk(*TO_BRANCH_VOTE[2:])
    assert case.open() == [("retake_class", "TTCT-DL")]
    case.do("retake_class")
    assert case.row.data["certificate_date"] == "2025-09-08"
    assert case.open() == [("branch_vote", "THPT-TP")]


def test_certificate_expiring_before_the_meeting(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser")
    case.do("attend_class", certificate_date="2020-09-10")  # valid until 9 September 2025
    case.walk(*TO_BRANCH_VOTE[2:])
    assert case.open() == [("branch_vote", "THPT-TP")]
    advance_to(world, date(2025, 9, 12))
    case.do("branch_vote", meeting_date="2025-09-11")
    assert case.open() == [("retake_class", "TTCT-DL")]
    case.do("retake_class")
    case.do("branch_vote")
    assert case.open() == [("appraisal", "BTC-DL")]


def test_two_thirds_of_all_members_against_is_not_admitted(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", official_members=9, votes_for=2, votes_against=6)
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert "hai phần ba" in row.data["not_admitted_reason"]
    assert case.open() == []


def test_vote_at_exactly_two_thirds_passes(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", official_members=9, votes_for=6, votes_against=1)
    assert case.row.data["branch_vote_result"] == "passed"
    assert case.open() == [("appraisal", "BTC-DL")]


def test_a_vote_below_two_thirds_closes_the_case_by_default(world):
    # procedure.md step 7 [A]: not admitted now; the branch may start a new case later.
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", official_members=9, votes_for=5, votes_against=0)
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert "5/9" in row.data["not_admitted_reason"]
    assert "không đủ hai phần ba" in row.data["not_admitted_reason"]


def branch_votes_again(files) -> None:
    files["admission.bpmn"] = files["admission.bpmn"].replace(
        'ketnap:form="branch_vote"/>',
        f'ketnap:form="branch_vote" ketnap:options="{voting.UNDECIDED_AGAIN}"/>',
    )


def test_three_undecided_branch_votes_go_to_the_upper_committee(world):
    deploy_changed(world, branch_votes_again)  # the [A] setting, as a designer sets it
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE)
    # All five present voted for, but the branch has nine official members: 5/9 < 2/3,
    # and nobody against: undecided, so the branch votes again.
    for round_ in (1, 2):
        case.do("branch_vote", official_members=9, votes_for=5, votes_against=0)
        assert case.open() == [("branch_vote", "THPT-TP")]
        assert f"thứ {round_}" in case.task_data("branch_vote")["branch_vote_problems"]
    case.do("branch_vote", official_members=9, votes_for=4, votes_against=4)
    # The third undecided vote: the upper committee appraises and decides.
    assert case.open() == [("appraisal", "BTC-DL")]
    case.do("appraisal")
    assert "ba lần" in case.task_data("decide")["referral_note"]
    case.do("decide")
    assert case.row.data["outcome"] == "admitted"
    assert case.open() == [("ceremony", "THPT-TP")]


def test_impossible_vote_counts_return_to_the_branch(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", official_members=9, votes_for=7, votes_against=3)
    assert case.open() == [("branch_vote", "THPT-TP")]
    assert "vượt quá" in case.row.data["branch_vote_problems"]
    case.do("branch_vote")
    assert case.row.data["branch_vote_problems"] == ""
    case.walk(*AFTER_BRANCH_VOTE)
    assert case.open() == [("member_record", "THPT-TP")]


def test_student_of_a_school_with_a_party_committee(world):
    case = Case(
        world,
        {
            **STUDENT,
            "branch": "THPT-TL-GV",
            "proposer_unit": "DT-THPT-TL",
            "residence_unit": "P2-KP1",
        },
    )
    case.walk("accept_sympathiser", "attend_class", "application")
    # The school's party committee, not the branch, sends the verification requests.
    assert case.open() == [
        ("introduction", "THPT-TL-GV"),
        ("mass_org_opinion", "DT-THPT-TL"),
        ("send_verification", "THPT-TL"),
    ]
    case.walk(*TO_BRANCH_VOTE[3:], "branch_vote")
    assert case.open() == [("grassroots_vote", "THPT-TL")]
    case.do("grassroots_vote")
    assert case.open() == [("appraisal", "BTC-DL")]
