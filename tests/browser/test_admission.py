"""One student's case through the web pages only, from nomination to the admission
decision, signing in as each body in turn; who may open a task; a form refused with its
field errors and nothing changed. Screenshots for docs/screenshots are taken here."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot, sign_in
from .flow import Candidate, inbox_rows, named, open_tasks, step_name

# Already 20 (the branch vote need not wait for the 18th birthday); the family lives in
# Phường 1, so its committee verifies the background and gives the residence opinion.
STUDENT = {
    "full_name": "Hoàng Thị Mai Phương",
    "birth_date": "2006-05-10",
    "gender": "female",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
}
YOUTH_UNION, BRANCH, CENTRE, WARD = "DT-THPT-TP", "THPT-TP", "TTCT-DL", "P1"
BOARD, STANDING = "BTC-DL", "BTV-DL"
# THPT-TP is a branch directly under the city committee (chi bộ cơ sở): it is its own
# grassroots committee, so the verification, certification and second vote are its own.
GRASSROOTS = BRANCH
FIRST = ("accept_sympathiser", BRANCH)


def nominated(page) -> Candidate:
    candidate = Candidate(page, STUDENT)
    candidate.nominate(YOUTH_UNION, FIRST)
    return candidate


def test_student_from_nomination_to_admission_decision(page):
    c = nominated(page)
    c.do("accept_sympathiser", BRANCH, then=[("attend_class", CENTRE)])
    c.do("attend_class", CENTRE, then=[("application", BRANCH)])
    intro, opinion = ("introduction", BRANCH), ("mass_org_opinion", YOUTH_UNION)
    c.do("application", BRANCH, then=[intro, opinion, ("send_verification", GRASSROOTS)])

    # The branch's inbox now holds two of the case's three parallel tasks.
    sign_in(page, "cb_tp")
    page.goto("/")
    expect(page.get_by_test_id("task-row").filter(has_text=c.name)).to_have_count(2)
    expect(page.get_by_test_id("count-unit")).to_have_text("2")
    screenshot(page, "inbox")

    c.do("send_verification", GRASSROOTS, then=[intro, opinion, ("verify_place", WARD)])
    c.do("verify_place", WARD, then=[intro, opinion, ("certify_history", GRASSROOTS)])
    c.do("certify_history", GRASSROOTS, then=[intro, opinion])
    c.do("introduction", BRANCH, then=[opinion])
    c.do("mass_org_opinion", YOUTH_UNION, then=[("residence_opinion", WARD)])
    c.do("residence_opinion", WARD, then=[("branch_vote", BRANCH)])
    # 8 of 9 official members for: above two thirds of all of them.
    # The school's branch is a chi bộ cơ sở: straight to the upper committee's board.
    c.do("branch_vote", BRANCH, then=[("appraisal", BOARD)])
    c.do("appraisal", BOARD, then=[("decide", STANDING)])
    c.do("decide", STANDING, then=[("ceremony", BRANCH)], claim=True)

    # The standing board reads the case: admitted, the ceremony now up to the branch.
    assert open_tasks(page, c.case_id) == named([("ceremony", BRANCH)])
    expect(page.get_by_test_id("case-status")).to_have_text("Đang xử lý")
    expect(page.get_by_test_id("done-step")).to_have_count(12)
    decision = page.get_by_test_id("done-step").filter(has_text=step_name("decide"))
    decision.get_by_role("link", name=step_name("decide"), exact=True).click()
    expect(page.get_by_test_id("value-decision")).to_have_text("Kết nạp vào Đảng")
    page.go_back()
    page.get_by_test_id("history").locator("summary").click()
    screenshot(page, "case")


def test_reviewer_of_another_unit_gets_404_for_the_task(page):
    c = nominated(page)
    task = c.open_task(*FIRST)
    # Another school's branch, and a ward committee not (yet) part of the case.
    for outsider in ("cb_btx", "p1"):
        sign_in(page, outsider)
        assert page.goto(f"/viec/{task}").status == 404, outsider
        expect(page.get_by_test_id("task-title")).to_have_count(0)
        assert page.goto(f"/ho-so/{c.case_id}").status == 404, outsider
        expect(inbox_rows(page, c.name)).to_have_count(0)
    # The task is untouched and still the branch's to do.
    sign_in(page, "cb_tp")
    assert page.goto(f"/viec/{task}").status == 200
    expect(page.get_by_test_id("submit-task")).to_be_visible()


def test_invalid_form_shows_the_field_error_and_changes_nothing(page):
    c = nominated(page)
    task = c.open_task(*FIRST)
    page.goto(f"/ho-so/{c.case_id}")
    history = page.get_by_test_id("history-line").count()

    # The date given, the required helper left out. Typed as people do, dd/mm/yyyy,
    # whatever the browser's language (a native date input would follow its locale).
    page.goto(f"/viec/{task}")
    page.locator('[name="sympathiser_date"]').press_sequentially("20/11/2026")
    with page.expect_response(f"**/viec/{task}") as sent:
        page.get_by_test_id("submit-task").click()
    assert sent.value.status == 422
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_test_id("error-helper_name")).to_be_visible()
    expect(page.get_by_test_id("error-sympathiser_date")).to_have_count(0)
    expect(page.locator('[name="sympathiser_date"]')).to_have_value("20/11/2026")  # kept
    expect(page.get_by_test_id("task-status")).to_have_text("Đang chờ xử lý")
    screenshot(page, "task-error")

    # Nothing was recorded: the same task is open, with no step done and no new event.
    assert open_tasks(page, c.case_id) == named([FIRST])
    expect(page.get_by_test_id("done-step")).to_have_count(0)
    expect(page.get_by_test_id("history-line")).to_have_count(history)
    page.goto(f"/viec/{task}")
    expect(page.get_by_test_id("submit-task")).to_be_visible()
