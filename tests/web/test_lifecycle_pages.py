"""The pages that end a case, confirm a closing submission and reopen a step, and the
boards' panel of stuck cases: who may (404 unseen, 403 seen but not allowed, 409 closed,
422 no reason), and that nothing is stored before the confirmation."""

from __future__ import annotations

import html as markup
import re

from sqlalchemy import update

from engine.cases import Actor, unit_of_work
from engine.models import Case, WorkItem
from tests.support.driving import (
    DOSSIER,
    STUDENT,
    do,
    event_count,
    factory,
    get_item,
    item_id,
    start,
)
from tests.support.webapp import csrf_token, login
from workflows.admission import rules, steps

ADULT = {"birth_date": rules.add_months(rules.today(), -(19 * 12))}
# Two thirds against: the case closes (fewer either way is voted again).
FAILED = {"official_members": "10", "votes_for": "3", "votes_against": "7"}
PASSED = {"official_members": "10", "votes_for": "7", "votes_against": "3"}
SENTENCE = "3/10 đảng viên chính thức tán thành, dưới 2/3 — hồ sơ sẽ kết thúc: không kết nạp"


def as_user(app, name: str):
    return login(app.test_client(), name)


def at_vote(app) -> tuple[int, int]:
    case = start(app, **ADULT)
    do(app, case, *DOSSIER)
    return case, item_id(app, case, "branch_vote")


def vote(client, item: int, figures: dict, **extra):
    token = csrf_token(client.get(f"/viec/{item}").get_data(True))
    form = {"csrf_token": token, "meeting_date": rules.today(), **figures, **extra}
    return client.post(f"/viec/{item}", data=form)


def case_row(app, case_id: int) -> Case:
    with unit_of_work(factory(app)) as s:
        return s.get(Case, case_id)


def text_of(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)<', html, re.S)
    assert found, name
    return markup.unescape(found.group(1)).strip()


def test_a_vote_below_two_thirds_is_confirmed_before_it_is_stored(app):
    case, item = at_vote(app)
    branch = as_user(app, "cb_tp")
    events = event_count(app, case)
    shown = vote(branch, item, FAILED)
    page = shown.get_data(True)
    assert shown.status_code == 200 and text_of(page, "confirm-sentence") == SENTENCE
    assert event_count(app, case) == events and get_item(app, item).status == "open"
    key = re.search(r'name="confirm" value="([0-9a-f]+)"', page).group(1)

    # "Quay lại sửa": the form again, with what was typed.
    back = vote(branch, item, FAILED, action="edit").get_data(True)
    assert 'data-testid="task-form"' in back and 'name="votes_for"' in back
    assert re.search(r'name="votes_for"[^>]*value="3"', back)
    # A confirmation of another effect stores nothing; this one's stores it.
    assert vote(branch, item, FAILED, confirm="0" * 16).status_code == 200
    assert get_item(app, item).status == "open"
    assert vote(branch, item, FAILED, confirm=key).status_code == 302
    row = case_row(app, case)
    assert (row.status, row.outcome) == ("closed", "not_admitted")


def test_a_passing_vote_needs_no_confirmation(app):
    case, item = at_vote(app)
    assert vote(as_user(app, "cb_tp"), item, PASSED).status_code == 302
    assert item_id(app, case, "appraisal")  # a chi bộ cơ sở: no grassroots vote


def end(client, case: int, **form):
    token = csrf_token(client.get(f"/ho-so/{case}").get_data(True))
    return client.post(f"/ho-so/{case}/ket-thuc", data={"csrf_token": token, **form})


def test_the_case_page_offers_each_user_the_endings_they_may_choose(app):
    case = start(app, **ADULT)
    branch, board = as_user(app, "cb_tp"), as_user(app, "btc")
    offered = re.findall(r'data-testid="end-outcome-(\w+)"', branch.get(f"/ho-so/{case}").text)
    assert offered == ["withdrawn"]
    assert re.findall(r'data-testid="end-outcome-(\w+)"', board.get(f"/ho-so/{case}").text) == [
        "stopped",
        "cancelled",
    ]
    do(app, case, "accept_sympathiser")
    centre = as_user(app, "ttct")  # sees the case (its class task), may not end it
    assert 'data-testid="end-form"' not in centre.get(f"/ho-so/{case}").text
    assert end(centre, case, outcome="stopped", reason="x").status_code == 403
    outsider = as_user(app, "cb_btx")
    assert outsider.get(f"/ho-so/{case}").status_code == 404
    token = csrf_token(outsider.get("/ho-so").get_data(True))
    refused = outsider.post(f"/ho-so/{case}/ket-thuc", data={"csrf_token": token})
    assert refused.status_code == 404


def test_ending_is_confirmed_then_stored_once(app):
    case = start(app, **ADULT)
    branch = as_user(app, "cb_tp")
    events = event_count(app, case)
    missing = end(branch, case, outcome="withdrawn", reason=" ")
    assert missing.status_code == 422 and 'data-testid="error-reason"' in missing.text
    not_ours = end(branch, case, outcome="stopped", reason="Chuyển trường.")
    assert not_ours.status_code == 403
    confirm = end(branch, case, outcome="withdrawn", reason="Đơn xin rút hồ sơ.")
    assert confirm.status_code == 200
    assert text_of(confirm.text, "end-sentence") == "Hồ sơ sẽ kết thúc: Rút hồ sơ."
    assert "Công nhận quần chúng cảm tình Đảng" in confirm.text  # the task it cancels
    assert event_count(app, case) == events and case_row(app, case).status == "active"
    done = end(branch, case, outcome="withdrawn", reason="Đơn xin rút hồ sơ.", confirmed="1")
    assert done.status_code == 302
    row = case_row(app, case)
    assert (row.status, row.outcome) == ("closed", "withdrawn")
    assert event_count(app, case) == events + 1
    page = branch.get(f"/ho-so/{case}").text
    assert text_of(page, "outcome-reason") == "Đơn xin rút hồ sơ."
    assert "Kết thúc hồ sơ có lý do" in page and 'data-testid="end-form"' not in page
    again = end(branch, case, outcome="withdrawn", reason="Lần nữa.", confirmed="1")
    assert again.status_code == 409


