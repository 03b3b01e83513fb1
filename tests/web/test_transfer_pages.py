"""Transfers on the case page, the receiving board's answer page, and the API: who may
(404 unseen, 403 seen but not allowed), 422 for a unit that is no branch or no reason,
409 for a closed case or a transfer already waiting; nothing stored before the
confirmation."""

from __future__ import annotations

from engine import stuck
from engine.cases import unit_of_work
from engine.models import Case
from tests.support.api import adult, api_as, start
from tests.support.driving import do, event_count, factory, item_id
from tests.support.second_committee import add_second_committee
from tests.support.webapp import csrf_token, login, password
from web.accounts import create_user

REASON = "Gia đình chuyển đến Bảo Lộc."


def as_user(app, name: str):
    return login(app.test_client(), name)


def case_row(app, case_id: int) -> Case:
    with unit_of_work(factory(app)) as s:
        return s.get(Case, case_id)


def with_bao_loc(app) -> None:
    """Thành ủy Bảo Lộc beside Đà Lạt, and a reviewer of its organisation board."""
    add_second_committee(factory(app))
    with unit_of_work(factory(app)) as s:
        create_user(
            s,
            "btc_bl",
            password("btc_bl"),
            full_name="BTC_BL",
            memberships=[("BTC-BL", "reviewer")],
        )


def send(client, case_id: int, to_unit: str, reason: str = REASON, **extra):
    token = csrf_token(client.get(f"/ho-so/{case_id}").get_data(True))
    form = {"csrf_token": token, "to_unit": to_unit, "reason": reason, **extra}
    return client.post(f"/ho-so/{case_id}/chuyen", data=form)


def no_stuck_case(app) -> None:
    with unit_of_work(factory(app)) as s:
        assert stuck.stuck_cases(s) == []


def test_the_board_confirms_a_transfer_inside_the_committee(app):
    case = start(api_as(app, "dt_tp"), adult())["id"]
    board = as_user(app, "btc")
    page = board.get(f"/ho-so/{case}").get_data(True)
    assert 'data-testid="transfer-form"' in page and "THPT-BTX" in page
    assert 'data-testid="transfer-form"' not in as_user(app, "cb_tp").get(
        f"/ho-so/{case}"
    ).get_data(True)
    events = event_count(app, case)
    shown = send(board, case, "THPT-BTX")
    html = shown.get_data(True)
    assert shown.status_code == 200 and 'data-testid="transfer-at-once"' in html
    assert (
        "Hồ sơ sẽ chuyển từ Chi bộ Trường THPT Trần Phú sang Chi bộ Trường THPT Bùi Thị Xuân"
        in html
    )
    assert event_count(app, case) == events and case_row(app, case).data["branch"] == "THPT-TP"
    done = send(board, case, "THPT-BTX", confirmed="1")
    assert done.status_code == 302
    row = case_row(app, case)
    assert row.data["branch"] == "THPT-BTX" and row.unit == "THPT-BTX"
    history = board.get(f"/ho-so/{case}").get_data(True)
    assert "Chuyển hồ sơ sang chi bộ khác" in history and REASON in history
    no_stuck_case(app)


def test_transfer_form_errors_and_who_may(app):
    case = start(api_as(app, "dt_tp"), adult())["id"]
    board = as_user(app, "btc")
    assert send(as_user(app, "cb_btx"), case, "THPT-BTX").status_code == 404
    assert send(as_user(app, "cb_tp"), case, "THPT-BTX").status_code == 403
    for to_unit, reason, field in (("P1", REASON, "to_unit"), ("THPT-BTX", " ", "reason")):
        refused = send(board, case, to_unit, reason)
        assert refused.status_code == 422 and f'data-testid="error-{field}"' in refused.get_data(
            True
        )
    assert case_row(app, case).data["branch"] == "THPT-TP"


