"""The class page in the browser: an expired certificate date is warned as it is typed;
a batch with an invalid row comes back with the row's error, the focus on the summary;
the corrected batch records everyone. Screenshots at 1366 and 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in
from .test_evidence import NARROW, PERSON, WIDE

NAMES = ("Trần Thị Lan", "Lê Văn Minh")


def at_class(tmp_path) -> None:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    factory = engine_db.make_session_factory(engine)
    for name in NAMES:
        person = {**PERSON, "full_name": name}
        with unit_of_work(factory) as s:
            case_id = intake.start_admission(s, person, Actor("dt_tp")).id
        with unit_of_work(factory) as s:
            data = steps.step_data("accept_sympathiser", rules.today(), person)
            steps.complete_step(s, case_id, "accept_sympathiser", data, Actor("clerk"))
    engine.dispose()


def dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def test_class_page_warns_refuses_a_bad_row_and_records_the_class(page, tmp_path):
    at_class(tmp_path)
    sign_in(page, "ttct")
    page.goto("/lop-boi-duong")
    rows = page.get_by_test_id("batch-row")
    expect(rows).to_have_count(2)
    lan, minh = rows.filter(has_text=NAMES[0]), rows.filter(has_text=NAMES[1])
    lan.locator("input[name$=certificate_number]").fill("GCN-01")
    date = lan.locator("input[name$=certificate_date]")
    kind = date.get_attribute("type")
    old = rules.add_months(rules.today(), -61)
    date.fill(old if kind == "date" else dmy(old))
    expect(lan.get_by_test_id("expired-warning")).to_be_visible()
    today = rules.today()
    date.fill(today if kind == "date" else dmy(today))
    expect(lan.get_by_test_id("expired-warning")).to_be_hidden()
    minh.locator("input[name$=certificate_number]").fill("GCN-02")  # no date: refused
    page.get_by_test_id("submit-batch").click()
    summary = page.get_by_test_id("batch-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    minh = page.get_by_test_id("batch-row").filter(has_text=NAMES[1])
    expect(minh.locator(".field-error")).to_contain_text("Bắt buộc nhập.")
    page.set_viewport_size(WIDE)
    screenshot(page, "class-batch-error")
    page.set_viewport_size(NARROW)
    screenshot(page, "class-batch-error-390")
    page.set_viewport_size(WIDE)
    date = minh.locator("input[name$=certificate_date]")
    date.fill(today if kind == "date" else dmy(today))
    page.get_by_test_id("submit-batch").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi giấy chứng nhận cho 2 người")
    expect(page.get_by_test_id("batch-empty")).to_be_visible()
    screenshot(page, "class-batch")
