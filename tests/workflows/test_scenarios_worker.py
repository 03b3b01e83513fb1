"""Scenarios of workers of enterprises without state capital: with a party organisation
(its branch handles the case) and without one (the ward of residence assigns a
residential branch, plan section 2.9); and the upper committee's deadline."""

from __future__ import annotations

from .scenario import (
    AFTER_BRANCH_VOTE,
    LONE_WORKER,
    RESIDENT,
    TO_BRANCH_VOTE,
    WORKER,
    Case,
)

# A resident proposed by no mass organisation: the dossier has no Youth Union opinion.
TO_BRANCH_VOTE_WITHOUT_PROPOSER = tuple(s for s in TO_BRANCH_VOTE if s != "mass_org_opinion")


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
    case.do("introduction")  # the enterprise's Youth Union and one member
    case.walk("verify_place", "certify_history", "mass_org_opinion")
    assert case.open() == [("residence_opinion", "P2")]
    case.walk("residence_opinion", "branch_vote")
    assert case.open() == [("appraisal", "BTC-DL")]  # a chi bộ cơ sở: no grassroots vote
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


def test_grassroots_vote_below_two_thirds_is_referred_to_the_upper_committee(world):
    case = Case(world, RESIDENT)
    case.walk(*TO_BRANCH_VOTE_WITHOUT_PROPOSER, "branch_vote")
    assert case.open() == [("grassroots_vote", "P1")]
    case.do(
        "grassroots_vote", committee_members=9, grassroots_votes_for=5, grassroots_votes_against=2
    )
    # Not a closing "not admitted": the full result goes to the upper committee.
    row = case.row
    assert row.status == "active" and row.data["grassroots_vote_result"] == "refer"
    assert case.open() == [("appraisal", "BTC-DL")]
    case.do("appraisal")
    note = case.task_data("decide")["referral_note"]
    assert "5/9" in note and "cấp ủy cấp trên" in note
    case.do("decide")
    assert case.row.data["outcome"] == "admitted"
    assert case.open() == [("ceremony", "P1-KP1")]


def test_upper_committee_refuses(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    case.do("decide", decision="refuse", decision_note="Chưa đủ tiêu chuẩn.")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert case.open() == []
