"""Introductions and unit fields through the API and the task page: an introduction off
the candidate's route is a 422 naming the field, shown again on the page with its
problems; unit fields offer the tree's units and refuse any other code; nothing changes
on a refusal."""

from __future__ import annotations

from tests.support.api import api_as
from tests.support.driving import do, event_count, get_item, item_id, start
from workflows.admission import rules

from .test_inbox import as_user
from .test_task_page import submit

TWO_MEMBERS = [
    {"kind": "member", "name": "Lê Văn Phúc", "official": True, "months_known": 24},
    {"kind": "member", "name": "Phạm Thị Lan", "official": True, "months_known": 30},
]
YOUTH_UNION_AND_MEMBER = [
    {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường THPT Trần Phú"},
    TWO_MEMBERS[0],
]


def at_introduction(app) -> tuple[int, int]:
    """A Youth Union student of THPT Trần Phú whose introduction is open: (case, task)."""
    case = start(app)
    do(app, case, "accept_sympathiser", "attend_class", "application")
    return case, item_id(app, case, "introduction")


def test_api_refuses_two_members_for_a_youth_union_student_naming_the_field(app):
    case, item = at_introduction(app)
    branch = api_as(app, "cb_tp")
    before = event_count(app, case)
    data = {"introduction_date": rules.today(), "introducers": TWO_MEMBERS}
    answer = branch.post(f"/api/v1/tasks/{item}/complete", json={"data": data})
    assert answer.status_code == 422
    [problem] = answer.get_json()["fields"]["introducers"]["_schema"]
    assert "Ban Chấp hành Đoàn cơ sở (hoặc tập thể chi đoàn cơ sở)" in problem
    assert event_count(app, case) == before and get_item(app, item).status == "open"
    data["introducers"] = YOUTH_UNION_AND_MEMBER
    answer = branch.post(f"/api/v1/tasks/{item}/complete", json={"data": data})
    assert answer.status_code == 200, answer.get_json()
    assert get_item(app, item).status == "completed"


def test_task_page_shows_the_introduction_again_with_its_problems(app):
    case, item = at_introduction(app)
    branch = as_user(app, "cb_tp")
    rows = {
        f"introducers-{row}-{key}": str(value).lower() if isinstance(value, bool) else value
        for row, person in enumerate(TWO_MEMBERS)
        for key, value in {**person, "months_known": 6 if row else 24}.items()
    }
    response = submit(branch, item, {"introduction_date": rules.today(), **rows})
    html = response.get_data(True)
    assert response.status_code == 422
    assert 'data-testid="error-introducers"' in html and "độ tuổi thanh niên" in html
    assert 'data-testid="error-introducers-1-months_known"' in html
    assert 'value="Phạm Thị Lan"' in html  # what was typed is kept
    assert get_item(app, item).status == "open"


def test_api_describes_unit_fields_with_the_units_they_take(app):
    case = start(app)
    do(app, case, "accept_sympathiser", "attend_class")
    item = item_id(app, case, "application")
    form = api_as(app, "cb_tp").get(f"/api/v1/tasks/{item}").get_json()["form"]
    [relatives] = [f for f in form["fields"] if f["name"] == "relatives"]
    [place] = [f for f in relatives["fields"] if f["name"] == "place_unit"]
    assert place["type"] == "unit" and place["unit_kinds"] == ["ward_committee", "branch"]
    codes = {choice["value"]: choice["label"] for choice in place["choices"]}
    assert codes["P1"] == "Đảng ủy Phường 1" and codes["P1-KP1"] == "Chi bộ Khu phố 1 – Phường 1"
    assert "DT-THPT-TP" not in codes  # a Youth Union is no place of residence


def test_an_unknown_unit_code_is_a_field_error_on_the_page_and_in_the_api(app):
    case = start(app)
    do(app, case, "accept_sympathiser", "attend_class")
    item = item_id(app, case, "application")
    before = event_count(app, case)
    posted = {
        "application_date": rules.today(),
        "history_date": rules.today(),
        "hometown": "Đà Lạt",
        "occupation": "Học sinh",
        "education_level": "upper_secondary",
        "religion": "none",
        "relatives-0-relation": "father",
        "relatives-0-full_name": "Nguyễn Văn Hòa",
        "relatives-0-place_unit": "P7",
    }
    response = submit(as_user(app, "cb_tp"), item, posted)
    html = response.get_data(True)
    assert response.status_code == 422
    assert 'data-testid="error-relatives-0-place_unit"' in html
    assert '<option value="P7" selected>P7</option>' in html  # shown as typed, refused
    data = {
        "application_date": rules.today(),
        "history_date": rules.today(),
        "hometown": "Đà Lạt",
        "occupation": "Học sinh",
        "education_level": "upper_secondary",
        "religion": "none",
        "relatives": [{"relation": "father", "full_name": "Nguyễn Văn Hòa", "place_unit": "P7"}],
    }
    answer = api_as(app, "cb_tp").post(f"/api/v1/tasks/{item}/complete", json={"data": data})
    assert answer.status_code == 422
    assert answer.get_json()["fields"] == {
        "relatives": {"0": {"place_unit": ["Hãy chọn một đơn vị trong danh sách."]}}
    }
    assert event_count(app, case) == before and get_item(app, item).status == "open"


def test_the_case_page_shows_the_candidate_data_with_labels(app):
    case = start(
        app,
        hometown="Xã Lát, huyện Lạc Dương, tỉnh Lâm Đồng",
        occupation="Học sinh lớp 12",
        education_level="upper_secondary",
        religion="protestantism",
        trade_union_member=False,
    )
    html = as_user(app, "cb_tp").get(f"/ho-so/{case}").get_data(True)
    assert "Xã Lát, huyện Lạc Dương, tỉnh Lâm Đồng" in html and "Học sinh lớp 12" in html
    assert "Trung học phổ thông (đang học hoặc đã tốt nghiệp)" in html
    assert 'data-testid="case-religion">Tin Lành<' in html
    assert 'data-testid="case-trade-union">Không<' in html
