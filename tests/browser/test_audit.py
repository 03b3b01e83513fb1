"""An auditor finds a case, reads its history, sees the path taken on the diagram and
downloads the history as a PDF. The case is driven through the engine, not the pages:
this test is about the auditor's pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from tests.support.driving import STUDENT
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in


def _case_with_a_step_done(tmp_path) -> int:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    factory = engine_db.make_session_factory(engine)
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, STUDENT, Actor("dt_tp")).id
    with unit_of_work(factory) as s:
        steps.complete_step(
            s,
            case_id,
            "accept_sympathiser",
            steps.step_data("accept_sympathiser", rules.today(), STUDENT),
            Actor("cb_tp"),
        )
    engine.dispose()
    return case_id


def test_auditor_finds_a_case_reads_history_and_diagram_and_downloads_pdf(page, tmp_path):
    case_id = _case_with_a_step_done(tmp_path)
    sign_in(page, "auditor")
    page.get_by_test_id("nav-audit").click()
    page.get_by_test_id("search").fill("nguyen an")
    page.get_by_test_id("apply-filters").click()
    row = page.locator(f"[data-testid=audit-row][data-case-id='{case_id}']")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()

    expect(page.get_by_test_id("audit-case-title")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("[data-testid=timeline-entry][data-kind=task_completed]")).to_have_count(1)
    expect(page.get_by_test_id("changes").first).to_be_visible()
    # People read labels and values, not field names, codes or Python's None.
    timeline = page.get_by_test_id("timeline")
    completed = page.locator("[data-testid=timeline-entry][data-kind=task_completed]")
    expect(completed).to_contain_text("Ngày chi bộ ra nghị quyết")  # sympathiser_date
    expect(completed).to_contain_text("Đảng viên chính thức được phân công giúp đỡ")
    expect(completed).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    started = page.locator("[data-testid=timeline-entry][data-kind=case_started]")
    expect(started).to_contain_text("Ngày sinh")
    expect(started).to_contain_text("Học sinh THPT")  # the category by its label
    expect(started).to_contain_text("Đoàn trường THPT Trần Phú")  # a unit by its name
    shown = timeline.inner_text()
    for name in ("sympathiser_date", "helper_name", "birth_date", "category", "None", "True"):
        assert name not in shown, name
    screenshot(page, "audit-timeline")

    with page.expect_download() as download:
        page.get_by_test_id("history-pdf").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"nhat-ky-ho-so-{case_id}.pdf"
    assert open(path, "rb").read(4) == b"%PDF"

    page.get_by_test_id("audit-diagram").click()
    expect(page.locator("#diagram-page[data-ready=true]")).to_have_count(1)
    expect(
        page.locator(".djs-element.ketnap-done[data-element-id=accept_sympathiser]")
    ).to_have_count(1)
    screenshot(page, "audit-diagram")
