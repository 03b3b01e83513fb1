"""Who votes and who decides, as the tree says (workflows/admission/voting.py), and the
rule of one vote (rules.vote_result): pure, on the demo and 2025 trees."""

from __future__ import annotations

import pytest

from engine.submission import Submission
from workflows.admission import deadlines, rules, voting
from workflows.admission.tree import OrgTree, OrgUnit


@pytest.mark.parametrize(
    ("branch", "partial", "grassroots", "by_vote"),
    [
        ("THPT-TP", False, False, False),  # a chi bộ cơ sở under the city committee
        ("DN-LB", False, False, False),
        ("THPT-TL-GV", False, True, False),  # under the school's party committee
        ("P1-KP1", False, True, False),  # a residential branch of a ward
    ],
)
def test_demo_tree(demo_tree, branch, partial, grassroots, by_vote):
    assert voting.route_facts(demo_tree, branch) == {
        "needs_partial_appraisal": partial,
        "needs_grassroots_vote": grassroots,
        "decides_by_vote": by_vote,
    }


@pytest.mark.parametrize(
    ("branch", "grassroots"),
    [
        ("THPT-TP", False),  # marked grassroots_organisation under its ward
        ("DN-LB", False),
        ("P1-KP1", False),  # the ward is the grassroots committee and decides: one vote
        ("THPT-TL-GV", True),  # the school's committee votes, then the ward decides
    ],
)
def test_2025_tree_every_ward_decides_by_vote(tree_2025, branch, grassroots):
    facts = voting.route_facts(tree_2025, branch)
    assert facts["decides_by_vote"] is True
    assert facts["needs_grassroots_vote"] is grassroots


def test_a_partial_committee_is_found():
    tree = OrgTree(
        [
            OrgUnit("C", "Committee", "committee"),
            OrgUnit("G", "Grassroots", "grassroots_committee", parent="C"),
            OrgUnit("BP", "Partial", "partial_committee", parent="G"),
            OrgUnit("B", "Branch", "branch", parent="BP"),
        ]
    )
    assert voting.route_facts(tree, "B") == {
        "needs_partial_appraisal": True,
        "needs_grassroots_vote": True,
        "decides_by_vote": False,
    }


def submission(options: str = "") -> Submission:
    return Submission(
        None, "grassroots_vote", "grassroots_vote", "P1", {}, {}, frozenset(options.split())
    )


def test_the_grassroots_setting_is_a_diagram_option():
    assert voting.grassroots_vote_facts(submission()) == {"grassroots_below_two_thirds": "refer"}
    assert voting.grassroots_vote_facts(submission(voting.VOTES_AGAIN)) == {
        "grassroots_below_two_thirds": "vote_again"
    }


@pytest.mark.parametrize(
    ("votes_for", "against", "rounds", "result"),
    [
        (6, 0, 1, "passed"),  # exactly two thirds of 9
        (2, 6, 1, "rejected"),  # two thirds against
        (5, 0, 1, "again"),  # neither: vote again
        (5, 4, 2, "again"),
        (4, 5, 3, "refer"),  # the third undecided vote
        (6, 3, 3, "passed"),
    ],
)
def test_vote_result(votes_for, against, rounds, result):
    assert rules.vote_result(votes_for, against, 9, rounds) == result


def test_an_extension_is_once_and_at_most_30_working_days():
    deadline = "2025-12-02"
    latest = rules.add_workdays(deadline, 30)
    assert deadlines.extension_errors({"decision_deadline": deadline, "decision_due": latest}) == {}
    too_late = rules.add_workdays(deadline, 31)
    errors = deadlines.extension_errors({"decision_deadline": deadline, "decision_due": too_late})
    assert list(errors) == ["decision_due"]
    same = deadlines.extension_errors({"decision_deadline": deadline, "decision_due": deadline})
    assert "sau hạn hiện tại" in same["decision_due"][0]
