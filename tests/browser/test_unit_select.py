"""A unit field on a phone-sized page: the filter box finds a unit by its name typed
without diacritics and chooses it when it is the only one left."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import sign_in
from .test_designer import csp_violations


def test_the_filter_box_finds_a_unit_by_name_without_diacritics(page):
    violations = csp_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "dt_tp")
    page.goto("/ho-so/moi")
    residence = page.locator("#f-residence_unit")
    box = page.get_by_test_id("filter-residence_unit")
    expect(box).to_be_visible()  # shown by the script; hidden without it
    box.fill("dang uy phuong 2")
    expect(residence).to_have_value("P2")
    assert residence.locator("option:not([hidden])").all_inner_texts() == [
        "— Chọn —",
        "Đảng ủy Phường 2 (P2)",
    ]
    box.fill("")
    assert residence.locator("option:not([hidden])").count() == 4  # the blank one and 3 wards
    assert violations == []
