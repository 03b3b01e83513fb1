"""A long looping case keeps its finished trunk apart from its state (engine/stored.py):
operations load a live part that does not grow with the case, and what reads the
history (the case diagram, a move to another version, a copy of the case) still sees
every task, exactly as if nothing had been cut."""

from __future__ import annotations

import json

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import TaskState
from sqlalchemy import delete, func, select

from engine import (
    case_migration,
    cases,
    clock,
    cloning,
    definitions,
    progress,
    runtime,
    state,
    stored,
)
from engine.cases import Actor, unit_of_work
from engine.definitions import bpmn_xml, specs
from engine.models import Case, CaseTrunk, WorkItem

from .helpers import ALICE, make_registry
from .test_long_loops import STEP_FORM, USER_ROUND, loop_diagram

ROUNDS = 40
DESIGNER = Actor("designer")


def deploy(factory, reg, rounds: int) -> int:
    files = {"loop.bpmn": loop_diagram(rounds, USER_ROUND), "step.json": STEP_FORM}
    with unit_of_work(factory) as s:
        return definitions.deploy(s, files, "designer", registry=reg)[0].id


def complete_next(factory, reg, case_id: int, done: int) -> None:
    with unit_of_work(factory) as s:
        item = s.execute(
            select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalar_one()
        cases.complete_task(s, item.id, {"note": f"vòng {done}"}, ALICE, registry=reg)


def run_case(factory, reg, rounds: int) -> int:
    """A case of the loop, ``rounds`` rounds in (each round's task gets a note)."""
    with unit_of_work(factory) as s:
        case_id = cases.start_case(s, "loop", {"rounds": 0}, ALICE, registry=reg).id
    for done in range(rounds):
        complete_next(factory, reg, case_id, done)
    return case_id


def reference(reg, rounds: int) -> BpmnWorkflow:
    """The same rounds in memory, nothing cut: what the whole tree must be."""
    root, _ = bpmn_xml.parse_secure("loop.bpmn", loop_diagram(ROUNDS, USER_ROUND))
    spec, subs = definitions.parse_specs({"loop.bpmn": root}, "loop")
    wf = BpmnWorkflow(spec, subs, script_engine=runtime.script_engine(reg))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update({"rounds": 0})
    runtime.step(wf)
    for done in range(rounds):
        task = runtime.ready_user_tasks(wf)[0]
        task.data.update({"note": f"vòng {done}"})
        runtime.run_task(task)
        runtime.step(wf)
    return wf


def shape(wf) -> list[tuple]:
    """Every task from the root down, in order: its step, state and data."""
    found, todo = [], [wf.task_tree]
    while todo:
        task = todo.pop()
        found.append((task.task_spec.name, task.state, json.dumps(task.data, sort_keys=True)))
        todo.extend(reversed(task.children))
    return found


def whole(session, case_id: int, reg) -> BpmnWorkflow:
    case = session.get_one(Case, case_id)
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    return stored.load_whole(session, case, loaded, reg)


def live(session, case_id: int) -> dict:
    return json.loads(session.get_one(Case, case_id).state)


def test_the_live_part_stays_small_and_the_whole_tree_is_the_uncut_one(factory):
    reg = make_registry()
    deploy(factory, reg, ROUNDS)
    case_id = run_case(factory, reg, 30)
    with unit_of_work(factory) as s:
        assert len(live(s, case_id)["tasks"]) < 10  # about 90 tasks in all
        parts = s.scalar(select(func.count()).where(CaseTrunk.case_id == case_id))
        assert parts >= 29  # one part per operation that finished something
        rebuilt = whole(s, case_id, reg)
    assert shape(rebuilt) == shape(reference(reg, 30))
    # The case diagram marks every step the case went through, the first ones too,
    # which the live part alone no longer holds.
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        loaded = specs.for_case(s, case.definition_id, case.definition_hash)
        live_states = progress.step_states(runtime.load(case.state, loaded, reg), [], clock.now())
    states = progress.step_states(rebuilt, [], clock.now())
    assert (states["start"], states["round"]) == ("done", "active")
    assert "start" not in live_states
    # And the case goes on from its live part (the form sets no ``rounds``: it loops on).
    for done in range(30, ROUNDS):
        complete_next(factory, reg, case_id, done)
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert (case.status, case.data["note"]) == ("active", "vòng 39")
        assert shape(whole(s, case_id, reg)) == shape(reference(reg, ROUNDS))


def test_a_case_stored_whole_before_is_cut_by_its_next_operation(factory):
    reg = make_registry()
    deploy(factory, reg, ROUNDS)
    case_id = run_case(factory, reg, 10)
    with unit_of_work(factory) as s:  # as the engine stored it before the trunk existed
        case = s.get_one(Case, case_id)
        case.state = state.dumps(whole(s, case_id, reg))
        s.execute(delete(CaseTrunk).where(CaseTrunk.case_id == case_id))
    with unit_of_work(factory) as s:
        assert "cut" not in live(s, case_id) and len(live(s, case_id)["tasks"]) > 30
    complete_next(factory, reg, case_id, 10)
    with unit_of_work(factory) as s:
        assert len(live(s, case_id)["tasks"]) < 10
        assert shape(whole(s, case_id, reg)) == shape(reference(reg, 11))


def test_a_moved_case_takes_its_whole_history_and_goes_on(factory):
    reg = make_registry()
    deploy(factory, reg, ROUNDS)
    case_id = run_case(factory, reg, 20)
    target = deploy(factory, reg, ROUNDS + 1)  # another condition: another version
    with unit_of_work(factory) as s:
        before = shape(whole(s, case_id, reg))
        verdict = case_migration.migrate_case(s, case_id, target, DESIGNER, registry=reg)
        assert verdict.movable, verdict
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).definition_id == target
        # Stored anew: parts numbered from 0, the whole tree as it was.
        numbers = s.scalars(select(CaseTrunk.part).where(CaseTrunk.case_id == case_id)).all()
        assert sorted(numbers) == list(range(len(numbers)))
        assert [(n, st) for n, st, _ in shape(whole(s, case_id, reg))] == [
            (n, st) for n, st, _ in before
        ]
    for done in range(20, ROUNDS + 1):
        complete_next(factory, reg, case_id, done)
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert (case.status, case.data["note"]) == ("active", f"vòng {ROUNDS}")
        rounds = [
            t
            for t in runtime.all_tasks(whole(s, case_id, reg))
            if t.task_spec.name == "round" and t.state == TaskState.COMPLETED
        ]
        assert len(rounds) == ROUNDS + 1


