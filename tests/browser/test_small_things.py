"""Small things users notice, in the browser: a failed submission puts the focus on the
summary of what is wrong; the first Tab reaches a skip link to the page's content."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .cases import walked
from .conftest import sign_in


def test_a_failed_submit_focuses_the_summary_and_a_skip_link_leads_to_the_content(page, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))  # the 422 itself is expected
    walked(tmp_path)
    sign_in(page, "cb_tp")
    page.get_by_test_id("task-link").first.click()
    page.wait_for_url(re.compile(r"/viec/\d+$"))
    page.get_by_test_id("submit-task").click()  # nothing filled in
    expect(page.get_by_test_id("form-errors")).to_be_focused()

    page.goto(page.url)
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert errors == []
