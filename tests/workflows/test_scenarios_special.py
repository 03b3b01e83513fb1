"""Scenarios of the special cases (procedure.md, "Special cases") and of verification
anywhere (step 4): over 60 waiting for the province's consent, a re-admission checked
on submit and decided at province level, the extra verification of a religious
follower, places outside the tree verified by the sending committee, a differing
answer from such a place clarified and verified again.

An unknown unit code is a field error with nothing changed: test_scenarios_candidate.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine import preview
from engine.cases import unit_of_work
from workflows.admission import orgs, rules, steps
from workflows.admission.confirmations import confirmation

from . import scenario
from .conftest import TREE_2025
from .scenario import CLERK, STUDENT, Case, today
from .test_scenarios_candidate import refused_start
from .test_scenarios_introductions import refused

# A residential branch's candidate of 63, proposed by no mass organisation.
OVER_60 = {
    "full_name": "Hoàng Văn Sơn",
    "birth_date": "1962-05-20",
    "gender": "male",
    "category": "other",
    "branch": "P1-KP1",
    "residence_unit": "P1-KP1",
}
# No mass organisation proposed them: no mass organisation's opinion either.
TO_BRANCH_VOTE = tuple(step for step in scenario.TO_BRANCH_VOTE if step != "mass_org_opinion")
READMITTED = {
    "full_name": "Trần Văn Quý",
    "birth_date": "1980-04-12",
    "gender": "male",
    "category": "other",
    "branch": "P1-KP1",
    "residence_unit": "P1-KP1",
    "readmission": True,
    "earlier_admission_date": "2008-05-19",
    "left_party_date": "2021-03-01",  # 54 months before the scenarios' today
    "left_party_reason": "Bị xóa tên vì bỏ sinh hoạt đảng do đi làm ăn xa, đã trở về địa phương.",
    "readmission_no_exclusion": True,
}
FATHER = {"relation": "father", "full_name": "Nguyễn Văn Hòa", "place_unit": "P2"}
MOTHER_IN_HCMC = {
    "relation": "mother",
    "full_name": "Trương Thị Mai",
    "place_kind": "other_province",
    "place_outside": "Đảng ủy phường Bến Thành, Thành phố Hồ Chí Minh",
}


def reorganised(world) -> None:
    """The 2025 tree over the demo one: the province committee is in the tree."""
    with unit_of_work(world) as session:
        orgs.import_tree(session, orgs.read_tree_file(TREE_2025))


def at_branch_vote(world, person: dict) -> Case:
    case = Case(world, person)
    case.walk(*TO_BRANCH_VOTE)
    return case


# -- over 60 -----------------------------------------------------------------------------


def test_over_60_waits_for_the_consent_recorded_by_the_organisation_board(world):
    case = at_branch_vote(world, OVER_60)
    # The demo tree stops below the province: the deciding committee's organisation
    # board records the province's written consent; nothing else is open meanwhile.
    assert case.open() == [("province_consent", "BTC-DL")]
    assert case.row.status == "active"
    case.do("province_consent", over_age_consent_number="215-CV/TU")
    assert case.open() == [("branch_vote", "P1-KP1")]
    case.do("branch_vote")
    assert [step for step, _ in case.open()] == ["grassroots_vote"]
    data = case.row.data
    assert data["over_age_consent"] == "given"
    assert data["over_age_consent_number"] == "215-CV/TU"
    assert data["over_age_consent_signer"] == "Phó Bí thư Thường trực Tỉnh ủy"


def test_a_consent_or_a_letter_dated_after_today_is_a_field_error(world):
    case = at_branch_vote(world, OVER_60)
    tomorrow = rules.add_workdays(rules.today(), 1)
    errors = refused(case, "province_consent", over_age_consent_date=tomorrow)
    assert errors == {"over_age_consent_date": ["Ngày này không được sau hôm nay."]}
    outside = at_application(world)
    outside.do("application", relatives=[MOTHER_IN_HCMC])
    outside.do("send_verification")
    errors = refused(outside, "send_outside_request", outside_letter_date=tomorrow)
    assert errors == {"outside_letter_date": ["Ngày này không được sau hôm nay."]}


def test_over_60_waits_for_the_province_standing_board_on_the_2025_tree(world):
    reorganised(world)
    case = at_branch_vote(world, OVER_60)
    assert case.open() == [("province_consent", "BTV-LD")]
    case.do("province_consent")
    assert case.open() == [("branch_vote", "P1-KP1")]


def test_over_60_refused_by_the_province_closes_as_not_admitted_after_confirmation(world):
    case = at_branch_vote(world, OVER_60)
    refusal = steps.step_data("province_consent", today(), over_age_consent="refused")
    with unit_of_work(world) as session:
        effect = preview.preview(
            session, case.id, steps.complete_step, case.id, "province_consent", refusal, CLERK
        )
    found = confirmation("province_consent", effect)
    assert found is not None and found.outcome == "not_admitted"
    assert "không đồng ý" in found.reason
    assert case.open() == [("province_consent", "BTC-DL")]  # the preview kept nothing
    case.do("province_consent", over_age_consent="refused")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "not_admitted")
    assert "Ban Thường vụ tỉnh ủy không đồng ý" in row.data["not_admitted_reason"]


def test_a_candidate_past_60_by_the_branch_meeting_waits_for_the_consent_then(world):
    # 60 years and some days when the dossier is complete: no consent needed yet; by the
    # branch meeting two months later, past 60: the vote waits for the province's consent.
    case = at_branch_vote(world, {**OVER_60, "birth_date": "1965-08-20"})
    assert case.open() == [("branch_vote", "P1-KP1")]
    scenario.advance_to(world, date(2025, 10, 21))
    case.do("branch_vote")
    assert case.open() == [("province_consent", "BTC-DL")]
    assert case.row.data["branch_vote_result"] == "needs_consent"
    case.do("province_consent")
    assert case.open() == [("branch_vote", "P1-KP1")]
    case.do("branch_vote")
    assert [step for step, _ in case.open()] == ["grassroots_vote"]


def test_a_candidate_of_60_years_needs_no_consent(world):
    case = at_branch_vote(world, {**OVER_60, "birth_date": "1965-09-08"})  # 60 today
    assert case.open() == [("branch_vote", "P1-KP1")]


# -- re-admission ------------------------------------------------------------------------


def test_a_readmission_within_36_months_of_leaving_is_refused_on_submit(world):
    errors = refused_start(world, {**READMITTED, "left_party_date": "2023-01-10"})
    assert errors == {
        "left_party_date": [
            "Chỉ xem xét kết nạp lại sau ít nhất 36 tháng kể từ ngày ra khỏi Đảng "
            "(sớm nhất ngày 10/01/2026)."
        ]
    }


def test_a_readmission_once_only_without_exclusions_and_with_its_data(world):
    errors = refused_start(
        world,
        {
            **READMITTED,
            "earlier_readmission": True,
            "readmission_no_exclusion": False,
            "left_party_reason": None,
            "earlier_admission_date": "2022-01-01",
        },
    )
    assert set(errors) == {
        "earlier_readmission",
        "readmission_no_exclusion",
        "left_party_reason",
        "earlier_admission_date",
    }
    assert "một lần" in errors["earlier_readmission"][0]
    assert errors["left_party_reason"] == ["Bắt buộc nhập khi kết nạp lại."]


def test_a_valid_readmission_is_decided_by_the_province_standing_board(world):
    reorganised(world)
    case = at_branch_vote(world, READMITTED)
    assert case.row.data["left_party_date"] == "2021-03-01"
    case.do("branch_vote")
    if [step for step, _ in case.open()] == ["grassroots_vote"]:
        case.do("grassroots_vote")
    # Not the authorised ward (XH-DL) that decides its other admissions: the province.
    assert case.open() == [("appraisal", "BTC-LD")]
    case.do("appraisal")
    assert case.open() == [("decide", "BTV-LD")]


def test_an_ordinary_case_on_the_same_branch_is_decided_by_the_ward(world):
    reorganised(world)
    ordinary = {k: v for k, v in READMITTED.items() if k != "readmission"}
    case = at_branch_vote(world, ordinary)
    case.do("branch_vote")
    if [step for step, _ in case.open()] == ["grassroots_vote"]:
        case.do("grassroots_vote")
    assert case.open() == [("appraisal", "BXD-XH-DL")]


# -- enterprise owners -------------------------------------------------------------------

OWNER = {
    "full_name": "Lý Quốc Bảo",
    "birth_date": "1985-02-14",
    "gender": "male",
    "category": "enterprise_manager",
    "enterprise_owner": True,
    "owner_conditions_declared": True,
    "enterprise_has_party_org": True,
    "branch": "DN-LB",
    "residence_unit": "P2",
}


def test_an_enterprise_owner_declares_the_conditions_in_the_owners_category(world):
    undeclared = {**OWNER, "owner_conditions_declared": False, "category": "other"}
    errors = refused_start(world, undeclared)
    assert set(errors) == {"owner_conditions_declared", "category"}
    data = Case(world, OWNER).row.data
    assert (data["category"], data["owner_conditions_declared"]) == ("enterprise_manager", True)


# -- extra verification and places outside the tree -------------------------------------


def at_application(world, person: dict = STUDENT) -> Case:
    case = Case(world, person)
    case.walk("accept_sympathiser", "attend_class")
    return case


def test_a_religious_follower_gets_the_competent_bodys_opinion_before_the_vote(world):
    case = at_application(world)
    case.do("application", religion="catholicism", relatives=[FATHER])
    case.do("send_verification")
    # The places of the tree answer in their wards; the opinion on the religious
    # follower is asked by the sending committee (THPT-TP is its own grassroots one).
    assert ("send_outside_request", "THPT-TP") in case.open()
    request = case.task_data("send_outside_request")
    assert request["place"]["about"] == "religion"
    assert "tôn giáo" in request["verification_about"]
    case.do("verify_place", unit="P1")
    case.do("verify_place", unit="P2")
    assert ("certify_history", "THPT-TP") not in case.open()
    case.do("send_outside_request", outside_recipient="Ban Tôn giáo tỉnh Lâm Đồng")
    case.do("record_outside_answer")
    assert ("certify_history", "THPT-TP") in case.open()
    [review] = [a for a in case.row.data["verification_results"] if a["about"]]
    assert (review["about"], review["outside"], review["result"]) == (
        "religion",
        "competent_body",
        "matches",
    )
    assert review["letter"]["to"] == "Ban Tôn giáo tỉnh Lâm Đồng"


def test_relatives_abroad_and_political_history_each_get_their_review(world):
    case = at_application(world)
    assert "political_history_note" in refused(
        case, "application", political_history_questions=True
    )
    case.do(
        "application",
        relatives_abroad=True,
        political_history_questions=True,
        political_history_note="Ông nội từng làm việc cho chế độ cũ trước năm 1975.",
        history_fully_declared=False,
    )
    about = [p.get("about") for p in case.row.data["places_to_verify"]]
    assert about == [None, "relatives_abroad", "political_history"]  # the family lives at home


def test_a_relative_in_another_province_is_verified_by_the_sending_committee(world):
    case = at_application(world)
    case.do("application", relatives=[FATHER, MOTHER_IN_HCMC])
    assert case.row.data["places_to_verify"][-1] == {
        "unit": None,
        "outside": "other_province",
        "address": "Đảng ủy phường Bến Thành, Thành phố Hồ Chí Minh",
        "people": ["Trương Thị Mai"],
    }
    case.do("send_verification")
    open_now = case.open()
    assert ("send_outside_request", "THPT-TP") in open_now
    assert sorted(u for s, u in open_now if s == "verify_place") == ["P1", "P2"]
    case.walk("verify_place", "verify_place")
    case.do("send_outside_request", outside_letter_number="61-CV/ĐU")
    assert ("record_outside_answer", "THPT-TP") in case.open()
    # A differing answer goes back to the branch, then the place is written to again.
    differs = "Bà Trương Thị Mai sinh năm 1972, không phải năm 1974 như đã khai."
    case.do("record_outside_answer", verification_result="differs", verification_note=differs)
    assert ("clarify_history", "THPT-TP") in case.open()
    assert ("certify_history", "THPT-TP") not in case.open()
    case.do("clarify_history")
    case.do("send_outside_request", outside_letter_number="77-CV/ĐU")
    case.do("record_outside_answer")
    assert ("certify_history", "THPT-TP") in case.open()
    [answer] = [a for a in case.row.data["verification_results"] if a["unit"] is None]
    assert answer["letter"]["number"] == "77-CV/ĐU"
    assert [(r["letter"]["number"], r["note"]) for r in answer["earlier"]] == [
        ("61-CV/ĐU", differs)
    ]


@pytest.mark.parametrize(
    "relative, field",
    [
        ({**MOTHER_IN_HCMC, "place_outside": None}, "place_outside"),
        ({**FATHER, "place_unit": None}, "place_unit"),
    ],
)
def test_a_place_of_verification_must_be_given_in_the_tree_or_outside_it(world, relative, field):
    case = at_application(world)
    errors = refused(case, "application", relatives=[relative])
    assert list(errors["relatives"][0]) == [field]
