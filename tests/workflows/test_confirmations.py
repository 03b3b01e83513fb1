"""Which submissions must be confirmed, and with which figures
(workflows/admission/confirmations.py): pure, on effects made up here."""

from __future__ import annotations

from engine.preview import Effect
from workflows.admission.confirmations import Confirmation, confirmation


def effect(closes: bool, outcome: str | None = None, **data) -> Effect:
    return Effect(
        case_id=1,
        status="closed" if closes else "active",
        outcome=outcome,
        closes=closes,
        opens=(),
        cancels=(),
        data=data,
    )


def figures(found: Confirmation | None) -> str | None:
    assert found is not None
    if found.figures is None:
        return None
    msgid, params = found.figures
    return msgid % params


def test_a_branch_vote_that_closes_the_case_shows_its_figures():
    found = confirmation(
        "branch_vote",
        effect(
            True, "not_admitted", votes_for=5, official_members=10, not_admitted_reason="Chi bộ …"
        ),
    )
    assert figures(found) == "5/10 đảng viên chính thức tán thành, dưới 2/3"
    assert found.outcome == "not_admitted" and found.reason == "Chi bộ …"


def test_submissions_that_go_on_need_no_confirmation():
    assert confirmation("branch_vote", effect(False, votes_for=7, official_members=10)) is None
    assert confirmation("decide", effect(False, decision="admit")) is None
    assert confirmation("recognition_vote", effect(False, recognition_proposal="recognise")) is None


def test_any_closing_step_is_confirmed_even_without_figures():
    found = confirmation("residence_opinion", effect(True, "not_admitted"))
    assert found == Confirmation(None, "not_admitted", None, None)
    recognised = confirmation(
        "recognition_decide", effect(True, "recognised", recognition_decision="recognise")
    )
    assert figures(recognised) == "Quyết định công nhận đảng viên chính thức"


def test_a_removal_proposal_is_an_irreversible_branch():
    found = confirmation(
        "recognition_vote",
        effect(
            False,
            recognition_vote_result="proposed",
            recognition_proposal="remove",
            recognition_votes_against=8,
            recognition_members=9,
        ),
    )
    assert found is not None and found.outcome is None
    assert found.leads_to == "chi bộ đề nghị xóa tên đảng viên dự bị"
    assert figures(found).startswith("8/9 đảng viên chính thức không tán thành")
    removed = confirmation(
        "recognition_decide", effect(True, "removed", recognition_decision="remove")
    )
    assert figures(removed) == "Quyết định xóa tên trong danh sách đảng viên dự bị"
