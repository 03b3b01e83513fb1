"""Driving one admission case through the web pages, as the people of each body would.

A ``Candidate`` is nominated on the nomination page, then each step is done by signing
in as the reviewer of the unit holding the task (tests/web/conftest.py's USERS), finding
the candidate's row in that inbox, opening the task page and filling its form with the
step's standard data (workflows/admission/steps.py). Forms are filled from their JSON
definitions in bpmn/forms, so a renamed field or a renderer out of step with
web/formdata.py fails here the way it would fail a person.

Step and unit names are read from the diagrams and the demo tree, not written out here:
the pages show names, the scenario speaks in codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from playwright.sync_api import Locator, Page, expect

from engine import definitions
from tests.support.webapp import USERS
from workflows.admission import rules, steps
from workflows.admission.orgs import read_tree_file

from .conftest import ROOT, sign_in

Task = tuple[str, str]  # (step id, unit code)


@lru_cache(maxsize=1)
def _deployed() -> definitions.Checked:
    # Only the elements and forms are read; problems (functions the domain registers
    # at run time) do not matter here.
    return definitions.check(definitions.collect([ROOT / "bpmn"]))


def _user_task(step: str) -> dict:
    for process in _deployed().elements.values():
        node = process["nodes"].get(step)
        if node is not None and node["tag"] == "userTask":
            return node
    raise KeyError(f"no user task {step!r} in bpmn/")


def step_name(step: str) -> str:
    return _user_task(step)["name"]


def step_form(step: str) -> dict:
    return _deployed().forms[_user_task(step)["form"]]


def start_form() -> dict:
    return _deployed().forms["start"]


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, str]:
    units = read_tree_file(ROOT / "workflows/admission/data/org_demo.yaml")
    return {unit.code: unit.name for unit in units}


def unit_name(code: str) -> str:
    return _unit_names()[code]


def user_of(unit: str) -> str:
    """The test user reviewing for ``unit`` (one per body in USERS)."""
    for name, grants in USERS.items():
        if (unit, "reviewer") in grants:
            return name
    raise KeyError(f"no reviewer of {unit} in tests/web/conftest.py USERS")


# -- forms ------------------------------------------------------------------------------


def fill_fields(page: Page, fields: list[dict], data: dict[str, Any], prefix: str = "") -> None:
    """Fill the inputs of ``fields`` (a form definition's list) with ``data``.

    Names follow templates/forms.html: ``name``, or ``list-<row>-<field>`` in a list.
    A choice is a radio group or a select depending on how many choices it has (and the
    nomination page offers units as choices where start.json has codes), so a scalar
    is set according to the element the page actually drew.
    """
    for spec in fields:
        if spec.get("readonly") or spec["name"] not in data:
            continue
        name, value = prefix + spec["name"], data[spec["name"]]
        if spec["type"] == "list":
            for row, values in enumerate(value):
                fill_fields(page, spec["fields"], values, f"{name}-{row}-")
        elif spec["type"] == "multichoice":
            for choice in value:
                page.check(f'input[name="{name}"][value="{choice}"]')
        else:
            _set(page, name, _as_text(value))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _set(page: Page, name: str, text: str) -> None:
    target = page.locator(f'[name="{name}"]')
    kind = target.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
    if kind == "select":
        target.select_option(text)
    elif kind == "radio":
        page.check(f'input[name="{name}"][value="{text}"]')
    else:
        target.fill(text)


# -- pages ------------------------------------------------------------------------------


def inbox_rows(page: Page, name: str, tab: str = "unit") -> Locator:
    """The candidate's rows in one tab of the signed-in user's inbox, found by the search box."""
    page.goto(f"/?tab={tab}")
    page.get_by_test_id("search").fill(name)
    page.get_by_test_id("search").press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    return page.get_by_test_id("task-row").filter(has_text=name)


def task_row(rows: Locator, step: str) -> Locator:
    return rows.filter(
        has=rows.page.get_by_test_id("task-link").filter(
            has_text=re.compile("^" + re.escape(step_name(step)) + "$")
        )
    )


def open_tasks(page: Page, case_id: int) -> list[tuple[str, str]]:
    """(step name, unit name) of each open task, as the case page lists them."""
    page.goto(f"/ho-so/{case_id}")
    expect(page.get_by_test_id("case-title")).to_be_visible()
    return sorted(
        (
            row.locator("td").nth(0).inner_text().strip(),
            row.locator("td").nth(1).inner_text().strip(),
        )
        for row in page.get_by_test_id("open-task").all()
    )


def named(tasks: list[Task]) -> list[tuple[str, str]]:
    return sorted((step_name(step), unit_name(unit)) for step, unit in tasks)


# -- the case ---------------------------------------------------------------------------


@dataclass
class Candidate:
    """One candidate's case, driven through the pages by the bodies holding its tasks."""

    page: Page
    person: dict[str, Any]
    case_id: int | None = None

    @property
    def name(self) -> str:
        return self.person["full_name"]

    def nominate(self, proposer: str, first: Task) -> None:
        """The proposing body's reviewer opens the case from the inbox's button."""
        sign_in(self.page, user_of(proposer))
        self.page.goto("/")
        self.page.get_by_test_id("start-case").click()
        fill_fields(self.page, start_form()["fields"], self.person)
        self.page.get_by_test_id("submit-case").click()
        # The proposer may not see the case yet: the message says where it went.
        notice = self.page.locator(".alert-success")
        expect(notice).to_contain_text(self.name)
        expect(notice).to_contain_text(step_name(first[0]))
        expect(notice).to_contain_text(unit_name(first[1]))
        if first[1] != proposer:
            expect(task_row(inbox_rows(self.page, self.name), first[0])).to_have_count(0)

    def open_task(self, step: str, unit: str, *, claim: bool = False) -> int:
        """Sign in as ``unit``'s reviewer, find the task in that inbox and open its page;
        returns the task's id. With ``claim``, take it first: it moves to "mine"."""
        page = self.page
        sign_in(page, user_of(unit))
        row = task_row(inbox_rows(page, self.name), step)
        expect(row).to_have_count(1)
        if claim:
            # Taking a task opens it; it is then in "mine".
            row.get_by_test_id("claim").click()
            expect(page.get_by_test_id("unclaim")).to_be_visible()
            page.go_back()
            row = task_row(inbox_rows(page, self.name, "mine"), step)
            expect(row).to_have_count(1)
        row.get_by_test_id("task-link").click()
        expect(page.get_by_test_id("task-title")).to_have_text(step_name(step))
        if self.case_id is None:
            href = page.get_by_test_id("case-link").get_attribute("href")
            self.case_id = int(re.search(r"/ho-so/(\d+)$", href).group(1))
        return int(re.search(r"/viec/(\d+)$", page.url).group(1))

    def do(
        self, step: str, unit: str, then: list[Task], *, claim: bool = False, **overrides: Any
    ) -> None:
        """Complete ``step`` as ``unit``'s reviewer; check the case's open tasks are ``then``.

        The task must be in that inbox; after the submission it must be gone from it,
        and the next tasks of other units must not show there.
        """
        page = self.page
        self.open_task(step, unit, claim=claim)
        data = steps.step_data(step, rules.today(), self.person, **overrides)
        fill_fields(page, step_form(step)["fields"], data)
        page.get_by_test_id("submit-task").click()
        expect(page.locator(".alert-success")).to_contain_text(step_name(step))

        rows = inbox_rows(page, self.name, "mine" if claim else "unit")
        expect(task_row(rows, step)).to_have_count(0)
        for next_step, next_unit in then:
            if next_unit != unit:
                expect(task_row(rows, next_step)).to_have_count(0)
        assert open_tasks(page, self.case_id) == named(then), f"after {step}"
