"""A vote below two thirds through the pages: the branch sees what it would do and must
confirm; going back keeps the typed values; the confirmed vote closes the case; the
organisation board reopens the vote with a reason; the corrected vote goes on; the
history keeps both votes. Screenshots of the confirmation page and of the case page's
end and reopen actions, at 1366 and 390 px, for docs/screenshots."""

from __future__ import annotations

import json

from playwright.sync_api import expect
from sqlalchemy import select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import Event, WorkItem
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in
from .flow import fill_fields, step_form, step_name

PERSON = {
    "full_name": "Trần Văn Bình",
    "birth_date": "2005-04-12",
    "gender": "male",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
    "proposer_unit": "DT-THPT-TP",
}
# Up to the branch vote, done through the engine: the pages for them are tested elsewhere.
DOSSIER = (
    "accept_sympathiser",
    "attend_class",
    "application",
    "send_verification",
    "verify_place",
    "certify_history",
    "introduction",
    "mass_org_opinion",
    "residence_opinion",
)
SENTENCE = "5/10 đảng viên chính thức tán thành, dưới 2/3 — hồ sơ sẽ kết thúc: không kết nạp"
WIDE, NARROW = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def at_branch_vote(factory) -> int:
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, PERSON, Actor("dt_tp")).id
    for step in DOSSIER:
        with unit_of_work(factory) as s:
            data = steps.step_data(step, rules.today(), PERSON)
            steps.complete_step(s, case_id, step, data, Actor("clerk"))
    return case_id


def vote_task(factory, case_id: int) -> int:
    with unit_of_work(factory) as s:
        return s.execute(
            select(WorkItem.id).where(
                WorkItem.case_id == case_id,
                WorkItem.step == "branch_vote",
                WorkItem.status == "open",
            )
        ).scalar_one()


def shoot(page, name: str) -> None:
    """A screenshot at 1366 px and one at 390 px, then back to the wide window."""
    page.set_viewport_size(WIDE)
    screenshot(page, name)
    page.set_viewport_size(NARROW)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def vote(page, item: int, votes_for: int, votes_against: int) -> None:
    page.goto(f"/viec/{item}")
    expect(page.get_by_test_id("task-title")).to_have_text(step_name("branch_vote"))
    data = steps.step_data(
        "branch_vote",
        rules.today(),
        PERSON,
        official_members=10,
        votes_for=votes_for,
        votes_against=votes_against,
    )
    fill_fields(page, step_form("branch_vote")["fields"], data)
    page.get_by_test_id("submit-task").click()


def test_a_closing_vote_is_confirmed_reopened_and_corrected(page, live_server, tmp_path):
    factory = engine_db.make_session_factory(
        engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    )
    case_id = at_branch_vote(factory)
    first = vote_task(factory, case_id)

    # 5 of 10: the confirmation page says what it means, nothing is stored yet.
    sign_in(page, "cb_tp")
    vote(page, first, 5, 5)
    expect(page.get_by_test_id("confirm-sentence")).to_have_text(SENTENCE)
    shoot(page, "confirm-close")
    # Back to the form: the values typed are there.
    page.get_by_test_id("confirm-back").click()
    expect(page.locator('[name="votes_for"]')).to_have_value("5")
    expect(page.locator('[name="official_members"]')).to_have_value("10")
    expect(page.get_by_test_id("task-status")).to_have_text("Đang chờ xử lý")
    # Submitted again and confirmed: the case closes, not admitted.
    page.get_by_test_id("submit-task").click()
    page.get_by_test_id("confirm-submit").click()
    expect(page.locator(".alert-success")).to_contain_text(step_name("branch_vote"))
    page.goto(f"/ho-so/{case_id}")
    expect(page.get_by_test_id("case-status")).to_have_text("Đã kết thúc")
    expect(page.get_by_test_id("case-outcome")).to_have_text("Không kết nạp")

    # The organisation board reopens the vote, with a reason.
    sign_in(page, "btc")
    page.goto(f"/ho-so/{case_id}")
    vote_row = page.get_by_test_id("done-step").filter(has_text=step_name("branch_vote"))
    vote_row.get_by_test_id("reopen-link").click()
    expect(page.get_by_test_id("reopen-title")).to_contain_text(step_name("branch_vote"))
    page.get_by_test_id("reopen-reason").fill(
        "Văn thư nhập nhầm: 7 đồng chí tán thành, không phải 5."
    )
    expect(page.get_by_test_id("reopen-effect")).to_contain_text(
        "Hồ sơ đã kết thúc sẽ được mở lại."
    )
    shoot(page, "reopen")
    page.get_by_test_id("reopen-confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã mở lại bước")
    expect(page.get_by_test_id("case-status")).to_have_text("Đang xử lý")
    expect(page.get_by_test_id("end-form")).to_be_visible()
    page.get_by_test_id("history").locator("summary").click()
    shoot(page, "case-actions")

    # The branch corrects the vote: the earlier values are offered, 7 of 10 goes on.
    sign_in(page, "cb_tp")
    second = vote_task(factory, case_id)
    assert second != first
    page.goto(f"/viec/{second}")
    expect(page.locator('[name="votes_for"]')).to_have_value("5")
    vote(page, second, 7, 3)
    expect(page.locator(".alert-success")).to_contain_text(step_name("branch_vote"))
    page.goto(f"/ho-so/{case_id}")
    expect(page.get_by_test_id("open-task")).to_contain_text(step_name("appraisal"))

    # The history shows both votes and the reopening; nothing was deleted.
    page.get_by_test_id("history").locator("summary").click()
    lines = page.get_by_test_id("history-line")
    expect(lines.filter(has_text="Hoàn thành việc: " + step_name("branch_vote"))).to_have_count(2)
    expect(lines.filter(has_text="Mở lại bước để sửa")).to_contain_text("nhập nhầm")
    with unit_of_work(factory) as s:
        votes = [
            json.loads(e.data)["submitted"]["votes_for"]
            for e in s.execute(
                select(Event).where(Event.case_id == case_id).order_by(Event.seq)
            ).scalars()
            if e.kind == "task_completed" and json.loads(e.data)["step"] == "branch_vote"
        ]
        statuses = s.execute(
            select(WorkItem.status)
            .where(WorkItem.case_id == case_id, WorkItem.step == "branch_vote")
            .order_by(WorkItem.id)
        ).scalars()
        assert votes == [5, 7] and list(statuses) == ["reopened", "completed"]