def test_the_board_reopens_a_closing_vote(app):
    case, item = at_vote(app)
    branch, board = as_user(app, "cb_tp"), as_user(app, "btc")
    page = vote(branch, item, FAILED).text
    key = re.search(r'name="confirm" value="([0-9a-f]+)"', page).group(1)
    vote(branch, item, FAILED, confirm=key)
    assert 'data-testid="reopen-link"' not in branch.get(f"/ho-so/{case}").text
    assert branch.get(f"/viec/{item}/mo-lai").status_code == 403
    assert as_user(app, "cb_btx").get(f"/viec/{item}/mo-lai").status_code == 404
    assert f"/viec/{item}/mo-lai" in board.get(f"/ho-so/{case}").text
    form = board.get(f"/viec/{item}/mo-lai")
    assert form.status_code == 200 and "Hồ sơ đã kết thúc sẽ được mở lại." in form.text
    token = csrf_token(form.text)
    no_reason = board.post(f"/viec/{item}/mo-lai", data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 422 and case_row(app, case).status == "closed"
    reopened = board.post(
        f"/viec/{item}/mo-lai", data={"csrf_token": token, "reason": "Nhập nhầm số phiếu."}
    )
    assert reopened.status_code == 302 and case_row(app, case).status == "active"
    again = item_id(app, case, "branch_vote")
    assert re.search(r'name="votes_for"[^>]*value="3"', branch.get(f"/viec/{again}").text)
    assert "Đã mở lại để sửa" in branch.get(f"/viec/{item}").text
    assert board.get(f"/viec/{again}/mo-lai").status_code == 409  # not completed


def test_the_boards_see_stuck_cases(app):
    case = start(app, **ADULT)
    board, branch = as_user(app, "btc"), as_user(app, "cb_tp")
    assert 'data-testid="stuck-panel"' not in board.get("/ho-so").text
    with unit_of_work(factory(app)) as s:  # a fault lost the case's inbox row
        s.execute(update(WorkItem).where(WorkItem.case_id == case).values(status="cancelled"))
        s.execute(update(Case).where(Case.id == case).values(status="waiting"))
    listed = board.get("/ho-so").text
    assert re.search(rf'data-testid="stuck-row" data-case-id="{case}"', listed)
    assert "accept_sympathiser" in listed
    assert 'data-testid="stuck-panel"' not in branch.get("/ho-so").text


def test_a_refused_consent_for_over_60_is_confirmed_before_the_case_closes(app):
    over_60 = rules.add_months(rules.today(), -(63 * 12))
    person = {"birth_date": over_60, "youth_union_member": False}
    case = start(app, **person)
    with unit_of_work(factory(app)) as s:
        for step in DOSSIER:  # introduced by two members: far past youth age
            data = steps.step_data(step, rules.today(), {**STUDENT, **person})
            steps.complete_step(s, case, step, data, Actor("clerk"))
    item = item_id(app, case, "province_consent")
    board = as_user(app, "btc")  # the demo tree stops below the province
    token = csrf_token(board.get(f"/viec/{item}").get_data(True))
    form = {
        "csrf_token": token,
        "over_age_consent": "refused",
        "over_age_consent_number": "12-CV/TU",
        "over_age_consent_date": rules.today(),
        "over_age_consent_signer": "Phó Bí thư Thường trực Tỉnh ủy",
    }
    shown = board.post(f"/viec/{item}", data=form)
    assert shown.status_code == 200
    assert text_of(shown.get_data(True), "confirm-sentence") == (
        "Ban Thường vụ tỉnh ủy không đồng ý kết nạp người trên 60 tuổi"
        " — hồ sơ sẽ kết thúc: không kết nạp"
    )
    assert case_row(app, case).status == "active"
    key = re.search(r'name="confirm" value="([0-9a-f]+)"', shown.get_data(True)).group(1)
    assert board.post(f"/viec/{item}", data={**form, "confirm": key}).status_code == 302
    assert (case_row(app, case).status, case_row(app, case).outcome) == ("closed", "not_admitted")


def test_the_political_centre_is_warned_of_a_certificate_that_will_lapse(app):
    # Driving's student waits for the 18th birthday, which is after the certificate's
    # 60 months if it was issued 59 months ago: warned, accepted once confirmed.
    case = start(app)
    do(app, case, "accept_sympathiser")
    item = item_id(app, case, "attend_class")
    centre = as_user(app, "ttct")
    token = csrf_token(centre.get(f"/viec/{item}").get_data(True))
    form = {
        "csrf_token": token,
        "certificate_date": rules.add_months(rules.today(), -59),
        "certificate_number": "12-GCN/TTCT",
    }
    shown = centre.post(f"/viec/{item}", data=form)
    page = shown.get_data(True)
    assert shown.status_code == 200 and get_item(app, item).status == "open"
    assert "phải học lại lớp" in text_of(page, "confirm-sentence")
    key = re.search(r'name="confirm" value="([0-9a-f]+)"', page).group(1)
    assert centre.post(f"/viec/{item}", data={**form, "confirm": key}).status_code == 302
    assert get_item(app, item).status == "completed"
    assert item_id(app, case, "application")  # the value was accepted: the case goes on
