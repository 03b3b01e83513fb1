"""The pages a reviewer, a board, a designer and an auditor use, on a phone (390×844) and
at a desk (1366×768): none scrolls sideways, and axe-core (from npm, injected into each
page) finds no serious or critical accessibility violation. Also: a date typed as
dd/mm/yyyy in a browser set to English is stored as the ISO date.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine import clock
from engine import db as engine_db
from engine.cases import unit_of_work
from engine.models import Case, WorkItem

from .conftest import ROOT, new_page, screenshot, sign_in
from .flow import fill_fields, start_form
from .test_audit import _case_with_a_step_done

AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"phone": (390, 844), "desk": (1366, 768)}


def _task_of(tmp_path: Path, case_id: int) -> int:
    """The case's open task, given a deadline a week away (the class has none of its own)
    so that the pages show one beside its working days left."""
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    with unit_of_work(engine_db.make_session_factory(engine)) as s:
        item = s.execute(
            select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalar_one()
        item.due_at = clock.now() + timedelta(days=7)
        found = item.id
    engine.dispose()
    return found


def _pages(case_id: int, item: int) -> list[tuple[str, str | None, str, str]]:
    """(name, who signs in, path, a selector that is there once the page is drawn)."""
    return [
        ("sign-in", None, "/dang-nhap", "#username"),
        ("inbox", "ttct", "/?tab=unit", "[data-testid=inbox-table]"),
        ("task", "ttct", f"/viec/{item}", "[data-testid=task-form]"),
        ("case", "cb_tp", f"/ho-so/{case_id}", "[data-testid=case-title]"),
        ("targets", "btc", "/bao-cao/", "[data-testid=report-title]"),
        ("designer", "designer", "/thiet-ke/admission", "#modeler-page[data-ready=true]"),
        ("audit-case", "auditor", f"/kiem-tra/ho-so/{case_id}", "[data-testid=timeline]"),
    ]


def _serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    page.evaluate(AXE)  # through the DevTools protocol: the page's CSP does not apply
    found = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                 v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' (' + n.failureSummary + ')')
                   .join(' | '))"""
    )
    return list(found)


def _sideways(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def _too_wide(page) -> str:
    """The first elements reaching past the window's right edge, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}.${e.className}`).join(', ')"""
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_fit_the_width_and_pass_axe(browser, live_server, tmp_path, width):
    case_id = _case_with_a_step_done(tmp_path)
    item = _task_of(tmp_path, case_id)
    problems: list[str] = []
    with new_page(browser, live_server) as page:
        w, h = WIDTHS[width]
        page.set_viewport_size({"width": w, "height": h})
        # No transitions (Bootstrap honours the setting): colours are checked as they end,
        # not half-way through a button's fade.
        page.emulate_media(reduced_motion="reduce")
        signed_in = None
        for name, user, path, ready in _pages(case_id, item):
            if user != signed_in:
                if user is None:
                    page.context.clear_cookies()
                else:
                    sign_in(page, user)
                signed_in = user
            page.goto(path)
            if name == "designer":  # the modeler opens on a draft, made from the version
                page.get_by_test_id("edit-version").click()
            expect(page.locator(ready).first).to_be_attached()
            if (extra := _sideways(page)) > 0:
                problems.append(
                    f"{name}: {extra} px wider than the {w} px window: {_too_wide(page)}"
                )
            problems += [f"{name}: {line}" for line in _serious_violations(page)]
            if width == "phone" and name in ("inbox", "task"):
                screenshot(page, f"{name}-390")
            if name == "inbox":
                expect(page.get_by_test_id("time-left")).to_have_text(
                    re.compile(r"\(còn \d ngày làm việc\)")
                )
    assert not problems, "\n".join(problems)


def test_phone_navigation_collapses_behind_a_button(page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "cb_tp")
    cases_link = page.locator("#main-nav").get_by_role("link", name="Hồ sơ", exact=True)
    expect(cases_link).to_be_hidden()
    page.get_by_test_id("nav-toggle").click()
    expect(cases_link).to_be_visible()
    # The inbox's filters are folded too, and open with their own button.
    expect(page.get_by_test_id("search")).to_be_hidden()
    page.get_by_test_id("filters-toggle").click()
    expect(page.get_by_test_id("search")).to_be_visible()


def test_a_date_typed_in_an_english_browser_is_stored_as_iso(browser, live_server, tmp_path):
    context = browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, "dt_tp")
        page.goto("/")
        page.get_by_test_id("start-case").click()
        page.wait_for_load_state()  # the date mask (a deferred script) is listening
        person = {
            "full_name": "Hoàng Thị Hoa",
            "gender": "female",
            "ethnicity": "Kinh",
            "youth_union_member": True,
            "category": "student",
            "branch": "THPT-TP",
            "residence_unit": "P1",
        }
        fill_fields(page, start_form()["fields"], person)
        birth = page.locator('[name="birth_date"]')
        birth.press_sequentially("02082008")  # the slashes come by themselves
        expect(birth).to_have_value("02/08/2008")
        birth.fill("")
        birth.press_sequentially("02/08/2008")
        expect(birth).to_have_value("02/08/2008")
        page.get_by_test_id("submit-case").click()
        expect(page.locator(".alert-success")).to_contain_text("Hoàng Thị Hoa")
    finally:
        context.close()

    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    with unit_of_work(engine_db.make_session_factory(engine)) as s:
        data = s.execute(select(Case.data).where(Case.title == "Hoàng Thị Hoa")).scalar_one()
    engine.dispose()
    assert data["birth_date"] == "2008-08-02"


def test_an_impossible_date_is_refused_in_vietnamese(page):
    sign_in(page, "dt_tp")
    page.goto("/")
    page.get_by_test_id("start-case").click()
    page.wait_for_load_state()  # the date mask is a deferred script: typed before it, no slashes
    page.locator('[name="birth_date"]').press_sequentially("31022008")
    page.get_by_test_id("submit-case").click()
    expect(page.get_by_test_id("error-birth_date")).to_have_text(re.compile(r"Ngày không hợp lệ"))
    expect(page.locator('[name="birth_date"]')).to_have_value("31/02/2008")
