"""engine.case_migration on the small review diagram: a case restored on another version's
spec keeps its tree where nothing changed, waits on its timers, and follows new steps."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select

from engine import audit, case_migration, cases, definitions, runtime, timers
from engine.cases import Actor, unit_of_work
from engine.definitions import specs
from engine.models import Case, WorkItem
from tests.support.bpmn_edit import insert_task, retag

from .helpers import (
    ALICE,
    BOB,
    SUBMIT_OK,
    deploy_review,
    make_registry,
    move_clock_past_wait,
    review_files,
)

DESIGNER = Actor("designer")


def deploy(factory, reg, edit) -> int:
    files = review_files()
    files["review.bpmn"] = edit(files["review.bpmn"].decode("utf-8")).encode("utf-8")
    with unit_of_work(factory) as s:
        return definitions.deploy(s, files, "designer", registry=reg)[0].id


def start(factory, reg) -> int:
    with unit_of_work(factory) as s:
        return cases.start_case(s, "review", {"full_name": "Lê Văn Bình"}, ALICE, registry=reg).id


def open_item(factory, case_id) -> WorkItem:
    with unit_of_work(factory) as s:
        return s.execute(
            select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalar_one()


def complete(factory, reg, case_id, data) -> str:
    item = open_item(factory, case_id)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, data, BOB, registry=reg)
    return item.step


def tree(wf) -> Counter:
    return Counter((t.workflow.spec.name, t.task_spec.name, t.state) for t in runtime.all_tasks(wf))


def same_tree_on_own_spec(factory, reg, case_id) -> bool:
    with unit_of_work(factory) as s:
        row = s.get(Case, case_id)
        loaded = specs.for_case(s, row.definition_id, row.definition_hash)
        return tree(runtime.load(row.state, loaded, reg)) == tree(
            case_migration.reattach(row.state, loaded, reg)
        )


def test_restoring_on_the_same_spec_changes_nothing(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    case_id = start(factory, reg)
    assert same_tree_on_own_spec(factory, reg, case_id)
    complete(factory, reg, case_id, SUBMIT_OK)  # now waiting on the timer
    assert same_tree_on_own_spec(factory, reg, case_id)
    move_clock_past_wait()
    timers.run_due(factory, Actor("timer"), registry=reg)
    assert same_tree_on_own_spec(factory, reg, case_id)  # decide, with its boundary timer


def test_case_waiting_on_a_timer_moves_then_follows_the_new_step(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    case_id = start(factory, reg)
    complete(factory, reg, case_id, SUBMIT_OK)
    v2 = deploy(
        factory,
        reg,
        lambda xml: insert_task(
            xml, "f4", "countersign", name="Ký xác nhận", lane="Lane_board", form="decide"
        ),
    )
    [verdict] = case_migration.migrate(factory, [case_id], v2, DESIGNER, registry=reg).values()
    assert verdict.movable and verdict.steps == ["wait_date"]
    move_clock_past_wait()
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1
    assert complete(factory, reg, case_id, {"decision": "yes"}) == "decide"
    assert complete(factory, reg, case_id, {"decision": "yes"}) == "countersign"
    with unit_of_work(factory) as s:
        row = s.get(Case, case_id)
        assert row.status == "closed" and row.definition_id == v2
        [event] = [e for e in audit.history(s, case_id) if e.kind == "case_migrated"]
        assert json.loads(event.data)["to_version"] == 2


def test_open_task_keeps_its_row_and_takes_the_new_form_and_name(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    case_id = start(factory, reg)
    before = open_item(factory, case_id)
    v2 = deploy(
        factory,
        reg,
        lambda xml: xml.replace(
            'name="Nộp hồ sơ" ketnap:form="submit"', 'name="Nộp hồ sơ xét" ketnap:form="submit"'
        ),
    )
    case_migration.migrate(factory, [case_id], v2, DESIGNER, registry=reg)
    after = open_item(factory, case_id)
    assert (after.id, after.task_uuid, after.due_at) == (before.id, before.task_uuid, before.due_at)
    assert after.step_name == "Nộp hồ sơ xét"


def test_refused_case_is_left_as_it_was(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    case_id = start(factory, reg)
    v2 = deploy(factory, reg, lambda xml: retag(xml, "submit", "manualTask", keep_ketnap=True))
    with unit_of_work(factory) as s:
        before = (s.get(Case, case_id).state, s.get(Case, case_id).revision)
    [verdict] = case_migration.migrate(factory, [case_id], v2, DESIGNER, registry=reg).values()
    assert [r.code for r in verdict.reasons] == ["changed_kind"]
    assert "user" in str(verdict.reasons[0]).lower() or "UserTask" in str(verdict.reasons[0])
    with unit_of_work(factory) as s:
        row = s.get(Case, case_id)
        assert (row.state, row.revision) == before and row.definition_id != v2
        assert "case_migrated" not in [e.kind for e in audit.history(s, case_id)]
