"""The admission diagrams in bpmn/: clean for `ketnap check`, drawn, and documented."""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import click
import pytest
from lxml import etree

from engine import definitions
from workflows.admission import intake, plugin

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), SCRIPTS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def checked():
    plugin(click.Group())
    return definitions.check(definitions.collect([intake.BPMN_DIR]))


def test_ketnap_check_is_clean(checked):
    assert checked.problems == [] and checked.key == "admission"
    assert set(checked.elements) == {"admission", "verification", "decision", "probation"}


def test_every_user_task_and_lane_speaks_vietnamese(checked):
    for process in checked.elements.values():
        for lane in process["lanes"].values():
            assert lane["name"] and lane["resolver"]
        for node_id, node in process["nodes"].items():
            if node["tag"] == "userTask":
                assert node["name"] and node["name"] != node_id
                form = checked.forms[node["form"]]
                assert form["title"] and all(f["label"] for f in form["fields"])


@pytest.mark.parametrize("path", sorted(intake.BPMN_DIR.glob("*.bpmn")), ids=lambda p: p.name)
def test_the_drawing_is_up_to_date(path):
    """Regenerating the layout changes nothing: run scripts/layout-bpmn.py if it fails."""
    layout = _script("layout-bpmn.py")
    root = etree.parse(str(path)).getroot()
    fresh = copy.deepcopy(root)
    layout.layout(fresh)

    def diagrams(tree):
        return [
            re.sub(rb">\s+<", b"><", etree.tostring(d, method="c14n"))
            for d in tree.iterfind("bpmndi:BPMNDiagram", layout.NS)
        ]

    assert len(diagrams(root)) == 1 and diagrams(root) == diagrams(fresh)
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{layout.NS['bpmndi']}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{layout.NS['bpmndi']}}}BPMNEdge")}
    flows = {f.get("id") for f in root.iter(f"{{{layout.NS['bpmn']}}}sequenceFlow")}
    nodes = {ref.text for ref in root.iter(f"{{{layout.NS['bpmn']}}}flowNodeRef")}
    assert nodes <= shapes and flows == edges


def test_the_conventions_document_is_up_to_date(checked):
    """Run scripts/gen-functions-doc.py if it fails."""
    gen = _script("gen-functions-doc.py")
    text = gen.DOC.read_text(encoding="utf-8")
    assert gen.render(text) == text
