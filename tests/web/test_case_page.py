"""The case page (where the case stands, what it waits for, what was done) and the list
of cases a user may see."""

from __future__ import annotations

import re
from datetime import date

from tests.support.driving import DOSSIER, STUDENT, do, item_id, open_items, start
from tests.support.webapp import csrf_token
from workflows.admission import rules

from .test_inbox import as_user


def case_rows(response) -> list[int]:
    html = response.get_data(True)
    return [int(n) for n in re.findall(r'data-testid="case-row" data-case-id="(\d+)"', html)]


def test_case_page_shows_open_tasks_steps_done_and_history(app):
    case = start(app)
    cb = as_user(app, "cb_tp")
    item = item_id(app, case, "accept_sympathiser")
    token = csrf_token(cb.get(f"/viec/{item}").get_data(True))
    cb.post(f"/viec/{item}/nhan", data={"csrf_token": token})
    html = cb.get(f"/ho-so/{case}").get_data(True)
    assert re.search(r'data-testid="case-status">Đang xử lý<', html)
    [row] = re.findall(r'<tr data-testid="open-task".*?</tr>', html, re.S)
    assert "Chi bộ Trường THPT Trần Phú" in row and "CB_TP" in row

    do(app, case, "accept_sympathiser", who="cb_tp")
    html = cb.get(f"/ho-so/{case}").get_data(True)
    [done] = re.findall(r'<tr data-testid="done-step">.*?</tr>', html, re.S)
    assert "Công nhận quần chúng cảm tình Đảng" in done and "CB_TP" in done
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", done)
    [row] = re.findall(r'<tr data-testid="open-task".*?</tr>', html, re.S)
    assert "Trung tâm Chính trị thành phố Đà Lạt" in row and "Chưa ai nhận" in row
    assert '<details class="mb-4" data-testid="history">' in html
    assert html.count('data-testid="history-line"') >= 5 and "Mở hồ sơ" in html


def test_a_student_under_18_waits_for_the_birthday(app):
    case = start(app)
    do(app, case, *DOSSIER)
    assert open_items(app, case) == []
    html = as_user(app, "cb_tp").get(f"/ho-so/{case}").get_data(True)
    birthday = date.fromisoformat(rules.eighteenth_birthday(STUDENT["birth_date"]))
    assert re.search(r'data-testid="case-status">Đang chờ<', html)
    [timer] = re.findall(r'data-testid="timer">(.*?)</li>', html, re.S)
    assert f"{birthday:%d/%m/%Y} 00:00" in timer and "Đủ 18 tuổi" in timer
    assert "Chờ người vào Đảng đủ 18 tuổi" in html  # the reason, from the data
    assert html.count('data-testid="done-step"') == len(DOSSIER)


def test_case_page_is_404_outside_what_the_user_sees(app):
    case = start(app)
    for name in ("cb_btx", "designer", "admin", "ttct"):
        assert as_user(app, name).get(f"/ho-so/{case}").status_code == 404, name
    for name in ("cb_tp", "btc", "btv", "auditor"):
        assert as_user(app, name).get(f"/ho-so/{case}").status_code == 200, name
    assert as_user(app, "cb_tp").get("/ho-so/424242").status_code == 404


def test_case_list_shows_the_cases_the_user_sees(app):
    an = start(app, full_name="Nguyễn Văn An")
    binh = start(app, full_name="Trần Thị Bình", category="other")
    other = start(app, full_name="Lê Văn Cường", branch="THPT-BTX", proposer_unit="DT-THPT-BTX")
    cb = as_user(app, "cb_tp")
    assert sorted(case_rows(cb.get("/ho-so"))) == [an, binh]
    assert case_rows(as_user(app, "cb_btx").get("/ho-so")) == [other]
    assert sorted(case_rows(as_user(app, "auditor").get("/ho-so"))) == [an, binh, other]
    assert case_rows(as_user(app, "designer").get("/ho-so")) == []
    assert case_rows(cb.get("/ho-so?q=nguyen+van+an")) == [an]
    assert case_rows(cb.get("/ho-so?category=other")) == [binh]
    assert case_rows(cb.get("/ho-so?status=closed")) == []
    assert sorted(case_rows(cb.get("/ho-so?status=active"))) == [an, binh]


def test_case_list_pages(app):
    app.config["PAGE_SIZE"] = 2
    made = [start(app, full_name=name) for name in ("An", "Bình", "Cường")]
    cb = as_user(app, "cb_tp")
    first, second = cb.get("/ho-so"), cb.get("/ho-so?page=2")
    assert len(case_rows(first)) == 2 and len(case_rows(second)) == 1
    assert sorted(case_rows(first) + case_rows(second)) == sorted(made)
    assert 'href="/ho-so?page=2"' in first.get_data(True)
