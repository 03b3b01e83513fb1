"""Loops drawn with gateways, far past SpiffWorkflow's 1,000 task levels: each round's
task is ready in turn and the case closes only at the end (engine/task_tree.py), in
time linear in the rounds; and a case never closes while a task of it is open."""

from __future__ import annotations

import time

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import TaskState

from engine import cases, definitions, projection, runtime
from engine.cases import unit_of_work
from engine.definitions import bpmn_xml, specs
from engine.errors import ProcessError
from engine.models import Case

from .helpers import ALICE, make_registry


def loop_diagram(rounds: int, body: str) -> bytes:
    """start -> again (join) -> body -> done (split) -> back to again, or the end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:ketnap="urn:ketnap:bpmn:1" id="d" targetNamespace="urn:ketnap:loops">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" ketnap:resolver="case_unit">
      <bpmn:flowNodeRef>round</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:exclusiveGateway id="again"/>
    {body}
    <bpmn:exclusiveGateway id="done" default="back"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="again"/>
    <bpmn:sequenceFlow id="f1" sourceRef="again" targetRef="round"/>
    <bpmn:sequenceFlow id="f2" sourceRef="round" targetRef="done"/>
    <bpmn:sequenceFlow id="back" sourceRef="done" targetRef="again"/>
    <bpmn:sequenceFlow id="out" sourceRef="done" targetRef="end">
      <bpmn:conditionExpression>rounds &gt;= {rounds}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>""".encode()


USER_ROUND = '<bpmn:userTask id="round" ketnap:form="step"/>'
SCRIPT_ROUND = (
    '<bpmn:scriptTask id="round"><bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>'
)
STEP_FORM = b'{"title": "B", "fields": [{"name": "note", "label": "G", "type": "text"}]}'


def _workflow(content: bytes) -> BpmnWorkflow:
    root, problems = bpmn_xml.parse_secure("loop.bpmn", content)
    assert not problems
    spec, subs = definitions.parse_specs({"loop.bpmn": root}, "loop")
    return BpmnWorkflow(spec, subs, script_engine=runtime.script_engine(make_registry()))


def test_a_5000_round_loop_of_user_tasks_has_its_task_ready_every_round():
    wf = _workflow(loop_diagram(5000, USER_ROUND))
    runtime.step(wf)
    started = time.monotonic()
    for done in range(5000):
        # The library's own walk (what broke past 1,000 levels), and now and then the
        # engine's reading of every task, which must agree.
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        assert len(ready) == 1 and not wf.is_completed(), done
        if done % 500 == 0:
            assert runtime.ready_user_tasks(wf) == ready
        ready[0].data["rounds"] = done + 1
        runtime.run_task(ready[0])
        runtime.step(wf)
    assert wf.is_completed() and not runtime.live_tasks(wf)
    assert runtime.case_data(wf, {})["rounds"] == 5000
    assert len([t for t in runtime.all_tasks(wf) if t.task_spec.bpmn_id == "round"]) == 5000
    # Linear in the rounds: quadratic, it took minutes (a thousand rounds, 30 s).
    assert time.monotonic() - started < 60


def test_a_3000_round_script_loop_runs_in_one_operation_and_closes_at_its_end(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        definitions.deploy(
            s, {"loop.bpmn": loop_diagram(3000, SCRIPT_ROUND)}, "designer", registry=reg
        )
        case = cases.start_case(s, "loop", {"rounds": 0}, ALICE, registry=reg)
        assert (case.status, case.outcome, case.data["rounds"]) == ("closed", "completed", 3000)


def test_a_case_never_closes_while_a_task_is_open(factory):
    reg = make_registry()
    files = {"loop.bpmn": loop_diagram(3, USER_ROUND), "step.json": STEP_FORM}
    with unit_of_work(factory) as s:
        definitions.deploy(s, files, "designer", registry=reg)
        case_id = cases.start_case(s, "loop", {"rounds": 0}, ALICE, registry=reg).id
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        loaded = specs.for_case(s, case.definition_id, case.definition_hash)
        wf = runtime.load(case.state, loaded, reg)
        wf.completed = True  # what the library's depth-limited walk used to conclude
        with pytest.raises(ProcessError, match="still open"):
            projection.sync(s, case, wf, loaded, reg, "alice")
