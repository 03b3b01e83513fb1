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


def test_a_certificate_that_lapses_before_the_vote_is_warned_of_and_accepted_once_confirmed():
    # Entered on the engine's clock (the real day): issued 59 months ago, for a candidate
    # who turns 18 in two years, it will have lapsed by the branch vote.
    from workflows.admission import rules

    today = rules.today()
    old = rules.add_months(today, -59)
    young = rules.add_months(today, -(16 * 12))
    found = confirmation("attend_class", effect(False, certificate_date=old, birth_date=young))
    assert found is not None and found.outcome is None
    assert "hết giá trị" in found.leads_to and "học lại" in found.leads_to
    assert figures(found).startswith("Giấy chứng nhận cấp ngày ")
    assert confirmation("retake_class", effect(False, certificate_date=old, birth_date=young))
    # Still valid for an adult, who may be voted on now: nothing to confirm; expired: warned.
    adult = rules.add_months(today, -(25 * 12))
    assert (
        confirmation("attend_class", effect(False, certificate_date=old, birth_date=adult)) is None
    )
    expired = rules.add_months(today, -61)
    assert confirmation("attend_class", effect(False, certificate_date=expired, birth_date=adult))
    assert (
        confirmation("attend_class", effect(False, certificate_date=today, birth_date=young))
        is None
    )
    recent = rules.add_months(today, -12)
    assert (
        confirmation("attend_class", effect(False, certificate_date=recent, birth_date=adult))
        is None
    )
