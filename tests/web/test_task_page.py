"""The task page: who sees it and how, the form rendered from its JSON, server-side
validation (422, nothing changed), a completion that lost the race (409), list fields."""

from __future__ import annotations

import re

from engine import audit
from engine.cases import unit_of_work
from tests.support.driving import do, event_count, factory, get_item, item_id, open_items, start
from tests.support.webapp import csrf_token

from .test_inbox import add_reviewer, as_user

TODAY_FORM = {"sympathiser_date": "2025-09-08", "helper_name": "Trần Thị Thu Hằng"}


def submit(client, item: int, data: dict):
    page = client.get(f"/viec/{item}")
    return client.post(
        f"/viec/{item}", data={"csrf_token": csrf_token(page.get_data(True)), **data}
    )


def test_reviewer_of_the_unit_gets_the_form(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    page = as_user(app, "cb_tp").get(f"/viec/{item}")
    html = page.get_data(True)
    assert page.status_code == 200
    assert "Công nhận quần chúng cảm tình Đảng" in html  # form title
    assert 'data-testid="task-instructions"' in html  # its description
    assert re.search(r'name="sympathiser_date"[^>]*data-date-input', html)  # typed dd/mm/yyyy
    assert 'data-testid="submit-task"' in html and 'data-testid="case-status"' in html
    assert "Nguyễn Văn An" in html and "Chi bộ Trường THPT Trần Phú" in html


def test_task_looks_absent_to_other_units_and_designers(app):
    item = item_id(app, start(app), "accept_sympathiser")
    for name in ("cb_btx", "designer", "admin", "ttct"):
        client = as_user(app, name)
        assert client.get(f"/viec/{item}").status_code == 404, name
        assert client.post(f"/viec/{item}", data={}).status_code in (400, 404), name
    assert as_user(app, "cb_btx").get("/viec/99999").status_code == 404


def test_others_who_see_the_case_read_it_only(app):
    item = item_id(app, start(app), "accept_sympathiser")
    for name in ("btc", "auditor"):
        page = as_user(app, name).get(f"/viec/{item}").get_data(True)
        assert 'data-testid="read-only"' in page and 'data-testid="submit-task"' not in page
        assert 'name="sympathiser_date"' not in page


def test_invalid_submission_is_422_with_field_errors_and_changes_nothing(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    before = event_count(app, case)
    response = submit(
        as_user(app, "cb_tp"),
        item,
        {"sympathiser_date": "31/02/2025", "helper_name": "Lê Văn Phúc"},
    )
    html = response.get_data(True)
    assert response.status_code == 422
    assert re.search(r'data-testid="error-sympathiser_date"[^>]*>\s*Ngày không hợp lệ', html)
    assert 'value="Lê Văn Phúc"' in html  # what was typed is kept
    assert 'value="31/02/2025"' in html  # the impossible date too, to correct it
    assert get_item(app, item).status == "open" and event_count(app, case) == before


def test_valid_submission_completes_and_moves_the_case_on(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    response = submit(as_user(app, "cb_tp"), item, TODAY_FORM)
    assert response.status_code == 302 and response.location.endswith("/")
    done = get_item(app, item)
    assert (done.status, done.completed_by) == ("completed", "cb_tp")
    assert [(i.step, i.unit) for i in open_items(app, case)] == [("attend_class", "TTCT-DL")]
    page = as_user(app, "cb_tp").get(f"/viec/{item}").get_data(True)
    assert 'data-testid="read-only"' in page and "Trần Thị Thu Hằng" in page  # as submitted
    assert "08/09/2025" in page


def test_completed_meanwhile_is_409_and_changes_nothing(app):
    add_reviewer(app, "cb_tp2", "THPT-TP")
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    late = as_user(app, "cb_tp2")
    token = csrf_token(late.get(f"/viec/{item}").get_data(True))  # the form is open...
    assert submit(as_user(app, "cb_tp"), item, TODAY_FORM).status_code == 302
    before = event_count(app, case)
    response = late.post(
        f"/viec/{item}", data={"csrf_token": token, **TODAY_FORM, "helper_name": "Người khác"}
    )
    html = response.get_data(True)
    assert response.status_code == 409
    assert "đã được CB_TP hoàn thành" in html and "Không có gì được lưu" in html
    assert event_count(app, case) == before
    with unit_of_work(factory(app)) as s:
        [completed] = [e for e in audit.history(s, case) if e.kind == "task_completed"]
        assert "Người khác" not in completed.data


def test_task_claimed_by_a_colleague_is_read_only_and_refused(app):
    add_reviewer(app, "cb_tp2", "THPT-TP")
    item = item_id(app, start(app), "accept_sympathiser")
    cb = as_user(app, "cb_tp")
    token = csrf_token(cb.get(f"/viec/{item}").get_data(True))
    assert cb.post(f"/viec/{item}/nhan", data={"csrf_token": token}).status_code == 302
    colleague = as_user(app, "cb_tp2")
    page = colleague.get(f"/viec/{item}").get_data(True)
    assert 'data-testid="submit-task"' not in page and "đang do CB_TP nhận xử lý" in page
    assert submit(colleague, item, TODAY_FORM).status_code == 409
    assert get_item(app, item).status == "open"


def test_list_fields_render_row_slots_and_parse_back(app):
    case = start(app)
    do(app, case, "accept_sympathiser", "attend_class")
    item = item_id(app, case, "application")
    cb = as_user(app, "cb_tp")
    html = cb.get(f"/viec/{item}").get_data(True)
    assert 'name="relatives-0-full_name"' in html and 'name="relatives-2-full_name"' in html
    base = {
        "application_date": "2025-09-08",
        "history_date": "2025-09-08",
        "history_fully_declared": "false",
        "hometown": "Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
        "occupation": "Học sinh",
        "education_level": "upper_secondary",
        "religion": "none",
    }
    father = {
        "relatives-0-relation": "father",
        "relatives-0-full_name": "Nguyễn Văn Hòa",
        "relatives-0-party_member": "false",
        "relatives-0-place_unit": "P1",
    }
    # Row 1 left empty, row 2 half filled: its error is reported as the 2nd entry's.
    response = submit(
        cb, item, {**base, **father, "relatives-1-full_name": "", "relatives-2-relation": "mother"}
    )
    html = response.get_data(True)
    assert response.status_code == 422
    assert 'data-testid="error-relatives-1-full_name"' in html
    assert 'data-testid="error-relatives-0-full_name"' not in html
    assert submit(cb, item, {**base, **father}).status_code == 302
    with unit_of_work(factory(app)) as s:
        from engine.models import Case

        relatives = s.get(Case, case).data["relatives"]
    assert relatives == [
        {
            "relation": "father",
            "full_name": "Nguyễn Văn Hòa",
            "party_member": False,
            "place_kind": "tree",  # left blank: a place of the tree, its default
            "place_unit": "P1",
        }
    ]


def test_user_data_is_escaped(app):
    case = start(app, full_name="<script>alert(1)</script>")
    item = item_id(app, case, "accept_sympathiser")
    html = as_user(app, "cb_tp").get(f"/viec/{item}").get_data(True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
