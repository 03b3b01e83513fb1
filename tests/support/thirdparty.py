"""BPMN files from other tools (tests/engine/data/thirdparty) with what each must give,
and a generator of very large diagrams: for the engine's checks, the designer's upload
and the modeler in the browser."""

from __future__ import annotations

from pathlib import Path

THIRDPARTY = Path(__file__).resolve().parents[1] / "engine" / "data" / "thirdparty"
FILES = sorted(p.name for p in THIRDPARTY.glob("*.bpmn"))

# What each file must give: "deploys", or words every user reading the list needs to see.
EXPECTED = {
    "black_box_pool.bpmn": "deploys",
    "no_layout.bpmn": "deploys",
    "bpmnio_colors.bpmn": ["no executable process"],
    "signavio_claims.bpmn": ["no executable process", "names no resolver"],
    "data_and_artifacts.bpmn": ["no executable process"],
    "collaboration_purchase.bpmn": ["several main processes (buyer, seller)"],
    "camunda7_invoice.bpmn": ["Camunda's style", "service task", "names no resolver"],
    # SpiffWorkflow parses these and then runs them wrong (engine/definitions/constructs.py)
    "gateways_events.bpmn": ["(jump)", "link events close the case"],
    "subprocess_events.bpmn": ["(on_cancel)", "event sub-processes do not run correctly"],
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
