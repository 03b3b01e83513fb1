"""The evidence where the decision is made: the standing board's decision page shows
both votes with their share of all members, the appraisal and the 60-working-day
deadline; the branch's vote page shows the certificate, the introducers and the
verification answers. A reviewer of another branch gets 404, panel and all.
Screenshots at 1366 and 390 px for docs/screenshots."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.support.driving import DOSSIER
from workflows.admission import rules

from .cases import PERSON, walked
from .conftest import sign_in
from .test_lifecycle import shoot


def today() -> str:
    return date.fromisoformat(rules.today()).strftime("%d/%m/%Y")


def test_decision_page_shows_both_votes_the_appraisal_and_the_deadline(page, tmp_path):
    # A branch under a grassroots committee (a chi bộ cơ sở would have no grassroots vote).
    teachers = {**PERSON, "branch": "THPT-TL-GV", "proposer_unit": "DT-THPT-TL"}
    item = walked(
        tmp_path, (*DOSSIER, "branch_vote", "grassroots_vote", "appraisal"), person=teachers
    )
    sign_in(page, "btv")
    page.goto(f"/viec/{item}")
    panel = page.get_by_test_id("evidence")
    expect(panel).to_be_visible()
    groups = panel.get_by_test_id("evidence-group")
    branch = groups.filter(has_text="Chi bộ xét, biểu quyết đề nghị kết nạp")
    expect(branch).to_contain_text("Ngày họp chi bộ")
    expect(branch).to_contain_text(today())
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
    item = walked(tmp_path, DOSSIER)
    sign_in(page, "cb_tp")
    page.goto(f"/viec/{item}")
    panel = page.get_by_test_id("evidence")
    certificate = panel.get_by_test_id("evidence-group").filter(
        has_text="Lớp bồi dưỡng nhận thức về Đảng"
    )
    expect(certificate).to_contain_text("Ngày cấp giấy chứng nhận")
    expect(certificate).to_contain_text(today())
    expect(certificate).to_contain_text("còn giá trị vào hôm nay")
    introducers = panel.get_by_test_id("evidence-group").filter(has_text="Người giới thiệu")
    expect(introducers.locator("ol li")).to_have_count(2)
    expect(introducers).to_contain_text("Người giới thiệu là: Ban Chấp hành Đoàn cơ sở")
    verification = panel.get_by_test_id("evidence-group").filter(
        has_text="Kết quả thẩm tra, xác minh lý lịch"
    )
    expect(verification).to_contain_text("Đúng như lý lịch đã khai")
    shoot(page, "evidence-branch-vote")
