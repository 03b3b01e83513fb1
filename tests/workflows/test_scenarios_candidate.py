"""Scenarios of the candidate's data: unit fields take units of the right kind from the
tree (anything else is a field error before anything is stored, never a case stopped
later), and the candidate data of procedure.md is stored with the case."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.cases import unit_of_work
from engine.errors import InvalidData
from engine.models import Case as CaseRow
from engine.models import Event

from .scenario import LONE_WORKER, STUDENT, Case
from .test_scenarios_introductions import refused

CHOOSE_A_UNIT = ["Hãy chọn một đơn vị trong danh sách."]


def _counts(world) -> tuple[int, int]:
    with unit_of_work(world) as session:
        return (
            session.scalar(select(func.count()).select_from(CaseRow)),
            session.scalar(select(func.count()).select_from(Event)),
        )


def refused_start(world, person: dict) -> dict:
    before = _counts(world)
    with pytest.raises(InvalidData) as err:
        Case(world, person)
    assert _counts(world) == before
    return err.value.fields


@pytest.mark.parametrize(
    "change, field",
    [
        ({"residence_unit": "P9"}, "residence_unit"),  # no such unit
        ({"branch": "P1"}, "branch"),  # a ward committee, not a branch
        ({"proposer_unit": "THPT-TP"}, "proposer_unit"),  # a branch, not a mass organisation
        ({"enterprise": "DN-LB"}, "enterprise"),  # a branch, not an enterprise
    ],
)
def test_start_refuses_a_unit_code_of_no_unit_or_the_wrong_kind(world, change, field):
    assert refused_start(world, {**STUDENT, **change}) == {field: CHOOSE_A_UNIT}


def test_a_residence_must_lie_under_a_ward_committee(world):
    errors = refused_start(world, {**STUDENT, "residence_unit": "THPT-BTX"})
    assert "đảng ủy phường, xã" in errors["residence_unit"][0]


def test_the_ward_assigns_one_of_its_own_residential_branches(world):
    case = Case(world, LONE_WORKER)
    assert refused(case, "assign_branch", branch="P3-KP9") == {"branch": CHOOSE_A_UNIT}
    assert refused(case, "assign_branch", branch="P1-KP1") == {
        "branch": ["Hãy chọn một chi bộ trực thuộc Đảng ủy Phường 3."]
    }
    case.do("assign_branch", branch="P3-KP2")
    assert case.row.unit == "P3-KP2"


def test_a_relative_in_a_place_of_no_unit_is_a_field_error(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class")
    relatives = [
        {"relation": "father", "full_name": "Nguyễn Văn Hòa", "place_unit": "P2"},
        {"relation": "mother", "full_name": "Trương Thị Mai", "place_unit": "Q.1 TP.HCM"},
    ]
    errors = refused(case, "application", relatives=relatives)
    assert errors == {"relatives": {1: {"place_unit": CHOOSE_A_UNIT}}}


def test_the_candidate_data_is_stored_with_the_case(world):
    person = {
        **STUDENT,
        "hometown": "Xã Hòa Bắc, huyện Di Linh, tỉnh Lâm Đồng",
        "occupation": "Học sinh lớp 12",
        "education_level": "upper_secondary",
        "religion": "catholicism",
        "trade_union_member": False,
    }
    data = Case(world, person).row.data
    assert {key: data[key] for key in person} == person
    assert data["education_exception"] is None


def test_below_lower_secondary_only_with_an_exception(world):
    person = {**LONE_WORKER, "ethnicity": "K'Ho", "education_level": "primary"}
    errors = refused_start(world, person)
    assert "trung học cơ sở trở lên" in errors["education_exception"][0]
    case = Case(world, {**person, "education_exception": "village_elder"})
    assert case.row.data["education_exception"] == "village_elder"


def test_the_personal_history_corrects_the_candidate_data_by_the_same_rules(world):
    case = Case(world, {**LONE_WORKER, "education_level": "lower_secondary"})
    case.do("assign_branch", branch="P3-KP1")
    case.walk("attend_class")
    errors = refused(case, "application", education_level="primary")
    assert "trung học cơ sở trở lên" in errors["education_exception"][0]
    case.do("application", education_level="primary", education_exception="remote_area")
    data = case.row.data
    assert (data["education_level"], data["education_exception"]) == ("primary", "remote_area")
    assert data["hometown"] == "Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng"
