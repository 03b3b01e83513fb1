"""``admission_facts``: the typed columns the targets dashboard filters on must say what
the reports' reading of the case data says, whether the engine wrote them (the
``case_stored`` hook), a migration filled them in, or the SQL asks them for the cases
that can still be decided."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select, text

from engine import clock, db as dbmod, migrate
from engine import cases
from engine.cases import unit_of_work
from engine.models import WorkItem
from engine.registry import registry
from workflows.admission import demo, resolvers
from workflows.admission.reports import facts, stored
from workflows.admission.reports.models import AdmissionFacts
from workflows.admission.reports.pipeline import birthday_wait, days_to_decision, earliest_decision

from . import report_data as rd
from .conftest import plugin_runner
from .scenario import AFTER_BRANCH_VOTE, CLERK, STUDENT, T0, TO_BRANCH_VOTE, Case


def _rows(factory) -> dict[int, tuple]:
    with unit_of_work(factory) as s:
        return {r.case_id: (r.admitted_on, r.decided, r.birthday_wait, r.lead_days,
                            r.unit, r.category, r.status)
                for r in s.execute(select(AdmissionFacts)).scalars()}


def _open_steps(session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, step in session.execute(select(WorkItem.case_id, WorkItem.step).where(
            WorkItem.status == "open")):
        found[case_id].append(step)
    return found


def _from_data(factory) -> dict[int, tuple]:
    """What the reports' Python reading of every case's data and open tasks says."""
    with unit_of_work(factory) as s:
        steps = _open_steps(s)
        return {c.id: (c.admission_date, bool(c.get("decision_date")), birthday_wait(c),
                       min((days_to_decision(step) for step in steps[c.id]), default=0),
                       c.unit, c.category, c.status)
                for c in facts.load(s, None)}


def test_the_engine_keeps_the_row_in_step_with_the_case(world):
    student = Case(world, STUDENT)
    assert _rows(world)[student.id] == (None, False, None, days_to_decision("accept_sympathiser"),
                                        "THPT-TP", "student", "active")
    student.walk(*TO_BRANCH_VOTE)
    assert _rows(world)[student.id][3] == days_to_decision("branch_vote")
    with unit_of_work(world) as s:
        cases.suspend(s, student.id, CLERK)
    assert _rows(world)[student.id][6] == "suspended"
    with unit_of_work(world) as s:
        cases.resume(s, student.id, CLERK)
    student.walk("branch_vote", *AFTER_BRANCH_VOTE[:3])
    decided_on = date.fromisoformat(student.row.data["decision_date"])
    assert _rows(world)[student.id][:4] == (decided_on, True, None,
                                            days_to_decision("ceremony"))
    assert _rows(world) == _from_data(world)


def test_the_demo_and_its_copies_have_rows_that_match_their_data(factory, monkeypatch):
    run = plugin_runner(factory, monkeypatch)
    with clock.frozen_at(T0):
        assert run("demo", "--cases", "36").exit_code == 0
    found = _rows(factory)
    assert len(found) == 36 and found == _from_data(factory)
    assert any(admitted for admitted, *_ in found.values())
    assert any(row[2] for row in found.values())                  # a birthday wait
    assert len({row[3] for row in found.values()}) > 3            # several lead times


def _ids(groups: stored.Groups) -> set[int]:
    """The case ids of a query's groups; each case in one group only."""
    ids = [case_id for found in groups.values() for case_id in found]
    assert len(ids) == len(set(ids))
    return set(ids)


def _python_decidable(factory, today: date, last_day: date) -> set[int]:
    """The rule as ``pipeline.earliest_decision`` states it, over the cases' data."""
    if today > last_day:
        return set()
    with unit_of_work(factory) as s:
        steps = _open_steps(s)
        return {c.id for c in facts.load(s, None)
                if c.undecided and earliest_decision(c, steps[c.id], today) <= last_day}


def test_the_query_for_cases_still_decidable_agrees_with_the_rule(world):
    ids = rd.seed(world)
    student = Case(world, STUDENT)           # open, at the class: far from its decision
    student.walk("accept_sympathiser")
    units = {row["unit"] for row in rd.ROWS} | {"THPT-TP"}
    last_day = date(2025, 12, 31)
    seen = set()
    for offset in range(0, 400, 3):          # every third day of the year, and past it
        today = date(2025, 1, 1) + timedelta(days=offset)
        with unit_of_work(world) as s:
            asked = _ids(stored.decidable(s, units, today, last_day))
        assert asked == _python_decidable(world, today, last_day), today
        seen |= asked
    # The walk saw the answers change: cases dropped out as the year ran short.
    assert {ids["S4"], ids["W3"], student.id} <= seen


def test_admitted_counts_decisions_dated_in_the_year(world):
    ids = rd.seed(world)
    units = {row["unit"] for row in rd.ROWS}
    with unit_of_work(world) as s:
        found = _ids(stored.admitted(s, units, 2025))
        expected = {c.id for c in facts.load(s, units)
                    if c.admission_date and c.admission_date.year == 2025}
    assert found == expected and ids["S1"] in found


def test_migration_0009_fills_the_rows_of_cases_stored_before_it(tmp_path, monkeypatch):
    """Cases stored by an engine without the hook get their rows from the migration."""
    engine = dbmod.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, "0008")
    factory = dbmod.make_session_factory(engine)
    monkeypatch.setattr(registry, "case_stored", [])           # as before 0009
    monkeypatch.setattr(registry, "case_unit", resolvers.case_unit)
    with clock.frozen_at(T0):
        demo.run(factory, CLERK)
    assert _table_rows(engine) == 0
    migrate.upgrade(engine)
    found = _rows(factory)
    assert len(found) == len(demo.STORIES) and found == _from_data(factory)
    engine.dispose()


def _table_rows(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(text("SELECT name FROM sqlite_master WHERE name = "
                                     "'admission_facts'")).all())
