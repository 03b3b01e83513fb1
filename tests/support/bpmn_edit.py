"""Small edits of BPMN text for tests that deploy a changed version of a diagram."""

from __future__ import annotations

from lxml import etree

from engine.definitions.bpmn_xml import KETNAP_NS, NS

BPMN = "{" + NS["bpmn"] + "}"


def _tree(xml: str | bytes):
    return etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)


def _text(root) -> str:
    return etree.tostring(root, encoding="unicode")


def _by_id(root, element_id: str):
    found = root.xpath("//*[@id=$id]", id=element_id)
    assert found, f"no element {element_id}"
    return found[0]


def insert_task(
    xml: str, flow_id: str, task_id: str, *, name: str, lane: str, form: str, tag: str = "userTask"
) -> str:
    """Put a new task on sequence flow ``flow_id``: source -> task -> old target."""
    root = _tree(xml)
    flow = _by_id(root, flow_id)
    process = flow.getparent()
    task = etree.SubElement(process, BPMN + tag, id=task_id, name=name)
    if tag in ("userTask", "manualTask"):
        task.set(f"{{{KETNAP_NS}}}form", form)
    target = flow.get("targetRef")
    flow.set("targetRef", task_id)
    etree.SubElement(
        process, BPMN + "sequenceFlow", id=f"{task_id}_out", sourceRef=task_id, targetRef=target
    )
    ref = etree.SubElement(_by_id(root, lane), BPMN + "flowNodeRef")
    ref.text = task_id
    return _text(root)


def retag(xml: str, element_id: str, tag: str, *, keep_ketnap: bool = False) -> str:
    """Make an element another kind of element (a user task a script task, say)."""
    root = _tree(xml)
    element = _by_id(root, element_id)
    element.tag = BPMN + tag
    for name in list(element.attrib):
        if name.startswith(f"{{{KETNAP_NS}}}") and not keep_ketnap:
            del element.attrib[name]
    return _text(root)


def rename(xml: str, element_id: str, new_id: str) -> str:
    """Give an element another id, and every reference to it with it."""
    root = _tree(xml)
    for node in root.iter():
        for key, value in node.attrib.items():
            if value == element_id:
                node.set(key, new_id)
        if node.text and node.text.strip() == element_id:
            node.text = new_id
    return _text(root)
