"""The pipeline, half-year and quota reports grouped in SQL (``admission_facts``,
``admission_spans``) say exactly what the reading of every case in Python said
(``tests/support/report_reference.py``), on SQLite and PostgreSQL: for hand-made cases
on the edges of the rules, for the demo and its copies, after the engine has moved,
reopened and transferred cases, and after migration 0022 filled in the cases stored
before it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import inspect, select

from engine import cases, clock, schema
from engine import db as dbmod
from engine.cases import unit_of_work
from engine.models import WorkItem
from engine.registry import registry
from tests.support import report_data as rd
from tests.support import report_reference as reference
from tests.support.databases import downgrade
from workflows.admission import demo, reopening, resolvers
from workflows.admission.reports import facts, stored
from workflows.admission.reports.models import AdmissionFacts, AdmissionSpans
from workflows.admission.reports.periods import period_report
from workflows.admission.reports.pipeline import pipeline_report
from workflows.admission.reports.quotas import quota_report
from workflows.admission.tree import load_tree

from .conftest import plugin_runner
from .scenario import CLERK, STUDENT, T0, TO_BRANCH_VOTE, Case, advance_to

YEARS = (2024, 2025, 2026)


def _agree(factory, committees: tuple[str, ...], now: datetime, years=YEARS) -> int:
    """Every report of each committee (and each year) agrees with the reference; the
    number of figures compared, so that a test sees it compared something."""
    compared = 0
    with unit_of_work(factory) as s:
        tree = load_tree(s)
        for committee in committees:
            units = facts.committee_units(tree, committee)
            today = now.date()
            found = pipeline_report(s, units, now, today)
            assert found == reference.pipeline_report(s, units, now, today), committee
            compared += len(found.figures) + len(found.step_times) + len(found.body_times)
            for year in years:
                cases_of = facts.load(s, units)
                periods = period_report(s, units, year)
                assert periods == reference.period_report(cases_of, year), (committee, year)
                quotas = quota_report(s, tree, committee, year)
                assert quotas == reference.quota_report(s, tree, committee, year)
                compared += sum(f.value for f in periods.figures.values())
                compared += sum(f.value for f in quotas.figures.values())
    return compared


def _recounted(factory) -> Counter:
    """``admission_spans`` as a count from scratch of every completed task would be."""
    with unit_of_work(factory) as s:
        counted: Counter = Counter()
        for unit, *task in s.execute(
            select(
                AdmissionFacts.unit,
                WorkItem.step,
                WorkItem.step_name,
                WorkItem.unit,
                WorkItem.created_at,
                WorkItem.completed_at,
            )
            .join(WorkItem, WorkItem.case_id == AdmissionFacts.case_id)
            .where(WorkItem.status == "completed", WorkItem.completed_at.is_not(None))
        ):
            counted[(unit or "", *stored._span(*task))] += 1
        return counted


def _kept(factory) -> Counter:
    with unit_of_work(factory) as s:
        return Counter(
            {
                (r.case_unit, r.step, r.step_name, r.body, r.micros): r.tasks
                for r in s.execute(select(AdmissionSpans)).scalars()
                if r.tasks
            }
        )


def test_hand_made_cases_on_the_edges_of_the_rules(world):
    rd.seed(world)
    assert _kept(world) == _recounted(world) and _kept(world)
    assert _agree(world, ("TU-DL", "THPT-TL", "THPT-TP"), rd.NOW) > 20


def test_the_demo_and_its_copies(factory, monkeypatch):
    run = plugin_runner(factory, monkeypatch)
    with clock.frozen_at(T0):
        assert run("demo", "--cases", "48").exit_code == 0
    assert _kept(factory) == _recounted(factory)
    later = T0 + timedelta(days=200)
    assert _agree(factory, ("TU-DL", "P1", "THPT-TL"), later, (T0.year, T0.year + 1)) > 48


def test_the_engine_keeps_the_spans_as_it_moves_reopens_and_transfers(world):
    student = Case(world, {**STUDENT, "birth_date": "2000-01-01"})
    other = Case(world, STUDENT)
    for step in TO_BRANCH_VOTE:  # a day or more between steps: spans that differ
        student.do(step)
        advance_to(world, clock.now().date() + timedelta(days=3))
    other.walk(*TO_BRANCH_VOTE[:3])
    assert _kept(world) == _recounted(world)
    before = sum(_kept(world).values())
    [done] = [i for i in student.items("completed") if i.step == TO_BRANCH_VOTE[-2]]
    with unit_of_work(world) as s:
        reopening.reopen_step(s, done.id, "Nhập nhầm.", CLERK, units={"BTV-DL"}, closed_within=10)
    # The reopened step and the one after it are no longer counted.
    assert sum(_kept(world).values()) < before
    assert _kept(world) == _recounted(world)
    with unit_of_work(world) as s:  # the case moves to another branch: its spans follow
        cases.update_data(s, other.id, {"branch": "THPT-TL"}, CLERK)
    assert other.row.unit == "THPT-TL"
    assert _kept(world) == _recounted(world)
    assert _agree(world, ("TU-DL", "THPT-TP", "THPT-TL"), clock.now()) > 0


def test_migration_0022_fills_in_the_cases_stored_before_it(empty_engine, monkeypatch):
    """Today's engine stores the demo (and its listeners every column); the schema goes
    back to 0021, before the columns and the spans, and forward again: the migration's
    rows make the same reports, and the same counts, as the engine's."""
    schema.upgrade(empty_engine)
    factory = dbmod.make_session_factory(empty_engine)
    monkeypatch.setattr(registry, "case_stored", [stored.store])
    monkeypatch.setattr(registry, "case_unit", resolvers.case_unit)
    with clock.frozen_at(T0):
        demo.run(factory, CLERK)
    now = T0 + timedelta(days=30)
    with unit_of_work(factory) as s:
        units = facts.committee_units(load_tree(s), "TU-DL")
        written = (
            pipeline_report(s, units, now, now.date()),
            period_report(s, units, T0.year),
            quota_report(s, load_tree(s), "TU-DL", T0.year),
        )
    spans = _kept(factory)
    downgrade(empty_engine, "0021")
    assert not inspect(empty_engine).has_table("admission_spans")
    schema.upgrade(empty_engine)
    assert _kept(factory) == spans == _recounted(factory) and spans
    with unit_of_work(factory) as s:
        assert (
            pipeline_report(s, units, now, now.date()),
            period_report(s, units, T0.year),
            quota_report(s, load_tree(s), "TU-DL", T0.year),
        ) == written
    assert _agree(factory, ("TU-DL",), now, (T0.year,)) > 0