def test_across_committees_the_receiving_board_answers_from_its_inbox(app):
    with_bao_loc(app)
    case = start(api_as(app, "dt_tp"), adult())["id"]
    do(app, case, "accept_sympathiser")
    board = as_user(app, "btc")
    shown = send(board, case, "THPT-BL").get_data(True)
    assert 'data-testid="transfer-needs-acceptance"' in shown and "Thành ủy Bảo Lộc" in shown
    assert send(board, case, "THPT-BL", confirmed="1").status_code == 302
    assert 'data-testid="transfer-pending"' in board.get(f"/ho-so/{case}").get_data(True)
    # A second transfer waits for the answer.
    assert send(board, case, "THPT-BTX", confirmed="1").status_code == 409
    receiver = as_user(app, "btc_bl")
    inbox = receiver.get("/").get_data(True)
    assert "Tiếp nhận hồ sơ chuyển đến" in inbox
    task = item_id(app, case, "accept_transfer")
    assert receiver.get(f"/viec/{task}").headers["Location"].endswith(f"/viec/{task}/tiep-nhan")
    page = receiver.get(f"/viec/{task}/tiep-nhan").get_data(True)
    assert 'data-testid="answer-form"' in page and REASON in page
    assert as_user(app, "cb_btx").get(f"/viec/{task}/tiep-nhan").status_code == 404
    token = csrf_token(page)
    answer = {"csrf_token": token, "decision": "accept", "helper_name": ""}
    missing = receiver.post(f"/viec/{task}/tiep-nhan", data=answer)
    assert missing.status_code == 422 and 'data-testid="error-helper_name"' in missing.get_data(
        True
    )
    # The sending board sees the task but is not the receiving board.
    own = csrf_token(board.get(f"/viec/{task}/tiep-nhan").get_data(True))
    assert board.post(
        f"/viec/{task}/tiep-nhan", data={**answer, "csrf_token": own}
    ).status_code == (403)
    answer["helper_name"] = "Lê Văn Hải"
    assert receiver.post(f"/viec/{task}/tiep-nhan", data=answer).status_code == 302
    row = case_row(app, case)
    assert row.data["branch"] == "THPT-BL" and row.data["helper_name"] == "Lê Văn Hải"
    assert receiver.post(f"/viec/{task}/tiep-nhan", data=answer).status_code == 409
    case_page = receiver.get(f"/ho-so/{case}").get_data(True)
    assert "Tiếp nhận hồ sơ chuyển đến" in case_page and 'data-testid="document-mau-17a-pdf"' in (
        case_page
    )
    assert receiver.get(f"/bao-cao/van-ban/{case}/mau-17a.docx").status_code == 200
    no_stuck_case(app)


def test_transfers_through_the_api(app):
    with_bao_loc(app)
    case = start(api_as(app, "dt_tp"), adult())["id"]
    path = f"/api/v1/cases/{case}/transfer"
    board = api_as(app, "btc")
    body = {"to_unit": "THPT-BL", "reason": REASON}
    assert api_as(app, "cb_btx").post(path, json=body).status_code == 404
    assert api_as(app, "cb_tp").post(path, json=body).status_code == 403
    for to_unit in ("NOPE", "P1", "DT-THPT-BTX"):
        bad = board.post(path, json={"to_unit": to_unit, "reason": REASON})
        assert bad.status_code == 422 and "to_unit" in bad.get_json()["fields"], to_unit
    assert board.post(path, json={"to_unit": "THPT-BL"}).status_code == 422
    sent = board.post(path, json=body)
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["data"]["transfer"]["status"] == "pending"
    assert board.post(path, json=body).status_code == 409  # already waiting
    answer = f"/api/v1/cases/{case}/transfer/answer"
    assert board.post(answer, json={"decision": "refuse", "reason": "x"}).status_code == 403
    receiver = api_as(app, "btc_bl")
    assert receiver.post(answer, json={"decision": "refuse"}).status_code == 422
    refused = receiver.post(answer, json={"decision": "refuse", "reason": "Chưa nhận."})
    assert refused.status_code == 200
    assert refused.get_json()["data"]["transfer"]["status"] == "refused"
    assert refused.get_json()["data"]["branch"] == "THPT-TP"
    assert receiver.post(answer, json={"decision": "refuse", "reason": "x"}).status_code == 409
    # Inside the committee it moves at once; a closed case moves no more.
    moved = board.post(path, json={"to_unit": "THPT-BTX", "reason": REASON}).get_json()
    assert moved["data"]["branch"] == "THPT-BTX" and moved["unit"] == "THPT-BTX"
    ended = board.post(f"/api/v1/cases/{case}/end", json={"outcome": "stopped", "reason": "Dừng."})
    assert ended.status_code == 200
    assert board.post(path, json=body).status_code == 409


def test_after_a_move_inside_the_committee_the_new_branch_names_the_helper(app):
    case = start(api_as(app, "dt_tp"), adult())["id"]
    do(app, case, "accept_sympathiser")
    board = as_user(app, "btc")
    assert send(board, case, "THPT-BTX", confirmed="1").status_code == 302
    task = item_id(app, case, "reassign_after_transfer")
    branch = as_user(app, "cb_btx")
    assert branch.get(f"/viec/{task}").headers["Location"].endswith(f"/viec/{task}/tiep-nhan")
    page = branch.get(f"/viec/{task}/tiep-nhan").get_data(True)
    assert 'data-testid="reassign-intro"' in page and 'data-testid="decision-accept"' not in page
    form = {"csrf_token": csrf_token(page), "helper_name": "Lê Văn Hải"}
    # The old branch still sees the case, so the task, but has nothing to fill in.
    seen = as_user(app, "cb_tp").get(f"/viec/{task}/tiep-nhan")
    assert seen.status_code == 200 and 'data-testid="answer-form"' not in seen.get_data(True)
    assert branch.post(f"/viec/{task}/tiep-nhan", data=form).status_code == 302
    assert case_row(app, case).data["helper_name"] == "Lê Văn Hải"
    assert branch.post(f"/viec/{task}/tiep-nhan", data=form).status_code == 409
    no_stuck_case(app)
