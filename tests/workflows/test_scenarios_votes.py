"""Scenarios of who votes and who decides (procedure.md steps 8, 8a, 9, 10, 15, 16): a
chi bộ cơ sở has no grassroots vote, a partial committee appraises where the tree has
one, an authorised ward committee decides by the vote of the whole committee (and does
not vote twice), an insufficient appraisal returns the dossier to the branch."""

from __future__ import annotations

import dataclasses

from engine.cases import unit_of_work
from workflows.admission import orgs, voting

from .conftest import DEMO, TREE_2025
from .scenario import (
    RESIDENT,
    STUDENT,
    TO_BRANCH_VOTE,
    Case,
    deploy_changed,
    through_probation,
)

TO_RESIDENT_VOTE = tuple(s for s in TO_BRANCH_VOTE if s != "mass_org_opinion")
TEACHER = {
    **STUDENT,
    "branch": "THPT-TL-GV",
    "proposer_unit": "DT-THPT-TL",
    "residence_unit": "P2-KP1",
}


def import_tree(world, units) -> None:
    with unit_of_work(world) as session:
        orgs.import_tree(session, units)


def with_partial_committee() -> list[orgs.OrgUnit]:
    """The demo tree with a partial committee between the teachers' branch and the
    school's party committee."""
    units = []
    for unit in orgs.read_tree_file(DEMO):
        if unit.code == "THPT-TL-GV":
            unit = dataclasses.replace(unit, parent="THPT-TL-BP")
        units.append(unit)
        if unit.code == "THPT-TL":
            units.append(
                orgs.OrgUnit(
                    "THPT-TL-BP",
                    "Đảng ủy bộ phận Giáo viên Trường THPT Chuyên Thăng Long",
                    "partial_committee",
                    parent="THPT-TL",
                )
            )
    return units


