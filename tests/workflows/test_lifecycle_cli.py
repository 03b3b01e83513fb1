"""``ketnap cases end`` (the admission plugin's) and ``ketnap cases stuck`` (the
engine's) on a database of admission cases."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from engine import cli as engine_cli
from engine.cases import unit_of_work
from engine.models import Case as CaseRow
from engine.models import WorkItem

from .conftest import plugin_runner
from .scenario import AFTER_BRANCH_VOTE, STUDENT, TO_BRANCH_VOTE, Case

# The scenario's end check: no case is left stuck.
pytestmark = pytest.mark.usefixtures("no_stuck_case_after")

ADULT = {**STUDENT, "birth_date": "2000-01-01"}


@pytest.fixture
def run(world, monkeypatch):
    return plugin_runner(world, monkeypatch)


def stuck_command(world, monkeypatch):
    monkeypatch.setattr(engine_cli, "_factory", world)
    return CliRunner().invoke(engine_cli.cli, ["cases", "stuck"])


def test_cases_end_from_the_command_line(run, world):
    case = Case(world, ADULT)
    ended = run("cases", "end", case.id, "--outcome", "withdrawn", "--reason", "Đơn xin rút.")
    assert ended.exit_code == 0 and f"case {case.id} ended: withdrawn" in ended.output
    assert case.row.data["outcome_reason"] == "Đơn xin rút."
    again = run("cases", "end", case.id, "--outcome", "stopped", "--reason", "Lần nữa.")
    assert again.exit_code == 1 and "Hồ sơ đã kết thúc." in again.output
    assert run("cases", "end", case.id, "--outcome", "lost", "--reason", "x").exit_code == 2
    early = Case(world, ADULT)
    not_yet = run("cases", "end", early.id, "--outcome", "removed", "--reason", "x")
    assert not_yet.exit_code == 1 and "dự bị" in not_yet.output


def test_no_case_is_stuck_after_a_scenario_and_one_made_stuck_is_found(world, monkeypatch):
    walked = Case(world, ADULT)
    walked.walk(*TO_BRANCH_VOTE, "branch_vote", *AFTER_BRANCH_VOTE)
    closed = Case(world, ADULT)
    closed.walk(*TO_BRANCH_VOTE)
    closed.do("branch_vote", votes_for=3, votes_against=6)
    none = stuck_command(world, monkeypatch)
    assert none.exit_code == 0, none.output
    lost = Case(world, ADULT)
    with unit_of_work(world) as s:  # a fault lost its inbox row: nobody sees its task
        s.execute(update(WorkItem).where(WorkItem.case_id == lost.id).values(status="cancelled"))
        s.execute(update(CaseRow).where(CaseRow.id == lost.id).values(status="waiting"))
    found = stuck_command(world, monkeypatch)
    assert found.exit_code == 1
    assert found.output.splitlines()[0].startswith(f"{lost.id}\twaiting\tTHPT-TP\t")
    assert "accept_sympathiser" in found.output
    # Put right (ended), so that the scenario's own end check passes.
    with unit_of_work(world) as s:
        s.execute(update(CaseRow).where(CaseRow.id == lost.id).values(status="closed"))


def test_cases_transfer_from_the_command_line(run, world):
    case = Case(world, ADULT)
    moved = run("cases", "transfer", case.id, "--to", "THPT-BTX", "--reason", "Chuyển trường.")
    assert moved.exit_code == 0 and f"case {case.id} transferred to THPT-BTX" in moved.output
    assert case.row.data["branch"] == "THPT-BTX"
    assert case.open() == [("accept_sympathiser", "THPT-BTX")]
    refused = run("cases", "transfer", case.id, "--to", "P1", "--reason", "Nhầm.")
    assert refused.exit_code == 1 and case.row.data["branch"] == "THPT-BTX"
