""" "Hồ sơ tôi giới thiệu": a Youth Union's list of its nominations only (search,
pages), the read-only page with where the case stands, and correcting the start data
with a confirmation until the branch acted (409 after); 404 for another unit."""

from __future__ import annotations

from engine.cases import unit_of_work
from engine.models import Case
from tests.support.api import adult, api_as, start
from tests.support.driving import do, event_count, factory
from tests.support.webapp import csrf_token, login


def as_user(app, name: str):
    return login(app.test_client(), name)


def case_row(app, case_id: int) -> Case:
    with unit_of_work(factory(app)) as s:
        return s.get(Case, case_id)


def nominate(app, name: str) -> int:
    return start(api_as(app, "dt_tp"), adult(full_name=name))["id"]


def test_the_list_shows_the_units_nominations_only_with_where_they_stand(app):
    ours = [nominate(app, f"Trần Văn Số {n}") for n in range(3)]
    # A case proposed by the branch itself is no nomination of the Youth Union.
    by_branch = {k: v for k, v in adult(full_name="Lê Thị Khác").items() if k != "proposer_unit"}
    other = start(api_as(app, "cb_tp"), by_branch)["id"]
    youth = as_user(app, "dt_tp")
    home = youth.get("/").get_data(True)
    assert 'data-testid="nav-proposals"' in home
    assert 'data-testid="nav-proposals"' not in as_user(app, "cb_tp").get("/").get_data(True)
    page = youth.get("/ho-so-gioi-thieu").get_data(True)
    assert page.count('data-testid="proposal-row"') == 3
    assert f'data-case-id="{other}"' not in page
    # Where each stands: its open step and the unit holding it (this step has no due date).
    row = page.split(f'data-case-id="{ours[0]}"')[1].split("</tr>")[0]
    assert "Công nhận quần chúng cảm tình Đảng" in row and "Chi bộ Trường THPT Trần Phú" in row
    found = youth.get("/ho-so-gioi-thieu?q=so 1").get_data(True)
    assert found.count('data-testid="proposal-row"') == 1 and f'data-case-id="{ours[1]}"' in found
    app.config["PAGE_SIZE"] = 2
    second = youth.get("/ho-so-gioi-thieu?page=2").get_data(True)
    assert second.count('data-testid="proposal-row"') == 1
    assert as_user(app, "cb_tp").get("/ho-so-gioi-thieu").status_code == 404


def test_the_proposer_corrects_the_start_data_after_a_confirmation(app):
    case = nominate(app, "Nguyễn Thị Minh Anh")
    youth = as_user(app, "dt_tp")
    page = youth.get(f"/ho-so-gioi-thieu/{case}").get_data(True)
    assert 'data-testid="correction-form"' in page and 'data-testid="proposal-work"' in page
    form = {"csrf_token": csrf_token(page), **{k: v for k, v in adult().items() if v is not None}}
    form = {k: ("true" if v is True else v) for k, v in form.items() if v is not False}
    form.pop("proposer_unit", None)
    form["full_name"] = "Nguyễn Thị Minh Ánh"
    events = event_count(app, case)
    shown = youth.post(f"/ho-so-gioi-thieu/{case}", data=form)
    html = shown.get_data(True)
    assert shown.status_code == 200, html
    assert 'data-testid="correction-confirm-box"' in html and "Nguyễn Thị Minh Ánh" in html
    assert event_count(app, case) == events and case_row(app, case).title == "Nguyễn Thị Minh Anh"
    saved = youth.post(f"/ho-so-gioi-thieu/{case}", data={**form, "confirmed": "1"})
    assert saved.status_code == 302 and case_row(app, case).title == "Nguyễn Thị Minh Ánh"
    assert event_count(app, case) == events + 1
    # Another unit's reviewer: as if the case did not exist.
    assert as_user(app, "cb_btx").get(f"/ho-so-gioi-thieu/{case}").status_code == 404
    assert as_user(app, "cb_tp").get(f"/ho-so-gioi-thieu/{case}").status_code == 404
    # Once the branch acted: read-only, and a correction answers 409.
    do(app, case, "accept_sympathiser")
    page = youth.get(f"/ho-so-gioi-thieu/{case}").get_data(True)
    assert 'data-testid="correction-closed"' in page and 'data-testid="correction-form"' not in page
    late = youth.post(f"/ho-so-gioi-thieu/{case}", data={**form, "full_name": "Khác"})
    assert late.status_code == 409 and case_row(app, case).title == "Nguyễn Thị Minh Ánh"


def test_the_proposer_page_shows_no_personal_history(app):
    case = nominate(app, "Nguyễn Thị Minh Anh")
    do(app, case, "accept_sympathiser", "attend_class", "application")
    page = as_user(app, "dt_tp").get(f"/ho-so-gioi-thieu/{case}").get_data(True)
    history = case_row(app, case).data
    assert history.get("relatives"), "the application step declares the relatives"
    for relative in history["relatives"]:
        assert relative["full_name"] not in page
