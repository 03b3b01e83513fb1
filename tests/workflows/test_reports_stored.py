"""``admission_facts``: the typed columns the targets dashboard filters on must say what
the reports' reading of the case data says, whether the engine wrote them (the
``case_stored`` hook), a migration filled them in, or the SQL asks them for the cases
that can still be decided."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import inspect, select

from engine import cases, clock, schema
from engine import db as dbmod
from engine.cases import unit_of_work
from engine.models import Case as CaseRow
from engine.models import WorkItem
from engine.registry import registry
from tests.support import report_data as rd
from tests.support.databases import downgrade
from workflows.admission import demo, orgs, resolvers
from workflows.admission.models import Unit
from workflows.admission.reports import facts, stored, targets
from workflows.admission.reports.models import AdmissionFacts
from workflows.admission.reports.pipeline import birthday_wait, days_to_decision, earliest_decision
from workflows.admission.reports.targets import Settings

from .conftest import DEMO, plugin_runner
from .scenario import AFTER_BRANCH_VOTE, CLERK, STUDENT, T0, TO_BRANCH_VOTE, Case


def _rows(factory) -> dict[int, tuple]:
    with unit_of_work(factory) as s:
        return {
            r.case_id: (
                r.admitted_on,
                r.decided,
                r.birthday_wait,
                r.lead_days,
                r.unit,
                r.category,
                r.status,
            )
            for r in s.execute(select(AdmissionFacts)).scalars()
        }


def _open_steps(session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, step in session.execute(
        select(WorkItem.case_id, WorkItem.step).where(WorkItem.status == "open")
    ):
        found[case_id].append(step)
    return found


def _read_from_cases(session) -> list[facts.CaseFacts]:
    """Every admission case read from its own row and whole data document."""
    return [
        facts.CaseFacts.of(row)
        for row in session.execute(
            select(*facts.COLUMNS).where(CaseRow.definition_key == "admission").order_by(CaseRow.id)
        )
    ]


def _from_data(factory) -> dict[int, tuple]:
    """What the reports' Python reading of every case's data and open tasks says."""
    with unit_of_work(factory) as s:
        steps = _open_steps(s)
        return {
            c.id: (
                c.admission_date,
                bool(c.get("decision_date")),
                birthday_wait(c),
                min((days_to_decision(step) for step in steps[c.id]), default=0),
                c.unit,
                c.category,
                c.status,
            )
            for c in _read_from_cases(s)
        }


def _facts_agree(factory) -> None:
    """The reports' ``facts.load`` (from the table) reads each case as its own row and
    data would: the same columns, and the same value of every key a report reads."""
    with unit_of_work(factory) as s:
        loaded, direct = facts.load(s, None), _read_from_cases(s)
    assert [c.id for c in loaded] == [c.id for c in direct]
    for mine, theirs in zip(loaded, direct, strict=True):
        assert (
            mine.unit,
            mine.category,
            mine.status,
            mine.outcome,
            mine.created_at,
            mine.title,
        ) == (
            theirs.unit,
            theirs.category,
            theirs.status,
            theirs.outcome,
            theirs.created_at,
            theirs.title,
        )
        assert {k: mine.get(k) for k in facts.REPORT_KEYS} == {
            k: theirs.get(k) for k in facts.REPORT_KEYS
        }


def test_the_engine_keeps_the_row_in_step_with_the_case(world):
    student = Case(world, STUDENT)
    assert _rows(world)[student.id] == (
        None,
        False,
        None,
        days_to_decision("accept_sympathiser"),
        "THPT-TP",
        "student",
        "active",
    )
    student.walk(*TO_BRANCH_VOTE)
    assert _rows(world)[student.id][3] == days_to_decision("branch_vote")
    with unit_of_work(world) as s:
        cases.suspend(s, student.id, CLERK)
    assert _rows(world)[student.id][6] == "suspended"
    with unit_of_work(world) as s:
        cases.resume(s, student.id, CLERK)
    student.walk("branch_vote", *AFTER_BRANCH_VOTE[:2])
    decided_on = date.fromisoformat(student.row.data["decision_date"])
    assert _rows(world)[student.id][:4] == (decided_on, True, None, days_to_decision("ceremony"))
    assert _rows(world) == _from_data(world)
    _facts_agree(world)


def test_the_demo_and_its_copies_have_rows_that_match_their_data(factory, monkeypatch):
    run = plugin_runner(factory, monkeypatch)
    with clock.frozen_at(T0):
        assert run("demo", "--cases", "36").exit_code == 0
    found = _rows(factory)
    assert len(found) == 36 and found == _from_data(factory)
    _facts_agree(factory)
    assert any(admitted for admitted, *_ in found.values())
    assert any(row[2] for row in found.values())  # a birthday wait
    assert len({row[3] for row in found.values()}) > 3  # several lead times


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
        return {
            c.id
            for c in _read_from_cases(s)
            if c.undecided and earliest_decision(c, steps[c.id], today) <= last_day
        }


def test_the_query_for_cases_still_decidable_agrees_with_the_rule(world):
    ids = rd.seed(world)
    student = Case(world, STUDENT)  # open, at the class: far from its decision
    student.walk("accept_sympathiser")
    units = {row["unit"] for row in rd.ROWS} | {"THPT-TP"}
    last_day = date(2025, 12, 31)
    seen = set()
    for offset in range(0, 400, 3):  # every third day of the year, and past it
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
        expected = {
            c.id
            for c in _read_from_cases(s)
            if c.unit in units
            if c.admission_date and c.admission_date.year == 2025
        }
    assert found == expected and ids["S1"] in found


def test_migration_0009_fills_the_rows_of_cases_stored_before_it(empty_engine, monkeypatch):
    """Cases stored before 0009 get their rows from the migration. Today's engine
    stores them (it writes only today's columns), then the schema goes back to 0008,
    as it was before the table, and forward again."""
    engine = empty_engine
    schema.upgrade(engine)
    factory = dbmod.make_session_factory(engine)
    monkeypatch.setattr(registry, "case_stored", [])  # no rows but the migration's
    monkeypatch.setattr(registry, "case_unit", resolvers.case_unit)
    with clock.frozen_at(T0):
        demo.run(factory, CLERK)
    downgrade(engine, "0008")
    assert not inspect(engine).has_table("admission_facts")
    schema.upgrade(engine)
    found = _rows(factory)
    assert len(found) == len(demo.STORIES) and found == _from_data(factory)
    _facts_agree(factory)


def _columns(engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_migration_0012_gives_stored_units_what_the_old_rules_found(empty_engine):
    """Units stored before 0012 get their attributes from the rules the reports used
    then (names, kinds): for the demo tree, exactly what its file now says."""
    schema.upgrade(empty_engine)
    factory = dbmod.make_session_factory(empty_engine)
    with unit_of_work(factory) as session:
        orgs.import_tree(session, orgs.read_tree_file(DEMO))
    downgrade(empty_engine, "0011")
    assert "institution" not in _columns(empty_engine, "units")
    schema.upgrade(empty_engine)
    with unit_of_work(factory) as session:
        rows = {u.code: (u.institution, u.duties) for u in session.execute(select(Unit)).scalars()}
        plan = orgs.plan_import(session, orgs.read_tree_file(DEMO))
    assert (plan.created, plan.updated) == ((), ())
    marked = {code for code, (institution, _duties) in rows.items() if institution}
    assert marked == {"THPT-TP", "THPT-BTX", "THPT-TL", "DN-LB", "DN-DT", "DN-MX", "DN-RS"}
    assert rows["THPT-TL"] == ("high_school", [])
    assert rows["DN-RS"] == ("non_state_enterprise", [])
    assert rows["TU-DL"] == (None, ["owns_plan_targets"])
    assert rows["BDV-DL"] == (None, ["sets_sourcing_quotas"])
    assert rows["P1"] == (None, [])


def test_migration_0013_keeps_the_targets_a_board_set(empty_engine):
    """The per-enterprise target goes; what the plan still has stays as the board set it."""
    schema.upgrade(empty_engine)
    factory = dbmod.make_session_factory(empty_engine)
    chosen = Settings("TU-DL", 2025, 2, 150, ("THPT-TP",), 40, "Số liệu của Ban Tổ chức.")
    with unit_of_work(factory) as session:
        targets.save(session, chosen, "btc")
    downgrade(empty_engine, "0012")
    assert {"per_enterprise", "enterprises"} <= _columns(empty_engine, "plan_targets")
    schema.upgrade(empty_engine)
    assert not {"per_enterprise", "enterprises"} & _columns(empty_engine, "plan_targets")
    with unit_of_work(factory) as session:
        assert targets.settings(session, "TU-DL", 2025) == chosen


def test_every_data_field_a_report_reads_is_kept():
    """A report that read a field ``admission_facts`` does not keep would count every
    case as lacking it: each field the report modules ask a case for is in the list."""
    folder = Path(facts.__file__).parent
    source = "".join(path.read_text() for path in folder.glob("*.py"))
    asked = set(re.findall(r'\.get\("([a-z_]+)"', source))
    assert {"decision_date", "gender", "proposer_unit", "probation_end"} <= asked
    assert asked <= set(facts.REPORT_KEYS)
