"""The evidence where the decision is made: the standing board's decision page shows
both votes with their share of all members, the appraisal and the 60-working-day
deadline; the branch's vote page shows the certificate, the introducers and the
verification answers. A reviewer of another branch gets 404, panel and all.
Screenshots at 1366 and 390 px for docs/screenshots."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import WorkItem
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in

PERSON = {
    "full_name": "Lê Thị Thu Hà",
    "birth_date": "2005-02-20",
    "gender": "female",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
    "proposer_unit": "DT-THPT-TP",
}
TO_BRANCH_VOTE = (
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
WIDE, NARROW = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def walked(tmp_path, through: tuple[str, ...]) -> tuple[int, str]:
    """A case walked through ``through`` by the engine; (case id, today as dd/mm/yyyy)."""
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    factory = engine_db.make_session_factory(engine)
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, PERSON, Actor("dt_tp")).id
    for step in through:
        with unit_of_work(factory) as s:
            data = steps.step_data(step, rules.today(), PERSON)
            steps.complete_step(s, case_id, step, data, Actor("clerk"))
    with unit_of_work(factory) as s:
        item = s.execute(
            select(WorkItem.id).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalar_one()
    engine.dispose()
    return item, date.fromisoformat(rules.today()).strftime("%d/%m/%Y")


def shoot(page, name: str) -> None:
    page.set_viewport_size(WIDE)
    screenshot(page, name)
    page.set_viewport_size(NARROW)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def test_decision_page_shows_both_votes_the_appraisal_and_the_deadline(page, tmp_path):
    item, today = walked(tmp_path, (*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal"))
    sign_in(page, "btv")
    page.goto(f"/viec/{item}")
    panel = page.get_by_test_id("evidence")
    expect(panel).to_be_visible()
    groups = panel.get_by_test_id("evidence-group")
    branch = groups.filter(has_text="Chi bộ xét, biểu quyết đề nghị kết nạp")
    expect(branch).to_contain_text("Ngày họp chi bộ")
    expect(branch).to_contain_text(today)
    expect(branch).to_contain_text(
        "8/9 đảng viên chính thức tán thành (88,9 %), 1 không tán thành (11,1 %)"
    )
    grassroots = groups.filter(has_text="Đảng ủy cơ sở xét, biểu quyết đề nghị kết nạp")
    expect(grassroots).to_contain_text("7/7 cấp ủy viên tán thành (100,0 %)")
    appraisal = groups.filter(has_text="Thẩm định hồ sơ đề nghị kết nạp")
    expect(appraisal).to_contain_text("Kết quả thẩm định")
    expect(appraisal).to_contain_text("Đủ điều kiện, đề nghị kết nạp")  # the choice's label
    expect(panel).to_contain_text("Hạn quyết định (60 ngày làm việc từ ngày chi bộ họp)")
    expect(panel).to_contain_text("còn 60 ngày làm việc")
    expect(panel).to_contain_text("Nghị quyết chi bộ đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)")
    expect(panel).not_to_contain_text("sufficient")
    shoot(page, "evidence-decision")

    # Personal data: a reviewer of another school's branch does not see the task at all.
    sign_in(page, "cb_btx")
    response = page.goto(f"/viec/{item}")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("evidence")).to_have_count(0)


def test_branch_vote_page_shows_certificate_introducers_and_verification(page, tmp_path):
    item, today = walked(tmp_path, TO_BRANCH_VOTE)
    sign_in(page, "cb_tp")
    page.goto(f"/viec/{item}")
    panel = page.get_by_test_id("evidence")
    certificate = panel.get_by_test_id("evidence-group").filter(
        has_text="Lớp bồi dưỡng nhận thức về Đảng"
    )
    expect(certificate).to_contain_text("Ngày cấp giấy chứng nhận")
    expect(certificate).to_contain_text(today)
    expect(certificate).to_contain_text("còn giá trị vào hôm nay")
    introducers = panel.get_by_test_id("evidence-group").filter(has_text="Người giới thiệu")
    expect(introducers.locator("ol li")).to_have_count(2)
    expect(introducers).to_contain_text("Người giới thiệu là: Ban Chấp hành Đoàn cơ sở")
    verification = panel.get_by_test_id("evidence-group").filter(
        has_text="Kết quả thẩm tra, xác minh lý lịch"
    )
    expect(verification).to_contain_text("Đúng như lý lịch đã khai")
    shoot(page, "evidence-branch-vote")
