"""The constructs corpus (tests/engine/data/constructs): one diagram per BPMN construct
of the process-execution conformance list. Each is either refused by the check with its
element named, or deployed and run end to end (through the case operations and the
timer worker) with the steps that ran, in order, and the end reached. No diagram passes
the check and then misbehaves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.task import TaskState
from sqlalchemy import select

from engine import cases, clock, definitions, runtime, stored, timers
from engine.cases import Actor, unit_of_work
from engine.definitions import specs
from engine.models import Case, WorkItem

from .helpers import ALICE, make_registry

CONSTRUCTS = Path(__file__).parent / "data" / "constructs"
FILES = sorted(p.stem for p in CONSTRUCTS.glob("*.bpmn"))
TIMER = Actor("timer")

# Diagram -> what is done to the case once started, and the steps then run (script and
# user tasks, named t_*, and end events, end*), in the order they ran. ("complete", id):
# a user task is done; ("hours", n): the clock moves on and the timer worker runs;
# ("message", name): a message arrives.
RUNS = {
    "task_none": ([], ["t_a", "t_b", "end"]),
    "user_task": ([("complete", "t_u")], ["t_u", "end"]),
    "manual_task": ([("complete", "t_m")], ["t_m", "end"]),
    "script_task": ([], ["t_a", "t_b", "end"]),
    "send_task": ([], ["t_send", "t_after", "end"]),
    "receive_task": ([("message", "reply")], ["t_recv", "t_after", "end"]),
    "exclusive_gateway": ([], ["t_b", "end_b"]),
    "parallel_gateway": ([], ["t_a", "t_b", "t_c", "end"]),
    "inclusive_gateway": ([], ["t_a", "t_c", "t_d", "end"]),
    "event_gateway_timer": ([("hours", 2)], ["t_late", "end_late"]),
    "event_gateway_message": ([("message", "reply")], ["t_reply", "end_reply"]),
    "timer_duration": ([("hours", 2)], ["t_after", "end"]),
    "timer_date": ([("hours", 2)], ["t_after", "end"]),
    "boundary_timer": ([("hours", 2)], ["t_side", "end_side"]),
    "boundary_timer_cycle": (
        [("hours", 1.1), ("hours", 1), ("hours", 1), ("hours", 1), ("complete", "t_u")],
        ["t_side", "end_side", "t_side", "end_side", "t_side", "end_side", "t_u", "end"],
    ),
    "boundary_message": ([("message", "reply")], ["t_side", "end_side"]),
    "boundary_message_noninterrupting": (
        [("message", "reply"), ("complete", "t_u")],
        ["t_side", "end_side", "t_u", "end"],
    ),
    "message_catch": ([("message", "reply")], ["t_after", "end"]),
    # Started, it waits at its start event; the message runs it (engine/outside_events.py).
    "message_start": ([("message", "reply")], ["t_a", "end"]),
    "signal_throw_catch": ([], ["t_a", "end_a", "t_b", "end_b"]),
    "boundary_signal": ([], ["t_a", "end_a", "t_side", "end_side"]),
    "error_boundary": ([], ["t_in", "t_handle", "end_error"]),
    # Not interrupting: the sub-process ends and the flow goes on; the handler runs too.
    "escalation_boundary": ([], ["t_in", "t_after", "t_handle", "end", "end_escalation"]),
    "terminate_end": ([], ["t_a", "end_all"]),
    "embedded_subprocess": ([], ["t_in", "t_after", "end"]),
    "call_activity": ([], ["t_called", "t_after", "end"]),
    "multi_instance_parallel": ([], ["t_each", "t_each", "t_each", "t_after", "end"]),
    "multi_instance_sequential": ([], ["t_each", "t_each", "t_each", "t_after", "end"]),
    "standard_loop": ([], ["t_loop", "t_loop", "t_loop", "t_after", "end"]),
    "gateway_loop": ([], ["t_round", "t_round", "t_round", "end"]),
    "data_objects": ([], ["t_a", "end"]),
    "message_end": ([], ["t_a", "t_b", "end_msg", "end_sig"]),
    "spiff_scripts": ([("complete", "t_u")], ["t_u", "end"]),
    "message_throw": ([], ["t_after", "end"]),
    "boundary_signal_noninterrupting": (
        [("complete", "t_u")],
        ["t_a", "end_a", "t_side", "end_side", "t_u", "end"],
    ),
    "escalation_boundary_interrupting": ([], ["t_in", "t_handle", "end_escalation"]),
    "lanes": ([("complete", "t_u"), ("complete", "t_board")], ["t_u", "t_board", "end"]),
}
# Diagram -> the element the check names when it refuses it.
REFUSED = {
    "service_task": "t_service",
    "business_rule_task": "t_rule",
    "complex_gateway": "gw_complex",
    "transaction": "tx",
    "adhoc_subprocess": "adhoc",
    "link_events": "link_throw",
    "event_subprocess_interrupting": "event_sub",
    "event_subprocess_noninterrupting": "event_sub",
    "event_subprocess_error": "event_sub",
    "conditional_catch": "wait_condition",
    "conditional_boundary": "on_condition",
    "compensation": "on_compensate",
    "timer_cycle_intermediate": "wait_cycle",
    "boundary_timer_cycle_interrupting": "on_cycle",
    "signal_start": "start_on_signal",
    "event_gateway_two_timers": "gw_two",
    "camunda_expression": "to_a",
    "bare_iso_timer": "wait_bare",
    "data_store": "store",
    "conditional_start": "start_when",
    "multiple_event": "wait_either",
}
# Run by tests/engine/test_timer_starts.py (the timer worker starts their cases).
STARTED_BY_TIMER = {"timer_start", "timer_start_cycle"}


def files_of(name: str) -> dict[str, bytes]:
    return {
        f"{name}.bpmn": (CONSTRUCTS / f"{name}.bpmn").read_bytes(),
        "step.json": (CONSTRUCTS / "forms" / "step.json").read_bytes(),
    }


def test_every_diagram_has_an_expectation():
    assert set(FILES) == set(RUNS) | set(REFUSED) | STARTED_BY_TIMER
    assert not set(RUNS) & set(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_the_element_named(name):
    result = definitions.check(files_of(name), make_registry())
    assert not result.ok
    named = [p for p in result.problems if p.element == REFUSED[name]]
    assert named, [str(p) for p in result.problems]
    # The element's id is in the text itself (the designer shows only the text), and
    # the reason in both languages.
    assert all(REFUSED[name] in p.message and " / " in p.message for p in named)


def _ran(session, case: Case, registry) -> list[str]:
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    wf = stored.load_whole(session, case, loaded, registry)  # the finished steps too
    done = [
        t
        for t in runtime.all_tasks(wf)
        if t.state == TaskState.COMPLETED
        and (t.task_spec.bpmn_id or "").startswith(("t_", "end"))
        and not isinstance(t.task_spec, LoopTask)  # the step itself, not one instance
    ]
    return [t.task_spec.bpmn_id for t in sorted(done, key=lambda t: t.last_state_change)]


def _act(factory, reg, case_id: int, action: tuple) -> None:
    kind, what = action
    if kind == "hours":
        clock.advance(timedelta(hours=what))
        timers.run_due(factory, TIMER, registry=reg)
        return
    with unit_of_work(factory) as s:
        if kind == "message":
            cases.send_message(s, case_id, what, {}, ALICE, registry=reg)
        else:
            item = s.execute(
                select(WorkItem).where(
                    WorkItem.case_id == case_id, WorkItem.step == what, WorkItem.status == "open"
                )
            ).scalar_one()
            cases.complete_task(s, item.id, {}, ALICE, registry=reg)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_runs_end_to_end(factory, name):
    reg = make_registry()
    actions, expected = RUNS[name]
    with unit_of_work(factory) as s:
        definitions.deploy(s, files_of(name), "designer", registry=reg)
    start = {"steps": 0, "wait_until": (clock.now() + timedelta(hours=1)).isoformat()}
    with unit_of_work(factory) as s:
        case_id = cases.start_case(s, name, start, ALICE, unit="U1", registry=reg).id
    try:
        for action in actions:
            with unit_of_work(factory) as s:
                assert s.get_one(Case, case_id).status != "closed", (name, action)
            _act(factory, reg, case_id, action)
    finally:
        clock.reset()
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert (case.status, case.outcome) == ("closed", "completed")
        assert _ran(s, case, reg) == expected
        assert case.incident is None and case.next_due_at is None


def test_spiff_scripts_ran_around_the_task_and_its_instructions_are_kept(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        version, _ = definitions.deploy(s, files_of("spiff_scripts"), "designer", registry=reg)
        assert version.elements["spiff_scripts"]["nodes"]["t_u"]["instructions"] == (
            "Đọc kỹ hồ sơ trước khi ký."
        )
        case_id = cases.start_case(s, "spiff_scripts", {"steps": 0}, ALICE, registry=reg).id
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).data["before"] == 10  # the pre-script, at READY
    _act(factory, reg, case_id, ("complete", "t_u"))
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).data["after"] == 11  # the post-script


def test_each_lane_sends_its_task_to_its_own_unit(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        definitions.deploy(s, files_of("lanes"), "designer", registry=reg)
        case_id = cases.start_case(s, "lanes", {"unit_code": "U7"}, ALICE, registry=reg).id
    _act(factory, reg, case_id, ("complete", "t_u"))
    with unit_of_work(factory) as s:
        units = s.execute(
            select(WorkItem.step, WorkItem.unit).where(WorkItem.case_id == case_id)
        ).all()
    assert sorted(units) == [("t_board", "BOARD"), ("t_u", "U7")]
