"""The class page in the browser: an expired certificate date is warned as it is typed;
a batch with an invalid row comes back with the row's error, the focus on the summary;
the corrected batch records everyone. Screenshots at 1366 and 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from workflows.admission import rules

from .cases import PERSON, walked
from .conftest import screenshot, sign_in
from .test_lifecycle import NARROW, WIDE

NAMES = ("Trần Thị Lan", "Lê Văn Minh")


def at_class(tmp_path) -> None:
    for name in NAMES:
        walked(tmp_path, ("accept_sympathiser",), {**PERSON, "full_name": name})


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