def test_a_school_branch_under_the_committee_has_no_grassroots_vote(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote")
    assert case.open() == [("appraisal", "BTC-DL")]
    case.walk("appraisal", "decide", "ceremony")
    through_probation(case)
    case.walk("recognition_file", "recognition_vote")
    # At recognition too: from the branch straight to the upper committee.
    assert case.open() == [("recognition_decide", "BTV-DL")]
    case.do("recognition_decide")
    assert (case.row.status, case.row.outcome) == ("closed", "recognised")
    steps = {item.step for item in case.items()}
    assert not steps & {"grassroots_vote", "recognition_grassroots_vote"}


def test_a_branch_under_a_grassroots_committee_has_its_vote_at_recognition(world):
    case = Case(world, TEACHER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal", "decide")
    case.do("ceremony")
    through_probation(case)
    case.walk("recognition_file", "recognition_vote")
    assert case.open() == [("recognition_grassroots_vote", "THPT-TL")]


def test_a_partial_committee_appraises_before_the_grassroots_vote(world):
    import_tree(world, with_partial_committee())
    case = Case(world, TEACHER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote")
    assert case.open() == [("partial_appraisal", "THPT-TL-BP")]
    case.do("partial_appraisal")
    assert case.open() == [("grassroots_vote", "THPT-TL")]
    case.walk("grassroots_vote", "appraisal", "decide", "ceremony")
    through_probation(case)
    case.walk("recognition_file", "recognition_vote")
    assert case.open() == [("recognition_partial_appraisal", "THPT-TL-BP")]  # Mẫu 14-KNĐ
    case.do("recognition_partial_appraisal")
    assert case.open() == [("recognition_grassroots_vote", "THPT-TL")]
    case.walk("recognition_grassroots_vote", "recognition_decide")
    assert case.row.outcome == "recognised"


def test_an_authorised_ward_decides_by_the_vote_of_the_whole_committee(world):
    import_tree(world, orgs.read_tree_file(TREE_2025))
    case = Case(world, RESIDENT)
    case.walk(*TO_RESIDENT_VOTE, "branch_vote")
    # The ward is both the grassroots committee and the deciding one: it votes once, on
    # the decision, after its Ban Xây dựng Đảng appraised.
    assert case.row.data["decides_by_vote"] is True
    assert case.open() == [("appraisal", "BXD-XH-DL")]
    case.do("appraisal")
    assert case.open() == [("committee_decide", "XH-DL")]
    # Impossible counts go back to the same task.
    case.do(
        "committee_decide", decision_members=15, decision_votes_for=12, decision_votes_against=5
    )
    assert case.open() == [("committee_decide", "XH-DL")]
    assert "vượt quá" in case.task_data("committee_decide")["decision_vote_problems"]
    case.do(
        "committee_decide", decision_members=15, decision_votes_for=10, decision_votes_against=2
    )
    row = case.row
    assert row.data["decision"] == "admit" and row.data["outcome"] == "admitted"
    assert case.open() == [("ceremony", "P1-KP1")]
    case.do("ceremony")
    through_probation(case)
    case.walk("recognition_file", "recognition_vote")
    assert case.open() == [("recognition_committee_decide", "XH-DL")]
    case.do("recognition_committee_decide")
    assert (case.row.status, case.row.outcome) == ("closed", "recognised")
    assert "grassroots_vote" not in {item.step for item in case.items()}


def test_an_authorised_ward_below_two_thirds_does_not_admit(world):
    import_tree(world, orgs.read_tree_file(TREE_2025))
    case = Case(world, STUDENT)  # the school branch is its own grassroots organisation
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    assert case.open() == [("committee_decide", "XH-DL")]
    case.do("committee_decide", decision_members=15, decision_votes_for=9, decision_votes_against=3)
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")


def test_an_insufficient_appraisal_returns_the_dossier_to_the_branch(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote")
    note = "Thiếu nhận xét nơi cư trú."
    case.do("appraisal", appraisal_result="insufficient", appraisal_note=note)
    # Not on to the decision: the branch completes the dossier first.
    assert case.open() == [("complete_dossier", "THPT-TP")]
    assert case.task_data("complete_dossier")["appraisal_note"] == note
    assert "decide" not in {item.step for item in case.items()}
    case.do("complete_dossier")
    assert case.open() == [("appraisal", "BTC-DL")]
    case.walk("appraisal", "decide")
    assert case.open() == [("ceremony", "THPT-TP")]


def grassroots_votes_again(files) -> None:
    files["admission.bpmn"] = files["admission.bpmn"].replace(
        'ketnap:form="grassroots_vote" ',
        f'ketnap:form="grassroots_vote" ketnap:options="{voting.VOTES_AGAIN}" ',
    )


def test_a_diagram_may_make_the_grassroots_committee_vote_again(world):
    deploy_changed(world, grassroots_votes_again)  # the [A] setting, as a designer sets it
    case = Case(world, RESIDENT)
    case.walk(*TO_RESIDENT_VOTE, "branch_vote")
    undecided = {"committee_members": 9, "grassroots_votes_for": 5, "grassroots_votes_against": 2}
    for round_ in (1, 2):
        case.do("grassroots_vote", **undecided)
        assert case.open() == [("grassroots_vote", "P1")]
        assert f"thứ {round_}" in case.task_data("grassroots_vote")["grassroots_vote_problems"]
    case.do("grassroots_vote", **undecided)
    assert case.open() == [("appraisal", "BTC-DL")]  # three undecided votes: referred up
    assert "5/9" in case.row.data["referral_note"]


def test_two_thirds_of_the_grassroots_committee_against_closes_when_it_votes_again(world):
    deploy_changed(world, grassroots_votes_again)
    case = Case(world, RESIDENT)
    case.walk(*TO_RESIDENT_VOTE, "branch_vote")
    case.do(
        "grassroots_vote", committee_members=9, grassroots_votes_for=1, grassroots_votes_against=7
    )
    assert (case.row.status, case.row.outcome) == ("closed", "not_admitted")
