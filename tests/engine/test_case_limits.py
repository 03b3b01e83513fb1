"""What one case operation may make the engine do, on SQLite and PostgreSQL: registered
functions called in a loop, multi-instance steps and loops, the size of case data and
the wall-clock ceiling. Each refusal is a clear error and leaves nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import cases, deadline, definitions, limits, runtime
from engine.cases import unit_of_work
from engine.errors import DefinitionError, InvalidData, OperationTooLong, ProcessError
from engine.models import Case, Event, WorkItem
from engine.registry import Registry
from engine.sandbox import Sandbox
from workflows.admission import rules

from .helpers import ALICE

NOTE_FORM = (
    '{"title": "Ghi chú", "fields": [{"name": "note", "label": "Ghi chú", "type": "string"}]}'
).encode()


def diagram(*, script: str = "prepared = True", loop: str = "", after: str = "") -> bytes:
    """start -> script ``prepare`` -> user task ``work`` (with ``loop`` characteristics)
    -> script ``finish`` (``after``) -> end."""
    finish = after or "finished = True"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:ketnap="urn:ketnap:bpmn:1" id="defs" targetNamespace="urn:ketnap:test">
  <bpmn:process id="limited" name="Giới hạn" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane" name="Tất cả" ketnap:resolver="case_unit">
        <bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="prepare"><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="work" name="Việc" ketnap:form="note">{loop}</bpmn:userTask>
    <bpmn:scriptTask id="finish"><bpmn:script><![CDATA[{finish}]]></bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="work"/>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="finish"/>
    <bpmn:sequenceFlow id="f4" sourceRef="finish" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


def cardinality(expression: str) -> str:
    return (
        "<bpmn:multiInstanceLoopCharacteristics>"
        f"<bpmn:loopCardinality>{expression}</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics>"
    )


def collection(name: str, sequential: bool = False) -> str:
    order = ' isSequential="true"' if sequential else ""
    return (
        f"<bpmn:multiInstanceLoopCharacteristics{order}>"
        f"<bpmn:loopDataInputRef>{name}</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="item" name="item"/>'
        "</bpmn:multiInstanceLoopCharacteristics>"
    )


@pytest.fixture(scope="module")
def reg() -> Registry:
    """The admission rule functions, and a lane resolver."""
    registry = Registry()
    registry.resolver("case_unit")(lambda ctx: "U1")
    rules.register(registry)
    return registry


def files(bpmn: bytes) -> dict[str, bytes]:
    return {"limited.bpmn": bpmn, "forms/note.json": NOTE_FORM}


def deploy(factory, reg, bpmn: bytes) -> None:
    with unit_of_work(factory) as s:
        definitions.deploy(s, files(bpmn), "designer", registry=reg)


def start(factory, reg, data=None) -> int:
    with unit_of_work(factory) as s:
        return cases.start_case(s, "limited", data or {}, ALICE, registry=reg).id


def stored(factory) -> tuple[int, int, list[str]]:
    """Cases, inbox rows and the kinds of the audit events: what an operation left."""
    with unit_of_work(factory) as s:
        return (
            s.scalar(select(func.count()).select_from(Case)),
            s.scalar(select(func.count()).select_from(WorkItem)),
            list(s.execute(select(Event.kind).order_by(Event.seq)).scalars()),
        )


def refused_start(factory, reg, error, match, data=None):
    before = stored(factory)
    with pytest.raises(error, match=match):
        start(factory, reg, data)
    assert stored(factory) == before  # nothing kept: no case, no task, no event


# -- registered functions ----------------------------------------------------------------

BOMBS = [
    "x = [add_workdays('2025-01-02', 30) for i in range(100000)]",
    "x = [age_eligible('2000-01-01', '2025-01-01') for i in range(100000)]",
    "x = [verification_places('A', 'P1', [{'place_unit': 'P2'}] * 900, False) for i in range(900)]",
    "n = 0\nwhile True:\n    n = n + len(today())",
]


@pytest.mark.parametrize("script", BOMBS)
def test_a_function_call_bomb_stops_within_the_budget_and_stores_nothing(factory, reg, script):
    deploy(factory, reg, diagram(script=script))
    refused_start(factory, reg, ProcessError, r"prepare: .*too much work: more than 100,000 steps")


def test_a_million_working_days_are_refused_by_name(factory, reg):
    deploy(factory, reg, diagram(script="due = add_workdays('2025-01-02', 1_000_000)"))
    refused_start(factory, reg, ProcessError, "n must be at most 10,000 working days")


def test_functions_within_their_cost_still_work(factory, reg):
    deploy(factory, reg, diagram(script="due = workday_deadline('2025-09-01', 60)"))
    case_id = start(factory, reg)
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).data["due"] == "2025-11-25T23:59:00+07:00"


# -- multi-instance steps and loops ------------------------------------------------------


def test_a_literal_cardinality_above_the_limit_is_refused_at_check(reg):
    for literal in ("1000000", "1000 * 1000"):
        found = definitions.check(files(diagram(loop=cardinality(literal))), reg).problems
        assert [(p.element, p.message) for p in found] == [
            (
                "work",
                "loop cardinality 1,000,000 is more than the 200 instances a step may run "
                "(KETNAP_MAX_INSTANCES)",
            )
        ]
    assert definitions.check(files(diagram(loop=cardinality("200"))), reg).ok
    assert definitions.check(files(diagram(loop=cardinality("count"))), reg).ok  # computed


def test_a_loop_maximum_above_the_limit_is_refused_at_deploy(factory, reg):
    loop = '<bpmn:standardLoopCharacteristics loopMaximum="5000"/>'
    with pytest.raises(DefinitionError, match="loopMaximum 5,000 is more than the 200"):
        deploy(factory, reg, diagram(loop=loop))


def test_a_computed_cardinality_above_the_limit_is_refused_at_run_time(factory, reg):
    deploy(factory, reg, diagram(script="count = 10 ** 6", loop=cardinality("count")))
    refused_start(factory, reg, ProcessError, r"work: cardinality 'count' would run 1,000,000")


def test_cardinality_up_to_the_limit_runs_every_instance(factory, reg):
    deploy(factory, reg, diagram(script="count = 3", loop=cardinality("count")))
    with limits.using(max_instances=3):
        case_id = start(factory, reg)
    with unit_of_work(factory) as s:
        open_rows = s.scalar(
            select(func.count()).select_from(WorkItem).where(WorkItem.case_id == case_id)
        )
    assert open_rows == 3


@pytest.mark.parametrize("sequential", [False, True])
def test_a_collection_above_the_limit_is_refused_at_run_time(factory, reg, sequential):
    deploy(factory, reg, diagram(script="places = list(range(4))", loop=collection("places")))
    with limits.using(max_instances=3):
        refused_start(factory, reg, ProcessError, r"collection 'places' would run 4 instances")


def test_a_loop_that_never_ends_stops_at_the_limit(factory, reg):
    loop = (
        "<bpmn:standardLoopCharacteristics>"
        "<bpmn:loopCondition>True</bpmn:loopCondition>"
        "</bpmn:standardLoopCharacteristics>"
    )
    bpmn = diagram().replace(
        b'<bpmn:scriptTask id="prepare">', b'<bpmn:scriptTask id="prepare">' + loop.encode()
    )
    deploy(factory, reg, bpmn)
    with limits.using(max_instances=5):
        refused_start(factory, reg, ProcessError, r"prepare: the loop would run 6 instances")


# -- the size of case data ---------------------------------------------------------------


def test_a_script_writing_a_value_too_large_stores_nothing(factory, reg):
    deploy(factory, reg, diagram(script="blob = 'x' * 70000"))
    too_large = r"prepare: field 'blob' of the case data is too large \(over 65,536 bytes"
    refused_start(factory, reg, ProcessError, too_large)


def test_many_values_too_large_together_are_refused(factory, reg):
    script = "\n".join(f"v{i} = 'x' * 60000" for i in range(20))
    deploy(factory, reg, diagram(script=script))
    refused_start(
        factory, reg, ProcessError, r"prepare: the case data is too large \(over 1,048,576"
    )


def test_start_data_and_submissions_too_large_are_field_errors(factory, reg):
    deploy(factory, reg, diagram())
    with limits.using(max_value_bytes=100):
        before = stored(factory)
        with pytest.raises(InvalidData) as refused:
            start(factory, reg, {"title": "ok", "notes": "x" * 200})
        assert refused.value.fields == {"notes": ["Dữ liệu quá lớn (tối đa 100 byte)."]}
        assert stored(factory) == before
        case_id = start(factory, reg, {"title": "ok"})
        with unit_of_work(factory) as s:
            item = s.execute(select(WorkItem).where(WorkItem.case_id == case_id)).scalar_one()
        with pytest.raises(InvalidData) as refused, unit_of_work(factory) as s:
            cases.complete_task(s, item.id, {"note": "é" * 60}, ALICE, registry=reg)
        assert list(refused.value.fields) == ["note"]  # 120 bytes in UTF-8
        with unit_of_work(factory) as s:
            assert s.get_one(WorkItem, item.id).status == "open"


# -- the wall-clock ceiling --------------------------------------------------------------


def test_an_operation_past_its_ceiling_is_rolled_back(factory, reg):
    deploy(factory, reg, diagram(after="n = 0\nwhile n < 10 ** 9:\n    n = n + 1"))
    case_id = start(factory, reg)
    with unit_of_work(factory) as s:
        item = s.execute(select(WorkItem).where(WorkItem.case_id == case_id)).scalar_one()
    before = stored(factory)
    with limits.using(operation_seconds=0):
        with (
            pytest.raises(OperationTooLong, match="longer than 0 seconds"),
            unit_of_work(factory) as s,
        ):
            cases.complete_task(s, item.id, {"note": "xong"}, ALICE, registry=reg)
    assert stored(factory) == before
    with unit_of_work(factory) as s:
        assert s.get_one(WorkItem, item.id).status == "open"


def test_the_sandbox_stops_at_the_ceiling_of_the_operation(reg):
    sandbox = Sandbox(reg.functions, costs=reg.costs)
    with deadline.ceiling(0), pytest.raises(OperationTooLong):
        sandbox.execute("while True:\n    pass", {})  # would stop on its budget later
    sandbox.execute("n = 1", {})  # outside the ceiling, nothing is stopped


def test_an_inner_ceiling_never_extends_the_outer_one():
    with deadline.ceiling(0):
        with deadline.ceiling(60), pytest.raises(OperationTooLong, match="0 seconds"):
            deadline.check()
    deadline.check()


def looping(script: str, condition: str) -> bytes:
    """start -> script ``again`` -> gateway: back to ``again`` while ``condition``, else
    the user task ``work``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:ketnap="urn:ketnap:bpmn:1" id="defs" targetNamespace="urn:ketnap:test">
  <bpmn:process id="limited" name="Vòng" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane" name="Tất cả" ketnap:resolver="case_unit">
        <bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="again"><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="more" default="done"/>
    <bpmn:userTask id="work" name="Việc" ketnap:form="note"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again"/>
    <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="more"/>
    <bpmn:sequenceFlow id="back" sourceRef="more" targetRef="again">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="more" targetRef="work"/>
    <bpmn:sequenceFlow id="f4" sourceRef="work" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


def test_a_flow_that_loops_for_ever_stops_at_the_step_limit(factory, reg, monkeypatch):
    monkeypatch.setattr(runtime, "MAX_STEPS", 40)
    deploy(factory, reg, looping("turns = 1", "True"))
    refused_start(factory, reg, ProcessError, r"more than 40 steps in one operation")


def test_steps_that_write_too_much_in_one_operation_are_stopped(factory, reg):
    # Each turn writes a new 30 KB value: the case's data stays small, its history not.
    deploy(factory, reg, looping("n = n + 1\nlog = str(n % 10) * 30000", "n &lt; 20"))
    with limits.using(max_case_bytes=200_000):
        too_much = r"again: the steps of one operation wrote more than 200,000 bytes of data"
        refused_start(factory, reg, ProcessError, too_much, data={"n": 0})
        assert start(factory, reg, {"n": 15})  # five turns fit