def test_a_copy_has_the_whole_history_under_its_own_task_ids(factory):
    reg = make_registry()
    deploy(factory, reg, ROUNDS)
    case_id = run_case(factory, reg, 15)
    with unit_of_work(factory) as s:
        template = cloning.Template(s, case_id, "nobody")
        copy_id = cloning.copy_case(s, template, "nobody else", registry=reg).id
    with unit_of_work(factory) as s:
        # One stored part for the copy, whatever the template's number of them.
        assert s.scalar(select(func.count()).where(CaseTrunk.case_id == copy_id)) == 1
        original, copy = whole(s, case_id, reg), whole(s, copy_id, reg)
        assert shape(copy) == shape(original)
        assert not {t.id for t in runtime.all_tasks(copy)} & {
            t.id for t in runtime.all_tasks(original)
        }
    complete_next(factory, reg, copy_id, 15)
    with unit_of_work(factory) as s:
        assert shape(whole(s, copy_id, reg)) == shape(reference(reg, 16))


def test_a_step_reopened_from_the_stored_trunk_comes_back_and_the_trunk_is_rewritten(
    factory, reg, started
):
    from .test_reopening import AT_ONCE, check_state_matches_rows, complete, items, reopen

    [(submit, _, _)] = items(factory, started)
    complete(factory, reg, submit, AT_ONCE)  # its timer fires at once: decide opens
    with unit_of_work(factory) as s:
        uuid = s.get_one(WorkItem, submit).task_uuid
        assert uuid not in live(s, started)["tasks"]  # submit is in the stored trunk
    again = reopen(factory, reg, submit)
    assert [row[1:] for row in items(factory, started)][-1] == ("submit", "open")
    check_state_matches_rows(factory, reg, started)
    with unit_of_work(factory) as s:
        # The reopened step's task is in the live part, runnable.
        assert s.get_one(WorkItem, again).task_uuid in live(s, started)["tasks"]
        numbers = s.scalars(select(CaseTrunk.part).where(CaseTrunk.case_id == started)).all()
        assert sorted(numbers) == list(range(len(numbers)))
    complete(factory, reg, again, AT_ONCE)
    assert [row[1:] for row in items(factory, started)][-1] == ("decide", "open")
    check_state_matches_rows(factory, reg, started)
