"""The designer in the browser: open the admission process in the modeler, add a user task
in a lane with a new form, deploy it as version 2; a new case follows version 2 while an
older case stays on version 1 until the designer migrates it, and then it continues on
version 2. The modeler drives bpmn-js through its own API (precise edits), but every
save, check and deploy goes through the page's buttons."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from engine import db as engine_db
from engine.models import Case, DefinitionVersion
from workflows.admission import rules, steps

from .conftest import screenshot, sign_in
from .flow import Candidate, fill_fields, inbox_rows, open_tasks, step_form, step_name, unit_name
from .test_admission import BRANCH, CENTRE, FIRST, STUDENT, YOUTH_UNION

NEW_STEP = "check_certificate"
NEW_NAME = "Chi bộ kiểm tra giấy chứng nhận"
NEW_FORM = {
    "title": "Kiểm tra giấy chứng nhận lớp bồi dưỡng",
    "fields": [
        {
            "name": "certificate_checked",
            "label": "Đã đối chiếu bản gốc",
            "type": "boolean",
            "required": True,
        },
        {"name": "check_note", "label": "Ghi chú kiểm tra", "type": "text"},
    ],
}

# Creates the new user task inside the branch's lane, on the flow from the class to the
# application: attend_class -> check_certificate -> application.
ADD_TASK = """() => {
  const m = window.ketnapModeler;
  const registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const lane = registry.get('lane_branch'), target = registry.get('application');
  const flow = registry.get('to_application');
  const at = { x: target.x + target.width / 2, y: lane.y + lane.height - 45 };
  const shape = modeling.createShape({ type: 'bpmn:UserTask' }, at, registry.get('pool_admission'));
  modeling.reconnectEnd(flow, shape, { x: shape.x, y: shape.y + shape.height / 2 });
  modeling.connect(shape, target);
  m.get('selection').select(shape);
  return shape.id;
}"""


def case_version(tmp_path, case_id: int) -> int:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    try:
        with engine_db.make_session_factory(engine)() as session:
            case = session.get(Case, case_id)
            return session.get(DefinitionVersion, case.definition_id).version
    finally:
        engine.dispose()


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def write_form(page) -> None:
    page.goto("/thiet-ke/admission/ban-nhap")
    page.get_by_test_id("new-form-name").fill("certificate_check")
    page.get_by_test_id("new-form").click()
    # Typed before designer-forms.js listens, the text asks for no preview: wait for the
    # form page's scripts (a busy machine parses the textarea well before they run).
    page.wait_for_url("**/bieu-mau/certificate_check", wait_until="load")
    text = page.get_by_test_id("form-text")
    text.fill(json.dumps(NEW_FORM, ensure_ascii=False, indent=2))
    # The preview is the task pages' renderer, fetched from the server as one types.
    expect(page.get_by_test_id("form-preview")).to_contain_text("Đã đối chiếu bản gốc")
    text.fill(json.dumps({**NEW_FORM, "fields": [{"name": "Bad Name", "type": "text"}]}))
    page.get_by_test_id("save-form").click()
    expect(page.get_by_test_id("form-problem").first).to_be_visible()
    text.fill(json.dumps(NEW_FORM, ensure_ascii=False, indent=2))
    page.get_by_test_id("save-form").click()
    expect(page.get_by_test_id("form-status")).to_have_text("Đã lưu biểu mẫu.")
    screenshot(page, "designer-form")


def set_property(page, key: str, value: str) -> None:
    field = page.get_by_test_id(f"prop-{key}")
    field.fill(value)
    field.press("Tab")


def draw_new_step(page) -> None:
    page.goto("/thiet-ke/admission/ban-nhap")
    expect(page.locator("#modeler-page[data-ready=true]")).to_have_count(1)
    page.evaluate(ADD_TASK)
    expect(page.get_by_test_id("prop-type")).to_have_text("Việc của người dùng")
    set_property(page, "id", NEW_STEP)
    set_property(page, "name", NEW_NAME)
    # Checked before it has a form: the problem is listed and marked on the element.
    page.get_by_test_id("check").click()
    badge = page.locator(f"[data-testid=problem-badge][data-element={NEW_STEP}]")
    expect(badge).to_have_count(1)
    expect(page.get_by_test_id("problems")).to_contain_text(
        f"{NEW_NAME} {NEW_STEP}Việc của người dùng chưa có biểu mẫu (ketnap:form)."
    )
    page.evaluate(f"""() => {{ const m = window.ketnapModeler;
        m.get('selection').select(m.get('elementRegistry').get('{NEW_STEP}')); }}""")
    set_property(page, "form", "certificate_check")
    set_property(page, "due", "10WD")
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("problem-summary")).to_have_text("Không có lỗi: có thể triển khai.")
    expect(badge).to_have_count(0)
    lane = page.evaluate("""() => window.ketnapModeler.get('elementRegistry')
        .get('lane_branch').businessObject.flowNodeRef.map(e => e.id)""")
    assert NEW_STEP in lane
    screenshot(page, "designer-modeler")


def design_and_deploy(page) -> None:
    """As the designer: open version 1, add the form and the step, deploy version 2."""
    sign_in(page, "designer")
    page.goto("/thiet-ke/admission")
    page.get_by_test_id("edit-version").first.click()
    write_form(page)
    draw_new_step(page)
    page.once("dialog", lambda dialog: dialog.accept())  # "deploy? N cases run on v1"
    page.get_by_test_id("deploy").click()
    page.wait_for_url(re.compile(r"/thiet-ke/admission$"))


def complete(page, candidate: Candidate, step: str, unit: str) -> None:
    """Complete a step whose next step the flow helpers do not know (the new one)."""
    candidate.open_task(step, unit)
    fill_fields(
        page, step_form(step)["fields"], steps.step_data(step, rules.today(), candidate.person)
    )
    page.get_by_test_id("submit-task").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_designer_adds_a_step_deploys_and_migrates_an_older_case(page, tmp_path):
    violations = csp_violations(page)
    older = Candidate(page, {**STUDENT, "full_name": "Trần Văn Cũ"})
    older.nominate(YOUTH_UNION, FIRST)
    older.open_task(*FIRST)

    design_and_deploy(page)
    expect(page.get_by_test_id("version-row")).to_have_count(2)
    expect(page.locator("[data-version='1'] [data-testid=running-count]")).to_have_text("1")

    # A new case follows version 2; the older one stays on version 1.
    newer = Candidate(page, {**STUDENT, "full_name": "Lê Thị Mới"})
    newer.nominate(YOUTH_UNION, FIRST)
    newer.do("accept_sympathiser", BRANCH, then=[("attend_class", CENTRE)])
    complete(page, newer, "attend_class", CENTRE)
    assert open_tasks(page, newer.case_id) == [(NEW_NAME, unit_name(BRANCH))]
    assert (case_version(tmp_path, newer.case_id), case_version(tmp_path, older.case_id)) == (2, 1)

    # The dry run lists the older case as movable; the designer moves it.
    sign_in(page, "designer")
    page.goto("/thiet-ke/admission")
    page.locator("[data-version='2'] [data-testid=migrate-link]").click()
    row = page.locator(f"[data-testid=plan-row][data-case='{older.case_id}']")
    expect(row).to_have_attribute("data-movable", "yes")
    row.get_by_test_id("choose-case").check()
    page.get_by_test_id("migrate").click()
    expect(page.locator(f"[data-testid=result-row][data-case='{older.case_id}']")).to_contain_text(
        "Đã chuyển"
    )
    screenshot(page, "designer-migration")
    assert case_version(tmp_path, older.case_id) == 2

    # It continues on version 2: after the class comes the new step.
    older.do("accept_sympathiser", BRANCH, then=[("attend_class", CENTRE)])
    complete(page, older, "attend_class", CENTRE)
    assert open_tasks(page, older.case_id) == [(NEW_NAME, unit_name(BRANCH))]
    sign_in(page, "cb_tp")
    rows = inbox_rows(page, older.name)
    expect(rows.filter(has_text=NEW_NAME)).to_have_count(1)
    rows.filter(has_text=NEW_NAME).get_by_test_id("task-link").click()
    fill_fields(page, NEW_FORM["fields"], {"certificate_checked": True})
    page.get_by_test_id("submit-task").click()
    assert open_tasks(page, older.case_id) == [(step_name("application"), unit_name(BRANCH))]
    page.get_by_test_id("history").locator("summary").click()
    expect(
        page.get_by_test_id("history-line").filter(has_text="Chuyển hồ sơ sang phiên bản mới")
    ).to_contain_text("1 → 2")
    assert violations == []


def test_version_diff_shows_the_new_step_and_form(page, tmp_path):
    design_and_deploy(page)
    page.get_by_test_id("diff-link").first.click()
    expect(page.locator(f"[data-testid=added][data-id={NEW_STEP}]")).to_contain_text("userTask")
    expect(page.locator("[data-testid=changed][data-id=to_application]")).to_contain_text(
        "targetRef"
    )
    expect(page.get_by_test_id("form-added")).to_contain_text("certificate_check")
    screenshot(page, "designer-diff")
