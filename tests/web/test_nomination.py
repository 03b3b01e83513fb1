"""Starting a case (nomination): who may, what is checked, where the first task lands."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.cases import unit_of_work
from engine.models import Case
from tests.support.driving import factory, open_items
from tests.support.webapp import csrf_token
from workflows.admission import rules

from .test_inbox import as_user, rows

BIRTH = rules.add_months(rules.today(), -(17 * 12 + 3))
STUDENT = {
    "full_name": "Nguyễn  Thị   Minh Anh",
    "birth_date": BIRTH,
    "gender": "female",
    "ethnicity": "Kinh",
    "youth_union_member": "true",
    "category": "student",
    "enterprise_has_party_org": "false",
    "branch": "THPT-TP",
    "residence_unit": "P1",
}
LONE_WORKER = {
    "full_name": "Ngô Thị Hồng",
    "birth_date": "1999-06-20",
    "gender": "female",
    "ethnicity": "Tày",
    "category": "enterprise_worker",
    "enterprise_has_party_org": "false",
    "enterprise": "DN-MX",
    "residence_unit": "P1",
}


def nominate(client, data: dict):
    token = csrf_token(client.get("/ho-so/moi").get_data(True))
    return client.post("/ho-so/moi", data={"csrf_token": token, **data})


def case_count(app) -> int:
    with unit_of_work(factory(app)) as s:
        return s.execute(select(func.count()).select_from(Case)).scalar_one()


def only_case(app) -> Case:
    with unit_of_work(factory(app)) as s:
        return s.execute(select(Case)).scalar_one()


def test_proposing_units_get_the_form_others_do_not(app):
    union = as_user(app, "dt_tp")
    page = union.get("/ho-so/moi").get_data(True)
    assert 'data-testid="submit-case"' in page and 'data-testid="proposer"' in page
    assert '<option value="THPT-TP" selected>' in page  # the union's own school branch
    # Wards of residence to choose from, with a box to find one by name or code.
    residence = page[page.index('id="f-residence_unit"') :].split("</select>")[0]
    assert '<option value="P1">Đảng ủy Phường 1 (P1)</option>' in residence
    assert 'value="P1-KP1"' not in residence
    assert 'data-testid="filter-residence_unit"' in page
    assert 'data-testid="start-case"' in union.get("/?tab=unit").get_data(True)
    for name in ("ttct", "designer", "auditor"):
        assert as_user(app, name).get("/ho-so/moi").status_code == 403, name
    assert 'data-testid="start-case"' not in as_user(app, "ttct").get("/").get_data(True)


def test_invalid_nomination_shows_errors_by_field_and_starts_nothing(app):
    union = as_user(app, "dt_tp")
    response = nominate(
        union,
        {**STUDENT, "full_name": "", "birth_date": "2099-01-01", "branch": "", "gender": "other"},
    )
    html = response.get_data(True)
    assert response.status_code == 422
    for field in ("full_name", "birth_date", "branch", "gender"):
        assert f'data-testid="error-{field}"' in html, field
    assert "Ngày sinh không được sau hôm nay" in html
    assert 'value="Kinh"' in html  # the rest is kept
    assert case_count(app) == 0


def test_unit_codes_must_be_of_the_right_kind(app):
    response = nominate(
        as_user(app, "dt_tp"), {**STUDENT, "branch": "TU-DL", "residence_unit": "THPT-TP"}
    )
    html = response.get_data(True)
    assert response.status_code == 422
    assert 'data-testid="error-branch"' in html and 'data-testid="error-residence_unit"' in html


def test_enterprise_without_party_org_has_no_branch_but_an_enterprise(app):
    union = as_user(app, "dt_tp")
    html = nominate(union, {**LONE_WORKER, "branch": "THPT-TP", "enterprise": ""}).get_data(True)
    assert 'data-testid="error-branch"' in html and 'data-testid="error-enterprise"' in html
    assert case_count(app) == 0


def test_union_nomination_lands_in_the_branch_inbox(app):
    union = as_user(app, "dt_tp")
    response = nominate(union, STUDENT)
    # The union holds no task of the case yet, so it cannot open the case page.
    assert response.status_code == 302 and response.location.endswith("/")
    assert "Đã mở hồ sơ của Nguyễn Thị Minh Anh" in union.get("/").get_data(True)
    case = only_case(app)
    assert case.title == "Nguyễn Thị Minh Anh" and case.unit == "THPT-TP"
    assert case.data["proposer_unit"] == "DT-THPT-TP" and case.data["birth_date"] == BIRTH
    assert case.data["youth_union_member"] is True and case.data["enterprise"] is None
    [item] = open_items(app, case.id)
    assert (item.step, item.unit) == ("accept_sympathiser", "THPT-TP")
    assert rows(as_user(app, "cb_tp").get("/?tab=unit")) == [item.id]
    assert rows(as_user(app, "cb_btx").get("/?tab=unit")) == []


def test_branch_nomination_opens_the_case_page(app):
    branch = as_user(app, "cb_tp")
    assert '<option value="THPT-TP" selected>' in branch.get("/ho-so/moi").get_data(True)
    response = nominate(branch, STUDENT)
    case = only_case(app)
    assert response.status_code == 302 and response.location.endswith(f"/ho-so/{case.id}")
    assert case.data["proposer_unit"] is None  # no union to give its opinion


def test_worker_without_party_org_goes_to_the_ward_of_residence(app):
    assert nominate(as_user(app, "dt_tp"), LONE_WORKER).status_code == 302
    case = only_case(app)
    [item] = open_items(app, case.id)
    assert (item.step, item.unit, case.unit) == ("assign_branch", "P1", "P1")
    assert rows(as_user(app, "p1").get("/?tab=unit")) == [item.id]


def test_nomination_records_the_candidate_data(app):
    union = as_user(app, "dt_tp")
    page = union.get("/ho-so/moi").get_data(True)
    for field in ("hometown", "occupation", "education_level", "religion", "trade_union_member"):
        assert f'name="{field}"' in page, field
    person = {**STUDENT, "education_level": "primary", "religion": "buddhism"}
    html = nominate(union, person).get_data(True)
    assert 'data-testid="error-education_exception"' in html and case_count(app) == 0
    given = {
        "hometown": "Phường 2, thành phố Đà Lạt",
        "occupation": "Học sinh",
        "education_exception": "remote_area",
        "trade_union_member": "false",
    }
    assert nominate(union, {**person, **given}).status_code == 302
    data = only_case(app).data
    assert {key: data[key] for key in ("hometown", "occupation", "religion")} == {
        "hometown": "Phường 2, thành phố Đà Lạt",
        "occupation": "Học sinh",
        "religion": "buddhism",
    }
    assert (data["education_level"], data["education_exception"]) == ("primary", "remote_area")
    assert data["trade_union_member"] is False
