"""BPMN 2.0 files from other tools (tests/engine/data/thirdparty) and very large generated
ones: each either deploys or is refused with a clear list of problems, never a crash."""

from __future__ import annotations

import time

import pytest

from engine import definitions
from engine.cases import unit_of_work
from engine.errors import DefinitionError

from .helpers import DATA, make_registry

THIRDPARTY = DATA / "thirdparty"
FILES = sorted(p.name for p in THIRDPARTY.glob("*.bpmn"))

# What each file must give: "deploys", or words every user reading the list needs to see.
EXPECTED = {
    "black_box_pool.bpmn": "deploys",
    "gateways_events.bpmn": "deploys",
    "no_layout.bpmn": "deploys",
    "subprocess_events.bpmn": "deploys",
    "bpmnio_colors.bpmn": ["no executable process"],
    "signavio_claims.bpmn": ["no executable process", "names no resolver"],
    "data_and_artifacts.bpmn": ["no executable process"],
    "collaboration_purchase.bpmn": ["several main processes (buyer, seller)"],
    "camunda7_invoice.bpmn": ["syntax error", "names no resolver", "has no form"],
    "zeebe_order.bpmn": ["syntax error", "has no form", "lies in no lane"],
    "collapsed_planes.bpmn": ["has no form"],
    "ketnap_missing_forms.bpmn": [
        "not registered",
        "not among the files given",
        "invalid duration",
    ],
    "broken_references.bpmn": ["xs:ID", "points to no element", "fancyTask"],
    "latin1_export.bpmn": ["not UTF-8"],
}


def test_every_file_has_an_expectation():
    assert len(FILES) >= 12 and set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", FILES)
def test_third_party_file_is_checked_without_crashing(name):
    result = definitions.check({name: (THIRDPARTY / name).read_bytes()}, make_registry())
    expected = EXPECTED[name]
    if expected == "deploys":
        assert result.ok, [str(p) for p in result.problems]
        return
    text = "\n".join(str(p) for p in result.problems)
    for words in expected:
        assert words in text, text
    for problem in result.problems:
        assert problem.file in (name, "") and problem.message
        if problem.element:
            assert problem.line or problem.message


@pytest.mark.parametrize("name", FILES)
def test_third_party_file_deploys_or_raises_its_problems(factory, name):
    with unit_of_work(factory) as session:
        try:
            version, created = definitions.deploy(
                session,
                {name: (THIRDPARTY / name).read_bytes()},
                "designer",
                registry=make_registry(),
            )
        except DefinitionError as err:
            assert EXPECTED[name] != "deploys" and err.problems
        else:
            assert EXPECTED[name] == "deploys" and created and version.version == 1


def wide_process(branches: int, length: int) -> bytes:
    """A process of ``branches`` parallel branches of ``length`` tasks each, with layout."""
    flows, nodes, shapes, edges = [], [], [], []

    def shape(element_id, x, y, w=100, h=80):
        shapes.append(
            f'<bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}">'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )

    def flow(flow_id, source, target):
        flows.append(
            f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
        )
        edges.append(
            f'<bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">'
            f'<di:waypoint x="0" y="0"/><di:waypoint x="10" y="10"/></bpmndi:BPMNEdge>'
        )

    nodes += [
        '<bpmn:startEvent id="start"/>',
        '<bpmn:parallelGateway id="split"/>',
        '<bpmn:parallelGateway id="join"/>',
        '<bpmn:endEvent id="end"/>',
    ]
    shape("start", 0, 0, 36, 36)
    shape("split", 60, 0, 50, 50)
    shape("join", 150 * (length + 1), 0, 50, 50)
    shape("end", 150 * (length + 2), 0, 36, 36)
    flow("f_start", "start", "split")
    flow("f_end", "join", "end")
    for b in range(branches):
        previous = "split"
        for t in range(length):
            task = f"t_{b}_{t}"
            nodes.append(f'<bpmn:task id="{task}" name="Việc {b}.{t}"/>')
            shape(task, 150 * (t + 1), 100 * b)
            flow(f"f_{b}_{t}", previous, task)
            previous = task
        flow(f"f_{b}_join", previous, "join")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs_wide" '
        'targetNamespace="urn:test:wide"><bpmn:process id="wide" isExecutable="true">'
        + "".join(nodes + flows)
        + '</bpmn:process><bpmndi:BPMNDiagram id="dia">'
        '<bpmndi:BPMNPlane id="plane" bpmnElement="wide">'
        + "".join(shapes + edges)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    ).encode("utf-8")


def long_chain(length: int) -> bytes:
    steps = "".join(
        f'<bpmn:task id="t{i}"/><bpmn:sequenceFlow id="f{i}" '
        f'sourceRef="{"start" if i == 0 else f"t{i - 1}"}" targetRef="t{i}"/>'
        for i in range(length)
    )
    return (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="d" targetNamespace="urn:test:long"><bpmn:process id="long" '
        'isExecutable="true"><bpmn:startEvent id="start"/>'
        + steps
        + f'<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f_end" sourceRef="t{length - 1}"'
        ' targetRef="end"/></bpmn:process></bpmn:definitions>'
    ).encode("utf-8")


def test_a_file_of_several_thousand_elements_deploys(factory):
    content = wide_process(branches=150, length=12)  # 1800 tasks, 1950 flows, their DI
    started = time.monotonic()
    with unit_of_work(factory) as session:
        version, created = definitions.deploy(
            session, {"wide.bpmn": content}, "designer", registry=make_registry()
        )
    assert created and len(version.elements["wide"]["nodes"]) > 3700
    assert time.monotonic() - started < 60


def test_a_chain_of_thousands_of_steps_is_refused_with_a_reason():
    result = definitions.check({"long.bpmn": long_chain(3000)}, make_registry())
    assert not result.ok
    assert any("too long" in p.message for p in result.problems)


def test_a_file_over_the_size_limit_is_refused_by_name():
    content = wide_process(branches=400, length=40)
    assert len(content) > 5 * 1024 * 1024
    [problem] = definitions.check({"huge.bpmn": content}, make_registry()).problems
    assert problem.file == "huge.bpmn" and "too large" in problem.message
