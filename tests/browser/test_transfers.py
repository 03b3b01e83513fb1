"""Transfers and the proposer's list through the pages: the organisation board sends a
case to another school's branch and confirms; sent to another committee, the case shows
the transfer waiting and Bảo Lộc's board accepts it from its inbox; the Youth Union
follows its nominations and corrects a name after a confirmation. Screenshots at 1366
and 390 px for docs/screenshots (transfer-*.png, proposer-*.png)."""

from __future__ import annotations

from playwright.sync_api import expect

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from tests.support.second_committee import add_second_committee
from tests.support.webapp import DB_FILE, password
from web.accounts import create_user
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in

PERSON = {
    "full_name": "Phạm Thị Thu Hà",
    "birth_date": "2005-04-12",
    "gender": "female",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
    "proposer_unit": "DT-THPT-TP",
}
WIDE, NARROW = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    page.set_viewport_size(WIDE)
    screenshot(page, name)
    page.set_viewport_size(NARROW)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def factory_of(tmp_path):
    return engine_db.make_session_factory(engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}"))


def started(factory, *done: str, **person) -> int:
    data = {**PERSON, **person}
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, data, Actor("dt_tp")).id
    for step in done:
        with unit_of_work(factory) as s:
            steps.complete_step(
                s, case_id, step, steps.step_data(step, rules.today(), data), Actor("clerk")
            )
    return case_id


def send(page, case_id: int, branch: str, reason: str) -> None:
    page.goto(f"/ho-so/{case_id}")
    page.get_by_test_id("transfer-to").select_option(branch)
    page.get_by_test_id("transfer-reason").fill(reason)
    page.get_by_test_id("transfer-submit").click()


def test_a_board_transfers_a_case_and_another_committee_accepts_one(page, live_server, tmp_path):
    factory = factory_of(tmp_path)
    add_second_committee(factory)
    with unit_of_work(factory) as s:
        create_user(
            s,
            "btc_bl",
            password("btc_bl"),
            full_name="BTC_BL",
            memberships=[("BTC-BL", "reviewer")],
        )
    inside = started(factory)
    sign_in(page, "btc")
    send(page, inside, "THPT-BTX", "Học sinh chuyển trường theo nguyện vọng của gia đình.")
    expect(page.get_by_test_id("transfer-sentence")).to_have_text(
        "Hồ sơ sẽ chuyển từ Chi bộ Trường THPT Trần Phú sang Chi bộ Trường THPT Bùi Thị Xuân."
    )
    expect(page.get_by_test_id("transfer-at-once")).to_be_visible()
    shoot(page, "transfer-confirm")
    # Going back stores nothing.
    page.get_by_test_id("transfer-back").click()
    expect(page.get_by_test_id("open-task")).to_contain_text("Chi bộ Trường THPT Trần Phú")
    send(page, inside, "THPT-BTX", "Học sinh chuyển trường theo nguyện vọng của gia đình.")
    page.get_by_test_id("transfer-confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã chuyển hồ sơ")
    expect(page.get_by_test_id("open-task")).to_contain_text("Chi bộ Trường THPT Bùi Thị Xuân")

    # To another committee: the case waits for Bảo Lộc's organisation board.
    across = started(factory, "accept_sympathiser", full_name="Lê Hoàng Nam")
    send(page, across, "THPT-BL", "Gia đình chuyển đến Bảo Lộc.")
    expect(page.get_by_test_id("transfer-needs-acceptance")).to_contain_text("Thành ủy Bảo Lộc")
    page.get_by_test_id("transfer-confirm").click()
    expect(page.get_by_test_id("transfer-pending")).to_contain_text("Chi bộ Trường THPT Bảo Lộc")
    shoot(page, "transfer-pending")

    sign_in(page, "btc_bl")
    page.goto("/")
    page.get_by_role("link", name="Tiếp nhận hồ sơ chuyển đến").click()
    expect(page.get_by_test_id("answer-title")).to_contain_text("Lê Hoàng Nam")
    page.get_by_test_id("answer-submit").click()  # no helper named yet
    expect(page.get_by_test_id("error-helper_name")).to_be_visible()
    page.get_by_test_id("helper-name").fill("Nguyễn Văn Hải")
    shoot(page, "transfer-answer")
    page.get_by_test_id("answer-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tiếp nhận hồ sơ")
    page.goto(f"/ho-so/{across}")
    expect(page.get_by_test_id("case-summary")).to_contain_text("Chi bộ Trường THPT Bảo Lộc")
    # The class moved with it, to Bảo Lộc's political centre.
    expect(page.get_by_test_id("open-task")).to_contain_text("Bảo Lộc")
    expect(page.get_by_test_id("transfer-pending")).to_have_count(0)
    expect(page.get_by_test_id("document-mau-17a-pdf")).to_be_visible()


def test_the_youth_union_follows_and_corrects_its_nominations(page, live_server, tmp_path):
    factory = factory_of(tmp_path)
    fresh = started(factory, full_name="Đỗ Minh Chau")
    started(factory, "accept_sympathiser", full_name="Vũ Thị Lan")
    sign_in(page, "dt_tp")
    page.get_by_test_id("nav-proposals").click()
    rows = page.get_by_test_id("proposal-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Vũ Thị Lan")).to_contain_text("Trung tâm Chính trị")
    shoot(page, "proposer-list")
    page.get_by_role("link", name="Đỗ Minh Chau").click()
    page.locator('[name="full_name"]').fill("Đỗ Minh Châu")
    page.get_by_test_id("correction-submit").click()
    expect(page.get_by_test_id("correction-changes")).to_contain_text("Đỗ Minh Châu")
    shoot(page, "proposer-correct")
    page.get_by_test_id("correction-confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã sửa thông tin ban đầu")
    expect(page.get_by_test_id("proposal-title")).to_have_text("Đỗ Minh Châu")
    page.goto("/ho-so-gioi-thieu")
    expect(rows.filter(has_text="Đỗ Minh Châu")).to_have_attribute("data-case-id", str(fresh))
