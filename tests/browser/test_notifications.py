"""The bell: when another body hands a task over to mine, its count rises on the page I
have open, and the notifications page leads to the task. Screenshots of the page at
1366 and 390 px, for docs/screenshots."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import WorkItem
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

from .conftest import new_page, screenshot, sign_in
from .flow import fill_fields, step_form, step_name
from .test_designer import csp_violations
from .test_lifecycle import NARROW, PERSON, WIDE


def open_task(factory, case_id: int, step: str) -> int:
    with unit_of_work(factory) as s:
        return s.execute(
            select(WorkItem.id).where(
                WorkItem.case_id == case_id, WorkItem.step == step, WorkItem.status == "open"
            )
        ).scalar_one()


def test_the_bell_rises_when_another_body_hands_over_a_task(browser, live_server, tmp_path):
    factory = engine_db.make_session_factory(
        engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    )
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, PERSON, Actor("dt_tp")).id
    accept = open_task(factory, case_id, "accept_sympathiser")

    with new_page(browser, live_server) as centre, new_page(browser, live_server) as branch:
        blocked = csp_violations(centre)  # the bell and the page need no inline style
        sign_in(centre, "ttct")  # the political centre, waiting for the class task
        expect(centre.get_by_test_id("bell")).to_be_visible()
        expect(centre.get_by_test_id("bell-count")).to_have_count(0)

        sign_in(branch, "cb_tp")  # the school's branch hands the case over
        branch.goto(f"/viec/{accept}")
        data = steps.step_data("accept_sympathiser", rules.today(), PERSON)
        fill_fields(branch, step_form("accept_sympathiser")["fields"], data)
        branch.get_by_test_id("submit-task").click()
        expect(branch.locator(".alert-success")).to_be_visible()

        centre.reload()
        expect(centre.get_by_test_id("bell-count")).to_have_text("1")
        centre.get_by_test_id("bell").click()
        expect(centre).to_have_url(f"{live_server}/thong-bao")
        link = centre.get_by_test_id("notification-link")
        expect(link).to_contain_text(step_name("attend_class"))
        centre.set_viewport_size(WIDE)
        screenshot(centre, "notifications")
        centre.set_viewport_size(NARROW)
        screenshot(centre, "notifications-390")
        centre.set_viewport_size(WIDE)
        link.click()
        task = open_task(factory, case_id, "attend_class")
        expect(centre).to_have_url(f"{live_server}/viec/{task}")
        expect(centre.get_by_test_id("task-title")).to_have_text(step_name("attend_class"))
        expect(centre.get_by_test_id("bell-count")).to_have_count(0)  # read by following it
        centre.goto("/thong-bao/tuy-chon")
        assert blocked == []
