"""engine/stuck.py on SQLite and PostgreSQL, and ``ketnap cases stuck``: a case left by
its diagram with nothing to do is found; one waiting for a task, a timer, a message,
or one the boards see as an incident, is not."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from engine import cases, cli, clock, definitions, stuck
from engine.cases import unit_of_work
from engine.models import Case, WorkItem

from .helpers import ALICE, DATA, SUBMIT_OK, deploy_review, make_registry


@pytest.fixture
def reg():
    return make_registry()


def start(factory, reg, key, data):
    with unit_of_work(factory) as s:
        return cases.start_case(s, key, data, ALICE, registry=reg).id


@pytest.fixture
def deployed(factory, reg):
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        definitions.deploy(s, definitions.collect([DATA / "stuck"]), "d", registry=reg)


def found(factory, reg, where=True):
    with unit_of_work(factory) as s:
        return stuck.stuck_cases(s, where, registry=reg)


def test_a_join_waiting_for_a_branch_never_taken_is_stuck(factory, reg, deployed):
    broken = start(factory, reg, "stuck", {"mode": "a"})
    start(factory, reg, "stuck", {"mode": "message"})  # waits for a message: not stuck
    start(factory, reg, "review", {"unit_code": "U1"})  # has an open task: not stuck
    [case] = found(factory, reg)
    assert (case.case_id, case.status, case.waits_at) == (broken, "waiting", ("join",))
    assert found(factory, reg, Case.id != broken) == []


def test_a_timer_or_an_incident_is_something_to_wait_for(factory, reg, deployed):
    waiting = start(factory, reg, "review", {"unit_code": "U1"})
    with unit_of_work(factory) as s:
        item = s.execute(select(WorkItem.id).where(WorkItem.case_id == waiting)).scalar_one()
        cases.complete_task(s, item, SUBMIT_OK, ALICE, registry=reg)  # now waits until 2030
    broken = start(factory, reg, "stuck", {"mode": "b"})
    assert [c.case_id for c in found(factory, reg)] == [broken]
    with unit_of_work(factory) as s:
        s.execute(
            update(Case)
            .where(Case.id == broken)
            .values(incident="join", incident_at=clock.now(), next_due_at=clock.now())
        )
    assert found(factory, reg) == []


def test_the_command_lists_stuck_cases_and_fails(tmp_path, monkeypatch, reg):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr(cli, "_factory", None)
    monkeypatch.setattr(stuck, "default_registry", reg)
    runner = CliRunner()
    assert runner.invoke(cli.cli, ["db", "upgrade"]).exit_code == 0
    factory = cli.session_factory()
    with unit_of_work(factory) as s:
        definitions.deploy(s, definitions.collect([DATA / "stuck"]), "d", registry=reg)
    start(factory, reg, "stuck", {"mode": "message"})
    none = runner.invoke(cli.cli, ["cases", "stuck"])
    assert none.exit_code == 0 and "no stuck case" in none.output
    broken = start(factory, reg, "stuck", {"mode": "a"})
    listed = runner.invoke(cli.cli, ["cases", "stuck"])
    assert listed.exit_code == 1
    assert listed.output.startswith(f"{broken}\twaiting\t") and "waits at join" in listed.output
