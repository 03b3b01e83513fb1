"""The extension of the decision's deadline through the pages: the organisation board's
task opens when 60 working days have passed since the branch resolution, a new due date
more than 30 working days later is refused with the problem on the field (422) and
nothing stored (the deadline it extends still shown), an allowed one is stored and the
open decision's due date moves with it. Screenshots of the refused form at 1366 and
390 px."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import WorkItem
from tests.support.driving import DOSSIER
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

from .conftest import screenshot, sign_in
from .flow import fill_fields, step_form, step_name
from .test_lifecycle import NARROW, PERSON, WIDE

# Everything up to the appraisal, done through the engine 100 days ago: the decision's
# 60 working days have run out, its 90 not yet.
DONE = (*DOSSIER, "branch_vote", "appraisal")


def past_the_deadline(factory) -> int:
    day = date.fromisoformat(rules.today()) - timedelta(days=100)
    with unit_of_work(factory) as s:
        case_id = intake.start_admission(s, PERSON, Actor("dt_tp")).id
    for step in DONE:
        with unit_of_work(factory) as s:
            steps.complete_step(
                s, case_id, step, steps.step_data(step, day, PERSON), Actor("clerk")
            )
    return case_id


def open_item(factory, case_id: int, step: str) -> WorkItem:
    with unit_of_work(factory) as s:
        return s.execute(
            select(WorkItem).where(
                WorkItem.case_id == case_id, WorkItem.step == step, WorkItem.status == "open"
            )
        ).scalar_one()


def extend(page, item: int, due: str) -> None:
    page.goto(f"/viec/{item}")
    expect(page.get_by_test_id("task-title")).to_have_text(step_name("extend_decision"))
    data = steps.step_data("extend_decision", rules.today(), PERSON, decision_due=due)
    fill_fields(page, step_form("extend_decision")["fields"], data)
    page.get_by_test_id("submit-task").click()


def test_the_board_extends_the_decision_once_within_30_working_days(page, live_server, tmp_path):
    factory = engine_db.make_session_factory(
        engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    )
    case_id = past_the_deadline(factory)
    item = open_item(factory, case_id, "extend_decision").id
    deadline = open_item(factory, case_id, "decide").due_at.date().isoformat()

    sign_in(page, "btc")
    extend(page, item, rules.add_workdays(deadline, 31))
    expect(page.get_by_test_id("error-decision_due")).to_contain_text("30 ngày làm việc")
    # Shown again with the problem, the form still says which deadline is extended.
    shown = "/".join(reversed(deadline.split("-")))
    expect(page.get_by_test_id("value-decision_deadline")).to_have_text(shown)
    page.set_viewport_size(WIDE)
    screenshot(page, "extension-refused")
    page.set_viewport_size(NARROW)
    screenshot(page, "extension-refused-390")
    page.set_viewport_size(WIDE)
    assert open_item(factory, case_id, "extend_decision").id == item  # nothing stored

    new_due = rules.add_workdays(deadline, 20)
    extend(page, item, new_due)
    expect(page.locator(".alert-success")).to_contain_text(step_name("extend_decision"))
    assert open_item(factory, case_id, "decide").due_at.date().isoformat() == new_due
